"""Render a :class:`~gongkai.examples.generate.ReportSpec` as the plain text of a complete annual report, in one
of the layouts the parser reads (used by the examples, the round-trip tests, the benchmarks and the fuzzer).

The text imitates what readers get from real reports: web pages copied as text (``pipe_rows``,
``markdown``, ``cell_per_line``, ``row_opener``, ``blank_line_cells``, ``line_cells``), transcripts that
split tables 三 and 四 into small markdown tables (``split_tables``) and PDF text extraction (``pdf_text``). Every layout prints every cell of the format in the standard row and column order.
The tables and the prose come from :mod:`gongkai.render.text`.

Blank cells (``None``) print as empty cells: in ``blank_line_cells`` (every cell followed by a blank line) an
empty cell is one more blank line and its separator; in ``line_cells`` (one cell per line, no blank lines
otherwise) it is one blank line. ``pdf_text`` cannot show an empty cell (it would simply vanish), so it refuses
specs with blank cells: see :data:`BLANK_CAPABLE`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from gongkai.render.text import (
    TABLE_OF,
    Style,
    Table,
    TRow,
    _date_text,
    build_tables,
    metadata_lines,
    preamble_paragraphs,
    section_paragraphs,
    title,
)
from gongkai.spec import ReportSpec
from gongkai.standard.labels import NUMERAL_CHARS, numbered_heading

LAYOUTS: tuple[str, ...] = (
    "pipe_rows",
    "markdown",
    "cell_per_line",
    "row_opener",
    "blank_line_cells",
    "pdf_text",
    "line_cells",
    "split_tables",
)
BLANK_CAPABLE: frozenset[str] = frozenset(
    {"pipe_rows", "markdown", "cell_per_line", "row_opener", "blank_line_cells", "line_cells", "split_tables"}
)


# ---------------------------------------------------------------------------------------------------- layouts
# Each table renderer returns blocks: lists of lines that belong together (a page break never splits one).

Blocks = list[list[str]]


def _pipe_rows(table: Table, rng: random.Random) -> Blocks:
    width = table.width + rng.choice((0, 0, 1))
    out = []
    for row in table.rows:
        filler = width - len(row.cells)
        out.append([" | ".join(row.cells) + " |" + (" " + "|" * filler if filler > 0 else "")])
    return out


def _markdown(table: Table, rng: random.Random) -> Blocks:
    out = []
    for i, row in enumerate(table.rows):
        out.append(["| " + " | ".join(row.cells) + " |"])
        if i == 0:
            out[-1].append("|" + "---|" * len(row.cells))
    return out


def _cell_per_line(table: Table, rng: random.Random) -> Blocks:
    filler_rate = rng.choice((0.0, 0.5, 1.0))
    out = []
    for row in table.rows:
        lines = [f"{c} |" if c else "|" for c in row.cells]
        if len(row.cells) < table.width and rng.random() < filler_rate:
            lines.append("||")
        out.append(lines)
    return out


def _row_opener(table: Table, rng: random.Random) -> Blocks:
    return [["|", *(f"{c} |" if c else " |" for c in row.cells)] for row in table.rows]


def _blank_line_cells(table: Table, rng: random.Random) -> Blocks:
    out = []
    for row in table.rows:
        lines: list[str] = []
        for c in row.cells:
            lines.extend((c, ""))
        out.append(lines)
    return out


def _line_cells(table: Table, rng: random.Random) -> Blocks:
    """One cell per line and nothing else: an empty cell is an empty line (a portal page copied as text)."""
    return [list(row.cells) for row in table.rows]


def _md_row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_table(header: list[str], rows: list[tuple[str, ...]]) -> list[str]:
    return [_md_row(header), "|" + "---|" * len(header), *(_md_row(r) for r in rows)]


def _split_tables(table: Table, rng: random.Random) -> Blocks:
    """Tables 三 and 四 as a transcript splits them: 三 one small table per result group (the group label as
    a title line, the columns headed 数据1… or by their names again), 四 one table per group."""
    if table.name == "proactive":
        return _markdown(table, rng)
    if table.name == "appeals":
        columns = list(table.rows[2].cells[:5])
        groups = [table.rows[0].cells[0], *(c for c in table.rows[1].cells if c not in columns)]
        values = table.rows[3].cells
        return [[g, *_md_table(columns, [values[5 * i : 5 * i + 5]])] for i, g in enumerate(groups)]
    headers = [r for r in table.rows if r.kind == "header"]
    top, nested = headers[1].cells, headers[2].cells
    names = [top[0], *nested, top[-1]]
    numbered = rng.random() < 0.5
    head = ["情形", *(f"数据{i}" for i in range(1, len(names) + 1))] if numbered else ["情形", *names]
    out: Blocks = [_markdown(Table(table.name, tuple(headers)), rng)[0]]
    first = True
    segment: list[tuple[str, ...]] = []
    titles: list[str] = []
    for row in (r for r in table.rows if r.kind == "data"):
        if row.n_labels > 1 or first:
            if segment:
                out.append([*titles, *_md_table(head, segment)])
            titles, segment, first = list(row.cells[: row.n_labels - 1]), [], False
        segment.append(row.cells[row.n_labels - 1 :])
    out.append([*titles, *_md_table(head, segment)])
    return out


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _vertical(label: str, rng: random.Random) -> list[str]:
    """A rowspan label as a narrow PDF column prints it: an enumerator line, then two or three characters a line."""
    m = re.match(rf"^([（(][{NUMERAL_CHARS}]+[）)])(.*)$", label)
    size = rng.choice((2, 3))
    if m:
        return [m.group(1), *_chunks(m.group(2), size)]
    return [label[:3], *_chunks(label[3:], size)] if len(label) > 3 else [label]


def _pdf_header(table: Table, row: TRow, rng: random.Random) -> list[str]:
    if table.name == "proactive":
        return [" ".join(row.cells)]
    if table.name == "appeals":
        result_columns = set(table.rows[2].cells)
        lines: list[str] = []
        words: list[str] = []
        for c in row.cells:
            if c in result_columns:  # a result column header: one character a line
                if words:
                    lines.append(" ".join(words))
                    words = []
                lines.extend(c)
            else:
                words.append(c)
        if words:
            lines.append(" ".join(words))
        return lines
    lines = []
    for c in row.cells:
        lines.extend(_chunks(c, 20) if len(c) > 12 else _chunks(c, 2) if len(c) > 3 else [c])
    return lines


def _pdf_rows(table: Table, rng: random.Random) -> Blocks:
    wrap = rng.choice((14, 16, 18))
    values_own_line = rng.random() < 0.6
    out: Blocks = []
    held: list[tuple[int, str]] = []  # (data rows to go, chunk): a vertical label's tail printed beside a later row
    for row in table.rows:
        if row.kind != "data":
            out.append(_pdf_header(table, row, rng) if row.kind == "header" else list(row.cells))
            continue
        lines: list[str] = []
        groups = row.cells[: max(0, row.n_labels - 1)]
        due = [chunk for n, chunk in held if n == 0]
        held = [(n - 1, chunk) for n, chunk in held if n > 0]
        if groups:  # a new group starts: print any held tail on its own line first
            lines.extend(due)
            due = []
        for group, span in zip(groups, row.spans):
            chunks = _vertical(group, rng)
            if span >= 3 and len(chunks) > 2 and rng.random() < 0.3:
                held.append((1, chunks.pop()))
            lines.extend(chunks)
        values = " ".join(row.cells[row.n_labels :])
        label = row.cells[row.n_labels - 1] if row.n_labels else None
        if label is None:
            row_lines = [values]
        elif len(label) <= wrap:
            row_lines = [f"{label} {values}"]
        else:
            parts = _chunks(label, wrap)
            row_lines = parts + [values] if values_own_line else parts[:-1] + [f"{parts[-1]} {values}"]
        if due:
            row_lines[0] = " ".join(due) + " " + row_lines[0]
        out.append(lines + row_lines)
    return out


_TABLE_RENDERERS = {
    "pipe_rows": _pipe_rows,
    "markdown": _markdown,
    "cell_per_line": _cell_per_line,
    "row_opener": _row_opener,
    "blank_line_cells": _blank_line_cells,
    "pdf_text": _pdf_rows,
    "line_cells": _line_cells,
    "split_tables": _split_tables,
}


# ---------------------------------------------------------------------------------------------------- document


def _prose_blocks(paras: list[str], layout: str, pdf: PdfStyle | None) -> Blocks:
    if pdf is not None:
        return [pdf.paragraph(p) for p in paras]
    if layout == "blank_line_cells":
        return [[p, ""] for p in paras]
    return [[p] for p in paras]


@dataclass(frozen=True)
class PdfStyle:
    width: int
    spaced_numbers: bool  # "2023 年": PDF extraction often puts spaces around numbers
    blank_between: bool  # an empty line after every prose line

    def paragraph(self, text: str) -> list[str]:
        if self.spaced_numbers:
            text = re.sub(r"(?<=[^\d\s.])(\d+(?:\.\d+)?)(?=[^\d.])", r" \1 ", text)
        lines = _chunks(text, self.width)
        if self.blank_between:
            return [x for line in lines for x in (line, "")]
        return lines


def _footer(spec: ReportSpec, rng: random.Random) -> str:
    host = f"{spec.region or spec.organization}人民政府办公室"
    return f"主办：{host}  联系电话：0{rng.randint(100, 999)}-{rng.randint(10000000, 99999999)}"


def _paginate(blocks: Blocks, spec: ReportSpec, rng: random.Random) -> list[str]:
    """Insert page numbers (and sometimes a site footer) between blocks every 30-45 lines."""
    pages: list[list[str]] = [[]]
    limit = rng.randint(30, 45)
    for block in blocks:
        if len(pages[-1]) + len(block) > limit and pages[-1]:
            pages.append([])
        pages[-1].extend(block)
    total, style = len(pages), rng.choice(("dash", "of"))
    footer = _footer(spec, rng) if rng.random() < 0.7 else None
    out: list[str] = []
    for no, page in enumerate(pages, start=1):
        out.extend(page)
        if no == total:
            break
        if footer and no % 2 == 1:
            out.append(footer)
        out.append(f"- {no} -" if style == "dash" else f"第 {no} 页 共 {total} 页")
    return out


def render_text(
    spec: ReportSpec,
    layout: str,
    rng: random.Random | None = None,
    variants: bool | None = None,
    hybrid_proactive: bool = False,
) -> str:
    """The full text of a report in ``layout``. Deterministic for a given spec and rng state.

    ``variants`` (default: on when ``rng`` is given) prints label variants seen in the wild: half-width
    brackets, 1、/1． numbering, straight quotes and the aliases the format lists. ``hybrid_proactive`` (a
    2019 spec only) prints table 二 as :func:`gongkai.render.hybrid.hybrid_proactive_table`, with
    :func:`gongkai.render.hybrid.hybrid_proactive_values` instead of the spec's proactive cells.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if layout not in BLANK_CAPABLE and spec.has_blanks:
        raise ValueError(f"layout {layout!r} cannot show blank cells; draw the spec with allow_blank=False")
    use_variants = rng is not None if variants is None else variants
    rng = rng or random.Random(0)
    style = Style.draw(rng) if use_variants else Style()
    pdf = PdfStyle(rng.choice((24, 26, 28)), rng.random() < 0.5, rng.random() < 0.4) if layout == "pdf_text" else None
    tables = build_tables(spec, style, rng, hybrid_proactive)
    table_renderer = _TABLE_RENDERERS[layout]
    sep = [""] if layout == "blank_line_cells" else []

    blocks: Blocks = []
    has_title = rng.random() < 0.85
    has_meta = rng.random() < 0.4 or not has_title
    if has_title:
        if pdf is not None and rng.random() < 0.5:
            blocks.append([spec.organization, "", f"{spec.year}年政府信息公开工作年度报告", ""])
        else:
            blocks.append([title(spec), *sep])
    if has_meta:
        blocks.append([line for m in metadata_lines(spec, rng) for line in (m, *sep)])
    if rng.random() < 0.6 or not has_title or spec.is_rollup:
        blocks.extend(_prose_blocks(preamble_paragraphs(spec, rng), layout, pdf))

    for section in spec.format.sections:
        blocks.append([numbered_heading(section.no, section.title), *sep])
        blocks.extend(_prose_blocks(section_paragraphs(spec, section.no, rng), layout, pdf))
        if section.no in TABLE_OF:
            blocks.extend(table_renderer(tables[TABLE_OF[section.no]], rng))
    if spec.published is not None and rng.random() < 0.5:
        blocks.extend(_prose_blocks([spec.organization, _date_text(spec.published, rng)], layout, None))

    lines = _paginate(blocks, spec, rng) if pdf is not None else [line for b in blocks for line in b]
    return "\n".join(lines).rstrip("\n") + "\n"
