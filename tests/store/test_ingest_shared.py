"""Ingesting the shared real reports (seeds and corpus, all formats) stores exactly what `gongkai check` gives,
and a second ingest stores nothing new. Skips without ../shared."""

from __future__ import annotations

from gongkai.batch import check_one, collect
from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from tests.conftest import shared_dir
from tests.store.test_ingest import counts, expected_raw_cells, raw_cells, stored_cells


def test_shared_reports_ingest_like_check(store_url):
    shared = shared_dir()
    folders = [shared / "seeds", shared / "corpus" / "pages", shared / "corpus" / "docs"]
    files = [str(p) for p in collect([f for f in folders if f.is_dir()])]
    store = open_store(store_url)
    try:
        first = ingest(store, folders, jobs=2)
        assert first.files == len(files) and first.stored + first.unchanged == len(files)
        for path in files:
            outcome = check_one(path)
            if outcome.report is None:
                continue  # stored as an error; the same error as check gives
            assert stored_cells(store, path) == outcome.report.gold_cells(), path
            assert raw_cells(store, path) == expected_raw_cells(outcome.report), path
        before = counts(store)
        second = ingest(store, folders, jobs=2)
        assert second.stored == 0 and second.unchanged == len(files)
        assert counts(store) == before
    finally:
        store.dispose()
