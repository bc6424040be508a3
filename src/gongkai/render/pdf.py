"""Render report specs as PDF files: DOCX by :func:`gongkai.render.docx.render_docx`, then one LibreOffice call.

These are the realistic PDFs of the PDF reader's round-trip tests: real fonts, real ruling lines, merged
cells, tables broken across pages — as Word reports exported to PDF are. Converting all files in one
soffice call costs ~1.5 s of start-up once instead of once per file.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterable
from pathlib import Path

from gongkai.spec import ReportSpec
from gongkai.readers.libreoffice import convert_many
from gongkai.render.docx import render_docx


def render_pdfs(
    specs_with_rngs: Iterable[tuple[ReportSpec, random.Random]],
    outdir: str | Path,
    *,
    style: str = "official",
    prefix: str = "report",
    digit_spacing: int = 0,
) -> list[Path]:
    """Write ``{prefix}-000.pdf``, ``{prefix}-001.pdf`` … to ``outdir``, one per (spec, rng), in order.

    Needs LibreOffice (:func:`gongkai.readers.libreoffice.find_soffice`; ``MissingDependency`` without it).
    Deterministic for given specs, rng states and style (up to the PDF's creation date). ``digit_spacing``
    spaces the glyphs of value cells (see :func:`~gongkai.render.docx.render_docx`).
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gongkai-docx-") as tmp:
        sources = []
        for i, (spec, rng) in enumerate(specs_with_rngs):
            path = Path(tmp) / f"{prefix}-{i:03d}.docx"
            path.write_bytes(render_docx(spec, rng, style=style, digit_spacing=digit_spacing))
            sources.append(path)
        return convert_many(sources, out, to="pdf")


__all__ = ["render_pdfs"]
