"""Cells: missing (absent, blank, unreadable), invalid (text, negative, fraction, wrong unit), and parse issues."""

from __future__ import annotations

from gongkai.checks.common import (
    Context,
    evidence_cell,
    finding,
    fmt_number,
    is_unknown,
    rows_of,
    table_of,
    table_seen,
)
from gongkai.model import Evidence, Finding, Meaning, ParseIssue, Report
from gongkai.standard.formats import CellSpec, find_cell
from gongkai.standard.labels import TABLES, table_title

ISSUE_CODES = {
    "row_short": "ROW-SHORT",
    "row_absent": "ROW-ABSENT",
    "row_long": "TABLE-LAYOUT",
    "extra_column": "TABLE-LAYOUT",
    "unlabelled_values": "TABLE-LAYOUT",
    "label_variant": "LABEL-VARIANT",
}
_MISSING_ISSUES = ("row_short", "row_absent")


def _inferred_note(ctx: Context, cells: list[str]) -> str:
    known = [(c, ctx.inferred[c].value) for c in cells if c in ctx.inferred]
    if not known:
        return ""
    values = {v for _, v in known}
    if len(known) == len(cells):
        if len(values) == 1:
            return f"（{'均' if len(cells) > 1 else ''}可由勾稽关系推出为{fmt_number(values.pop())}）"
        return "（可由勾稽关系推出：" + "、".join(f"{ctx.column_label(c)}为{fmt_number(v)}" for c, v in known) + "）"
    return "（其中可由勾稽关系推出：" + "、".join(f"{ctx.column_label(c)}为{fmt_number(v)}" for c, v in known) + "）"


def _issue_row(ctx: Context, issue: ParseIssue) -> str:
    if issue.cells:
        return ctx.row_label(issue.cells[0])
    if issue.row:
        for table in TABLES:
            for rid, label, _ in rows_of(ctx.fmt(table), table):
                if issue.row in (rid, f"{table}.{rid}"):
                    return label
        return f"“{issue.row}”"
    return "表格"


SHORT_ROWS_SUMMARY = 6  # more short rows than this in one table are reported as one finding


def _short_rows_summary(report: Report, ctx: Context, issues: list[ParseIssue]) -> Finding:
    """Many short rows in one table usually mean the copy dropped every blank cell: say it once."""
    rows = "、".join(_issue_row(ctx, i) for i in issues)
    cells = [c for i in issues for c in i.cells]
    msg = (
        f"{table_title(ctx.fmt(table_of(cells[0])), table_of(cells[0]))}表有{len(issues)}行的数值少于列数"
        f"（转录时空白单元格可能被省略），无法确定各数值所属列，这些行的单元格按缺失处理：{rows}"
        f"{_inferred_note(ctx, cells)}"
    )
    return finding(
        "ROW-SHORT", msg, Evidence(cells=[evidence_cell(report, ctx, c) for c in cells], position=issues[0].position)
    )


def check_parse_issues(report: Report, ctx: Context) -> list[Finding]:
    """Turn the parser's layout notes into findings."""
    out: list[Finding] = []
    short_by_table: dict[str, list[ParseIssue]] = {}
    for issue in report.issues:
        if issue.code == "row_short" and issue.cells:
            short_by_table.setdefault(table_of(issue.cells[0]), []).append(issue)
    summarised = {t for t, issues in short_by_table.items() if len(issues) > SHORT_ROWS_SUMMARY}
    for t in summarised:
        out.append(_short_rows_summary(report, ctx, short_by_table[t]))
    for issue in report.issues:
        if issue.code == "row_short" and issue.cells and table_of(issue.cells[0]) in summarised:
            continue
        code = ISSUE_CODES.get(issue.code, "PARSE-ISSUE")
        if issue.code == "label_variant" and issue.reader_made:
            code = "LABEL-ASSEMBLED"
        row = _issue_row(ctx, issue)
        raw = f"（原文：{issue.raw.strip()}）" if issue.raw and issue.raw.strip() else ""
        cols = "、".join(ctx.column_label(c) for c in issue.cells)
        if issue.code == "row_short":
            msg = f"{issue.message}{raw}，以下单元格按缺失处理：{cols}{_inferred_note(ctx, issue.cells)}"
        elif issue.code == "row_absent" and _labels_assembled(report, ctx, issue):
            msg = f"读取时未能找到标准行{row}{'：' + cols if cols else ''}{_inferred_note(ctx, issue.cells)}"
        elif issue.code == "row_absent":
            msg = f"表格中未找到标准行{row}{'：' + cols if cols else ''}{_inferred_note(ctx, issue.cells)}"
        elif issue.code == "row_long":
            msg = f"{row}行的数值多于标准列数{raw}"
        elif issue.code == "extra_column":
            msg = f"表格含有标准格式以外的列{raw}"
        elif issue.code == "unlabelled_values":
            msg = f"表格中有一组数值缺少行名，无法对应到标准行{raw}"
        elif issue.code == "label_variant" and issue.reader_made:
            # our reader joined this label from separate pieces: never tell the user the document misnamed it
            msg = (
                f"{row}的行名由读取时拼合的文字组成{raw}，与标准行名不同可能是读取所致（并非文档用词），"
                f"已按标准行处理，请核对原件"
            )
        elif issue.code == "label_variant":
            msg = f"{row}使用了非标准的名称{raw}，已按标准行处理"
        else:
            msg = f"表格版式问题：{issue.message}{raw}"
        if issue.code in _LAYOUT_ISSUES and _labels_assembled(report, ctx, issue):
            # our reader joined this table's row labels from separate pieces: a row may be there under a
            # label we mixed up, so the layout is not put on the document
            msg += "（该表的行名由读取时拼合，可能是读取所致，并非文档本身如此，请核对原件）"
        evidence = Evidence(
            cells=[evidence_cell(report, ctx, c) for c in issue.cells], text=issue.raw, position=issue.position
        )
        out.append(finding(code, msg, evidence))
    return out


_LAYOUT_ISSUES = ("row_absent", "row_long", "unlabelled_values", "extra_column")


def _issue_table(ctx: Context, issue: ParseIssue) -> str | None:
    if issue.cells:
        return table_of(issue.cells[0])
    for table in TABLES:  # a group or row id without cells
        fmt = ctx.fmt(table)
        rows = fmt.proactive_rows if table == "proactive" else fmt.request_rows if table == "requests" else ()
        if issue.row == table or any(issue.row in (r.id, r.group) for r in rows):
            return table
    return None


def _labels_assembled(report: Report, ctx: Context, issue: ParseIssue) -> bool:
    """Whether the row labels of the issue's table were joined by our reader (see gongkai.reading)."""
    table = _issue_table(ctx, issue)
    t = report.reading.table(table) if report.reading is not None and table else None
    return t is not None and (t.assembled_labels > 0 or any(r.kind == "labels_joined" for r in t.repairs))


def check_missing_cells(report: Report, ctx: Context) -> list[Finding]:
    """One finding per row with absent, blank or unreadable cells (n/a "/" is a statement, not missing)."""
    reported = {c for issue in report.issues if issue.code in _MISSING_ISSUES for c in issue.cells}
    out: list[Finding] = []
    for table in TABLES:
        if not table_seen(report, table):
            continue  # TABLE-MISSING or DOCUMENT-CUT-OFF covers it
        fmt = ctx.fmt(table)
        for _, row_label, cells in rows_of(fmt, table):
            missing = [c for c in cells if c not in reported and c not in ctx.beyond_cut and is_unknown(report, c)]
            if not missing:
                continue
            blank = [c for c in missing if c in report.cells and report.cells[c].meaning is Meaning.BLANK]
            unreadable = [c for c in missing if c in report.cells and report.cells[c].meaning is Meaning.UNREADABLE]
            absent = [c for c in missing if c not in report.cells]
            parts = []
            for kind, group in (("空白", blank), ("无法识别", unreadable), ("缺失", absent)):
                if group:
                    parts.append(kind + "：" + "、".join(ctx.column_label(c) for c in group))
            msg = (
                f"{table_title(fmt, table)}表{row_label}行有单元格未填写数值（{'；'.join(parts)}）"
                f"{_inferred_note(ctx, missing)}"
            )
            out.append(finding("CELL-MISSING", msg, Evidence(cells=[evidence_cell(report, ctx, c) for c in missing])))
    return out


def _spec(ctx: Context, cell_id: str) -> CellSpec | None:
    fmt = ctx.formats.get(table_of(cell_id))
    return find_cell(cell_id, fmt.id) if fmt is not None else None


def check_invalid_cells(report: Report, ctx: Context) -> list[Finding]:
    """Text in a value cell, negative counts, fractional counts, a unit other than the column's."""
    out: list[Finding] = []

    def add(code: str, cid: str, message: str) -> None:
        out.append(finding(code, message, Evidence(cells=[evidence_cell(report, ctx, cid)])))

    for cid, cell in report.cells.items():
        v = cell.numeric
        if cell.meaning is not Meaning.TEXT and (v is None or (v >= 0 and isinstance(v, int) and not cell.unit)):
            continue  # the common case: a plain non-negative count
        spec = _spec(ctx, cid)
        if spec is None:
            continue
        label = ctx.label(cid)
        if cell.meaning is Meaning.TEXT:
            add("CELL-INVALID-TEXT", cid, f"{label}应填写数值，实际为文字“{cell.raw.strip()}”")
            continue
        if v is None:  # not reached: a cell without a number was skipped above unless it is text
            continue
        if v < 0 and not spec.signed:
            add("CELL-NEGATIVE", cid, f"{label}为负数{fmt_number(v)}，件数或金额不能为负")
        if not spec.decimal and isinstance(v, float) and not v.is_integer():
            add("CELL-FRACTION", cid, f"{label}为小数{fmt_number(v)}，件数必须为整数")
        if spec.unit and cell.unit and cell.unit != spec.unit:
            add("CELL-UNIT", cid, f"{label}标注单位为“{cell.unit}”，但该栏单位为“{spec.unit}”")
    return out
