"""Lattice tables: ruling lines → grids (merged cells where an inner line is missing) → tables."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise

from gongkai.readers.blocks import BBox, Source, Table, TableCell
from gongkai.readers.geometry.lines import group_lines, min_conf
from gongkai.readers.geometry.words import Ruling, Word

# ----------------------------------------------------------------------------------------- lattice tables

SNAP = 3.0  # positions closer than this (points) are one grid line; double borders collapse


def cluster(values: list[float], tol: float) -> list[float]:
    """Sorted cluster centres of ``values``: neighbours closer than ``tol`` are one position."""
    if not values:
        return []
    values = sorted(values)
    out: list[list[float]] = [[values[0]]]
    for v in values[1:]:
        if v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def nearest(centres: list[float], v: float) -> int:
    i = bisect_right(centres, v)
    if i == 0:
        return 0
    if i == len(centres):
        return i - 1
    return i if centres[i] - v < v - centres[i - 1] else i - 1


def _merge_rulings(rulings: list[Ruling]) -> list[Ruling]:
    """Collinear touching pieces joined into one line: Word and LibreOffice draw every cell edge separately,
    and fewer, longer lines make the grid cheaper to build (coverage is unchanged)."""
    out: list[Ruling] = []
    hs = sorted((r for r in rulings if r.horizontal), key=lambda r: (round((r.top + r.bottom) / 2, 0), r.x0))
    vs = sorted((r for r in rulings if not r.horizontal), key=lambda r: (round((r.x0 + r.x1) / 2, 0), r.top))
    for r in hs:
        last = out[-1] if out else None
        if (
            last is not None
            and last.horizontal
            and abs((last.top + last.bottom) - (r.top + r.bottom)) < 1.0
            and r.x0 <= last.x1 + 1.0
        ):
            out[-1] = Ruling(last.x0, min(last.top, r.top), max(last.x1, r.x1), max(last.bottom, r.bottom), r.page)
        else:
            out.append(r)
    n_h = len(out)
    for r in vs:
        last = out[-1] if len(out) > n_h else None
        if last is not None and abs((last.x0 + last.x1) - (r.x0 + r.x1)) < 1.0 and r.top <= last.bottom + 1.0:
            out[-1] = Ruling(min(last.x0, r.x0), last.top, max(last.x1, r.x1), max(last.bottom, r.bottom), r.page)
        else:
            out.append(r)
    return out


def _components(rulings: list[Ruling], tol: float) -> list[list[Ruling]]:
    """Groups of rulings that touch each other (one group per table)."""
    n = len(rulings)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs = [i for i, r in enumerate(rulings) if r.horizontal]
    vs = [i for i, r in enumerate(rulings) if not r.horizontal]
    # horizontals sorted by y so each vertical only looks at the ones within its own height
    hs.sort(key=lambda i: rulings[i].top)
    h_ys = [(rulings[i].top + rulings[i].bottom) / 2 for i in hs]
    for vi in vs:
        v = rulings[vi]
        vx = (v.x0 + v.x1) / 2
        lo = bisect_right(h_ys, v.top - tol - 0.001)
        hi = bisect_right(h_ys, v.bottom + tol)
        for k in range(lo, hi):
            h = rulings[hs[k]]
            if h.x0 - tol <= vx <= h.x1 + tol:
                parent[find(vi)] = find(hs[k])
    groups: dict[int, list[Ruling]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(rulings[i])
    return list(groups.values())


@dataclass(slots=True)
class _Grid:
    xs: list[float]
    ys: list[float]
    cells: list[tuple[int, int, int, int]] = field(default_factory=list)  # row, col, rowspan, colspan
    row_cuts: list[list[float]] = field(default_factory=list)  # per row: x of the column lines drawn in it

    @property
    def bbox(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])


def _merge(intervals: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """Overlapping intervals merged: (starts, ends), sorted, for :func:`_covers`."""
    starts: list[float] = []
    ends: list[float] = []
    for a, b in sorted(intervals):
        if ends and a <= ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def _covers(merged: tuple[list[float], list[float]], v: float) -> bool:
    starts, ends = merged
    i = bisect_right(starts, v) - 1
    return i >= 0 and v <= ends[i]


def _covered(merged: tuple[list[float], list[float]], values: list[float]) -> list[bool]:
    """:func:`_covers` for each of ``values``; a line drawn in one piece (the usual case) is two comparisons."""
    starts, ends = merged
    if not starts:
        return [False] * len(values)
    if len(starts) == 1:
        a, b = starts[0], ends[0]
        return [a <= v <= b for v in values]
    return [_covers(merged, v) for v in values]


def _grid(group: list[Ruling]) -> _Grid | None:
    hs = [r for r in group if r.horizontal]
    vs = [r for r in group if not r.horizontal]
    if len(hs) < 2 or len(vs) < 2:
        return None
    xs = cluster([(r.x0 + r.x1) / 2 for r in vs], SNAP)
    ys = cluster([(r.top + r.bottom) / 2 for r in hs], SNAP)
    # a table without outer side borders: the horizontals' ends are its edges
    left, right = min(r.x0 for r in hs), max(r.x1 for r in hs)
    if left < xs[0] - SNAP * 2:
        xs.insert(0, left)
    if right > xs[-1] + SNAP * 2:
        xs.append(right)
    top, bottom = min(r.top for r in vs), max(r.bottom for r in vs)
    if top < ys[0] - SNAP * 2:
        ys.insert(0, top)
    if bottom > ys[-1] + SNAP * 2:
        ys.append(bottom)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 1 or n_cols < 1 or n_rows * n_cols < 2:
        return None
    v_at: list[list[tuple[float, float]]] = [[] for _ in xs]
    for r in vs:
        v_at[nearest(xs, (r.x0 + r.x1) / 2)].append((r.top - SNAP, r.bottom + SNAP))
    h_at: list[list[tuple[float, float]]] = [[] for _ in ys]
    for r in hs:
        h_at[nearest(ys, (r.top + r.bottom) / 2)].append((r.x0 - SNAP, r.x1 + SNAP))
    v_cover = [_merge(iv) for iv in v_at]
    h_cover = [_merge(iv) for iv in h_at]

    # which inner lines are drawn: a column line at each row's middle, a row line at each column's middle
    mid_ys = [(ys[i] + ys[i + 1]) / 2 for i in range(n_rows)]
    mid_xs = [(xs[j] + xs[j + 1]) / 2 for j in range(n_cols)]
    v_drawn = [_covered(v_cover[k], mid_ys) for k in range(n_cols + 1)]  # per column line, per row
    h_drawn = [_covered(h_cover[i], mid_xs) for i in range(n_rows + 1)]  # per row line, per column

    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    grid = _Grid(xs, ys)
    merged = False  # most grids have no merged cell: then every cell is its own
    for i in range(n_rows):
        cuts = [xs[k] for k in range(1, n_cols) if v_drawn[k][i]]
        grid.row_cuts.append(cuts)
        if len(cuts) < n_cols - 1:  # a column line missing in this row: cells merged across it
            for j in range(n_cols - 1):
                if not v_drawn[j + 1][i]:
                    parent[find(i * n_cols + j)] = find(i * n_cols + j + 1)
                    merged = True
        below = h_drawn[i + 1]
        if i + 1 < n_rows and not all(below):  # a row line missing under this row: cells merged down
            for j in range(n_cols):
                if not below[j]:
                    parent[find(i * n_cols + j)] = find((i + 1) * n_cols + j)
                    merged = True
    if not merged:
        grid.cells = [(i, j, 1, 1) for i in range(n_rows) for j in range(n_cols)]
        return grid if len(grid.cells) >= 2 else None
    spans: dict[int, list[int]] = {}
    for i in range(n_rows):
        for j in range(n_cols):
            root = find(i * n_cols + j)
            b = spans.get(root)
            if b is None:
                spans[root] = [i, j, i, j]
            else:  # rows come in order: only the column bounds and the last row can change
                if j < b[1]:
                    b[1] = j
                b[2] = i
                if j > b[3]:
                    b[3] = j
    taken: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in sorted(spans.values()):
        if (r0, c0) in taken:  # a non-rectangular merge: the first rectangle wins
            continue
        if r0 == r1 and c0 == c1:
            taken.add((r0, c0))
        else:
            taken.update((i, j) for i in range(r0, r1 + 1) for j in range(c0, c1 + 1))
        grid.cells.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1))
    if len(grid.cells) < 2:
        return None
    return grid


def _split_word(w: Word, cuts: list[float]) -> list[Word]:
    """A word printed across a column line (cells too narrow for pdfium to see a gap) is cut there,
    assuming even character widths (digits are)."""
    x0, top, x1, bottom = w.bbox
    lo = bisect_right(cuts, x0 + 1)
    inner = [c for c in cuts[lo : bisect_right(cuts, x1 - 1, lo)]]
    if not inner:
        return [w]
    step = (x1 - x0) / len(w.text)
    out: list[Word] = []
    start = 0
    edges = [x0] + inner + [x1]
    for a, b in pairwise(edges):
        end = len(w.text) if b == x1 else max(start, min(len(w.text), round((b - x0) / step)))
        if end > start:
            out.append(Word(w.text[start:end], (x0 + start * step, top, x0 + end * step, bottom), w.page, w.confidence))
        start = end
        if a == b:
            break
    return [o for o in out if o.text.strip()] or [w]


def _cell_text(lines: list[str]) -> str:
    """The lines of a cell; a number wrapped in a narrow cell ("214" over "7") is one number again."""
    if len(lines) > 1 and all(t.isdigit() for t in lines):
        return "".join(lines)
    return "\n".join(lines)


def _lattice_table(grid: _Grid, words: list[Word], page_no: int) -> tuple[Table, list[Word]]:
    """The table of ``grid`` and the words outside it."""
    xs, ys = grid.xs, grid.ys
    n_cols = len(xs) - 1
    n_slots = (len(ys) - 1) * n_cols
    if len(grid.cells) == n_slots:  # no merged cell: the cells are the grid's slots in row order
        owner = list(range(n_slots))
    else:
        owner = [0] * n_slots
        for k, (r, c, rs, cs) in enumerate(grid.cells):
            for i in range(r, r + rs):
                for j in range(c, c + cs):
                    owner[i * n_cols + j] = k
    inside: list[list[Word]] = [[] for _ in grid.cells]
    rest: list[Word] = []
    split = 0
    x_lo, y_lo, x_hi, y_hi = grid.bbox
    last_row, last_col = len(ys) - 2, n_cols - 1
    row_cuts = grid.row_cuts
    for w in words:
        x0, top, x1, bottom = w.bbox
        cx, cy = (x0 + x1) / 2, (top + bottom) / 2
        if not (x_lo <= cx <= x_hi and y_lo <= cy <= y_hi):
            rest.append(w)
            continue
        i = min(max(bisect_right(ys, cy) - 1, 0), last_row)
        cuts = row_cuts[i]
        if len(w.text) > 1:
            # _split_word cuts only at a column line strictly inside the word: look for one first
            lo = bisect_right(cuts, x0 + 1)
            if lo < len(cuts) and cuts[lo] <= x1 - 1:
                parts = _split_word(w, cuts)
                split += len(parts) > 1
                for p in parts:
                    pcx = (p.bbox[0] + p.bbox[2]) / 2
                    j = min(max(bisect_right(xs, pcx) - 1, 0), last_col)
                    inside[owner[i * n_cols + j]].append(p)
                continue
        j = min(max(bisect_right(xs, cx) - 1, 0), last_col)
        inside[owner[i * n_cols + j]].append(w)
    cells: list[TableCell] = []
    for k, (r, c, rs, cs) in enumerate(grid.cells):
        ws = inside[k]
        bbox = (xs[c], ys[r], xs[c + cs], ys[r + rs])
        if not ws:  # most cells of a report's tables are empty or hold one word
            text, conf = "", None
        elif len(ws) == 1:
            text, conf = ws[0].text, ws[0].confidence
        else:
            # the words are known to lie inside this cell: glyph runs closer than a space are one word
            text = _cell_text([ln.tight_text() for ln in group_lines(ws)])
            conf = min_conf(ws)
        cells.append(TableCell(r, c, text, rs, cs, Source(page_no, bbox, None, conf)))  # positional: faster
    table = Table(cells, Source(page=page_no, bbox=grid.bbox), method="lattice")
    if split:
        table.repaired("values_split", split)
    return table, rest


def lattice_tables(
    words: list[Word], rulings: list[Ruling], page_no: int
) -> tuple[list[tuple[float, Table]], list[Word]]:
    """Tables drawn with ruling lines (with their top edge) and the words outside them."""
    out: list[tuple[float, Table]] = []
    rest = words
    rulings = _merge_rulings([r for r in rulings if max(r.x1 - r.x0, r.bottom - r.top) >= 2.0])
    for group in _components(rulings, SNAP):
        grid = _grid(group)
        if grid is None:
            continue
        table, rest = _lattice_table(grid, rest, page_no)
        if any(c.text.strip() for c in table.cells):
            out.append((grid.ys[0], table))
    return out, rest


__all__ = ["SNAP", "cluster", "lattice_tables", "nearest"]
