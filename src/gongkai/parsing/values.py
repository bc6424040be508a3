"""Classify the raw text of one table cell: number, zero, blank, not-applicable, text or unreadable."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from gongkai.model import Meaning, Number
from gongkai.readers.limits import check_digit_run
from gongkai.standard.values import NOT_APPLICABLE_MARKS, NUMBER, UNREADABLE_CHARS, looks_like_value

__all__ = ["CellValue", "classify", "looks_like_value", "NOT_APPLICABLE_MARKS"]


@dataclass(frozen=True, slots=True)
class CellValue:
    meaning: Meaning
    value: Number | None = None
    unit: str | None = None


def _to_number(text: str) -> Number:
    text = text.replace(",", "")
    check_digit_run(text)
    if "." in text:
        return float(text)
    return int(text)


@lru_cache(maxsize=4096)  # cell texts repeat a lot ("0", "1", "/"); CellValue is immutable
def classify(raw: str) -> CellValue:
    """Read one cell's text. ``raw`` is the cell as printed, whitespace around it removed."""
    text = unicodedata.normalize("NFKC", raw).strip() if not raw.isascii() else raw.strip()
    if not text:
        return CellValue(Meaning.BLANK)
    if text in NOT_APPLICABLE_MARKS or raw.strip() in NOT_APPLICABLE_MARKS:
        return CellValue(Meaning.NOT_APPLICABLE)
    m = NUMBER.fullmatch(text)
    if m:
        value = _to_number(m.group("num"))
        sign = m.group("sign")
        if sign and sign[0] in "-－减":
            value = -value
        meaning = Meaning.ZERO if value == 0 else Meaning.NUMBER
        return CellValue(meaning, value, m.group("unit"))
    if all(ch in UNREADABLE_CHARS for ch in text):
        return CellValue(Meaning.UNREADABLE)
    return CellValue(Meaning.TEXT)
