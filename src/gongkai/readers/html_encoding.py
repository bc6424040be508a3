"""Decode the bytes of a web page: BOM, declared charset, then UTF-8, GB18030 and a statistical guess.

We decode ourselves instead of letting lxml follow ``<meta charset>``: Chinese government pages labelled
gb2312 or gbk routinely contain characters outside those sets (镕, 堃, 珺 in names), which only their
superset GB18030 decodes. Strict decoding comes first so that a wrong label falls through to the next guess
rather than producing mojibake.
"""

from __future__ import annotations

import codecs
import re

from gongkai.errors import UnreadableInput, UnsupportedFormat

_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_GB_LABELS = frozenset(
    {
        "gb2312",
        "gbk",
        "gb_2312-80",
        "gb_2312",
        "x-gbk",
        "cp936",
        "ms936",
        "windows-936",
        "csgb2312",
        "euc-cn",
        "x-euc-cn",
        "chinese",
        "iso-ir-58",
        "gb18030",
        "hz-gb-2312",
    }
)
# labels often put on pages by a careless template; a strict UTF-8 or GB18030 decode is tried before them
_WESTERN = frozenset({"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"})
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_BINARY_MAGIC = {
    b"%PDF": "PDF",
    b"PK\x03\x04": "ZIP（DOCX 等）",
    b"\xd0\xcf\x11\xe0": "DOC/WPS",
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"GIF8": "GIF 图片",
    b"{\\rtf": "RTF",
}


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares in its first few KB (``<meta charset>``, http-equiv, XML declaration),
    lower-cased, with every GB2312/GBK label mapped to gb18030."""
    head = data[:_SNIFF_BYTES]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not m:
        return None
    label = m.group(1).decode("ascii", "replace").strip().lower()
    if label in _GB_LABELS:
        return "gb18030"
    return label


def _known(label: str) -> bool:
    try:
        codecs.lookup(label)
    except LookupError:
        return False
    return True


def _looks_binary(data: bytes) -> bool:
    head = data[:_SNIFF_BYTES]
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > max(8, len(head) // 50)


def decode_html(data: bytes, source: str = "<memory>") -> tuple[str, str]:
    """``(text, encoding used)``. Raises :class:`UnsupportedFormat` for another file type and
    :class:`UnreadableInput` for bytes that are not text in any encoding we know."""
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise UnsupportedFormat(f"这是{kind}文件，不是网页（HTML）", source=source)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError:
                break  # a BOM followed by garbage: fall back to the guesses below
    if _looks_binary(data):
        raise UnreadableInput("文件含有二进制内容，不是网页（HTML）文件", source=source)

    declared = declared_charset(data)
    order: list[str] = []
    if declared and _known(declared) and declared not in _WESTERN:
        order.append(declared)
    order += ["utf-8", "gb18030"]
    for enc in dict.fromkeys(order):
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        best = None
    else:
        best = from_bytes(data[: 1024 * 1024]).best()
    if best is not None and best.encoding:
        enc = "gb18030" if best.encoding.lower() in _GB_LABELS else best.encoding
        return data.decode(enc, errors="replace"), enc
    if declared and _known(declared):
        return data.decode(declared, errors="replace"), declared
    raise UnreadableInput("无法识别网页编码（已尝试声明的编码、UTF-8 与 GB18030）", source=source)


__all__ = ["declared_charset", "decode_html"]
