"""Layout → Document: one line per paragraph line, one pipe-delimited line per table row.

Every structured format is serialised into the layout the tokenizer already reads best ("|" terminates a
cell, an empty stretch between pipes is a blank cell), so HTML, DOCX, PDF and OCR go through exactly the
same parser as text. A span's text appears once, on the row and column where the span starts — as a reader
of the printed table sees it. Each line and cell gets an :class:`~gongkai.document.Anchor` so that every
parsed cell can say where it lies in the original (page and box, or DOM path).
"""

from __future__ import annotations

import re

from gongkai.document import Anchor, Document
from gongkai.parse.values import looks_like_value
from gongkai.readers.blocks import Layout, Paragraph, Piece, Source, Table, TableCell

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef（）、，。：；“”《》]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def join_lines(parts: list[str]) -> str:
    """Join the lines of one cell or wrapped label: no space between CJK text ("本\\n年" → "本年"), a space
    between other words ("1 288" stays two words only if a space was printed)."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(p[0])):
            out += " "
        out += p
    return out


def cell_text(text: str) -> str:
    """A cell's text on one line; a literal "|" would end the cell early, so it becomes "｜"."""
    return _SPACES.sub(" ", join_lines(text.split("\n"))).replace("|", "｜")


def _shift(pieces: tuple[Piece, ...], base: int) -> list[Anchor]:
    return [Anchor(base + p.start, base + p.start + p.length, p.source) for p in pieces]


def to_document(layout: Layout, source: str) -> Document:
    lines: list[str] = []
    anchors: list[Anchor] = []
    offset = 0

    def add_line(text: str, src: Source | None, pieces: list[Anchor] = ()) -> None:
        nonlocal offset
        if src is not None:
            anchors.append(Anchor(offset, offset + len(text), src))
        anchors.extend(pieces)
        lines.append(text)
        offset += len(text) + 1

    for block in layout.blocks:
        if isinstance(block, Paragraph):
            start = 0
            for line in block.text.split("\n"):
                if line.strip():
                    sub = [Anchor(offset + max(p.start - start, 0), offset + min(p.start + p.length - start, len(line)),
                                  p.source)
                           for p in block.pieces if p.start < start + len(line) and p.start + p.length > start]
                    add_line(line.replace("|", "｜"), block.source, sub)
                start += len(line) + 1
        elif isinstance(block, Table):
            _add_table(block, add_line, lambda: offset)
    return Document.from_text("\n".join(lines), source=source, media_type=layout.media_type,
                              anchors=tuple(sorted(anchors, key=lambda a: (a.start, -a.end))),
                              pages=layout.pages, notes=tuple(layout.notes))


def _label_columns(rows: list[list[TableCell]]) -> frozenset[int]:
    """Grid columns that hold row labels: label text in some row that also holds values, and no value in any
    row. (A value column blank in every row is not a label column: it never holds label text beside values.)"""
    text_cols: set[int] = set()
    value_cols: set[int] = set()
    for row in rows:
        kinds = [(c.col, looks_like_value(t)) for c in row if (t := c.text.strip())]
        if any(is_value for _, is_value in kinds):
            for col, is_value in kinds:
                (value_cols if is_value else text_cols).add(col)
    return frozenset(text_cols - value_cols)


def _add_table(table: Table, add_line, current_offset) -> None:
    rows = table.rows()
    # Empty cells among the label columns (unmerged layouts leave the covered part of a group label empty)
    # carry nothing and would read as blank values; blank cells among the value columns are kept.
    label_cols = _label_columns(rows)
    for row in rows:
        row = [c for c in row if c.col not in label_cols or c.text.strip()]
        if not row or not any(c.text.strip() for c in row):
            continue
        text = "|"
        cell_anchors: list[Anchor] = []
        base = current_offset()
        for c in row:
            t = cell_text(c.text)
            start = base + len(text)
            if c.source is not None:
                # a blank cell is anchored on its closing pipe, where the tokenizer puts blank tokens
                cell_anchors.append(Anchor(start, start + max(len(t), 1), c.source))
            if c.pieces and t == c.text:  # piece offsets are only true when the text was not rejoined
                cell_anchors.extend(_shift(c.pieces, start))
            text += t + "|"
        add_line(text, table.source, cell_anchors)


__all__ = ["to_document", "join_lines", "cell_text", "TableCell"]
