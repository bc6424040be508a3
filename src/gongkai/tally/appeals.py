"""Table 四 from a register of 行政复议 / 行政诉讼 cases.

The year's cases are those received (立案/收到) in the year. Each is counted in its group (行政复议, 行政诉讼
未经复议直接起诉, 行政诉讼复议后起诉) under its outcome as at 31 December: 结果维持 / 结果纠正 / 其他结果 when
it was concluded by then, 尚未审结 when it was not (no outcome, or a 结案日期 after the year). The 总计 column is
their sum. Rows that cannot be classified are listed with the reason and not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from gongkai.standard import get_format
from gongkai.tally.mapping import (
    appeal_kind_lookup,
    appeal_result_lookup,
    norm,
    strip_ordinal,
    strip_remarks,
)
from gongkai.tally.register import Cell, Register, RegisterRow, cell_text
from gongkai.tally.requests import row_dates
from gongkai.tally.result import LeftOut, TallyResult

OUTCOMES = ("upheld", "corrected", "other")


@lru_cache(maxsize=1024)
def classify_kind(text: str) -> str | None:
    """Group id of table 四 for a case type as written, or None (also for a bare “行政诉讼”)."""
    lookup = appeal_kind_lookup()
    k = norm(text)
    return lookup.get(k) or lookup.get(strip_ordinal(k)) or lookup.get(norm(strip_remarks(text)))


@lru_cache(maxsize=1024)
def classify_outcome(text: str) -> str | None:
    """Column id of table 四 for an outcome as written (empty → pending), or None."""
    if not text.strip():
        return "pending"
    lookup = appeal_result_lookup()
    k = norm(text)
    return lookup.get(k) or lookup.get(strip_ordinal(k)) or lookup.get(norm(strip_remarks(text)))


def classify_case(row: RegisterRow, year: int, *, has_closing_dates: bool = True) -> tuple[str, str] | LeftOut | None:
    """(group id, column id) of a case for ``year``; None when it was not received in the year; LeftOut when
    it cannot be classified. ``has_closing_dates``: the register has a 结案日期 column (without one an
    outcome is taken as reached within the year)."""
    v = row.values
    ident = cell_text(v.get("id"))
    dates = row_dates(row, year, "收到日期", "结案日期")
    if isinstance(dates, LeftOut):
        return dates
    received, closed = dates
    if received.year != year:
        return None
    kind_text = cell_text(v.get("kind"))
    if not kind_text:
        return LeftOut(row.line, "未填案件类型", ident)
    kind = classify_kind(kind_text)
    if kind is None:
        return LeftOut(
            row.line,
            f"案件类型“{kind_text}”无法识别（应为行政复议、行政诉讼（未经复议直接起诉）或行政诉讼（复议后起诉））",
            ident,
        )
    outcome_text = cell_text(v.get("result"))
    outcome = classify_outcome(outcome_text)
    if outcome is None:
        return LeftOut(row.line, f"审结结果“{outcome_text}”无法识别（应为维持、纠正、其他或尚未审结）", ident)
    if outcome == "pending":
        if closed is not None and closed.year == year:
            return LeftOut(row.line, f"已填结案日期 {closed} 但结果为空或“尚未审结”", ident)
        return kind, "pending"
    if closed is None:
        if has_closing_dates:
            return LeftOut(row.line, f"结果为“{outcome_text}”但未填结案日期，无法判断年底前是否审结", ident)
        return kind, outcome
    return kind, (outcome if closed.year == year else "pending")


def tally_appeals(
    rows: Register | Iterable[RegisterRow | Mapping[str, Cell]], year: int, format_id: str = "2021"
) -> TallyResult:
    """Table 四 for ``year``: every appeals cell id → count, plus the rows left out."""
    fmt = get_format(format_id)
    items: Sequence[RegisterRow | Mapping[str, Cell]]
    if isinstance(rows, Register):
        source, items, has_closing = rows.source, rows.rows, "closed" in rows.columns
    else:
        source, items, has_closing = "", list(rows), True
    values = {cid: 0 for cid in fmt.appeals_cell_ids}
    out = TallyResult("appeals", year, format_id, values, source=source)
    for n, item in enumerate(items, start=2):
        row = item if isinstance(item, RegisterRow) else RegisterRow(n, item)
        got = classify_case(row, year, has_closing_dates=has_closing)
        if got is None:
            out.outside_year += 1
        elif isinstance(got, LeftOut):
            out.left_out.append(got)
        else:
            group, col = got
            values[f"appeals.{group}.{col}"] += 1
            out.counted += 1
    for group, _, _ in fmt.appeals_groups:
        values[f"appeals.{group}.total"] = sum(values[f"appeals.{group}.{c}"] for c in (*OUTCOMES, "pending"))
    return out
