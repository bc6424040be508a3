"""The one per-column carry-over comparison: this year's 上年结转 against last year's 结转下年度继续办理.

Shared by the template/render pre-fill (:func:`gongkai.produce.carry_over`) and the cross-report check on
stored reports (:func:`gongkai.analysis.crosscheck.carry_over_findings`), so that both pair the same cells
and compare values the same way. What a blank cell means differs between the two (a blank in a form is
"not filled in yet", a blank in a published report is 0), so each caller turns cells into numbers itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from gongkai.standard.layout import request_layout
from gongkai.standard.formats import FORMAT_IDS, Format, get_format
from gongkai.standard.labels import format_for_year, int_if_whole

# comparisons of amounts read from print: far below any printed precision (four decimals)
_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class CarryPair:
    """One compared column: ``this_cell`` (this year's 上年结转) must equal ``last_cell`` (last year's 结转下年度)."""

    column: str  # column id: an applicant column or the 总计 column
    this_cell: str  # requests.<carried_over>.<column> in this year's format
    last_cell: str  # requests.<carried_forward>.<column> in last year's format
    this_row_label: str  # official label of this year's row, e.g. 二、上年结转政府信息公开申请数量
    last_row_label: str  # official label of last year's row, e.g. 四、结转下年度继续办理
    column_label: str  # official column label, e.g. 自然人 / 总计


@cache
def carry_pairs(this_format: str, last_format: str) -> tuple[CarryPair, ...]:
    """Every applicant column and the 总计 column, paired by column id (the two formats share them)."""
    this_fmt, last_fmt = format_or_default(this_format), format_or_default(last_format)
    lay, last_lay = request_layout(this_fmt), request_layout(last_fmt)
    return tuple(
        CarryPair(
            col,
            f"requests.{lay.carried_over}.{col}",
            f"requests.{last_lay.carried_forward}.{col}",
            this_fmt.row_label("requests", lay.carried_over),
            last_fmt.row_label("requests", last_lay.carried_forward),
            this_fmt.column_label(col),
        )
        for col in (*lay.applicant_columns, lay.total_column)
    )


def format_or_default(format_id: str | None, year: int | None = None) -> Format:
    """The format of a report; 'mixed'/'unknown' fall back on the year (before 2021 → 2019 trial format)."""
    if format_id in FORMAT_IDS:
        return get_format(format_id)
    return get_format(format_for_year(year))


def as_number(value: Any) -> int | float | None:
    """A numeric cell value (floats that are whole become ints); None for blank, n/a, text and booleans."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int_if_whole(value)


def same_value(a: Any, b: Any) -> bool:
    """Equal values; numbers compare with a tolerance far below printed precision."""
    if (
        isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return abs(a - b) < _TOLERANCE
    return bool(a == b)


def carry_message(
    pair: CarryPair,
    stated: str,
    previous: str,
    last_year: int | None,
    *,
    this_name: str = "",
    last_name: str = "",
    last_source: str = "",
) -> str:
    """“二、上年结转…”的“自然人”列填报为5，但2022年度报告“四、结转下年度继续办理”的“自然人”列为3."""
    year = f"{last_year}年度" if last_year is not None else "上年度"
    source = f"（{last_source}）" if last_source else ""
    return (
        f"{this_name}“{pair.this_row_label}”的“{pair.column_label}”列填报为{stated}，"
        f"但{last_name}{year}报告{source}“{pair.last_row_label}”的“{pair.column_label}”列为{previous}"
    )


__all__ = ["CarryPair", "as_number", "carry_message", "carry_pairs", "format_or_default", "same_value"]
