"""Round trip through Word: render_docx → read_docx → to_document → check_document gives back the spec.

A blank spec cell must read as blank (the parser may infer a value for it, so the stated cell is compared).
"""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.spec import ReportSpec
from gongkai.examples.generate import random_spec, report_specs
from gongkai.model import Severity
from gongkai.pipeline import check_document
from gongkai.readers.assemble import to_document
from gongkai.readers.docx import read_docx
from gongkai.render.docx import BLANK_CAPABLE_STYLES, DOCX_STYLES, render_docx
from tests.roundtrip import differing_cells


def _check(spec: ReportSpec, style: str, seed: int) -> None:
    data = render_docx(spec, random.Random(seed), style=style)
    doc = to_document(read_docx(data, "r.docx"), "r.docx")
    report = check_document(doc)
    wrong = differing_cells(spec, report)
    assert not wrong, f"{style}: {len(wrong)} cells differ, e.g. {dict(list(wrong.items())[:5])}\n{doc.text}"
    assert report.year == spec.year
    assert report.organization == spec.organization
    errors = [f for f in report.findings if f.severity == Severity.ERROR]
    assert not errors, [f.message for f in errors]


@pytest.mark.parametrize("style", DOCX_STYLES)
@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_roundtrip(style: str, format_id: str) -> None:
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(spec=report_specs(format_id, allow_blank=style in BLANK_CAPABLE_STYLES), seed=st.integers(0, 2**16))
    def run(spec: ReportSpec, seed: int) -> None:
        _check(spec, style, seed)

    run()


def test_cells_point_into_the_docx() -> None:
    spec = random_spec(random.Random(3), "2021", allow_blank=False)
    report = check_document(to_document(read_docx(render_docx(spec, random.Random(3)), "r.docx"), "r.docx"))
    pos = report.cells["requests.withheld.state_secret.total"].position
    # 3 header rows, then the 5th data row; the last of 3 label cells + 7 values
    assert pos.dom_path == "body/tbl[2]/tr[8]/tc[10]"


def test_official_tables_are_merged_and_the_others_are_not() -> None:
    spec = random_spec(random.Random(5), "2019")
    xml = {
        style: zipfile.ZipFile(io.BytesIO(render_docx(spec, random.Random(5), style=style)))
        .read("word/document.xml")
        .decode()
        for style in DOCX_STYLES
    }
    assert "w:vMerge" in xml["official"] and "w:gridSpan" in xml["official"]
    for style in ("plain", "grid"):
        assert "w:vMerge" not in xml[style] and "w:gridSpan" not in xml[style]
    for text in xml.values():
        assert 'w:insideV w:val="single"' in text and "Noto" in text


def test_deterministic() -> None:
    # speed is measured by `make bench`, not asserted here
    spec = random_spec(random.Random(8), "2021")
    first = render_docx(spec, random.Random(1))
    again = render_docx(spec, random.Random(1))
    assert first == again


def test_unknown_style() -> None:
    with pytest.raises(ValueError):
        render_docx(random_spec(random.Random(0)), random.Random(0), style="fancy")
