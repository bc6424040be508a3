"""A scan's pages for the source view: each frame as PNG in its own pixels (the unit of its OCR boxes), the
first turned by its EXIF orientation as the OCR reader turns it."""

from __future__ import annotations

import io

from PIL import Image

from gongkai.web.source import render_page


def _tiff(*sizes: tuple[int, int]) -> bytes:
    frames = [Image.new("RGB", size, "white") for size in sizes]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def test_each_frame_of_a_tiff_is_a_page_in_pixels():
    data = _tiff((300, 400), (500, 200))
    first, second = render_page(data, 1), render_page(data, 2)
    assert (first.width_pt, first.height_pt, first.pages) == (300, 400, 2)
    assert (second.width_pt, second.height_pt) == (500, 200)
    assert Image.open(io.BytesIO(second.png)).size == (500, 200)
    assert render_page(data, 3) is None and render_page(data, 0) is None


def test_exif_rotation_is_applied_as_the_ocr_reader_does():
    img = Image.new("RGB", (300, 100), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    page = render_page(out.getvalue(), 1)
    assert (page.width_pt, page.height_pt) == (100, 300)


def test_neither_pdf_nor_image_gives_no_page():
    assert render_page(b"just some text", 1) is None
    assert render_page(b"%PDF-1.4 broken", 1) is None
