"""An HTML ``<table>`` as a grid: the HTML table model's slot assignment with rowspan/colspan expanded.

Each ``<td>``/``<th>`` gets the first free slot of its row; its spans reserve slots below and to the right.
Spans are clamped (an absurd ``rowspan="9999"`` stops at the table's last row, ``colspan`` at
:data:`MAX_SPAN` and at the table's right edge), and spacer columns that hold no text in any row — Word's
width-fixing cells, empty gutters — are dropped so that they cannot shift values between columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from gongkai.errors import InputTooLarge
from gongkai.readers.limits import check_digit_run

MAX_SPAN = 500
MAX_SLOTS = 2_000_000  # grid positions one table may reserve (a hostile page cannot exhaust memory)
_DIGITS = re.compile(r"\d+")


@dataclass(slots=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    element: etree._Element


def table_rows(table: etree._Element) -> list[etree._Element]:
    """The ``<tr>`` rows of ``table`` itself (directly or in thead/tbody/tfoot), not of nested tables."""
    head: list[etree._Element] = []
    body: list[etree._Element] = []
    foot: list[etree._Element] = []
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            body.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows = [r for r in child if r.tag == "tr"]
            (head if tag == "thead" else foot if tag == "tfoot" else body).extend(rows)
    return head + body + foot


def _span(el: etree._Element, name: str) -> int:
    raw = el.get(name)
    if not raw:
        return 1
    m = _DIGITS.search(raw)
    if not m:
        return 1
    check_digit_run(m.group())
    n = int(m.group())
    return 0 if n == 0 else min(n, MAX_SPAN)  # rowspan="0": to the end of the table


def build_grid(table: etree._Element, source: str = "<memory>") -> list[GridCell]:
    rows = table_rows(table)
    n_rows = len(rows)
    taken: dict[int, set[int]] = {}  # row -> columns reserved by spans from rows above
    cells: list[GridCell] = []
    slots = 0
    for r, tr in enumerate(rows):
        col = 0
        busy = taken.pop(r, set())
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while col in busy:
                col += 1
            rs = _span(td, "rowspan")
            rs = n_rows - r if rs == 0 else min(rs, n_rows - r)
            cs = max(_span(td, "colspan"), 1)
            slots += rs * cs
            if slots > MAX_SLOTS:
                raise InputTooLarge("网页中的表格过大（合并单元格范围异常）", source=source)
            for rr in range(r + 1, r + rs):
                taken.setdefault(rr, set()).update(range(col, col + cs))
            cells.append(GridCell(r, col, rs, cs, td))
            col += cs
    return _clamp_width(cells)


def _clamp_width(cells: list[GridCell]) -> list[GridCell]:
    """A colspan reaching past every cell's origin (``colspan=20`` on a 4-column table) ends at the edge."""
    if not cells:
        return cells
    width = max(c.col for c in cells) + 1
    for c in cells:
        if c.col + c.colspan > width:
            c.colspan = max(1, width - c.col)
    return cells


def drop_empty_columns(cells: list[GridCell], has_text: Callable[[GridCell], bool]) -> list[GridCell]:
    """Remove columns where no cell with text starts; spans over them shrink, empty cells in them go."""
    if not cells:
        return cells
    width = max(c.col + c.colspan for c in cells)
    used = [False] * width
    for c in cells:
        if has_text(c):
            used[c.col] = True
    for k in _subdivided_columns(cells, has_text):
        used[k] = True
    if all(used):
        return cells
    new_index = []
    n = 0
    for u in used:
        new_index.append(n)
        n += u
    out = []
    for c in cells:
        kept = sum(used[c.col : c.col + c.colspan])
        if not used[c.col] and not has_text(c):
            if kept == 0:
                continue
            # an empty cell starting in a dropped column but spanning kept ones still occupies them
            first = next(i for i in range(c.col, c.col + c.colspan) if used[i])
            out.append(GridCell(c.row, new_index[first], c.rowspan, kept, c.element))
            continue
        out.append(GridCell(c.row, new_index[c.col], c.rowspan, max(kept, 1), c.element))
    return out


def _subdivided_columns(cells: list[GridCell], has_text: Callable[[GridCell], bool]) -> set[int]:
    """Columns that a value row splits out of a header spanning several columns: the row has a cell of its
    own there and a number in another cell under the same header. Such a column is a real value column even
    when no header text starts in it and its value is blank (a header "行政诉讼" over ten value cells with
    "&nbsp;" in some); dropping it would move every value right of it one column to the left."""
    keep: set[int] = set()
    own: dict[int, dict[int, GridCell]] = {}
    for c in cells:
        own.setdefault(c.row, {})[c.col] = c
    headers = [h for h in cells if h.colspan > 1 and has_text(h)]
    for h in headers:
        span = range(h.col, h.col + h.colspan)
        for row, by_col in own.items():
            if row < h.row + h.rowspan:
                continue
            under = [by_col.get(k) for k in span]
            if any(u is None or u.colspan != 1 for u in under):
                continue
            if any(has_text(u) and _NUMBER.match(_squeeze(_text_of(u))) for u in under if u is not None):
                keep.update(span)
    return keep


def _text_of(cell: GridCell) -> str:
    return "".join(cell.element.itertext())


def drop_empty_rows(cells: list[GridCell], has_text: Callable[[GridCell], bool]) -> list[GridCell]:
    """Remove rows where no cell with text starts and nothing spans in from above (Word's hidden
    width-fixing row, spacer rows); rows below move up."""
    if not cells:
        return cells
    n_rows = max(c.row + c.rowspan for c in cells)
    starts_text = [False] * n_rows
    covered = [False] * n_rows
    for c in cells:
        if has_text(c) or c.rowspan > 1:
            starts_text[c.row] = True
        for r in range(c.row + 1, c.row + c.rowspan):
            covered[r] = True
    keep = [starts_text[r] or covered[r] for r in range(n_rows)]
    if all(keep):
        return cells
    new_row = []
    n = 0
    for k in keep:
        new_row.append(n)
        n += k
    out = []
    for c in cells:
        if not keep[c.row]:
            continue
        out.append(GridCell(new_row[c.row], c.col, sum(keep[c.row : c.row + c.rowspan]), c.colspan, c.element))
    return out


_NUMBER = re.compile(r"^[-+－]?\d[\d,，.]*%?$|^[/／\\—–-]$")
_MIN_LABELS = 4  # a label column holds row labels in several rows, not just a header word


def label_columns(cells: list[GridCell], text: Callable[[GridCell], str]) -> int:
    """How many leading columns hold row labels: no number anywhere in them and text in several rows.
    (A value column left entirely blank has only its header text, so it does not count.)"""
    if not cells:
        return 0
    width = max(c.col + c.colspan for c in cells)
    n = 0
    for col in range(width):
        here = [text(c) for c in cells if c.col == col]
        filled = [t for t in here if t]
        if any(_NUMBER.match(t.replace(" ", "")) for t in filled) or len(filled) < _MIN_LABELS:
            break
        n += 1
    return n


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def restore_label_spans(cells: list[GridCell], text: Callable[[GridCell], str]) -> list[GridCell]:
    """Put back the spans of a table copied without them, in its label columns only.

    Span-stripped copies leave an empty cell where a row label spanned two label columns ("（一）予以公开 | ∅ |
    0") and empty or repeated cells where a group label spanned rows ("三、本年度办理结果" on every row). The
    empty one would read as a blank value and the rows would differ in width from the official grid. An empty
    label cell right of a label of the same row joins that label's colspan; empty cells exactly under a label,
    or cells repeating the label above them, join its rowspan. Value columns are never touched.
    """
    n_labels = label_columns(cells, text)
    if n_labels == 0:
        return cells
    dropped: set[int] = set()
    rows: dict[int, list[GridCell]] = {}
    for c in cells:
        rows.setdefault(c.row, []).append(c)
    for r in rows.values():
        r.sort(key=lambda c: c.col)
    # horizontal: a label's empty right-hand neighbours inside the label columns
    for r in rows.values():
        kept = r[:1]
        for c in r[1:]:
            left = kept[-1]
            if (
                c.col < n_labels
                and not text(c)
                and c.rowspan == 1
                and left.rowspan == 1
                and text(left)
                and left.col + left.colspan == c.col
            ):
                left.colspan += c.colspan
                dropped.add(id(c))
            else:
                kept.append(c)
        r[:] = kept
    # vertical: empty or repeated cells right under a label
    above: dict[int, GridCell] = {}  # column -> the label cell whose rowspan ends on the previous row
    for row_no in sorted(rows):
        current = rows[row_no]
        by_col = {c.col: c for c in current}
        for col, lab in list(above.items()):
            if lab.row + lab.rowspan != row_no:
                del above[col]
                continue
            found = [by_col.get(k) for k in range(lab.col, lab.col + lab.colspan)]
            under = [u for u in found if u is not None]
            if len(under) < len(found) or any(u.rowspan != 1 or id(u) in dropped for u in under):
                continue
            same = (
                len(under) == 1 and under[0].colspan == lab.colspan and _squeeze(text(under[0])) == _squeeze(text(lab))
            )
            blank = all(not text(u) for u in under) and sum(u.colspan for u in under) == lab.colspan
            if same or blank:
                lab.rowspan += 1
                for u in under:
                    dropped.add(id(u))
        for c in current:
            if id(c) not in dropped and c.col + c.colspan <= n_labels and text(c):
                above[c.col] = c
    return [c for c in cells if id(c) not in dropped]


__all__ = [
    "MAX_SPAN",
    "GridCell",
    "build_grid",
    "drop_empty_columns",
    "drop_empty_rows",
    "label_columns",
    "restore_label_spans",
    "table_rows",
]
