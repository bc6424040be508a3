"""One page: tables (lattice, then stream) and paragraphs, top to bottom."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.readers.blocks import Block, Paragraph
from gongkai.readers.geometry.furniture import drop_page_numbers
from gongkai.readers.geometry.lattice import lattice_tables
from gongkai.readers.geometry.lines import group_lines
from gongkai.readers.geometry.paragraphs import HEADING, paragraphs
from gongkai.readers.geometry.stream import Bands, stream_tables
from gongkai.readers.geometry.words import Ruling, Word


def build_blocks(words: list[Word], rulings: list[Ruling], page_size: tuple[float, float], page_no: int) -> list[Block]:
    """One page: tables (from ruling lines, else from aligned numbers) and paragraphs, top to bottom.
    Page numbers are dropped; running headers need the other pages (see :func:`layout_pages`)."""
    return page_blocks(words, rulings, page_size, page_no).blocks


@dataclass(slots=True)
class PageBlocks:
    blocks: list[Block]
    open_end: bool = False  # the last block is a paragraph whose last line fills the text width
    flush_start: bool = False  # the first block is a paragraph starting flush left (not a new paragraph)
    last_bands: Bands | None = None  # value columns of the last block when it is a table without lines


def page_blocks(
    words: list[Word], rulings: list[Ruling], page_size: tuple[float, float], page_no: int, carry: Bands | None = None
) -> PageBlocks:
    """The blocks of one page; ``carry`` are the value columns of a table without lines ending the previous
    page (see :func:`~gongkai.readers.geometry.stream.stream_tables`)."""
    _, height = page_size
    tables, rest = lattice_tables([w for w in words if w.text.strip()], rulings, page_no)
    blocks: list[tuple[float, Block]] = list(tables)
    lines = drop_page_numbers(group_lines(rest), height)
    stream, lines, bands = stream_tables(lines, page_no, carry)
    blocks.extend(stream)
    blocks.extend(paragraphs(lines, [top for top, _ in blocks], page_no))
    blocks.sort(key=lambda b: b[0])
    out = PageBlocks([b for _, b in blocks])
    if stream and out.blocks[-1] is stream[-1][1]:
        out.last_bands = bands
    if lines and out.blocks:
        left, right = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
        first, last = lines[0], lines[-1]
        h_first, h_last = first.bottom - first.top, last.bottom - last.top
        # the text width is only known from two or more lines reaching it
        full = sum(1 for ln in lines if ln.x1 >= right - 1.5 * (ln.bottom - ln.top))
        out.open_end = (
            isinstance(out.blocks[-1], Paragraph)
            and full >= 2
            and last.x1 >= right - 1.5 * h_last
            and not last.text.endswith(("。", "！", "？"))
        )
        out.flush_start = (
            isinstance(out.blocks[0], Paragraph) and first.x0 <= left + 0.8 * h_first and not HEADING.match(first.text)
        )
    return out


__all__ = ["PageBlocks", "build_blocks", "page_blocks"]
