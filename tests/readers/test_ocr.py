"""OCR reader: scanned PDFs and images of generated reports read back cell by cell; ruling lines; splitting
recognised lines into values; errors for missing components, junk and oversized images; no downloads.

The scans are made here: a generated report is rendered to PDF (DOCX + LibreOffice), rasterised with
pypdfium2 and either saved as PNG pages or wrapped into an image-only PDF. Each scan is OCR'd once per module.
"""

from __future__ import annotations

import io
import random
import time

import numpy as np
import pytest

from gongkai.errors import CorruptInput, EmptyInput, InputTooLarge, MissingDependency
from gongkai.examples.generate import random_spec
from gongkai.readers import ocr
from gongkai.readers.assemble import to_document
from gongkai.readers.blocks import Table
from gongkai.readers.limits import Limits
from gongkai.readers.ocr import Char, TextLine, ocr_available, split_line

needs_ocr = pytest.mark.skipif(not ocr_available(), reason="the ocr extra (rapidocr, onnxruntime) is not installed")

SCAN_DPI = 150
FLAGGING = {"CELL-LOW-CONFIDENCE", "CELL-MISSING", "ROW-SHORT", "ROW-ABSENT", "CELL-INVALID-TEXT"}
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


# ---------------------------------------------------------------------------------------------- scan fixtures


def _spec():
    """A busy report (multi-digit values) with a few cells printed blank (blank counts as 0: still valid)."""
    rng = random.Random(6)
    spec = random_spec(rng, "2021")
    zeros = [cid for cid, v in spec.values.items() if v == 0 and cid.startswith(("requests.", "appeals."))]
    for cid in zeros[::17][:4]:
        spec.values[cid] = None
    return spec, rng


def _rasterise(pdf_bytes: bytes, dpi: int) -> tuple[list[bytes], bytes, list[str]]:
    """PNG bytes per page, an image-only PDF of the same pages (what a scanner produces), and the text of
    each page of the original (to know which page shows which table)."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(pdf_bytes)
    out = pdfium.PdfDocument.new()
    pngs, texts = [], []
    for i in range(len(src)):
        page = src[i]
        texts.append(page.get_textpage().get_text_range())
        width, height = page.get_size()
        pil = page.render(scale=dpi / 72).to_pil().convert("RGB")
        buf = io.BytesIO()
        pil.save(buf, "PNG", dpi=(dpi, dpi))
        pngs.append(buf.getvalue())
        new = out.new_page(width, height)
        image = pdfium.PdfImage.new(out)
        image.set_bitmap(pdfium.PdfBitmap.from_pil(pil))
        image.set_matrix(pdfium.PdfMatrix().scale(width, height))
        new.insert_obj(image)
        new.gen_content()
    buf = io.BytesIO()
    out.save(buf)
    return pngs, buf.getvalue(), texts


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    if not ocr_available():
        pytest.skip("the ocr extra is not installed")
    from gongkai.readers.libreoffice import find_soffice
    from gongkai.render.pdf import render_pdfs

    if find_soffice() is None:
        pytest.skip("LibreOffice is needed to render the test report")
    spec, rng = _spec()
    [path] = render_pdfs([(spec, rng)], tmp_path_factory.mktemp("ocr"))
    pngs, image_pdf, texts = _rasterise(path.read_bytes(), SCAN_DPI)
    return spec, pngs, image_pdf, texts


@pytest.fixture(scope="module")
def scanned_pdf_report(scan):
    from gongkai.pipeline import check_document
    from gongkai.readers.pdf import read_pdf

    spec, _, image_pdf, _ = scan
    t = time.perf_counter()
    layout = read_pdf(image_pdf, "scan.pdf")
    seconds = time.perf_counter() - t
    return spec, layout, check_document(to_document(layout, "scan.pdf")), seconds


def _compare(spec, report) -> tuple[list[str], list[tuple]]:
    """(cells read right, cells read wrong with (id, expected, got, confidence, flagged))."""
    gold = report.gold_cells()
    flagged = {cid for f in report.findings if f.code in FLAGGING for cid in f.cell_ids}
    right, wrong = [], []
    for cid in spec.format.cell_ids:
        expected, cell = spec.values[cid], report.cells.get(cid)
        got = cell.gold_value() if expected is None and cell is not None else gold.get(cid, "<missing>")
        if got == expected:
            right.append(cid)
        else:
            conf = cell.position.confidence if cell is not None and cell.position is not None else None
            wrong.append((cid, expected, got, conf, cid in flagged))
    return right, wrong


@needs_ocr
def test_scanned_pdf_every_cell_read_right_or_flagged(scanned_pdf_report):
    spec, layout, report, seconds = scanned_pdf_report
    right, wrong = _compare(spec, report)
    n = len(spec.format.cell_ids)
    low = [f for f in report.findings if f.code == "CELL-LOW-CONFIDENCE"]
    print(
        f"\nscanned PDF, {layout.pages} pages, {seconds:.1f} s: {len(right)}/{n} cells read right, "
        f"{len(low)} flagged as low confidence"
    )
    assert not [w for w in wrong if not w[4]], f"wrong and not flagged: {wrong}"
    assert len(right) >= 0.95 * n, wrong
    assert len(low) <= 0.02 * n  # a clean scan does not drown the user in warnings
    assert any("OCR" in note for note in layout.notes)


@needs_ocr
def test_scanned_cells_carry_page_box_and_confidence(scanned_pdf_report):
    spec, _, report, _ = scanned_pdf_report
    cell = report.cells["requests.received.natural_person"]
    pos = cell.position
    assert pos.page is not None and pos.bbox is not None
    assert 0.0 < pos.confidence <= 1.0
    x0, top, x1, bottom = pos.bbox
    assert 0 <= x0 < x1 <= 600 and 0 <= top < bottom <= 850  # PDF points of an A4 page, origin top-left
    blanks = [cid for cid, v in spec.values.items() if v is None]
    assert blanks and all(report.cells[cid].raw == "" for cid in blanks if cid in report.cells)


@needs_ocr
def test_pdf_page_words_and_rulings_in_points(scan):
    import pypdfium2 as pdfium

    _, _, image_pdf, texts = scan
    pdf = pdfium.PdfDocument(image_pdf)
    page_no = next(i for i, t in enumerate(texts) if "本年新收" in t)  # the page with the requests table
    words, rulings = ocr.ocr_pdf_page(pdf[page_no], page_no + 1, Limits())
    width, height = pdf[page_no].get_size()
    assert words and all(w.page == page_no + 1 and 0 < (w.confidence or 0) <= 1 for w in words)
    assert all(0 <= w.bbox[0] <= w.bbox[2] <= width and 0 <= w.bbox[1] < w.bbox[3] <= height for w in words)
    horizontal = [r for r in rulings if r.horizontal]
    vertical = [r for r in rulings if not r.horizontal]
    assert len(horizontal) >= 10 and len(vertical) >= 8  # one line per row, one per column of the table
    assert all(r.bottom - r.top <= 3 for r in horizontal) and all(r.x1 - r.x0 <= 3 for r in vertical)
    # every value is its own word: a numeric word never holds two numbers
    assert not [w.text for w in words if w.text.replace(" ", "").isdigit() and " " in w.text]


def _skewed_jpeg(png: bytes) -> bytes:
    """A sloppy scan of the page: 1.2° skew, JPEG quality 40, no resolution tag."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB").rotate(1.2, fillcolor="white", resample=Image.BICUBIC)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=40)
    return buf.getvalue()


@needs_ocr
@pytest.mark.parametrize(("variant", "media_type"), [("png", "image/png"), ("skewed_jpeg", "image/jpeg")])
def test_image_of_a_page_reads_the_appeals_table(scan, variant, media_type):
    spec, pngs, _, texts = scan
    expected = [ocr_value(spec.values[c]) for c in spec.format.appeals_cell_ids]
    page = max(i for i, t in enumerate(texts) if "行政复议" in t)  # the page with the appeals table
    data = pngs[page] if variant == "png" else _skewed_jpeg(pngs[page])
    layout = ocr.read_image(data, f"page.{variant}")
    tables = [b for b in layout.blocks if isinstance(b, Table)]
    rows = [[c.text for c in row] for t in tables for row in t.rows()]
    assert any(row[-len(expected) :] == expected for row in rows if len(row) >= len(expected)), rows
    assert layout.media_type == media_type and layout.pages == 1
    cells = [c for t in tables for c in t.cells if c.text]
    assert all(c.source.page == 1 and c.source.confidence is not None for c in cells)
    # boxes in image pixels: an A4 page at SCAN_DPI is about 1240 × 1754
    assert max(c.source.bbox[2] for c in cells) > 800


def ocr_value(v) -> str:
    from gongkai.render.text import format_value

    return format_value(v)


# ---------------------------------------------------------------------------------------------- small images


def _text_image(lines: list[str], size=(900, 80 + 70 * 3), grid: bool = False) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 30)
    for i, text in enumerate(lines):
        draw.text((30, 40 + 70 * i), text, font=font, fill="black")
    if grid:
        for y in (20, 90, 160, 230):
            draw.line((10, y, 880, y), fill="black", width=2)
        for x in (10, 300, 440, 580, 880):
            draw.line((x, 20, x, 230), fill="black", width=2)
    return np.asarray(img)[:, :, ::-1].copy()


def _png(array: np.ndarray, dpi: int = 150) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(array[:, :, ::-1]).save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def test_rulings_of_a_grid_and_none_from_text():
    from gongkai.readers.ocr_lines import find_rulings

    text_only = _text_image(["一二三 十一 行政处罚 ———", "本年新收政府信息公开申请数量 1 2"])
    assert find_rulings(text_only, 150) == []
    grid = _text_image([], grid=True)
    found = find_rulings(grid, 150)
    assert sum(r.horizontal for r in found) == 4 and sum(not r.horizontal for r in found) == 5


@pytest.mark.parametrize("angle", [-2.0, -0.7, 0.0, 1.2])
def test_skew_is_measured_from_table_lines_and_levelled(angle):
    import cv2

    from gongkai.readers.ocr_lines import deskew, find_rulings, skew_angle

    grid = _text_image(["行政处罚"], size=(1600, 600), grid=True)
    h, w = grid.shape[:2]
    skewed = cv2.warpAffine(
        grid, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h), borderValue=(255, 255, 255)
    )
    measured = skew_angle(skewed, 150)
    assert measured == pytest.approx(-angle, abs=0.1) if angle else measured == 0.0
    level = deskew(skewed, measured) if measured else skewed
    found = find_rulings(level, 150)
    assert sum(r.horizontal for r in found) == 4 and all(r.bottom - r.top <= 6 for r in found if r.horizontal)


def test_split_line_at_spaces_rulings_and_pipes():
    from gongkai.readers.ocr_lines import PixelRuling

    def chars(spec):  # (text, x0) per character, 10 px wide
        return tuple(Char(t, s, x, x + 10) for t, x, s in spec)

    line = TextLine(
        "行政处罚 12 3|45",
        (0, 0, 200, 20),
        0.9,
        chars(
            [
                ("行", 0, 1),
                ("政", 10, 1),
                ("处", 20, 1),
                ("罚", 30, 1),
                ("1", 50, 0.7),
                ("2", 60, 1),
                ("3", 80, 1),
                ("|", 92, 0.5),
                ("4", 110, 0.99),
                ("5", 120, 1),
            ]
        ),
    )
    segs = split_line(line, [])
    assert [s.text for s in segs] == ["行政处罚", "12", "3", "45"]
    assert [s.confidence for s in segs] == [1, 0.7, 1, 0.99]  # the lowest character score of each word
    assert segs[1].box == (50, 0, 70, 20)
    # a table line between "3" and "4" with no recognised space or pipe still separates them
    line = TextLine("345", (70, 0, 140, 20), 0.9, chars([("3", 80, 1), ("4", 100, 1), ("5", 120, 1)]))
    segs = split_line(line, [PixelRuling(95, -5, 96, 40)])
    assert [s.text for s in segs] == ["3", "45"]
    assert segs[0].box[2] < 95.5 < segs[1].box[0]  # each word stays on its side of the line
    # a ruling that does not cross the line's middle is another row's
    assert [s.text for s in split_line(line, [PixelRuling(95, 30, 96, 60)])] == ["345"]


def test_split_line_without_character_boxes_is_proportional():
    segs = split_line(TextLine("12 0 345", (0, 0, 80, 10), 0.8), [])
    assert [s.text for s in segs] == ["12", "0", "345"]
    assert segs[0].box[0] == 0 and segs[-1].box[2] == 80 and all(s.confidence == 0.8 for s in segs)
    assert segs[0].box[2] <= segs[1].box[0] < segs[1].box[2] <= segs[2].box[0]


@needs_ocr
def test_image_with_grid_is_read_into_cells():
    lines = ["行政处罚", "行政许可", "行政强制"]
    img = _text_image([], grid=True)
    from PIL import Image, ImageDraw, ImageFont

    pil = Image.fromarray(img[:, :, ::-1])
    draw = ImageDraw.Draw(pil)
    font = ImageFont.truetype(FONT, 30)
    values = [("12", "0", "305"), ("7", "41", "0"), ("1", "2", "3")]
    for i, (label, vals) in enumerate(zip(lines, values)):
        draw.text((30, 35 + 70 * i), label, font=font, fill="black")
        for x, v in zip((340, 480, 620), vals):
            draw.text((x, 35 + 70 * i), v, font=font, fill="black")
    layout = ocr.read_image(_png(np.asarray(pil)[:, :, ::-1].copy()), "grid.png")
    [table] = [b for b in layout.blocks if isinstance(b, Table)]
    assert [[c.text for c in row] for row in table.rows()] == [[label, *v] for label, v in zip(lines, values)]


@needs_ocr
def test_multipage_tiff_reads_every_page():
    import cv2

    pages = [_text_image(["第一页 本年新收 17"]), _text_image(["第二页 结转下年度 3"])]
    ok, buf = cv2.imencodemulti(".tiff", pages)
    assert ok
    layout = ocr.read_image(buf.tobytes(), "scan.tiff")
    text = to_document(layout, "scan.tiff").text
    assert layout.pages == 2 and layout.media_type == "image/tiff"
    assert text.index("第一页") < text.index("第二页") and "17" in text and "3" in text


@needs_ocr
def test_engine_never_downloads(monkeypatch):
    from rapidocr.utils.download_file import DownloadFile

    def refuse(*args, **kwargs):
        raise AssertionError("rapidocr tried to download a file")

    monkeypatch.setattr(DownloadFile, "run", refuse)
    engine = ocr.get_engine.__wrapped__(1)  # a fresh engine, not the cached one: every model loads now
    result = engine(_text_image(["行政处罚 25"]), return_word_box=True, return_single_char_box=True)
    assert "25" in "".join(result.txts)


def test_resolution_of_untagged_images_assumes_an_a4_page():
    assert ocr._dpi((300, 300), 3508) == 300
    assert round(ocr._dpi(None, 2339)) == 200  # A4 long side at 200 dpi
    assert round(ocr._dpi((1, 1), 1754)) == 150  # TIFF without a resolution unit says 1 dpi


# ---------------------------------------------------------------------------------------------- errors


def test_missing_extra_gives_missing_dependency(monkeypatch):
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    with pytest.raises(MissingDependency) as err:
        ocr.read_image(_png(_text_image(["行政处罚"])), "a.png")
    assert "pip install 'gongkai[ocr]'" in err.value.message and err.value.code == "E-DEPENDENCY"
    with pytest.raises(MissingDependency):
        ocr.ocr_pdf_page(None, 1, Limits())


def test_importing_the_reader_does_not_import_the_engine():
    import subprocess
    import sys

    code = (
        "import sys, gongkai.readers.ocr as o; o.ocr_available(); "
        "print(any(m.split('.')[0] in ('rapidocr', 'onnxruntime', 'cv2') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@needs_ocr
@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"not an image at all", b"GIF89a\x01"])
def test_junk_bytes_are_corrupt_input(data):
    with pytest.raises(CorruptInput) as err:
        ocr.read_image(data, "junk.png")
    assert err.value.code == "E-CORRUPT" and "图片" in err.value.message


@needs_ocr
def test_tiny_and_blank_images_are_empty_input():
    with pytest.raises(EmptyInput, match="图片太小"):
        ocr.read_image(_png(np.full((1, 1, 3), 255, np.uint8)), "dot.png")
    with pytest.raises(EmptyInput, match="没有识别出文字"):
        ocr.read_image(_png(np.full((200, 300, 3), 255, np.uint8)), "white.png")
    with pytest.raises(EmptyInput):
        ocr.read_image(b"", "empty.png")


@needs_ocr
def test_too_many_pixels_is_refused_before_decoding():
    with pytest.raises(InputTooLarge) as err:
        ocr.read_image(_png(_text_image(["行政处罚"])), "big.png", Limits(max_image_pixels=10_000))
    assert err.value.code == "E-LIMIT"
    with pytest.raises(InputTooLarge):
        ocr.read_image(b"x" * 100, "big.png", Limits(max_bytes=10))
