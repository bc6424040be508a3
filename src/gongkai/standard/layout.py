"""The request table's structure as the format's identities define it: which columns add up to the total, which
rows are received / carried over / results / carried forward. Derived from the format data, never from labels."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.standard.formats import Format, Identity


@dataclass(frozen=True)
class RequestLayout:
    """The request table's structure as the identities define it (all ids, no labels)."""

    applicant_columns: tuple[str, ...]  # the columns that add up to the total column
    total_column: str
    received: str
    carried_over: str
    results_total: str
    carried_forward: str
    result_rows: tuple[str, ...]


def _rule(fmt: Format, rule: str) -> list[Identity]:
    return [i for i in fmt.identities if i.rule == rule]


def _part(cell_id: str, index: int) -> str:
    """'requests.withheld.state_secret.total' -> row 'withheld.state_secret' (index 1) / column 'total' (-1)."""
    row, col = cell_id.split(".", 1)[1].rsplit(".", 1)
    return row if index == 1 else col


def request_layout(fmt: Format) -> RequestLayout:
    row_total = _rule(fmt, "requests.row_total")[0]
    balance = _rule(fmt, "requests.balance")[0]
    results = _rule(fmt, "requests.results_total")[0]
    return RequestLayout(
        applicant_columns=tuple(_part(c, -1) for c in row_total.rhs),
        total_column=_part(row_total.lhs[0], -1),
        received=_part(balance.lhs[0], 1),
        carried_over=_part(balance.lhs[1], 1),
        results_total=_part(balance.rhs[0], 1),
        carried_forward=_part(balance.rhs[1], 1),
        result_rows=tuple(_part(c, 1) for c in results.rhs),
    )
