"""How a document was read: the reader's trace and the per-document reading report.

Readers record what they did beside what they read (:class:`ReaderTrace`: which tables they built and how,
what they repaired, which pages went to OCR, which label texts they assembled from separate pieces). The parser
adds what it placed and what not, and the result is a :class:`ReadingReport` on the report, like camelot's
parsing report: it tells the user how much the stated cells can be trusted, and tells the checks when a
disagreement may be our reading rather than the document.

Confidence, simply (see :func:`confidence`):

- ``high`` (高): every row of the three tables was placed from the document's own structure: no repair,
  no OCR, no label text assembled by the reader;
- ``medium`` (中): every row was placed, but the reading involved a repair, OCR or assembled labels;
- ``low`` (低): a table was not found, or a row was not placed (its cells are reported missing).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

# Kinds of repair, with the Chinese name used in the one-line summary. A repair is something the reader or
# parser did to the printed layout before placing values; each could in principle misplace a value.
REPAIR_NAMES = {
    "padding_dropped": "去除填充空格",
    "empty_columns_dropped": "去除空列",
    "spans_restored": "恢复合并单元格",
    "labels_joined": "拼合行名",
    "table_joined": "跨页拼接表格",
    "values_split": "拆分数值",
    "values_merged": "合并数值",
    "filler_dropped": "去除多余空白格",
}

METHOD_NAMES = {"grid": "表格结构", "lattice": "格线", "stream": "文字对齐", "text": "文本"}
READER_NAMES = {
    "text": "纯文本",
    "html": "网页",
    "docx": "Word",
    "doc": "Word/WPS（LibreOffice）",
    "pdf": "PDF文字层",
    "pdf_ocr": "PDF（文字识别）",
    "pdf_mixed": "PDF文字层＋文字识别",
    "ocr": "图片（文字识别）",
}
CONFIDENCE_NAMES = {"high": "高", "medium": "中", "low": "低"}
REASON_NAMES = {
    "row_short": "数值少于列数",
    "narrow": "比同表其他行少单元格",
    "row_long": "单元格多于列数",
    "row_absent": "未找到该行",
    "unlabelled_values": "数值缺少行名",
    "cut": "文档截断",
    "incomplete": "部分单元格未定位",
}


@dataclass(frozen=True, slots=True)
class Repair:
    kind: str  # a key of REPAIR_NAMES
    count: int = 1
    detail: str = ""  # Chinese: what was repaired, e.g. the joined label

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "count": self.count}
        if self.detail:
            d["detail"] = self.detail
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Repair":
        return cls(d["kind"], int(d.get("count", 1)), d.get("detail", ""))


@dataclass(frozen=True, slots=True)
class SourceTable:
    """A table as the reader built it, and where it lies in the document text (lines, 1-based)."""

    method: str  # grid (HTML/DOCX) | lattice (ruling lines) | stream (aligned words)
    first_line: int
    last_line: int
    ocr: bool = False  # its words came from OCR
    repairs: tuple[Repair, ...] = ()


@dataclass(frozen=True, slots=True)
class ReaderTrace:
    """What a structured reader did, attached to the Document it produced."""

    tables: tuple[SourceTable, ...] = ()
    ocr_pages: tuple[int, ...] = ()
    # [start, end) stretches of the document text that the reader assembled from separately positioned
    # pieces (a row label from stacked lines, a label cut by a page break): a label read there may not be
    # the document's own wording
    assembled: tuple[tuple[int, int], ...] = ()

    # [start, end) stretches holding cells that the reader placed left of a table's value columns by their
    # x-position: a value-looking text there ("无", a stray character of a vertical label) is never a value
    label_cells: tuple[tuple[int, int], ...] = ()

    def is_assembled(self, start: int, end: int) -> bool:
        return any(a < end and start < b for a, b in self.assembled)

    def in_label_area(self, start: int, end: int) -> bool:
        # the stretches come in text order and do not overlap (one per cell)
        i = bisect_right(self.label_cells, (start, float("inf"))) - 1
        return any(a < end and start < b for a, b in self.label_cells[max(i, 0) : i + 2])


@dataclass(frozen=True, slots=True)
class RowNotPlaced:
    row: str  # row id (or "appeals")
    reason: str  # a key of REASON_NAMES

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "reason": self.reason}


@dataclass(slots=True)
class TableReading:
    table: str  # proactive | requests | appeals
    found: bool
    method: str = "text"  # a key of METHOD_NAMES: how the rows were delimited
    ocr: bool = False
    rows: int = 0  # rows of the standard table
    placed: int = 0  # rows whose every cell was placed
    not_placed: list[RowNotPlaced] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    assembled_labels: int = 0  # row labels whose text the reader assembled

    @property
    def repaired(self) -> bool:
        """The reading of this table involved something other than reading the printed grid as it is."""
        return bool(self.repairs) or self.ocr or self.assembled_labels > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "found": self.found,
            "method": self.method,
            "ocr": self.ocr,
            "rows": self.rows,
            "placed": self.placed,
            "not_placed": [r.to_dict() for r in self.not_placed],
            "repairs": [r.to_dict() for r in self.repairs],
            "assembled_labels": self.assembled_labels,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TableReading":
        return cls(
            d["table"],
            d["found"],
            d.get("method", "text"),
            d.get("ocr", False),
            d.get("rows", 0),
            d.get("placed", 0),
            [RowNotPlaced(r["row"], r["reason"]) for r in d.get("not_placed", ())],
            [Repair.from_dict(r) for r in d.get("repairs", ())],
            d.get("assembled_labels", 0),
        )


@dataclass(slots=True)
class ReadingReport:
    reader: str  # a key of READER_NAMES
    tables: list[TableReading] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    inferred: int = 0  # cells whose value the identities determined (stored beside, never as stated)
    truncated: bool = False

    def table(self, name: str) -> TableReading | None:
        return next((t for t in self.tables if t.table == name), None)

    @property
    def repairs(self) -> int:
        return sum(r.count for t in self.tables for r in t.repairs)

    def repair_kinds(self) -> list[str]:
        kinds = {r.kind for t in self.tables for r in t.repairs}
        return [name for kind, name in REPAIR_NAMES.items() if kind in kinds]

    @property
    def confidence(self) -> str:
        return confidence(self)

    def summary_zh(self) -> str:
        """One line for the user, e.g. 读取：PDF文字层 · 3张表（格线） · 行 62/62 已定位 · 修补 2 · 可信度 高"""
        found = [t for t in self.tables if t.found]
        methods = sorted({t.method for t in found}, key=list(METHOD_NAMES).index)
        how = "、".join(METHOD_NAMES[m] for m in methods)
        parts = [
            f"读取：{READER_NAMES.get(self.reader, self.reader)}",
            f"{len(found)}张表" + (f"（{how}）" if how else ""),
        ]
        beyond_cut = sum(1 for t in found for r in t.not_placed if r.reason == "cut")
        rows = sum(t.rows for t in found) - beyond_cut
        placed = sum(t.placed for t in found)
        parts.append(f"行 {placed}/{rows} 已定位" + (f"（截断，另有 {beyond_cut} 行未印出）" if beyond_cut else ""))
        if self.ocr_pages:
            parts.append(f"文字识别 {len(self.ocr_pages)} 页")
        parts.append(f"修补 {self.repairs}" + (f"（{'、'.join(self.repair_kinds())}）" if self.repairs else ""))
        if self.inferred:
            parts.append(f"推算 {self.inferred}")
        parts.append(f"可信度 {CONFIDENCE_NAMES[self.confidence]}")
        return " · ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "reader": self.reader,
            "confidence": self.confidence,
            "summary": self.summary_zh(),
            "tables": [t.to_dict() for t in self.tables],
            "ocr_pages": list(self.ocr_pages),
            "repairs": self.repairs,
            "inferred": self.inferred,
            "truncated": self.truncated,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ReadingReport":
        return cls(
            d["reader"],
            [TableReading.from_dict(t) for t in d.get("tables", ())],
            list(d.get("ocr_pages", ())),
            d.get("inferred", 0),
            d.get("truncated", False),
        )


def confidence(reading: ReadingReport) -> str:
    """high / medium / low as defined in the module docstring. Rows beyond a truncation cut do not lower it:
    the cut is reported on its own (DOCUMENT-CUT-OFF)."""
    if not reading.truncated and any(not t.found for t in reading.tables):
        return "low"
    if any(r.reason != "cut" for t in reading.tables for r in t.not_placed):
        return "low"
    if reading.ocr_pages or any(t.repaired for t in reading.tables):
        return "medium"
    return "high"


__all__ = [
    "REPAIR_NAMES",
    "ReaderTrace",
    "ReadingReport",
    "Repair",
    "RowNotPlaced",
    "SourceTable",
    "TableReading",
    "confidence",
]
