"""Bounds on what a reader accepts, so that hostile or broken files fail fast with a clear message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * 1024 * 1024  # a real annual report is well under 20 MB, scans included
    max_pages: int = 300  # PDF pages read (a report has 3–15)
    max_unzipped_bytes: int = 300 * 1024 * 1024  # DOCX: total uncompressed size of the parts read
    max_zip_ratio: int = 200  # DOCX: uncompressed/compressed ratio of any member (zip bombs)
    max_html_bytes: int = 50 * 1024 * 1024
    # Plain text: a real report is 10–300 KB of text. Reading and checking a 197 MB text peaked at 4.5 GB and
    # timed out, so a text over 20 MB is refused before it is decoded (E-LIMIT); reading 19 MB peaks at ~100 MB
    # (benchmarks/bench_memory.py).
    max_text_bytes: int = 20 * 1024 * 1024
    max_image_pixels: int = 80_000_000  # images sent to OCR (about 9000×9000)
    ocr_dpi: int = 150  # scanned PDF pages are rendered at this resolution for OCR
    worker_memory_bytes: int = 6 * 1024**3  # batch processing: address space of a worker process (RLIMIT_AS)
    seconds_per_file: float = 120.0  # batch processing: a file taking longer is stopped and reported
    conversion_seconds: float = 90.0  # LibreOffice conversion of one .doc/.wps file
    # Digits in one number (table cell, narrative figure, HTML span). Checked before int() so a hostile
    # run of digits is refused as E-LIMIT instead of costing quadratic time; real figures have < 15 digits.
    max_digit_run: int = 100
    # HTML element nesting, measured without recursion before the page is walked; real pages stay under ~60
    max_html_depth: int = 512
    # Cells in all the tables of one HTML page or DOCX body (td/th, w:tc), counted before any table is built: a
    # report has a few hundred. The work per cell is linear but not free (a 2-column table of 40,000 rows took
    # ~10 s), so a page of 50,000+ cells is refused rather than read slowly. (PDF is bounded by max_pages.)
    max_table_cells: int = 50_000


def check_digit_run(digits: str, source: str | None = None, limits: "Limits | None" = None) -> None:
    """Refuse a number longer than ``limits.max_digit_run`` digits before converting it."""
    limit = (limits or DEFAULT_LIMITS).max_digit_run
    if len(digits) > limit:
        from gongkai.errors import InputTooLarge

        raise InputTooLarge(f"数字过长（{len(digits)} 位，上限 {limit} 位）", source=source)


def check_table_cells(count: int, source: str | None = None, limits: "Limits | None" = None) -> None:
    """Refuse a document whose tables hold more than ``limits.max_table_cells`` cells."""
    limit = (limits or DEFAULT_LIMITS).max_table_cells
    if count > limit:
        from gongkai.errors import InputTooLarge

        raise InputTooLarge(f"表格单元格过多（{count} 个，上限 {limit} 个）", source=source)


DEFAULT_LIMITS = Limits()
