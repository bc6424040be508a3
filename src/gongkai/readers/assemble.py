"""Layout → Document: one line per paragraph line, one pipe-delimited line per table row.

Every structured format is serialised into the layout the tokenizer already reads best ("|" terminates a
cell, an empty stretch between pipes is a blank cell), so HTML, DOCX, PDF and OCR go through exactly the
same parser as text. A span's text appears once, on the row and column where the span starts — as a reader
of the printed table sees it. Each line and cell gets an :class:`~gongkai.document.Anchor` so that every
parsed cell can say where it lies in the original (page and box, or DOM path).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gongkai.document import Anchor, Document
from gongkai.reading import ReaderTrace, SourceTable
from gongkai.standard.values import looks_like_value
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
    if not text:  # most cells of a report's tables are empty
        return ""
    joined = join_lines(text.split("\n")) if "\n" in text else text.strip()
    return _SPACES.sub(" ", joined).replace("|", "｜")


def _shift(pieces: tuple[Piece, ...], base: int) -> list[Anchor]:
    return [Anchor(base + p.start, base + p.start + p.length, p.source) for p in pieces]


def to_document(layout: Layout, source: str) -> Document:
    lines: list[str] = []
    anchors: list[Anchor] = []
    tables: list[SourceTable] = []
    assembled: list[tuple[int, int]] = []
    label_cells: list[tuple[int, int]] = []
    offset = 0

    def add_line(text: str, src: Source | None, pieces: Sequence[Anchor] = ()) -> None:
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
                    sub = [
                        Anchor(
                            offset + max(p.start - start, 0),
                            offset + min(p.start + p.length - start, len(line)),
                            p.source,
                        )
                        for p in block.pieces
                        if p.start < start + len(line) and p.start + p.length > start
                    ]
                    add_line(line.replace("|", "｜"), block.source, sub)
                start += len(line) + 1
        elif isinstance(block, Table):
            first = len(lines) + 1
            _add_table(block, add_line, lambda: offset, assembled, label_cells)
            if len(lines) >= first:
                ocr = any(c.source is not None and c.source.confidence is not None for c in block.cells)
                tables.append(SourceTable(block.method, first, len(lines), ocr, tuple(block.repairs)))
    trace = ReaderTrace(tuple(tables), tuple(layout.ocr_pages), tuple(assembled), tuple(label_cells))
    return Document.from_text(
        "\n".join(lines),
        source=source,
        media_type=layout.media_type,
        anchors=tuple(sorted(anchors, key=lambda a: (a.start, -a.end))),
        pages=layout.pages,
        notes=tuple(layout.notes),
        reading=trace,
    )


def _without_label_padding(rows: list[list[TableCell]], table: Table | None = None) -> list[list[TableCell]]:
    """Rows without the empty cells that only pad the label part of a row, which would otherwise read as
    blank values: empty cells before the row label (the covered part of a group label in an unmerged grid),
    and, where a row has more cells after its label than the table's value columns, the empty cells right
    after the label (the covered part of a label spanning two columns). Blank values are kept."""

    def split(row: list[TableCell]) -> tuple[int | None, list[TableCell]]:
        texts = [(i, looks_like_value(t)) for i, c in enumerate(row) if (t := c.text.strip())]
        first_value = next((i for i, is_value in texts if is_value), len(row))
        label = max((i for i, is_value in texts if not is_value and i < first_value), default=None)
        if label is None:
            return None, row
        kept = [c for i, c in enumerate(row) if i >= label or c.text.strip()]
        if len(kept) < len(row) and table is not None and first_value < len(row):  # a value row: recorded
            table.repaired("padding_dropped", len(row) - len(kept))
        return kept.index(row[label]), kept

    split_rows = [split(r) for r in rows]
    widths = [
        len(r) - lab - 1
        for (lab, r) in split_rows
        if lab is not None and any(looks_like_value(c.text.strip()) for c in r[lab + 1 :] if c.text.strip())
    ]
    if not widths:
        return [r for _, r in split_rows]
    # the most common width; on a tie the wider one, so that no cell is dropped on a guess
    value_width = min(set(widths), key=lambda w: (-widths.count(w), -w))
    out = []
    for lab, row in split_rows:
        if lab is None:
            out.append(row)
            continue
        excess = len(row) - lab - 1 - value_width
        drop = 0
        while drop < excess and lab + 1 + drop < len(row) and not row[lab + 1 + drop].text.strip():
            drop += 1
        out.append(row[: lab + 1] + row[lab + 1 + drop :] if drop else row)
        if drop and table is not None and any(looks_like_value(c.text.strip()) for c in row if c.text.strip()):
            table.repaired("padding_dropped", drop)
    return out


def _add_table(
    table: Table, add_line, current_offset, assembled: list[tuple[int, int]], label_cells: list[tuple[int, int]]
) -> None:
    for row in _without_label_padding(table.rows(), table):
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
                cell_anchors.append(Anchor(start, start + (len(t) or 1), c.source))
            if c.pieces and t == c.text:  # piece offsets are only true when the text was not rejoined
                cell_anchors.extend(_shift(c.pieces, start))
            if c.assembled and t:
                assembled.append((start, start + len(t)))
            if c.label_area and t:
                label_cells.append((start, start + len(t)))
            text += t + "|"
        add_line(text, table.source, cell_anchors)


__all__ = ["to_document", "join_lines", "cell_text", "TableCell"]
