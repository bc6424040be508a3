"""Positioned words and ruling lines → paragraphs and table grids.

Shared by the PDF reader (words from the text layer) and the OCR reader (words from recognised boxes):
both hand over words with boxes and, where known, the ruling lines of tables; this module rebuilds the
reading order, the tables (from ruling lines where present, from word alignment where not) and the
paragraphs, as :mod:`gongkai.readers.blocks` blocks.

Entry points: :func:`build_blocks` for one page, :func:`layout_pages` for a whole document (it also drops
running headers repeated on every page and joins a table that continues on the next page).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise

from gongkai.readers.blocks import (
    BBox,
    Block,
    Paragraph,
    Piece,
    Source,
    Table,
    TableCell,
)


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    bbox: BBox  # x0, top, x1, bottom; origin top-left, page units (PDF points or image pixels)
    page: int  # 1-based
    confidence: float | None = None  # OCR only


@dataclass(frozen=True, slots=True)
class Ruling:
    """A horizontal or vertical table line (a thin filled rectangle or a stroked path)."""

    x0: float
    top: float
    x1: float
    bottom: float
    page: int

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


@dataclass(frozen=True, slots=True)
class PageInput:
    """Everything :func:`layout_pages` needs about one page."""

    words: list[Word]
    rulings: list[Ruling]
    size: tuple[float, float]  # width, height in the words' units
    number: int  # 1-based


# ---------------------------------------------------------------------------------------------- text lines

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f（）、，。：；“”《》]")


def _glue(left: str, right: str) -> str:
    """The separator between two words on one line: nothing between CJK text (letter-spaced labels such as
    "商 业 企 业" are one label), a space between anything else ("1 288" stays as printed)."""
    if _CJK.match(left[-1]) or _CJK.match(right[0]):
        return ""
    return " "


@dataclass(slots=True)
class TextLine:
    words: list[Word]
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def text(self) -> str:
        out = ""
        for w in self.words:
            out = out + _glue(out, w.text) + w.text if out else w.text
        return out

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def confidence(self) -> float | None:
        return _min_conf(self.words)


def _min_conf(words: list[Word]) -> float | None:
    confs = [w.confidence for w in words if w.confidence is not None]
    return min(confs) if confs else None


def group_lines(words: list[Word]) -> list[TextLine]:
    """Words → lines, top to bottom, each left to right. A word joins a line when its vertical centre lies
    within the line's band (baselines of one printed line differ by less than half a glyph height)."""
    if not words:
        return []
    ordered = sorted(words, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2)
    lines: list[TextLine] = []
    cur: TextLine | None = None
    for w in ordered:
        x0, top, x1, bottom = w.bbox
        cy = (top + bottom) / 2
        if cur is not None and cur.top <= cy <= cur.bottom:
            cur.words.append(w)
            cur.x0, cur.x1 = min(cur.x0, x0), max(cur.x1, x1)
            cur.top, cur.bottom = min(cur.top, top), max(cur.bottom, bottom)
            continue
        cur = TextLine([w], x0, top, x1, bottom)
        lines.append(cur)
    for ln in lines:
        ln.words.sort(key=lambda w: w.bbox[0])
    return lines


# ------------------------------------------------------------------------------------------- page furniture

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~～]*\d{1,4}[-—–－~～]*|第\d{1,4}页(?:[,，/]?共\d{1,4}页)?|共\d{1,4}页[,，]?第\d{1,4}页"
    r"|\d{1,4}/\d{1,4}|[Pp]age\d{1,4}(?:of\d{1,4})?)$"
)
_MARGIN = 0.12  # page numbers and running headers live in the top/bottom 12 % of a page


def is_page_number(text: str) -> bool:
    return _PAGE_NUMBER.match(re.sub(r"\s+", "", text)) is not None


def _drop_page_numbers(lines: list[TextLine], height: float) -> list[TextLine]:
    """Page numbers are the first or last line of a page, inside the margin band."""
    out = list(lines)
    for idx in (0, -1):
        if not out:
            break
        ln = out[idx]
        in_margin = ln.bottom <= height * _MARGIN or ln.top >= height * (1 - _MARGIN)
        if in_margin and is_page_number(ln.text):
            out.pop(idx)
    return out


# ----------------------------------------------------------------------------------------- lattice tables

_SNAP = 3.0  # positions closer than this (points) are one grid line; double borders collapse


def _cluster(values: list[float], tol: float) -> list[float]:
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


def _nearest(centres: list[float], v: float) -> int:
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
        if last is not None and last.horizontal and abs((last.top + last.bottom) - (r.top + r.bottom)) < 1.0 \
                and r.x0 <= last.x1 + 1.0:
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


def _grid(group: list[Ruling]) -> _Grid | None:
    hs = [r for r in group if r.horizontal]
    vs = [r for r in group if not r.horizontal]
    if len(hs) < 2 or len(vs) < 2:
        return None
    xs = _cluster([(r.x0 + r.x1) / 2 for r in vs], _SNAP)
    ys = _cluster([(r.top + r.bottom) / 2 for r in hs], _SNAP)
    # a table without outer side borders: the horizontals' ends are its edges
    left, right = min(r.x0 for r in hs), max(r.x1 for r in hs)
    if left < xs[0] - _SNAP * 2:
        xs.insert(0, left)
    if right > xs[-1] + _SNAP * 2:
        xs.append(right)
    top, bottom = min(r.top for r in vs), max(r.bottom for r in vs)
    if top < ys[0] - _SNAP * 2:
        ys.insert(0, top)
    if bottom > ys[-1] + _SNAP * 2:
        ys.append(bottom)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 1 or n_cols < 1 or n_rows * n_cols < 2:
        return None
    v_at: list[list[tuple[float, float]]] = [[] for _ in xs]
    for r in vs:
        v_at[_nearest(xs, (r.x0 + r.x1) / 2)].append((r.top - _SNAP, r.bottom + _SNAP))
    h_at: list[list[tuple[float, float]]] = [[] for _ in ys]
    for r in hs:
        h_at[_nearest(ys, (r.top + r.bottom) / 2)].append((r.x0 - _SNAP, r.x1 + _SNAP))
    v_at = [_merge(iv) for iv in v_at]
    h_at = [_merge(iv) for iv in h_at]

    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    grid = _Grid(xs, ys)
    for i in range(n_rows):
        mid_y = (ys[i] + ys[i + 1]) / 2
        grid.row_cuts.append([xs[k] for k in range(1, n_cols) if _covers(v_at[k], mid_y)])
        for j in range(n_cols):
            if j + 1 < n_cols and not _covers(v_at[j + 1], mid_y):
                parent[find(i * n_cols + j)] = find(i * n_cols + j + 1)
            if i + 1 < n_rows and not _covers(h_at[i + 1], (xs[j] + xs[j + 1]) / 2):
                parent[find(i * n_cols + j)] = find((i + 1) * n_cols + j)
    spans: dict[int, list[int]] = {}
    for i in range(n_rows):
        for j in range(n_cols):
            r = find(i * n_cols + j)
            b = spans.get(r)
            if b is None:
                spans[r] = [i, j, i, j]
            else:
                b[0], b[1] = min(b[0], i), min(b[1], j)
                b[2], b[3] = max(b[2], i), max(b[3], j)
    taken: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in sorted(spans.values()):
        if (r0, c0) in taken:  # a non-rectangular merge: the first rectangle wins
            continue
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
    inner = [c for c in cuts[lo:bisect_right(cuts, x1 - 1, lo)]]
    if not inner:
        return [w]
    step = (x1 - x0) / len(w.text)
    out: list[Word] = []
    start = 0
    edges = [x0] + inner + [x1]
    for a, b in pairwise(edges):
        end = len(w.text) if b == x1 else max(start, min(len(w.text), round((b - x0) / step)))
        if end > start:
            out.append(Word(w.text[start:end], (x0 + start * step, top, x0 + end * step, bottom), w.page,
                            w.confidence))
        start = end
        if a == b:
            break
    return [o for o in out if o.text.strip()] or [w]


def _lattice_table(grid: _Grid, words: list[Word], page_no: int) -> tuple[Table, list[Word]]:
    """The table of ``grid`` and the words outside it."""
    xs, ys = grid.xs, grid.ys
    n_cols = len(xs) - 1
    owner = [0] * ((len(ys) - 1) * n_cols)
    for k, (r, c, rs, cs) in enumerate(grid.cells):
        for i in range(r, r + rs):
            for j in range(c, c + cs):
                owner[i * n_cols + j] = k
    inside: list[list[Word]] = [[] for _ in grid.cells]
    rest: list[Word] = []
    x_lo, y_lo, x_hi, y_hi = grid.bbox
    for w in words:
        cx, cy = (w.bbox[0] + w.bbox[2]) / 2, (w.bbox[1] + w.bbox[3]) / 2
        if not (x_lo <= cx <= x_hi and y_lo <= cy <= y_hi):
            rest.append(w)
            continue
        i = min(max(bisect_right(ys, cy) - 1, 0), len(ys) - 2)
        parts = _split_word(w, grid.row_cuts[i]) if len(w.text) > 1 else (w,)
        for p in parts:
            pcx = (p.bbox[0] + p.bbox[2]) / 2
            j = min(max(bisect_right(xs, pcx) - 1, 0), n_cols - 1)
            inside[owner[i * n_cols + j]].append(p)
    cells: list[TableCell] = []
    for k, (r, c, rs, cs) in enumerate(grid.cells):
        ws = inside[k]
        text = ws[0].text if len(ws) == 1 else "\n".join(ln.text for ln in group_lines(ws))
        bbox = (xs[c], ys[r], xs[c + cs], ys[r + rs])
        cells.append(TableCell(r, c, text, rs, cs, Source(page=page_no, bbox=bbox, confidence=_min_conf(inside[k]))))
    return Table(cells, Source(page=page_no, bbox=grid.bbox)), rest


# ------------------------------------------------------------------------------------------ stream tables

_VALUE = re.compile(r"^\s*[-+]?[\d０-９][\d０-９.,，．]*%?\s*$|^\s*[/／—–\-－]\s*$")
_LABEL_START = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．]|总计|合计)")


def _split_values(ln: TextLine) -> tuple[list[Word], list[Word]] | None:
    """A table row printed without lines: label words, then value words only, set apart from the label by
    a wide gap. None for anything else (prose with a number in it: "受理 3119 件")."""
    words = ln.words
    first = next((k for k, w in enumerate(words) if _VALUE.match(w.text)), None)
    if first is None or not all(_VALUE.match(w.text) for w in words[first:]):
        return None
    values = words[first:]
    h = max(ln.bottom - ln.top, 1.0)
    if first > 0 and values[0].bbox[0] - words[first - 1].bbox[2] < 1.5 * h:
        return None
    if first == 0 and len(values) < 2:
        return None
    return words[:first], values


def _bands(rows: list[list[Word]]) -> list[tuple[float, float]]:
    """Column bands: the x-extents of value words, overlapping extents merged (numbers of one column
    overlap whether they are aligned left, right or centred)."""
    spans = sorted((w.bbox[0], w.bbox[2]) for vals in rows for w in vals)
    bands: list[list[float]] = []
    for x0, x1 in spans:
        if bands and x0 <= bands[-1][1] - 0.5:
            bands[-1][1] = max(bands[-1][1], x1)
        else:
            bands.append([x0, x1])
    return [(a, b) for a, b in bands]


def _band_of(bands: list[tuple[float, float]], w: Word) -> int:
    x0, x1 = w.bbox[0], w.bbox[2]
    best, best_overlap = 0, -1e9
    for k, (a, b) in enumerate(bands):
        overlap = min(b, x1) - max(a, x0)
        if overlap > best_overlap:
            best, best_overlap = k, overlap
    return best


def _stream_tables(lines: list[TextLine], page_no: int) -> tuple[list[tuple[float, Table]], list[TextLine]]:
    """Tables printed without ruling lines: runs of lines ending in aligned values. Each value goes to the
    column it overlaps, so a blank cell stays blank instead of pulling the next value to the left."""
    parsed = [_split_values(ln) for ln in lines]
    tables: list[tuple[float, Table]] = []
    rest: list[TextLine] = []
    k = 0
    while k < len(lines):
        if parsed[k] is None:
            rest.append(lines[k])
            k += 1
            continue
        run = [k]
        j = k + 1
        while j < len(lines):
            h = max(lines[j - 1].bottom - lines[j - 1].top, 1.0)
            if lines[j].top - lines[j - 1].bottom > 2.5 * h:
                break
            if parsed[j] is not None:
                run.append(j)
            elif not _is_label_line(lines[j], lines, parsed, run):
                break
            j += 1
        while run and parsed[run[-1]] is None:
            run.pop()
        numeric = [i for i in run if parsed[i] is not None]
        if len(numeric) < 2:
            rest.append(lines[k])
            k += 1
            continue
        end = run[-1] + 1
        # a wrapped label's first line may sit just above the first row
        start = k
        while rest and _label_only(rest[-1], lines, parsed, numeric) and k - start < 3 \
                and lines[start].top - rest[-1].bottom < (rest[-1].bottom - rest[-1].top):
            rest.pop()
            start -= 1
        tables.append((lines[start].top, _stream_table(lines[start:end], parsed[start:end], page_no)))
        k = end
    return tables, rest


def _label_edge(lines: list[TextLine], parsed, numeric: list[int]) -> float:
    return min(parsed[i][1][0].bbox[0] for i in numeric)


def _label_only(ln: TextLine, lines, parsed, numeric: list[int]) -> bool:
    return ln.x1 < _label_edge(lines, parsed, numeric) - 1


def _is_label_line(ln: TextLine, lines, parsed, run: list[int]) -> bool:
    numeric = [i for i in run if parsed[i] is not None]
    return bool(numeric) and _label_only(ln, lines, parsed, numeric)


def _stream_table(lines: list[TextLine], parsed, page_no: int) -> Table:
    value_rows = [p[1] for p in parsed if p is not None]
    bands = _bands(value_rows)
    rows: list[tuple[list[Word], list[Word], TextLine]] = []  # label words, values, line
    pending: list[Word] = []
    for ln, p in zip(lines, parsed):
        if p is None:  # a label line: starts a new label or continues the one before
            if _LABEL_START.match(ln.text) or pending or not rows:
                if pending and _LABEL_START.match(ln.text):
                    rows.append((pending, [], ln))
                    pending = []
                pending = pending + ln.words
            else:
                rows[-1][0].extend(ln.words)
            continue
        label, values = p
        if pending and label and _LABEL_START.match(" ".join(w.text for w in label)):
            rows.append((pending, [], ln))
            pending = []
        rows.append((pending + list(label), values, ln))
        pending = []
    if pending:
        rows.append((pending, [], lines[-1]))
    cells: list[TableCell] = []
    label_x0 = min(ln.x0 for ln in lines)
    for r, (label, values, ln) in enumerate(rows):
        top, bottom = ln.top, ln.bottom
        for w in label + values:
            top, bottom = min(top, w.bbox[1]), max(bottom, w.bbox[3])
        text = "\n".join(x.text for x in group_lines(label)) if label else ""
        cells.append(TableCell(r, 0, text, source=Source(page=page_no, bbox=(label_x0, top, bands[0][0], bottom),
                                                         confidence=_min_conf(label))))
        by_band: dict[int, list[Word]] = {}
        for w in values:
            by_band.setdefault(_band_of(bands, w), []).append(w)
        if not values:
            continue
        for b, (x0, x1) in enumerate(bands):
            ws = by_band.get(b, [])
            cells.append(TableCell(r, b + 1, " ".join(w.text for w in ws),
                                   source=Source(page=page_no, bbox=(x0, top, x1, bottom), confidence=_min_conf(ws))))
    bbox = (label_x0, lines[0].top, max(b for _, b in bands), lines[-1].bottom)
    return Table(cells, Source(page=page_no, bbox=bbox))


# ------------------------------------------------------------------------------------------- blocks of a page

def build_blocks(words: list[Word], rulings: list[Ruling], page_size: tuple[float, float],
                 page_no: int) -> list[Block]:
    """One page: tables (from ruling lines, else from aligned numbers) and paragraphs, top to bottom.
    Page numbers are dropped; running headers need the other pages (see :func:`layout_pages`)."""
    return _page(words, rulings, page_size, page_no).blocks


@dataclass(slots=True)
class _PageBlocks:
    blocks: list[Block]
    open_end: bool = False  # the last block is a paragraph whose last line fills the text width
    flush_start: bool = False  # the first block is a paragraph starting flush left (not a new paragraph)


def _page(words: list[Word], rulings: list[Ruling], page_size: tuple[float, float], page_no: int) -> _PageBlocks:
    _, height = page_size
    blocks: list[tuple[float, Block]] = []
    rest = [w for w in words if w.text.strip()]
    rulings = _merge_rulings([r for r in rulings if max(r.x1 - r.x0, r.bottom - r.top) >= 2.0])
    for group in _components(rulings, _SNAP):
        grid = _grid(group)
        if grid is None:
            continue
        table, rest = _lattice_table(grid, rest, page_no)
        if any(c.text.strip() for c in table.cells):
            blocks.append((grid.ys[0], table))
    lines = _drop_page_numbers(group_lines(rest), height)
    stream, lines = _stream_tables(lines, page_no)
    blocks.extend(stream)
    blocks.extend(_paragraphs(lines, [top for top, _ in blocks], page_no))
    blocks.sort(key=lambda b: b[0])
    out = _PageBlocks([b for _, b in blocks])
    if lines and out.blocks:
        left, right = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
        first, last = lines[0], lines[-1]
        h_first, h_last = first.bottom - first.top, last.bottom - last.top
        # the text width is only known from two or more lines reaching it
        full = sum(1 for ln in lines if ln.x1 >= right - 1.5 * (ln.bottom - ln.top))
        out.open_end = (isinstance(out.blocks[-1], Paragraph) and full >= 2 and last.x1 >= right - 1.5 * h_last
                        and not last.text.endswith(("。", "！", "？")))
        out.flush_start = (isinstance(out.blocks[0], Paragraph) and first.x0 <= left + 0.8 * h_first
                           and not _HEADING.match(first.text))
    return out


_HEADING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d))")


def _paragraphs(lines: list[TextLine], breaks: list[float], page_no: int) -> list[tuple[float, Paragraph]]:
    """Lines → paragraphs: a line that fills the text width continues on the next line (a wrapped title
    or sentence) unless the next one starts a new paragraph (indented, or a numbered heading). A table
    between two lines always ends the paragraph."""
    if not lines:
        return []
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    out: list[tuple[float, Paragraph]] = []
    group: list[TextLine] = [lines[0]]
    for prev, ln in pairwise(lines):
        if _continues(prev, ln, left, right) and not any(prev.top < b < ln.top for b in breaks):
            group.append(ln)
        else:
            out.append((group[0].top, _paragraph(group, page_no)))
            group = [ln]
    out.append((group[0].top, _paragraph(group, page_no)))
    return out


def _continues(prev: TextLine, ln: TextLine, left: float, right: float) -> bool:
    h = max(prev.bottom - prev.top, 1.0)
    lh = ln.bottom - ln.top
    if prev.x1 < right - 1.5 * h or ln.top - prev.bottom > h or not 0.75 * h <= lh <= 1.33 * h:
        return False
    if _HEADING.match(ln.text):
        return False
    indent, tail = ln.x0 - left, right - ln.x1
    flush = indent <= 0.8 * h
    centred = indent > 2.5 * h and abs(indent - tail) < 2 * h
    return flush or centred


def _paragraph(lines: list[TextLine], page_no: int) -> Paragraph:
    text = ""
    pieces: list[Piece] = []
    for ln in lines:
        t = ln.text
        if text:
            text += _glue(text, t)
        pieces.append(Piece(len(text), len(t), Source(page=page_no, bbox=ln.bbox, confidence=ln.confidence)))
        text += t
    bbox = (min(ln.x0 for ln in lines), lines[0].top, max(ln.x1 for ln in lines), lines[-1].bottom)
    conf = _min_conf([w for ln in lines for w in ln.words])
    return Paragraph(text, Source(page=page_no, bbox=bbox, confidence=conf), tuple(pieces) if len(lines) > 1 else ())


# ------------------------------------------------------------------------------------------ whole documents

_DIGITS = re.compile(r"\d+")


def _running_lines(pages: list[PageInput]) -> list[set[str]]:
    """Per page, the texts of margin lines repeated on most pages (running headers and footers, with their
    numbers ignored): they are dropped."""
    if len(pages) < 3:
        return [set() for _ in pages]
    per_page: list[set[str]] = []
    counts: dict[str, int] = {}
    for p in pages:
        h = p.size[1]
        margin = [w for w in p.words if w.bbox[3] <= h * _MARGIN or w.bbox[1] >= h * (1 - _MARGIN)]
        keys = {_DIGITS.sub("#", ln.text) for ln in group_lines(margin)}
        per_page.append(keys)
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
    repeated = {k for k, n in counts.items() if n >= max(3, (len(pages) + 1) // 2)}
    return [keys & repeated for keys in per_page]


def _drop_running(page: PageInput, keys: set[str]) -> list[Word]:
    if not keys:
        return page.words
    h = page.size[1]
    margin = [w for w in page.words if w.bbox[3] <= h * _MARGIN or w.bbox[1] >= h * (1 - _MARGIN)]
    drop = {id(w) for ln in group_lines(margin) if _DIGITS.sub("#", ln.text) in keys for w in ln.words}
    return [w for w in page.words if id(w) not in drop]


def layout_pages(pages: list[PageInput]) -> list[Block]:
    """Blocks of all pages in reading order, with page furniture dropped and split tables joined."""
    out: list[Block] = []
    open_end = False
    for p, keys in zip(pages, _running_lines(pages)):
        page = _page(_drop_running(p, keys), p.rulings, p.size, p.number)
        blocks = page.blocks
        if blocks and out:
            prev, first = out[-1], blocks[0]
            if isinstance(first, Table) and isinstance(prev, Table) and _same_columns(prev, first):
                join_tables(prev, first)
                blocks = blocks[1:]
            elif isinstance(first, Paragraph) and isinstance(prev, Paragraph) and open_end and page.flush_start:
                _join_paragraphs(prev, first)
                blocks = blocks[1:]
        if page.blocks:
            open_end = page.open_end
        out.extend(blocks)
    return out


def _join_paragraphs(a: Paragraph, b: Paragraph) -> None:
    """``b`` (top of a page) continues the sentence ``a`` left at the bottom of the previous page."""
    base = len(a.text) + len(_glue(a.text, b.text))
    a_pieces = a.pieces or (Piece(0, len(a.text), a.source),)
    b_pieces = b.pieces or (Piece(0, len(b.text), b.source),)
    a.pieces = tuple(a_pieces) + tuple(Piece(base + p.start, p.length, p.source) for p in b_pieces)
    a.text = a.text + _glue(a.text, b.text) + b.text


def _column_edges(table: Table) -> list[float]:
    xs = [x for c in table.cells if c.source and c.source.bbox for x in (c.source.bbox[0], c.source.bbox[2])]
    return _cluster(xs, _SNAP)


def _same_columns(a: Table, b: Table) -> bool:
    """Whether ``b`` (top of a page) continues ``a`` (bottom of the previous page): the same column lines."""
    ea, eb = _column_edges(a), _column_edges(b)
    if len(eb) < 2 or not ea:
        return False
    near = sum(1 for x in eb if abs(ea[_nearest(ea, x)] - x) <= _SNAP * 1.5)
    return near == len(eb) and abs(ea[0] - eb[0]) <= _SNAP * 1.5 and abs(ea[-1] - eb[-1]) <= _SNAP * 1.5


def join_tables(a: Table, b: Table) -> None:
    """Append ``b``'s rows to ``a`` (a table broken by a page). Header rows repeated on the new page are
    dropped; a label cell cut by the page break ("（四）无" + "法提供") becomes one cell again."""
    if not b.cells:
        return
    place = _column_map(a)
    a_rows, b_rows = a.rows(), b.rows()
    skip = 0
    while skip < min(len(a_rows), len(b_rows)) and b_rows[skip] and \
            [_squash(c.text) for c in b_rows[skip]] == [_squash(c.text) for c in a_rows[skip]]:
        skip += 1
    height = a.n_rows
    offset = height - skip
    bottom = {(c.col, c.colspan): c for c in a.cells if c.row + c.rowspan == height}
    first = b_rows[skip] if skip < len(b_rows) else []
    merged: set[int] = set()
    for c in first:
        top = bottom.get(place(c))
        if top is None or not top.text.strip() or not c.text.strip() or _VALUE.match(c.text) \
                or _LABEL_START.match(c.text) or _VALUE.match(top.text):
            continue
        # only a group label (another label follows it in the row) can be cut by a page break: a row's own
        # label on a new page is a new row ("行政处罚" then "行政强制")
        if not any(o.col > c.col and o.text.strip() and not _VALUE.match(o.text) for o in first):
            continue
        top.text = top.text + "\n" + c.text
        top.rowspan = offset + skip + c.rowspan - top.row
        merged.add(id(c))
    for c in b.cells:
        if c.row < skip or id(c) in merged:
            continue
        col, span = place(c)
        a.cells.append(TableCell(c.row + offset, col, c.text, c.rowspan, span, c.source, c.pieces))


def _column_map(a: Table):
    """A function placing a cell of the continuation in ``a``'s columns, by its left and right edges."""
    lefts: dict[int, list[float]] = {}
    rights: dict[int, list[float]] = {}
    for c in a.cells:
        if c.source is not None and c.source.bbox is not None:
            lefts.setdefault(c.col, []).append(c.source.bbox[0])
            rights.setdefault(c.col + c.colspan, []).append(c.source.bbox[2])
    left_at = sorted((sum(v) / len(v), k) for k, v in lefts.items())
    right_at = sorted((sum(v) / len(v), k) for k, v in rights.items())

    def place(c: TableCell) -> tuple[int, int]:
        if c.source is None or c.source.bbox is None or not left_at:
            return c.col, c.colspan
        col = min(left_at, key=lambda p: abs(p[0] - c.source.bbox[0]))[1]
        end = min(right_at, key=lambda p: abs(p[0] - c.source.bbox[2]))[1]
        return col, max(end - col, 1)

    return place


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


__all__ = [
    "PageInput",
    "Ruling",
    "TextLine",
    "Word",
    "build_blocks",
    "group_lines",
    "is_page_number",
    "join_tables",
    "layout_pages",
]
