"""NARRATIVE-MISMATCH: a figure stated in the text contradicts the table (stated or inferred values only)."""

from __future__ import annotations

from gongkai.checks.common import Context, effective, evidence_cell, finding, fmt_number, table_of
from gongkai.model import Evidence, Finding, NarrativeFigure, Number, Report
from gongkai.reading import REPAIR_NAMES
from gongkai.standard.formats import Format

_TERM_NAMES = {
    "received": "本年新收申请",
    "carried_over": "上年结转申请",
    "closed": "办理结果总计",
    "carried_forward": "结转下年度继续办理",
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "granted_and_partial": "予以公开与部分公开之和",
    "withheld": "不予公开",
    "unavailable": "无法提供",
    "not_processed": "不予处理",
    "other_handling": "其他处理",
    "review": "行政复议",
    "litigation": "行政诉讼（未经复议直接起诉与复议后起诉之和）",
    "regulations_made": "规章本年制发件数",
    "normative_made": "行政规范性文件本年制发件数",
    "normative_repealed": "行政规范性文件本年废止件数",
    "normative_in_force": "行政规范性文件现行有效件数",
}


def _group_totals(fmt: Format, group: str) -> list[str]:
    return [f"requests.{r.id}.total" for r in fmt.request_rows if r.group == group]


def term_cells(term: str, requests: Format, proactive: Format) -> list[str]:
    """The table cells whose sum a narrative term states; [] for an unknown term or one this format lacks."""
    simple = {
        "received": ["requests.received.total"],
        "carried_over": ["requests.carried_over.total"],
        "closed": ["requests.total.total"],
        "carried_forward": ["requests.carried_forward.total"],
        "granted": ["requests.granted.total"],
        "partially_granted": ["requests.partially_granted.total"],
        "granted_and_partial": ["requests.granted.total", "requests.partially_granted.total"],
        "review": ["appeals.review.total"],
        "litigation": ["appeals.litigation_direct.total", "appeals.litigation_after_review.total"],
    }
    if term in simple:
        return simple[term]
    if term in ("withheld", "unavailable", "not_processed"):
        return _group_totals(requests, term)
    if term == "other_handling":
        cells = _group_totals(requests, "other")
        return cells or ["requests.other_handling.total"]
    proactive_terms = {
        "regulations_made": ("proactive.regulations.made", "proactive.regulations.new_made"),
        "normative_made": ("proactive.normative_documents.made", "proactive.normative_documents.new_made"),
        "normative_repealed": ("proactive.normative_documents.repealed", None),
        "normative_in_force": ("proactive.normative_documents.in_force", None),
    }
    if term in proactive_terms:
        cid = proactive_terms[term][0 if proactive.id == "2021" else 1]
        return [cid] if cid else []
    return []


def check_narrative(report: Report, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for fig in report.narrative:
        cells = term_cells(fig.term, ctx.fmt("requests"), ctx.fmt("proactive"))
        if not cells:
            continue
        values = [v for v in (effective(report, ctx, c) for c in cells) if v is not None]
        if len(values) < len(cells):
            continue  # the table side is unknown: say nothing
        table_value = sum(values)
        if abs(table_value - fig.value) < 1e-9:
            continue
        out.append(_mismatch(report, ctx, fig, cells, table_value))
    return out


def _mismatch(report: Report, ctx: Context, fig: NarrativeFigure, cells: list[str], table_value: Number) -> Finding:
    name = _TERM_NAMES.get(fig.term, fig.term)
    where = "、".join(ctx.label(c) for c in cells)
    msg = (
        f"正文称{name}为{fmt_number(fig.value)}（“{fig.text.strip()}”），"
        f"但表格中{where}{'合计' if len(cells) > 1 else ''}为{fmt_number(table_value)}"
    )
    evidence = Evidence(
        cells=[evidence_cell(report, ctx, c) for c in cells],
        expected=table_value,
        stated=fig.value,
        difference=fig.value - table_value,
        text=fig.text,
        position=fig.position,
    )
    doubt = _reading_doubt(report, cells)
    if doubt:
        # the table was not read as printed: the disagreement may be ours, so it is not put on the document
        msg = (
            f"正文称{name}为{fmt_number(fig.value)}（“{fig.text.strip()}”），表格中{where}"
            f"{'合计' if len(cells) > 1 else ''}读取为{fmt_number(table_value)}；该表格读取时{doubt}，"
            f"不一致可能来自读取而非文档本身，待复核"
        )
        return finding("NARRATIVE-REVIEW", msg, evidence)
    return finding("NARRATIVE-MISMATCH", msg, evidence)


def _reading_doubt(report: Report, cells: list[str]) -> str:
    """What in the reading of the tables holding ``cells`` makes their values less than certain, in Chinese
    ("" when they were read as printed)."""
    if report.reading is None:
        return ""
    parts: list[str] = []
    for name in dict.fromkeys(table_of(c) for c in cells):
        t = report.reading.table(name)
        if t is None or not t.repaired:
            continue
        parts.extend(REPAIR_NAMES.get(r.kind, r.kind) for r in t.repairs)
        if t.ocr:
            parts.append("文字识别")
        if t.assembled_labels and not any(r.kind == "labels_joined" for r in t.repairs):
            parts.append(REPAIR_NAMES["labels_joined"])
    parts = list(dict.fromkeys(parts))
    return f"经过{'、'.join(parts)}" if parts else ""
