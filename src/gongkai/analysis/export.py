"""Data out: stored reports as long or wide tables (CSV, XLSX, Parquet) or JSON, and findings as a table.

Only current parses with status ``ok`` are exported. Everything streams: rows come from the database in
batches (``yield_per``) ordered by parse id, the cells, findings and cross findings of one report are
aligned with its metadata row by a merge on the parse id, and every writer writes as it goes (CSV rows,
XlsxWriter ``constant_memory``, Parquet row groups, JSON one report at a time). Memory holds one report.

Column names are English ids (documented in docs and in ``LONG_COLUMNS`` …); labels are Chinese.
The wide form keeps numbers only (stated value, else inferred, else empty); the text of a "/" or a
text cell is in the long form's ``raw`` column only.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from gongkai.analysis.export_xlsx import HEADER_ROWS, column_order, column_title, shown_value, wide_cell
from gongkai.analysis.stored import (
    _BATCH,
    cell_labels,
    cell_order,
    iter_reports,
    load_registry,
    Registry,
    resolve,
    Scope,
    select_bodies,
    Selection,
    StoredCell,
    StoredReport,
)
from gongkai.errors import GongkaiError, MissingDependency
from gongkai.standard.labels import int_if_whole

EXPORT_FORMATS = ("csv", "xlsx", "parquet", "json")
XLSX_MAX_ROWS = 1_048_574  # data rows per sheet: Excel's 1,048,576 rows less the two header rows


# ------------------------------------------------------------------------------------------------ columns


@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # str | int | float | bool | date | any (numbers or text: a string in Parquet)
    width: int = 12  # XLSX column width


_META = (
    Col("report_key", "str", 18),
    Col("parse_id", "int", 8),
    Col("organization", "str", 34),
    Col("organization_printed", "str", 34),
    Col("year", "int", 6),
    Col("format", "str", 7),
    Col("is_rollup", "bool", 9),
    Col("published", "date", 11),
    Col("source", "str", 40),
)
LONG_COLUMNS: tuple[Col, ...] = _META + (
    Col("table", "str", 9),
    Col("cell_id", "str", 44),
    Col("row_label", "str", 40),
    Col("column_label", "str", 16),
    Col("raw", "str", 10),
    Col("meaning", "str", 14),
    Col("value", "float", 10),
    Col("inferred_value", "float", 10),
    Col("value_or_inferred", "float", 10),
    Col("line", "int", 6),
    Col("page", "int", 6),
)
FINDING_COLUMNS: tuple[Col, ...] = (
    Col("key", "str", 13),
    Col("report_key", "str", 18),
    Col("organization", "str", 34),
    Col("year", "int", 6),
    Col("source", "str", 40),
    Col("origin", "str", 7),
    Col("code", "str", 22),
    Col("category", "str", 20),
    Col("severity", "str", 8),
    Col("assessable", "bool", 9),
    Col("message", "str", 60),
    Col("expected", "any"),
    Col("stated", "any"),
    Col("difference", "any"),
    Col("cell_ids", "str", 44),
    Col("related_reports", "str", 12),
    Col("fingerprint", "str", 18),
    Col("review_decision", "str", 10),
    Col("review_comment", "str", 30),
    Col("reviewer", "str", 12),
    Col("reviewed_at", "str", 20),
)


def wide_columns() -> tuple[Col, ...]:
    return _META + tuple(Col(cid, "float", 10) for cid in cell_order())


def _meta_values(rep: StoredReport) -> tuple:
    return (
        rep.report_key,
        rep.parse_id,
        rep.organization,
        rep.organization_printed,
        rep.year,
        rep.format,
        rep.is_rollup,
        rep.published,
        rep.source,
    )


def long_rows(rep: StoredReport) -> Iterator[tuple]:
    meta = _meta_values(rep)
    for c in rep.cells:
        table, row_label, col_label = cell_labels(c.cell_id, rep.format)
        yield meta + (
            table,
            c.cell_id,
            row_label,
            col_label,
            c.raw,
            c.meaning,
            c.value,
            c.inferred_value,
            c.value_or_inferred,
            c.line,
            c.page,
        )


def wide_row(rep: StoredReport) -> tuple:
    order = cell_order()
    values: list[float | None] = [None] * len(order)
    for c in rep.cells:
        i = order.get(c.cell_id)
        if i is not None:
            values[i] = c.value_or_inferred
    return _meta_values(rep) + tuple(values)


def wide_row_for_people(rep: StoredReport) -> tuple:
    """The wide row of an XLSX export: as :func:`wide_row`, but "/" where the report printed "/"."""
    order = cell_order()
    values: list[float | str | None] = [None] * len(order)
    for c in rep.cells:
        i = order.get(c.cell_id)
        if i is not None:
            values[i] = wide_cell(c.value_or_inferred, c.meaning)
    return _meta_values(rep) + tuple(values)


def finding_rows(rep: StoredReport) -> Iterator[tuple]:
    for origin, items in (("report", rep.findings), ("cross", rep.cross_findings)):
        for f in items:
            ev = f.get("evidence") or {}
            review = f.get("review") or {}
            related = f.get("related_reports") or []
            yield (
                f.get("key"),
                rep.report_key,
                rep.organization,
                rep.year,
                rep.source,
                origin,
                f["code"],
                f["category"],
                f["severity"],
                f.get("assessable", True),
                f["message"],
                ev.get("expected"),
                ev.get("stated"),
                ev.get("difference"),
                ";".join(c.get("id", "") for c in ev.get("cells", []) if isinstance(c, dict)),
                ";".join(related),
                f["fingerprint"],
                review.get("decision"),
                review.get("comment"),
                review.get("reviewer"),
                review.get("decided_at"),
            )


# ------------------------------------------------------------------------------------------------ writers


def _plain(v: Any) -> Any:
    """A value for CSV/XLSX: counts stored as floats print as integers (12, not 12.0)."""
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return int_if_whole(v)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?|-+")  # "-3", "+1,200", "-" (a dash mark): no formula


def _csv_text(v: Any) -> Any:
    """Text a spreadsheet would run as a formula (=1+1, +1+1, -1+1, @SUM(…)) is written with a leading ' so
    it shows as typed; numbers, and text that is just a number ("-3" as printed), stay as they are."""
    if isinstance(v, str) and v.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(v):
        return "'" + v
    return v


class _Sink:
    def write(self, row: tuple) -> None: ...
    def close(self) -> None: ...


class CsvSink(_Sink):
    """UTF-8 with BOM so that Excel opens it with the Chinese intact; booleans as true/false."""

    def __init__(self, path: Path, cols: tuple[Col, ...]):
        self._f = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by close()
        self._w = csv.writer(self._f)
        self._w.writerow([c.name for c in cols])

    def write(self, row: tuple) -> None:
        self._w.writerow(
            [
                "" if v is None else ("true" if v else "false") if isinstance(v, bool) else _csv_text(_plain(v))
                for v in row
            ]
        )

    def close(self) -> None:
        self._f.close()


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as err:
        raise MissingDependency("导出 Parquet 需要 pyarrow，请先安装：pip install 'gongkai[parquet]'") from err
    return pyarrow, pyarrow.parquet


def _arrow_type(pa, kind: str):
    return {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "any": pa.string(),
    }[kind]


def _iso_date(v: Any) -> date | None:
    if v is None or isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v))
    except ValueError:
        return None


class ParquetSink(_Sink):
    """Typed columns, zstd, one row group per batch of rows as they stream."""

    def __init__(self, path: Path, cols: tuple[Col, ...], rows_per_group: int = _BATCH * 10):
        pa, pq = _pyarrow()
        self._pa, self._cols, self._n = pa, cols, rows_per_group
        self._schema = pa.schema([pa.field(c.name, _arrow_type(pa, c.kind)) for c in cols])
        self._w = pq.ParquetWriter(str(path), self._schema, compression="zstd")
        self._buf: list[list] = [[] for _ in cols]
        self._rows = 0

    def write(self, row: tuple) -> None:
        for i, (c, v) in enumerate(zip(self._cols, row)):
            if v is not None:
                if c.kind == "date":
                    v = _iso_date(v)
                elif c.kind == "any":
                    v = str(_plain(v))
                elif c.kind == "float":
                    v = float(v)
            self._buf[i].append(v)
        self._rows += 1
        if self._rows >= self._n:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            arrays = [self._pa.array(b, type=f.type) for b, f in zip(self._buf, self._schema)]
            self._w.write_batch(self._pa.record_batch(arrays, schema=self._schema))
            self._buf = [[] for _ in self._cols]
            self._rows = 0

    def close(self) -> None:
        self._flush()
        self._w.close()


class XlsxBook:
    """An XlsxWriter workbook in constant_memory mode (rows go to disk as written, in order)."""

    def __init__(self, path: Path):
        import xlsxwriter

        # text must stay text: a raw cell "=1+1" or "http://…" is not a formula or a link
        self.book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.header = self.book.add_format({"bold": True, "bg_color": "#DDEBF7"})
        self.ids = self.book.add_format({"italic": True, "font_color": "#595959", "bg_color": "#F2F2F2"})
        self.sheets: list[XlsxSheet] = []

    def sheet(self, name: str, cols: tuple[Col, ...]) -> XlsxSheet:
        self.sheets.append(XlsxSheet(self, self.book.add_worksheet(name), cols))
        return self.sheets[-1]

    def close(self) -> None:
        for sheet in self.sheets:
            sheet.finish()
        self.book.close()


def _title(name: str) -> str:
    """Chinese header of an export column; a standard cell's column reads 表三 行 列."""
    if name in cell_order():
        table, row, col = cell_labels(name)
        return column_title(name, " ".join(t for t in (shown_value("table", table), row, col) if t))
    return column_title(name)


class XlsxSheet(_Sink):
    """Row 1 Chinese headers, row 2 the column ids, then the data; frozen headers and an autofilter. Coded
    values are shown in Chinese (see :mod:`gongkai.analysis.export_xlsx`)."""

    def __init__(self, book: XlsxBook, ws, cols: tuple[Col, ...]):
        self.ws, self.rows = ws, 0
        self._order = column_order([c.name for c in cols])
        self._names = [cols[j].name for j in self._order]
        for i, j in enumerate(self._order):
            ws.set_column(i, i, cols[j].width)
        ws.freeze_panes(HEADER_ROWS, 0)
        ws.write_row(0, 0, [_title(n) for n in self._names], book.header)
        ws.write_row(1, 0, self._names, book.ids)

    def finish(self) -> None:
        self.ws.autofilter(HEADER_ROWS - 1, 0, HEADER_ROWS - 1 + self.rows, len(self._names) - 1)

    def write(self, row: tuple) -> None:
        self.rows += 1
        ws, r = self.ws, self.rows + HEADER_ROWS - 1
        for i, j in enumerate(self._order):
            v = shown_value(self._names[i], row[j])
            # the typed calls skip write()'s type dispatch: most of the time of a large export
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r, i, v)
            elif isinstance(v, bool):
                ws.write_boolean(r, i, v)
            elif isinstance(v, (int, float)):
                ws.write_number(r, i, v)
            else:
                ws.write_string(r, i, str(_plain(v)))


class SplitSheets(_Sink):
    """Long rows over several sheets (单元格, 单元格2, …) when they pass one sheet's row limit.

    The sheets are made beforehand from a count, so that they sit together before 宽表; ``more`` makes
    another one should the count have been short (rows added between the count and the read)."""

    def __init__(self, sheets: list[XlsxSheet], max_rows: int, more: Callable[[int], XlsxSheet]):
        self._sheets, self._max, self._i, self._more = sheets, max_rows, 0, more

    def write(self, row: tuple) -> None:
        if self._sheets[self._i].rows >= self._max:
            self._i += 1
            if self._i == len(self._sheets):
                self._sheets.append(self._more(self._i))
        self._sheets[self._i].write(row)


# ----------------------------------------------------------------------------------------------- exports


@dataclass(frozen=True)
class ExportSummary:
    reports: int
    rows: int  # rows written (long: cells; wide: reports; findings: findings)
    path: Path


def export_format(path: Path, to: str | None) -> str:
    fmt = (to or path.suffix.lstrip(".")).lower()
    if fmt not in EXPORT_FORMATS:
        raise GongkaiError(
            f"无法从文件名“{path.name}”判断导出格式，请用 --to 指定 csv、xlsx、parquet 或 json", code="E-FORMAT"
        )
    return fmt


def _count(conn, scope: Scope, table) -> int:
    from sqlalchemy import func, select

    from gongkai.store.schema import parse

    stmt = select(func.count()).select_from(table.join(parse, table.c.parse_id == parse.c.id)).where(*scope.conditions)
    return int(conn.execute(stmt).scalar_one())


def _run(
    reports: Iterator[StoredReport], sinks: list[_Sink], rows_of: Callable[[StoredReport], list[Iterable[tuple]]]
) -> tuple[int, int]:
    n_reports = n_rows = 0
    try:
        for rep in reports:
            n_reports += 1
            for sink, rows in zip(sinks, rows_of(rep)):
                for row in rows:
                    sink.write(row)
                    n_rows += 1 if sink is sinks[0] else 0
    finally:
        for s in sinks:
            s.close()
    return n_reports, n_rows


def export_reports(
    conn,
    out: Path,
    to: str | None = None,
    *,
    wide: bool = False,
    selection: Selection | None = None,
    xlsx_max_rows: int = XLSX_MAX_ROWS,
) -> ExportSummary:
    """Write the selected reports' cells. CSV/Parquet: long form, or wide with ``wide``; XLSX: both sheets
    (单元格 long, split past the row limit, and 宽表 wide); JSON: one object per report with findings."""
    fmt = export_format(out, to)
    scope = resolve(conn, selection or Selection())
    if fmt == "json":
        return _export_json(conn, scope, out)
    cols = wide_columns() if wide else LONG_COLUMNS
    reports = iter_reports(conn, scope)
    if fmt == "xlsx":
        from gongkai.store.schema import cell

        n_long = _count(conn, scope, cell)
        book = XlsxBook(out)
        try:

            def part(i: int) -> XlsxSheet:
                return book.sheet("单元格" if i == 0 else f"单元格{i + 1}", LONG_COLUMNS)

            parts = [part(i) for i in range(max(1, -(-n_long // xlsx_max_rows)))]
            wide_sheet = book.sheet("宽表", wide_columns())
            n_reports, n_rows = _run(
                reports,
                [SplitSheets(parts, xlsx_max_rows, part), wide_sheet],
                lambda r: [long_rows(r), [wide_row_for_people(r)]],
            )
        finally:
            book.close()
        return ExportSummary(n_reports, n_rows, out)
    sink: _Sink = ParquetSink(out, cols) if fmt == "parquet" else CsvSink(out, cols)
    n_reports, n_rows = _run(reports, [sink], (lambda r: [[wide_row(r)]]) if wide else (lambda r: [long_rows(r)]))
    return ExportSummary(n_reports, n_rows, out)


def report_json(rep: StoredReport) -> dict:
    d = rep.metadata()
    d["cells"] = {
        c.cell_id: {"raw": c.raw, "meaning": c.meaning, "value": _plain(c.value), "inferred": _plain(c.inferred_value)}
        for c in rep.cells
    }
    d["findings"] = rep.findings
    d["cross_findings"] = rep.cross_findings
    return d


def _export_json(conn, scope: Scope, out: Path) -> ExportSummary:
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        f.write("[")
        for rep in iter_reports(conn, scope, with_findings=True):
            f.write(("\n" if n == 0 else ",\n") + json.dumps(report_json(rep), ensure_ascii=False))
            n += 1
        f.write("\n]\n")
    return ExportSummary(n, n, out)


def export_findings(conn, out: Path, to: str | None = None, *, selection: Selection | None = None) -> ExportSummary:
    """One row per finding of the selected reports, report findings and cross-report findings, each with
    its review decision when there is one."""
    fmt = export_format(out, to)
    scope = resolve(conn, selection or Selection())
    reports = iter_reports(conn, scope, with_cells=False, with_findings=True)
    if fmt == "json":
        n_reports = n_rows = 0
        with open(out, "w", encoding="utf-8") as f:
            f.write("[")
            names = [c.name for c in FINDING_COLUMNS]
            for rep in reports:
                n_reports += 1
                for row in finding_rows(rep):
                    f.write(("\n" if n_rows == 0 else ",\n") + json.dumps(dict(zip(names, row)), ensure_ascii=False))
                    n_rows += 1
            f.write("\n]\n")
        return ExportSummary(n_reports, n_rows, out)
    if fmt == "xlsx":
        book = XlsxBook(out)
        try:
            n_reports, n_rows = _run(reports, [book.sheet("问题", FINDING_COLUMNS)], lambda r: [finding_rows(r)])
        finally:
            book.close()
        return ExportSummary(n_reports, n_rows, out)
    sink: _Sink = ParquetSink(out, FINDING_COLUMNS) if fmt == "parquet" else CsvSink(out, FINDING_COLUMNS)
    n_reports, n_rows = _run(reports, [sink], lambda r: [finding_rows(r)])
    return ExportSummary(n_reports, n_rows, out)


__all__ = [
    "EXPORT_FORMATS",
    "FINDING_COLUMNS",
    "LONG_COLUMNS",
    "XLSX_MAX_ROWS",
    "Col",
    "ExportSummary",
    "Registry",
    "Scope",
    "Selection",
    "StoredCell",
    "StoredReport",
    "cell_labels",
    "cell_order",
    "export_findings",
    "export_format",
    "export_reports",
    "finding_rows",
    "iter_reports",
    "load_registry",
    "long_rows",
    "report_json",
    "resolve",
    "select_bodies",
    "wide_columns",
    "wide_row",
]
