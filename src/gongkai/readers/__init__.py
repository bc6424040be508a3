"""Readers turn the bytes of a published report into a :class:`~gongkai.document.Document`.

:func:`read_bytes` detects the format from the content (:mod:`gongkai.readers.sniff`), hands the bytes to the
reader for that format, and assembles structured results (HTML, DOCX, PDF, scans) into the one document model
the parser reads. Format readers are imported only when a file of their kind arrives.
"""

from __future__ import annotations

from pathlib import Path

from gongkai.document import Document
from gongkai.errors import EmptyInput, InputTooLarge, NotAnAnnualReport, UnreadableInput, UnsupportedFormat, os_reason
from gongkai.readers.limits import DEFAULT_LIMITS, Limits
from gongkai.readers.sniff import KIND_NAMES, Kind, sniff
from gongkai.readers.text import read_text

__all__ = ["read_path", "read_bytes", "read_text", "Limits", "DEFAULT_LIMITS", "Kind", "sniff"]


def read_bytes(data: bytes, source: str = "<memory>", limits: Limits = DEFAULT_LIMITS) -> Document:
    if len(data) > limits.max_bytes:
        raise InputTooLarge(
            f"文件过大（{len(data) / 1048576:.0f} MB，上限 {limits.max_bytes // 1048576} MB）", source=source
        )
    kind, why = sniff(data, source)
    if kind is Kind.EMPTY:
        raise EmptyInput("文件为空（没有任何内容）", source=source)
    if kind is Kind.SPREADSHEET:
        raise NotAnAnnualReport(why, source=source)
    if kind is Kind.UNSUPPORTED:
        raise UnsupportedFormat(f"不支持的文件格式：{why}", source=source)
    if kind is Kind.TEXT:
        if len(data) > limits.max_text_bytes:
            raise InputTooLarge(
                f"文本文件过大（{len(data) / 1048576:.0f} MB，纯文本上限 {limits.max_text_bytes // 1048576} MB）",
                source=source,
            )
        return read_text(data, source=source)
    from gongkai.readers.assemble import to_document

    if kind is Kind.HTML:
        from gongkai.readers.html import read_html

        layout = read_html(data, source, limits)
    elif kind is Kind.PDF:
        from gongkai.readers.pdf import read_pdf

        layout = read_pdf(data, source, limits)
    elif kind is Kind.DOCX:
        from gongkai.readers.docx import read_docx

        layout = read_docx(data, source, limits)
    elif kind is Kind.LEGACY_WORD:
        from gongkai.readers.libreoffice import read_legacy_word

        layout = read_legacy_word(data, source, limits)
    elif kind is Kind.IMAGE:
        from gongkai.readers.ocr import read_image

        layout = read_image(data, source, limits)
    else:  # pragma: no cover - every kind is handled above
        raise UnsupportedFormat(f"不支持的文件格式：{KIND_NAMES.get(kind, kind)}", source=source)
    return to_document(layout, source)


def read_path(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise UnreadableInput("这是一个目录，不是文件", source=str(p))
        if size > limits.max_bytes:
            raise InputTooLarge(
                f"文件过大（{size / 1048576:.0f} MB，上限 {limits.max_bytes // 1048576} MB）", source=str(p)
            )
        data = p.read_bytes()
    except FileNotFoundError:
        raise UnreadableInput("文件不存在", source=str(p)) from None
    except IsADirectoryError:
        raise UnreadableInput("这是一个目录，不是文件", source=str(p)) from None
    except OSError as exc:
        raise UnreadableInput(f"无法读取文件（{os_reason(exc)}）", source=str(p)) from None
    return read_bytes(data, source=str(p), limits=limits)
