"""Table ruling lines in a page image, found by morphology (used by the OCR reader).

A scanned table has no vector paths, only dark pixels. Long thin runs of dark pixels are the table's
grid: opening the binarised image with a long horizontal (vertical) kernel erases every text stroke —
strokes are at most one character high — and keeps the lines. Each remaining connected component is one
ruling. Boxes are returned in image pixels; the caller scales them to page units.

Needs numpy and opencv (shipped with the ``ocr`` extra); imported only when OCR runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Minimum ruling lengths, as a fraction of an inch at the image's resolution. A CJK glyph at 10.5–12 pt is
# about 0.17 inch high, so a vertical run of 0.22 inch cannot be a glyph stroke, while the shortest cell
# border (one row of 9 pt text with padding) is still longer. Horizontal strokes (一, the bar of 二) are
# shorter than one glyph width; 0.3 inch keeps them out.
_MIN_VERTICAL_INCH = 0.22
_MIN_HORIZONTAL_INCH = 0.30
# a scanned line can be broken by a pixel or two of noise; bridge such gaps before opening
_BRIDGE_INCH = 0.02
# a component thicker than this is a filled block (a stamp, a photo), not a line
_MAX_THICKNESS_INCH = 0.06
# table lines meet: a ruling that touches no line of the other direction within this distance is a stroke
# run of adjacent glyphs or an underline, not part of a grid
_TOUCH_INCH = 0.04


@dataclass(frozen=True, slots=True)
class PixelRuling:
    x0: int
    top: int
    x1: int
    bottom: int

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


def binarise(gray: np.ndarray) -> np.ndarray:
    """Dark ink → 255, paper → 0. Adaptive, so uneven scan lighting and grey table lines both survive."""
    block = 31
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)


def _components(mask: np.ndarray, horizontal: bool, min_len: int, max_thick: int) -> list[PixelRuling]:
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out: list[PixelRuling] = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        length, thick = (w, h) if horizontal else (h, w)
        # a slightly skewed scan turns a line into a shallow staircase: thick, but still very long and thin
        if length >= min_len and (thick <= max(max_thick, 2) or length >= 20 * thick):
            out.append(PixelRuling(x, y, x + w, y + h))
    return out


def find_rulings(image: np.ndarray, dpi: float) -> list[PixelRuling]:
    """Horizontal and vertical table lines in a BGR or grey image rendered/scanned at ``dpi``."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    ink = binarise(gray)
    bridge = max(1, round(_BRIDGE_INCH * dpi))
    max_thick = round(_MAX_THICKNESS_INCH * dpi)
    out: list[PixelRuling] = []
    for horizontal, min_inch in ((True, _MIN_HORIZONTAL_INCH), (False, _MIN_VERTICAL_INCH)):
        length = max(10, round(min_inch * dpi))
        shape = (length, 1) if horizontal else (1, length)  # cv2 kernel sizes are (width, height)
        gap = (bridge, 1) if horizontal else (1, bridge)
        closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, gap))
        lines = cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, shape))
        out.extend(_components(lines, horizontal, length, max_thick))
    return _connected(out, max(2, round(_TOUCH_INCH * dpi)))


# skew: measured on lines at least this long; corrected when larger than the minimum, trusted up to the maximum
_SKEW_LINE_INCH = 1.5
_MIN_SKEW_DEG = 0.15
_MAX_SKEW_DEG = 8.0


def skew_angle(image: np.ndarray, dpi: float) -> float:
    """The page's skew in degrees, from its long table lines (0 when it has none or is level).

    A scanned page is rarely straight; at 1° a table line drifts 2 mm across the page, enough to blur rows
    into each other. Each long line's pixels get a least-squares fit; the median angle is the page's.
    Rotating the image by the returned angle (OpenCV convention: positive = counter-clockwise) levels it.
    """
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    ink = binarise(gray)
    piece = max(10, round(_MIN_HORIZONTAL_INCH * dpi))  # a skewed line survives as overlapping flat pieces
    opened = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (piece, 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
    angles: list[float] = []
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_WIDTH] < _SKEW_LINE_INCH * dpi:
            continue
        ys, xs = np.nonzero(labels == i)
        slope = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0]
        angles.append(float(np.degrees(np.arctan(slope))))
    if not angles:
        return 0.0
    angle = float(np.median(angles))
    return angle if _MIN_SKEW_DEG <= abs(angle) <= _MAX_SKEW_DEG else 0.0


def deskew(image: np.ndarray, angle: float) -> np.ndarray:
    """``image`` rotated by ``angle`` degrees about its centre, same size, white where nothing was."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    white = 255 if image.ndim == 2 else (255, 255, 255)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=white)


def _touch(a: PixelRuling, b: PixelRuling, tol: int) -> bool:
    return a.x0 - tol <= b.x1 and b.x0 - tol <= a.x1 and a.top - tol <= b.bottom and b.top - tol <= a.bottom


def _connected(rulings: list[PixelRuling], tol: int) -> list[PixelRuling]:
    """The rulings that meet at least one ruling of the other direction (a grid, a frame)."""
    hs = [r for r in rulings if r.horizontal]
    vs = [r for r in rulings if not r.horizontal]
    return [h for h in hs if any(_touch(h, v, tol) for v in vs)] + [v for v in vs if any(_touch(v, h, tol) for h in hs)]


__all__ = ["PixelRuling", "binarise", "deskew", "find_rulings", "skew_angle"]
