"""The 读取情况 block of the report page: the stored reading report (``parse.reading``) told in Chinese — which
reader, each table and how it was delimited, rows placed and the rows not placed with their reasons, repairs,
and the confidence 高/中/低 (defined in :mod:`gongkai.reading`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongkai.reading import CONFIDENCE_NAMES, METHOD_NAMES, READER_NAMES, REASON_NAMES, REPAIR_NAMES, ReadingReport
from gongkai.render.text import TABLE_OF
from gongkai.standard import FORMAT_IDS, get_format


@dataclass(frozen=True)
class RowLine:
    label: str  # the row's official label (or its id when the format has no such row)
    reason: str  # Chinese


@dataclass(frozen=True)
class TableLine:
    name: str  # proactive | requests | appeals
    title: str  # Chinese
    found: bool
    how: str  # Chinese: 表格结构 / 格线 / 文字对齐 / 文本, with 文字识别 when OCR
    placed: int
    rows: int
    not_placed: tuple[RowLine, ...]
    repairs: tuple[str, ...]  # Chinese, with counts and details


@dataclass(frozen=True)
class ReadingView:
    summary: str
    reader: str
    confidence: str  # high | medium | low
    confidence_zh: str
    tables: tuple[TableLine, ...]
    ocr_pages: tuple[int, ...]
    inferred: int
    truncated: bool


def _titles(format_id: str) -> dict[str, str]:
    by_no = {s.no: s.title for s in get_format(format_id).sections}
    return {name: by_no[no] for no, name in TABLE_OF.items()}  # every format has the six sections


def _row_label(format_id: str, table: str, row_id: str) -> str:
    if table == "appeals":
        return "行政复议、行政诉讼"
    try:
        return get_format(format_id).row_label(table, row_id)
    except StopIteration:  # a row id of another format: shown as stored
        return row_id


def _repair(kind: str, count: int, detail: str) -> str:
    text = REPAIR_NAMES.get(kind, kind) + (f" {count} 处" if count > 1 else "")
    return text + (f"（{detail}）" if detail else "")


def reading_view(reading: dict[str, Any] | None, format_id: str | None) -> ReadingView | None:
    """The block's content, or None for a report stored before reading reports existed (said on the page)."""
    if not reading:
        return None
    report = ReadingReport.from_dict(reading)
    fid = format_id if format_id in FORMAT_IDS else FORMAT_IDS[0]
    titles = _titles(fid)
    lines = []
    for t in report.tables:
        how = METHOD_NAMES.get(t.method, t.method) + ("（文字识别）" if t.ocr else "")
        repairs = [_repair(r.kind, r.count, r.detail) for r in t.repairs]
        if t.assembled_labels:
            repairs.append(f"拼合行名 {t.assembled_labels} 个（由分开印出的文字拼成）")
        lines.append(
            TableLine(
                t.table,
                titles.get(t.table, t.table),
                t.found,
                how,
                t.placed,
                t.rows,
                tuple(
                    RowLine(_row_label(fid, t.table, r.row), REASON_NAMES.get(r.reason, r.reason)) for r in t.not_placed
                ),
                tuple(repairs),
            )
        )
    level = report.confidence
    return ReadingView(
        report.summary_zh(),
        READER_NAMES.get(report.reader, report.reader),
        level,
        CONFIDENCE_NAMES[level],
        tuple(lines),
        tuple(report.ocr_pages),
        report.inferred,
        report.truncated,
    )


__all__ = ["ReadingView", "RowLine", "TableLine", "reading_view"]
