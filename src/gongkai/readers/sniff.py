"""Format detection by content, not by extension: government sites serve PDFs named .html and HTML named
.doc. The extension is only a tie-breaker for text that could be either."""

from __future__ import annotations

import re
import zipfile
from enum import Enum
from io import BytesIO


class Kind(str, Enum):
    TEXT = "text"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"
    LEGACY_WORD = "legacy_word"  # .doc / .wps (OLE compound file) and RTF: converted by LibreOffice
    IMAGE = "image"
    EMPTY = "empty"
    SPREADSHEET = "spreadsheet"  # a data file (xlsx): refused as not a report, not as an unknown format
    UNSUPPORTED = "unsupported"


# what each kind is called in messages for users
KIND_NAMES = {
    Kind.TEXT: "纯文本",
    Kind.HTML: "网页（HTML）",
    Kind.PDF: "PDF",
    Kind.DOCX: "Word（.docx）",
    Kind.LEGACY_WORD: "Word/WPS（.doc/.wps/.rtf）",
    Kind.IMAGE: "图片",
    Kind.EMPTY: "空文件",
    Kind.SPREADSHEET: "Excel 表格",
    Kind.UNSUPPORTED: "不支持的格式",
}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF87a", b"GIF89a")
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAGS = re.compile(rb"<(?:p|div|table|tr|td|span|br|h[1-6])\b[^>]*>", re.IGNORECASE)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _strip_bom(head: bytes) -> bytes:
    for bom in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :]
    return head


def _zip_kind(data: bytes) -> tuple[Kind, str]:
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError):
        # a damaged Word package (e.g. an entry claiming zip version 8.4) is still a DOCX: its reader says E-CORRUPT
        if b"word/document.xml" in data[: 1024 * 1024] or b"word/document.xml" in data[-1024 * 1024 :]:
            return Kind.DOCX, ""
        return Kind.UNSUPPORTED, "ZIP 压缩包已损坏"
    if "word/document.xml" in names:
        return Kind.DOCX, ""
    if "content.xml" in names:
        return Kind.UNSUPPORTED, "OpenDocument 文档（.odt）：请另存为 .docx 或 PDF"
    if any(n.startswith("xl/") for n in names):
        return Kind.SPREADSHEET, "Excel 表格（.xlsx）是数据表，不是年度报告全文"
    if any(n.startswith("ppt/") for n in names):
        return Kind.UNSUPPORTED, "PowerPoint 文件不是年度报告全文"
    return Kind.UNSUPPORTED, "ZIP 压缩包：请解压后再处理其中的文件"


def sniff(data: bytes, name: str = "") -> tuple[Kind, str]:
    """The kind of the file and, for unsupported input, why (Chinese)."""
    if not data.strip():
        return Kind.EMPTY, "文件为空"
    head = data[:4096]
    # PDF writers sometimes put junk before the header; readers accept it within the first 1 KB
    if b"%PDF-" in head[:1024]:
        return Kind.PDF, ""
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(_OLE):
        return Kind.LEGACY_WORD, ""
    if head.startswith(b"{\\rtf"):
        return Kind.LEGACY_WORD, ""
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return Kind.IMAGE, ""
    if head.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf", b"\x7fELF", b"MZ")):
        return Kind.UNSUPPORTED, "压缩包或可执行文件，不是年度报告"
    body = _strip_bom(head)
    if body.startswith((b"\xff\xfe", b"\xfe\xff")) or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:  # UTF-16 text or HTML
            body = head.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            pass
    if body.lstrip().upper().startswith(b"MIME-VERSION:") or b"Content-Type: multipart/related" in head:
        return Kind.UNSUPPORTED, "网页归档（.mht）：请在浏览器中另存为 .html 后再处理"
    if _HTML_START.match(body) or len(_HTML_TAGS.findall(body)) >= 3:
        return Kind.HTML, ""
    if b"\x00" in body[:1024] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Kind.UNSUPPORTED, "二进制文件，不是可识别的文档格式"
    return Kind.TEXT, ""
