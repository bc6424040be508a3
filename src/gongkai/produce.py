"""From a filled form to the published report: render it, and check it the way a published report is checked.

Rendering is verified by our own reader and parser: :func:`check_form` renders the form as the official HTML
page, reads the bytes back with :func:`gongkai.readers.read_bytes` and runs :func:`gongkai.pipeline.check_document`
— the same checks as ``gongkai check`` — and adds what only the form can tell: a value that does not read back
as entered (RENDER-MISMATCH), sections 一/五/六 the author left empty (production never writes them), and,
with last year's report, 上年结转 against last year's 结转下年度继续办理 (:func:`carry_over`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from gongkai.checks.carry import as_number, carry_message, carry_pairs, same_value
from gongkai.checks.common import finding
from gongkai.errors import MissingDependency
from gongkai.spec import ReportSpec, Value
from gongkai.forms.model import ReportForm
from gongkai.model import Evidence, EvidenceCell, Finding, Report, Severity
from gongkai.pipeline import check_document
from gongkai.readers import read_bytes
from gongkai.render.text import AUTHOR_SECTIONS, format_value
from gongkai.standard import get_format
from gongkai.standard.formats import FORMAT_IDS, Format
from gongkai.standard.labels import cell_label, numeral, section_heading

TARGETS: tuple[str, ...] = ("docx", "html", "md", "pdf")
SUFFIXES: dict[str, str] = {
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".pdf": "pdf",
}
# codes of the findings this module adds (the read-back checks use the codes of gongkai.checks.RULES)
RENDER_MISMATCH = "RENDER-MISMATCH"
CARRY_OVER_MISMATCH = "CARRY-OVER-MISMATCH"


# ---------------------------------------------------------------------------------------------------- render


def render_spec(spec: ReportSpec, to: str) -> bytes:
    """The official report of ``spec`` as the bytes of a ``to`` file (see :data:`TARGETS`)."""
    if to == "docx":
        from gongkai.render.docx import render_docx

        return render_docx(spec, production=True)
    if to == "html":
        from gongkai.render.html import render_html_production

        return render_html_production(spec)
    if to == "md":
        from gongkai.render.markdown import render_markdown

        return render_markdown(spec)
    if to == "pdf":
        from gongkai.readers.libreoffice import convert, find_soffice
        from gongkai.render.docx import render_docx

        if find_soffice() is None:
            raise MissingDependency(
                "生成 PDF 需要 LibreOffice（soffice），但未找到；请安装 LibreOffice，"
                "或改用 --to docx 生成 Word 文件后自行另存为 PDF"
            )
        return convert(render_docx(spec, production=True), "report.docx", to="pdf")
    raise ValueError(f"unknown target {to!r}; choose one of {', '.join(TARGETS)}")


def render_form(form: ReportForm, to: str) -> bytes:
    """The form as the standard report in ``to`` (docx | html | md | pdf). Raises FormError for an unusable form."""
    return render_spec(form.to_spec(), to)


# ---------------------------------------------------------------------------------------------------- check


def _mismatches(spec: ReportSpec, report: Report) -> list[Finding]:
    """Cells that do not read back from the rendered report as the form has them (a value printed in a way
    the parser reads differently, e.g. more than four decimals): never publish such a report unnoticed."""
    fmt = spec.format
    out = []
    for cid in fmt.cell_ids:
        expected = spec.values[cid]
        cell = report.cells.get(cid)
        actual = cell.gold_value() if cell is not None else "<missing>"
        if same_value(expected, actual):
            continue
        printed = format_value(expected) or "（空白）"
        got = "未读出" if cell is None else (cell.raw or "（空白）")
        out.append(
            finding(
                RENDER_MISMATCH,
                f"“{_cell_name(fmt, cid)}”填报为{printed}，生成的报告读回为{got}",
                Evidence(
                    cells=[EvidenceCell(cid, cell.raw if cell else None, actual, cell.position if cell else None)],
                    expected=expected,
                    stated=actual,
                ),
            )
        )
    return out


def _cell_name(fmt: Format, cid: str) -> str:
    return cell_label(cid, fmt.id)


def _author_sections(form: ReportForm, report: Report) -> list[Finding]:
    """SECTION-EMPTY for 一/五/六 says why: the form has no text for it and production writes none."""
    missing = {no for no in AUTHOR_SECTIONS if not any(p.strip() for p in form.texts.get(str(no), []))}
    fmt = get_format(form.format_id)
    out = []
    for f in report.findings:
        no = _section_of(f, report)
        if f.code == "SECTION-EMPTY" and no in missing:
            heading = section_heading(fmt, no)
            f = dataclasses.replace(
                f,
                message=f"第{numeral(no)}部分“{heading}”没有正文：表单中未填写该部分"
                f"（texts 的“{no}”），生成的报告中只有标题，请补写",
            )
        out.append(f)
    return out


def _section_of(f: Finding, report: Report) -> int | None:
    if f.evidence.position is None:
        return None
    return next((s.canonical for s in report.sections if s.position == f.evidence.position), None)


def check_form(form: ReportForm, *, source: str | None = None) -> Report:
    """The report the form renders to, read back and checked: every finding ``gongkai check`` would give the
    published report, plus RENDER-MISMATCH and the reasons for empty statutory sections."""
    from gongkai.render.html import render_html_production

    spec = form.to_spec()
    name = source or f"{form.organization}{form.year}年政府信息公开工作年度报告"
    report = check_document(read_bytes(render_html_production(spec), name))
    report.findings = _author_sections(form, report) + _mismatches(spec, report)
    return report


# ---------------------------------------------------------------------------------------------------- carry-over


@dataclass
class CarryOver:
    form: ReportForm  # the form with empty 上年结转 cells filled from last year (origin "last_year")
    filled: dict[str, Value] = field(default_factory=dict)  # cell id → the value taken from last year
    findings: list[Finding] = field(default_factory=list)


def carry_over(form: ReportForm, last: Report) -> CarryOver:
    """Fill the form's empty 上年结转 cells from ``last`` (last year's report, read and checked) — its
    结转下年度继续办理, column by column — and report every filled cell that differs (CARRY-OVER-MISMATCH,
    an error: the same applications cannot be carried forward as one number and carried over as another).
    The cells paired and the comparison are those of the stored-report check (:mod:`gongkai.checks.carry`)."""
    last_format = last.format if last.format in FORMAT_IDS else form.format_id
    values, origins = dict(form.values), dict(form.origins)
    filled: dict[str, Value] = {}
    findings: list[Finding] = []
    if last.year is not None and last.year != form.year - 1:
        findings.append(
            finding(
                CARRY_OVER_MISMATCH,
                severity=Severity.WARNING,
                message=f"作为上年报告提供的是{last.year}年度报告，本表单为{form.year}年度，上年结转应取自{form.year - 1}年度报告",
            )
        )
    gold = last.gold_cells()
    for pair in carry_pairs(form.format_id, last_format):
        src, dst = pair.last_cell, pair.this_cell
        prev = as_number(gold.get(src))
        if prev is None:  # last year printed nothing usable here: nothing to carry
            continue
        mine = values.get(dst)
        if mine is None:  # in a form a blank means "not filled in yet": fill it
            values[dst] = prev
            origins[dst] = "last_year"
            filled[dst] = prev
            continue
        if same_value(mine, prev):
            continue
        cell = last.cells.get(src)
        stated = format_value(mine)
        findings.append(
            finding(
                CARRY_OVER_MISMATCH,
                message=carry_message(pair, stated, format_value(prev), last.year),
                evidence=Evidence(
                    cells=[
                        EvidenceCell(dst, stated, mine, None),
                        EvidenceCell(
                            src,
                            cell.raw if cell else None,
                            prev,
                            cell.position if cell else None,
                            inferred=cell is None or not cell.meaning.is_numeric,
                        ),
                    ],
                    expected=prev,
                    stated=mine,
                    difference=(mine - prev) if isinstance(mine, (int, float)) else None,
                ),
            )
        )
    new_form = dataclasses.replace(form, values=values, origins=origins)
    return CarryOver(new_form, filled, findings)


__all__ = [
    "CARRY_OVER_MISMATCH",
    "RENDER_MISMATCH",
    "SUFFIXES",
    "TARGETS",
    "CarryOver",
    "carry_over",
    "check_form",
    "render_form",
    "render_spec",
]
