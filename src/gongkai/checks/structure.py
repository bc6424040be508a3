"""Document structure: tables and sections present, empty, numbered right; truncation; old format; metadata."""

from __future__ import annotations

from gongkai.checks.common import Context, cell_parts, evidence_cell, finding, only_in, table_seen
from gongkai.model import Evidence, Finding, Report, SectionInfo, Severity
from gongkai.standard.formats import get_format
from gongkai.standard.labels import (
    CURRENT_FORMAT,
    TABLE_SECTION,
    TABLES,
    format_for_year,
    numeral,
    other_format,
    section_heading,
    table_title,
)

# The standard order of the document: sections and the tables inside sections 二, 三, 四.
_ORDER: tuple[tuple[str, int | str], ...] = (
    ("section", 1),
    ("section", 2),
    ("table", "proactive"),
    ("section", 3),
    ("table", "requests"),
    ("section", 4),
    ("table", "appeals"),
    ("section", 5),
    ("section", 6),
)


def _section_title(no: int) -> str:
    return section_heading(get_format(CURRENT_FORMAT), no)


def _seen(report: Report) -> list[bool]:
    canon = {s.canonical for s in report.sections}
    return [(no in canon) if kind == "section" else table_seen(report, str(no)) for kind, no in _ORDER]


def _cut_index(report: Report, seen: list[bool]) -> int | None:
    """For a truncated report: index in _ORDER of the last item visible before the cut."""
    if not report.truncated:
        return None
    return max((i for i, s in enumerate(seen) if s), default=-1)


def check_tables_and_sections(report: Report, ctx: Context) -> list[Finding]:
    """TABLE-MISSING, SECTION-MISSING and, for a truncated document, one DOCUMENT-CUT-OFF instead for what follows the cut."""
    seen = _seen(report)
    cut = _cut_index(report, seen)
    out: list[Finding] = []
    not_visible: list[str] = []
    for i, ((kind, key), present) in enumerate(zip(_ORDER, seen)):
        if present:
            continue
        if kind == "section":
            name = f"“{_section_title(key)}”"  # type: ignore[arg-type]
        else:
            name = f"第{numeral(TABLE_SECTION[key])}部分的统计表"  # type: ignore[index]
        if cut is not None and i > cut:
            not_visible.append(name)
        elif kind == "section":
            out.append(finding("SECTION-MISSING", f"缺少第{numeral(key)}部分{name}"))  # type: ignore[arg-type]
        else:
            out.append(finding("TABLE-MISSING", f"缺少{name}“{table_title(ctx.fmt(key), key)}”"))  # type: ignore[arg-type]
    if report.truncated:
        where = f"第{report.cut_at.line}行" if report.cut_at else "中途"
        msg = f"文档在{where}截断，" + (
            "、".join(not_visible) + "未能评估" if not_visible else "截断处之后的内容未能评估"
        )
        out.append(finding("DOCUMENT-CUT-OFF", msg, Evidence(position=report.cut_at), assessable=False))
    return out


def check_section_content(report: Report, ctx: Context) -> list[Finding]:
    """SECTION-EMPTY: a heading with nothing under it (not for the last heading of a truncated document)."""
    out: list[Finding] = []
    last = len(report.sections) - 1
    for i, s in enumerate(report.sections):
        if s.content_chars > 0 or (report.truncated and i == last):
            continue
        out.append(
            finding(
                "SECTION-EMPTY",
                f"第{numeral(s.canonical)}部分“{s.heading.strip()}”只有标题，没有内容",
                Evidence(text=s.heading, position=s.position),
            )
        )
    return out


def check_section_numbering(report: Report, ctx: Context) -> list[Finding]:
    """A heading numbered other than the section it names; else duplicated, skipped or out-of-order numbers."""
    out: list[Finding] = []
    for s in report.sections:
        if s.number_printed is not None and s.number_printed != s.canonical:
            out.append(
                finding(
                    "SECTION-NUMBERING",
                    f"“{s.heading.strip()}”的序号印为“{numeral(s.number_printed)}”，按标准格式应为“{numeral(s.canonical)}”",
                    Evidence(text=s.heading, position=s.position, expected=s.canonical, stated=s.number_printed),
                )
            )
    if out:
        return out
    problems = _sequence_problems([s for s in report.sections if s.number_printed is not None], report.truncated)
    if problems:
        first = report.sections[0]
        out.append(
            finding(
                "SECTION-NUMBERING",
                "各部分序号有误：" + "；".join(problems),
                Evidence(text=first.heading, position=first.position),
            )
        )
    return out


def _sequence_problems(sections: list[SectionInfo], truncated: bool) -> list[str]:
    printed = [s.number_printed for s in sections if s.number_printed is not None]  # callers pass numbered ones
    problems = []
    dups = sorted({n for n in printed if printed.count(n) > 1})
    if dups:
        problems.append("序号" + "、".join(f"“{numeral(n)}”" for n in dups) + "重复出现")
    if printed:
        top = max(printed) if truncated else max(max(printed), 6)
        skipped = [n for n in range(1, top + 1) if n not in printed]
        if skipped:
            problems.append("缺少序号" + "、".join(f"“{numeral(n)}”" for n in skipped))
    if any(a > b for a, b in zip(printed, printed[1:])):
        problems.append("序号顺序颠倒（" + "、".join(numeral(n) for n in printed) + "）")
    return problems


# 2019-only cells → what to call them in a message
def _old_format_features(report: Report) -> list[str]:
    only_2019 = only_in("2019")
    present = [cid for cid in report.cells if cid in only_2019]
    names: list[str] = []
    old, new = get_format(other_format(CURRENT_FORMAT)), get_format(CURRENT_FORMAT)
    for cid in present:
        table, row_id = cid.split(".", 1)[0], cid.split(".", 1)[1].rsplit(".", 1)[0]
        if table == "proactive" and row_id not in {r.id for r in new.proactive_rows}:  # a row the format dropped
            row = next(r for r in old.proactive_rows if r.id == row_id)
            caption = row.caption if row.caption not in new.proactive_captions else ""  # a block it dropped
            name = f"{caption}“{row.label}”"
        elif table == "requests" and row_id not in {r.id for r in new.request_rows}:  # split into several rows
            name = f"单行的“{old.row_label('requests', row_id)}”"
        else:
            name = f"“{cell_parts(old, cid)[1]}”"
        if name not in names:
            names.append(name)
    return names


def check_old_format(report: Report, ctx: Context) -> list[Finding]:
    """OLD-FORMAT: a report on 2021 or later using the 2019 试行 tables (wholly or in part)."""
    if report.year is None or format_for_year(report.year) != CURRENT_FORMAT:
        return []
    old_tables = [t for t in TABLES if t in report.tables and report.tables[t].variant == "2019"]
    if not old_tables and report.format not in ("2019", "mixed"):
        return []
    features = _old_format_features(report)
    cells = [evidence_cell(report, ctx, c) for c in report.cells if c in only_in("2019")]
    where = "、".join(f"{table_title(ctx.fmt(t), t)}表" for t in old_tables)
    current, old = get_format(CURRENT_FORMAT), get_format(other_format(CURRENT_FORMAT))
    msg = (
        f"{report.year}年度报告应使用{current.id}年格式（{current.document_no}），"
        f"{where or '表格'}仍使用{old.id}年试行格式" + (f"：含{'、'.join(features)}" if features else "")
    )
    return [finding("OLD-FORMAT", msg, Evidence(cells=cells))]


def check_metadata(report: Report, ctx: Context) -> list[Finding]:
    """METADATA-MISSING: organization or year not determined (info only for a truncated document)."""
    severity = Severity.INFO if report.truncated else None
    out = []
    if not report.organization:
        out.append(finding("METADATA-MISSING", "无法确定发布年报的机关名称", severity=severity))
    if report.year is None:
        out.append(finding("METADATA-MISSING", "无法确定年报所报告的年度", severity=severity))
    return out
