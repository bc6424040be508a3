"""Round trip through HTML: render a drawn spec as a web page in every table style, with and without the
portal around it, in GB18030 (labelled gb2312) and UTF-8; read it back with the HTML reader, assemble,
check; the cells, organization and year are the spec's and a valid spec raises no error finding.

As in tests/render/test_roundtrip.py, a blank spec cell must read as blank: the parser may infer a value for
it (Report.inferred), so for a blank spec cell the stated cell's gold value is compared.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.spec import ReportSpec
from gongkai.examples.generate import random_spec, report_specs
from gongkai.model import Severity
from gongkai.pipeline import check_document
from gongkai.readers.assemble import to_document
from gongkai.readers.html import read_html
from gongkai.render.html import HTML_STYLES, render_html
from tests.roundtrip import differing_cells

ENCODINGS = ("gb18030", "utf-8")


def _check(spec: ReportSpec, style: str, portal: bool, encoding: str, seed: int) -> None:
    data = render_html(spec, random.Random(seed), style=style, portal=portal, encoding=encoding)
    doc = to_document(read_html(data, "report.html"), "report.html")
    report = check_document(doc)
    wrong = differing_cells(spec, report)
    where = f"{style} portal={portal} {encoding} seed={seed}"
    assert not wrong, f"{where}: {len(wrong)} cells differ, e.g. {dict(list(wrong.items())[:5])}\n{doc.text}"
    assert report.year == spec.year, where
    assert report.organization == spec.organization, f"{where}\n{doc.text[:400]}"
    errors = [f"{f.code}: {f.message}" for f in report.findings if f.severity is Severity.ERROR]
    assert not errors, f"{where}: {errors}"


@pytest.mark.parametrize("style", HTML_STYLES)
@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_html_roundtrip(style: str, format_id: str) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        spec=report_specs(format_id, allow_blank=True),
        portal=st.booleans(),
        encoding=st.sampled_from(ENCODINGS),
        seed=st.integers(0, 2**16),
    )
    def run(spec: ReportSpec, portal: bool, encoding: str, seed: int) -> None:
        _check(spec, style, portal, encoding, seed)

    run()


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("portal", [True, False], ids=["portal", "bare"])
@pytest.mark.parametrize("style", HTML_STYLES)
def test_every_combination(style: str, portal: bool, encoding: str) -> None:
    """Each style × portal × encoding at least a few times, whatever hypothesis draws."""
    for seed in range(3):
        for format_id in ("2021", "2019"):
            spec = random_spec(random.Random(seed * 7 + 1), format_id)
            _check(spec, style, portal, encoding, seed)


def test_render_is_deterministic_and_declares_gb2312() -> None:
    spec = random_spec(random.Random(3), "2021")
    a = render_html(spec, random.Random(9), style="word", portal=True)
    b = render_html(spec, random.Random(9), style="word", portal=True)
    assert a == b
    head = a[:2048].decode("gb18030")
    assert "charset=gb2312" in head or 'charset="gb2312"' in head
    utf = render_html(spec, random.Random(9), style="rowspan", portal=True, encoding="utf-8")
    assert b"utf-8" in utf[:2048]


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError):
        render_html(random_spec(random.Random(1)), random.Random(1), style="nope")
