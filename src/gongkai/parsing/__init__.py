"""Document → report data: sections, the three tables' cells with positions, metadata, narrative figures.

The parser states what the document says. It never checks, infers or corrects; that is ``gongkai.checks``.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cache
from typing import Any

from gongkai.document import Document
from gongkai.model import Report, SectionInfo
from gongkai.parsing.labels import key
from gongkai.parsing.metadata import extract_metadata
from gongkai.parsing.narrative import extract_narrative
from gongkai.parsing.reading import mark_reader_made, reading_report
from gongkai.parsing.sections import find_sections
from gongkai.parsing.tables import parse_tables
from gongkai.parsing.tokens import tokenize
from gongkai.standard import get_format
from gongkai.standard.labels import ARTICLE_20_CAPTION, numeral

__all__ = ["parse_document", "parse_text"]


@cache
def _row_keys() -> frozenset[str]:
    f21, f19 = get_format("2021"), get_format("2019")
    keys = {key(r.label) for f in (f21, f19) for r in (*f.request_rows, *f.proactive_rows)}
    keys |= {key(g.label) for f in (f21, f19) for g in f.request_groups}
    return frozenset(k for k in keys if len(k) >= 4)


@cache
def _known_labels() -> frozenset[str]:
    """Keys of every heading and label a cut-off text may end in the middle of."""
    f21, f19 = get_format("2021"), get_format("2019")
    keys = {key(numeral(s.no) + s.title) for s in f21.sections}
    keys |= {key(s.title) for s in f21.sections}
    for f in (f21, f19):
        keys |= {key(r.label) for r in (*f.proactive_rows, *f.request_rows)}
        keys |= {key(a) for r in (*f.proactive_rows, *f.request_rows) for a in r.aliases}
        keys |= {key(g.label) for g in f.request_groups}
        keys |= {key(c) for c in f.proactive_captions}
        keys.add(key(f.request_note))
    return frozenset(keys)


def _ends_mid_label(doc: Document) -> bool:
    """True when the text stops inside a heading or label ('五、存在的主', '(四)无法')."""
    last = next((ln.text for ln in reversed(doc.lines) if ln.text.strip(" |\t")), "")
    k = key(last.strip().strip("|").split("|")[-1])
    return bool(k) and any(lk.startswith(k) and lk != k for lk in _known_labels())


def _token_index_at_line(token_lines: list[int], line: int) -> int:
    """Index of the first token on or after ``line``."""
    return bisect_left(token_lines, line)


_CAPTION_TEXT = ARTICLE_20_CAPTION


def _tables_start(doc: Document, sections: list[SectionInfo]) -> int:
    """Offset of the line where the tables can begin (section 二 or the first 第二十条 caption); the prose
    before it is not tokenized."""
    candidates = [doc.lines[s.position.line - 1].offset for s in sections if s.canonical == 2]
    m = _CAPTION_TEXT.search(doc.text)
    if m:
        candidates.append(doc.text.rfind("\n", 0, m.start()) + 1)
    return min(candidates) if candidates else 0


def parse_document(doc: Document) -> Report:
    f21 = get_format("2021")
    sections = find_sections(doc, f21, _row_keys())
    tokens = tokenize(doc, _tables_start(doc, sections))
    token_lines = [t.line for t in tokens]
    section_starts: dict[int, int] = {}
    for s in sections:
        section_starts.setdefault(s.canonical, _token_index_at_line(token_lines, s.position.line))
    tables = parse_tables(tokens, section_starts, doc.lines)

    report = Report(source=doc.source, text=doc.text)
    report.cells = tables.cells
    report.tables = tables.tables
    report.issues = tables.issues
    report.sections = sections

    v2, v3 = tables.proactive_variant, tables.requests_variant
    variants = {v for v in (v2, v3) if v}
    report.format = variants.pop() if len(variants) == 1 else ("mixed" if variants else "unknown")

    first = next((s.position.line for s in sections if s.canonical == 1), None)
    meta = extract_metadata(doc, first)
    report.organization, report.year = meta.organization, meta.year
    report.is_rollup, report.published = meta.is_rollup, meta.published
    report.metadata_positions = dict(meta.positions)

    last_section = sections[-1] if sections else None
    heading_at_end = (
        last_section is not None
        and last_section.canonical < 6
        and last_section.content_chars == 0
        and last_section.position.line >= tokens[-1].line
        if tokens
        else False
    )
    report.truncated = tables.cut_inside_table or _ends_mid_label(doc) or heading_at_end
    if report.truncated and tokens:
        report.cut_at = tokens[-1].position

    report.narrative = extract_narrative(doc, sections, tables.line_ranges)
    if doc.anchors:
        _attach_sources(report, doc)
    report.pages = doc.pages
    report.media_type = doc.media_type
    report.notes = list(doc.notes) + list(meta.notes)
    mark_reader_made(report, doc)
    report.reading = reading_report(doc, report, tables)
    return report


def _attach_sources(report: Report, doc: Document) -> None:
    """Give every position the page/box/DOM path of the original file (structured readers only)."""
    item: Any  # cells, sections, tables, issues and figures: everything with a position
    for item in (*report.cells.values(), *report.sections, *report.tables.values(), *report.issues, *report.narrative):
        item.position = doc.enrich(item.position)
    report.cut_at = doc.enrich(report.cut_at)
    report.metadata_positions = {k: doc.enrich(v) for k, v in report.metadata_positions.items()}


def parse_text(text: str, source: str = "<memory>") -> Report:
    return parse_document(Document.from_text(text, source=source))
