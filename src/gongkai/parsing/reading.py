"""The reading report of a parsed document: the reader's trace joined with what the parser placed."""

from __future__ import annotations

from bisect import bisect_right

from gongkai.document import Document
from gongkai.model import Report
from gongkai.parsing.table_rows import TablesResult
from gongkai.reading import ReaderTrace, ReadingReport, Repair, RowNotPlaced, SourceTable, TableReading
from gongkai.standard import get_format

_TABLES = ("proactive", "requests", "appeals")
_REASONS = {"row_short", "row_long", "row_absent", "unlabelled_values"}
_WEAKEST_FIRST = ("stream", "lattice", "grid")  # several source tables: the least certain method is named


def reader_name(doc: Document) -> str:
    trace = doc.reading
    media = doc.media_type
    if media == "application/pdf":
        if trace and trace.ocr_pages:
            return "pdf_ocr" if doc.pages and len(trace.ocr_pages) >= doc.pages else "pdf_mixed"
        return "pdf"
    if media.startswith("image/"):
        return "ocr"
    if media == "text/html":
        return "html"
    if media == "application/msword":
        return "doc"
    if "wordprocessingml" in media:
        return "docx"
    return "text"


def _rows_of(table: str, variant: str | None) -> list[tuple[str, tuple[str, ...], str | None]]:
    """(row id, cell ids, group) of the standard table."""
    fmt = get_format(variant if variant in ("2019", "2021") else "2021")
    if table == "appeals":
        return [("appeals", tuple(fmt.appeals_cell_ids), None)]
    rows = fmt.proactive_rows if table == "proactive" else fmt.request_rows
    return [(r.id, tuple(r.cells), r.group) for r in rows]


def _overlapping(trace: ReaderTrace | None, lines: tuple[int, int] | None) -> list[SourceTable]:
    if trace is None or lines is None:
        return []
    a, b = lines
    return [t for t in trace.tables if t.first_line <= b and a <= t.last_line]


def _merge(repairs: list[Repair], more: tuple[Repair, ...] | list[Repair]) -> None:
    for r in more:
        for i, have in enumerate(repairs):
            if have.kind == r.kind:
                repairs[i] = Repair(r.kind, have.count + r.count, have.detail or r.detail)
                break
        else:
            repairs.append(r)


def mark_reader_made(report: Report, doc: Document) -> None:
    """Label variants whose label text our reader assembled (joined lines, a label cut by a page break) are
    about our reading, not the document's wording."""
    trace = doc.reading
    if trace is None or not trace.assembled:
        return
    for issue in report.issues:
        if issue.code == "label_variant" and issue.position is not None:
            start = issue.position.offset
            if trace.is_assembled(start, start + max(len(issue.raw or ""), 1)):
                issue.reader_made = True


def reading_report(doc: Document, report: Report, tables: TablesResult) -> ReadingReport:
    trace = doc.reading
    line_starts = [ln.offset for ln in doc.lines]
    out = ReadingReport(reader_name(doc), ocr_pages=list(trace.ocr_pages) if trace else [], truncated=report.truncated)
    by_row: dict[str, str] = {}
    for issue in report.issues:
        if issue.code in _REASONS and issue.row:
            by_row.setdefault(issue.row, issue.code)
    for name in _TABLES:
        info = report.tables.get(name)
        reading = TableReading(name, found=info is not None)
        rows = _rows_of(name, info.variant if info else None)
        reading.rows = len(rows)
        if info is not None:
            lines = tables.ranges.get(name) or ((info.position.line,) * 2 if info.position else None)
            sources = _overlapping(trace, lines)
            methods = {s.method for s in sources}
            reading.method = next((m for m in _WEAKEST_FIRST if m in methods), "text")
            reading.ocr = any(s.ocr for s in sources)
            for s in sources:
                _merge(reading.repairs, s.repairs)
            if tables.filler_dropped.get(name):
                _merge(reading.repairs, [Repair("filler_dropped", tables.filler_dropped[name])])
            if trace is not None and name in tables.ranges:
                a, b = tables.ranges[name]
                reading.assembled_labels = sum(1 for s, _ in trace.assembled if a <= bisect_right(line_starts, s) <= b)
        for row_id, cells, group in rows:
            if all(c in report.cells for c in cells):
                reading.placed += 1
                continue
            if info is None:
                continue  # the table itself is missing: said once by found=False
            reason = by_row.get(row_id) or (by_row.get(group, "") if group else "")
            if not reason:
                reason = "cut" if report.truncated else "incomplete"
            reading.not_placed.append(RowNotPlaced(row_id, reason))
        out.tables.append(reading)
    return out


__all__ = ["mark_reader_made", "reader_name", "reading_report"]
