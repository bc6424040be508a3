"""Stream tables: tables printed without ruling lines, rebuilt from the alignment of their words.

A table row is a line ending in values set apart from its label by a wide gap ("行政许可 … 0"). Around the
rows, lines holding only label text (a wrapped row label, the stacked characters of a group label such as
"三、/本年/度办/理结/果") belong to the table too. The columns:

- value columns from the x-extents of the values, plus header words above the table standing over no value
  (a column blank in every row still gets its blank cells);
- label columns from the label words: a group label is the first of two label runs on one line ("(三)" …
  "4．保护第三方合法权益"), and the stacked fragments in its x-range are joined into one group cell placed on
  the first row of its items; everything else is the row label, its wrapped lines joined and given to the
  nearest row without a label of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from gongkai.readers.blocks import Source, Table, TableCell
from gongkai.readers.geometry.lines import TextLine, group_lines, min_conf
from gongkai.readers.geometry.words import Word
from gongkai.standard.labels import NUMERAL_CHARS

VALUE = re.compile(r"^\s*[-+]?[\d０-９][\d０-９.,，．]*%?\s*$|^\s*[/／—–\-－]\s*$")
LABEL_START = re.compile(rf"^\s*(?:[（(][{NUMERAL_CHARS}\d]+[)）]|[{NUMERAL_CHARS}]+[、.．]|\d+[、.．]|总计|合计)")
_FIRST_ITEM = re.compile(r"^\s*(?:1[、.．]|[（(]一[)）])")
Bands = list[tuple[float, float]]  # value columns: x-extents, left to right
_MAX_HEADER_LINES = 8  # header lines above the first row looked at for columns blank in every row


def _split_values(ln: TextLine) -> tuple[list[Word], list[Word]] | None:
    """A table row printed without lines: label words, then value words only, set apart from the label by
    a wide gap. None for anything else (prose with a number in it: "受理 3119 件"). A lone value is a row
    only inside a table (see :func:`_weak`)."""
    words = ln.words
    first = len(words)  # the values are the trailing words that are values ("1." may start a label)
    while first > 0 and VALUE.match(words[first - 1].text):
        first -= 1
    if first == len(words):
        return None
    values = words[first:]
    h = max(min(w.bbox[3] - w.bbox[1] for w in words), 1.0)  # a glyph (the line may join two baselines)
    if first > 0 and values[0].bbox[0] - words[first - 1].bbox[2] < 1.5 * h:
        return None
    return words[:first], values


def _bands(rows: list[list[Word]]) -> Bands:
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


def _band_of(bands: Bands, w: Word) -> int:
    x0, x1 = w.bbox[0], w.bbox[2]
    best, best_overlap = 0, -1e9
    for k, (a, b) in enumerate(bands):
        overlap = min(b, x1) - max(a, x0)
        if overlap > best_overlap:
            best, best_overlap = k, overlap
    return best


def stream_tables(
    lines: list[TextLine], page_no: int, carry: Bands | None = None
) -> tuple[list[tuple[float, Table]], list[TextLine], Bands | None]:
    """Tables printed without ruling lines: runs of lines ending in aligned values, with the label lines
    between and around them. Returns the tables (with their top edge), the lines outside them and the value
    columns of the last table. ``carry`` are the value columns of a table ending the previous page: a table
    at the top of this page continues it, so its columns blank in every row here keep their place."""
    parsed = [_split_values(ln) for ln in lines]
    tables: list[tuple[float, Table]] = []
    rest: list[TextLine] = []
    bands: Bands | None = None
    k = 0
    while k < len(lines):
        first = parsed[k]
        if first is None:
            rest.append(lines[k])
            k += 1
            continue
        edge = first[1][0].bbox[0]  # labels end left of the first value column
        h = _line_height(lines[k])  # the tallest line of the table so far
        run = [k]
        j = k + 1
        while j < len(lines):
            prev, ln = lines[j - 1], lines[j]
            if ln.top - prev.bottom > 2.5 * _line_height(prev):
                break
            pj = parsed[j]
            if pj is not None:
                edge = min(edge, pj[1][0].bbox[0])
            elif ln.x1 >= edge - 1 or _line_height(ln) > 1.3 * h:
                break  # prose, or a heading in a larger size
            h = max(h, _line_height(ln))
            run.append(j)
            j += 1
        if all(_weak(p) for p in (parsed[i] for i in run) if p is not None):
            rest.append(lines[k])
            k += 1
            continue
        # label lines after the last row: the wrapped rest of its label, or rows blank throughout
        end = max(i for i in run if parsed[i] is not None) + 1
        while end < j and (
            lines[end].top - lines[end - 1].bottom < _line_height(lines[end - 1]) or _starts_item(lines[end])
        ):
            end += 1
        # a wrapped label's first line may sit just above the first row, or a row blank throughout
        start = k
        while (
            rest
            and rest[-1].x1 < edge - 1
            and k - start < 3
            and (
                lines[start].top - rest[-1].bottom < _line_height(rest[-1])
                or (_starts_item(rest[-1]) and lines[start].top - rest[-1].bottom < 2.5 * _line_height(rest[-1]))
            )
        ):
            rest.pop()
            start -= 1
        header = _header_lines(rest, lines[start])
        _join_captions(rest, header)
        hint = carry if not tables and not rest else None
        table, bands = _stream_table(lines[start:end], parsed[start:end], header, hint, page_no)
        tables.append((lines[start].top, table))
        k = end
    return tables, rest, bands


def _starts_item(ln: TextLine) -> bool:
    """Whether a word of the line starts a numbered label ("1．", "（五）")."""
    return any(LABEL_START.match(w.text) for w in ln.words)


def _weak(parsed: tuple[list[Word], list[Word]]) -> bool:
    """A line holding one value and nothing else: a row of a table only next to other rows."""
    return not parsed[0] and len(parsed[1]) == 1


def _line_height(ln: TextLine) -> float:
    return max(ln.bottom - ln.top, 1.0)


def _header_lines(rest: list[TextLine], first: TextLine) -> list[TextLine]:
    """The lines just above a table (its column headers, possibly stacked character by character)."""
    out: list[TextLine] = []
    below = first
    for ln in reversed(rest[-_MAX_HEADER_LINES:]):
        if below.top - ln.bottom > 2.5 * _line_height(ln):
            break
        out.append(ln)
        below = ln
    return out


def _join_captions(rest: list[TextLine], header: list[TextLine]) -> None:
    """A caption over a table wrapped into stacked centred lines ("第二十条" / "第(一)项") is one line again:
    in ``rest``, each header line that is one run centred under the one above joins it."""
    for upper, lower in pairwise(list(reversed(header))):
        if len(upper.words) != 1 or len(lower.words) != 1 or upper not in rest or lower not in rest:
            continue
        h = _line_height(upper)
        if (
            abs((upper.x0 + upper.x1) - (lower.x0 + lower.x1)) / 2 < h
            and not LABEL_START.match(lower.text)
            and lower.top - upper.bottom < 2.5 * h
        ):
            upper.words.extend(lower.words)
            upper.x0, upper.x1 = min(upper.x0, lower.x0), max(upper.x1, lower.x1)
            upper.bottom = lower.bottom
            rest.remove(lower)


@dataclass(slots=True)
class _Row:
    """A table row: the line of its values (none for a row blank throughout) and its label words."""

    top: float
    bottom: float
    values: list[Word]
    label: list[Word] = field(default_factory=list)

    @property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class _Run:
    """Label words of one line set apart from the others on the line (one cell's line of text)."""

    words: list[Word]
    row: _Row | None  # the table row whose values are on the same line, if any
    line: int  # index of its line in the table
    x0: float = field(init=False)
    top: float = field(init=False)
    x1: float = field(init=False)
    bottom: float = field(init=False)

    def __post_init__(self) -> None:
        self.x0 = min(w.bbox[0] for w in self.words)
        self.top = min(w.bbox[1] for w in self.words)
        self.x1 = max(w.bbox[2] for w in self.words)
        self.bottom = max(w.bbox[3] for w in self.words)

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words)


def _label_runs(words: list[Word], row: _Row | None, line: int) -> list[_Run]:
    """Label words cut where the gap is wider than 1.2 glyphs (letter-spaced labels stay one run). The glyph
    size is the smallest word height: a line may hold words of cells whose baselines differ a little."""
    out: list[list[Word]] = []
    h = min((w.bbox[3] - w.bbox[1] for w in words), default=1.0)
    for w in words:
        if out and w.bbox[0] - out[-1][-1].bbox[2] <= 1.2 * h:
            out[-1].append(w)
        else:
            out.append([w])
    return [_Run(ws, row, line) for ws in out]


def _stream_table(
    lines: list[TextLine], parsed, header: list[TextLine], carry: Bands | None, page_no: int
) -> tuple[Table, Bands]:
    rows: list[_Row] = []
    runs: list[_Run] = []
    for n, (ln, p) in enumerate(zip(lines, parsed)):
        row = None
        if p is not None:
            row = _Row(min(w.bbox[1] for w in p[1]), max(w.bbox[3] for w in p[1]), p[1])
            rows.append(row)
        runs.extend(_label_runs(ln.words if p is None else p[0], row, n))
    label_right = max((run.x1 for run in runs), default=-1e9)
    bands = _bands([row.values for row in rows])
    if carry:
        bands = _with_extra_bands(bands, carry, label_right)
    bands = _with_extra_bands(bands, [(w.bbox[0], w.bbox[2]) for ln in header for w in ln.words], label_right)

    # group labels: all but the last of several runs on a line; stacked fragments in that x-range join them
    by_line = _by_line(runs)
    g_right = max((run.x1 for group in by_line for run in group[:-1]), default=None)
    group_runs: list[_Run] = []
    row_runs: list[_Run] = []
    for group in by_line:
        for run in group:
            is_group = g_right is not None and run.x1 <= g_right + 0.5 * (run.bottom - run.top)
            (group_runs if is_group else row_runs).append(run)
    rows = _row_labels(row_runs, rows, lines)
    groups = _group_labels(group_runs, rows)
    n_groups = len(groups)

    cells: list[TableCell] = []
    label_x0 = min(ln.x0 for ln in lines)
    label_x1 = bands[0][0] if bands else max(ln.x1 for ln in lines)
    for k, column in enumerate(groups):
        for first, span, ws in column:
            bbox = (
                min(w.bbox[0] for w in ws),
                rows[first].top,
                max(w.bbox[2] for w in ws),
                rows[first + span - 1].bottom,
            )
            text = _join(ws)
            cells.append(
                TableCell(
                    first,
                    k,
                    text,
                    span,
                    1,
                    source=Source(page=page_no, bbox=bbox, confidence=min_conf(ws)),
                    assembled=_pieced(text, ws),
                    label_area=True,
                )
            )
    for i, row in enumerate(rows):
        top, bottom = row.top, row.bottom
        if row.label:
            text = _join(row.label)
            cells.append(
                TableCell(
                    i,
                    n_groups,
                    text,
                    source=Source(page=page_no, bbox=(label_x0, top, label_x1, bottom), confidence=min_conf(row.label)),
                    assembled=_pieced(text, row.label),
                    label_area=True,
                )
            )
        by_band: dict[int, list[Word]] = {}
        for w in row.values:
            by_band.setdefault(_band_of(bands, w), []).append(w)
        for b, (x0, x1) in enumerate(bands):
            ws = by_band.get(b, [])
            cells.append(
                TableCell(
                    i,
                    n_groups + 1 + b,
                    " ".join(w.text for w in ws),
                    source=Source(page=page_no, bbox=(x0, top, x1, bottom), confidence=min_conf(ws)),
                )
            )
    bbox = (label_x0, lines[0].top, max([b for _, b in bands] + [label_x1]), lines[-1].bottom)
    table = Table(cells, Source(page=page_no, bbox=bbox), method="stream")
    joined = sum(c.assembled for c in cells)
    if joined:  # labels from lines we chose to join: the wording may be ours, not the document's
        table.repaired("labels_joined", joined)
    return table, bands


def _pieced(text: str, words: list[Word]) -> bool:
    """Whether a label cell's text was put together by us from words on several lines or baselines (a
    wrapped label, a vertical label's characters): its wording may be ours, not the document's."""
    if "\n" in text:
        return True
    if len(words) < 2:
        return False
    h = min(w.bbox[3] - w.bbox[1] for w in words)
    mids = [(w.bbox[1] + w.bbox[3]) / 2 for w in words]
    return max(mids) - min(mids) > 0.3 * h


def _join(words: list[Word]) -> str:
    return "\n".join(x.text for x in group_lines(words))


def _by_line(runs: list[_Run]) -> list[list[_Run]]:
    """Runs grouped by their line (they were made line by line, left to right)."""
    out: list[list[_Run]] = []
    for run in runs:
        if out and out[-1][-1].line == run.line:
            out[-1].append(run)
        else:
            out.append([run])
    return out


def _with_extra_bands(bands: Bands, extents: list[tuple[float, float]], label_right: float) -> Bands:
    """Value bands plus a band for each extent (of a header word, or of a column of the table this one
    continues) right of the labels that stands over no value, among the value columns: a column blank in
    every row (a table of one row with a blank cell) keeps its place."""
    pitch = _pitch(bands)
    if not extents or pitch is None:
        return bands
    lo, hi = bands[0][0] - pitch, bands[-1][1] + pitch
    extra: Bands = []
    for x0, x1 in extents:
        if x0 <= label_right + 1 or x1 - x0 > 2 * pitch or x0 < lo or x1 > hi:
            continue
        if any(min(b, x1) - max(a, x0) > 0 for a, b in bands + extra):
            continue
        extra.append((x0, x1))
    return sorted(bands + extra) if extra else bands


def _pitch(bands: Bands) -> float | None:
    if len(bands) < 2:
        return None
    gaps = sorted((b[0] + b[1]) / 2 - (a[0] + a[1]) / 2 for a, b in pairwise(bands))
    return gaps[len(gaps) // 2]


def _row_labels(runs: list[_Run], rows: list[_Row], lines: list[TextLine]) -> list[_Row]:
    """Row-label runs → the label of each row; returns the rows top to bottom. Runs chain into one label
    while they follow each other as closely as lines of one cell and the next does not start a numbered
    item. A chain with a row's values on one of its lines belongs to that row; any other to the nearest row
    without a label level with it, or else it is a row of its own whose values are all blank."""
    chains: list[tuple[list[_Run], _Row | None]] = []
    for run in sorted(runs, key=lambda r: r.top):
        if chains:
            chain, row = chains[-1]
            last = chain[-1]
            close = run.top - last.bottom < (last.bottom - last.top)
            if close and not LABEL_START.match(run.text) and not (row is not None and run.row is not None):
                chain.append(run)
                chains[-1] = (chain, row if row is not None else run.row)
                continue
        chains.append(([run], run.row))
    orphans = []
    for chain, row in chains:
        if row is not None:
            row.label = [w for run in chain for w in run.words]
        else:
            orphans.append(chain)
    h = min((_line_height(ln) for ln in lines), default=1.0)
    for chain in orphans:
        words = [w for run in chain for w in run.words]
        top, bottom = chain[0].top, chain[-1].bottom
        free = [r for r in rows if not r.label and r.top < bottom + h and r.bottom > top - h]
        if free:
            best = min(free, key=lambda r: abs(r.centre - (top + bottom) / 2))
            best.label = words
        elif LABEL_START.match(chain[0].text) or not rows:
            rows.append(_Row(top, bottom, [], words))
        else:  # the wrapped end of a label whose rows are already labelled: the nearest one
            best = min(rows, key=lambda r: abs(r.centre - (top + bottom) / 2))
            best.label = words + best.label if top < best.top else best.label + words
    for r in rows:
        if r.label:
            r.top, r.bottom = min(r.top, *(w.bbox[1] for w in r.label)), max(r.bottom, *(w.bbox[3] for w in r.label))
    return sorted(rows, key=lambda r: r.top)


def _group_labels(runs: list[_Run], rows: list[_Row]) -> list[list[tuple[int, int, list[Word]]]]:
    """Group-label runs → per group column (left to right), the groups as (first row, rowspan, words). The
    columns are the runs' x-ranges that overlap; in a column, a run starting a numbered item or further than
    two lines below the one before starts a new group, placed on the first row of its items (the nearest row at
    or above its end whose label starts with "1．" or "（一）"), else on the row it is level with."""
    if not runs:
        return []
    spans: list[list[float]] = []
    for x0, x1 in sorted((r.x0, r.x1) for r in runs):
        if spans and x0 < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    columns: list[list[_Run]] = [[] for _ in spans]
    for run in runs:
        k = next(i for i, (a, b) in enumerate(spans) if a <= run.x0 <= b)
        columns[k].append(run)
    index = {id(r): i for i, r in enumerate(rows)}
    first_items = [i for i, r in enumerate(rows) if r.label and _FIRST_ITEM.match(r.label[0].text)]
    out: list[list[tuple[int, int, list[Word]]]] = []
    for column in columns:
        chains: list[list[_Run]] = []
        for run in sorted(column, key=lambda r: r.top):
            if (
                chains
                and not LABEL_START.match(run.text)
                and run.top - chains[-1][-1].bottom < 2 * (run.bottom - run.top)
            ):
                chains[-1].append(run)
            else:
                chains.append([run])
        placed: list[tuple[int, list[Word]]] = []
        floor = 0
        for chain in chains:
            above = [i for i in first_items if i >= floor and rows[i].top <= chain[-1].bottom]
            if above:
                on_row = above[-1]
            elif chain[0].row is not None:
                on_row = index[id(chain[0].row)]
            else:
                cy = (chain[0].top + chain[-1].bottom) / 2
                on_row = min(range(floor, len(rows)) or range(len(rows)), key=lambda i: abs(rows[i].centre - cy))
            placed.append((on_row, [w for run in chain for w in run.words]))
            floor = min(on_row + 1, len(rows) - 1)
        groups = []
        for n, (row, words) in enumerate(placed):
            end = placed[n + 1][0] if n + 1 < len(placed) else len(rows)
            groups.append((row, max(end - row, 1), words))
        out.append(groups)
    return out


__all__ = ["LABEL_START", "VALUE", "Bands", "stream_tables"]
