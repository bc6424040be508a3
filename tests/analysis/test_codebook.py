"""`gongkai export --codebook`: the cell dictionary from the standard format data."""

from __future__ import annotations

import csv

import openpyxl
from click.testing import CliRunner

from gongkai.analysis.codebook import codebook
from gongkai.cli import main
from gongkai.standard import get_format


def test_every_standard_cell_once_with_its_labels():
    entries = codebook()
    ids = [e.cell_id for e in entries]
    assert len(ids) == len(set(ids))
    f21, f19 = get_format("2021"), get_format("2019")
    assert set(ids) == set(f21.cells) | set(f19.cells)
    by_id = {e.cell_id: e for e in entries}
    for row in f21.request_rows:
        for cid, col in zip(row.cells, row.column_labels):
            assert by_id[cid].table == "表三" and by_id[cid].row_label == row.label and by_id[cid].column_label == col
    units = {e.unit for e in entries if f21.cells.get(e.cell_id) and f21.cells[e.cell_id].unit}
    assert units == {"万元"}
    only19 = set(f19.cells) - set(f21.cells)
    assert all(by_id[c].formats == "2019" for c in only19)
    assert {e.table for e in entries} == {"表二", "表三", "表四"}


def test_cli_writes_csv_and_xlsx_without_a_database(tmp_path):
    runner = CliRunner()
    res = runner.invoke(
        main, ["export", "--codebook", "-o", str(tmp_path / "字典.csv"), "--db", str(tmp_path / "none.db")]
    )
    assert res.exit_code == 0, res.output
    with open(tmp_path / "字典.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(codebook()) and rows[0]["cell_id"] and rows[0]["table"] == "表二"
    res = runner.invoke(main, ["export", "--codebook", "-o", str(tmp_path / "字典.xlsx")])
    assert res.exit_code == 0, res.output
    sheet = list(
        openpyxl.load_workbook(tmp_path / "字典.xlsx", read_only=True)["单元格字典"].iter_rows(values_only=True)
    )
    assert sheet[0][:5] == ("单元格编号", "表", "行", "列", "单位") and sheet[1][0] == "cell_id"
    assert len(sheet) == len(codebook()) + 2
    res = runner.invoke(main, ["export", "--codebook", "-o", str(tmp_path / "字典.parquet")])
    assert res.exit_code == 2 and "E-FORMAT" in res.output
