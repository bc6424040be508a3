"""Checks: report → findings. Every rule is a pure function ``(report, ctx) -> list[Finding]``.

``ctx`` (:class:`~gongkai.checks.common.Context`) carries the format each table follows (2021 or 2019), the
inferred values and the cells beyond a truncation cut. :data:`RULES` documents every rule code.
"""

from __future__ import annotations

from collections.abc import Callable

from gongkai.checks.cells import check_invalid_cells, check_missing_cells, check_parse_issues
from gongkai.checks.common import RULES, RULES_BY_CODE, Context, Rule, cells_beyond_cut, table_format
from gongkai.checks.confidence import check_low_confidence
from gongkai.checks.identities import check_identities
from gongkai.checks.inference import infer, infer_report
from gongkai.checks.narrative import check_narrative
from gongkai.checks.plausibility import check_fee_statement, check_regulations
from gongkai.checks.structure import (
    check_metadata,
    check_old_format,
    check_section_content,
    check_section_numbering,
    check_tables_and_sections,
)
from gongkai.model import Finding, Inferred, Report
from gongkai.standard.labels import TABLES

__all__ = ["RULES", "RULES_BY_CODE", "Rule", "CHECKS", "build_context", "infer", "infer_report", "run_checks"]

CHECKS: tuple[Callable[[Report, Context], list[Finding]], ...] = (
    check_metadata,
    check_tables_and_sections,
    check_section_numbering,
    check_section_content,
    check_old_format,
    check_parse_issues,
    check_missing_cells,
    check_invalid_cells,
    check_low_confidence,
    check_identities,
    check_narrative,
    check_regulations,
    check_fee_statement,
)


def build_context(report: Report, inferred: dict[str, Inferred] | None = None) -> Context:
    """Formats per table, the inferred values (given, else ``report.inferred`` when non-empty, else computed
    here), the cells beyond a cut."""
    formats = {t: table_format(report, t) for t in TABLES}
    if inferred is None:
        inferred = report.inferred or infer(report, formats["requests"])
    return Context(formats=formats, inferred=inferred, beyond_cut=cells_beyond_cut(report, formats))


def run_checks(report: Report, inferred: dict[str, Inferred] | None = None) -> list[Finding]:
    """All findings for a report. Does not modify the report. ``inferred``: the inference already done."""
    ctx = build_context(report, inferred)
    return [f for check in CHECKS for f in check(report, ctx)]
