"""Classify the raw text of one table cell: number, zero, blank, not-applicable, text or unreadable."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from gongkai.model import Meaning, Number
from gongkai.readers.limits import check_digit_run

# "/" "—" "无" … say "not applicable / nothing to report": a statement, not a zero and not a blank.
NOT_APPLICABLE_MARKS = _NOT_APPLICABLE = frozenset({"/", "／", "\\", "-", "--", "—", "——", "–", "－", "一", "无", "暂无", "×", "*", "N/A", "n/a", "NA"})
_UNREADABLE_CHARS = frozenset("□■�?？▯◻")
_UNITS = ("万元", "元", "件", "个", "项", "条", "批次", "次", "宗", "起")
_NUMBER = re.compile(
    r"(?P<sign>[+\-－]|增加?|减少?)?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>"
    + "|".join(_UNITS) + r")?"
)


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
    if text in _NOT_APPLICABLE or raw.strip() in _NOT_APPLICABLE:
        return CellValue(Meaning.NOT_APPLICABLE)
    m = _NUMBER.fullmatch(text)
    if m:
        value = _to_number(m.group("num"))
        sign = m.group("sign")
        if sign and sign[0] in "-－减":
            value = -value
        meaning = Meaning.ZERO if value == 0 else Meaning.NUMBER
        return CellValue(meaning, value, m.group("unit"))
    if all(ch in _UNREADABLE_CHARS for ch in text):
        return CellValue(Meaning.UNREADABLE)
    return CellValue(Meaning.TEXT)


@lru_cache(maxsize=8192)
def looks_like_value(text: str) -> bool:
    """True when a whitespace-separated token of running text is a table value rather than label text."""
    if text in _NOT_APPLICABLE and text not in ("一", "无", "*"):
        return True
    if text[0].isdigit() or text[0] in "+-－增减":
        return _NUMBER.fullmatch(unicodedata.normalize("NFKC", text)) is not None
    return all(ch in _UNREADABLE_CHARS for ch in text)
