"""The generated district's expected findings: what the cross-report checks must give for the region.

:func:`expected_findings` is an independent reading of the cross-report rules over the specs (see
:mod:`gongkai.examples.region`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gongkai.analysis.crosscheck import similarity
from gongkai.analysis.prose import prose_hashes
from gongkai.examples.region_content import FORMAT_ID, deadline, spec_prose, summed_cells
from gongkai.spec import ReportSpec, Value
from gongkai.spec import request_cell as _req
from gongkai.standard import get_format
from gongkai.standard.layout import request_layout

if TYPE_CHECKING:
    from gongkai.examples.region import Body

__all__ = ["ExpectedFinding", "expected_findings"]


@dataclass(frozen=True, slots=True)
class ExpectedFinding:
    """One finding the cross-report checks must give for the region."""

    code: str
    organization: str  # registered full name of the report the finding is on
    year: int
    cell_id: str | None = None  # carry-over: this year's 上年结转 cell; roll-up: the roll-up's cell; else None


def _order(f: ExpectedFinding) -> tuple:
    return (f.year, f.code, f.organization, f.cell_id or "")


# ---------------------------------------------------------------------------------------------------- oracle


def _count_or_text(v: Value) -> int | float | None:
    """A cell as the cross-report rules count it: blank and "n/a" are 0, a text cell is None (not assessable)."""
    if v is None or v == "n/a":
        return 0
    if isinstance(v, str):
        return None
    return v


def expected_findings(reports: list[tuple[Body, ReportSpec]], children: dict[str, list[str]]) -> list[ExpectedFinding]:
    """The cross-report rules of issue 5 applied to specs whose registered body is known (``children``: parent
    name → names of its direct children). An independent reading of the rules, used to make the region's
    expected findings exact."""
    fmt = get_format(FORMAT_ID)
    lay = request_layout(fmt)
    out: list[ExpectedFinding] = []
    series: dict[tuple[str, bool], dict[int, ReportSpec]] = defaultdict(dict)
    for body, spec in reports:
        series[(body.name, spec.is_rollup)][spec.year] = spec
    # CARRY-OVER-MISMATCH
    for (name, _), by_year in series.items():
        for year, spec in by_year.items():
            prev = by_year.get(year - 1)
            if prev is None:
                continue
            for col in (*lay.applicant_columns, lay.total_column):
                cid = _req(lay.carried_over, col)
                now, before = (
                    _count_or_text(spec.values[cid]),
                    _count_or_text(prev.values[_req(lay.carried_forward, col)]),
                )
                if now is not None and before is not None and now != before:
                    out.append(ExpectedFinding("CARRY-OVER-MISMATCH", name, year, cid))
    # ROLLUP-MISMATCH / ROLLUP-INCOMPLETE
    current: dict[tuple[str, int], ReportSpec] = {}
    for body, spec in reports:
        key = (body.name, spec.year)
        if key not in current or spec.is_rollup and not current[key].is_rollup:
            current[key] = spec
    for body, spec in reports:
        if not spec.is_rollup:
            continue
        members = children.get(body.name, [])
        got = [current[(m, spec.year)] for m in members if (m, spec.year) in current]
        complete = len(got) == len(members)
        for cid in summed_cells(fmt):
            stated = _count_or_text(spec.values[cid])
            found = [_count_or_text(m.values[cid]) for m in got]
            parts = [p for p in found if p is not None]
            if stated is None or len(parts) < len(found):
                continue
            total = sum(parts)
            if (stated != total) if complete else (stated < total):
                out.append(ExpectedFinding("ROLLUP-MISMATCH", body.name, spec.year, cid))
        if not complete:
            out.append(ExpectedFinding("ROLLUP-INCOMPLETE", body.name, spec.year))
    # LATE-PUBLICATION
    for body, spec in reports:
        if spec.published is not None and spec.published > deadline(spec.year, body.kind, body.level):
            out.append(ExpectedFinding("LATE-PUBLICATION", body.name, spec.year))
    # DUPLICATE-CONTENT
    hashes = {(body.name, spec.year): prose_hashes(spec_prose(spec)) for body, spec in reports}
    parent = {m: p for p, ms in children.items() for m in ms}
    for (name, year), h in hashes.items():
        last_year = hashes.get((name, year - 1))
        if last_year is not None and (similarity(h, last_year) or 0) >= 0.8:
            out.append(ExpectedFinding("DUPLICATE-CONTENT", name, year))
        for (other, y2), h2 in hashes.items():
            if (
                y2 == year
                and other != name
                and name in parent
                and parent.get(other) == parent[name]
                and (similarity(h, h2) or 0) >= 0.8
            ):
                out.append(ExpectedFinding("DUPLICATE-CONTENT", name, year))
    return sorted(set(out), key=_order)
