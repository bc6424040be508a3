"""Versions of one report: which stored reports of one (body, year) are the same report, and which one counts.

Pure functions over :class:`Candidate`; the store (``store/versions.py``) loads them and writes the result.

**Same report** (``same_report``): two reports of the same body and year are versions of one report — the
same report in another form (HTML page and PDF attachment) or a revision — when

- every cell read in either report (union of cell ids, at least ``MIN_CELLS``) has the same value in both
  (blank, "/" and 0 are different values); the prose may differ (another rendering, a reworded sentence); or
- at least 95% of those cells are the same (a cell read in only one report counts as different) and the
  prose does not contradict it: when both have enough prose to compare (≥ 20 sampled shingle hashes), the
  prose similarity of :func:`gongkai.analysis.crosscheck.similarity` is at least 0.5 (two renderings of one
  report measure ≈ 0.6–1.0; two bodies' independent texts far less).

Reports with fewer than ``MIN_CELLS`` cells are the same only when their prose similarity is at least 0.95.
Grouping is the transitive closure of this relation (connected components), so it does not depend on order.
A person's decision "A is superseded by B" also puts A into B's group.

**Current version** of a group: among the members not withdrawn and not superseded, the latest publication
date (a missing date is oldest), then the most complete reading (most cells read), then the smallest sha256.
A group whose members are all withdrawn or superseded has no current version.

Two groups with a current version in one (body, year) are different reports claiming the same body and year:
a ``DUPLICATE-REPORT`` finding (error) on each, until someone supersedes or withdraws one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from gongkai.analysis.crosscheck import similarity
from gongkai.analysis.records import CellValue
from gongkai.checks.common import finding
from gongkai.model import Evidence, Finding

CELL_AGREEMENT = 0.95
PROSE_AGREEMENT = 0.5
PROSE_ONLY_AGREEMENT = 0.95
MIN_CELLS = 10

SUPERSEDED = "superseded"
WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One stored report of a (body, year), as the version rule needs it."""

    sha256: str
    source: str = ""
    organization: str = ""
    year: int | None = None
    published: date | None = None
    cells: Mapping[str, CellValue] = field(default_factory=dict)
    prose: frozenset[int] = frozenset()
    decision: str | None = None  # None | superseded | withdrawn
    superseded_by: str | None = None  # sha256


@dataclass(frozen=True, slots=True)
class VersionChoice:
    """The rule's result for one candidate."""

    sha256: str
    group: str  # sha256 of the group's current version (the smallest sha256 in the group when none is)
    current: bool
    reason: str  # why (simplified Chinese, shown by ``gongkai reports versions``)


def _equal(a: CellValue, b: CellValue) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return float(a) == float(b)
    return a == b and type(a) is type(b)


def cell_agreement(a: Mapping[str, CellValue], b: Mapping[str, CellValue]) -> tuple[int, int]:
    """(cells with the same value in both, cells read in either)."""
    ids = set(a) | set(b)
    same = sum(1 for cid in ids if cid in a and cid in b and _equal(a[cid], b[cid]))
    return same, len(ids)


def same_report(a: Candidate, b: Candidate) -> bool:
    """Whether ``a`` and ``b`` (same body and year) are versions of one report (see the module docstring)."""
    prose = similarity(a.prose, b.prose)
    same, total = cell_agreement(a.cells, b.cells)
    if total < MIN_CELLS:
        return prose is not None and prose >= PROSE_ONLY_AGREEMENT
    if same == total:
        return True
    if same < CELL_AGREEMENT * total:
        return False
    return prose is None or prose >= PROSE_AGREEMENT


def _groups(cands: Sequence[Candidate]) -> list[list[Candidate]]:
    parent = {c.sha256: c.sha256 for c in cands}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(x: str, y: str) -> None:
        rx, ry = root(x), root(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    for i, a in enumerate(cands):
        if a.decision == SUPERSEDED and a.superseded_by in parent:
            join(a.sha256, a.superseded_by)
        for b in cands[i + 1 :]:
            if same_report(a, b):
                join(a.sha256, b.sha256)
    out: dict[str, list[Candidate]] = {}
    for c in cands:
        out.setdefault(root(c.sha256), []).append(c)
    return [sorted(g, key=lambda c: c.sha256) for _, g in sorted(out.items())]


def _rank(c: Candidate) -> tuple:
    return (-(c.published or date.min).toordinal(), -len(c.cells), c.sha256)


def choose(candidates: Iterable[Candidate]) -> list[VersionChoice]:
    """Group one (body, year)'s reports into versions and pick each group's current one (sorted by sha256)."""
    cands = sorted({c.sha256: c for c in candidates}.values(), key=lambda c: c.sha256)
    out: list[VersionChoice] = []
    for group in _groups(cands):
        live = sorted((c for c in group if c.decision is None), key=_rank)
        current = live[0] if live else None
        key = current.sha256 if current else group[0].sha256
        for c in group:
            out.append(VersionChoice(c.sha256, key, c is current, _reason(c, current, live)))
    return sorted(out, key=lambda v: v.sha256)


def _reason(c: Candidate, current: Candidate | None, live: list[Candidate]) -> str:
    if c.decision == WITHDRAWN:
        return "已撤回（人工决定）"
    if c.decision == SUPERSEDED:
        return f"已被 {(c.superseded_by or '')[:12]} 取代（人工决定）"
    if current is None:
        return "同一报告的各版本均已撤回或被取代"
    if c is not current:
        return f"同一报告的其他版本；现行版本为 {current.sha256[:12]}"
    if len(live) == 1:
        return "唯一有效版本"
    runner = live[1]
    if (c.published or date.min) != (runner.published or date.min):
        return "发布日期最新"
    if len(c.cells) != len(runner.cells):
        return "发布日期相同，读出的单元格最多"
    return "发布日期和完整程度相同，按 sha256 排序最前"


def duplicate_findings(candidates: Sequence[Candidate], choices: Sequence[VersionChoice]) -> list[tuple[str, Finding]]:
    """(sha256, DUPLICATE-REPORT) for each current version when one (body, year) has more than one."""
    by_sha = {c.sha256: c for c in candidates}
    currents = [by_sha[v.sha256] for v in choices if v.current]
    if len(currents) < 2:
        return []
    out = []
    for c in currents:
        others = [o for o in currents if o is not c]
        names = "、".join(f"{o.sha256[:12]}（{o.source}）" for o in others)
        year = f"{c.year}年度" if c.year else "未知年度"
        message = (
            f"{c.organization}{year}另有内容不同的报告 {names}，与本报告（{c.sha256[:12]}）的表格数值"
            f"或文字明显不同；请用 gongkai reports supersede 或 withdraw 决定哪一份有效"
        )
        out.append((c.sha256, finding("DUPLICATE-REPORT", message, Evidence(text="、".join(o.source for o in others)))))
    return out


__all__ = [
    "CELL_AGREEMENT",
    "Candidate",
    "MIN_CELLS",
    "PROSE_AGREEMENT",
    "SUPERSEDED",
    "VersionChoice",
    "WITHDRAWN",
    "cell_agreement",
    "choose",
    "duplicate_findings",
    "same_report",
]
