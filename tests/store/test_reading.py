"""The reading report is stored with each parse (SQLite and PostgreSQL) exactly as `gongkai check --json`
gives it, and reads back into a ReadingReport."""

from __future__ import annotations

import random

from sqlalchemy import select

from gongkai.batch import check_one
from gongkai.examples.generate import random_spec
from gongkai.reading import ReadingReport
from gongkai.render.html import render_html
from gongkai.store import schema as t
from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from tests.store.corpus import write_reports


def _stored(store, path: str):
    with store.engine.connect() as conn:
        return conn.execute(
            select(t.parse.c.reading)
            .select_from(t.parse.join(t.document_path, t.document_path.c.document_id == t.parse.c.document_id))
            .where(t.document_path.c.path == path, t.parse.c.is_current)
        ).scalar_one()


def test_reading_report_is_stored_by_ingest(store_url, tmp_path):
    store = open_store(store_url)
    try:
        paths = write_reports(tmp_path / "in", 3, seed=4)
        html = tmp_path / "in" / "r.html"
        html.write_bytes(render_html(random_spec(random.Random(2), "2021"), random.Random(2), style="rowspan"))
        paths.append(html)
        (tmp_path / "in" / "empty.txt").write_bytes(b"")
        ingest(store, [tmp_path / "in"], jobs=1)
        for p in paths:
            stored = _stored(store, str(p))
            expected = check_one(str(p)).report.reading.to_dict()
            assert stored == expected
            assert ReadingReport.from_dict(stored).to_dict() == expected
        assert _stored(store, str(html))["reader"] == "html"
        assert _stored(store, str(tmp_path / "in" / "empty.txt")) is None  # an error row: nothing was read
    finally:
        store.dispose()
