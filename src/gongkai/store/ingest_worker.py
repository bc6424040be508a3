"""Ingest, worker side: one file (or stored document) read, checked and turned into plain rows for the parent.

Runs in the worker processes of :mod:`gongkai.batch` (or on a Dask cluster, :mod:`gongkai.store.cluster`); the
parent (:mod:`gongkai.store.ingest`) matches the organization and writes.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from gongkai.batch import Outcome
from gongkai.errors import GongkaiError, ReaderCrashed, os_reason
from gongkai.readers.limits import Limits
from gongkai.store.rows import ReportRows, error_rows, finding_keys, report_rows


@dataclass(slots=True)
class Job:
    """One file for a worker: a path on disk, or the stored bytes of a document being re-parsed."""

    label: str
    path: str | None = None
    data: bytes | None = None


@dataclass(slots=True)
class IngestItem:
    sha256: str
    size: int
    data: bytes
    rows: ReportRows
    keys: list[str] | None = None  # the findings' review keys, computed by the worker (else by the writer)


def _label(job: Job) -> str:
    return job.label


def ingest_task(job: Job, limits: Limits) -> Outcome:
    """Worker side: read, check, and turn the report into rows (errors become rows too: the file is kept)."""
    from gongkai.analysis.prose import prose_hashes, prose_text
    from gongkai.pipeline import check_document
    from gongkai.readers import read_bytes

    from gongkai.batch import exhausted

    start = time.perf_counter()
    recycle = False
    data = job.data
    if data is None:
        try:
            data = Path(job.path or job.label).read_bytes()
        except OSError as exc:
            return Outcome(job.label, None, "E-READ", f"无法读取文件（{os_reason(exc)}）", time.perf_counter() - start)
    sha = hashlib.sha256(data).hexdigest()
    try:
        report = check_document(read_bytes(data, source=job.label, limits=limits))
        rows = report_rows(report, sorted(prose_hashes(prose_text(report))))
        code = message = None
    except GongkaiError as err:
        rows, code, message = error_rows(job.label, err.code, err.message), err.code, err.message
        recycle = exhausted(err)  # a reader that ran out of recursion or memory: the next file gets a new worker
    except MemoryError:
        code, message = ReaderCrashed.code, "读取时内存不足（文件可能异常庞大或已损坏）"
        rows = error_rows(job.label, code, message)
        recycle = True
    except Exception as exc:  # a bug on odd input: reported and kept for this file only
        code, message = "E-INTERNAL", f"处理时发生内部错误：{type(exc).__name__}: {exc}"
        rows = error_rows(job.label, code, message)
    keys = finding_keys(False, sha, [row[-1] for row in rows.findings])  # here, not in the writing parent
    return Outcome(
        job.label,
        None,
        code,
        message,
        time.perf_counter() - start,
        payload=IngestItem(sha, len(data), data, rows, keys),
        recycle=recycle,
    )


__all__ = ["IngestItem", "Job", "ingest_task"]
