"""The source of a report as the workbench shows it: PDF pages rendered server-side (pypdfium2), cached in a
small per-application LRU. Cell boxes are stored in PDF points from the crop box's top-left corner, which is
also what pypdfium2 renders, so a box scales to pixels by the render scale alone."""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass

SCALE = 1.5  # pixels per PDF point (108 dpi): legible Chinese at a modest size


@dataclass(frozen=True)
class PageImage:
    png: bytes
    width_pt: float
    height_pt: float
    pages: int


class PageCache:
    """(document sha, page) → rendered page; bounded, thread-safe (uvicorn runs sync routes in threads)."""

    def __init__(self, capacity: int = 64):
        self.capacity = capacity
        self._items: OrderedDict[tuple[str, int], PageImage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sha: str, page: int, content_of) -> PageImage | None:
        with self._lock:
            hit = self._items.get((sha, page))
            if hit is not None:
                self._items.move_to_end((sha, page))
                return hit
        image = render_page(content_of(), page)
        if image is not None:
            with self._lock:
                self._items[(sha, page)] = image
                while len(self._items) > self.capacity:
                    self._items.popitem(last=False)
        return image


def render_page(content: bytes, page: int) -> PageImage | None:
    """Page ``page`` (1-based) of a PDF as PNG; None when the page does not exist or the file is no PDF."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(content)
    except pdfium.PdfiumError:
        return None
    try:
        if not 1 <= page <= len(pdf):
            return None
        p = pdf[page - 1]
        left, bottom, right, top = p.get_cropbox()
        bitmap = p.render(scale=SCALE, crop=(0, 0, 0, 0), may_draw_forms=False)
        out = io.BytesIO()
        bitmap.to_pil().save(out, format="PNG", optimize=False)
        return PageImage(out.getvalue(), right - left, top - bottom, len(pdf))
    finally:
        pdf.close()
