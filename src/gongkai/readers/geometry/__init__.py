"""Positioned words and ruling lines → paragraphs and table grids.

Shared by the PDF reader (words from the text layer) and the OCR reader (words from recognised boxes):
both hand over words with boxes and, where known, the ruling lines of tables; this package rebuilds the
reading order, the tables (from ruling lines where present, from word alignment where not) and the
paragraphs, as :mod:`gongkai.readers.blocks` blocks.

Modules, one job each: :mod:`.words` (the inputs), :mod:`.lines` (words → text lines), :mod:`.lattice`
(tables from ruling lines), :mod:`.stream` (tables from aligned words), :mod:`.paragraphs`,
:mod:`.furniture` (page numbers, running headers), :mod:`.page` (one page), :mod:`.pages` (a document:
tables and sentences broken by a page joined).

Entry points: :func:`build_blocks` for one page, :func:`layout_pages` for a whole document.
"""

from gongkai.readers.geometry.furniture import is_page_number
from gongkai.readers.geometry.lines import TextLine, group_lines
from gongkai.readers.geometry.page import build_blocks
from gongkai.readers.geometry.pages import join_tables, layout_pages
from gongkai.readers.geometry.words import PageInput, Ruling, Word

__all__ = [
    "PageInput",
    "Ruling",
    "TextLine",
    "Word",
    "build_blocks",
    "group_lines",
    "is_page_number",
    "join_tables",
    "layout_pages",
]
