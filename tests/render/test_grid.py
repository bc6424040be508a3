"""The grid model and layouts of gongkai.render.grid: every layout covers its grid exactly once, keeps every
text of the text tables in reading order, and the official layout merges what the official form merges
(table 三's group labels over exactly their rows, the column groups over their columns)."""

from __future__ import annotations

import random

import pytest

from gongkai.examples.generate import random_spec
from gongkai.render.grid import (
    LAYOUTS,
    Grid,
    GridCell,
    layout_tables,
    official,
    unmerged,
)
from gongkai.render.text import Style, Table, build_tables
from gongkai.standard import Format

FORMATS = ("2021", "2019")
SEEDS = range(6)


def _tables(format_id: str, seed: int, style: Style | None = None) -> tuple[dict[str, Table], Format]:
    rng = random.Random(seed)
    spec = random_spec(rng, format_id)
    return build_tables(spec, style or Style.draw(rng), rng), spec.format


def _all_grids(format_id: str, seed: int) -> list[tuple[str, Grid, dict[str, Table]]]:
    tables, fmt = _tables(format_id, seed)
    out = [(layout, g, tables) for layout in LAYOUTS for g in layout_tables(tables, fmt, layout).values()]
    out += [("repeat", g, tables) for g in layout_tables(tables, fmt, "unmerged", repeat_group_labels=True).values()]
    return out


@pytest.mark.parametrize("format_id", FORMATS)
def test_spans_cover_the_grid_exactly_once(format_id: str) -> None:
    for seed in SEEDS:
        for layout, grid, _ in _all_grids(format_id, seed):
            count: dict[tuple[int, int], int] = {}
            for c in grid.cells:
                assert c.rowspan >= 1 and c.colspan >= 1
                for r in range(c.row, c.row + c.rowspan):
                    for k in range(c.col, c.col + c.colspan):
                        count[(r, k)] = count.get((r, k), 0) + 1
            where = f"{format_id} seed={seed} {layout} {grid.name}"
            assert set(count) == {(r, k) for r in range(grid.n_rows) for k in range(grid.n_cols)}, where
            assert set(count.values()) == {1}, where
            assert [(c.row, c.col) for c in grid.cells] == sorted((c.row, c.col) for c in grid.cells), where
            # origin cells + covered positions = the whole grid
            assert len(grid.cells) + len(grid.covered()) == grid.n_rows * grid.n_cols, where
            if layout != "official":
                assert all(c.rowspan == c.colspan == 1 for c in grid.cells), where


@pytest.mark.parametrize("format_id", FORMATS)
def test_every_layout_keeps_the_texts_in_reading_order(format_id: str) -> None:
    for seed in SEEDS:
        for layout, grid, tables in _all_grids(format_id, seed):
            if layout == "repeat":
                continue
            expected = [t for row in tables[grid.name].rows for t in row.cells if t]
            assert [c.text for c in grid.cells if c.text] == expected, f"{format_id} {seed} {layout} {grid.name}"


@pytest.mark.parametrize("format_id", FORMATS)
def test_value_cells_are_the_format_cells(format_id: str) -> None:
    tables, fmt = _tables(format_id, 1)
    grids = layout_tables(tables, fmt, "official")
    values = {name: [c for c in g.cells if c.kind == "value"] for name, g in grids.items()}
    assert sum(len(v) for v in values.values()) == len(fmt.cell_ids)
    assert len(values["appeals"]) == len(fmt.appeals_cell_ids)
    for name, cells in values.items():  # values sit below the column headers, right of the row labels
        assert all(c.row >= grids[name].n_head and c.col >= grids[name].n_labels for c in cells), name


@pytest.mark.parametrize("format_id", FORMATS)
def test_header_rows_and_label_columns(format_id: str) -> None:
    tables, fmt = _tables(format_id, 2)
    depth = max(len(_chain(fmt, r.group)) for r in fmt.request_rows)
    for layout in LAYOUTS:
        grids = layout_tables(tables, fmt, layout)
        assert [grids[n].n_head for n in ("proactive", "requests", "appeals")] == [2, 3, 3], layout
        assert grids["proactive"].n_labels == 1
        # plain rows carry only the group labels they open, so their label columns are ragged
        ragged = max(r.n_labels for r in tables["requests"].rows if r.kind == "data")
        assert grids["requests"].n_labels == (ragged if layout == "plain" else depth + 1), layout
        assert grids["appeals"].n_labels == 0


def _chain(fmt: Format, group_id: str | None) -> list[str]:
    return [g.id for g in fmt.group_chain(group_id)]


@pytest.mark.parametrize("format_id", FORMATS)
def test_request_group_labels_span_their_rows(format_id: str) -> None:
    tables, fmt = _tables(format_id, 3, Style())  # the default style prints the format's own labels
    grid = official(tables["requests"], fmt)
    head = grid.n_head
    by_label = {c.text: c for c in grid.cells if c.row >= head and c.kind == "header"}
    assert len(by_label) == len(fmt.request_groups)
    for g in fmt.request_groups:
        cell = by_label[g.label]
        members = [i for i, r in enumerate(fmt.request_rows) if g.id in _chain(fmt, r.group)]
        assert members == list(range(members[0], members[-1] + 1)), "a group's rows are contiguous"
        assert (cell.row - head, cell.rowspan) == (members[0], len(members)), g.id
        assert (cell.col, cell.colspan) == (len(_chain(fmt, g.id)) - 1, 1), g.id
    # each row label sits right of its groups and stretches to the first value column
    labels = [c for c in grid.cells if c.kind == "label"]
    assert [c.text for c in labels] == [r.label for r in fmt.request_rows]
    for c, r in zip(labels, fmt.request_rows):
        assert (c.col, c.col + c.colspan) == (len(_chain(fmt, r.group)), grid.n_labels)
    # the column groups (自然人 …) over their nested columns, the others two rows high
    groups = dict(fmt.request_column_groups)
    for c in grid.cells:
        if c.row == 1:
            assert (c.rowspan, c.colspan) == ((1, len(groups[c.text])) if c.text in groups else (2, 1)), c
    note, applicants = grid.rows()[0]
    assert (note.rowspan, note.colspan) == (3, grid.n_labels)
    assert (applicants.col, applicants.colspan) == (grid.n_labels, grid.n_cols - grid.n_labels)


@pytest.mark.parametrize("format_id", FORMATS)
def test_unmerged_repeats_group_labels_only_down_their_rows(format_id: str) -> None:
    tables, fmt = _tables(format_id, 4)
    for name, table in tables.items():
        merged = official(table, fmt)
        bare, repeated = unmerged(merged), unmerged(merged, repeat_group_labels=True)
        at = {(c.row, c.col): c.text for c in repeated.cells}
        for (r, k), by in merged.covered().items():
            assert next(c for c in bare.cells if (c.row, c.col) == (r, k)).text == ""
            group_label = name == "requests" and by.kind == "header" and by.row >= merged.n_head
            assert at[(r, k)] == (by.text if group_label else ""), (name, r, k)


def test_official_proactive_stretches_short_rows_to_the_edge() -> None:
    tables, fmt = _tables("2021", 5)
    grid = official(tables["proactive"], fmt)
    for row in grid.rows():
        last = row[-1]
        assert last.col + last.colspan == grid.n_cols
        assert all(c.colspan == 1 for c in row[:-1])


def test_grid_rejects_overlaps_gaps_and_disorder() -> None:
    a, b = GridCell(0, 0, "a", "header", colspan=2), GridCell(0, 1, "b", "value")
    with pytest.raises(ValueError):
        Grid("t", 1, 2, 0, (a, b))  # overlap
    with pytest.raises(ValueError):
        Grid("t", 1, 3, 0, (a,))  # a position left uncovered
    with pytest.raises(ValueError):
        Grid("t", 1, 2, 0, (GridCell(0, 1, "b", "value"), GridCell(0, 0, "a", "value")))
    assert Grid("t", 1, 2, 0, (a,)).covered() == {(0, 1): a}


def test_unknown_layout_is_refused() -> None:
    tables, fmt = _tables("2021", 0)
    with pytest.raises(ValueError):
        layout_tables(tables, fmt, "rowspan")
