"""Damaged and hostile XLSX forms end in E-FORM/E-LIMIT naming the part, sheet or cell."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from gongkai.errors import FormError
from gongkai.forms.xlsx import write_xlsx_template
from gongkai.forms.xlsx_read import _open, _read_slots, read_xlsx


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_xlsx_template(tmp_path_factory.mktemp("x") / "t.xlsx", 2024).read_bytes()


def _rebuild(data: bytes, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            dst.writestr(name, change(name, src.read(name)))
    return out.getvalue()


def _read(tmp_path, data: bytes):
    p = tmp_path / "f.xlsx"
    p.write_bytes(data)
    return read_xlsx(p)


SHEET = "xl/worksheets/sheet1.xml"


def test_template_reads(tmp_path, template):
    assert _read(tmp_path, template).form.year == 2024


@pytest.mark.parametrize(
    "change,words",
    [
        (lambda n, b: b[: len(b) // 2] if n == SHEET else b, ["sheet1.xml", "XML"]),
        (lambda n, b: re.sub(rb"<v>(\d+)</v>", b"<v>&undefined;</v>", b, count=1) if n == SHEET else b, ["sheet1.xml"]),
        (
            lambda n, b: (
                b.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><worksheet', 1)
                if n == SHEET
                else b
            ),
            ["DTD"],
        ),
        (
            lambda n, b: (
                b.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><worksheet', 1)
                if n == SHEET
                else b
            ),
            ["DTD"],
        ),
        (
            lambda n, b: re.sub(rb't="s"><v>\d+</v>', b't="s"><v>99999</v>', b, count=1) if n == SHEET else b,
            ["!A", "共享字符串"],
        ),
    ],
)
def test_damaged_parts_are_e_form_naming_where(tmp_path, template, change, words):
    with pytest.raises(FormError) as err:
        _read(tmp_path, _rebuild(template, change))
    assert err.value.code == "E-FORM"
    for w in words:
        assert w in err.value.message


def test_damaged_compression_is_e_form(tmp_path, template):
    archive = zipfile.ZipFile(io.BytesIO(template))
    info = archive.getinfo(SHEET)
    data = bytearray(template)
    # the local header is 30 bytes plus the name and extra field; damage the middle of the deflate stream
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + min(info.compress_size - 2, 60)):
        data[i] ^= 0x5A
    with pytest.raises(FormError) as err:
        _read(tmp_path, bytes(data))
    assert "sheet1.xml" in err.value.message


def test_long_formula_chain_is_e_limit_not_recursion(tmp_path, template):
    import openpyxl

    wb = _open(template, "t.xlsx", data_only=False)
    slot = next(s for s in _read_slots(wb, "t.xlsx").values() if s.kind == "formula")
    ws = wb[slot.sheet]
    n = 3000
    for i in range(1, n):
        ws[f"AZ{i}"] = f"=AZ{i + 1}"
    ws[f"AZ{n}"] = 1
    ws.cell(row=slot.row + 1, column=slot.col + 1).value = "=AZ1"
    p = tmp_path / "chain.xlsx"
    wb.save(p)
    assert isinstance(openpyxl.load_workbook(p)[slot.sheet]["AZ1"].value, str)
    with pytest.raises(FormError) as err:
        read_xlsx(p)
    assert err.value.code == "E-LIMIT" and "公式" in err.value.message


def test_short_formula_chain_is_computed(tmp_path, template):
    wb = _open(template, "t.xlsx", data_only=False)
    slot = next(s for s in _read_slots(wb, "t.xlsx").values() if s.kind == "formula")
    ws = wb[slot.sheet]
    for i in range(1, 10):
        ws[f"AZ{i}"] = f"=AZ{i + 1}"
    ws["AZ10"] = 7
    ws.cell(row=slot.row + 1, column=slot.col + 1).value = "=AZ1"
    p = tmp_path / "short.xlsx"
    wb.save(p)
    assert read_xlsx(p).form.values[slot.key] == 7


def _merge(ref: str):
    return lambda n, b: (
        re.sub(rb'<mergeCell ref="[^"]+"/>', f'<mergeCell ref="{ref}"/>'.encode(), b, count=1) if n == SHEET else b
    )


def _sheet_entries(copies: int):
    def change(n, b):
        if n != "xl/workbook.xml":
            return b
        m = re.search(rb"<sheet [^>]*/>", b)
        extra = b"".join(
            m.group(0).replace(b'name="', f'name="x{i}'.encode()).replace(b'sheetId="', b'sheetId="9')
            for i in range(copies)
        )
        return b.replace(m.group(0), m.group(0) + extra, 1)

    return change


@pytest.mark.parametrize(
    "change,words",
    [
        (_merge("A100:ZZ20000"), "合并单元格"),  # openpyxl would build and style 14 million cells (it hung)
        (_sheet_entries(60), "工作表过多"),  # the fuzzer's 57 entries for 6 sheets took 10 s
    ],
)
def test_workbook_shape_is_bounded_before_openpyxl(tmp_path, template, change, words):
    with pytest.raises(FormError) as err:
        _read(tmp_path, _rebuild(template, change))
    assert err.value.code == "E-LIMIT" and words in err.value.message


def test_invalid_merge_range_is_e_form(tmp_path, template):
    with pytest.raises(FormError) as err:
        _read(tmp_path, _rebuild(template, _merge("A1:ZZZZ9")))
    assert err.value.code == "E-FORM" and "合并单元格" in err.value.message


SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


@pytest.mark.parametrize(
    "change,words",
    [
        # a damaged [Content_Types].xml override: openpyxl then has no shared strings (IndexError, fuzzer)
        (
            lambda n, b: b.replace(SST_TYPE, SST_TYPE[:30] + b"x" + SST_TYPE[30:]) if n == "[Content_Types].xml" else b,
            "共享字符串",
        ),
        (
            lambda n, b: re.sub(rb'(<c r="[A-Z]+\d+") s="\d+"', rb'\1 s="999"', b, count=1) if n == SHEET else b,
            "单元格格式",
        ),
    ],
)
def test_references_openpyxl_would_index_past_are_e_form(tmp_path, template, change, words):
    with pytest.raises(FormError) as err:
        _read(tmp_path, _rebuild(template, change))
    assert err.value.code == "E-FORM" and words in err.value.message


def test_missing_styles_part_with_styled_cells_is_e_form(tmp_path, template):
    src = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            if name != "xl/styles.xml":
                dst.writestr(name, src.read(name))
    with pytest.raises(FormError) as err:
        _read(tmp_path, out.getvalue())
    assert "单元格格式" in err.value.message
