"""XLSX exports for people: Chinese headers over the ids, Chinese values, frozen headers and autofilter, the
finding key first when present, and "/" kept apart from blank in the wide sheet."""

from __future__ import annotations

import zipfile

import openpyxl

from gongkai.analysis.export import Col, XlsxBook, export_findings, export_reports
from gongkai.analysis.export_xlsx import column_order, shown_value, wide_cell


def _sheet_xml(path, n: int) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{n}.xml").decode("utf-8")


def test_findings_sheet_reads_in_chinese_with_filter_and_frozen_header(db, tmp_path):
    engine, ins, _ = db
    out = tmp_path / "问题.xlsx"
    with engine.connect() as conn:
        export_findings(conn, out)
    rows = list(openpyxl.load_workbook(out, read_only=True)["问题"].iter_rows(values_only=True))
    title, ids = rows[0], rows[1]
    col = {n: i for i, n in enumerate(ids)}
    assert title[col["severity"]] == "严重程度" and title[col["source"]] == "文件名/路径"
    data = rows[2:]
    assert len(data) == len(ins.reports) + 1
    assert {r[col["severity"]] for r in data} <= {"错误", "警告", "提示"}
    assert {r[col["review_decision"]] for r in data} == {"待复核", "已确认"}
    assert all(r[col["source"]] for r in data)
    xml = _sheet_xml(out, 1)
    assert '<autoFilter ref="A2:' in xml and 'ySplit="2"' in xml


def test_wide_sheet_keeps_slash_apart_from_blank(db, tmp_path):
    engine, ins, _ = db
    out = tmp_path / "cells.xlsx"
    with engine.connect() as conn:
        export_reports(conn, out)
    wide = list(openpyxl.load_workbook(out, read_only=True)["宽表"].iter_rows(values_only=True))
    ids, seen = wide[1], set()
    assert wide[0][ids.index("requests.received.total")].startswith("表三")
    for row in wide[2:]:
        r = dict(zip(ids, row))
        for cid, (_raw, meaning, value, inferred) in ins.cells[r["parse_id"]].items():
            if cid not in r:
                continue
            if meaning == "not_applicable" and inferred is None:
                assert r[cid] == "/", cid
                seen.add("slash")
            elif meaning == "blank" and inferred is None:
                assert r[cid] is None, cid
                seen.add("blank")
            elif value is not None:
                assert r[cid] == value
    assert seen == {"slash", "blank"}


def test_key_column_comes_first_when_rows_carry_one(tmp_path):
    cols = (Col("report_key", "str"), Col("code", "str"), Col("key", "str"), Col("severity", "str"))
    assert column_order([c.name for c in cols]) == [2, 0, 1, 3]
    book = XlsxBook(tmp_path / "k.xlsx")
    book.sheet("问题", cols).write(("abc", "IDN-BALANCE", "F-1a2b", "error"))
    book.close()
    rows = list(openpyxl.load_workbook(tmp_path / "k.xlsx", read_only=True)["问题"].iter_rows(values_only=True))
    assert rows[0][0] == "问题编号" and rows[1] == ("key", "report_key", "code", "severity")
    assert rows[2] == ("F-1a2b", "abc", "IDN-BALANCE", "错误")


def test_value_words():
    assert shown_value("review_decision", "dismissed") == "已驳回"
    assert shown_value("meaning", "not_applicable") == "不适用（/）"
    assert shown_value("is_rollup", True) == "是" and shown_value("value", 3.0) == 3.0
    assert shown_value("expected", [1, 2]) == [1, 2]
    assert wide_cell(None, "not_applicable") == "/" and wide_cell(None, "blank") is None
    assert wide_cell(0.0, "zero") == 0.0
