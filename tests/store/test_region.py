"""A generated district (30 member bodies × 3 years, roll-ups, planted carry-over / roll-up / late / duplicate
errors, an alias, a short name and a former name) ingested into the store yields exactly the planted
cross-report findings — on SQLite and PostgreSQL — and reviews of them survive a re-ingest."""

from __future__ import annotations

from collections import Counter

from gongkai.examples.region import REGISTRY_FILE, generate_region, write_region
from gongkai.orgs.registry import load_registry
from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from gongkai.store.orgs import import_registry
from gongkai.store.review import decide, list_findings


def _found(conn) -> Counter:
    out = Counter()
    for f in list_findings(conn, cross=True):
        cell = None
        if f.code in ("CARRY-OVER-MISMATCH", "ROLLUP-MISMATCH"):
            cell = f.evidence["cells"][0]["id"]
        out[(f.code, f.organization, f.year, cell)] += 1
    return out


def test_region_gives_exactly_the_planted_cross_findings(store_url, tmp_path):
    region = generate_region(0)
    write_region(region, tmp_path)
    years = sorted(p for p in tmp_path.iterdir() if p.is_dir())
    store = open_store(store_url)
    try:
        with store.begin() as conn:
            import_registry(conn, load_registry(tmp_path / REGISTRY_FILE))
        summary = ingest(store, years, jobs=2)
        assert summary.failed == [] and summary.ambiguous == []
        expected = Counter((e.code, e.organization, e.year, e.cell_id) for e in region.expected)
        assert {code for code, *_ in expected} >= {
            "CARRY-OVER-MISMATCH",
            "ROLLUP-MISMATCH",
            "ROLLUP-INCOMPLETE",
            "LATE-PUBLICATION",
            "DUPLICATE-CONTENT",
        }
        with store.engine.connect() as conn:
            found = _found(conn)
            assert found == expected
            # every report was matched to its registered body, whatever name it printed
            by_file = {f.source: f.organization for f in list_findings(conn)}
        for name, org in region.organizations.items():
            matched = next((o for src, o in by_file.items() if src.endswith(name)), None)
            assert matched in (None, org), name

        # a dismissed cross finding stays dismissed after ingesting the same files again
        with store.begin() as conn:
            target = next(f for f in list_findings(conn, cross=True) if f.code == "LATE-PUBLICATION")
            decide(conn, target.key, "dismissed", "系统故障导致延迟发布，已报备")
        again = ingest(store, years, jobs=2)
        assert again.stored == 0
        with store.engine.connect() as conn:
            assert _found(conn) == expected
            late = [f for f in list_findings(conn, cross=True) if f.fingerprint == target.fingerprint]
        assert len(late) == 1 and late[0].decision == "dismissed"
    finally:
        store.dispose()


def test_region_without_plants_has_no_cross_findings(tmp_path):
    region = generate_region(1, plant=False)
    write_region(region, tmp_path)
    store = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    with store.begin() as conn:
        import_registry(conn, load_registry(tmp_path / REGISTRY_FILE))
    ingest(store, sorted(p for p in tmp_path.iterdir() if p.is_dir()), jobs=2)
    with store.engine.connect() as conn:
        assert _found(conn) == Counter()
    store.dispose()
