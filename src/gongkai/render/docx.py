"""Render a :class:`~gongkai.examples.generate.ReportSpec` as a Word (.docx) annual report.

The prose and the table contents come from :mod:`gongkai.render.text` (same labels, same values, same label
variants), the tables' cells and merges from :mod:`gongkai.render.grid`; this module only writes them as Word
paragraphs and tables. Styles:

- ``official``: the tables merged as in the official format — the group labels of table 三 merged
  vertically, 申请人情况 over the applicant columns, 法人或其他组织 over its five columns, table 四's
  行政复议 / 行政诉讼 / 未经复议直接起诉 / 复议后起诉 headers, captions of table 二 over the whole width;
  some long labels are split over two paragraphs of their cell. 三号 body text, as official documents are.
- ``plain``: no merged cells; every row is left-aligned and padded with empty cells to the table width,
  as tables typed row by row look.
- ``grid``: the official grid with every merge undone — a span's text in its first cell, the covered
  positions as empty cells (a dense table as some converters write it). Leading empty label cells next to
  blank value cells are ambiguous to the parser, so use it with specs without blank cells
  (:data:`BLANK_CAPABLE_STYLES`).

``render_docx(spec, production=True)`` is a user's report instead: always the official layout and labels,
the author's texts only, title centred, organisation and date at the end, page numbers in the footer.

Every cell has grid borders (the PDF reader finds ruling lines in PDFs made from these files). The body is
built as one XML string and parsed once: python-docx's ``Table.cell()`` is O(n²) and per-run API calls are
slow, and a report is rendered in about 20 ms this way.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Twips

from gongkai.spec import ReportSpec
from gongkai.render import text as rt
from gongkai.render.grid import Grid, GridCell, layout_tables
from gongkai.standard.labels import numbered_heading

DOCX_STYLES: tuple[str, ...] = ("official", "plain", "grid")
# styles whose tables the parser reads back with blank value cells too (see the module docstring)
BLANK_CAPABLE_STYLES: frozenset[str] = frozenset({"official", "plain"})

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PAGE_W, _PAGE_H, _MARGIN = 11906, 16838, 1531  # A4 in twips, 2.7 cm side margins
_TEXT_W = _PAGE_W - 2 * _MARGIN


@dataclass(frozen=True)
class _Look:
    body_font: str
    heading_font: str
    body_size: int  # half-points
    table_size: int
    title_size: int
    split_labels: bool  # long labels in two paragraphs of their cell
    # character spacing (twips) in value cells: the PDF's text layer then shows "19" as two glyph runs, as in
    # PDFs whose converter positions every glyph on its own
    digit_spacing: int = 0


_LOOKS = {
    "official": _Look("Noto Serif CJK SC", "Noto Sans CJK SC", 32, 20, 40, True),
    "plain": _Look("Noto Sans CJK SC", "Noto Sans CJK SC", 24, 18, 32, False),
    "grid": _Look("Noto Serif CJK SC", "Noto Sans CJK SC", 28, 18, 36, False),
}


# ---------------------------------------------------------------------------------------------------- widths

_LAYOUT_OF = {"official": "official", "plain": "plain", "grid": "unmerged"}  # docx style -> grid layout


def _even_widths(n: int, first: int = 0) -> tuple[int, ...]:
    if first:
        rest = (_TEXT_W - first) // (n - 1)
        return (first, *([rest] * (n - 1)))
    return tuple([_TEXT_W // n] * n)


def _official_widths(grid: Grid) -> tuple[int, ...]:
    if grid.name == "proactive":
        return _even_widths(grid.n_cols, 3200)
    if grid.name == "requests":  # narrow group-label columns, a wide row-label column, narrow values
        depth, n_values = grid.n_labels - 1, grid.n_cols - grid.n_labels
        return (620,) * depth + (_TEXT_W - 620 * depth - 640 * n_values,) + (640,) * n_values
    return _even_widths(grid.n_cols)


def _widths(grid: Grid, style: str) -> tuple[int, ...]:
    """Twips per grid column of ``grid`` in ``style``."""
    if style == "plain":
        return _even_widths(grid.n_cols, 3000 if grid.name != "appeals" else 0)
    widths = list(_official_widths(grid))
    wide = next((i for i, w in enumerate(widths) if w > 1000), 0)
    if style == "grid" and wide > 0:
        # the narrow group-label columns now hold whole row labels too: share the label width evenly
        share = sum(widths[: wide + 1]) // (wide + 1)
        widths[: wide + 1] = [share] * (wide + 1)
    return tuple(widths)


# ---------------------------------------------------------------------------------------------------- xml


def _run(text: str, size: int, bold: bool = False, font: str | None = None, spacing: int = 0) -> str:
    props = f'<w:spacing w:val="{spacing}"/>' if spacing else ""
    if font:
        props += f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>'
    if bold:
        props += "<w:b/>"
    props += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _para(
    text: str,
    size: int,
    *,
    align: str | None = None,
    bold: bool = False,
    font: str | None = None,
    indent: bool = False,
    spacing: int = 0,
) -> str:
    ppr = ""
    if indent:
        ppr += f'<w:ind w:firstLine="{size * 20}"/>'  # two characters: size is in half-points
    if align:
        ppr += f'<w:jc w:val="{align}"/>'
    runs = _run(text, size, bold, font, spacing) if text else ""
    return f"<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>" if ppr else f"<w:p>{runs}</w:p>"


def _split_label(text: str) -> list[str]:
    """A long label as two paragraphs, cut after its enumerator or in the middle."""
    for mark in ("）", "、"):
        i = text.find(mark)
        if 0 < i < len(text) - 2 and i < 6:
            return [text[: i + 1], text[i + 1 :]]
    return [text[: len(text) // 2], text[len(text) // 2 :]]


def _cell_xml(
    cell: GridCell, width: int, look: _Look, rng: random.Random, *, gridspan: int = 1, vmerge: str | None = None
) -> str:
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if gridspan > 1:
        tcpr += f'<w:gridSpan w:val="{gridspan}"/>'
    if vmerge == "restart":
        tcpr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        tcpr += "<w:vMerge/>"
    tcpr += '<w:vAlign w:val="center"/>'
    text = cell.text if vmerge != "continue" else ""
    lines = [text]
    if text and cell.kind == "header" and look.split_labels and len(text) >= 8 and rng.random() < 0.25:
        lines = _split_label(text)
    align = "left" if cell.kind == "header" and cell.colspan > 1 and len(text) > 14 else "center"
    spacing = look.digit_spacing if cell.kind != "header" else 0
    body = "".join(_para(t, look.table_size, align=align, spacing=spacing) for t in lines)
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{body}</w:tc>"


_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def _table_xml(grid: Grid, widths: tuple[int, ...], look: _Look, rng: random.Random) -> str:
    origin: dict[tuple[int, int], GridCell] = {(c.row, c.col): c for c in grid.cells}
    covered = grid.covered()  # below an origin: a vertical merge continues; right of it: part of a gridSpan
    parts = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>',
        f'<w:tblBorders>{_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>',
    ]
    parts.extend(f'<w:gridCol w:w="{w}"/>' for w in widths)
    parts.append("</w:tblGrid>")
    for r in range(grid.n_rows):
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for k in range(grid.n_cols):
            by = covered.get((r, k))
            if by is not None and k > by.col:
                continue
            cell = origin.get((r, k))
            if cell is not None:
                width = sum(widths[k : k + cell.colspan])
                vmerge = "restart" if cell.rowspan > 1 else None
                parts.append(_cell_xml(cell, width, look, rng, gridspan=cell.colspan, vmerge=vmerge))
            else:
                assert by is not None, (r, k)  # a grid position is a cell's origin or covered by one
                width = sum(widths[k : k + by.colspan])
                parts.append(_cell_xml(by, width, look, rng, gridspan=by.colspan, vmerge="continue"))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------------- document


def _body_xml(spec: ReportSpec, rng: random.Random, style: str, look: _Look) -> str:
    out: list[str] = []

    def prose(paras: list[str]) -> None:
        out.extend(_para(p, look.body_size, indent=True, align="both") for p in paras)

    if rng.random() < 0.5:
        out.append(_para(rt.title(spec), look.title_size, align="center", bold=True, font=look.heading_font))
    else:
        out.append(_para(spec.organization, look.title_size, align="center", bold=True, font=look.heading_font))
        out.append(
            _para(
                f"{spec.year}年政府信息公开工作年度报告",
                look.title_size,
                align="center",
                bold=True,
                font=look.heading_font,
            )
        )
    if rng.random() < 0.3:
        out.extend(_para(m, look.table_size) for m in rt.metadata_lines(spec, rng))
    if rng.random() < 0.7 or spec.is_rollup:
        prose(rt.preamble_paragraphs(spec, rng))

    tables = rt.build_tables(spec, rt.Style.draw(rng), rng)
    grids = layout_tables(tables, spec.format, _LAYOUT_OF[style])
    for section in spec.format.sections:
        out.append(
            _para(
                numbered_heading(section.no, section.title),
                look.body_size,
                bold=True,
                font=look.heading_font,
                indent=True,
            )
        )
        prose(rt.section_paragraphs(spec, section.no, rng))
        if section.no in rt.TABLE_OF:
            grid = grids[rt.TABLE_OF[section.no]]
            out.append(_table_xml(grid, _widths(grid, style), look, rng))
            out.append(_para("", look.body_size))  # Word needs a paragraph between two tables
    if spec.published is not None and rng.random() < 0.6:
        out.append(_para(spec.organization, look.body_size, align="right"))
        out.append(_para(rt._date_text(spec.published, rng), look.body_size, align="right"))
    return "".join(out)


# The look of a report an agency publishes: 仿宋-like serif 三号 body, 黑体-like headings, 小标宋-like 二号 title,
# 五号 tables; no random splitting of labels.
_PRODUCTION = _Look("Noto Serif CJK SC", "Noto Sans CJK SC", 32, 21, 44, False)


def _date_cn(spec: ReportSpec) -> str:
    d = spec.published
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _production_body_xml(spec: ReportSpec, look: _Look) -> str:
    """The official report, the same every time: title, preamble, the six sections with their headings and
    tables in the official merged layout, the organisation and date. Only the author's texts are prose."""
    rng = random.Random(0)  # official labels draw nothing that matters; the builders want an rng
    out = [
        _para(rt.title(spec), look.title_size, align="center", bold=True, font=look.heading_font),
        _para("", look.body_size),
    ]
    out.extend(
        _para(p, look.body_size, indent=True, align="both") for p in rt.preamble_paragraphs(spec, rng, production=True)
    )
    grids = layout_tables(rt.build_tables(spec, rt.Style(), rng), spec.format, "official")
    for section in spec.format.sections:
        out.append(
            _para(
                numbered_heading(section.no, section.title),
                look.body_size,
                bold=True,
                font=look.heading_font,
                indent=True,
            )
        )
        out.extend(
            _para(p, look.body_size, indent=True, align="both")
            for p in rt.section_paragraphs(spec, section.no, rng, production=True)
        )
        if section.no in rt.TABLE_OF:
            grid = grids[rt.TABLE_OF[section.no]]
            out.append(_table_xml(grid, _widths(grid, "official"), look, rng))
            out.append(_para("", look.body_size))  # Word needs a paragraph between two tables
    out.append(_para("", look.body_size))
    out.append(_para(spec.organization, look.body_size, align="right"))
    if spec.published is not None:
        out.append(_para(_date_cn(spec), look.body_size, align="right"))
    return "".join(out)


def render_docx(
    spec: ReportSpec,
    rng: random.Random | None = None,
    *,
    style: str = "official",
    production: bool = False,
    digit_spacing: int = 0,
) -> bytes:
    """The report as the bytes of a .docx file. Deterministic for a given spec, rng state and style.

    ``digit_spacing``: character spacing (twips) in the value cells, so that a PDF made from the file has
    its numbers as separate glyph runs (0: none).

    ``production``: the report as an agency publishes it (see :func:`_production_body_xml`) — official
    layout and labels, author texts only, no random variation; ``rng`` and ``style`` are not used.
    """
    if production:
        return _document(spec, _PRODUCTION, _production_body_xml(spec, _PRODUCTION), page_numbers=True)
    if style not in _LOOKS:
        raise ValueError(f"unknown DOCX style {style!r}; choose one of {', '.join(DOCX_STYLES)}")
    if rng is None:
        raise ValueError("render_docx needs an rng unless production=True")
    look = replace(_LOOKS[style], digit_spacing=digit_spacing)
    return _document(spec, look, _body_xml(spec, rng, style, look))


# "— 1 —" centred in the footer, as official documents number their pages
_PAGE_FOOTER = (
    f'<w:p xmlns:w="{_W_NS}"><w:pPr><w:jc w:val="center"/></w:pPr>'
    '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">— </w:t></w:r>'
    '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r>'
    '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r>'
    '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r>'
    '<w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve"> —</w:t></w:r></w:p>'
)


def _document(spec: ReportSpec, look: _Look, body_xml: str, *, page_numbers: bool = False) -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Twips(_PAGE_W), Twips(_PAGE_H)
    section.left_margin = section.right_margin = Twips(_MARGIN)
    section.top_margin = section.bottom_margin = Twips(1440)
    if page_numbers:
        footer = section.footer._element
        for child in list(footer):
            footer.remove(child)
        footer.append(parse_xml(_PAGE_FOOTER))
        document.core_properties.title = rt.title(spec)
    normal = document.styles["Normal"]
    normal.font.name = look.body_font
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), look.body_font)

    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    parsed = parse_xml(f'<w:body xmlns:w="{_W_NS}">{body_xml}</w:body>')
    sect_pr = body.find(qn("w:sectPr"))
    for child in list(parsed):
        sect_pr.addprevious(child)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_timestamps(buffer.getvalue())


def _fixed_timestamps(package: bytes) -> bytes:
    """The package with every member dated 1980-01-01, so the same spec always gives the same bytes
    (python-docx stamps members with the time of saving)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


__all__ = ["BLANK_CAPABLE_STYLES", "DOCX_STYLES", "render_docx"]
