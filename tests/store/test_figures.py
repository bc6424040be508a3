"""The stats figures stored at ingest equal the old computation over every cell, on the generated region
(SQLite and PostgreSQL), and the migration's fill gives the same table."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from sqlalchemy import delete, func, select

from gongkai.analysis.stored import Selection
from gongkai.analysis.stats import compute_stats
from gongkai.examples.region import REGISTRY_FILE, generate_region, write_region
from gongkai.orgs.registry import load_registry
from gongkai.store import schema as t
from gongkai.store.db import open_store
from gongkai.store.figures import cell_figures, fill_missing_figures
from gongkai.store.ingest import ingest
from gongkai.store.orgs import import_registry
from tests.web.regionfix import DEPARTMENTS


def _table(conn) -> set[tuple]:
    f = t.stats_figure
    return set(conn.execute(select(f.c.parse_id, f.c.figure, f.c.value)))


def _selections(district: str, years: list[int]) -> list[tuple[Selection, str, str]]:
    out = []
    for by in ("year", "org"):
        for rollups in ("excluded", "included", "only"):
            out.append((Selection(), by, rollups))
            out.append((Selection(region=district), by, rollups))
            out.append((Selection(region=district, year=years[-1]), by, rollups))
    return out


@pytest.fixture
def region_store(store_url, tmp_path):
    gen = generate_region(0, departments=DEPARTMENTS)
    write_region(gen, tmp_path)
    store = open_store(store_url)
    with store.begin() as conn:
        import_registry(conn, load_registry(tmp_path / REGISTRY_FILE))
    ingest(store, sorted(p for p in tmp_path.iterdir() if p.is_dir()))
    yield store, gen
    store.dispose()


def test_stored_figures_give_the_old_stats_on_the_generated_region(region_store):
    store, gen = region_store
    years = sorted({s.year for s in gen.specs.values()})
    with store.engine.connect() as conn:
        reference = cell_figures()
        assert _table(conn) == set(conn.execute(select(reference.c.parse_id, reference.c.figure, reference.c.value)))
        assert conn.execute(select(func.count()).select_from(t.stats_figure)).scalar_one() > 0
        for sel, by, rollups in _selections(gen.district, years):
            new = compute_stats(conn, sel, by=by, rollups=rollups)
            old = compute_stats(conn, sel, by=by, rollups=rollups, figures=cell_figures())
            assert asdict(new) == asdict(old), (sel, by, rollups)
        stats = compute_stats(conn, Selection(region=gen.district), rollups="included")
        assert stats.total.reports > 0 and stats.total.received > 0  # the comparison compared something


def test_the_migration_fill_rebuilds_the_same_figures(region_store):
    store, _ = region_store
    with store.begin() as conn:
        stored = _table(conn)
        some = sorted({p for p, _, _ in stored})[::2]
        conn.execute(delete(t.stats_figure).where(t.stats_figure.c.parse_id.in_(some)))
        assert _table(conn) != stored
        assert fill_missing_figures(conn) == sum(p in some for p, _, _ in stored)
        assert _table(conn) == stored
        assert fill_missing_figures(conn) == 0  # nothing left to fill
