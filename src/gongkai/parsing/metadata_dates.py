"""Metadata, years and dates: the year reported on and the publication date, with their positions.

Used by :mod:`gongkai.parsing.metadata` (which also finds the organization).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter

from gongkai.document import Document, Position
from gongkai.standard.labels import NUMERAL_CHARS, YEAR_DIGIT_CHARS, chinese_number

YEAR_MIN, YEAR_MAX = 2008, 2030
_CN_DIGITS = YEAR_DIGIT_CHARS
_YEAR_CORE = rf"(?<![\d０-９])(?:20\s*\d\s*\d|二\s*[〇○零]\s*[〇○零{NUMERAL_CHARS[:3]}]\s*[{YEAR_DIGIT_CHARS}])"

# --------------------------------------------------------------------------------------------------
# Years

_YEAR_ANY = re.compile(rf"({_YEAR_CORE})\s*年")
_BOOK = re.compile(r"《[^《》\n]{0,80}》")
_STAT_START = re.compile(rf"({_YEAR_CORE})\s*年?\s*0?1\s*月\s*0?1\s*日?\s*(?:起)?\s*(?:至|到|—|-|－|~|～)")
_STAT_END = re.compile(rf"(?:截止|截至|截止到|截至到|至|到)\s*({_YEAR_CORE})\s*年?\s*12\s*月\s*31\s*日?")
_PUBLISH_VERB = re.compile(r"[^。；;，,\n]{0,20}?(?:发布|印发|公布|出台)")
_DATE_AFTER = re.compile(r"\s*\d{1,2}\s*月")
_PERIOD_BOUND = re.compile(r"\s*(?:0?1\s*月(?:\s*0?1(?!\d)\s*日?)?\s*(?:起|至|到|[-—~～－])|12\s*月(?:\s*31(?!\d))?)")

# --------------------------------------------------------------------------------------------------
# Dates

_DATE_NUM = r"(20\d{2})\s*(?:[-/.．]|年)\s*(\d{1,2})\s*(?:[-/.．]|月)\s*(\d{1,2})\s*日?"
_DATE_CN = rf"([{_CN_DIGITS}]{{4}})\s*年\s*([{_CN_DIGITS}十]{{1,3}})\s*月\s*([{_CN_DIGITS}十]{{1,3}})\s*日"
_LABELLED_DATE = re.compile(
    rf"(?:发布时间|发布日期|成文日期|发文日期|印发日期|公开日期|公布日期|生成日期)\s*[:：]?\s*(?:{_DATE_NUM}|{_DATE_CN})"
)
_STANDALONE_DATE = re.compile(rf"^\s*[(（]?\s*(?:{_DATE_NUM}|{_DATE_CN})\s*[)）]?\s*$")


# --------------------------------------------------------------------------------------------------
# Helpers


def _year_value(raw: str) -> int | None:
    raw = re.sub(r"\s+", "", raw)
    y = int(raw) if raw.isdigit() else chinese_number(raw)
    return y if y is not None and YEAR_MIN <= y <= YEAR_MAX else None


class _Index:
    """Offset → Position for one document."""

    __slots__ = ("starts", "doc")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.starts = [ln.offset for ln in doc.lines]

    def pos(self, offset: int, length: int) -> Position:
        if not self.starts:
            return Position(1, offset + 1, offset, length)
        i = bisect.bisect_right(self.starts, offset) - 1
        line = self.doc.lines[max(i, 0)]
        return line.position(offset - line.offset, length)


def _masked(text: str) -> str:
    """The text with 《…》 titles blanked out (same length, so offsets stay valid)."""
    return _BOOK.sub(lambda m: " " * len(m.group(0)), text)


def _prevailing_year(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    masked = _masked(text[start:end])
    counts: Counter[int] = Counter()
    first: dict[int, tuple[int, int]] = {}
    for m in _YEAR_ANY.finditer(masked):
        y = _year_value(m.group(1))
        if y is None:
            continue
        if _published_at(masked, m.start(), m.end()):
            continue  # 于2024年…发布: when something was published, not the year reported on
        after = _DATE_AFTER.match(masked, m.end())
        if after and not _is_period_bound(masked, m.end()):
            continue  # a calendar date, e.g. a publication or meeting date
        counts[y] += 1
        first.setdefault(y, (start + m.start(1), len(m.group(1))))
    if not counts:
        return None
    top = max(counts.values())
    y = min((y for y, n in counts.items() if n == top), key=lambda y: first[y][0])
    return (y, *first[y])


def _published_at(text: str, start: int, end: int) -> bool:
    """于2024年… (but not 关于2024年…), or 在2024年…发布."""
    before = text[max(0, start - 2) : start].rstrip()
    if before.endswith("于") and not before.endswith("关于"):
        return True
    return before.endswith("在") and _PUBLISH_VERB.match(text, end) is not None


def _is_period_bound(text: str, pos: int) -> bool:
    """1月(1日)至… or 12月(31日) right after a year: a period bound, not a calendar date."""
    return _PERIOD_BOUND.match(text, pos) is not None


def _iso(m: re.Match[str]) -> str | None:
    g = m.groups()[-6:]
    if g[0]:
        y, mo, d = int(g[0]), int(g[1]), int(g[2])
    else:
        y, mo, d = chinese_number(g[3]) or 0, chinese_number(g[4]) or 0, chinese_number(g[5]) or 0
    if not (YEAR_MIN <= y <= YEAR_MAX + 1 and 1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _date_span(m: re.Match[str]) -> tuple[int, int]:
    """Start and length of the date itself within a date match (no label, no trailing blanks)."""
    start = m.start(1) if m.group(1) else m.start(4)
    return start, len(m.string[start : m.end()].rstrip(" \t\n)）"))


def _published(doc: Document, text: str, head_end: int, idx: _Index) -> tuple[str, Position] | None:
    for m in _LABELLED_DATE.finditer(text):
        iso = _iso(m)
        if iso:
            return iso, idx.pos(*_date_span(m))
    # A signature date among the last lines, then a date standing alone in the head.
    tail = [ln for ln in doc.lines[-8:] if ln.text.strip()]
    head = [ln for ln in doc.lines if ln.offset < head_end]
    for group in (reversed(tail), head):
        for ln in group:
            alone = _STANDALONE_DATE.match(ln.text)
            if alone:
                iso = _iso(alone)
                if iso:
                    start, length = _date_span(alone)
                    return iso, ln.position(start, length)
    return None
