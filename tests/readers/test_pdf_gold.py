"""Real PDFs from ../shared/corpus/docs against their gold files: exact cells, organization, year, findings,
and every cell's position (page and box) really covers the printed value. Skipped without ../shared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.pipeline import check_document
from gongkai.readers.assemble import to_document
from gongkai.readers.pdf import read_pdf

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def _cases() -> list:
    docs = CORPUS / "docs"
    if not docs.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason="../shared/corpus is not available"))]
    cases = [
        pytest.param(p, id=p.stem) for p in sorted(docs.glob("*.pdf")) if (CORPUS / "gold" / f"{p.stem}.json").exists()
    ]
    return cases or [pytest.param(None, marks=pytest.mark.skip(reason="no PDF with a gold file in ../shared"))]


def _categories(finding: dict) -> set[str]:
    cat = finding["category"]
    return set(cat) if isinstance(cat, list) else {cat}


@pytest.mark.parametrize("path", _cases())
def test_pdf_gold(path: Path) -> None:
    import pypdfium2 as pdfium

    gold = json.loads((CORPUS / "gold" / f"{path.stem}.json").read_text("utf-8"))
    data = path.read_bytes()
    layout = read_pdf(data, path.name)
    report = check_document(to_document(layout, path.name))

    cells = report.gold_cells()
    wrong = {
        cid: (v, cells.get(cid, "<missing>")) for cid, v in gold["cells"].items() if cells.get(cid, "<missing>") != v
    }
    optional = set(gold.get("optional_cells", ()))
    extra = sorted(set(cells) - set(gold["cells"]) - optional)
    assert not wrong, wrong
    assert not extra, extra
    assert report.organization == gold["organization"]
    assert report.year == gold["year"]
    found = {f.category for f in report.findings}
    for finding in gold["findings"]:
        assert _categories(finding) & found, (finding, found)
    if not gold["findings"]:
        assert not [f.code for f in report.findings if f.severity.value == "error"]

    pdf = pdfium.PdfDocument(data)
    try:
        for cid in gold["cells"]:
            pos = report.cells[cid].position
            assert pos is not None and pos.page is not None and pos.bbox is not None, cid
        # the box of a cell holds exactly the printed value
        for cid in (
            "requests.received.total",
            "requests.total.total",
            "appeals.review.total",
            "proactive.licensing.decisions",
        ):
            if gold["cells"].get(cid) is None:
                continue
            pos = report.cells[cid].position
            page = pdf[pos.page - 1]
            x0, top, x1, bottom = pos.bbox
            left, _, _, page_top = page.get_cropbox()
            text = page.get_textpage().get_text_bounded(left + x0, page_top - bottom, left + x1, page_top - top)
            assert text.split() == [str(gold["cells"][cid])], (cid, text)
    finally:
        pdf.close()
