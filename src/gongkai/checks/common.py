"""Shared pieces of the checks: the rule registry, the per-table format choice, labels and evidence.

Rule functions take ``(report, ctx)`` where :class:`Context` carries the format chosen for each table, the
inferred values and the cells that lie beyond a truncation cut. Everything here is pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from gongkai.model import Evidence, EvidenceCell, Finding, Inferred, Meaning, Number, Report, Severity
from gongkai.standard.formats import FORMAT_IDS, Format, Identity, get_format
from gongkai.standard.labels import CURRENT_FORMAT, TABLES, format_for_year, int_if_whole, other_format

UNKNOWN_MEANINGS = (Meaning.BLANK, Meaning.UNREADABLE)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    category: str
    severity: Severity
    description: str  # Chinese, one line


_IDENTITY = {i.rule: i.label for i in get_format(CURRENT_FORMAT).identities}  # the wording is the format's
RULES: tuple[Rule, ...] = (
    Rule("IDN-BALANCE", "identity_violation", Severity.ERROR, "各列：" + _IDENTITY["requests.balance"]),
    Rule("IDN-RESULTS-TOTAL", "identity_violation", Severity.ERROR, "各列：" + _IDENTITY["requests.results_total"]),
    Rule("IDN-ROW-TOTAL", "identity_violation", Severity.ERROR, "各行：" + _IDENTITY["requests.row_total"]),
    Rule(
        "IDN-APPEALS-TOTAL",
        "identity_violation",
        Severity.ERROR,
        "行政复议、行政诉讼：" + _IDENTITY["appeals.group_total"],
    ),
    Rule("NOT-ASSESSABLE", "identity_violation", Severity.INFO, "勾稽关系因单元格空白、“/”、文字或无法识别而未能评估"),
    Rule("CELL-MISSING", "cell_missing", Severity.WARNING, "格式要求的单元格缺失、空白或无法识别"),
    Rule("ROW-SHORT", "cell_missing", Severity.WARNING, "表格某行的数值少于列数，无法确定各数值所属列"),
    Rule("ROW-ABSENT", "cell_missing", Severity.WARNING, "表格缺少格式规定的行"),
    Rule(
        "CELL-LOW-CONFIDENCE",
        "cell_missing",
        Severity.WARNING,
        "OCR 识别的数值置信度低，或数字中混有形近字母（如 O、l、I、S、B），需与原件核对",
    ),
    Rule("CELL-INVALID-TEXT", "cell_invalid", Severity.WARNING, "数值单元格中填写了文字"),
    Rule("CELL-NEGATIVE", "cell_invalid", Severity.ERROR, "件数、金额不能为负数（2019年格式“本年增/减”除外）"),
    Rule("CELL-FRACTION", "cell_invalid", Severity.ERROR, "件数必须为整数（收费金额、采购总金额除外）"),
    Rule(
        "CELL-UNIT",
        "implausible_value",
        Severity.WARNING,
        "单元格标注的单位与格式规定的单位不一致（如“元”填入“万元”栏）",
    ),
    Rule("TABLE-MISSING", "table_missing", Severity.ERROR, "缺少三张标准表格之一（第二、三、四部分）"),
    Rule(
        "TABLE-LAYOUT", "table_layout", Severity.WARNING, "表格的行、列与标准格式不一致（多出的行或列、数值缺少行名等）"
    ),
    Rule("LABEL-VARIANT", "table_layout", Severity.INFO, "表格使用了非标准的行名或列名（仍可对应到标准行列）"),
    Rule(
        "LABEL-ASSEMBLED",
        "table_layout",
        Severity.INFO,
        "行名由读取时拼合的文字组成（如竖排标签的字混入相邻行名），与标准行名不同可能是读取所致，并非文档用词",
    ),
    Rule("PARSE-ISSUE", "table_layout", Severity.INFO, "解析时发现的其他版式问题"),
    Rule("OLD-FORMAT", "old_format", Severity.WARNING, "2021年及以后的年报仍使用2019年试行格式（或部分使用）"),
    Rule("SECTION-MISSING", "section_missing", Severity.WARNING, "缺少六个规定部分之一"),
    Rule("SECTION-EMPTY", "section_empty", Severity.WARNING, "某部分只有标题、没有内容"),
    Rule("SECTION-NUMBERING", "section_numbering", Severity.WARNING, "部分序号重复、跳号、顺序错误或与标题不符"),
    Rule("DOCUMENT-CUT-OFF", "section_missing", Severity.INFO, "文档被截断，截断处之后的部分和表格未能评估"),
    Rule("NARRATIVE-MISMATCH", "narrative_mismatch", Severity.WARNING, "正文中的数字与表格数据不一致"),
    Rule(
        "NARRATIVE-REVIEW",
        "narrative_mismatch",
        Severity.INFO,
        "正文中的数字与表格读取结果不一致，但该表格的读取经过修补或文字识别，可能是读取所致，待复核",
    ),
    Rule(
        "IMPLAUSIBLE-REGULATIONS",
        "implausible_value",
        Severity.WARNING,
        "无规章制定权的机关（街道、乡镇、县区部门等）填报了规章数量",
    ),
    Rule("FEE-STATEMENT-MISSING", "fee_statement_missing", Severity.WARNING, "第六部分未说明信息处理费收取情况"),
    Rule(
        "CARRY-OVER-MISMATCH",
        "carry_over_mismatch",
        Severity.ERROR,
        "本年“上年结转”与同一机关上一年度报告（或生成报告时提供的上年报告）的“结转下年度继续办理”不一致（逐列比较）",
    ),
    Rule("RENDER-MISMATCH", "table_layout", Severity.ERROR, "生成报告时，表单中的数值未能按原样印出（如小数位过多）"),
    Rule("METADATA-MISSING", "metadata_missing", Severity.WARNING, "无法确定年报的机关名称或年度"),
    Rule(
        "ROLLUP-MISMATCH",
        "rollup_mismatch",
        Severity.ERROR,
        "汇总报告第三、四部分表格的数值与各成员机关同年度报告之和不一致",
    ),
    Rule(
        "ROLLUP-INCOMPLETE",
        "rollup_mismatch",
        Severity.INFO,
        "汇总报告的部分成员机关没有同年度报告，只能核对汇总数是否小于已有报告之和",
    ),
    Rule(
        "LATE-PUBLICATION",
        "late_publication",
        Severity.WARNING,
        "年报晚于条例规定的期限公布（县级以上人民政府为次年3月31日，部门、街道、乡镇为次年1月31日）",
    ),
    Rule(
        "DUPLICATE-CONTENT",
        "duplicate_content",
        Severity.WARNING,
        "第一、五、六部分的文字与本机关上年报告或同级其他机关同年报告大量雷同",
    ),
    Rule(
        "DUPLICATE-REPORT",
        "duplicate_report",
        Severity.ERROR,
        "同一机关同一年度有两份表格数值或文字明显不同的报告，需用 gongkai reports supersede/withdraw 决定哪一份有效",
    ),
)
RULES_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}


def finding(
    code: str,
    message: str,
    evidence: Evidence | None = None,
    *,
    severity: Severity | None = None,
    assessable: bool = True,
) -> Finding:
    """A finding for a registered rule; category and default severity come from :data:`RULES`."""
    rule = RULES_BY_CODE[code]
    return Finding(
        code=code,
        category=rule.category,
        severity=severity or rule.severity,
        message=message,
        evidence=evidence or Evidence(),
        assessable=assessable,
    )


# ---------------------------------------------------------------- formats


@cache
def only_in(format_id: str) -> frozenset[str]:
    return frozenset(get_format(format_id).cells) - frozenset(get_format(other_format(format_id)).cells)


def table_format(report: Report, table: str) -> Format:
    """The format a table follows: the parser's variant, else the cell ids present, else the report format/year."""
    info = report.tables.get(table)
    if info is not None and info.variant in FORMAT_IDS:
        return get_format(info.variant)
    only_2019, only_2021 = only_in("2019"), only_in("2021")
    prefix = table + "."
    for cid in report.cells:
        if cid.startswith(prefix):
            if cid in only_2019:
                return get_format("2019")
            if cid in only_2021:
                return get_format("2021")
    if report.format in FORMAT_IDS:
        return get_format(report.format)
    return get_format(format_for_year(report.year))


def table_of(cell_id: str) -> str:
    return cell_id.split(".", 1)[0]


@cache
def _labels(format_id: str) -> dict[str, tuple[str, str]]:
    """(row, column) display labels for every cell; sub-rows carry their group caption (（三）不予公开1.属于国家秘密)."""
    fmt = get_format(format_id)
    col_labels = {
        "proactive": {c: col for r in fmt.proactive_rows for c, col in zip(r.cells, r.column_labels)},
        "requests": {c: col for r in fmt.request_rows for c, col in zip(r.cells, r.column_labels)},
        "appeals": {f"appeals.{g}.{c}": cl for g, _, _ in fmt.appeals_groups for c, cl in fmt.appeals_columns},
    }
    return {
        cid: (row_label, col_labels[table][cid])
        for table in TABLES
        for _, row_label, cells in _rows(format_id)[table]
        for cid in cells
    }


def cell_parts(fmt: Format, cell_id: str) -> tuple[str, str]:
    """(row label, column label) of a cell, looked up in ``fmt`` and then in the other format."""
    parts = _labels(fmt.id).get(cell_id)
    if parts is None:
        parts = _labels(other_format(fmt.id)).get(cell_id, (cell_id, ""))
    return parts


def cell_label(fmt: Format, cell_id: str) -> str:
    row, col = cell_parts(fmt, cell_id)
    return f"{row}/{col}" if col else row


@cache
def _rows(format_id: str) -> dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]]:
    fmt = get_format(format_id)
    groups = {g.id: g for g in fmt.request_groups}
    proactive = tuple((r.id, f"{r.caption}“{r.label}”", r.cells) for r in fmt.proactive_rows)
    requests = []
    for r in fmt.request_rows:
        g = groups.get(r.group) if r.group else None
        requests.append((r.id, f"“{g.label}{r.label}”" if g is not None and g.parent else f"“{r.label}”", r.cells))
    appeals = tuple(
        (gid, f"“{path}”", tuple(f"appeals.{gid}.{c}" for c, _ in fmt.appeals_columns))
        for gid, _, path in fmt.appeals_groups
    )
    return {"proactive": proactive, "requests": tuple(requests), "appeals": appeals}


def rows_of(fmt: Format, table: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(row id, display label, cell ids) for every row of a table, in the standard order."""
    return _rows(fmt.id)[table]


def identity_scope(fmt: Format, idn: Identity) -> str:
    """Which column/row/group an identity instance is about, in Chinese."""
    if idn.rule == "requests.row_total":
        return next(label for rid, label, _ in rows_of(fmt, "requests") if rid == idn.key) + "行"
    if idn.rule.startswith("appeals."):
        return next(label for gid, label, _ in rows_of(fmt, "appeals") if gid == idn.key)
    return f"“{fmt.column_label(idn.key)}”列"


# ---------------------------------------------------------------- truncation


def cells_beyond_cut(report: Report, fmts: dict[str, Format]) -> frozenset[str]:
    """For a truncated report: the standard cells after the last cell the document shows (never reported missing)."""
    if not report.truncated:
        return frozenset()
    ordered = [cid for table in TABLES for _, _, cells in rows_of(fmts[table], table) for cid in cells]
    last = -1
    for i, cid in enumerate(ordered):
        if cid in report.cells:
            last = i
    return frozenset(ordered[last + 1 :])


# ---------------------------------------------------------------- context


@dataclass(frozen=True, slots=True)
class Context:
    formats: dict[str, Format]
    inferred: dict[str, Inferred]
    beyond_cut: frozenset[str]

    def fmt(self, table: str) -> Format:
        return self.formats[table]

    def label(self, cell_id: str) -> str:
        return cell_label(self._fmt_of(cell_id), cell_id)

    def row_label(self, cell_id: str) -> str:
        return cell_parts(self._fmt_of(cell_id), cell_id)[0]

    def column_label(self, cell_id: str) -> str:
        return cell_parts(self._fmt_of(cell_id), cell_id)[1]

    def _fmt_of(self, cell_id: str) -> Format:
        return self.formats.get(table_of(cell_id)) or get_format("2021")


def effective(report: Report, ctx: Context, cell_id: str) -> Number | None:
    """Stated numeric value, else the inferred one, else None."""
    v = report.value(cell_id)
    if v is None:
        inf = ctx.inferred.get(cell_id)
        return inf.value if inf is not None else None
    return v


def evidence_cell(report: Report, ctx: Context, cell_id: str) -> EvidenceCell:
    """The cell as stated (raw, value, position); for a cell not usably stated, the inferred value if any."""
    cell = report.cells.get(cell_id)
    inf = ctx.inferred.get(cell_id) if cell is None or not cell.meaning.is_numeric else None
    raw, pos = (cell.raw, cell.position) if cell is not None else (None, None)
    if inf is not None:
        return EvidenceCell(cell_id, raw, inf.value, pos, inferred=True)
    return EvidenceCell(cell_id, raw, cell.gold_value() if cell is not None else None, pos)


def table_seen(report: Report, table: str) -> bool:
    """The parser found the table, or at least one of its cells."""
    if table in report.tables:
        return True
    prefix = table + "."
    return any(cid.startswith(prefix) for cid in report.cells)


def is_unknown(report: Report, cell_id: str) -> bool:
    """Absent, blank or unreadable: a value the document does not state usably (n/a and text are statements)."""
    cell = report.cells.get(cell_id)
    return cell is None or cell.meaning in UNKNOWN_MEANINGS


def fmt_number(v: object) -> str:
    return str(int_if_whole(v))
