"""HTML reader: the bytes of a web page → :class:`~gongkai.readers.blocks.Layout`.

Steps: decode (:mod:`gongkai.readers.html_encoding`), parse with lxml, find the report inside the portal page
and mark the furniture around it (:mod:`gongkai.readers.html_content`), then walk the content in document
order: every block element's text becomes a :class:`Paragraph` (``<br>`` starts a new line), every data
table a :class:`Table` grid (:mod:`gongkai.readers.html_table`). Layout tables — a page wrapped in a
one-column table, a portal built of tables, a cell holding the report's section headings — are descended
into instead of being emitted as grids. Each block and cell keeps its XPath-like DOM path (as lxml numbers
elements when parsing the decoded page), so a parsed cell can point at its ``<td>``.
"""

from __future__ import annotations

from collections import Counter
import re

import lxml.html
from lxml import etree

from gongkai.errors import EmptyInput, InputTooLarge, UnreadableInput
from gongkai.readers.blocks import Block, Layout, Paragraph, Source, Table, TableCell
from gongkai.readers.html_content import (
    SECTION_HEADING,
    PageMap,
    find_title,
    map_page,
    tag_of,
    title_text,
)
from gongkai.readers.html_encoding import decode_html
from gongkai.readers.html_table import (
    GridCell,
    build_grid,
    drop_empty_columns,
    drop_empty_rows,
    restore_label_spans,
)
from gongkai.readers.limits import DEFAULT_LIMITS, Limits, check_table_cells
from gongkai.standard.labels import NUMERAL_CHARS

MEDIA_TYPE = "text/html"

BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "listing",
        "xmp",
        "plaintext",
    }
)
_SKIP_ALWAYS = frozenset({"script", "style", "noscript", "template", "head", "title", "xml"})

_BR = "\u2028"  # a <br> inside collected text (kept apart from newlines of the HTML source)
_BLOCK = "\u2029"  # a block boundary inside a table cell
_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
# a line break of the HTML source between two CJK characters is not a space (Word wraps its source mid-text)
_SOURCE_WRAP = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u3000\u2002-\u200b\ufeff]+")
_HEADING_HINT = re.compile(rf"[{NUMERAL_CHARS[:8]}][、.．]")
_MARKS = re.compile(f"[{_BR}{_BLOCK}]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HEADING_LINE = SECTION_HEADING
_REPORT_WORD = "年度报告"
_TITLE_SEARCH_BLOCKS = 6
_TITLE_MAX_CHARS = 80  # a title line, not a preamble sentence that mentions the 年度报告 format  # the title must be among the first paragraphs of the content to count as present


def normalise(raw: str) -> list[str]:
    """Collected text → its lines: source wraps between CJK characters removed, every run of spaces
    (``&nbsp;``, full-width) one space, lines trimmed, empty lines dropped."""
    text = _SOURCE_WRAP.sub("", raw) if "\n" in raw else raw
    pieces = _MARKS.split(text) if (_BR in text or _BLOCK in text) else (text,)
    out = []
    for line in pieces:
        line = _SPACES.sub(" ", line).strip()
        if line:
            out.append(line)
    return out


# ---------------------------------------------------------------------------------------------------- cells


def _collect_cell(el: etree._Element, parts: list[str], nested: list[etree._Element]) -> None:
    """The text inside a table cell, with block and <br> breaks marked; nested tables are set aside."""
    for child in el:
        tag = tag_of(child)
        if tag == "table":
            nested.append(child)
            parts.append(_BLOCK)
        elif tag == "br":
            parts.append(_BR)
        elif tag and tag not in _SKIP_ALWAYS:
            block = tag in BLOCK_TAGS
            if block:
                parts.append(_BLOCK)
            if child.text:
                parts.append(child.text)
            _collect_cell(child, parts, nested)
            if block:
                parts.append(_BLOCK)
        if child.tail:
            parts.append(child.tail)


def cell_content(td: etree._Element) -> tuple[str, list[etree._Element]]:
    if len(td) == 0:  # most cells: text only
        return "\n".join(normalise(td.text or "")), []
    parts: list[str] = [td.text or ""]
    nested: list[etree._Element] = []
    _collect_cell(td, parts, nested)
    return "\n".join(normalise("".join(parts))), nested


# ---------------------------------------------------------------------------------------------------- walker


def _plain(el: etree._Element) -> bool:
    """An element whose getpath step is just its tag (no namespace; not a comment or PI)."""
    return isinstance(el.tag, str) and "{" not in el.tag and ":" not in el.tag


class _Walker:
    """Walks the content in document order, emitting paragraphs and tables."""

    def __init__(self, page: PageMap, source: str):
        self.page = page
        self.tree = page.root.getroottree()
        self.source = source
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.owner: etree._Element | None = None
        self.stack: list[etree._Element] = []
        self._paths: dict[etree._Element, str] = {}  # holding the element keeps its proxy (and hash) alive

    def path(self, el: etree._Element) -> str:
        """``tree.getpath(el)``, computed once per parent's children: libxml2's getpath counts siblings on
        every call, which made a 40,000-row table quadratic."""
        chain = []
        node: etree._Element | None = el
        while node is not None and node not in self._paths:
            chain.append(node)
            node = node.getparent()
        for node in reversed(chain):
            parent = node.getparent()
            if node in self._paths:  # filled in while indexing an earlier sibling's parent
                continue
            if parent is None or not _plain(node):
                self._paths[node] = self.tree.getpath(node)
                continue
            base = self._paths[parent]
            counts = Counter(c.tag for c in parent if _plain(c))
            seen: Counter[str] = Counter()
            for child in parent:
                if _plain(child):
                    seen[child.tag] += 1
                    name = child.tag if counts[child.tag] == 1 else f"{child.tag}[{seen[child.tag]}]"
                    self._paths[child] = f"{base}/{name}"
        return self._paths[el]

    # -- paragraphs

    def add_text(self, text: str | None) -> None:
        if not text:
            return
        if self.owner is None and text.strip(" \t\r\n\f\u00a0\u3000"):
            self.owner = self.stack[-1] if self.stack else None
        self.parts.append(text)

    def flush(self) -> None:
        if self.parts:
            lines = normalise("".join(self.parts))
            if lines:
                src = Source(dom_path=self.path(self.owner)) if self.owner is not None else None
                self.blocks.append(Paragraph("\n".join(lines), src))
        self.parts = []
        self.owner = None

    # -- elements

    def walk(self, el: etree._Element, *, root: bool = False) -> None:
        tag = tag_of(el)
        if not tag or tag in _SKIP_ALWAYS or (not root and self.page.is_boilerplate(el)):
            return
        if tag == "br":
            self.parts.append(_BR)
            return
        if tag == "table":
            self.flush()
            self.table(el)
            return
        block = tag in BLOCK_TAGS or root
        if block:
            self.flush()
            self.stack.append(el)
        self.add_text(el.text)
        for child in el:
            self.walk(child)
            self.add_text(child.tail)
        if block:
            self.flush()
            self.stack.pop()

    # -- tables

    def table(self, el: etree._Element) -> None:
        for caption in el.findall("caption"):
            self.walk(caption)
        grid = build_grid(el, self.source)
        texts: dict[int, str] = {}
        nested: dict[int, list[etree._Element]] = {}
        for _i, c in enumerate(grid):
            texts[id(c.element)], nested[id(c.element)] = cell_content(c.element)
        if self._is_layout(grid, texts, nested):
            self.stack.append(el)
            for c in sorted(grid, key=lambda c: (c.row, c.col)):
                self.walk(c.element)
            self.stack.pop()
            return
        grid = drop_empty_rows(grid, lambda c: bool(texts[id(c.element)]))
        width = max((c.col + c.colspan for c in grid), default=0)
        grid = drop_empty_columns(grid, lambda c: bool(texts[id(c.element)]))
        dropped_columns = width - max((c.col + c.colspan for c in grid), default=0)
        n_cells = len(grid)
        grid = restore_label_spans(grid, lambda c: texts[id(c.element)])
        cells = [
            TableCell(c.row, c.col, texts[id(c.element)], c.rowspan, c.colspan, Source(dom_path=self.path(c.element)))
            for c in grid
        ]
        if any(c.text for c in cells):
            table = Table(cells, Source(dom_path=self.path(el)))
            if dropped_columns:
                table.repaired("empty_columns_dropped", dropped_columns)
            if n_cells > len(grid):
                table.repaired("spans_restored", n_cells - len(grid))
            self.blocks.append(table)
        for c in grid:
            for inner in nested[id(c.element)]:
                self.table(inner)

    def _is_layout(self, grid: list[GridCell], texts: dict[int, str], nested: dict[int, list]) -> bool:
        """A table used for page layout rather than data: one column; few columns around nested tables; or
        a cell holding a section heading together with more content (a caption row that only reads
        "二、主动公开政府信息情况" above the data is still a data table)."""
        if not grid:
            return False
        n_cols = max(c.col + c.colspan for c in grid)
        if n_cols == 1:
            return True
        if any(nested[id(c.element)] for c in grid) and n_cols <= 2:
            return True
        for c in grid:
            text, inner = texts[id(c.element)], nested[id(c.element)]
            lines = text.split("\n")
            if _HEADING_HINT.search(text) and any(_HEADING_LINE.match(x) for x in lines) and (len(lines) > 1 or inner):
                return True
            if inner and any(_HEADING_LINE.match(x) for x in _deep_lines(c.element)):
                return True
        return False


def _deep_lines(el: etree._Element) -> list[str]:
    return normalise(_BLOCK.join(t for t in el.itertext()))


# ---------------------------------------------------------------------------------------------------- entry


def parse_page(data: bytes, source: str = "<memory>", limits: Limits = DEFAULT_LIMITS) -> etree._Element:
    """The lxml tree of a page, decoded as :func:`read_html` decodes it (DOM paths refer to this tree)."""
    if len(data) > limits.max_html_bytes:
        raise InputTooLarge(
            f"网页文件过大（{len(data) // (1024 * 1024)} MB，上限 {limits.max_html_bytes // (1024 * 1024)} MB）",
            source=source,
        )
    if not data.strip():
        raise EmptyInput("文件为空", source=source)
    text, _ = decode_html(data, source)
    text = _XML_DECL.sub("", text, count=1).replace("\x00", "")
    if not text.strip():
        raise EmptyInput("文件为空", source=source)
    try:
        # huge_tree: libxml2 otherwise silently drops everything nested deeper than 256 elements
        return lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError) as exc:
        if "empty" in str(exc).lower():
            raise EmptyInput("网页没有内容", source=source) from None
        raise UnreadableInput("无法解析网页（HTML）内容", source=source) from None


def _check_depth(root: etree._Element, source: str, limits: Limits) -> None:
    """Refuse a page nested deeper than ``limits.max_html_depth`` before any recursive walk sees it."""
    depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > limits.max_html_depth:
            raise InputTooLarge(f"网页元素嵌套层次过深（超过 {limits.max_html_depth} 层）", source=source)


def read_html(data: bytes, source: str = "<memory>", limits: Limits = DEFAULT_LIMITS) -> Layout:
    root = parse_page(data, source, limits)
    _check_depth(root, source, limits)
    check_table_cells(sum(1 for _ in root.iter("td", "th")), source, limits)
    page = map_page(root)
    walker = _Walker(page, source)
    try:
        walker.walk(page.content, root=True)
    except RecursionError:
        raise UnreadableInput("网页元素嵌套层次过深，无法读取", source=source) from None
    walker.flush()
    blocks = walker.blocks
    notes: list[str] = []
    if not page.found:
        notes.append("未在网页中找到年度报告的章节标题或统计表，已读取整个网页正文")
    if not _has_title(blocks):
        el = find_title(page)
        if el is not None:
            text = title_text(el)
            if text:
                blocks.insert(0, Paragraph(text, Source(dom_path=walker.path(el))))
    if not any(b.text.strip() if isinstance(b, Paragraph) else b.cells for b in blocks):
        raise EmptyInput("网页中没有正文内容", source=source)
    return Layout(blocks, MEDIA_TYPE, notes=notes)


def _has_title(blocks: list[Block]) -> bool:
    for b in blocks[:_TITLE_SEARCH_BLOCKS]:
        if not isinstance(b, Paragraph):
            return False
        if _REPORT_WORD in b.text and len(b.text) <= _TITLE_MAX_CHARS and not b.text.rstrip().endswith("。"):
            return True
        if _HEADING_LINE.match(b.text):
            return False
    return False


__all__ = ["MEDIA_TYPE", "cell_content", "parse_page", "read_html"]
