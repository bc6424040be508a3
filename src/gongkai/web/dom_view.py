"""The source of an HTML or DOCX report as the workbench shows it: the stored file read again by our own
reader (:mod:`gongkai.readers.html` / :mod:`gongkai.readers.docx`) and rebuilt as markup from its paragraphs
and table cells — each carrying the DOM path the stored cells and findings refer to.

Sanitising by rebuilding: nothing of the original markup is passed through. We write every tag ourselves
(p, table, tr, td, br) with only rowspan/colspan numbers and our own ids/classes as attributes, and every text
is escaped — so no script, style, event handler, link, image or other external load of the page can survive.
No sanitising library is needed, and the element highlighted is the one the reader took the value from."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

HTML_TYPE = "text/html"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOM_TYPES = (HTML_TYPE, DOCX_TYPE)


@dataclass(frozen=True)
class Block:
    """A paragraph (``cells`` empty) or a table (``cells``: rows of (text, rowspan, colspan, path))."""

    text: str
    path: str | None
    cells: tuple[tuple[tuple[str, int, int, str | None], ...], ...] = ()


def read_blocks(content: bytes, media_type: str) -> list[Block] | None:
    """The file's paragraphs and tables as our reader sees them; None when it cannot be read again."""
    from gongkai.errors import GongkaiError
    from gongkai.readers.blocks import Table

    try:
        if media_type == HTML_TYPE:
            from gongkai.readers.html import read_html

            layout = read_html(content, "<stored>")
        elif media_type == DOCX_TYPE:
            from gongkai.readers.docx import read_docx

            layout = read_docx(content, "<stored>")
        else:
            return None
    except GongkaiError:
        return None
    out = []
    for b in layout.blocks:
        path = b.source.dom_path if b.source else None
        if isinstance(b, Table):
            rows = tuple(
                tuple((c.text, c.rowspan, c.colspan, c.source.dom_path if c.source else None) for c in row)
                for row in b.rows()
            )
            out.append(Block("", path, rows))
        else:
            out.append(Block(b.text, path))
    return out


class BlockCache:
    """(document sha, media type) → blocks; bounded, thread-safe, like :class:`gongkai.web.source.PageCache`."""

    def __init__(self, capacity: int = 16):
        self.capacity = capacity
        self._items: OrderedDict[str, list[Block] | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sha: str, media_type: str, content_of) -> list[Block] | None:
        with self._lock:
            if sha in self._items:
                self._items.move_to_end(sha)
                return self._items[sha]
        blocks = read_blocks(content_of(), media_type)
        with self._lock:
            self._items[sha] = blocks
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return blocks


def _text(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def rebuild(blocks: list[Block], cells_by_path: dict[str, str], marks: dict[str, str], selected: str | None) -> Markup:
    """The blocks as safe markup. ``cells_by_path``: DOM path → the stored cell id read there (the element
    gets ``id="src-<cell id>"``); ``marks``: DOM path → a finding severity class; ``selected``: the DOM path
    to highlight (class ``hl``, ``id="src-selected"``)."""

    def attrs(path: str | None) -> str:
        if path is None:
            return ""
        classes = [marks[path]] if path in marks else []
        out = f' data-path="{escape(path)}"'
        if path == selected:
            classes.append("hl")
            out += ' id="src-selected"'
        elif path in cells_by_path:
            out += f' id="src-{escape(cells_by_path[path])}"'
        if path in cells_by_path:
            out += f' data-cell="{escape(cells_by_path[path])}"'
        return out + (f' class="{" ".join(classes)}"' if classes else "")

    parts = []
    for b in blocks:
        if not b.cells:
            parts.append(f"<p{attrs(b.path)}>{_text(b.text)}</p>")
            continue
        rows = []
        for row in b.cells:
            tds = []
            for text, rowspan, colspan, path in row:
                span = (f' rowspan="{int(rowspan)}"' if rowspan > 1 else "") + (
                    f' colspan="{int(colspan)}"' if colspan > 1 else ""
                )
                tds.append(f"<td{span}{attrs(path)}>{_text(text)}</td>")
            rows.append("<tr>" + "".join(tds) + "</tr>")
        parts.append(f'<table class="src-table"{attrs(b.path)}>' + "".join(rows) + "</table>")
    return Markup("\n".join(parts))  # noqa: S704 - every text above is escaped and every tag is ours


def text_excerpt(text: str | None, line: int | None, around: int = 3) -> list[tuple[int, str, bool]]:
    """The lines around ``line`` (1-based) of what the parser read: (number, text, is the line itself)."""
    if not text or not line:
        return []
    lines = text.splitlines()
    lo, hi = max(1, line - around), min(len(lines), line + around)
    return [(n, lines[n - 1], n == line) for n in range(lo, hi + 1)]


__all__ = ["DOCX_TYPE", "DOM_TYPES", "HTML_TYPE", "Block", "BlockCache", "read_blocks", "rebuild", "text_excerpt"]
