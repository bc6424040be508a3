"""Our own PDF read back when its numbers are separate glyph runs (issue 11 class 6): character spacing in
the value cells makes LibreOffice position every digit on its own, and pdfium then cuts "19" into "1" and "9".
Skipped without LibreOffice."""

from __future__ import annotations

import random

import pypdfium2 as pdfium
import pytest

from gongkai.examples.generate import random_spec
from gongkai.readers.libreoffice import find_soffice
from gongkai.readers.pdf import _page_words
from tests.readers.test_pdf import cell_errors

pytestmark = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")


def test_numbers_in_separate_glyph_runs_read_back_exactly(tmp_path) -> None:
    from gongkai.render.pdf import render_pdfs

    specs = [
        (random_spec(random.Random(s), f, activity="busy"), random.Random(s)) for s, f in ((5, "2021"), (8, "2019"))
    ]
    paths = render_pdfs(specs, tmp_path, digit_spacing=30)  # 1.5 pt between the glyphs of a 10 pt number
    # the text layer really splits the numbers: a two-digit value is two words
    pdf = pdfium.PdfDocument(paths[0].read_bytes())
    words, _ = _page_words(pdf[1], 2)
    pdf.close()
    digits = [w for w in words if w.text.isdigit()]
    assert any(0.5 < b.bbox[0] - a.bbox[2] < 2.0 and abs(a.bbox[1] - b.bbox[1]) < 1 for a, b in zip(digits, digits[1:]))
    for (spec, _), path in zip(specs, paths):
        assert not cell_errors(spec, path), path.name
