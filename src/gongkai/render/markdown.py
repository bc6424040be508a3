"""Render a :class:`~gongkai.examples.generate.ReportSpec` as the standard report in Markdown.

Always the official content (production): the title, the preamble, the six sections with their headings,
the three tables, the organisation and date. The choices are made so that the file both renders on common
platforms (GitHub, GitLab, VS Code, Typora) and reads back through gongkai's own text parser:

* section headings are setext headings (the heading text alone on its line, ``---`` below): the parser finds
  headings by the line's text, which an ATX ``## `` prefix would hide;
* tables are GitHub pipe tables. Markdown has no merged cells, so each table is flattened: one label column,
  the header rows of the official grid as rows (their first one the pipe table's header row, as wide as the
  table), a top-level row group (三、本年度办理结果) on a row of its own, and a nested group's label
  (（三）不予公开 …) in front of each of its rows' labels. Body rows may be shorter than the header: the
  platforms pad them, and a label row without empty cells keeps the parser's reading unambiguous (an empty
  cell between a label and blank values could belong to either).
"""

from __future__ import annotations

import random

from gongkai.spec import ReportSpec
from gongkai.render.grid import Grid, layout_tables
from gongkai.standard.labels import numbered_heading
from gongkai.render.text import (
    TABLE_OF,
    Style,
    build_tables,
    preamble_paragraphs,
    section_paragraphs,
    title,
)

_LEADING_MARKS = ("#", ">", "-", "+", "*", "=")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _paragraph(text: str) -> str:
    """A prose paragraph on one line; a leading Markdown marker is escaped so that it stays text."""
    text = " ".join(text.split("\n"))
    if text.startswith(_LEADING_MARKS):
        text = "\\" + text
    return text


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def table_rows(grid: Grid) -> list[list[str]]:
    """``grid`` flattened to rows of one label column and the value columns (see the module docstring)."""
    n_labels = grid.n_labels
    shift = max(n_labels - 1, 0)
    width = grid.n_cols - shift

    def col(k: int) -> int:
        return 0 if k < n_labels else k - shift

    rows: list[list[str]] = []
    for cells in grid.rows():
        labels = [c for c in cells if c.kind == "label"]
        values = [c for c in cells if c.kind == "value"]
        if not labels and not values:  # a header row: its texts at their columns
            row = [""] * width
            for c in cells:
                if c.text and not row[col(c.col)]:
                    row[col(c.col)] = c.text
            if any(row):
                rows.append(row)
            continue
        groups = [c for c in cells if c.kind == "header"]
        label = labels[0].text if labels else ""
        if labels and labels[0].col > 0:
            # a nested row: the labels of the groups open on it, innermost last, in front of its own label
            label = " ".join([*_open_groups(grid, labels[0].row, labels[0].col), label])
        for g in groups:
            if g.col == 0:  # a top-level group: its own row, as the merged cell starts above its rows
                rows.append([g.text])
        rows.append([label, *(c.text for c in values)] if labels else [c.text for c in values])
    return rows


def _open_groups(grid: Grid, row: int, upto: int) -> list[str]:
    """The texts of the nested group labels (column ≥ 1) spanning ``row`` in the label columns left of ``upto``."""
    out = []
    for c in grid.cells:
        if c.kind == "header" and 1 <= c.col < upto and c.row <= row < c.row + c.rowspan and c.row >= grid.n_head:
            out.append(c.text)
    return out


def _table(grid: Grid) -> list[str]:
    rows = table_rows(grid)
    width = max(len(r) for r in rows)
    head = rows[0] + [""] * (width - len(rows[0]))
    return [_row(head), "|" + "---|" * width, *(_row(r) for r in rows[1:])]


def _date_text(spec: ReportSpec) -> str:
    d = spec.published
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def render_markdown(spec: ReportSpec) -> bytes:
    """The report as UTF-8 Markdown. Deterministic: production content only (author texts, official labels)."""
    rng = random.Random(0)  # official labels draw nothing that matters; the tables' builder wants an rng
    grids = layout_tables(build_tables(spec, Style(), rng), spec.format, "official")
    lines = [f"# {title(spec)}", ""]
    for p in preamble_paragraphs(spec, rng, production=True):
        lines += [_paragraph(p), ""]
    for section in spec.format.sections:
        heading = numbered_heading(section.no, section.title)
        lines += [heading, "-" * 6, ""]
        for p in section_paragraphs(spec, section.no, rng, production=True):
            lines += [_paragraph(p), ""]
        if section.no in TABLE_OF:
            lines += [*_table(grids[TABLE_OF[section.no]]), ""]
    lines += [_paragraph(spec.organization), ""]
    if spec.published is not None:
        lines += [_date_text(spec), ""]
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")


__all__ = ["render_markdown", "table_rows"]
