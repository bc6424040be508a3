"""Shared test fixtures. The gold comparison needs ../shared; without it those tests skip with a message."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI explores the same examples every run (`.ci/run` sets HYPOTHESIS_PROFILE=ci): a landing must not depend on
# which random examples a run drew; local runs keep exploring new ones
settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_dir() -> Path:
    if not (SHARED / "gold").is_dir():
        pytest.skip(f"../shared not found at {SHARED}: gold comparison skipped")
    return SHARED


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server on loopback for the whole session (see tests/pgserver.py)."""
    import os

    from tests.pgserver import Server

    server = Server().start()
    if server.url is None:
        if os.environ.get("GONGKAI_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here but unavailable: {server.reason}")
        pytest.skip(server.reason)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """An empty database URL, once for SQLite and once for PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gongkai.db'}"
    server = request.getfixturevalue("postgres_server")
    return server.new_database(f"t_{abs(hash(request.node.nodeid)) % 10**10}")
