"""The document model: text with positions.

Readers turn bytes into a :class:`Document`; the parser only ever looks at documents, so every value it
extracts can point back to where it came from. For text the position is a line number and a character
offset; later readers fill ``page``/``bbox`` (PDF) or ``dom_path`` (HTML).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


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

    def to_dict(self) -> dict:
        d = {"line": self.line, "column": self.column, "offset": self.offset, "length": self.length}
        if self.page is not None:
            d["page"] = self.page
        if self.bbox is not None:
            d["bbox"] = list(self.bbox)
        if self.dom_path is not None:
            d["dom_path"] = self.dom_path
        return d


class Line(NamedTuple):
    number: int  # 1-based
    offset: int  # offset of the first character in Document.text
    text: str

    def position(self, column: int = 0, length: int = 0) -> Position:
        return Position(self.number, column + 1, self.offset + column, length)


@dataclass(frozen=True)
class Document:
    """Plain text split into lines, plus where it came from."""

    text: str
    source: str = "<memory>"
    media_type: str = "text/plain"
    lines: tuple[Line, ...] = field(default=(), repr=False)

    @classmethod
    def from_text(cls, text: str, source: str = "<memory>", media_type: str = "text/plain") -> "Document":
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = []
        offset = 0
        for i, raw in enumerate(text.split("\n"), start=1):
            lines.append(Line(i, offset, raw))
            offset += len(raw) + 1
        return cls(text=text, source=source, media_type=media_type, lines=tuple(lines))
