"""Readers turn the bytes of a published report into a :class:`~gongkai.document.Document`."""

from __future__ import annotations

from pathlib import Path

from gongkai.document import Document
from gongkai.errors import UnreadableInput
from gongkai.readers.text import read_text

__all__ = ["read_path", "read_text"]


def read_path(path: str | Path) -> Document:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise UnreadableInput("文件不存在", source=str(p)) from None
    except IsADirectoryError:
        raise UnreadableInput("这是一个目录，不是文件", source=str(p)) from None
    except OSError as exc:
        raise UnreadableInput(f"无法读取文件（{exc.strerror}）", source=str(p)) from None
    return read_text(data, source=str(p))
