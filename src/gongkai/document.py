"""The document model: text with positions.

Readers turn bytes into a :class:`Document`; the parser only ever looks at documents, so every value it
extracts can point back to where it came from. For text the position is a line number and a character
offset; later readers fill ``page``/``bbox`` (PDF) or ``dom_path`` (HTML).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, NamedTuple, overload

from gongkai.reading import ReaderTrace

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in the page's units, origin top-left


@dataclass(frozen=True, slots=True)
class Source:
    """Where a piece of text lies in the original file."""

    page: int | None = None  # 1-based (PDF, OCR)
    bbox: BBox | None = None  # PDF points or image pixels, origin top-left
    dom_path: str | None = None  # HTML: e.g. /html/body/div[2]/table[1]/tr[5]/td[3]; DOCX: body/tbl[2]/tr[5]/tc[3]
    confidence: float | None = None  # OCR recognition confidence, 0..1

    def __init__(
        self,
        page: int | None = None,
        bbox: BBox | None = None,
        dom_path: str | None = None,
        confidence: float | None = None,
    ) -> None:
        # the generated frozen __init__ sets each field through object.__setattr__, at twice the cost of the
        # slots' own setters; a PDF page makes hundreds of sources (one per table cell)
        _SET_PAGE(self, page)
        _SET_BBOX(self, bbox)
        _SET_DOM_PATH(self, dom_path)
        _SET_CONFIDENCE(self, confidence)


_SET_PAGE = vars(Source)["page"].__set__
_SET_BBOX = vars(Source)["bbox"].__set__
_SET_DOM_PATH = vars(Source)["dom_path"].__set__
_SET_CONFIDENCE = vars(Source)["confidence"].__set__


class Position(NamedTuple):
    """Where a piece of text came from. ``line`` and ``column`` are 1-based; ``offset`` is 0-based in the text.
    (A named tuple: immutable and cheap, since every token and cell carries one.)"""

    line: int
    column: int
    offset: int
    length: int = 0
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    dom_path: str | None = None
    confidence: float | None = None  # OCR recognition confidence of the text, 0..1

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"line": self.line, "column": self.column, "offset": self.offset, "length": self.length}
        if self.page is not None:
            d["page"] = self.page
        if self.bbox is not None:
            d["bbox"] = list(self.bbox)
        if self.dom_path is not None:
            d["dom_path"] = self.dom_path
        if self.confidence is not None:
            d["confidence"] = round(self.confidence, 3)
        return d


class Line(NamedTuple):
    number: int  # 1-based
    offset: int  # offset of the first character in Document.text
    text: str

    def position(self, column: int = 0, length: int = 0) -> Position:
        return Position(self.number, column + 1, self.offset + column, length)


class Anchor(NamedTuple):
    """A stretch ``[start, end)`` of the document text that came from ``source`` in the original file.
    Anchors nest (a table row, a cell in it, a text line in the cell); the innermost one wins."""

    start: int
    end: int
    source: "Source"


def _flatten(anchors: tuple[Anchor, ...]) -> tuple[list[int], list[int], list["Source"]]:
    """Disjoint stretches, each covered by its innermost (shortest) anchor. A sweep over the boundaries with a
    heap of open anchors keyed by length: O(n log n)."""
    from heapq import heappop, heappush

    bounds = sorted({a.start for a in anchors} | {a.end for a in anchors})
    by_start = sorted(anchors, key=lambda a: a.start)
    n = len(by_start)
    # entries (length, -index, end, source): of two equal stretches the later (finer) one wins; the first two
    # items are unique, so end and source are never compared
    heap: list[tuple[int, int, int, Source]] = []
    starts: list[int] = []
    ends: list[int] = []
    sources: list["Source"] = []
    last_end: int | None = None
    last_src: Source | None = None
    j = 0
    for k in range(len(bounds) - 1):
        lo = bounds[k]
        while j < n and by_start[j].start <= lo:
            start, end, src = by_start[j]
            heappush(heap, (end - start, -j, end, src))
            j += 1
        while heap and heap[0][2] <= lo:  # ended anchors are dropped when they reach the top
            heappop(heap)
        if not heap:
            continue
        src = heap[0][3]
        hi = bounds[k + 1]
        if last_end == lo and last_src is src:
            ends[-1] = hi
        else:
            starts.append(lo)
            ends.append(hi)
            sources.append(src)
            last_src = src
        last_end = hi
    return starts, ends, sources


@dataclass(frozen=True)
class Document:
    """Plain text split into lines, plus where it came from.

    For text files the text is the file. Structured readers (HTML, DOCX, PDF, OCR) serialise what they read
    into text the parser understands and add ``anchors`` tying stretches of it to pages, boxes and DOM paths.
    """

    text: str
    source: str = "<memory>"
    media_type: str = "text/plain"
    lines: tuple[Line, ...] = field(default=(), repr=False)
    anchors: tuple[Anchor, ...] = field(default=(), repr=False)  # sorted by start
    pages: int | None = None
    notes: tuple[str, ...] = ()  # remarks from the reader for the user, in Chinese
    reading: ReaderTrace | None = None  # what a structured reader built and repaired (None for plain text)

    @classmethod
    def from_text(
        cls,
        text: str,
        source: str = "<memory>",
        media_type: str = "text/plain",
        anchors: tuple[Anchor, ...] = (),
        pages: int | None = None,
        notes: tuple[str, ...] = (),
        reading: ReaderTrace | None = None,
    ) -> "Document":
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = []
        offset = 0
        for i, raw in enumerate(text.split("\n"), start=1):
            lines.append(Line(i, offset, raw))
            offset += len(raw) + 1
        return cls(
            text=text,
            source=source,
            media_type=media_type,
            lines=tuple(lines),
            anchors=anchors,
            pages=pages,
            notes=notes,
            reading=reading,
        )

    def locate(self, offset: int) -> "Source | None":
        """The innermost source anchor covering ``offset`` (None for plain text)."""
        if not self.anchors:
            return None
        starts, ends, sources = self._segments
        i = bisect_right(starts, offset) - 1
        return sources[i] if i >= 0 and offset < ends[i] else None

    @property
    def _segments(self) -> tuple[list[int], list[int], list["Source"]]:
        """The anchors flattened once into disjoint stretches, each with its innermost source, so that
        :meth:`locate` is one binary search."""
        seg = self.__dict__.get("_segs")
        if seg is None:
            seg = _flatten(self.anchors)
            object.__setattr__(self, "_segs", seg)
        return seg

    @overload
    def enrich(self, pos: Position) -> Position: ...
    @overload
    def enrich(self, pos: None) -> None: ...
    @overload
    def enrich(self, pos: Position | None) -> Position | None: ...

    def enrich(self, pos: Position | None) -> Position | None:
        """``pos`` with the page, box, DOM path and confidence of the original, where the reader knew them."""
        if pos is None or not self.anchors or pos.page is not None or pos.dom_path is not None:
            return pos
        src = self.locate(pos.offset)
        if src is None:
            return pos
        # every field after ``length`` comes from the source: built directly, as _replace() is slow
        return Position(pos.line, pos.column, pos.offset, pos.length, src.page, src.bbox, src.dom_path, src.confidence)
