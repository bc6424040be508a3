"""The three standard tables of a rendered report as grids of cells with merges — the one place their
layout is decided, for every renderer that draws real tables (:mod:`gongkai.render.html`,
:mod:`gongkai.render.docx`).

The rows, labels and values come from :func:`gongkai.render.text.build_tables`; this module places them.
A :class:`Grid` holds the cells that *start* somewhere (their origin), each with its row/column span;
every position of the grid is covered by exactly one of them. Layouts (:data:`LAYOUTS`):

* ``official`` — the merged grid of the official form: table 二's short caption rows stretch to the right
  edge; table 三's 申请人情况 over the value columns, the column-group labels (自然人 / 法人或其他组织 …)
  over their columns, ungrouped column labels two rows high, the request note over all label columns
  and the three header rows, each group label of the rows spanning its rows, each row label stretching
  to the value columns; table 四's 行政复议 / 行政诉讼 over their columns, 未经复议直接起诉 /
  复议后起诉 over theirs, the ungrouped column labels two rows high.
* ``unmerged`` — the official grid with every merge undone: a span's text in its origin position, the
  positions it covered as empty cells — or, with ``repeat_group_labels``, the group labels of table 三
  repeated down their rows, as some sites print them.
* ``plain`` — no merges: each row of the text table left-aligned and padded with empty cells to the
  table's width, as tables typed row by row look.

Cell kinds: ``header`` heads other cells (captions, column headers, and table 三's group labels, which
head their rows); ``label`` is a row's own label; ``value`` a value (or an empty value position).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from gongkai.render.text import Table, TRow
from gongkai.standard import Format

Kind = Literal["header", "label", "value"]
LAYOUTS: tuple[str, ...] = ("official", "unmerged", "plain")
_HEAD_ROWS = 3  # header rows of tables 三 and 四: their data rows start below these


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    text: str
    kind: Kind
    rowspan: int = 1
    colspan: int = 1

    def positions(self) -> list[tuple[int, int]]:
        """The grid positions this cell covers, its origin first."""
        return [
            (r, c) for r in range(self.row, self.row + self.rowspan) for c in range(self.col, self.col + self.colspan)
        ]


@dataclass(frozen=True)
class Grid:
    """A table as its origin cells in row-major order; together they cover the grid exactly once."""

    name: str  # proactive | requests | appeals
    n_rows: int
    n_cols: int
    n_labels: int  # leading label columns (table 三: one per nesting level of group labels, plus the row label)
    cells: tuple[GridCell, ...]

    def __post_init__(self) -> None:
        # every renderer relies on this invariant; a layout bug must fail here, not as a skewed table
        seen: set[tuple[int, int]] = set()
        for c in self.cells:
            for pos in c.positions():
                if pos in seen or not (0 <= pos[0] < self.n_rows and 0 <= pos[1] < self.n_cols):
                    raise ValueError(f"{self.name}: cell {c} overlaps another or leaves the grid")
                seen.add(pos)
        if len(seen) != self.n_rows * self.n_cols:
            raise ValueError(f"{self.name}: {self.n_rows * self.n_cols - len(seen)} positions are not covered")
        if list(self.cells) != sorted(self.cells, key=lambda c: (c.row, c.col)):
            raise ValueError(f"{self.name}: cells are not in row-major order")

    @property
    def n_head(self) -> int:
        """The number of leading rows made only of headers."""
        rows = self.rows()
        return next((i for i, row in enumerate(rows) if any(c.kind != "header" for c in row)), len(rows))

    def rows(self) -> list[list[GridCell]]:
        """For each row, the cells that start in it, left to right."""
        out: list[list[GridCell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row].append(c)
        return out

    def covered(self) -> dict[tuple[int, int], GridCell]:
        """Each position inside a span other than its origin, with the spanning cell."""
        return {pos: c for c in self.cells for pos in c.positions()[1:]}


def _grid(name: str, n_labels: int, cells: list[GridCell]) -> Grid:
    cells.sort(key=lambda c: (c.row, c.col))
    n_rows = max(c.row + c.rowspan for c in cells)
    n_cols = max(c.col + c.colspan for c in cells)
    return Grid(name, n_rows, n_cols, n_labels, tuple(cells))


def _kind(row: TRow, i: int) -> Kind:
    """The kind of the ``i``-th cell of a text-table row."""
    if row.kind != "data" or i < row.n_labels - 1:
        return "header"
    return "label" if i == row.n_labels - 1 else "value"


# ---------------------------------------------------------------------------------------------------- official


def _proactive(table: Table) -> Grid:
    width = table.width
    cells = []
    for r, row in enumerate(table.rows):
        n = len(row.cells)
        for c, text in enumerate(row.cells):
            span = width - n + 1 if c == n - 1 else 1  # a short row's last cell stretches to the right edge
            cells.append(GridCell(r, c, text, _kind(row, c), colspan=span))
    return _grid(table.name, 1, cells)


def _requests(table: Table, fmt: Format) -> Grid:
    headers = [row for row in table.rows if row.kind == "header"]
    data = [row for row in table.rows if row.kind == "data"]
    n_values = len(data[0].cells) - data[0].n_labels

    # Label columns: a group label sits in the column of its nesting depth and spans its rows; the row
    # label sits right of the groups open on its row and stretches to the value columns.
    groups_at: list[tuple[int, int, str, int]] = []  # (row, col, text, rowspan) of the group labels
    labels_at: list[tuple[int, int, str]] = []  # (row, col, text) of the row labels
    open_groups: list[int] = []  # rows still to cover, for each group open on this row, outermost first
    for r, row in enumerate(data, start=_HEAD_ROWS):
        open_groups = [n for n in open_groups if n > 0]
        for text, span in zip(row.cells[: row.n_labels - 1], row.spans):
            groups_at.append((r, len(open_groups), text, span))
            open_groups.append(span)
        labels_at.append((r, len(open_groups), row.cells[row.n_labels - 1]))
        open_groups = [n - 1 for n in open_groups]
    n_labels = max(col for _, col, _ in labels_at) + 1
    cells = [GridCell(r, c, t, "header", rowspan=span) for r, c, t, span in groups_at]
    cells += [GridCell(r, c, t, "label", colspan=n_labels - c) for r, c, t in labels_at]
    cells += [
        GridCell(r, n_labels + j, t, "value")
        for r, row in enumerate(data, start=_HEAD_ROWS)
        for j, t in enumerate(row.cells[row.n_labels :])
    ]

    groups = dict(fmt.request_column_groups)  # group label -> its nested column ids
    note, applicants = headers[0].cells
    cells += [
        GridCell(0, 0, note, "header", rowspan=_HEAD_ROWS, colspan=n_labels),
        GridCell(0, n_labels, applicants, "header", colspan=n_values),
    ]
    col, nested = n_labels, iter(headers[2].cells)
    for name in headers[1].cells:
        if name in groups:
            k = len(groups[name])
            cells.append(GridCell(1, col, name, "header", colspan=k))
            cells.extend(GridCell(2, col + j, next(nested), "header") for j in range(k))
            col += k
        else:
            cells.append(GridCell(1, col, name, "header", rowspan=2))
            col += 1
    return _grid(table.name, n_labels, cells)


def _appeals(table: Table, fmt: Format) -> Grid:
    k = len(fmt.appeals_columns)
    parts = [(path.split("/")[0], "/" in path) for _, _, path in fmt.appeals_groups]
    top, middle, bottom, data = (row.cells for row in table.rows)
    cells = []
    col = 0
    for name in top:
        span = k * sum(1 for t, _ in parts if t == name)
        cells.append(GridCell(0, col, name, "header", colspan=span))
        col += span
    col, mid, low = 0, iter(middle), iter(bottom)
    for _, is_nested in parts:
        if is_nested:  # a group under its top header: its label over its columns, the column labels below
            cells.append(GridCell(1, col, next(mid), "header", colspan=k))
            cells.extend(GridCell(2, col + j, next(low), "header") for j in range(k))
        else:
            cells.extend(GridCell(1, col + j, next(mid), "header", rowspan=2) for j in range(k))
        col += k
    cells.extend(GridCell(_HEAD_ROWS, j, t, "value") for j, t in enumerate(data))
    return _grid(table.name, 0, cells)


def official(table: Table, fmt: Format) -> Grid:
    """``table`` (from :func:`~gongkai.render.text.build_tables`) merged as in the official form."""
    builders = {
        "proactive": lambda: _proactive(table),
        "requests": lambda: _requests(table, fmt),
        "appeals": lambda: _appeals(table, fmt),
    }
    return builders[table.name]()


# ---------------------------------------------------------------------------------------------------- variants


def unmerged(grid: Grid, *, repeat_group_labels: bool = False) -> Grid:
    """Every merge of ``grid`` undone: a span's text stays in its origin, the positions it covered become
    empty cells of its kind — except, with ``repeat_group_labels``, those below a group label of the rows,
    which repeat it."""
    n_head = grid.n_head
    cells = [replace(c, rowspan=1, colspan=1) for c in grid.cells]
    for (r, k), by in grid.covered().items():
        # a header spanning rows below the column headers is a group label of the rows (table 三)
        repeat = repeat_group_labels and by.kind == "header" and by.row >= n_head and r > by.row
        cells.append(GridCell(r, k, by.text if repeat else "", by.kind))
    return _grid(grid.name, grid.n_labels, cells)


def plain(table: Table) -> Grid:
    """No merges: each row of ``table`` left-aligned, padded with empty cells to the table's width."""
    width = table.width
    cells: list[GridCell] = []
    for r, row in enumerate(table.rows):
        cells.extend(GridCell(r, c, t, _kind(row, c)) for c, t in enumerate(row.cells))
        pad: Kind = "header" if row.kind != "data" else "value"
        cells.extend(GridCell(r, c, "", pad) for c in range(len(row.cells), width))
    labels = max((row.n_labels for row in table.rows if row.kind == "data"), default=0)
    return _grid(table.name, labels, cells)


def layout_tables(
    tables: dict[str, Table], fmt: Format, layout: str, *, repeat_group_labels: bool = False
) -> dict[str, Grid]:
    """The tables of :func:`~gongkai.render.text.build_tables` as grids in ``layout`` (see :data:`LAYOUTS`)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown grid layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if layout == "plain":
        return {name: plain(t) for name, t in tables.items()}
    grids = {name: official(t, fmt) for name, t in tables.items()}
    if layout == "unmerged":
        return {name: unmerged(g, repeat_group_labels=repeat_group_labels) for name, g in grids.items()}
    return grids


__all__ = ["LAYOUTS", "Grid", "GridCell", "Kind", "layout_tables", "official", "plain", "unmerged"]
