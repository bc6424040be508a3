"""The workbench's queries for a big store give the same answers as the straightforward way they replaced:
the region's findings filtered in the database (not in Python after loading all), findings and reports paged
with a total, the 区域 matrix without the members' cells and with the registry read once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gongkai.analysis.stored import load_registry
from gongkai.analysis.rollup import member_reports
from gongkai.store import schema as t
from gongkai.store.db import open_store
from gongkai.store.review import list_findings as store_findings
from gongkai.store.versions import report_key
from gongkai.web import queries
from gongkai.web.region import region_matrix
from tests.web.regionfix import built_region


@pytest.fixture(scope="module")
def conn():
    url, gen, _ = built_region()
    store = open_store(url)
    with store.engine.connect() as c:
        yield c, gen
    store.dispose()


def _old_findings(conn, org_ids, limit=1000, **filters):
    """The list as the workbench built it before: every finding loaded, the region's kept in Python."""
    rows = store_findings(conn, **filters)
    if org_ids is not None:
        allowed = {
            pid
            for (pid,) in conn.execute(
                select(t.parse.c.id).where(
                    t.parse.c.is_current.is_(True), t.parse.c.organization_id.in_(org_ids or {-1})
                )
            )
        }
        rows = [r for r in rows if r.parse_id in allowed]
    return [(r.key, report_key(r.document_sha256), r.code, r.decision) for r in rows[:limit]]


def _new(rows):
    return [(r["key"], r["report"], r["code"], r["decision"]) for r in rows]


def _regions(conn, gen):
    """No limit, the district, a member body with nothing below it, an unknown region (sees nothing)."""
    return [None, queries.region_org_ids(conn, gen.district), queries.region_org_ids(conn, gen.members[0].name), set()]


@pytest.mark.parametrize(
    "filters", [{}, {"severity": "error"}, {"status": "pending"}, {"year": 2023}, {"organization": "局"}]
)
def test_findings_of_a_region_are_the_old_list(conn, filters):
    c, gen = conn
    for org_ids in _regions(c, gen):
        old = _old_findings(c, org_ids, **filters)
        assert _new(queries.list_findings(c, org_ids=org_ids, **filters)) == old
        assert queries.count_findings(c, org_ids=org_ids, **filters) == len(_old_findings(c, org_ids, 10**9, **filters))
    assert _old_findings(c, None, **filters) or filters  # the generated district has findings to compare


def test_findings_pages_join_up_to_the_whole_list(conn):
    c, gen = conn
    org_ids = queries.region_org_ids(c, gen.district)
    whole = _new(queries.list_findings(c, org_ids=org_ids, limit=10**6))
    assert len(whole) > 20
    pages = [_new(queries.list_findings(c, org_ids=org_ids, limit=7, offset=o)) for o in range(0, len(whole), 7)]
    assert [row for page in pages for row in page] == whole
    assert _old_findings(c, org_ids, limit=10) == whole[:10]


def test_report_pages_join_up_to_the_whole_list(conn):
    c, _ = conn
    for sort in ("org", "year", "errors", "source"):
        whole, total = queries.list_reports(c, sort=sort, page_size=10**6)
        assert total == len(whole) > 20
        paged = []
        for page in range(1, -(-total // 7) + 1):
            rows, t_page = queries.list_reports(c, sort=sort, page=page, page_size=7)
            assert t_page == total
            paged += rows
        assert paged == whole
    errors, n_errors = queries.list_reports(c, has_errors=True, page_size=10**6)
    clean, n_clean = queries.list_reports(c, has_errors=False, page_size=10**6)
    assert n_errors == len(errors) and n_clean == len(clean) and n_errors + n_clean == total
    assert all(r.errors > 0 for r in errors) and all(r.errors == 0 for r in clean)


def test_region_matrix_needs_no_cells_and_one_registry(conn):
    c, gen = conn
    years = sorted({s.year for s in gen.specs.values()})
    reg = load_registry(c)
    for year in years:
        name, with_cells = member_reports(c, gen.district, year)
        name2, without = member_reports(c, gen.district, year, with_cells=False, registry=reg)
        assert name == name2
        assert [(m.org_id, [r.report_key for r in m.reports]) for m in with_cells] == [
            (m.org_id, [r.report_key for r in m.reports]) for m in without
        ]
        assert any(m.reports and m.reports[0].cells for m in with_cells)
        assert not any(r.cells for m in without for r in m.reports)
        assert region_matrix(c, gen.district, year) == region_matrix(c, gen.district, year, reg)


def _python_parts(conn, scope, by, rollups, ids, figures=None):
    """The rule as it was applied before, report by report in Python over the loaded cells (the oracle)."""
    from collections import defaultdict

    from gongkai.analysis.stored import iter_reports
    from gongkai.analysis.stats import FEE_CELL, _group_key, _Part

    parts, present, skipped = {}, defaultdict(set), 0
    for rep in iter_reports(conn, scope, cell_ids=ids.all()):
        if rep.organization_id is not None:
            present[rep.year].add(rep.organization_id)
        if rollups != "included" and rep.is_rollup != (rollups == "only"):
            skipped += 1
            continue
        values = {}
        for c in rep.cells:
            v = c.value_or_inferred
            if v is None and c.meaning in ("blank", "not_applicable"):
                v = 0.0
            values[c.cell_id] = v
        needed = [c for c in ids.all() if c != FEE_CELL or rep.format != "2019"]
        part = parts.setdefault(_group_key(by, rep.year if by == "year" else rep.organization), _Part())
        part.reports += 1
        part.reports_2019 += rep.format == "2019"
        part.fee_reports += rep.format != "2019"
        part.reports_incomplete += any(values.get(c) is None for c in needed)
        for c in needed:
            part.sums[c] += values.get(c) or 0.0
    return parts, present, skipped


@pytest.mark.parametrize("by", ["year", "org"])
@pytest.mark.parametrize("rollups", ["excluded", "included", "only"])
def test_stats_summed_in_the_database_are_the_python_sums(conn, monkeypatch, by, rollups):
    from gongkai.analysis import stats
    from gongkai.analysis.stored import Selection

    c, gen = conn
    ids = stats.cell_ids()
    assert len(set(ids.all())) == len(ids.all())  # a cell counted once per report
    year = max(s.year for s in gen.specs.values())
    selections = [
        Selection(),
        Selection(region=gen.district),
        Selection(year=year),
        Selection(region=gen.district, year=year),
    ]
    new = [stats.compute_stats(c, sel, by=by, rollups=rollups).to_dict() for sel in selections]
    monkeypatch.setattr(stats, "_parts", _python_parts)
    old = [stats.compute_stats(c, sel, by=by, rollups=rollups).to_dict() for sel in selections]
    assert new == old
    assert new[0]["total"]["reports"] > 0


def test_stats_in_the_database_on_sqlite_and_postgresql(store_url, tmp_path, monkeypatch):
    """The SQL of the sums (CASE, conditional counts, a boolean group) on both databases."""
    from gongkai.analysis import stats
    from gongkai.store.ingest import ingest
    from tests.web.conftest import write_corpus

    store = open_store(store_url)
    try:
        ingest(store, write_corpus(tmp_path / "in"))
        with store.engine.connect() as c:
            new = [stats.compute_stats(c, by=by).to_dict() for by in ("year", "org")]
            monkeypatch.setattr(stats, "_parts", _python_parts)
            old = [stats.compute_stats(c, by=by).to_dict() for by in ("year", "org")]
    finally:
        store.dispose()
    assert new == old and new[0]["total"]["reports"] >= 4


def test_region_matrix_from_finding_marks_is_the_matrix_from_full_findings(tmp_path, monkeypatch):
    """The matrix counts findings from their code, severity and review only; with every finding loaded in full
    (evidence, related reports) as before, it is the same — reviews included."""
    import shutil

    from gongkai.analysis.stored import Scope, Selection, iter_reports, resolve
    from gongkai.store.review import decide
    from gongkai.web import region

    _, gen, folder = built_region()
    shutil.copy(folder / "region.db", tmp_path / "r.db")
    store = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    with store.begin() as c:  # one decision of each kind, on own and cross findings
        marked = store_findings(c, severity="error", limit=3) + store_findings(c, cross=True, limit=2)
        for i, f in enumerate(marked):
            decide(c, f.key, ("dismissed", "confirmed")[i % 2], "测试用的说明", reviewer="测试")
    assert len(marked) >= 3
    c = store.engine.connect()
    years = sorted({s.year for s in gen.specs.values()})
    new = [region_matrix(c, gen.district, y) for y in years]

    def full(conn_, org_ids, year, registry):
        scope = resolve(conn_, Selection(year=year), registry)
        scope = Scope(scope.conditions + (t.parse.c.organization_id.in_(org_ids),), None, scope.registry)
        return iter_reports(conn_, scope, with_cells=False, with_findings=True)

    monkeypatch.setattr(region, "_reports", full)
    assert [region_matrix(c, gen.district, y) for y in years] == new
    assert any(r.errors or r.pending or r.late for m in new for r in m.rows)
    assert any(m.rollup and m.rollup.mismatches for m in new)
    c.close()
    store.dispose()
