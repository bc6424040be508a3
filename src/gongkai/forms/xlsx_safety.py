"""Checks on a filled XLSX form's package before openpyxl sees it, so that a damaged or hostile workbook is
refused with a message naming the part, sheet or cell — never a ParseError, IndexError or zlib.error.

Checked: every member decompresses within a size and ratio limit (zip bombs, damaged compression); each XML
part is well-formed and declares no DTD (so no entity of any kind, external or nested, can be expanded);
shared-string and cell-format references in the sheets point at an existing entry; the number of sheets, cells and merged
cells is bounded.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib

from lxml import etree

from gongkai.errors import FormError

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one part, uncompressed; our template's largest is ~100 KB
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, per member
# the workbook's shape, checked on the XML before openpyxl builds objects for it (our template: 6 sheets, ~1,800
# cells, ~50 merged ranges of ~400 cells); openpyxl makes and styles one object per cell of a merged range (about
# 0.1 ms each), so one ref="A1:XFD1048576" would take all memory, and 57 entries for 6 sheets took 10 s
MAX_SHEETS = 32
MAX_CELLS = 100_000
MAX_MERGED_CELLS = 10_000
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?$")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    # never resolve entities, never touch the network, no libxml2 "huge" relaxations
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> bytes:
    if info.file_size > MAX_MEMBER_BYTES or (
        info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1024 * 1024
    ):
        raise FormError(
            f"Excel 文件中的部件 {info.filename} 解压后过大（可能是压缩炸弹），已拒绝", source=source, code="E-LIMIT"
        )
    try:
        with archive.open(info) as fh:
            data = fh.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError, RuntimeError):
        raise FormError(f"Excel 文件中的部件 {info.filename} 已损坏（无法解压）", source=source) from None
    if len(data) > MAX_MEMBER_BYTES:
        raise FormError(f"Excel 文件中的部件 {info.filename} 解压后过大，已拒绝", source=source, code="E-LIMIT")
    return data


def _xml(name: str, data: bytes, source: str) -> etree._Element:
    if _DOCTYPE.search(data[:4096]) or _DOCTYPE.search(data):
        raise FormError(f"Excel 文件中的部件 {name} 含有 DTD/实体声明（正常的 Excel 文件没有），已拒绝", source=source)
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = f"第{exc.lineno}行，" if exc.lineno else ""
        raise FormError(f"Excel 文件中的部件 {name} 的 XML 格式错误（{line}文件可能已损坏）", source=source) from None


def check_package(data: bytes, source: str) -> None:
    """Raise :class:`FormError` (E-FORM, or E-LIMIT for bombs) for a workbook openpyxl must not be given."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError):
        raise FormError("Excel 文件已损坏（不是有效的压缩包）", source=source) from None
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        raise FormError("Excel 文件解压后过大，已拒绝", source=source, code="E-LIMIT")
    parts: dict[str, etree._Element] = {}
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels")):
            parts[info.filename] = _xml(info.filename, _read(archive, info, source), source)
        else:
            _read(archive, info, source)
    _check_shape(parts, source)
    _check_shared_strings(parts, source)


def _sheet_names(parts: dict[str, etree._Element]) -> dict[str, str]:
    """Worksheet part name → the sheet's name as the user sees it."""
    book, rels = parts.get("xl/workbook.xml"), parts.get("xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    out = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            out[path] = sheet.get("name", path)
    return out


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _area(ref: str) -> int | None:
    """Cells in a range such as "B2:D9" (1 for "B2"); None when it is not a range."""
    m = _REF.match(ref.strip().upper())
    if not m:
        return None
    c1, r1, c2, r2 = m.group(1), int(m.group(2)), m.group(3) or m.group(1), int(m.group(4) or m.group(2))
    return (abs(_column(c2) - _column(c1)) + 1) * (abs(r2 - r1) + 1)


def _sheet_entries(parts: dict[str, etree._Element]) -> list[str]:
    """The worksheet part of every sheet entry in the workbook, in order (a part listed twice counts twice:
    openpyxl reads it twice)."""
    book, rels = parts.get("xl/workbook.xml"), parts.get("xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        return [n for n in parts if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    out = []
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if target:
            out.append(
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            )
    return out


def _check_shape(parts: dict[str, etree._Element], source: str) -> None:
    entries = _sheet_entries(parts)
    if len(entries) > MAX_SHEETS:
        raise FormError(
            f"Excel 文件的工作表过多（{len(entries)} 个，上限 {MAX_SHEETS} 个），已拒绝", source=source, code="E-LIMIT"
        )
    names = _sheet_names(parts)
    sizes: dict[str, tuple[int, int]] = {}  # part → (cells, merged cells)
    cells = merged = 0
    for name in entries:
        root = parts.get(name)
        if root is None:
            continue
        if name not in sizes:
            area = 0
            for mc in root.iter(f"{_MAIN}mergeCell"):
                one = _area(mc.get("ref", ""))
                if one is None:
                    raise FormError(
                        f"{names.get(name, name)} 的合并单元格范围“{mc.get('ref', '')[:40]}”无效（文件可能已损坏）",
                        source=source,
                    )
                area += one
            sizes[name] = (sum(1 for _ in root.iter(f"{_MAIN}c")), area)
        cells += sizes[name][0]
        merged += sizes[name][1]
        if cells > MAX_CELLS or merged > MAX_MERGED_CELLS:
            what = (
                f"单元格过多（超过 {MAX_CELLS} 个）"
                if cells > MAX_CELLS
                else f"合并单元格范围过大（超过 {MAX_MERGED_CELLS} 个单元格）"
            )
            raise FormError(
                f"Excel 文件{what}（在工作表 {names.get(name, name)}），已拒绝", source=source, code="E-LIMIT"
            )


_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _shared_strings_part(parts: dict[str, etree._Element]) -> str | None:
    """The shared-string part as openpyxl finds it: the first [Content_Types].xml override of that type (a
    damaged override leaves the workbook with no shared strings at all)."""
    types = parts.get("[Content_Types].xml")
    if types is None:
        return None
    for override in types.iter(f"{_CT}Override"):
        if override.get("ContentType") == _SST_TYPE:
            return (override.get("PartName") or "")[1:]
    return None


def _check_shared_strings(parts: dict[str, etree._Element], source: str) -> None:
    styles = parts.get("xl/styles.xml")  # openpyxl reads styles from this fixed name
    xfs = styles.find(f"{_MAIN}cellXfs") if styles is not None else None
    # without cell formats openpyxl uses its single default one
    n_styles = max(1, 0 if xfs is None else sum(1 for _ in xfs.iterchildren(f"{_MAIN}xf")))
    sst = parts.get(_shared_strings_part(parts) or "")
    count = 0 if sst is None else sum(1 for _ in sst.iterchildren(f"{_MAIN}si"))
    names = _sheet_names(parts)
    for name, root in parts.items():
        if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
            continue
        for cell in root.iter(f"{_MAIN}c"):
            style = cell.get("s")
            if style is not None and not (style.isdigit() and len(style) <= 9 and int(style) < n_styles):
                where = f"{names.get(name, name)}!{cell.get('r', '?')}"
                raise FormError(f"{where} 引用了不存在的单元格格式（文件可能已损坏）", source=source)
            if cell.get("t") != "s":
                continue
            v = cell.find(f"{_MAIN}v")
            text = (v.text or "").strip() if v is not None else ""
            if not text:
                continue
            if not (text.isdigit() and len(text) <= 9 and int(text) < count):
                where = f"{names.get(name, name)}!{cell.get('r', '?')}"
                raise FormError(f"{where} 引用了不存在的共享字符串（文件可能已损坏）", source=source)
