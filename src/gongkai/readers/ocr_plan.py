"""OCR of scanned PDF pages done elsewhere: deferred by the reader, done page by page, then given back.

A batch that wants the pages of a scan spread over its workers (:mod:`gongkai.batch_pages`) sets an
:class:`OcrPlan` in a context variable around one task call. With the plan set, :func:`gongkai.readers.pdf.read_pdf`
does not OCR a scanned page it has no result for: it looks ahead for the other scanned pages of the document,
records them in the plan and raises :class:`OcrDeferred`. The batch OCRs each page in its own task
(:func:`ocr_page_of`) and runs the item again with the pages' results in the plan, and the reader then uses them
exactly where it would have called the OCR engine — a result, or the very exception the engine raised there — so
the document reads the same as with in-process OCR. Without a plan (every other caller) nothing changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from gongkai.readers.geometry import Ruling, Word
from gongkai.readers.limits import Limits

PageWords = tuple[list[Word], list[Ruling]]  # what an OCR page reader returns
PageReader = Callable[[Any, int, Limits], PageWords]


@dataclass(frozen=True, slots=True)
class PageFailed:
    """The OCR of a page raised ``error``; ``exhausted`` when it had run out of memory or recursion (the
    exception's context, which does not survive pickling, said so)."""

    error: BaseException
    exhausted: bool = False


@dataclass(frozen=True, slots=True)
class PageLost:
    """The process OCRing a page died or ran out of time: what the batch says of a file it lost that way."""

    code: str
    message: str


PageResult = PageWords | PageFailed | PageLost


@dataclass(slots=True)
class Deferred:
    """Scanned pages (1-based) of one PDF that a read needs, and the PDF itself (to OCR them elsewhere)."""

    sha256: str
    data: bytes
    pages: list[int]


@dataclass(slots=True)
class OcrPlan:
    """One task call's OCR arrangement: results given per (PDF sha256, page), and what the reader asked for.
    ``defer`` off: pages without a result are OCR'd in place (the last round of a batch)."""

    given: Mapping[tuple[str, int], PageResult] = field(default_factory=dict)
    defer: bool = True
    min_pages: int = 2  # a document with fewer scanned pages to do is OCR'd in place: nothing to spread
    deferred: list[Deferred] = field(default_factory=list)
    lost: PageLost | None = None


class OcrDeferred(BaseException):
    """Raised through the task by a read that needs pages OCR'd elsewhere (a BaseException, so that a task's
    ``except Exception`` does not turn it into an error outcome; the plan records it either way)."""


class PageLostSignal(BaseException):
    """Raised through the task where a page whose OCR process died or timed out was needed."""


PLAN: ContextVar[OcrPlan | None] = ContextVar("gongkai_ocr_plan", default=None)


def planned(ocr: PageReader, data: bytes, is_scanned: Callable[[Any], bool]) -> PageReader:
    """The OCR page reader a PDF read should use: ``ocr`` itself unless a batch set a plan."""
    plan = PLAN.get()
    if plan is None:
        return ocr
    return _PlannedReader(ocr, data, is_scanned, plan)


class _PlannedReader:
    def __init__(self, ocr: PageReader, data: bytes, is_scanned: Callable[[Any], bool], plan: OcrPlan):
        self.ocr, self.data, self.is_scanned, self.plan = ocr, data, is_scanned, plan
        self._sha: str | None = None

    @property
    def sha256(self) -> str:
        if self._sha is None:
            self._sha = hashlib.sha256(self.data).hexdigest()
        return self._sha

    def __call__(self, page: Any, page_no: int, limits: Limits) -> PageWords:
        plan = self.plan
        result = plan.given.get((self.sha256, page_no))
        if result is not None:
            return _unwrap(result, plan)
        if not plan.defer:
            return self.ocr(page, page_no, limits)
        todo = [page_no] + [n for n in self._scanned_after(page, page_no) if (self.sha256, n) not in plan.given]
        if len(todo) < plan.min_pages:
            return self.ocr(page, page_no, limits)
        plan.deferred.append(Deferred(self.sha256, self.data, todo))
        raise OcrDeferred(self.sha256)

    def _scanned_after(self, page: Any, page_no: int) -> list[int]:
        """Later pages without a text layer, up to the first page that cannot be read (the read in place
        would stop with that page's error after OCRing the ones before it; the read with results will too)."""
        pdf = page.pdf
        out = []
        for index in range(page_no, len(pdf)):
            try:
                later = pdf[index]
            except Exception:
                break
            try:
                if self.is_scanned(later):
                    out.append(index + 1)
            except Exception:
                break
            finally:
                later.close()
        return out


def _unwrap(result: PageResult, plan: OcrPlan) -> PageWords:
    if isinstance(result, PageLost):
        plan.lost = result
        raise PageLostSignal(result.code)
    if isinstance(result, PageFailed):
        if result.exhausted:  # the same context as in place, so that the worker is recycled the same way
            try:
                raise MemoryError
            except MemoryError:
                raise result.error from None
        raise result.error
    return result


def ocr_page_of(data: bytes, page_no: int, limits: Limits) -> PageWords:
    """OCR one page of a PDF exactly as :func:`gongkai.readers.pdf.read_pdf` would OCR it in place."""
    from gongkai.readers import pdf as pdf_reader

    ocr = pdf_reader._ocr_function()
    if ocr is None:
        from gongkai.errors import MissingDependency
        from gongkai.readers.ocr import MISSING_MESSAGE

        raise MissingDependency(MISSING_MESSAGE)
    pdf = pdf_reader._open(data, "")
    try:
        page = pdf[page_no - 1]
        try:
            return ocr(page, page_no, limits)
        finally:
            page.close()
    finally:
        pdf.close()


__all__ = [
    "Deferred",
    "OcrDeferred",
    "OcrPlan",
    "PLAN",
    "PageFailed",
    "PageLost",
    "PageLostSignal",
    "PageResult",
    "ocr_page_of",
    "planned",
]
