"""A whole document: pages laid out one after the other, page furniture dropped, a table or a sentence
broken by a page joined again."""

from __future__ import annotations

import re

from gongkai.readers.blocks import Block, Paragraph, Piece, Table, TableCell
from gongkai.readers.geometry.furniture import drop_running, running_lines
from gongkai.readers.geometry.lattice import SNAP, cluster, nearest
from gongkai.readers.geometry.lines import glue
from gongkai.readers.geometry.page import page_blocks
from gongkai.readers.geometry.stream import LABEL_START, VALUE
from gongkai.readers.geometry.words import PageInput


def layout_pages(pages: list[PageInput]) -> list[Block]:
    """Blocks of all pages in reading order, with page furniture dropped and split tables joined."""
    out: list[Block] = []
    open_end = False
    carry = None
    for p, keys in zip(pages, running_lines(pages)):
        page = page_blocks(drop_running(p, keys), p.rulings, p.size, p.number, carry)
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
            open_end, carry = page.open_end, page.last_bands
        out.extend(blocks)
    return out


def _join_paragraphs(a: Paragraph, b: Paragraph) -> None:
    """``b`` (top of a page) continues the sentence ``a`` left at the bottom of the previous page."""
    base = len(a.text) + len(glue(a.text, b.text))
    a_pieces = a.pieces or ((Piece(0, len(a.text), a.source),) if a.source is not None else ())
    b_pieces = b.pieces or ((Piece(0, len(b.text), b.source),) if b.source is not None else ())
    a.pieces = tuple(a_pieces) + tuple(Piece(base + p.start, p.length, p.source) for p in b_pieces)
    a.text = a.text + glue(a.text, b.text) + b.text


def _column_edges(table: Table) -> list[float]:
    xs = [x for c in table.cells if c.source and c.source.bbox for x in (c.source.bbox[0], c.source.bbox[2])]
    return cluster(xs, SNAP)


def _same_columns(a: Table, b: Table) -> bool:
    """Whether ``b`` (top of a page) continues ``a`` (bottom of the previous page): the same column lines."""
    ea, eb = _column_edges(a), _column_edges(b)
    if len(eb) < 2 or not ea:
        return False
    near = sum(1 for x in eb if abs(ea[nearest(ea, x)] - x) <= SNAP * 1.5)
    return near == len(eb) and abs(ea[0] - eb[0]) <= SNAP * 1.5 and abs(ea[-1] - eb[-1]) <= SNAP * 1.5


def join_tables(a: Table, b: Table) -> None:
    """Append ``b``'s rows to ``a`` (a table broken by a page). Header rows repeated on the new page are
    dropped; a label cell cut by the page break ("（四）无" + "法提供") becomes one cell again."""
    if not b.cells:
        return
    place = _column_map(a)
    a.repaired("table_joined")
    for r in b.repairs:
        a.repaired(r.kind, r.count, r.detail)
    a_rows, b_rows = a.rows(), b.rows()
    skip = 0
    while (
        skip < min(len(a_rows), len(b_rows))
        and b_rows[skip]
        and [_squash(c.text) for c in b_rows[skip]] == [_squash(c.text) for c in a_rows[skip]]
    ):
        skip += 1
    height = a.n_rows
    offset = height - skip
    bottom = {(c.col, c.colspan): c for c in a.cells if c.row + c.rowspan == height}
    first = b_rows[skip] if skip < len(b_rows) else []
    merged: set[int] = set()
    for c in first:
        top = bottom.get(place(c))
        if (
            top is None
            or not top.text.strip()
            or not c.text.strip()
            or VALUE.match(c.text)
            or LABEL_START.match(c.text)
            or VALUE.match(top.text)
        ):
            continue
        # only a group label (another label follows it in the row) can be cut by a page break: a row's own
        # label on a new page is a new row ("行政处罚" then "行政强制")
        if not any(o.col > c.col and o.text.strip() and not VALUE.match(o.text) for o in first):
            continue
        top.text = top.text + "\n" + c.text
        top.rowspan = offset + skip + c.rowspan - top.row
        top.assembled = True
        a.repaired("labels_joined", detail=top.text.replace("\n", ""))
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
    left_xs, right_xs = [x for x, _ in left_at], [x for x, _ in right_at]

    def place(c: TableCell) -> tuple[int, int]:
        if c.source is None or c.source.bbox is None or not left_at:
            return c.col, c.colspan
        col = left_at[nearest(left_xs, c.source.bbox[0])][1]
        end = right_at[nearest(right_xs, c.source.bbox[2])][1]
        return col, max(end - col, 1)

    return place


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


__all__ = ["join_tables", "layout_pages"]
