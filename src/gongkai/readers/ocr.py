"""OCR for scanned PDF pages and images (the ``ocr`` extra: rapidocr + onnxruntime, models in the wheel).

A scan has no text layer, so the words and the table grid come from pixels: rapidocr finds and reads text
lines, :mod:`gongkai.readers.ocr_lines` finds the ruling lines. Both are handed to
:func:`gongkai.readers.geometry.build_blocks` exactly like the words of a PDF text layer, so a scanned table
goes through the same grid builder, assembler and parser as every other format.

rapidocr reads *lines*: when table cells are close, one line box can cover several cells ("12 0 3").
:func:`split_line` cuts such a line into one word per value, at the spaces the recogniser emitted and at the
vertical table lines that cross it, using the recogniser's per-character boxes. Every word carries the
lowest character score of its characters as its confidence — one doubtful digit makes the whole number
doubtful — which the parser copies into the cell's position for the ``CELL-LOW-CONFIDENCE`` check.

Nothing here imports rapidocr, numpy or opencv until OCR is actually needed, and nothing is ever downloaded:
the engine is pointed at the model files inside the installed wheel, and is refused when they are missing.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongkai.errors import CorruptInput, EmptyInput, InputTooLarge, MissingDependency, UnreadableInput
from gongkai.readers.blocks import BBox, Layout
from gongkai.readers.geometry import Ruling, Word
from gongkai.readers.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pypdfium2

    from gongkai.readers.ocr_lines import PixelRuling

MISSING_MESSAGE = "需要安装 OCR 组件：pip install 'gongkai[ocr]'"
THREADS_ENV = "GONGKAI_OCR_THREADS"  # onnxruntime intra-op threads; batch workers set 1 (one engine per process)
_MODULES = ("rapidocr", "onnxruntime", "cv2", "numpy", "PIL")
_PIPES = frozenset("|｜丨")  # what the recogniser makes of a vertical table line it read as text
_MIN_IMAGE_SIDE = 16  # pixels: smaller than one printed character at any usable resolution
_A4_LONG_INCH = 11.69  # for images without a resolution tag: assume a full A4 page


# ---------------------------------------------------------------------------------------------------- engine


@functools.cache
def _model_paths() -> tuple[Path, Path] | None:
    """(detection, recognition) models shipped inside the rapidocr wheel, or None when absent."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        return None
    models = Path(next(iter(spec.submodule_search_locations))) / "models"

    def pick(kind: str) -> Path | None:
        found = sorted(models.glob(f"*_{kind}_*.onnx"))
        # the lighter models read printed tables as well as the server ones, at a fraction of the time
        light = [p for p in found if "small" in p.name or "mobile" in p.name]
        return (light or found)[-1] if found else None

    det, rec = pick("det"), pick("rec")
    return (det, rec) if det is not None and rec is not None else None


def ocr_available() -> bool:
    """True when the ``ocr`` extra and its bundled models are installed (nothing is imported)."""
    return all(importlib.util.find_spec(m) is not None for m in _MODULES) and _model_paths() is not None


def _require_ocr(source: str | None = None) -> None:
    if not ocr_available():
        raise MissingDependency(MISSING_MESSAGE, source=source)


def _threads() -> int:
    try:
        return max(0, int(os.environ.get(THREADS_ENV, "0")))
    except ValueError:
        return 0


@functools.cache
def get_engine(threads: int = 0) -> Any:
    """The rapidocr engine, built once per process and thread setting (loading the models takes ~1 s).
    ``threads`` 0 leaves onnxruntime's default (all cores)."""
    from rapidocr import RapidOCR

    paths = _model_paths()
    if paths is None:  # pragma: no cover - ocr_available() is checked first
        raise MissingDependency(MISSING_MESSAGE)
    det, rec = paths
    params: dict[str, Any] = {
        "Global.use_cls": False,  # report pages are upright; the angle classifier costs time and misfires
        "Global.log_level": "error",
        "Det.model_path": str(det),  # explicit paths: rapidocr would otherwise download missing models
        "Rec.model_path": str(rec),
    }
    if threads:
        params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
    return RapidOCR(params=params)


# ---------------------------------------------------------------------------------------------------- lines


@dataclass(frozen=True, slots=True)
class Char:
    text: str
    score: float
    x0: float
    x1: float


@dataclass(frozen=True, slots=True)
class TextLine:
    """One recognised line: text, axis-aligned box in pixels, line score, and its characters (no spaces)."""

    text: str
    box: BBox
    score: float
    chars: tuple[Char, ...] = ()


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    box: BBox
    confidence: float


def _quad_box(quad) -> BBox:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return (min(xs), min(ys), max(xs), max(ys))


def recognise(image: np.ndarray) -> list[TextLine]:
    """Run rapidocr on a BGR image; lines in reading order as the engine returns them."""
    engine = get_engine(_threads())
    try:
        result = engine(image, return_word_box=True, return_single_char_box=True)
    except Exception as exc:  # the engine raises its own error types (or numpy's) on degenerate images
        raise UnreadableInput(f"OCR 识别失败（{type(exc).__name__}）") from None
    if not result.txts:
        return []
    words = result.word_results or ((),) * len(result.txts)
    lines = []
    for quad, text, score, chars in zip(result.boxes, result.txts, result.scores, words):
        cs = []
        for ch in chars or ():
            if len(ch) >= 3 and ch[0]:
                box = _quad_box(ch[2])
                cs.append(Char(str(ch[0]), float(ch[1]), box[0], box[2]))
        lines.append(TextLine(str(text), _quad_box(quad), float(score), tuple(cs)))
    return lines


def _crossing(verticals: list[PixelRuling], box: BBox) -> list[float]:
    """x of the vertical lines that cross the middle of ``box`` strictly inside it."""
    mid = (box[1] + box[3]) / 2
    return sorted(
        (v.x0 + v.x1) / 2 for v in verticals if v.top <= mid <= v.bottom and box[0] < (v.x0 + v.x1) / 2 < box[2]
    )


def _proportional(line: TextLine) -> list[Segment]:
    """Fallback without character boxes: split on whitespace, widths in proportion to character counts."""
    parts = line.text.split()
    x0, top, x1, bottom = line.box
    total = sum(len(p) for p in parts) + max(len(parts) - 1, 0)
    out, pos = [], 0
    for p in parts:
        a = x0 + (x1 - x0) * pos / max(total, 1)
        b = x0 + (x1 - x0) * (pos + len(p)) / max(total, 1)
        pos += len(p) + 1
        text = "".join(ch for ch in p if ch not in _PIPES)
        if text:
            out.append(Segment(text, (a, top, b, bottom), line.score))
    return out


def split_line(line: TextLine, verticals: Sequence[PixelRuling] = ()) -> list[Segment]:
    """Cut a recognised line into words: at spaces, at vertical table lines crossing it, at "|" read from
    a table line. Each word's box spans its characters (clipped to the table lines around it)."""
    cuts = _crossing(list(verticals), line.box)
    if not line.chars or "".join(c.text for c in line.chars) != "".join(line.text.split()):
        return _proportional(line)
    # which characters follow a space in the recognised text
    after_space: set[int] = set()
    i = 0
    for ch in line.text:
        if ch.isspace():
            after_space.add(i)
        else:
            i += 1
    groups: list[list[Char]] = [[]]
    for k, c in enumerate(line.chars):
        centre = (c.x0 + c.x1) / 2
        prev = line.chars[k - 1] if k else None
        ruled = prev is not None and any((prev.x0 + prev.x1) / 2 < x < centre for x in cuts)
        if c.text in _PIPES:  # a table line read as a character: a cut, not text
            groups.append([])
            continue
        if k in after_space or ruled:
            groups.append([])
        groups[-1].append(c)
    out = []
    for g in groups:
        if not g:
            continue
        a, b = min(c.x0 for c in g), max(c.x1 for c in g)
        left = max((x for x in cuts if x <= (g[0].x0 + g[0].x1) / 2), default=None)
        right = min((x for x in cuts if x >= (g[-1].x0 + g[-1].x1) / 2), default=None)
        # character boxes are coarse (one recogniser step wide): keep a word on its side of a table line
        a = max(a, left + 1) if left is not None else a
        b = min(b, right - 1) if right is not None else b
        a, b = max(a, line.box[0]), min(b, line.box[2])
        out.append(
            Segment("".join(c.text for c in g), (a, line.box[1], max(a, b), line.box[3]), min(c.score for c in g))
        )
    return out


def ocr_array(image: np.ndarray, page_no: int, dpi: float, scale: float = 1.0) -> tuple[list[Word], list[Ruling]]:
    """OCR a BGR image scanned/rendered at ``dpi``: words and rulings, coordinates multiplied by ``scale``
    (72/dpi gives PDF points; 1 keeps image pixels).

    A skewed scan is levelled first (rotation about the page centre, a few degrees at most), so boxes refer
    to the levelled page: off from the original by at most the skew times the distance from the centre."""
    from gongkai.readers.ocr_lines import deskew, find_rulings, skew_angle

    angle = skew_angle(image, dpi)
    if angle:
        image = deskew(image, angle)
    pixel_rulings = find_rulings(image, dpi)
    verticals = [r for r in pixel_rulings if not r.horizontal]
    words = []
    for line in recognise(image):
        for seg in split_line(line, verticals):
            x0, top, x1, bottom = seg.box
            words.append(Word(seg.text, (x0 * scale, top * scale, x1 * scale, bottom * scale), page_no, seg.confidence))
    rulings = [Ruling(r.x0 * scale, r.top * scale, r.x1 * scale, r.bottom * scale, page_no) for r in pixel_rulings]
    return words, rulings


def _bgr(array: np.ndarray) -> np.ndarray:
    import numpy as np

    if array.ndim == 3 and array.shape[2] == 4:
        array = array[:, :, :3]
    return np.ascontiguousarray(array)


def ocr_pdf_page(
    page: pypdfium2.PdfPage, page_no: int, limits: Limits = DEFAULT_LIMITS
) -> tuple[list[Word], list[Ruling]]:
    """Render a PDF page without a text layer at ``limits.ocr_dpi`` and OCR it. Boxes in PDF points,
    origin top-left (as the text-layer words)."""
    _require_ocr()
    dpi = limits.ocr_dpi
    bitmap = page.render(scale=dpi / 72)  # BGR(x), white background
    return ocr_array(_bgr(bitmap.to_numpy()), page_no, dpi, 72 / dpi)


# ---------------------------------------------------------------------------------------------------- images

_MEDIA = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "TIFF": "image/tiff",
    "BMP": "image/bmp",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}


def _frames(data: bytes, source: str, limits: Limits):
    """Decode an image file into (BGR array, dpi, media type) per page; checks the limits before decoding."""
    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise InputTooLarge("图片像素过多", source=source) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise CorruptInput("无法解码图片（文件损坏或不是图片）", source=source) from None
    media = _MEDIA.get(img.format or "", f"image/{(img.format or 'unknown').lower()}")
    n = int(getattr(img, "n_frames", 1) or 1)
    if n > limits.max_pages:
        raise InputTooLarge(f"图片共 {n} 页，超过上限 {limits.max_pages} 页", source=source)
    for i in range(n):
        try:
            img.seek(i)
            w, h = img.size
            if w * h > limits.max_image_pixels:
                raise InputTooLarge(f"图片像素过多（{w}×{h}），超过上限 {limits.max_image_pixels} 像素", source=source)
            if min(w, h) < _MIN_IMAGE_SIDE:
                raise EmptyInput(f"图片太小（{w}×{h} 像素），无法识别文字", source=source)
            frame = ImageOps.exif_transpose(img) if i == 0 else img.copy()
            frame.load()
            if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
                rgba = frame.convert("RGBA")
                frame = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)  # ink on paper
            if frame.mode.startswith("I;16") or frame.mode in ("I", "F"):
                arr = np.asarray(frame, dtype=np.float64)
                top = float(arr.max()) or 1.0
                frame = Image.fromarray((arr * (255.0 / top)).astype(np.uint8))
            rgb = np.asarray(frame.convert("RGB"))
        except (InputTooLarge, EmptyInput):
            raise
        except Image.DecompressionBombError:
            raise InputTooLarge("图片像素过多", source=source) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise CorruptInput(f"图片第 {i + 1} 页无法解码（文件损坏）", source=source) from None
        yield np.ascontiguousarray(rgb[:, :, ::-1]), _dpi(img.info.get("dpi"), max(w, h)), media


def _dpi(tagged: Any, long_side: int) -> float:
    try:
        dpi = float(tagged[0])
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    if not 50 <= dpi <= 1200:  # missing or nonsense tag (72 from a screenshot tool): assume a full A4 page
        dpi = long_side / _A4_LONG_INCH
    return min(max(dpi, 50.0), 1200.0)


def read_image(data: bytes, source: str = "<memory>", limits: Limits = DEFAULT_LIMITS) -> Layout:
    """OCR a PNG/JPEG/TIFF/BMP image (every page of a multi-page TIFF). Boxes in image pixels."""
    if len(data) > limits.max_bytes:
        raise InputTooLarge(f"文件过大（{len(data)} 字节）", source=source)
    if not data:
        raise EmptyInput("文件为空", source=source)
    _require_ocr(source)
    from gongkai.readers.geometry import PageInput, layout_pages

    pages: list[PageInput] = []
    media = "image/unknown"
    for page_no, (image, dpi, media) in enumerate(_frames(data, source, limits), start=1):  # noqa: B007 - the last frame's media type is used below
        words, rulings = ocr_array(image, page_no, dpi)
        pages.append(PageInput(words, rulings, (float(image.shape[1]), float(image.shape[0])), page_no))
    if not any(p.words for p in pages):
        raise EmptyInput("图片中没有识别出文字", source=source)
    note = f"本文件为图片（共 {len(pages)} 页），文字由 OCR 识别，数值请核对原件"
    # layout_pages, not build_blocks per page: a table continued on the next TIFF page is joined
    return Layout(
        blocks=layout_pages(pages),
        media_type=media,
        pages=len(pages),
        notes=[note],
        ocr_pages=[p.number for p in pages],
    )


__all__ = [
    "MISSING_MESSAGE",
    "THREADS_ENV",
    "ocr_available",
    "get_engine",
    "recognise",
    "split_line",
    "ocr_array",
    "ocr_pdf_page",
    "read_image",
    "TextLine",
    "Char",
    "Segment",
]
