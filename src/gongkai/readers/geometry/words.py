"""The inputs of the geometry: positioned words, ruling lines, and a page of them."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.readers.blocks import BBox


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    bbox: BBox  # x0, top, x1, bottom; origin top-left, page units (PDF points or image pixels)
    page: int  # 1-based
    confidence: float | None = None  # OCR only

    def __init__(self, text: str, bbox: BBox, page: int, confidence: float | None = None) -> None:
        # hundreds per page: the slots' own setters cost half of the generated frozen __init__'s
        # object.__setattr__ (see gongkai.document.Source)
        _W_TEXT(self, text)
        _W_BBOX(self, bbox)
        _W_PAGE(self, page)
        _W_CONFIDENCE(self, confidence)


_W_TEXT, _W_BBOX, _W_PAGE, _W_CONFIDENCE = (vars(Word)[f].__set__ for f in ("text", "bbox", "page", "confidence"))


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


__all__ = ["PageInput", "Ruling", "Word"]
