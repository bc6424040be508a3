"""`gongkai.open_store`: the stored reports, findings and statistics as typed Python objects, on SQLite and
PostgreSQL, with the command line's filter meanings (exact --org, --org-like, Chinese or English values)."""

from __future__ import annotations

import pytest

import gongkai
from gongkai.examples.bundled import write_examples
from gongkai.vocabulary import CATEGORY_LABELS

REGISTRY = """organizations:
  - name: 澄湾市清漪区民政局
    aliases: [清漪区民政局]
"""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stored(request, tmp_path_factory):
    """(url, the reports as checked in memory): the bundled examples ingested once per backend."""
    tmp = tmp_path_factory.mktemp("store")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'api.db'}"
    else:
        url = request.getfixturevalue("postgres_server").new_database("t_store_api")
    paths = write_examples(tmp / "ex", with_pdf=False)
    registry = tmp / "orgs.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    with gongkai.open_store(url, create=True) as store:
        store.import_orgs(registry)
        summary = store.ingest(paths)
    assert summary.files == len(paths) and not summary.failed and not summary.missing
    return url, {p.name: gongkai.check(p) for p in paths}


def test_open_store_never_creates_a_database(tmp_path) -> None:
    missing = tmp_path / "none.db"
    with pytest.raises(gongkai.GongkaiError) as err:
        gongkai.open_store(missing)
    assert err.value.code == "E-DB"
    assert list(tmp_path.iterdir()) == []


def test_reports_match_what_check_reads(stored) -> None:
    url, checked = stored
    with gongkai.open_store(url) as store:
        assert isinstance(store, gongkai.Store)
        reports = list(store.reports())
        assert all(isinstance(r, gongkai.StoredReport) for r in reports)
        assert sorted(r.source.rsplit("/", 1)[-1] for r in reports) == sorted(checked)
        for rep in reports:
            mem = checked[rep.source.rsplit("/", 1)[-1]]
            assert (rep.year, rep.is_rollup, rep.organization_printed) == (mem.year, mem.is_rollup, mem.organization)
            assert {c.cell_id: (c.raw, c.value) for c in rep.cells if c.raw is not None} == {
                cid: (c.raw, c.value) for cid, c in mem.cells.items()
            }
            # values the identities infer are stored beside the report's own, never over them
            assert {c.cell_id: c.inferred_value for c in rep.cells if c.inferred_value is not None} == {
                cid: i.value for cid, i in mem.inferred.items()
            }
        assert [r.report_key for r in store.reports(cells=False)] == [r.report_key for r in reports]
        assert {r.report_key for r in store.reports(current_only=False)} >= {r.report_key for r in reports}


def test_org_is_exact_and_org_like_is_part(stored) -> None:
    url, _ = stored
    with gongkai.open_store(url) as store:

        def names(**kw):
            return sorted(r.organization for r in store.reports(cells=False, **kw))

        assert names(org="澄湾市清漪区民政局") == ["澄湾市清漪区民政局"]
        assert names(org="清漪区民政局") == ["澄湾市清漪区民政局"]  # an alias in the registry
        assert names(org="北澜市人民政府") == ["北澜市人民政府"]  # not registered: the printed name
        assert names(org="民政局") == []  # exact, not a substring …
        assert names(org_like="民政局") == ["澄湾市清漪区民政局"]  # … which --org-like is
        assert "北澜市松陵县人民政府" in names(org_like="北澜市")
        assert names(year=2019) == ["鹤鸣区柳塘街道办事处"]
        assert {f.organization for f in store.findings(org_like="民政局")} == {"澄湾市清漪区民政局"}
        assert store.findings(org="民政局") == []


def test_findings_filters_accept_chinese_and_codes(stored) -> None:
    url, checked = stored
    with gongkai.open_store(url) as store:
        own = store.findings(cross=False)
        expected = sorted((r.organization, f.code) for r in checked.values() for f in r.findings)
        assert sorted((f.organization, f.code) for f in own) == expected
        errors = store.findings(severity="错误", cross=False)
        assert errors and errors == store.findings(severity="error", cross=False) == store.findings(
            severity=gongkai.Severity.ERROR, cross=False
        )
        assert {f.severity for f in errors} == {"error"}
        assert len(errors) == sum(f.severity is gongkai.Severity.ERROR for r in checked.values() for f in r.findings)
        for category in {f.category for f in own}:
            by_name = store.findings(category=CATEGORY_LABELS[category], cross=False)
            assert by_name == store.findings(category=category, cross=False)
            assert by_name and {f.category for f in by_name} == {category}
        code = errors[0].code
        assert {f.code for f in store.findings(code=code.lower())} == {code}
        assert store.findings(status="待审核") == store.findings(status="pending") == store.findings()
        with pytest.raises(gongkai.UnknownChoice) as bad:
            store.findings(severity="严重")
        assert bad.value.code == "E-CHOICE" and "错误" in bad.value.message


def test_stats_rollups_excluded_included_only(stored) -> None:
    url, checked = stored
    rollups = sum(r.is_rollup for r in checked.values())
    assert rollups  # the examples include a roll-up report
    with gongkai.open_store(url) as store:
        excluded, included, only = (store.stats(rollups=m) for m in ("excluded", "包含", "only"))
        assert isinstance(included, gongkai.StatsResult)
        assert excluded.total.reports == len(checked) - rollups and excluded.skipped == rollups
        assert included.total.reports == len(checked) and included.skipped == 0
        assert only.total.reports == rollups
        assert included.total.received == pytest.approx(excluded.total.received + only.total.received)
        by_org = store.stats(by="org", org="澄湾市清漪区民政局")
        assert [r.key for r in by_org.rows] == ["澄湾市清漪区民政局"]
