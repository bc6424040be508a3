"""Figures stated in the prose (新收17件, 予以公开46件, 行政复议43件 …) with the position of the number.

Precision over recall: only unambiguous phrasings are mapped, each to one term. Terms: received, carried_over,
closed, carried_forward, granted, partially_granted, granted_and_partial, withheld, unavailable,
not_processed, other_handling, review, litigation, regulations_made, normative_made, normative_repealed,
normative_in_force. Table lines (given ranges, or lines containing '|') and sections 五/六 are not read.
Prose lines are joined (PDF text wraps sentences), so a phrase may span lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from gongkai.document import Document, Line, Position
from gongkai.model import NarrativeFigure, SectionInfo
from gongkai.readers.limits import check_digit_run

# (?<!\d): a number starts where its digits start, so a long digit run is scanned once, not once per digit
_NUM = r"(?<!\d)(?P<num>\d{1,3}(?:,\d{3})+|\d+)"
_SP = r"[ \u3000\u00a0]*"
_W = r"[^，,。；;：:、（）()\n\d]"  # a window character: no clause punctuation, no digit
_UNIT = r"(?:件|宗|条)"
_CASES = r"(?:件|起|宗)"

# (term, pattern); earlier patterns win where matches overlap.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (t, re.compile(p))
    for t, p in (
        (
            "granted_and_partial",
            rf"(?:予以公开|全部公开)(?:及|和|与|、|加)部分公开(?:的)?(?:申请)?(?:共)?{_SP}{_NUM}{_SP}件",
        ),
        (
            "carried_forward",
            rf"结转(?:到|至)?下(?:一)?年(?:度)?(?:继续)?(?:办理)?(?:的)?(?:申请)?(?:共)?{_SP}{_NUM}{_SP}件",
        ),
        ("carried_forward", rf"顺延(?:到|至)?下(?:一)?年(?:度)?(?:办理)?(?:的)?(?:申请)?{_SP}{_NUM}{_SP}件"),
        ("carried_forward", rf"{_NUM}{_SP}件(?:申请)?顺延(?:到|至)下(?:一)?年"),
        ("carried_over", rf"上(?:一)?年(?:度)?结转(?P<w>{_W}{{0,14}}?){_SP}{_NUM}{_SP}件"),
        ("received", rf"新收(?:到)?(?P<w>{_W}{{0,20}}?){_SP}{_NUM}{_SP}{_UNIT}"),
        ("received", rf"(?:受理|收到|接收)(?P<w>{_W}{{0,20}}?){_SP}{_NUM}{_SP}{_UNIT}"),
        ("received", rf"(?:受理|收到|接收){_SP}{_NUM}{_SP}(?:件|宗)(?=(?:依申请|政府信息公开申请|信息公开申请|申请))"),
        ("closed", rf"(?:办结|答复)(?P<w>{_W}{{0,14}}?){_SP}{_NUM}{_SP}件"),
        ("granted", rf"(?<![部分不])予以公开(?:的)?(?:申请)?{_SP}{_NUM}{_SP}件"),
        ("partially_granted", rf"部分公开(?:的)?(?:申请)?{_SP}{_NUM}{_SP}件"),
        ("withheld", rf"不予公开(?:的)?(?:申请)?{_SP}{_NUM}{_SP}件"),
        ("unavailable", rf"无法提供(?:的)?(?:申请)?{_SP}{_NUM}{_SP}件"),
        ("not_processed", rf"不予处理(?:的)?(?:申请)?{_SP}{_NUM}{_SP}件"),
        ("other_handling", rf"其他处理(?:的)?(?:申请)?{_SP}{_NUM}{_SP}件"),
        ("review", rf"行政复议(?:案件|申请)?{_SP}{_NUM}{_SP}{_CASES}"),
        ("litigation", rf"行政诉讼(?:案件)?{_SP}{_NUM}{_SP}{_CASES}"),
        ("regulations_made", rf"(?:制定|制发|出台)(?:了)?(?:政府)?规章{_SP}{_NUM}{_SP}件"),
        ("normative_made", rf"(?:制定|制发|出台|印发)(?:了)?(?:行政)?规范性文件{_SP}{_NUM}{_SP}件"),
        ("normative_repealed", rf"废止(?:了)?(?:行政)?规范性文件{_SP}{_NUM}{_SP}件"),
        ("normative_in_force", rf"现行有效(?:的)?(?:行政)?规范性文件{_SP}{_NUM}{_SP}件"),
    )
)
# "no applications this year": received 0
_NONE_RECEIVED = re.compile(
    r"(?:未|没有)(?:收到|受理|接到|接收)(?:过|到)?(?:任何)?(?:形式的)?"
    rf"{_W}{{0,10}}?(?:政府信息公开申请|依申请公开|信息公开申请|公开申请|申请公开政府信息)"
)
_NONE_CARRIED = re.compile(r"(?:无|没有)上(?:一)?年(?:度)?结转(?:的)?(?:政府信息公开)?申请")
# Window words that make a 收到/受理/答复 phrase about something other than this year's applications.
_OFF_TOPIC = ("咨询", "留言", "信件", "来信", "来电", "投诉", "举报", "复议", "诉讼", "提案", "建议", "许可", "热线")
_AMBIGUOUS_SENTENCE = ("结转", "累计", "含上年")
_CLAUSE_END = re.compile(r"[，,。；;]")


def _prose(
    doc: Document, sections: list[SectionInfo], tables_span: list[tuple[int, int]] | None
) -> tuple[str, list[int], list[Line]]:
    """Joined prose text and a map from its offsets to (line, column) segments."""
    skip: set[int] = set()
    for first, last in tables_span or ():
        skip.update(range(first, last + 1))
    ordered = sorted(sections, key=lambda s: s.position.line)
    headings = {s.position.line for s in ordered}
    for i, s in enumerate(ordered):
        if s.canonical in (5, 6):
            end = ordered[i + 1].position.line - 1 if i + 1 < len(ordered) else len(doc.lines)
            skip.update(range(s.position.line, end + 1))
    parts: list[str] = []
    starts: list[int] = []  # offset in the joined text where each line's segment starts
    lines: list[Line] = []
    length = 0
    for line in doc.lines:
        text = line.text
        if line.number in skip or "|" in text or not text.strip():
            continue
        heading = line.number in headings
        if heading and parts:
            parts.append("\n")
            length += 1
        starts.append(length)
        lines.append(line)
        parts.append(text)
        length += len(text)
        if heading:
            parts.append("\n")
            length += 1
    return "".join(parts), starts, lines


def _position(starts: list[int], lines: list[Line], offset: int, length: int) -> Position:
    i = bisect_right(starts, offset) - 1
    line = lines[i]
    return line.position(offset - starts[i], length)


def _sentence(text: str, start: int, end: int) -> str:
    a = max(text.rfind(c, 0, start) for c in "。；;\n") + 1
    ends = [i for i in (text.find(c, end) for c in "。；;\n") if i >= 0]
    return text[a : min(ends) if ends else len(text)]


def _accept(term: str, m: re.Match[str], text: str) -> bool:
    window = m.groupdict().get("w") or ""
    if any(w in window for w in _OFF_TOPIC):
        return False
    if term == "received" and m.group(0)[:2] != "新收":
        if "w" in m.groupdict() and "申请" not in window:
            return False
        if any(w in window for w in ("答复", "办结", "办理", "处理")):
            return False
        if any(w in _sentence(text, m.start(), m.end()) for w in _AMBIGUOUS_SENTENCE):
            return False
    elif term == "received" and window.strip() and "申请" not in window and "政府信息" not in window:
        return False
    if term == "closed" and window.strip() and "申请" not in window:
        return False
    if term == "carried_over" and "下" in window:
        return False
    return True


def _value(num: str) -> int:
    digits = num.replace(",", "")
    check_digit_run(digits)
    return int(digits)


def extract_narrative(
    doc: Document, sections: list[SectionInfo], tables_span: list[tuple[int, int]] | None = None
) -> list[NarrativeFigure]:
    text, starts, lines = _prose(doc, sections, tables_span)
    if not text:
        return []
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, NarrativeFigure]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for term, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()) or not _accept(term, m, text):
                continue
            taken.append((m.start(), m.end()))
            a, b = m.span("num")
            found.append(
                (
                    m.start(),
                    NarrativeFigure(term, _value(m.group("num")), m.group(0), _position(starts, lines, a, b - a)),
                )
            )
    for term, pattern in (("received", _NONE_RECEIVED), ("carried_over", _NONE_CARRIED)):
        for m in pattern.finditer(text):
            clause_end = _CLAUSE_END.search(text, m.end())
            clause = text[m.start() : clause_end.start() if clause_end else len(text)]
            if any(w in clause for w in ("复议", "诉讼", "投诉", "举报")) or not free(m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            found.append(
                (
                    m.start(),
                    NarrativeFigure(term, 0, m.group(0), _position(starts, lines, m.start(), m.end() - m.start())),
                )
            )
    found.sort(key=lambda x: x[0])
    return [f for _, f in found]
