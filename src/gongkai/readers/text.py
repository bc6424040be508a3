"""Plain text reader: bytes → Document. Handles UTF-8 (with or without BOM), UTF-16 with BOM and GB18030."""

from __future__ import annotations

from gongkai.document import Document
from gongkai.errors import UnreadableInput

# gb2312/gbk labels are decoded as gb18030, their superset: real pages labelled gb2312 contain characters
# outside it (see the dependency survey).
_ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes, source: str = "<memory>") -> str:
    """The text of a file already detected as text (:func:`gongkai.readers.read_bytes` tells formats apart)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise UnreadableInput("文件含有二进制内容，不是文本文件", source=source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        # a UTF-8 text cut inside its last character: read up to the cut (the cut itself is reported later)
        if e.reason == "unexpected end of data" and e.end == len(data) and len(data) - e.start < 4:
            return data[: e.start].decode("utf-8-sig")
    for enc in _ENCODINGS[1:]:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnreadableInput("无法识别文件编码（已尝试 UTF-8 与 GB18030）", source=source)


def read_text(data: bytes, source: str = "<memory>") -> Document:
    return Document.from_text(decode(data, source), source=source)
