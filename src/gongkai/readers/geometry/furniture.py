"""Page furniture: page numbers and running headers/footers repeated on most pages."""

from __future__ import annotations

import re

from gongkai.readers.geometry.lines import TextLine, group_lines
from gongkai.readers.geometry.words import PageInput, Word

# ------------------------------------------------------------------------------------------- page furniture

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~～]*\d{1,4}[-—–－~～]*|第\d{1,4}页(?:[,，/]?共\d{1,4}页)?|共\d{1,4}页[,，]?第\d{1,4}页"
    r"|\d{1,4}/\d{1,4}|[Pp]age\d{1,4}(?:of\d{1,4})?)$"
)
MARGIN = 0.12  # page numbers and running headers live in the top/bottom 12 % of a page


def is_page_number(text: str) -> bool:
    return _PAGE_NUMBER.match(re.sub(r"\s+", "", text)) is not None


def drop_page_numbers(lines: list[TextLine], height: float) -> list[TextLine]:
    """Page numbers are the first or last line of a page, inside the margin band."""
    out = list(lines)
    for idx in (0, -1):
        if not out:
            break
        ln = out[idx]
        in_margin = ln.bottom <= height * MARGIN or ln.top >= height * (1 - MARGIN)
        if in_margin and is_page_number(ln.text):
            out.pop(idx)
    return out


# ------------------------------------------------------------------------------------------ whole documents

_DIGITS = re.compile(r"\d+")


def running_lines(pages: list[PageInput]) -> list[set[str]]:
    """Per page, the texts of margin lines repeated on most pages (running headers and footers, with their
    numbers ignored): they are dropped."""
    if len(pages) < 3:
        return [set() for _ in pages]
    per_page: list[set[str]] = []
    counts: dict[str, int] = {}
    for p in pages:
        h = p.size[1]
        margin = [w for w in p.words if w.bbox[3] <= h * MARGIN or w.bbox[1] >= h * (1 - MARGIN)]
        keys = {_DIGITS.sub("#", ln.text) for ln in group_lines(margin)}
        per_page.append(keys)
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
    repeated = {k for k, n in counts.items() if n >= max(3, (len(pages) + 1) // 2)}
    return [keys & repeated for keys in per_page]


def drop_running(page: PageInput, keys: set[str]) -> list[Word]:
    if not keys:
        return page.words
    h = page.size[1]
    margin = [w for w in page.words if w.bbox[3] <= h * MARGIN or w.bbox[1] >= h * (1 - MARGIN)]
    drop = {id(w) for ln in group_lines(margin) if _DIGITS.sub("#", ln.text) in keys for w in ln.words}
    return [w for w in page.words if id(w) not in drop]


__all__ = ["MARGIN", "drop_page_numbers", "drop_running", "is_page_number", "running_lines"]
