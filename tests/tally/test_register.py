"""Reading registers: header aliases and --map, encodings, XLSX date cells, date styles, unreadable files."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest

from gongkai.errors import (
    CorruptInput,
    EmptyInput,
    GongkaiError,
    UnreadableInput,
    UnsupportedFormat,
)
from gongkai.examples.registers import random_applications, write_csv, write_xlsx
from gongkai.tally import (
    REQUEST_FIELDS,
    REQUEST_REQUIRED,
    parse_date,
    parse_map,
    read_applications,
    tally_requests,
)
from gongkai.errors import RegisterError
from gongkai.tally.register import register_from_rows

HEADERS = ["序号", "受理日期", "申请人类型", "办理结果", "办结日期"]
ROW = ["1", "2024-03-05", "公民", "予以公开", "2024-03-20"]


def _fields(grid, **kw):
    reg = register_from_rows(grid, REQUEST_FIELDS, REQUEST_REQUIRED, **kw)
    return reg


@pytest.mark.parametrize(
    "header",
    [
        HEADERS,
        ["申请编号", "收到日期", "申请人类型", "办理结果", "答复日期"],
        ["编 号", "收到日期（年月日）", "申请人类别", "处理结果", "答复时间"],
        ["ＮＯ", "申请日期", "申请人 类型", "答复类型", "回复日期"],  # full-width letters, inner space
    ],
)
def test_header_aliases(header):
    reg = _fields([["某局政府信息公开申请登记台账"], [], header, ROW])
    assert set(reg.columns) >= set(REQUEST_REQUIRED)
    assert len(reg.rows) == 1 and reg.rows[0].line == 4
    assert reg.rows[0].values["received"] == "2024-03-05"


def test_map_overrides_and_missing_columns():
    header = ["件号", "收件日", "申请人类型", "办理结果", "答复日期", "备注"]
    with pytest.raises(RegisterError) as err:
        _fields([header, ROW + ["x"]])
    assert "收到日期" in err.value.message and err.value.code == "E-REGISTER"
    reg = _fields([header, ROW + ["x"]], overrides=parse_map(["收件日=收到日期", "件号=id"], REQUEST_FIELDS))
    assert reg.columns["received"] == "收件日" and reg.columns["id"] == "件号"
    assert reg.ignored_headers == ["备注"]
    with pytest.raises(RegisterError):
        parse_map(["收件日"], REQUEST_FIELDS)
    with pytest.raises(RegisterError) as err:
        parse_map(["收件日=到达时间"], REQUEST_FIELDS)
    assert "未知" in err.value.message


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("2024/3/5", date(2024, 3, 5)),
        ("2024年3月5日", date(2024, 3, 5)),
        ("2024.03.05", date(2024, 3, 5)),
        ("２０２４－０３－０５", date(2024, 3, 5)),
        ("2024-03-05 14:30", date(2024, 3, 5)),
        ("2024/3/5 9:05:00", date(2024, 3, 5)),
        ("20240305", date(2024, 3, 5)),
        ("2024 年 3 月 5 日", date(2024, 3, 5)),
        (45356, date(2024, 3, 5)),
        ("45356", date(2024, 3, 5)),
        (datetime(2024, 3, 5, 8), date(2024, 3, 5)),
        (date(2024, 3, 5), date(2024, 3, 5)),
        (None, None),
        ("  ", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2024-02-30", "3月5日", "去年", "2024-13-01", "12", "已答复"])
def test_bad_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_encodings_read_alike(tmp_path, encoding):
    reg = random_applications(random.Random(5), 2024, 300)
    p = tmp_path / "r.csv"
    write_csv(reg, p, encoding)
    x = tmp_path / "r.xlsx"
    write_xlsx(reg, x)
    a, b = tally_requests(read_applications(p), 2024), tally_requests(read_applications(x), 2024)
    assert a.values == b.values and a.left_out == b.left_out and a.counted > 100


def test_xlsx_date_cells_and_sheet(tmp_path):
    import xlsxwriter

    p = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    wb.add_worksheet("说明").write(0, 0, "填表说明")
    ws = wb.add_worksheet("2024年")
    fmt = wb.add_format({"num_format": "yyyy/m/d"})
    for c, h in enumerate(HEADERS):
        ws.write(0, c, h)
    ws.write_number(1, 0, 1)
    ws.write_datetime(1, 1, datetime(2024, 3, 5), fmt)
    ws.write(1, 2, "企业")
    ws.write(1, 3, "（三）不予公开 1.属于国家秘密")
    ws.write_number(1, 4, 45371)  # a date cell that lost its format
    wb.close()
    with pytest.raises(RegisterError):
        read_applications(p)  # the first sheet holds only notes
    with pytest.raises(RegisterError) as err:
        read_applications(p, sheet="2023年")
    assert "2024年" in err.value.message
    r = tally_requests(read_applications(p, sheet="2024年"), 2024)
    assert r.values["requests.withheld.state_secret.commercial_enterprise"] == 1 and not r.left_out
    assert read_applications(p, sheet="2024年").rows[0].values["received"] == date(2024, 3, 5)


def test_tab_separated_and_fullwidth_comma(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text("\t".join(HEADERS) + "\n" + "\t".join(ROW) + "\n", "utf-8")
    assert tally_requests(read_applications(p), 2024).values["requests.granted.natural_person"] == 1
    q = tmp_path / "q.csv"
    q.write_text("，".join(HEADERS) + "\n" + "，".join(ROW) + "\n", "gb18030")
    assert tally_requests(read_applications(q), 2024).values["requests.granted.natural_person"] == 1


def test_unreadable_inputs(tmp_path):
    with pytest.raises(UnreadableInput):
        read_applications(tmp_path / "none.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(UnsupportedFormat):
        read_applications(tmp_path / "old.xls")
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CorruptInput):
        read_applications(tmp_path / "bad.xlsx")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(EmptyInput):
        read_applications(tmp_path / "empty.csv")
    (tmp_path / "bin.csv").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(GongkaiError):
        read_applications(tmp_path / "bin.csv")
    with pytest.raises(GongkaiError):
        read_applications(tmp_path)
