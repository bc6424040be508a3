"""DOCX reader: the body of a Word file as paragraphs and table grids, in document order.

The package is checked with :mod:`zipfile` before any XML is parsed (not a zip, no main document, zip
bombs), then the main document part is read with lxml directly rather than through python-docx's object
model: python-docx repeats merged cells in ``row.cells`` and ignores ``w:gridBefore``, and walking the XML
once gives the grid (gridSpan, vMerge, gridBefore/gridAfter, legacy hMerge) in linear time.

What counts as text is what Word shows: ``w:t`` (including inserted revisions and field results), not
deleted revisions (``w:delText``) nor field codes (``w:instrText``). Text boxes, headers, footers, footnotes
and comments are page furniture and are not read. A table of one column is a frame, not data: its
paragraphs and tables are read as if they were in the body.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib

from lxml import etree

from gongkai.errors import (
    CorruptInput,
    EmptyInput,
    EncryptedInput,
    InputTooLarge,
    UnsupportedFormat,
)
from gongkai.readers.blocks import Block, Layout, Paragraph, Source, Table, TableCell
from gongkai.readers.limits import DEFAULT_LIMITS, Limits, check_table_cells

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)  # transitional, strict
_OFFICE_DOCUMENT = "/officeDocument"  # relationship type suffix, same in transitional and strict
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RATIO_CHECK_BYTES = 1 << 20  # small members compress arbitrarily well and cannot hurt
# huge_tree stays off: libxml2 then refuses nesting deeper than 256, which keeps our recursive walk shallow
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
_MAX_GRID_SPAN = 64  # Word allows 63 columns; a larger span or gridBefore is damage, not layout

# elements whose text Word does not show in the body flow (deleted text, field codes, text boxes, notes)
_SKIP = frozenset(
    {
        "delText",
        "instrText",
        "delInstrText",
        "txbxContent",
        "del",
        "moveFrom",
        "footnoteReference",
        "endnoteReference",
        "commentReference",
        "rPr",
        "pPr",
        "fldData",
        "Fallback",
    }
)


def _local(el: etree._Element) -> str | None:
    """The local name of a WordprocessingML element (None for other namespaces' elements)."""
    tag = el.tag
    if not isinstance(tag, str) or tag[0] != "{":
        return None
    ns, _, name = tag[1:].partition("}")
    if ns in _W_NAMESPACES:
        return name
    # markup-compatibility wrappers (mc:AlternateContent/Choice) hold Word content too
    return "Fallback" if name == "Fallback" else ("mc:" + name if name in ("AlternateContent", "Choice") else None)


# ---------------------------------------------------------------------------------------------------- package


def _open_package(data: bytes, source: str, limits: Limits) -> tuple[zipfile.ZipFile, str]:
    if len(data) > limits.max_bytes:
        raise InputTooLarge(f"文件大小超过上限（{limits.max_bytes // (1024 * 1024)} MB）", source=source)
    if data.startswith(_OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise EncryptedInput("Word 文件已加密（设置了打开密码），请去除密码后重试", source=source)
        raise UnsupportedFormat("这是旧版 Word/WPS 文件（.doc/.wps），不是 .docx；请按 .doc 文件读取", source=source)
    if not data:
        raise EmptyInput("文件为空", source=source)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError):
        kind = (
            "已损坏的 .docx 文件（ZIP 结构无法读取）"
            if data.startswith(b"PK")
            else "不是 .docx 文件（不是 ZIP 压缩包）"
        )
        raise CorruptInput(f"无法读取：{kind}", source=source) from None
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise InputTooLarge(
            f"解压后大小超过上限（{limits.max_unzipped_bytes // (1024 * 1024)} MB），可能是恶意构造的压缩文件",
            source=source,
        )
    for info in infos:
        if info.file_size > _RATIO_CHECK_BYTES and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
            raise InputTooLarge(f"压缩比异常（{info.filename}），可能是恶意构造的压缩文件", source=source)
    return archive, _main_part(archive, source, limits)


def _read_member(archive: zipfile.ZipFile, name: str, source: str, limits: Limits) -> bytes:
    """A member's bytes, never more than the limit whatever its header claims."""
    try:
        with archive.open(name) as fh:
            data = fh.read(limits.max_unzipped_bytes + 1)
    except KeyError:
        raise CorruptInput(f"已损坏的 .docx 文件：缺少 {name}", source=source) from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
            raise EncryptedInput("文件已加密，请去除密码后重试", source=source) from None
        raise CorruptInput(f"已损坏的 .docx 文件：无法解压 {name}", source=source) from None
    if len(data) > limits.max_unzipped_bytes:
        raise InputTooLarge("解压后大小超过上限，可能是恶意构造的压缩文件", source=source)
    return data


def _main_part(archive: zipfile.ZipFile, source: str, limits: Limits) -> str:
    """The main document part named by the package relationships (usually word/document.xml)."""
    names = set(archive.namelist())
    if "_rels/.rels" in names:
        try:
            rels = etree.fromstring(_read_member(archive, "_rels/.rels", source, limits), _PARSER)
            for rel in rels:
                if str(rel.get("Type", "")).endswith(_OFFICE_DOCUMENT):
                    target = posixpath.normpath(rel.get("Target", "").lstrip("/"))
                    if target in names:
                        return target
        except etree.XMLSyntaxError:
            pass
    if "word/document.xml" in names:
        return "word/document.xml"
    if any(n.startswith(("xl/", "ppt/")) for n in names):
        raise UnsupportedFormat("这是 Excel 或 PowerPoint 文件，不是 Word 文档", source=source)
    raise UnsupportedFormat("不是 Word 文档：压缩包中没有 word/document.xml", source=source)


# ---------------------------------------------------------------------------------------------------- text


def _text(el: etree._Element, out: list[str]) -> None:
    """Visible text under ``el`` (a paragraph or a run container), in order."""
    for child in el:
        name = _local(child)
        if name is None or name in _SKIP:
            continue
        if name == "t":
            out.append(child.text or "")
        elif name == "tab":
            out.append("\t")
        elif name in ("br", "cr"):
            out.append("\n")
        elif name == "noBreakHyphen":
            out.append("-")
        elif name in ("p", "tbl"):  # a paragraph inside a run: only in text boxes, which are skipped
            continue
        else:
            _text(child, out)


def _paragraph_text(p: etree._Element) -> str:
    out: list[str] = []
    _text(p, out)
    return "".join(out)


def _int_attr(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    for ns in _W_NAMESPACES:
        v = el.get(f"{{{ns}}}val")
        if v is not None:
            try:
                return max(int(v), 0)
            except ValueError:
                return default
    return default


def _val(el: etree._Element) -> str | None:
    for ns in _W_NAMESPACES:
        v = el.get(f"{{{ns}}}val")
        if v is not None:
            return v
    return None


def _child(el: etree._Element, name: str) -> etree._Element | None:
    for child in el:
        if _local(child) == name:
            return child
    return None


# ---------------------------------------------------------------------------------------------------- walking


class _Walker:
    """Collects blocks in document order; counters give the DOM paths."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def body(self, container: etree._Element, path: str, counters: dict[str, int] | None = None) -> None:
        counters = counters if counters is not None else {"p": 0, "tbl": 0}
        for child in container:
            name = _local(child)
            if name == "p":
                counters["p"] += 1
                text = _paragraph_text(child)
                if text.strip():
                    self.blocks.append(Paragraph(text, Source(dom_path=f"{path}/p[{counters['p']}]")))
            elif name == "tbl":
                counters["tbl"] += 1
                self.table(child, f"{path}/tbl[{counters['tbl']}]")
            elif name in (
                "sdt",
                "sdtContent",
                "customXml",
                "ins",
                "moveTo",
                "smartTag",
                "mc:AlternateContent",
                "mc:Choice",
            ):
                # content controls and revision wrappers hold ordinary body content
                self.body(child, path, counters)

    def table(self, tbl: etree._Element, path: str) -> None:
        rows = list(self._rows(tbl))
        per_row = [list(self._cells(tr)) for tr in rows]
        if per_row and all(len(tcs) <= 1 for tcs in per_row):
            # one column: a frame laid around the content (whole reports are sometimes typed inside one),
            # not a data table; its content is read as body
            for ri, tcs in enumerate(per_row):
                if tcs:
                    self.body(tcs[0], f"{path}/tr[{ri + 1}]/tc[1]")
            return
        cells: list[TableCell] = []
        nested: list[tuple[etree._Element, str]] = []
        open_v: dict[int, TableCell] = {}  # grid column -> origin of a vertical merge still open
        for ri, tr in enumerate(rows):
            tr_pr = _child(tr, "trPr")
            col = min(_int_attr(_child(tr_pr, "gridBefore"), 0), _MAX_GRID_SPAN) if tr_pr is not None else 0
            still_open: dict[int, TableCell] = {}
            for ci, tc in enumerate(per_row[ri], start=1):
                tc_pr = _child(tc, "tcPr")
                span = _int_attr(_child(tc_pr, "gridSpan"), 1) if tc_pr is not None else 1
                span = min(max(span, 1), _MAX_GRID_SPAN)
                vmerge = _child(tc_pr, "vMerge") if tc_pr is not None else None
                hmerge = _child(tc_pr, "hMerge") if tc_pr is not None else None
                cell_path = f"{path}/tr[{ri + 1}]/tc[{ci}]"
                text, inner = self._cell_content(tc, cell_path)
                nested.extend(inner)
                if hmerge is not None and _val(hmerge) != "restart" and cells and cells[-1].row == ri:
                    cells[-1].colspan += span  # legacy horizontal merge: widen the cell to the left
                    col += span
                    continue
                if vmerge is not None and _val(vmerge) != "restart" and col in open_v:
                    origin = open_v[col]
                    origin.rowspan = ri - origin.row + 1
                    still_open[col] = origin
                    col += span
                    continue
                cell = TableCell(ri, col, text, 1, span, Source(dom_path=cell_path))
                cells.append(cell)
                if vmerge is not None:
                    still_open[col] = cell
                col += span
            open_v = still_open
        table = Table(cells, Source(dom_path=path))
        if cells:
            self.blocks.append(table)
        for inner_tbl, inner_path in nested:
            self.table(inner_tbl, inner_path)

    @staticmethod
    def _children(el: etree._Element, wanted: str):
        """Child elements named ``wanted`` (tr, tc), looking through content-control and revision wrappers."""
        for child in el:
            name = _local(child)
            if name == wanted:
                yield child
            elif name in ("sdt", "sdtContent", "customXml", "ins"):
                yield from _Walker._children(child, wanted)

    @staticmethod
    def _rows(tbl: etree._Element):
        return _Walker._children(tbl, "tr")

    @staticmethod
    def _cells(tr: etree._Element):
        return _Walker._children(tr, "tc")

    @staticmethod
    def _cell_content(tc: etree._Element, path: str) -> tuple[str, list[tuple[etree._Element, str]]]:
        """The cell's paragraphs joined by "\\n", and its nested tables (read as tables of their own)."""
        lines: list[str] = []
        nested: list[tuple[etree._Element, str]] = []

        def walk(container: etree._Element) -> None:
            for child in container:
                name = _local(child)
                if name == "p":
                    lines.append(_paragraph_text(child))
                elif name == "tbl":
                    nested.append((child, f"{path}/tbl[{len(nested) + 1}]"))
                elif name in ("sdt", "sdtContent", "customXml", "ins"):
                    walk(child)

        walk(tc)
        return "\n".join(line for line in lines if line.strip()), nested


def read_docx(data: bytes, source: str, limits: Limits = DEFAULT_LIMITS) -> Layout:
    """The body of a .docx file as a :class:`Layout` (paragraphs and tables in document order)."""
    archive, part = _open_package(data, source, limits)
    with archive:
        xml = _read_member(archive, part, source, limits)
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError:
        raise CorruptInput("已损坏的 .docx 文件：正文 XML 无法解析", source=source) from None
    body = _child(root, "body")
    if body is None:
        raise CorruptInput("已损坏的 .docx 文件：正文中没有 w:body", source=source)
    check_table_cells(sum(1 for _ in body.iter(*(f"{{{ns}}}tc" for ns in _W_NAMESPACES))), source, limits)
    walker = _Walker()
    try:
        walker.body(body, "body")
    except RecursionError:
        raise CorruptInput("已损坏的 .docx 文件：表格嵌套过深", source=source) from None
    if not walker.blocks:
        raise EmptyInput("Word 文件中没有正文文字", source=source)
    return Layout(walker.blocks, DOCX_MEDIA_TYPE)


__all__ = ["DOCX_MEDIA_TYPE", "read_docx"]
