"""Text lines outside tables → paragraphs (wrapped lines joined, numbered headings kept apart)."""

from __future__ import annotations

import re
from itertools import pairwise

from gongkai.readers.blocks import Paragraph, Piece, Source
from gongkai.readers.geometry.lines import TextLine, glue, min_conf
from gongkai.standard.labels import NUMERAL_CHARS

HEADING = re.compile(rf"^\s*(?:[（(][{NUMERAL_CHARS}\d]+[)）]|[{NUMERAL_CHARS}]+[、.．]|\d+[、.．](?!\d))")


def paragraphs(lines: list[TextLine], breaks: list[float], page_no: int) -> list[tuple[float, Paragraph]]:
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
    if HEADING.match(ln.text):
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
            text += glue(text, t)
        pieces.append(Piece(len(text), len(t), Source(page=page_no, bbox=ln.bbox, confidence=ln.confidence)))
        text += t
    bbox = (min(ln.x0 for ln in lines), lines[0].top, max(ln.x1 for ln in lines), lines[-1].bottom)
    conf = min_conf([w for ln in lines for w in ln.words])
    return Paragraph(text, Source(page=page_no, bbox=bbox, confidence=conf), tuple(pieces) if len(lines) > 1 else ())


__all__ = ["HEADING", "paragraphs"]
