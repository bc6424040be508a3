"""The source of a report as the workbench shows it: PDF pages rendered server-side (pypdfium2), and the pages
of a scanned image, cached in a small per-application LRU. Cell boxes are stored in PDF points from the crop
box's top-left corner, which is also what pypdfium2 renders, so a box scales to pixels by the render scale
alone; a scan's boxes are in the image's pixels (after its EXIF rotation, as the OCR reader saw it)."""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass

SCALE = 1.5  # pixels per PDF point (108 dpi): legible Chinese at a modest size


@dataclass(frozen=True)
class PageImage:
    png: bytes
    width_pt: float  # in the units of the stored boxes: PDF points, or pixels for a scan
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
    """Page ``page`` (1-based) of a PDF or a scanned image as PNG; None when the page does not exist or the file
    is neither."""
    import pypdfium2 as pdfium

    if not content.startswith(b"%PDF"):
        return render_scan_page(content, page)
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


def render_scan_page(content: bytes, page: int) -> PageImage | None:
    """Frame ``page`` (1-based) of a scanned image (PNG/JPEG/TIFF/BMP) as PNG, in its own pixels; the first
    frame turned by its EXIF orientation, as the OCR reader reads it."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(content))
        n = int(getattr(img, "n_frames", 1) or 1)
        if not 1 <= page <= n:
            return None
        img.seek(page - 1)
        frame = ImageOps.exif_transpose(img) if page == 1 else img.copy()
        out = io.BytesIO()
        frame.convert("RGB").save(out, format="PNG", optimize=False)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        return None
    return PageImage(out.getvalue(), float(frame.width), float(frame.height), n)
