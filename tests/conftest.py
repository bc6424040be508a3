"""Shared test fixtures. The gold comparison needs ../shared; without it those tests skip with a message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_dir() -> Path:
    if not (SHARED / "gold").is_dir():
        pytest.skip(f"../shared not found at {SHARED}: gold comparison skipped")
    return SHARED


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))
