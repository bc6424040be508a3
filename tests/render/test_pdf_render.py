"""render_pdfs: rendered DOCX → PDF through one LibreOffice call; the PDFs open, have pages, text and rules."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from gongkai.examples.generate import random_spec
from gongkai.readers.libreoffice import convert, find_soffice
from gongkai.render.docx import render_docx
from gongkai.render.pdf import render_pdfs

pdfium = pytest.importorskip("pypdfium2")
pytestmark = pytest.mark.skipif(
    find_soffice() is None, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
)


def _text(pdf: pdfium.PdfDocument) -> str:
    return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def test_render_pdfs(tmp_path: Path) -> None:
    specs = [random_spec(random.Random(s), f) for s, f in ((1, "2021"), (2, "2019"), (3, "2021"))]
    paths = render_pdfs([(spec, random.Random(i)) for i, spec in enumerate(specs)], tmp_path / "out")
    assert [p.name for p in paths] == ["report-000.pdf", "report-001.pdf", "report-002.pdf"]
    for spec, path in zip(specs, paths):
        pdf = pdfium.PdfDocument(str(path))
        assert len(pdf) >= 2
        text = re.sub(r"\s+", "", _text(pdf))
        assert spec.organization in text
        assert "本年新收政府信息公开申请数量" in text and "复议后起诉" in text
        # grid borders become path objects: the PDF reader finds its ruling lines there
        paths_on_tables = sum(
            1 for i in range(len(pdf)) for obj in pdf[i].get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_PATH
        )
        assert paths_on_tables > 50
        pdf.close()


def test_convert_one_docx_to_pdf_bytes() -> None:
    spec = random_spec(random.Random(7), "2019")
    data = convert(render_docx(spec, random.Random(7), style="plain"), "r.docx", to="pdf")
    assert data.startswith(b"%PDF")
    pdf = pdfium.PdfDocument(data)
    assert len(pdf) >= 2
    pdf.close()
