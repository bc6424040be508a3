"""The figures `gongkai stats` adds up, one row per parse and figure (table ``stats_figure``), written with the
report at ingest so that stats and the region charts read a narrow table, not every cell of every report.

Cell ids are read from the 2021 format; the cells used have the same ids in the 2019 format (only the fee
amount has no 2019 counterpart)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection, case, func, insert, literal, select

from gongkai.standard import get_format
from gongkai.standard.layout import request_layout
from gongkai.store import schema as t

FEE_CELL = "proactive.fees.amount"


@dataclass(frozen=True)
class _Ids:
    received: str
    carried_over: str
    results_total: str
    carried_forward: str
    granted: str
    partially_granted: str
    withheld: tuple[str, ...]
    appeals: dict[str, dict[str, str]]  # group -> column -> cell id

    def all(self) -> list[str]:
        out = [
            self.received,
            self.carried_over,
            self.results_total,
            self.carried_forward,
            self.granted,
            self.partially_granted,
            *self.withheld,
            FEE_CELL,
        ]
        return out + [cid for cols in self.appeals.values() for cid in cols.values()]


@cache
def cell_ids() -> _Ids:
    fmt = get_format("2021")
    lay = request_layout(fmt)

    def req(row: str) -> str:
        return f"requests.{row}.{lay.total_column}"

    withheld = tuple(req(r.id) for r in fmt.request_rows if r.group == "withheld")
    appeals = {g: {c: f"appeals.{g}.{c}" for c, _ in fmt.appeals_columns} for g, _, _ in fmt.appeals_groups}
    return _Ids(
        req(lay.received),
        req(lay.carried_over),
        req(lay.results_total),
        req(lay.carried_forward),
        req(lay.result_rows[0]),
        req(lay.result_rows[1]),
        withheld,
        appeals,
    )


# meanings of a cell with no value that count 0 (blank and "/"): the one list both forms of the rule below read
ZERO_MEANINGS = ("blank", "not_applicable")


def usable_value():
    """The one rule for a cell as a number (SQL, so the database adds up): stated, else inferred; blank and
    "/" count 0; otherwise NULL (not usable: the report is incomplete and the cell counts 0). :func:`usable` is
    its Python twin (tests check that they agree)."""
    cell = t.cell
    return case(
        (cell.c.value.is_not(None), cell.c.value),
        (cell.c.inferred_value.is_not(None), cell.c.inferred_value),
        (cell.c.meaning.in_(ZERO_MEANINGS), literal(0.0)),
        else_=None,
    )


def usable(value: float | None, inferred_value: float | None, meaning: str | None) -> float | None:
    """:func:`usable_value` for one cell in Python (the ingest worker computes a report's figures with it)."""
    if value is not None:
        return float(value)
    if inferred_value is not None:
        return float(inferred_value)
    if meaning in ZERO_MEANINGS:
        return 0.0
    return None


@cache
def _figure_ids() -> frozenset[str]:
    return frozenset(cell_ids().all())


def figure_rows(cells: list[tuple]) -> list[tuple[str, float | None]]:
    """(figure, value) rows of one report, from its cell rows as :func:`gongkai.store.rows.report_rows` builds
    them (cell_id, raw, meaning, value, unit, inferred_value, …): what :func:`store_figures` would write, without
    the database. Sorted by figure, the order the SQL form inserts them in (the cell key's order)."""
    wanted = _figure_ids()
    return sorted((row[0], usable(row[3], row[5], row[2])) for row in cells if row[0] in wanted)


def figures_from_cells(where=None):
    """INSERT … SELECT of the figures of the parses selected by ``where`` (a condition on ``cell``) from their
    stored cells — the same SQL rule for a new report and for filling in stored ones."""
    cell = t.cell
    conds = [cell.c.cell_id.in_(cell_ids().all())]
    if where is not None:
        conds.append(where)
    rows = select(cell.c.parse_id, cell.c.cell_id, usable_value()).where(*conds)
    return insert(t.stats_figure).from_select(["parse_id", "figure", "value"], rows)


def cell_figures():
    """The figures computed from the cells on the fly (what stats read before the table existed), as a
    subquery with the table's columns: the reference the stored figures are checked against."""
    cell = t.cell
    return (
        select(cell.c.parse_id, cell.c.cell_id.label("figure"), usable_value().label("value"))
        .where(cell.c.cell_id.in_(cell_ids().all()))
        .subquery("cell_figures")
    )


def store_figures(conn: Connection, parse_id: int) -> None:
    """Write one parse's figures (its cells are already written, in the same transaction)."""
    conn.execute(figures_from_cells(t.cell.c.parse_id == parse_id))


def fill_missing_figures(conn: Connection) -> int:
    """Figures for the parses stored before the table existed: every parse with no figure row yet (a parse
    whose cells include no figure simply stays without). Returns the number of figure rows written."""
    count = select(func.count()).select_from(t.stats_figure)
    before = conn.execute(count).scalar_one()
    conn.execute(figures_from_cells(t.cell.c.parse_id.not_in(select(t.stats_figure.c.parse_id))))
    return conn.execute(count).scalar_one() - before  # counted: not every driver reports INSERT … SELECT rows


__all__ = [
    "FEE_CELL",
    "cell_figures",
    "cell_ids",
    "ZERO_MEANINGS",
    "figure_rows",
    "fill_missing_figures",
    "figures_from_cells",
    "store_figures",
    "usable",
    "usable_value",
]
