"""Values that are arithmetically possible but implausible, and the fee statement of section 六."""

from __future__ import annotations

import re

from gongkai.checks.common import Context, evidence_cell, finding, fmt_number
from gongkai.model import Evidence, Finding, Report, SectionInfo

# Townships and street offices; anchored at the end so 城乡/城镇 inside a department name do not count.
_TOWNSHIP = re.compile(r"(?:街道|街办|办事处)|[乡镇](?:人民政府|政府)?$")
# County-level bodies: a 县 or a 区 (other than 自治区/地区) in the name.
_COUNTY = re.compile(r"县|(?<!自治)(?<!地)区")
_FEE_WORDS = ("信息处理费", "处理费", "收费")


def cannot_make_regulations(organization: str) -> bool:
    """True for bodies that clearly have no power to make 规章 (街道、乡镇、县区政府及其部门)."""
    name = re.sub(r"\s+", "", organization)
    return bool(_TOWNSHIP.search(name) or _COUNTY.search(name))


def check_regulations(report: Report, ctx: Context) -> list[Finding]:
    """IMPLAUSIBLE-REGULATIONS: 规章 counts > 0 for a body that cannot make 规章 (skipped when the body is unknown)."""
    if not report.organization or not cannot_make_regulations(report.organization):
        return []
    cells = [cid for cid in report.cells if cid.startswith("proactive.regulations.") and (report.value(cid) or 0) > 0]
    if not cells:
        return []
    values = "、".join(f"{ctx.column_label(c)}{fmt_number(report.value(c))}" for c in cells)
    msg = (
        f"“{report.organization}”不是省、自治区、直辖市或设区的市、自治州人民政府，无权制定规章，"
        f"但表中“规章”填报了{values}"
    )
    return [finding("IMPLAUSIBLE-REGULATIONS", msg, Evidence(cells=[evidence_cell(report, ctx, c) for c in cells]))]


def _section_text(sections: list[SectionInfo], i: int, lines: list[str]) -> str:
    s = sections[i]
    end = s.end_line
    if end <= 0:
        end = sections[i + 1].position.line - 1 if i + 1 < len(sections) else len(lines)
    return "\n".join(lines[s.position.line - 1 : end])


def check_fee_statement(report: Report, ctx: Context) -> list[Finding]:
    """FEE-STATEMENT-MISSING: section 六 says nothing about 信息处理费 (skipped when it may be cut off)."""
    sections = report.sections
    idx = [i for i, s in enumerate(sections) if s.canonical == 6]
    if not idx or not report.text:
        return []
    i = idx[-1]
    if report.truncated and i == len(sections) - 1:
        return []
    text = _section_text(sections, i, report.text.split("\n"))
    if any(w in text for w in _FEE_WORDS):
        return []
    s = sections[i]
    return [
        finding(
            "FEE-STATEMENT-MISSING",
            f"第六部分“{s.heading.strip()}”未说明信息处理费的收取情况",
            Evidence(text=s.heading, position=s.position),
        )
    ]
