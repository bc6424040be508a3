"""Scans of rendered PDFs: chosen pages replaced by their image, as a scanner (or a "print to image" step)
makes them, the other pages kept with their text layer. For OCR tests and benchmarks."""

from __future__ import annotations

import io
from collections.abc import Iterable


def scan_pages(pdf: bytes, pages: Iterable[int] | None = None, *, dpi: int = 150) -> bytes:
    """``pdf`` with the pages numbered in ``pages`` (1-based; all when None) rasterised at ``dpi`` into
    image-only pages of the same size."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(pdf)
    out = pdfium.PdfDocument.new()
    try:
        wanted = set(range(1, len(src) + 1) if pages is None else pages)
        for i in range(len(src)):
            if i + 1 not in wanted:
                out.import_pages(src, [i])
                continue
            page = src[i]
            width, height = page.get_size()
            image_page = out.new_page(width, height)
            image = pdfium.PdfImage.new(out)
            image.set_bitmap(pdfium.PdfBitmap.from_pil(page.render(scale=dpi / 72).to_pil().convert("RGB")))
            image.set_matrix(pdfium.PdfMatrix().scale(width, height))
            image_page.insert_obj(image)
            image_page.gen_content()
            page.close()
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        out.close()
        src.close()


__all__ = ["scan_pages"]
