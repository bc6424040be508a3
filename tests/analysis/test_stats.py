"""`gongkai stats`: sums and rates against sums computed here from the inserted cells."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from gongkai.analysis.stored import Selection
from gongkai.analysis.stats import AppealStats, compute_stats
from gongkai.store import schema as s
from tests.analysis.test_export import (
    DEPT_A,
    DEPT_B,
    DEPT_D,
    DISTRICT,
    STREET,
    UNREGISTERED,
)

WITHHELD = [
    "state_secret",
    "prohibited_by_law",
    "security_stability",
    "third_party_rights",
    "internal_affairs",
    "process_information",
    "enforcement_case_file",
    "administrative_query",
]


def _n(cells: dict, cid: str) -> float:
    _raw, _meaning, value, inferred = cells[cid]
    return value if value is not None else (inferred if inferred is not None else 0.0)


def _expected(ins, pred) -> dict:
    pids = [p for p, m in ins.reports.items() if pred(m)]
    e = {
        "reports": len(pids),
        "received": 0.0,
        "results_total": 0.0,
        "granted": 0.0,
        "withheld": 0.0,
        "carried_over": 0.0,
        "carried_forward": 0.0,
        "fees": 0.0,
        "fee_reports": 0,
        "review": [0.0, 0.0, 0.0],
        "lit": [0.0, 0.0, 0.0],
    }
    for p in pids:
        c = ins.cells[p]
        e["received"] += _n(c, "requests.received.total")
        e["carried_over"] += _n(c, "requests.carried_over.total")
        e["carried_forward"] += _n(c, "requests.carried_forward.total")
        e["results_total"] += _n(c, "requests.total.total")
        e["granted"] += _n(c, "requests.granted.total")
        e["withheld"] += sum(_n(c, f"requests.withheld.{w}.total") for w in WITHHELD)
        if ins.reports[p]["format"] == "2021":
            e["fees"] += _n(c, "proactive.fees.amount")
            e["fee_reports"] += 1
        for i, col in enumerate(("corrected", "pending", "total")):
            e["review"][i] += _n(c, f"appeals.review.{col}")
            e["lit"][i] += _n(c, f"appeals.litigation_direct.{col}") + _n(c, f"appeals.litigation_after_review.{col}")
    return e


def _check(row, e) -> None:
    assert row.reports == e["reports"]
    for k in ("received", "carried_over", "carried_forward", "results_total", "granted", "withheld"):
        assert getattr(row, k) == pytest.approx(e[k]), k
    assert row.fees == pytest.approx(e["fees"]) and row.fee_reports == e["fee_reports"]
    assert (row.review.corrected, row.review.pending, row.review.total) == tuple(e["review"])
    assert (row.litigation.corrected, row.litigation.pending, row.litigation.total) == tuple(e["lit"])
    decided = e["review"][2] - e["review"][1]
    assert row.review.correction_rate == (pytest.approx(e["review"][0] / decided) if decided else None)
    assert row.granted_share == (pytest.approx(e["granted"] / e["results_total"]) if e["results_total"] else None)


def test_by_year_sums_exclude_rollups(db):
    engine, ins, _ = db
    with engine.connect() as conn:
        res = compute_stats(conn)
    assert [r.key for r in res.rows] == ["2020", "2022", "2023"]
    assert res.rollups == "excluded" and res.skipped == 1 and "汇总报告未计入" in res.caption
    for row in res.rows:
        _check(row, _expected(ins, lambda m, y=int(row.key): m["year"] == y and not m["rollup"]))
    _check(res.total, _expected(ins, lambda m: not m["rollup"]))
    y2020 = res.rows[0]
    assert y2020.reports_2019 == 1 and y2020.fee_reports == 0 and y2020.fees == 0
    assert any("2019 年版" in n for n in res.notes)
    assert all(r.bodies_without_report is None for r in res.rows)  # no region: not meaningful


def test_region_counts_bodies_without_report_and_rollups_only(db):
    engine, ins, _ = db
    members = (DISTRICT, DEPT_A, DEPT_B, STREET)
    with engine.connect() as conn:
        res = compute_stats(conn, Selection(region=DISTRICT))
        only = compute_stats(conn, Selection(region=DISTRICT), rollups="only")
        both = compute_stats(conn, Selection(region=DISTRICT), rollups="included")
        by_org = compute_stats(conn, Selection(region=DISTRICT), by="org")
    rows = {r.key: r for r in res.rows}
    _check(rows["2023"], _expected(ins, lambda m: m["org"] in members and m["year"] == 2023 and not m["rollup"]))
    assert rows["2023"].bodies_without_report == 0  # the district published its roll-up
    assert rows["2022"].bodies_without_report == 1 and rows["2022"].bodies_missing == (DISTRICT,)
    assert rows["2020"].bodies_without_report == 3
    assert only.rollups == "only" and only.total.reports == 1 and "只统计汇总报告" in only.caption
    _check(only.total, _expected(ins, lambda m: m["org"] in members and m["rollup"]))
    assert both.rollups == "included" and both.skipped == 0
    _check(both.total, _expected(ins, lambda m: m["org"] in members))
    assert {r.key for r in by_org.rows} == set(members)
    by = {r.key: r for r in by_org.rows}
    assert by[DISTRICT].reports == 0  # its only report is a roll-up
    _check(by[DEPT_A], _expected(ins, lambda m: m["org"] == DEPT_A and not m["rollup"]))
    assert by_org.total.bodies_without_report == 0
    assert DEPT_D not in by and UNREGISTERED not in by


def test_org_and_year_selection(db):
    engine, ins, _ = db
    with engine.connect() as conn:
        res = compute_stats(conn, Selection(org=UNREGISTERED), by="org")
        one = compute_stats(conn, Selection(year=2022))
    assert [r.key for r in res.rows] == [UNREGISTERED]
    _check(res.rows[0], _expected(ins, lambda m: m["org"] == UNREGISTERED))
    assert [r.key for r in one.rows] == ["2022"]


def test_rates_with_zero_denominator():
    assert AppealStats(total=3, pending=3, corrected=0).correction_rate is None
    assert AppealStats(total=4, pending=1, corrected=1).correction_rate == pytest.approx(1 / 3)
    from gongkai.analysis.stats import StatsRow

    row = StatsRow(key="2023")
    assert row.granted_share is None and row.withheld_share is None and row.litigation.correction_rate is None


def _cli():
    from gongkai.commands.stats import stats

    return stats


def test_cli_table_and_json(db):
    _engine, ins, url = db
    res = CliRunner().invoke(_cli(), ["--db", url, "--region", DISTRICT])
    assert res.exit_code == 0, res.output
    for word in ("本年新收", "复议纠正率", "2023年", "不含汇总报告", "2022年无报告的机关"):
        assert word in res.output
    res = CliRunner().invoke(_cli(), ["--db", url, "--json", "--by", "org"])
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data["by"] == "org" and data["rollups"] == "excluded"
    assert data["total"]["reports"] == sum(1 for m in ins.reports.values() if not m["rollup"])
    assert data["total"]["received"] == pytest.approx(_expected(ins, lambda m: not m["rollup"])["received"])


def test_cli_empty_database_says_no_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'e.db'}"
    engine = sa.create_engine(url)
    s.metadata.create_all(engine)
    engine.dispose()
    res = CliRunner().invoke(_cli(), ["--db", url])
    assert res.exit_code == 0 and "没有数据" in res.output
    res = CliRunner().invoke(_cli(), ["--db", url, "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["rows"] == []
    res = CliRunner().invoke(_cli(), ["--db", url, "--region", "无此区"])
    assert res.exit_code == 2 and "E-NOT-FOUND" in res.output
