"""The three entry points of the public API: ``read`` (bytes → Document), ``parse`` (→ Report with cells),
``check`` (→ Report with cells, inferred values and findings). Each takes a path, bytes or a Document."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Union

from gongkai.document import Document
from gongkai.model import Report
from gongkai.readers.limits import DEFAULT_LIMITS, Limits

Source = Union[str, os.PathLike, bytes, Document]


def read(source: Source, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a report in any published form (text, HTML, PDF, DOCX, DOC/WPS, image) into a Document: its text
    with the position (line, page, box or DOM path) of every character.

    ``source`` is a path, the file's bytes (``name`` is then the name reported in positions and messages) or a
    Document already read. Raises a :class:`gongkai.GongkaiError` subclass with a stable ``code`` (E-READ,
    E-CORRUPT, E-LIMIT …) when the input cannot be read."""
    from gongkai.readers import read_bytes, read_path

    if isinstance(source, Document):
        return source
    if isinstance(source, (bytes, bytearray, memoryview)):
        return read_bytes(bytes(source), name or "<memory>", limits)
    return read_path(Path(source), limits)


def parse(source: Source, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS,
          require_report: bool = True) -> Report:
    """Read and parse a report without checking it: metadata (body, year, format) and every cell as printed —
    raw text, meaning (number, zero, blank, "/", text, unreadable), value and position. ``findings`` and
    ``inferred`` stay empty; :func:`check` fills them.

    ``source`` is a path, bytes (with ``name``) or a Document, as for :func:`read`. Raises
    :class:`gongkai.NotAnAnnualReport` (E-NOT-REPORT) for a document that is not an annual report, unless
    ``require_report`` is False."""
    from gongkai.errors import NotAnAnnualReport
    from gongkai.parsing import parse_document
    from gongkai.parsing.evidence import NOT_REPORT_MESSAGE, report_evidence

    report = parse_document(read(source, name=name, limits=limits))
    if require_report and not report_evidence(report).is_report:
        raise NotAnAnnualReport(NOT_REPORT_MESSAGE, source=report.source)
    return report


def check(source: Source, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS,
          require_report: bool = True) -> Report:
    """Read, parse and check a report: cells, values inferred from the identities (stored beside the report's
    own), and findings. Raises :class:`gongkai.NotAnAnnualReport` (E-NOT-REPORT) for a document that is not
    an annual report, unless ``require_report`` is False."""
    from gongkai.pipeline import check_document

    return check_document(read(source, name=name, limits=limits), require_report=require_report)
