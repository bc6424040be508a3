"""The cell dictionary (codebook): every standard cell id with its 表/行/列/单位, from the format data in
``gongkai.standard`` (2021 cells first, then those only the 2019 format has), as CSV or XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gongkai.analysis.export import Col, CsvSink, XlsxBook
from gongkai.analysis.stored import cell_labels, cell_order
from gongkai.analysis.export_xlsx import shown_value
from gongkai.errors import GongkaiError
from gongkai.standard import FORMAT_IDS, find_cell, get_format

CODEBOOK_COLUMNS: tuple[Col, ...] = (
    Col("cell_id", "str", 44),
    Col("table", "str", 8),
    Col("row_label", "str", 50),
    Col("column_label", "str", 20),
    Col("unit", "str", 10),
    Col("value_kind", "str", 10),
    Col("formats", "str", 10),
)
COUNT_UNIT = "计数"  # the format data gives a unit only where it is not a count (万元)


@dataclass(frozen=True, slots=True)
class CodebookEntry:
    cell_id: str
    table: str  # 表二 | 表三 | 表四
    row_label: str
    column_label: str
    unit: str
    value_kind: str  # 整数 | 小数 | 可为负的整数 | 可为负的小数
    formats: str  # the format versions that have the cell, e.g. "2021;2019"

    def row(self) -> tuple:
        return (self.cell_id, self.table, self.row_label, self.column_label, self.unit, self.value_kind, self.formats)


def codebook() -> list[CodebookEntry]:
    entries = []
    for cid in cell_order():
        spec = find_cell(cid)
        assert spec is not None  # cell_order lists the formats' own cells
        table, row_label, col_label = cell_labels(cid)
        kind = ("可为负的" if spec.signed else "") + ("小数" if spec.decimal else "整数")
        formats = ";".join(f for f in FORMAT_IDS if cid in get_format(f).cells)
        entries.append(
            CodebookEntry(
                cid,
                shown_value("table", table),
                row_label or "",
                col_label or "",
                spec.unit or COUNT_UNIT,
                kind,
                formats,
            )
        )
    return entries


def write_codebook(out: Path, to: str | None = None) -> int:
    """Write the codebook to ``out`` (.csv or .xlsx); returns the number of cells."""
    fmt = (to or out.suffix.lstrip(".")).lower()
    entries = codebook()
    if fmt == "xlsx":
        book = XlsxBook(out)
        try:
            sheet = book.sheet("单元格字典", CODEBOOK_COLUMNS)
            for e in entries:
                sheet.write(e.row())
        finally:
            book.close()
    elif fmt == "csv":
        sink = CsvSink(out, CODEBOOK_COLUMNS)
        try:
            for e in entries:
                sink.write(e.row())
        finally:
            sink.close()
    else:
        raise GongkaiError(f"单元格字典只能导出为 .csv 或 .xlsx（文件名“{out.name}”）", code="E-FORMAT")
    return len(entries)
