"""The three entry points of the public API: ``read`` (bytes → Document), ``parse`` (→ Report with cells),
``check`` (→ Report with cells, inferred values and findings). Each takes a path, bytes or a Document."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Union

from gongkai.document import Document
from gongkai.model import Report
from gongkai.readers.limits import DEFAULT_LIMITS, Limits

Source = Union[str, os.PathLike, bytes, Document]


def read(
    source: Source, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS, timeout: float | None = None
) -> Document:
    """Read a report in any published form (text, HTML, PDF, DOCX, DOC/WPS, image) into a Document: its text
    with the position (line, page, box or DOM path) of every character.

    ``source`` is a path, the file's bytes (``name`` is then the name reported in positions and messages) or a
    Document already read. Raises a :class:`gongkai.GongkaiError` subclass with a stable ``code`` (E-READ,
    E-CORRUPT, E-LIMIT …) when the input cannot be read.

    ``timeout`` (seconds; also on ``parse`` and ``check``): do the work in a separate worker process, its
    address space capped at ``limits.worker_memory_bytes``, and stop it after ``timeout`` seconds with
    :class:`gongkai.TimedOut` (E-TIMEOUT); a worker that dies raises :class:`gongkai.ReaderCrashed` (E-CRASH).
    Use it for files from untrusted sources: without it the work runs in the calling process, unbounded in time
    (native parsers cannot be interrupted from inside)."""
    if timeout is not None:
        return _isolated("read", source, name, limits, timeout)
    from gongkai.readers import read_bytes, read_path

    if isinstance(source, Document):
        return source
    if isinstance(source, (bytes, bytearray, memoryview)):
        return read_bytes(bytes(source), name or "<memory>", limits)
    return read_path(Path(source), limits)


def parse(
    source: Source,
    *,
    name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    require_report: bool = True,
    timeout: float | None = None,
) -> Report:
    """Read and parse a report without checking it: metadata (body, year, format) and every cell as printed —
    raw text, meaning (number, zero, blank, "/", text, unreadable), value and position. ``findings`` and
    ``inferred`` stay empty; :func:`check` fills them.

    ``source`` is a path, bytes (with ``name``) or a Document, as for :func:`read`. Raises
    :class:`gongkai.NotAnAnnualReport` (E-NOT-REPORT) for a document that is not an annual report, unless
    ``require_report`` is False. ``timeout``: see :func:`read`."""
    if timeout is not None:
        return _isolated("parse", source, name, limits, timeout, require_report)
    from gongkai.errors import NotAnAnnualReport
    from gongkai.parsing import parse_document
    from gongkai.parsing.evidence import NOT_REPORT_MESSAGE, report_evidence

    report = parse_document(read(source, name=name, limits=limits))
    if require_report and not report_evidence(report).is_report:
        raise NotAnAnnualReport(NOT_REPORT_MESSAGE, source=report.source)
    return report


def check(
    source: Source,
    *,
    name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    require_report: bool = True,
    timeout: float | None = None,
) -> Report:
    """Read, parse and check a report: cells, values inferred from the identities (stored beside the report's
    own), and findings. Raises :class:`gongkai.NotAnAnnualReport` (E-NOT-REPORT) for a document that is not
    an annual report, unless ``require_report`` is False. ``timeout``: see :func:`read`."""
    if timeout is not None:
        return _isolated("check", source, name, limits, timeout, require_report)
    from gongkai.pipeline import check_document

    return check_document(read(source, name=name, limits=limits), require_report=require_report)


# ------------------------------------------------------------------------------------ bounded in time and memory


def _label(item: tuple) -> str:
    _op, source, name, _require = item
    if isinstance(source, Document):
        return source.source
    if isinstance(source, (bytes, bytearray, memoryview)):
        return name or "<memory>"
    return str(source)


def _isolated_task(item: tuple, limits: Limits) -> Any:
    """Runs in the worker: the call's result, or the GongkaiError it raised, as the outcome's payload."""
    from gongkai.batch import Outcome, exhausted
    from gongkai.errors import GongkaiError

    op, source, name, require_report = item
    try:
        if op == "read":
            result: Document | Report = read(source, name=name, limits=limits)
        else:
            result = (check if op == "check" else parse)(
                source, name=name, limits=limits, require_report=require_report
            )
    except GongkaiError as err:
        return Outcome(_label(item), None, err.code, err.message, payload=err, recycle=exhausted(err))
    except MemoryError:
        return Outcome(_label(item), None, "E-CRASH", "读取时内存不足（文件可能异常庞大或已损坏）", recycle=True)
    except Exception as exc:  # noqa: BLE001 - a bug on odd input: its text crosses the process boundary
        return Outcome(
            _label(item), None, "E-INTERNAL", f"处理时发生内部错误：{type(exc).__name__}: {exc}", recycle=True
        )
    return Outcome(_label(item), None, payload=result)


def _isolated(
    op: str, source: Source, name: str | None, limits: Limits, timeout: float, require_report: bool = True
) -> Any:
    """``op`` done by one worker of the batch runner (time limit, memory cap, crash reporting)."""
    from gongkai.batch import run
    from gongkai.errors import GongkaiError, ReaderCrashed, TimedOut

    if not timeout > 0:
        raise ValueError("timeout must be a positive number of seconds")
    if isinstance(source, (bytearray, memoryview)):
        source = bytes(source)
    item = (op, source, name, require_report)
    where = _label(item)
    (outcome,) = run(
        [item], jobs=1, limits=replace(limits, seconds_per_file=timeout), task=_isolated_task, label=_label
    )
    if outcome.error_code is None:
        return outcome.payload
    if isinstance(outcome.payload, GongkaiError):
        raise outcome.payload
    if outcome.error_code == TimedOut.code:
        raise TimedOut(f"处理超时（超过 {timeout:g} 秒），已停止", source=where)
    if outcome.error_code == ReaderCrashed.code:
        raise ReaderCrashed(outcome.error_message or "读取此文件的进程意外终止", source=where)
    raise GongkaiError(outcome.error_message or "处理时发生内部错误", source=where, code=outcome.error_code)
