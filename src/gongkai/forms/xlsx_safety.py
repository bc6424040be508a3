"""Checks on a filled XLSX form's package before openpyxl sees it, so that a damaged or hostile workbook is
refused with a message naming the part, sheet or cell — never a ParseError, IndexError or zlib.error.

Checked: every member decompresses within a size and ratio limit (zip bombs, damaged compression); each XML
part is well-formed and declares no DTD (so no entity of any kind, external or nested, can be expanded);
shared-string references in the sheets point at an existing string.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib

from lxml import etree

from gongkai.forms.model import FormError

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one part, uncompressed; our template's largest is ~100 KB
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, per member
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    # never resolve entities, never touch the network, no libxml2 "huge" relaxations
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> bytes:
    if info.file_size > MAX_MEMBER_BYTES or (info.compress_size and info.file_size / info.compress_size > MAX_RATIO
                                             and info.file_size > 1024 * 1024):
        raise FormError(f"Excel 文件中的部件 {info.filename} 解压后过大（可能是压缩炸弹），已拒绝", source=source,
                        code="E-LIMIT")
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


def _check_shared_strings(parts: dict[str, etree._Element], source: str) -> None:
    sst = parts.get("xl/sharedStrings.xml")
    count = 0 if sst is None else sum(1 for _ in sst.iterchildren(f"{_MAIN}si"))
    names = _sheet_names(parts)
    for name, root in parts.items():
        if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
            continue
        for cell in root.iter(f"{_MAIN}c"):
            if cell.get("t") != "s":
                continue
            v = cell.find(f"{_MAIN}v")
            text = (v.text or "").strip() if v is not None else ""
            if not text:
                continue
            if not (text.isdigit() and len(text) <= 9 and int(text) < count):
                where = f"{names.get(name, name)}!{cell.get('r', '?')}"
                raise FormError(f"{where} 引用了不存在的共享字符串（文件可能已损坏）", source=source)
