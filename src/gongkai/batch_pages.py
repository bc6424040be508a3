"""Many files at once, with the scanned pages of a PDF spread over the workers page by page.

:func:`run_pages` is :func:`gongkai.batch.run` (same arguments, one outcome per item in finishing order, same
error codes) for batches that may hold scans. OCR costs seconds a page, so a long scan read in one worker keeps
one core busy for minutes while the others idle, and the file's time limit may end it. Here:

1. every item runs with OCR deferred (:mod:`gongkai.readers.ocr_plan`): a PDF with at least two scanned pages
   stops reading, its bytes are put in a spill folder and the item is set aside;
2. each of those pages is OCR'd as an item of its own through :func:`gongkai.batch.run` (its own time limit and
   crash isolation, on any worker); the result (words with boxes, a few KB) goes to the spill folder;
3. the set-aside items run again with their pages' results given; the reader uses each result where it would
   have called the OCR engine, and a page that failed fails the read as it would have in place: the engine's
   exception is raised there, and a page whose process died or ran out of time makes the item's outcome
   ``E-CRASH`` / ``E-TIMEOUT`` as when the whole file is lost that way.

An item whose read needs more documents OCR'd (a read of several PDFs) goes round again, at most
``_ROUNDS`` times; the last round OCRs in place. Identical contents share their pages' OCR.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai import batch
from gongkai.batch import CHUNK_ITEMS, Outcome, Task, exhausted
from gongkai.errors import ReaderCrashed
from gongkai.readers import ocr_plan
from gongkai.readers.limits import DEFAULT_LIMITS, Limits

_ROUNDS = 3  # rounds with OCR deferred; a read still asking for pages after them OCRs in place


# a page result as the parent keeps it until the item runs again: a file in the spill folder, the pickled result
# itself (no shared folder, e.g. on a cluster), or how the page was lost
Given = str | bytes | ocr_plan.PageLost


@dataclass(slots=True)
class PagedItem:
    """An item of the batch, with the results of the pages its read needs. ``data`` and ``path`` are the item's
    own, so that a batch sizes chunks as for the item."""

    index: int
    item: Any
    given: dict[tuple[str, int], Given] = field(default_factory=dict)

    @property
    def data(self) -> Any:
        return getattr(self.item, "data", None)

    @property
    def path(self) -> Any:
        return getattr(self.item, "path", self.item)


@dataclass(slots=True)
class PageJob:
    """One scanned page to OCR (1-based): of the PDF spilled at ``pdf``, or of ``data``."""

    sha256: str
    page: int
    label: str
    pdf: str | None = None
    data: bytes | None = None

    @property
    def path(self) -> str | None:
        return self.pdf


@dataclass(frozen=True, slots=True)
class _Deferral:
    index: int
    pages: dict[str, list[int]]  # sha256 → pages
    data: dict[str, bytes]  # sha256 → the PDF, when there is no spill folder


@dataclass(frozen=True, slots=True)
class _Lost:
    index: int
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class PageDone:
    """What a page task reports: which process did it, whether the OCR failed (then the read fails there),
    and the pickled result when there is no spill folder."""

    sha256: str
    page: int
    pid: int
    failed: bool
    result: bytes | None = None
    skipped: bool = False  # not OCR'd: an earlier page of the PDF already failed, so the read stops before it


def _check(item: Any, limits: Limits) -> Outcome:
    return batch.check_one(item, limits)  # looked up when called, as the batch's own default task


def _load(value: Given) -> ocr_plan.PageResult:
    if isinstance(value, ocr_plan.PageLost):
        return value
    return pickle.loads(value if isinstance(value, bytes) else Path(value).read_bytes())


@dataclass(frozen=True, slots=True)
class Planned:
    """The caller's task run under an OCR plan (picklable, for workers that are not forked). Without a spill
    folder a deferred PDF goes back in the outcome."""

    task: Task
    spill: str | None
    defer: bool

    def __call__(self, item: PagedItem, limits: Limits) -> Outcome:
        plan = ocr_plan.OcrPlan(given={k: _load(v) for k, v in item.given.items()}, defer=self.defer)
        start = time.perf_counter()
        token = ocr_plan.PLAN.set(plan)
        try:
            try:
                outcome: Outcome | None = self.task(item.item, limits)
            except (ocr_plan.OcrDeferred, ocr_plan.PageLostSignal):
                outcome = None
        finally:
            ocr_plan.PLAN.reset(token)
        seconds = time.perf_counter() - start
        if plan.lost is not None:
            return Outcome("", seconds=seconds, payload=_Lost(item.index, plan.lost.code, plan.lost.message))
        if plan.deferred:
            pages: dict[str, list[int]] = {}
            data: dict[str, bytes] = {}
            for d in plan.deferred:
                if self.spill is None:
                    data[d.sha256] = d.data
                else:
                    _spill(Path(self.spill) / f"{d.sha256}.pdf", d.data)
                known = pages.setdefault(d.sha256, [])
                known.extend(sorted(set(d.pages) - set(known)))
            return Outcome("", seconds=seconds, payload=_Deferral(item.index, pages, data))
        assert outcome is not None  # only the two signals above end a task without an outcome
        return outcome


def _spill(path: Path, data: bytes) -> None:
    """Write once, atomically: two items with the same content may spill it at the same time."""
    if path.exists():
        return
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _stop_after(pdf: str, page: int) -> None:
    """Pages after ``page`` of this PDF need no OCR: its read fails at ``page`` or before. (Without it a PDF
    whose every page hangs would hold the workers for its page count times the time limit.)"""
    if page < _stop_page(pdf):
        _spill_text(Path(pdf).with_suffix(".stop"), str(page))


def _stop_page(pdf: str) -> int | float:
    try:
        return int(Path(pdf).with_suffix(".stop").read_text())
    except (OSError, ValueError):
        return float("inf")


def _spill_text(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _result_path(spill: str, sha256: str, page: int) -> Path:
    return Path(spill) / f"{sha256}.{page}.ocr"


def ocr_page_task(job: PageJob, limits: Limits) -> Outcome:
    """OCR one page; the result, or the exception the OCR raised, goes to the spill folder (or back in the
    outcome without one)."""
    start = time.perf_counter()
    if job.pdf is not None and job.page > _stop_page(job.pdf):
        done = PageDone(job.sha256, job.page, os.getpid(), False, skipped=True)
        return Outcome(job.label, seconds=time.perf_counter() - start, payload=done)
    result: ocr_plan.PageResult
    recycle = False
    try:
        data = job.data if job.data is not None else Path(job.pdf or "").read_bytes()
        result = ocr_plan.ocr_page_of(data, job.page, limits)
    except Exception as exc:  # replayed by the read, which handles it as it would have in place
        recycle = exhausted(exc)
        result = ocr_plan.PageFailed(exc, recycle)
    try:
        blob = pickle.dumps(result)
    except Exception:  # an exception that does not pickle: replayed as one of the same name and text
        error = result.error if isinstance(result, ocr_plan.PageFailed) else None
        result = ocr_plan.PageFailed(_Foreign(type(error).__name__, str(error)), recycle)
        blob = pickle.dumps(result)
    failed = isinstance(result, ocr_plan.PageFailed)
    if job.pdf is None:
        done = PageDone(job.sha256, job.page, os.getpid(), failed, blob)
    else:
        path = _result_path(str(Path(job.pdf).parent), job.sha256, job.page)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, path)
        done = PageDone(job.sha256, job.page, os.getpid(), failed)
    return Outcome(job.label, seconds=time.perf_counter() - start, payload=done, recycle=recycle)


class _Foreign(Exception):
    """Stands for an exception that could not be pickled; the read raises one named like it."""

    def __init__(self, name: str, text: str):
        super().__init__(name, text)
        self.name, self.text = name, text

    def __reduce__(self):
        return (_foreign, (self.name, self.text))


def _foreign(name: str, text: str) -> Exception:
    return type(name, (Exception,), {})(text)


def _lost(outcome: Outcome) -> ocr_plan.PageLost:
    """A page whose worker died or ran out of time: the batch said so in the words it uses for a file lost the
    same way, which become the file's outcome when its read needs the page."""
    return ocr_plan.PageLost(outcome.error_code or ReaderCrashed.code, outcome.error_message or "")


def spread_pages(
    items: list[Any],
    *,
    task: Task,
    label: Callable[[Any], str],
    run_items: Callable[[list[PagedItem], Planned], Iterable[Outcome]],
    run_page_jobs: Callable[[list[PageJob]], Iterable[Outcome]],
    shared: bool = True,
    on_page: Callable[[Outcome], None] | None = None,
) -> Iterator[Outcome]:
    """The three phases over any executor: ``run_items`` runs items under a :class:`Planned` task,
    ``run_page_jobs`` runs :func:`ocr_page_task` over pages; both yield one outcome per item (an error outcome
    named by the item's label when its worker is lost), as :func:`gongkai.batch.run` does.

    Deferred PDFs and page results wait in a spill folder here, not in memory. ``shared``: the workers see that
    folder (processes of this machine); otherwise (a cluster) PDFs and results travel in the outcomes, and
    ``run_page_jobs`` / ``run_items`` must send a page's PDF (``PageJob.pdf``) and an item's given results
    (paths in ``PagedItem.given``) with the task themselves, as :mod:`gongkai.store.cluster` does."""
    # made by hand, not by tempfile.mkdtemp: a caller may have pointed mkdtemp at a folder of its own (the API
    # walkthrough's test does), which the cleanup here would then remove
    spill = Path(tempfile.gettempdir()) / f"gongkai-ocr-{uuid.uuid4().hex}"
    spill.mkdir(mode=0o700)
    try:
        yield from _spread(items, task, label, run_items, run_page_jobs, str(spill), shared, on_page)
    finally:
        shutil.rmtree(spill, ignore_errors=True)


def _spread(
    items: list[Any],
    task: Task,
    label: Callable[[Any], str],
    run_items: Callable[[list[PagedItem], Planned], Iterable[Outcome]],
    run_page_jobs: Callable[[list[PageJob]], Iterable[Outcome]],
    spill: str,
    shared: bool,
    on_page: Callable[[Outcome], None] | None,
) -> Iterator[Outcome]:
    todo = [PagedItem(i, item) for i, item in enumerate(items)]
    needs: dict[int, set[str]] = {}  # index → PDFs whose pages its read asked for
    results: dict[tuple[str, int], Given] = {}
    for round_no in range(_ROUNDS + 1):
        deferred: list[_Deferral] = []
        for outcome in run_items(todo, Planned(task, spill if shared else None, defer=round_no < _ROUNDS)):
            payload = outcome.payload
            if isinstance(payload, _Deferral):
                for sha, data in payload.data.items():  # from a worker without the folder
                    _spill(Path(spill) / f"{sha}.pdf", data)
                payload.data.clear()
                deferred.append(payload)
            elif isinstance(payload, _Lost):
                yield Outcome(label(items[payload.index]), None, payload.code, payload.message, outcome.seconds)
            else:
                yield outcome
        if not deferred:
            return
        pages: list[PageJob] = []
        for d in sorted(deferred, key=lambda d: d.index):
            for sha, numbers in d.pages.items():
                needs.setdefault(d.index, set()).add(sha)
                for n in numbers:
                    if (sha, n) in results:
                        continue
                    results[(sha, n)] = ""  # claimed: identical contents share the page
                    # the label is unique per page: a page lost by its worker is known by its label only
                    label_n = f"{label(items[d.index])}#{n}@{sha[:16]}"
                    pages.append(PageJob(sha, n, label_n, pdf=str(Path(spill) / f"{sha}.pdf")))
        by_label = {p.label: p for p in pages}
        for outcome in run_page_jobs(pages):
            page = by_label[outcome.path]
            done = outcome.payload
            key = (page.sha256, page.page)
            if isinstance(done, PageDone) and done.skipped:
                del results[key]  # never read: the read stops at the earlier page that failed
            elif isinstance(done, PageDone):
                path = _result_path(spill, page.sha256, page.page)
                if done.result is not None:  # from a worker without the folder
                    path.write_bytes(done.result)
                results[key] = str(path)
            else:
                results[key] = _lost(outcome)
            if not isinstance(done, PageDone) or done.failed:
                _stop_after(str(Path(spill) / f"{page.sha256}.pdf"), page.page)
            if on_page is not None:
                on_page(outcome)
        pages.clear()
        indexes = [d.index for d in deferred]
        todo = [PagedItem(i, items[i], {k: v for k, v in results.items() if k[0] in needs[i]}) for i in indexes]


def run_pages(
    items: list[Any],
    *,
    jobs: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    on_start: Callable[[str], None] | None = None,
    task: Task | None = None,
    label: Callable[[Any], str] = str,
    chunk: int = CHUNK_ITEMS,
    start_method: str | None = None,
    on_page: Callable[[Outcome], None] | None = None,
) -> Iterator[Outcome]:
    """Outcomes of ``task`` (default: checking a file) over ``items``, in the order they finish, as
    :func:`gongkai.batch.run` gives them, with scanned PDF pages OCR'd one page per worker task.
    ``on_page`` sees each page's outcome (its payload a :class:`PageDone`, or the batch's error)."""
    if task is None:
        task, items = _check, [str(p) for p in items]
    if not items:
        return

    def run_items(todo: list[PagedItem], planned: Planned) -> Iterator[Outcome]:
        return batch.run(  # looked up when called: a caller may wrap it
            todo,
            jobs=jobs,
            limits=limits,
            on_start=on_start,
            task=planned,
            label=lambda w: label(w.item),
            chunk=chunk,
            start_method=start_method,
        )

    def run_page_jobs(pages: list[PageJob]) -> Iterator[Outcome]:
        return batch.run(
            pages,
            jobs=jobs,
            limits=limits,
            task=ocr_page_task,
            label=lambda p: p.label,
            chunk=chunk,
            start_method=start_method,
        )

    yield from spread_pages(
        items, task=task, label=label, run_items=run_items, run_page_jobs=run_page_jobs, on_page=on_page
    )


__all__ = ["Given", "PageDone", "PageJob", "PagedItem", "Planned", "ocr_page_task", "run_pages", "spread_pages"]
