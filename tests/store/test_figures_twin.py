"""The ingest worker computes a report's stats figures in Python (``figure_rows``); they must equal what the SQL
rule (``usable_value``) writes from the stored cells, for generated reports and for every kind of cell value
(stated, zero, blank, "/", text, unreadable, inferred only, stated and inferred), on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace

from sqlalchemy import select

from gongkai import PARSER_VERSION
from gongkai.readers.limits import DEFAULT_LIMITS
from gongkai.store import schema as t
from gongkai.store.db import open_store
from gongkai.store.figures import cell_ids, figure_rows
from gongkai.store.ingest import store_item
from gongkai.store.ingest_worker import Job, ingest_task
from tests.store.corpus import write_reports

# (raw, meaning, value, inferred_value) replacing a figure cell's stated part
_KINDS = [
    ("12", "number", 12, None),
    ("0", "zero", 0, None),
    ("", "blank", None, None),
    ("", "blank", None, 7.0),  # blank, the identities say 7
    ("/", "not_applicable", None, None),
    ("约300", "text", None, None),
    ("约300", "text", None, 300.0),
    ("1▯", "unreadable", None, None),
    (None, None, None, 5.0),  # not stated, inferred only
    ("3", "number", 3, 4.0),  # stated wins over inferred
    ("12.5", "number", 12.5, None),
]


def _mutated(cells: list[tuple], rng: random.Random) -> list[tuple]:
    wanted = set(cell_ids().all())
    out = []
    for row in cells:
        if row[0] in wanted and rng.random() < 0.6:
            raw, meaning, value, inferred = rng.choice(_KINDS)
            row = (row[0], raw, meaning, value, row[4], inferred, "rule" if inferred is not None else None, *row[7:])
        out.append(row)
    return out


def test_worker_figures_equal_the_sql_rule(store_url, tmp_path):
    rng = random.Random(15)
    files = write_reports(tmp_path / "r", 40, seed=1504)
    items = []
    for i, f in enumerate(files):
        item = ingest_task(Job(str(f), path=str(f)), DEFAULT_LIMITS).payload
        assert item is not None and item.rows.figures == figure_rows(item.rows.cells)
        items.append(item)
        cells = _mutated(item.rows.cells, rng)
        sha = hashlib.sha256(f"mutated {i}".encode()).hexdigest()
        items.append(replace(item, sha256=sha, rows=replace(item.rows, cells=cells, figures=figure_rows(cells))))
    store = open_store(store_url)
    seen_values: set = set()
    try:
        with store.begin() as conn:
            for item in items:
                expected = item.rows.figures
                # figures None: the writer computes them with the SQL rule from the cells it just wrote
                parse_id = store_item(
                    conn, replace(item, rows=replace(item.rows, figures=None)), path=None, parser_version=PARSER_VERSION
                )
                f = t.stats_figure
                stored = conn.execute(
                    select(f.c.figure, f.c.value).where(f.c.parse_id == parse_id).order_by(f.c.figure)
                ).all()
                assert [tuple(r) for r in stored] == expected
                seen_values.update(v for _, v in expected)
    finally:
        store.dispose()
    # the comparison covered unusable cells (None), blank and "/" counted 0, inferred and fractional values
    assert {None, 0.0, 5.0, 7.0, 300.0, 12.5} <= seen_values
