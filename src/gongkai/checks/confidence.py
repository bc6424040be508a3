"""OCR confidence: values a recogniser read doubtfully, or read as digits mixed with look-alike letters.

Cells read by OCR carry the recogniser's confidence in ``position.confidence`` (the lowest character score
of the cell, see :mod:`gongkai.readers.ocr`). A wrongly read digit is worse than a missing one — it looks
like data — so a doubtful value is reported for checking against the original, as part of the
``cell_missing`` category ("unreadable"). Nothing is corrected: "1O2" is reported, never turned into 102.

Threshold (:data:`LOW_CONFIDENCE` = 0.95), measured on generated 2021-format reports rendered to PDF,
rasterised, degraded and OCR'd with rapidocr (PP-OCRv6 small) — value cells, right / below 0.95:

- clean (200 dpi; 65 dpi; 0.6° skew): 2 000 cells all right, 2 right ones below 0.95 (at 65 dpi);
- mild (JPEG q20 at 100 dpi; noise + blur at 120 dpi): 800 all right, 4 below 0.95;
- poor (JPEG q15 + noise + blur at 100 dpi): 599/600 right (1 missing, reported), 48 right ones below 0.95;
- very poor (JPEG q10 at 75–90 dpi): most cells missing (reported); 20 digits misrecognised, 17 of them
  below 0.95 (0.25–0.94), 3 at 0.97–0.98. (9 more cells landed in the wrong column with scores of
  0.96–1.0: a layout failure no score reveals; the identities catch it.)

0.97 would catch 2 more misreads but flag a third more right values. At 0.95 a clean scan raises (almost)
no finding and most misreads on a poor one do; a wrong digit rarely keeps the identities true, so they are
the second net.
"""

from __future__ import annotations

import re

from gongkai.checks.common import RULES_BY_CODE, Context, evidence_cell
from gongkai.model import Cell, Evidence, Finding, Meaning, Report

LOW_CONFIDENCE = 0.95

RULE = RULES_BY_CODE["CELL-LOW-CONFIDENCE"]  # registered with the other rules in checks.common

# letters a recogniser confuses with digits: O/o/D/Q↔0, l/I/i/|↔1, Z/z↔2, S/s↔5, G/b↔6, B↔8, g/q↔9
_LOOKALIKES = "OoDQlIi|ZzSsGbBgq"
_MIXED = re.compile(rf"[\d{re.escape(_LOOKALIKES)}][\d{re.escape(_LOOKALIKES)},，.．\s]*")
_HAS_LETTER = re.compile(rf"[{re.escape(_LOOKALIKES)}]")
_VALUE_MEANINGS = (Meaning.NUMBER, Meaning.ZERO, Meaning.NOT_APPLICABLE)


def looks_like_misread_number(raw: str) -> bool:
    """A digit string with look-alike letters mixed in ("1O2", "l5", "O"), as OCR produces from a number.
    A lone letter counts too: "O" or "l" in a value cell is a 0 or 1 read as a letter."""
    text = raw.strip()
    return (
        bool(text)
        and _MIXED.fullmatch(text) is not None
        and _HAS_LETTER.search(text) is not None
        and (any(ch.isdigit() for ch in text) or len(text) <= 2)
    )


def _finding(report: Report, ctx: Context, cell_id: str, message: str) -> Finding:
    cell = report.cells[cell_id]
    return Finding(
        code=RULE.code,
        category=RULE.category,
        severity=RULE.severity,
        message=message,
        evidence=Evidence(cells=[evidence_cell(report, ctx, cell_id)], text=cell.raw, position=cell.position),
    )


def _where(cell: Cell) -> str:
    pos = cell.position
    return f"（第 {pos.page} 页）" if pos is not None and pos.page is not None else ""


def check_low_confidence(report: Report, ctx: Context) -> list[Finding]:
    """One finding per OCR-read value cell below :data:`LOW_CONFIDENCE` (numbers, "/", text with digits) or
    with look-alike letters among its digits."""
    out: list[Finding] = []
    for cid, cell in report.cells.items():
        pos = cell.position
        if pos is None or pos.confidence is None:
            continue  # not read by OCR
        if cell.meaning is Meaning.TEXT and looks_like_misread_number(cell.raw):
            out.append(
                _finding(
                    report,
                    ctx,
                    cid,
                    f"{ctx.label(cid)}{_where(cell)}识别为“{cell.raw.strip()}”，数字中混有形近字母，"
                    "可能是文字识别（OCR）误读，未作自动更正，请与原件核对",
                )
            )
        elif pos.confidence < LOW_CONFIDENCE and (
            cell.meaning in _VALUE_MEANINGS or (cell.meaning is Meaning.TEXT and any(ch.isdigit() for ch in cell.raw))
        ):
            # a doubtful number, or text with digits in it ("写5" read from a smudged 25)
            out.append(
                _finding(
                    report,
                    ctx,
                    cid,
                    f"{ctx.label(cid)}{_where(cell)}的数字“{cell.raw.strip()}”由文字识别（OCR）读出，"
                    f"识别置信度较低（{pos.confidence:.0%}），请与原件核对",
                )
            )
    return out


__all__ = ["LOW_CONFIDENCE", "RULE", "check_low_confidence", "looks_like_misread_number"]
