"""Find the six section headings (一、总体情况 … 六、其他需要报告的事项), as printed."""

from __future__ import annotations

import re

from gongkai.document import Document
from gongkai.model import SectionInfo
from gongkai.parsing.labels import key
from gongkai.standard import Format
from gongkai.standard.labels import NUMERAL_CHARS, NUMERAL_VALUES

_NOT_CONTENT = re.compile(r"[\s|]+")
_HEADING = re.compile(rf"^\s*([{NUMERAL_CHARS}])\s*[、.．,，]\s*(\S.{{1,40}}?)\s*\|*\s*$")


def section_of_title(title: str, fmt: Format, row_keys: frozenset[str]) -> int | None:
    """Which standard section a heading's title names, by its keywords; None for anything else
    (including the 一、本年新收… rows of the requests table, which look like headings)."""
    k = key(title)
    if not k or any(k.endswith(rk) or rk.endswith(k) for rk in row_keys):
        return None
    for section in fmt.sections:
        if any(key(word) in k for word in section.keywords):
            return section.no
    return None


def find_sections(doc: Document, fmt: Format, row_keys: frozenset[str]) -> list[SectionInfo]:
    found: list[SectionInfo] = []
    for line in doc.lines:
        text = line.text
        if len(text) > 60 or (
            "、" not in text and "." not in text and "．" not in text and "," not in text and "，" not in text
        ):
            continue
        m = _HEADING.match(text)
        if not m:
            continue
        title = m.group(2)
        if "。" in title or "；" in title or len(title) > 32:
            continue
        canonical = section_of_title(title, fmt, row_keys)
        if canonical is None:
            continue
        start = m.start(1)
        found.append(
            SectionInfo(
                NUMERAL_VALUES[m.group(1)],
                canonical,
                text.strip().rstrip("|").strip(),
                line.position(start, len(text.strip())),
            )
        )
    # content between one heading and the next (or the end of the text)
    for i, sec in enumerate(found):
        end_line = found[i + 1].position.line - 1 if i + 1 < len(found) else len(doc.lines)
        body = "".join(ln.text for ln in doc.lines[sec.position.line : end_line])
        sec.content_chars = len(_NOT_CONTENT.sub("", body))
        sec.end_line = end_line
    return found
