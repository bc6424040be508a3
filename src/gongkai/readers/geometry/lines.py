"""Words → text lines (reading order within a page), and how two pieces of text are glued."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.readers.blocks import BBox
from gongkai.readers.geometry.words import Word

# ---------------------------------------------------------------------------------------------- text lines

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f（）、，。：；“”《》]")


def glue(left: str, right: str) -> str:
    """The separator between two words on one line: nothing between CJK text (letter-spaced labels such as
    "商 业 企 业" are one label), a space between anything else ("1 288" stays as printed)."""
    if _CJK.match(left[-1]) or _CJK.match(right[0]):
        return ""
    return " "


# Two runs of one line closer than this fraction of their glyph height have no space between them: no font's
# space is that narrow (Latin fonts ~0.28 em, CJK fonts' half-width space ~0.22 em; the box is ~0.96 em high).
# Converters that position every glyph on its own leave such gaps inside a number ("1" + "9" = "19").
TIGHT_GAP = 0.2


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
            out = out + glue(out, w.text) + w.text if out else w.text
        return out

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)

    def tight_text(self) -> str:
        """The text with runs closer than :data:`TIGHT_GAP` joined without a space. Only for words known to
        share one cell (between ruling lines): there a gap narrower than a space is no separator."""
        out = ""
        prev: Word | None = None
        for w in self.words:
            if prev is None:
                out = w.text
            else:
                h = max(w.bbox[3] - w.bbox[1], prev.bbox[3] - prev.bbox[1])
                tight = w.bbox[0] - prev.bbox[2] < TIGHT_GAP * h
                out = out + ("" if tight else glue(out, w.text)) + w.text
            prev = w
        return out

    @property
    def confidence(self) -> float | None:
        return min_conf(self.words)


def min_conf(words: list[Word]) -> float | None:
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


__all__ = ["TextLine", "glue", "group_lines", "min_conf"]
