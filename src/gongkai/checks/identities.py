"""The four identity families of tables 三 and 四, evaluated on stated numeric values only.

A violated instance (one column, row or group) is an error finding with expected/stated/difference and every
cell involved. An instance with an input that is not stated numeric is neither passed nor failed: it goes into
one info finding per family, unless its unknown cells were all inferred and the identity then holds.
"""

from __future__ import annotations

from gongkai.checks.common import Context, effective, evidence_cell, finding, fmt_number, identity_scope
from gongkai.model import Evidence, Finding, Number, Report
from gongkai.standard.formats import Format, Identity

_EPS = 1e-9


def check_identities(report: Report, ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for table in ("requests", "appeals"):
        fmt = ctx.fmt(table)
        unassessed: dict[str, list[str]] = {}
        for idn in fmt.identities:
            if not idn.rule.startswith(table + "."):
                continue
            result = _check_instance(report, ctx, fmt, idn)
            if isinstance(result, Finding):
                findings.append(result)
            elif result:
                unassessed.setdefault(idn.rule, []).append(identity_scope(fmt, idn))
        for rule, scopes in unassessed.items():
            idn = next(i for i in fmt.identities if i.rule == rule)
            findings.append(
                finding(
                    "NOT-ASSESSABLE",
                    f"勾稽关系“{idn.label}”在{'、'.join(scopes)}未能评估：相关单元格空白、为“/”、为文字或无法识别",
                    Evidence(formula=rule),
                    assessable=False,
                )
            )
    return findings


def _check_instance(report: Report, ctx: Context, fmt: Format, idn: Identity) -> Finding | bool | None:
    """A violation finding; True when the instance could not be assessed; None when it holds or is silent."""
    stated = [report.value(c) for c in idn.cells]
    numbers = [v for v in stated if v is not None]
    if len(numbers) == len(stated):
        n = len(idn.lhs)
        lhs, rhs = sum(numbers[:n]), sum(numbers[n:])
        if abs(lhs - rhs) <= _EPS:
            return None
        return _violation(report, ctx, fmt, idn, lhs, rhs)
    if all(c not in report.cells for c in idn.cells):
        return None  # nothing of it is in the document: table/row missing or cut off, reported elsewhere
    if all(c in ctx.beyond_cut for c, v in zip(idn.cells, stated) if v is None):
        return None  # only the truncation keeps it from being assessed: DOCUMENT-CUT-OFF says so
    eff = [v for v in (effective(report, ctx, c) for c in idn.cells) if v is not None]
    if len(eff) == len(idn.cells):
        n = len(idn.lhs)
        if abs(sum(eff[:n]) - sum(eff[n:])) <= _EPS:
            return None
    return True


def _violation(report: Report, ctx: Context, fmt: Format, idn: Identity, lhs: Number, rhs: Number) -> Finding:
    left, right = fmt.identity_sides.get(idn.rule, ("左边", "右边"))
    diff = lhs - rhs
    message = (
        f"{identity_scope(fmt, idn)}不符合“{idn.label}”：{left}为{fmt_number(lhs)}，"
        f"{right}为{fmt_number(rhs)}，相差{fmt_number(diff)}"
    )
    evidence = Evidence(
        cells=[evidence_cell(report, ctx, c) for c in idn.cells],
        expected=rhs,
        stated=lhs,
        difference=diff,
        formula=f"{idn.rule}:{idn.key}",
    )
    return finding(fmt.identity_codes[idn.rule], message, evidence)
