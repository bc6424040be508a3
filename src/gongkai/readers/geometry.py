"""Positioned words and ruling lines → paragraphs and table grids.

Shared by the PDF reader (words from the text layer) and the OCR reader (words from recognised boxes):
both hand over words with boxes and, where known, the ruling lines of tables; this module rebuilds the
reading order, the tables (from ruling lines where present, from word alignment where not) and the
paragraphs, as :mod:`gongkai.readers.blocks` blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.readers.blocks import BBox


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
