"""Plain text reader: bytes → Document. Handles UTF-8 (with or without BOM), UTF-16 with BOM and GB18030."""

from __future__ import annotations

from gongkai.document import Document
from gongkai.errors import UnreadableInput, UnsupportedFormat

# gb2312/gbk labels are decoded as gb18030, their superset: real pages labelled gb2312 contain characters
# outside it (see the dependency survey).
_ENCODINGS = ("utf-8-sig", "gb18030")
_BINARY_MAGIC = {b"%PDF": "PDF", b"PK\x03\x04": "DOCX/ZIP", b"\xd0\xcf\x11\xe0": "DOC/WPS", b"\x89PNG": "PNG",
                 b"\xff\xd8\xff": "JPEG"}


def decode(data: bytes, source: str = "<memory>") -> str:
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise UnsupportedFormat(f"这是{kind}文件，不是纯文本；请用 read_path/read_bytes 按格式读取", source=source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise UnreadableInput("文件含有二进制内容，不是文本文件", source=source)
    for enc in _ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnreadableInput("无法识别文件编码（已尝试 UTF-8 与 GB18030）", source=source)


def read_text(data: bytes, source: str = "<memory>") -> Document:
    return Document.from_text(decode(data, source), source=source)
