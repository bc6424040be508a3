"""PDF reader: the text layer (pypdfium2) → positioned words and ruling lines → :class:`Layout`.

Pages with text are read from their text layer; pages without (scans) go to OCR when the ``ocr`` extra is
installed. Both kinds of pages then go through the same geometry (:mod:`gongkai.readers.geometry`).

Speed matters (the whole pipeline should cost at most about 1.5× pdfium's bare text extraction), so the
per-character work is one raw pdfium call with a reused rectangle, and no object is created per character.
"""

from __future__ import annotations

import ctypes
import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from gongkai.errors import (
    CorruptInput,
    EmptyInput,
    EncryptedInput,
    InputTooLarge,
    MissingDependency,
)
from gongkai.readers import ocr_plan
from gongkai.readers.blocks import Layout
from gongkai.readers.geometry import PageInput, Ruling, Word, layout_pages
from gongkai.readers.limits import DEFAULT_LIMITS, Limits

MEDIA_TYPE = "application/pdf"
_RUN = re.compile(r"\S+")
_THIN = 2.5  # a filled rectangle at most this thick (points) is a drawn line
_MIN_RULING = 2.0  # shorter strokes are glyph parts or dots, not table lines
_MAX_SEGMENTS = 400  # a path with more segments is a drawing (a chart, a seal), not a table border


def read_pdf(data: bytes, source: str, limits: Limits = DEFAULT_LIMITS) -> Layout:
    pdf = _open(data, source)
    try:
        n_pages = len(pdf)
        if n_pages > limits.max_pages:
            raise InputTooLarge(f"PDF 页数过多（{n_pages} 页，上限 {limits.max_pages} 页）", source=source)
        if n_pages == 0:
            raise CorruptInput("PDF 文件没有任何页面", source=source)
        pages: list[PageInput] = []
        scanned: list[int] = []
        notes: list[str] = []
        ocr = None
        ocr_missing = False
        for i in range(n_pages):
            page = _load_page(pdf, i, source)
            try:
                words, size = _page_words(page, i + 1)
                if words is None:  # no text layer: a scanned page
                    if ocr is None and not ocr_missing:
                        ocr = _ocr_function()
                        ocr_missing = ocr is None
                        if ocr is not None:  # a batch may have the pages OCR'd elsewhere (readers/ocr_plan.py)
                            ocr = ocr_plan.planned(ocr, data, _is_scanned)
                    scanned.append(i + 1)
                    if ocr is None:
                        continue
                    words, rulings = ocr(page, i + 1, limits)
                else:
                    rulings = _page_rulings(page, i + 1, size)
                pages.append(PageInput(words, rulings, (size[2], size[3]), i + 1))
            finally:
                page.close()
    finally:
        pdf.close()
    if scanned:
        listed = "、".join(str(p) for p in scanned[:20]) + ("等" if len(scanned) > 20 else "")
        if ocr_missing:
            if len(scanned) == n_pages:
                raise MissingDependency(
                    "这是扫描版 PDF（没有文字层），需要文字识别组件：请运行 pip install 'gongkai[ocr]' 后重试",
                    source=source,
                )
            notes.append(f"第 {listed} 页是扫描图像，未安装文字识别组件（pip install 'gongkai[ocr]'），这些页未读取")
        else:
            notes.append(f"第 {listed} 页是扫描图像，已用文字识别（OCR）读取，数值请核对原件")
    return Layout(
        layout_pages(pages), MEDIA_TYPE, pages=n_pages, notes=notes, ocr_pages=scanned if ocr is not None else []
    )


def _open(data: bytes, source: str) -> pdfium.PdfDocument:
    if not data.strip():
        raise EmptyInput("文件为空（没有任何内容）", source=source)
    if b"%PDF" not in data[:1024]:
        raise CorruptInput("文件不是有效的 PDF（缺少 %PDF 文件头）", source=source)
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedInput("PDF 已加密（需要密码才能打开），请提供未加密的文件", source=source) from None
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_SECURITY:
            raise EncryptedInput("PDF 使用了不支持的加密方式，无法读取", source=source) from None
        raise CorruptInput("PDF 文件已损坏或格式错误，无法打开", source=source) from None


def _load_page(pdf: pdfium.PdfDocument, index: int, source: str) -> pdfium.PdfPage:
    try:
        return pdf[index]
    except pdfium.PdfiumError:
        raise CorruptInput(f"PDF 第 {index + 1} 页已损坏，无法读取", source=source) from None


def _page_box(page: pdfium.PdfPage) -> tuple[float, float, float, float]:
    """left, top (PDF user space) and the page's width and height: our boxes are relative to the crop box's
    top-left corner."""
    left, bottom, right, top = page.get_cropbox()
    return left, top, right - left, top - bottom


def _page_words(page: pdfium.PdfPage, page_no: int) -> tuple[list[Word] | None, tuple[float, float, float, float]]:
    """Words of the text layer (None when the page has no text: a scan). A word is a run of non-space
    characters on one line; pdfium inserts spaces and line breaks where it sees gaps, and a run is also cut
    where its characters jump (a gap wider than a glyph, or a different line)."""
    box = _page_box(page)
    left, top, _, _ = box
    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
        text = textpage.get_text_range() if n > 0 else ""
        if not text.strip():
            return None, box
        if len(text) != n:  # text offsets are char indexes only without surrogate pairs
            return _words_slow(textpage, page_no, left, top), box
        tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
        rect = pdfium_c.FS_RECTF()
        ref = ctypes.addressof(rect)
        # the rectangle read as four floats in one step (left, top, right, bottom): cheaper than four fields
        floats = memoryview(rect).cast("B").cast("f")
        loose_box = _LOOSE_BOX
        words: list[Word] = []
        append = words.append
        for m in _RUN.finditer(text):
            s, e = m.span()
            loose_box(tp, s, ref)
            x0, y0, r0, y1 = floats
            if e - s == 1:
                append(Word(m.group(), (x0 - left, top - y0, r0 - left, top - y1), page_no))
                continue
            loose_box(tp, e - 1, ref)
            _, t1, r1, b1 = floats
            h = y0 - y1
            if t1 - b1 > h:
                h = t1 - b1
            if h < 1.0:
                h = 1.0
            # one glyph height per character is the widest a run without gaps can be; a run that is wider,
            # or whose last glyph sits on another line, hides a jump: measure it char by char
            if r1 - x0 > (e - s) * h * 1.15 + 1 or abs((t1 + b1) - (y0 + y1)) > h:
                _split_run(words, tp, text, s, e, left, top, page_no, rect, ref)
                continue
            append(
                Word(
                    m.group(),
                    (x0 - left, top - (y0 if y0 > t1 else t1), r1 - left, top - (y1 if y1 < b1 else b1)),
                    page_no,
                )
            )
        return words, box
    finally:
        textpage.close()


def _split_run(
    words: list[Word], tp, text: str, s: int, e: int, left: float, top: float, page_no: int, rect, ref
) -> None:
    """A run of characters cut where a glyph jumps right by more than its height, back left, or to
    another line (pdfium did not insert a space or line break there)."""
    loose_box = _LOOSE_BOX
    cur_start = s
    wx0 = wy0 = wx1 = wy1 = 0.0
    started = False
    for k in range(s, e):
        if not loose_box(tp, k, ref):
            continue
        x0, x1 = rect.left - left, rect.right - left
        y0, y1 = top - rect.top, top - rect.bottom
        if started:
            h = max(wy1 - wy0, y1 - y0, 1.0)
            mid = (y0 + y1) / 2
            if x0 - wx1 > h * 0.6 or x0 < wx0 - 1 or not (wy0 - 1 <= mid <= wy1 + 1):
                words.append(Word(text[cur_start:k], (wx0, wy0, wx1, wy1), page_no))
                cur_start = k
                wx0, wy0, wx1, wy1 = x0, y0, x1, y1
                continue
            wx0, wy0 = min(wx0, x0), min(wy0, y0)
            wx1, wy1 = max(wx1, x1), max(wy1, y1)
        else:
            cur_start = k
            wx0, wy0, wx1, wy1 = x0, y0, x1, y1
            started = True
    if started:
        words.append(Word(text[cur_start:e], (wx0, wy0, wx1, wy1), page_no))


def _words_slow(textpage: pdfium.PdfTextPage, page_no: int, left: float, top: float) -> list[Word]:
    """One char at a time, for the rare page whose text has characters outside the BMP."""
    words: list[Word] = []
    cur = ""
    b = [0.0, 0.0, 0.0, 0.0]
    for k in range(textpage.count_chars()):
        ch = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, k))
        if ch.isspace():
            if cur:
                words.append(Word(cur, (b[0], b[1], b[2], b[3]), page_no))
            cur = ""
            continue
        x0, y0, x1, y1 = textpage.get_charbox(k, loose=True)
        box = (x0 - left, top - y1, x1 - left, top - y0)
        if cur:
            b = [min(b[0], box[0]), min(b[1], box[1]), max(b[2], box[2]), max(b[3], box[3])]
        else:
            b = list(box)
        cur += ch
    if cur:
        words.append(Word(cur, (b[0], b[1], b[2], b[3]), page_no))
    return words


def _page_rulings(page: pdfium.PdfPage, page_no: int, box: tuple[float, float, float, float]) -> list[Ruling]:
    """Table lines: thin filled rectangles and the straight segments of stroked paths."""
    left, top, _, _ = box
    out: list[Ruling] = []
    l_, b_, r_, t_ = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    refs = (ctypes.byref(l_), ctypes.byref(b_), ctypes.byref(r_), ctypes.byref(t_))
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    x, y = ctypes.c_float(), ctypes.c_float()
    matrix = pdfium_c.FS_MATRIX()

    def visit(obj, depth: int, to_page) -> None:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 4:
            m = to_page
            if pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
                m = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), to_page)
            for k in range(pdfium_c.FPDFFormObj_CountObjects(obj)):
                visit(pdfium_c.FPDFFormObj_GetObject(obj, k), depth + 1, m)
            return
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
            return
        if not pdfium_c.FPDFPageObj_GetBounds(obj, *refs):
            return
        x0, y0, x1, y1 = _apply_box(to_page, l_.value, b_.value, r_.value, t_.value)
        w, h = x1 - x0, y1 - y0
        if max(w, h) < _MIN_RULING:
            return
        if min(w, h) <= _THIN:
            out.append(Ruling(x0 - left, top - y1, x1 - left, top - y0, page_no))
            return
        if not pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)) or not stroke.value:
            return  # a filled area (cell shading), not lines
        n_seg = pdfium_c.FPDFPath_CountSegments(obj)
        if n_seg <= 0 or n_seg > _MAX_SEGMENTS:
            return
        if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
            return
        m = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), to_page)
        start = prev = None
        for k in range(n_seg):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
            if not pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
                continue
            pt = _apply(m, x.value, y.value)
            seg_type = pdfium_c.FPDFPathSegment_GetType(seg)
            if seg_type == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = prev = pt
                continue
            if seg_type == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
                _segment(out, prev, pt, left, top, page_no)
            prev = pt
            if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
                _segment(out, prev, start, left, top, page_no)
                prev = start

    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    raw_page = page.raw
    page_addr = ctypes.cast(raw_page, ctypes.c_void_p).value
    get_object, get_type = _GET_OBJECT, _GET_TYPE
    path, form = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
    as_object = pdfium_c.FPDF_PAGEOBJECT
    get_bounds = _GET_BOUNDS
    bounds = tuple(ctypes.addressof(v) for v in (l_, b_, r_, t_))
    # most objects are text (often one per glyph): they are skipped with two bare calls each; a top-level
    # path that is a thin rectangle (most table lines) is taken here, as visit() would take it
    for k in range(pdfium_c.FPDFPage_CountObjects(raw_page)):
        addr = get_object(page_addr, k)
        kind = get_type(addr)
        if kind == path:
            if not get_bounds(addr, *bounds):
                continue
            x0, y0, x1, y1 = l_.value, b_.value, r_.value, t_.value
            w, h = x1 - x0, y1 - y0
            if max(w, h) < _MIN_RULING:
                continue
            if min(w, h) <= _THIN:
                out.append(Ruling(x0 - left, top - y1, x1 - left, top - y0, page_no))
                continue
            visit(ctypes.cast(addr, as_object), 0, identity)
        elif kind == form:
            visit(ctypes.cast(addr, as_object), 0, identity)
    return out


def _bare(function, restype, *argtypes):
    """A pdfium function called with plain integers and without releasing the GIL: the wrapped call costs
    twice as much, which matters for calls made per page object or per word."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    assert address is not None, function  # a symbol of the loaded pdfium library, never a null pointer
    return ctypes.PYFUNCTYPE(restype, *argtypes)(address)


_GET_OBJECT = _bare(pdfium_c.FPDFPage_GetObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_GET_TYPE = _bare(pdfium_c.FPDFPageObj_GetType, ctypes.c_int, ctypes.c_void_p)
_GET_BOUNDS = _bare(pdfium_c.FPDFPageObj_GetBounds, ctypes.c_int, ctypes.c_void_p, *(ctypes.c_void_p,) * 4)
_LOOSE_BOX = _bare(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)


def _segment(
    out: list[Ruling], a: tuple[float, float], b: tuple[float, float], left: float, top: float, page_no: int
) -> None:
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    if max(x1 - x0, y1 - y0) < _MIN_RULING or min(x1 - x0, y1 - y0) > 0.5:
        return  # too short, or slanted
    out.append(Ruling(x0 - left, top - y1, x1 - left, top - y0, page_no))


Matrix = tuple[float, float, float, float, float, float]


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """inner then outer (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _apply_box(m: Matrix, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    if m == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0):
        return x0, y0, x1, y1
    pts = [_apply(m, x0, y0), _apply(m, x1, y1), _apply(m, x0, y1), _apply(m, x1, y0)]
    return min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts)


def _is_scanned(page: pdfium.PdfPage) -> bool:
    """A page read as a scan: the same test as read_pdf's."""
    return _page_words(page, 0)[0] is None


def _ocr_function():
    """The OCR helper's page reader, or None when the ``ocr`` extra is not installed."""
    from gongkai.readers.ocr import ocr_available, ocr_pdf_page  # light: the engine is imported on first use

    return ocr_pdf_page if ocr_available() else None


__all__ = ["MEDIA_TYPE", "read_pdf"]
