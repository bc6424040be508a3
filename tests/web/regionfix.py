"""A generated district (our own generator: registry, member bodies, roll-ups, planted cross-report errors)
ingested once per test process and shared by the 区域/对比/填报 tests (read-only for them)."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from gongkai.examples.region import REGISTRY_FILE, Region, generate_region, write_region
from gongkai.orgs.registry import load_registry
from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from gongkai.store.orgs import import_registry

DEPARTMENTS = 10  # the fewest members for which every planted error has a body to go to


@functools.cache
def built_region() -> tuple[str, Region, Path]:
    folder = Path(tempfile.mkdtemp(prefix="gongkai-region-"))
    atexit.register(shutil.rmtree, folder, True)
    region = generate_region(0, departments=DEPARTMENTS)
    write_region(region, folder / "in")
    url = f"sqlite:///{folder / 'region.db'}"
    store = open_store(url)
    try:
        with store.begin() as conn:
            import_registry(conn, load_registry(folder / "in" / REGISTRY_FILE))
        summary = ingest(store, sorted(p for p in (folder / "in").iterdir() if p.is_dir()))
        assert summary.failed == []
    finally:
        store.dispose()
    return url, region, folder
