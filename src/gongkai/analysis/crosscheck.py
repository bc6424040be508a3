"""Cross-report checks over stored reports, as pure functions of :class:`ReportRecord` / :class:`OrgNode`.

The store chooses which records meet (one body's consecutive years, a roll-up with its members' reports,
siblings of the same year) and calls these; nothing here touches a database.

Values are in the gold vocabulary: a number, None (printed blank), "n/a" ("/", "—", "无") or the printed
text. Blank and n/a count as 0 in sums and comparisons (that is how the tables are meant to be read); a text
cell makes its comparison not assessable, and then no finding is given for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from gongkai.analysis.records import ReportRecord
from gongkai.orgs.registry import OrgNode
from gongkai.checks.carry import (
    as_number,
    carry_message,
    carry_pairs,
    format_or_default,
    same_value,
)
from gongkai.checks.common import cell_parts, finding, fmt_number
from gongkai.document import Position
from gongkai.model import Evidence, EvidenceCell, Finding
from gongkai.orgs.registry import guess_kind
from gongkai.standard.labels import int_if_whole

DUPLICATE_THRESHOLD = 0.8
MIN_HASHES = 20  # fewer sampled shingles (≈ 80 characters of prose) say nothing about copying
ROLLUP_TABLES = ("requests", "appeals")  # a district's stocks (proactive table) are not its departments' sum
GOVERNMENT_LEVELS = ("province", "city", "district", "county")


class _NotAssessable:
    """Marker for a value that cannot be compared (a text cell, or a cell the record does not have)."""

    def __repr__(self) -> str:
        return "NOT_ASSESSABLE"


NOT_ASSESSABLE = _NotAssessable()


def count_value(value: Any) -> int | float | _NotAssessable:
    """A cell as a number for comparisons: blank and n/a are 0, numbers themselves, anything else not assessable."""
    if value is None or value == "n/a":
        return 0
    number = as_number(value)
    return NOT_ASSESSABLE if number is None else number


def position_of(stored: Mapping[str, Any] | None) -> Position | None:
    """The stored position dict ({"line":…, "page":…, "bbox":…}) as a :class:`Position`."""
    if not stored:
        return None
    bbox = stored.get("bbox")
    return Position(
        int(stored.get("line") or 0),
        int(stored.get("column") or 0),
        int(stored.get("offset") or 0),
        int(stored.get("length") or 0),
        stored.get("page"),
        tuple(bbox) if bbox else None,
        stored.get("dom_path"),
        stored.get("confidence"),
    )


def _evidence_cell(rec: ReportRecord, cell_id: str) -> EvidenceCell:
    value = rec.cells.get(cell_id)
    return EvidenceCell(cell_id, _printed(value), value, position_of(rec.positions.get(cell_id)))


def _printed(value: Any) -> str | None:
    if value is None:
        return None
    return "/" if value == "n/a" else (fmt_number(value) if isinstance(value, (int, float)) else str(value))


def _shown(value: Any) -> str:
    """A value as a message shows it."""
    if value is None:
        return "空白"
    if value == "n/a":
        return "“/”"
    return fmt_number(value) if isinstance(value, (int, float)) else f"“{value}”"


def _year(rec: ReportRecord) -> str:
    return f"{rec.year}年度" if rec.year is not None else "年度不明的"


def _difference(a: float, b: float) -> int | float:
    d = a - b
    if isinstance(d, float):  # amounts have at most four decimals: drop the binary noise of the subtraction
        return int_if_whole(round(d, 4))
    return d


# ---------------------------------------------------------------------------------------------------- carry-over


def carry_over_findings(this: ReportRecord, last: ReportRecord) -> list[Finding]:
    """CARRY-OVER-MISMATCH: this year's 上年结转 vs last year's 结转下年度继续办理, one finding per differing column.

    The caller pairs records of the same body, consecutive years and the same roll-up flag; blank and n/a
    count as 0, a text cell on either side leaves that column unassessed."""
    if this.year is not None and last.year is not None and this.year != last.year + 1:
        raise ValueError(f"carry-over compares consecutive years, got {last.year} and {this.year}")
    out: list[Finding] = []
    for pair in carry_pairs(format_or_default(this.format, this.year).id, format_or_default(last.format, last.year).id):
        if pair.this_cell not in this.cells or pair.last_cell not in last.cells:
            continue  # a table the parser did not find: nothing stated to compare
        raw_mine, raw_prev = this.cells[pair.this_cell], last.cells[pair.last_cell]
        mine, prev = count_value(raw_mine), count_value(raw_prev)
        if isinstance(mine, _NotAssessable) or isinstance(prev, _NotAssessable) or same_value(mine, prev):
            continue
        message = carry_message(
            pair,
            _shown(raw_mine),
            _shown(raw_prev),
            last.year,
            this_name=f"{this.organization}{_year(this)}报告",
            last_name="",
            last_source=last.source,
        )
        out.append(
            finding(
                "CARRY-OVER-MISMATCH",
                message,
                Evidence(
                    cells=[_evidence_cell(this, pair.this_cell), _evidence_cell(last, pair.last_cell)],
                    expected=prev,
                    stated=mine,
                    difference=_difference(mine, prev),
                    formula=f"{pair.this_cell} = 上年 {pair.last_cell}",
                ),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------------- roll-up


@dataclass(frozen=True, slots=True)
class _Sum:
    total: int | float
    parts: tuple[tuple[OrgNode, ReportRecord, Any], ...]  # members with a non-zero contribution


def rollup_findings(
    rollup: ReportRecord, members: Sequence[OrgNode], member_reports: Mapping[int, ReportRecord]
) -> list[Finding]:
    """ROLLUP-MISMATCH per requests/appeals cell where the roll-up differs from Σ members, and ROLLUP-INCOMPLETE.

    ``members`` are the roll-up body's direct children in the registry; ``member_reports`` holds the chosen
    report of each member that has one (keyed by organization id). With every member reported, each cell
    whose stated value ≠ the sum is a finding; with some missing, only stated < partial sum is certainly
    wrong. Totals are compared as stated (Σ members' 总计 cells), never recomputed."""
    if not members:
        return []
    # by name, not by row id: ids depend on the order bodies reached the store, the message must not
    members = sorted(members, key=lambda m: m.name)
    fmt = format_or_default(rollup.format, rollup.year)
    reported = [(m, member_reports[m.id]) for m in members if m.id in member_reports]
    missing = [m for m in members if m.id not in member_reports]
    summed = f"已汇总 {len(reported)}/{len(members)} 个成员机关的报告"
    out: list[Finding] = []
    if missing:
        names = "、".join(m.name for m in missing[:10]) + (f"等{len(missing)}个" if len(missing) > 10 else "")
        out.append(
            finding(
                "ROLLUP-INCOMPLETE",
                (
                    f"{rollup.organization}{_year(rollup)}汇总报告：{summed}，缺少{names}的报告；"
                    f"汇总数只与已有报告之和比较，小于该和的才报告为错误"
                ),
                Evidence(expected=len(members), stated=len(reported), text="、".join(m.name for m in missing)),
            )
        )
    for table in ROLLUP_TABLES:
        for cid in fmt.cells_of(table):
            if cid not in rollup.cells:
                continue
            stated = count_value(rollup.cells[cid])
            if isinstance(stated, _NotAssessable):
                continue
            total = _member_sum(cid, reported)
            if total is None or same_value(stated, total.total):
                continue
            if missing and not stated < total.total:
                continue
            out.append(_rollup_finding(rollup, fmt, cid, stated, total, summed, bool(missing)))
    return out


def _member_sum(cell_id: str, reported: Sequence[tuple[OrgNode, ReportRecord]]) -> _Sum | None:
    """Σ of a cell over the members' reports; None when a member's cell is text or absent (not assessable)."""
    total: int | float = 0
    parts = []
    for node, rec in reported:
        if cell_id not in rec.cells:  # the member's table (or that row, in its format) was not found
            return None
        v = count_value(rec.cells[cell_id])
        if isinstance(v, _NotAssessable):
            return None
        total += v
        if v:
            parts.append((node, rec, rec.cells[cell_id]))
    return _Sum(total, tuple(parts))


def _rollup_finding(rollup: ReportRecord, fmt, cid: str, stated, total: _Sum, summed: str, partial: bool) -> Finding:
    row, col = cell_parts(fmt, cid)
    where = f"{row}的“{col}”列" if col else row
    relation = "小于" if partial else "不等于"
    message = (
        f"{rollup.organization}{_year(rollup)}汇总报告{where}为{_shown(rollup.cells[cid])}，"
        f"{relation}各成员机关报告之和{fmt_number(total.total)}（{summed}）"
    )
    breakdown = "；".join(f"{node.name} {_shown(raw)}（{rec.source}）" for node, rec, raw in total.parts)
    cells = [_evidence_cell(rollup, cid)] + [_evidence_cell(rec, cid) for _, rec, _ in total.parts]
    return finding(
        "ROLLUP-MISMATCH",
        message,
        Evidence(
            cells=cells,
            expected=total.total,
            stated=stated,
            difference=_difference(stated, total.total),
            text=breakdown or None,
            formula=f"{cid} = Σ 成员机关 {cid}",
        ),
    )


# ---------------------------------------------------------------------------------------------------- late


def publication_deadline(rec: ReportRecord) -> date | None:
    """(year+1)-03-31 for a 县级以上 government's own report (条例第五十条), else (year+1)-01-31 (第四十九条)."""
    if rec.year is None:
        return None
    kind, level = rec.body_kind, rec.body_level
    if kind is None:  # a body not in the registry: what its name says
        kind, level = guess_kind(rec.organization)
    if kind == "government" and level in GOVERNMENT_LEVELS:
        return date(rec.year + 1, 3, 31)
    return date(rec.year + 1, 1, 31)


def late_publication_finding(rec: ReportRecord) -> Finding | None:
    """LATE-PUBLICATION when the report was published after its statutory deadline."""
    deadline = publication_deadline(rec)
    if deadline is None or rec.published is None or rec.published <= deadline:
        return None
    days = (rec.published - deadline).days
    article = "第五十条" if deadline.month == 3 else "第四十九条"
    message = (
        f"{rec.organization}{rec.year}年度报告的公布日期为{_date(rec.published)}，"
        f"晚于《政府信息公开条例》{article}规定的{_date(deadline)}，逾期{days}天"
    )
    return finding(
        "LATE-PUBLICATION",
        message,
        Evidence(expected=deadline.isoformat(), stated=rec.published.isoformat(), difference=days),
    )


def _date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# ---------------------------------------------------------------------------------------------------- duplicates


def similarity(a: frozenset[int], b: frozenset[int]) -> float | None:
    """|A∩B| / min(|A|,|B|); None when either fingerprint has fewer than 20 hashes (too little prose)."""
    if len(a) < MIN_HASHES or len(b) < MIN_HASHES:
        return None
    return len(a & b) / min(len(a), len(b))


def duplicate_finding(
    this: ReportRecord, other: ReportRecord, relation: Literal["previous_year", "sibling"]
) -> Finding | None:
    """DUPLICATE-CONTENT on ``this`` when its prose (一、五、六) largely repeats ``other``'s.

    ``previous_year``: ``other`` is the same body's report of the year before (the finding goes on the later
    report); ``sibling``: ``other`` is another body under the same parent, same year (call it both ways to put
    a finding on each)."""
    sim = similarity(this.prose, other.prose)
    if sim is None or sim < DUPLICATE_THRESHOLD:
        return None
    pct = f"{sim:.0%}"
    if relation == "previous_year":
        message = (
            f"{this.organization}{_year(this)}报告第一、五、六部分的文字与本机关{_year(other)}报告"
            f"（{other.source}）约{pct}相同，疑似照抄上年报告"
        )
    else:
        message = (
            f"{this.organization}{_year(this)}报告第一、五、六部分的文字与同级机关{other.organization}"
            f"{_year(other)}报告（{other.source}）约{pct}相同，疑似相互照抄"
        )
    return finding(
        "DUPLICATE-CONTENT",
        message,
        Evidence(
            expected=DUPLICATE_THRESHOLD,
            stated=round(sim, 3),
            text=other.source,
            formula="|A∩B| / min(|A|,|B|)（第一、五、六部分的字符5-gram抽样指纹）",
        ),
    )


__all__ = [
    "DUPLICATE_THRESHOLD",
    "MIN_HASHES",
    "NOT_ASSESSABLE",
    "carry_over_findings",
    "count_value",
    "duplicate_finding",
    "late_publication_finding",
    "position_of",
    "publication_deadline",
    "rollup_findings",
    "similarity",
]
