"""What structured readers (HTML, DOCX, PDF, OCR) hand over: paragraphs and table grids with their sources.

A reader that understands layout does not produce text directly. It produces :class:`Layout` — paragraphs
and tables whose cells keep their grid position (rowspan/colspan expanded only once, at the span's origin)
and where each came from in the original file (:class:`Source`: page and box, or DOM path, and an OCR
confidence). :mod:`gongkai.readers.assemble` turns a layout into the one :class:`~gongkai.document.Document`
model the parser reads, so every format goes through the same parser and every cell points back to the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.document import BBox, Source  # noqa: F401 - part of what readers hand over
from gongkai.reading import Repair


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of a paragraph's or cell's text with its own source (a PDF text line, an OCR box)."""

    start: int  # offset within the owning text
    length: int
    source: Source


@dataclass(slots=True)
class Paragraph:
    text: str  # may contain "\n" (a <br>, a PDF line break); each line becomes one document line
    source: Source | None = None
    pieces: tuple[Piece, ...] = ()


@dataclass(slots=True)
class TableCell:
    row: int  # 0-based grid row of the cell's top-left corner
    col: int  # 0-based grid column of the cell's top-left corner
    text: str  # the cell's text; line breaks inside a cell are joined by the assembler
    rowspan: int = 1
    colspan: int = 1
    source: Source | None = None
    pieces: tuple[Piece, ...] = ()
    assembled: bool = False  # the reader joined the text from separately positioned pieces (a stacked label)
    # placed by its x-position left of the table's value columns (a stream table's label area): whatever its
    # text ("无" of a vertical 无法提供), it is never a value
    label_area: bool = False


@dataclass(slots=True)
class Table:
    cells: list[TableCell]
    source: Source | None = None  # the table as a whole (its DOM path, first page)
    method: str = "grid"  # how the grid was found: grid (HTML/DOCX markup) | lattice | stream
    repairs: list[Repair] = field(default_factory=list)  # what the reader repaired (see gongkai.reading)

    def repaired(self, kind: str, count: int = 1, detail: str = "") -> None:
        """Record a repair; one entry per kind, counted."""
        for i, r in enumerate(self.repairs):
            if r.kind == kind:
                self.repairs[i] = Repair(kind, r.count + count, r.detail or detail)
                return
        self.repairs.append(Repair(kind, count, detail))

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def rows(self) -> list[list[TableCell]]:
        """Cells grouped by the row of their origin, left to right (covered positions are not repeated)."""
        out: list[list[TableCell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row].append(c)
        for r in out:
            r.sort(key=lambda c: c.col)
        return out


Block = Paragraph | Table


@dataclass(slots=True)
class Layout:
    """A reader's result before assembly."""

    blocks: list[Block]
    media_type: str
    pages: int | None = None
    notes: list[str] = field(default_factory=list)  # Chinese remarks for the user (e.g. pages sent to OCR)
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR (1-based)
