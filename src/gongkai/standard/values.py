"""What a printed table value looks like: the marks for "not applicable", units, the number pattern.

Format facts shared by the readers (which must tell a value cell from a label while rebuilding a grid) and the
parser (which classifies each cell's text).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# "/" "—" "无" … say "not applicable / nothing to report": a statement, not a zero and not a blank.
NOT_APPLICABLE_MARKS = frozenset(
    {"/", "／", "\\", "-", "--", "—", "——", "–", "－", "一", "无", "暂无", "×", "*", "N/A", "n/a", "NA"}
)
# marks that are also ordinary words or numerals in running text, so alone they do not make a token a value
_AMBIGUOUS_MARKS = frozenset({"一", "无", "*"})
UNREADABLE_CHARS = frozenset("□■�?？▯◻")
UNITS = ("万元", "元", "件", "个", "项", "条", "批次", "次", "宗", "起")
NUMBER = re.compile(
    r"(?P<sign>[+\-－]|增加?|减少?)?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>"
    + "|".join(UNITS)
    + r")?"
)


@lru_cache(maxsize=8192)
def looks_like_value(text: str) -> bool:
    """True when a whitespace-separated token of running text is a table value rather than label text."""
    if text in NOT_APPLICABLE_MARKS and text not in _AMBIGUOUS_MARKS:
        return True
    if text[0].isdigit() or text[0] in "+-－增减":
        return NUMBER.fullmatch(unicodedata.normalize("NFKC", text)) is not None
    return all(ch in UNREADABLE_CHARS for ch in text)
