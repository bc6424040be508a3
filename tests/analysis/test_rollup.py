"""`gongkai template --rollup`: a region's 汇总 report pre-filled from its members' stored reports."""

from __future__ import annotations

import openpyxl
from click.testing import CliRunner

from gongkai.analysis.rollup import ORIGIN_SHEET, build_rollup
from gongkai.cli import main
from gongkai.forms.xlsx_read import read_xlsx_form
from gongkai.standard import get_format
from tests.analysis.test_export import DEPT_A, DEPT_B, DISTRICT, STREET


def _expected(ins, year):
    sums: dict[str, float] = {}
    for pid, meta in ins.reports.items():
        if meta["year"] == year and meta["org"] in (DEPT_A, DEPT_B, STREET) and not meta["rollup"]:
            for cid, (_raw, _m, value, _inf) in ins.cells[pid].items():
                if value is not None and cid.startswith(("requests.", "appeals.")):
                    sums[cid] = sums.get(cid, 0) + value
    return sums


def test_tables_three_and_four_are_the_members_sums(db):
    engine, ins, _ = db
    with engine.connect() as conn:
        r = build_rollup(conn, DISTRICT, 2023)
        old = build_rollup(conn, DISTRICT, 2020)
    expected = _expected(ins, 2023)
    got = {c: v for c, v in r.values.items() if c.startswith(("requests.", "appeals."))}
    assert got == expected and expected
    assert r.without_report == [] and set(r.sources["requests.received.total"]) <= {DEPT_A, DEPT_B, STREET}
    f21 = get_format("2021")
    # table 二 only where every member states the cell
    for cid in (c for c in r.values if c.startswith("proactive.")):
        assert cid not in r.unstated and len(r.sources[cid]) == 3
    assert set(r.values) <= set(f21.cells)
    assert sorted(old.without_report) == sorted([DEPT_B, STREET])


def test_cli_writes_the_prefilled_workbook_with_origins(db, tmp_path):
    engine, ins, url = db
    out = tmp_path / "汇总.xlsx"
    res = CliRunner().invoke(main, ["template", "--rollup", DISTRICT, "--year", "2023", "--db", url, "-o", str(out)])
    assert res.exit_code == 0, res.output
    form = read_xlsx_form(out)
    assert form.is_rollup and form.organization == DISTRICT
    expected = _expected(ins, 2023)
    for cid, v in expected.items():
        if form.origins.get(cid) == "rollup":
            assert form.values[cid] == v
    assert sum(1 for o in form.origins.values() if o == "rollup") > 20
    side = list(openpyxl.load_workbook(out, read_only=True)[ORIGIN_SHEET].iter_rows(values_only=True))
    assert side[0][0] == "单元格编号" and any(row and row[0] == "requests.received.total" for row in side)
    res = CliRunner().invoke(
        main, ["template", "--rollup", "没有这个区", "--year", "2023", "--db", url, "-o", str(tmp_path / "x.xlsx")]
    )
    assert res.exit_code == 2 and "没有这个区" in res.output
