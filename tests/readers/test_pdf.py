"""The PDF reader: realistic PDFs (DOCX with merged cells → LibreOffice) read back to the same cells, and
broken, encrypted, oversized and scanned inputs answered with the right error."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from gongkai.errors import (
    CorruptInput,
    EmptyInput,
    EncryptedInput,
    InputTooLarge,
    MissingDependency,
)
from gongkai.spec import ReportSpec
from gongkai.examples.generate import random_spec
from gongkai.pipeline import check_document
from gongkai.readers import pdf as pdf_reader
from gongkai.readers.assemble import to_document
from gongkai.readers.blocks import Table
from gongkai.readers.libreoffice import find_soffice
from gongkai.readers.limits import Limits
from gongkai.readers.pdf import read_pdf
from tests.roundtrip import differing_cells


def minimal_pdf(*, trailer: bytes = b"", extra: tuple[bytes, ...] = (), pages: int = 1) -> bytes:
    """A valid PDF of empty pages (no text layer), written by hand; ``extra`` objects follow the pages."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"] * pages,
        *extra,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objs) + 1) + trailer + b">>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# ------------------------------------------------------------------------------------------------ junk


def test_empty_bytes() -> None:
    with pytest.raises(EmptyInput):
        read_pdf(b"", "x.pdf")


@pytest.mark.parametrize(
    "data", [b"%PDF-1.4\n" + b"garbage " * 200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<", b"<html>not a pdf</html>"]
)
def test_garbage(data: bytes) -> None:
    with pytest.raises(CorruptInput) as exc:
        read_pdf(data, "x.pdf")
    assert exc.value.code == "E-CORRUPT" and "PDF" in exc.value.message


def test_encrypted() -> None:
    # the standard security handler with a user password: pdfium cannot open it with the empty password
    ids = b"<00112233445566778899aabbccddeeff>"
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>"
    data = minimal_pdf(trailer=b"/Encrypt 4 0 R /ID [" + ids + b" " + ids + b"] ", extra=(encrypt,))
    with pytest.raises(EncryptedInput) as exc:
        read_pdf(data, "x.pdf")
    assert "加密" in exc.value.message


def test_too_many_pages() -> None:
    with pytest.raises(InputTooLarge):
        read_pdf(minimal_pdf(pages=4), "x.pdf", Limits(max_pages=3))


def test_scan_without_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "_ocr_function", lambda: None)
    with pytest.raises(MissingDependency) as exc:
        read_pdf(minimal_pdf(), "scan.pdf")
    assert "gongkai[ocr]" in exc.value.message and "扫描" in exc.value.message


def test_scanned_pages_go_to_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    def fake_ocr(page, page_no, limits):
        from gongkai.readers.geometry import Word

        seen.append(page_no)
        return [Word("识别出的文字", (10, 10, 70, 20), page_no, 0.7)], []

    monkeypatch.setattr(pdf_reader, "_ocr_function", lambda: fake_ocr)
    layout = read_pdf(minimal_pdf(pages=2), "scan.pdf")
    assert seen == [1, 2] and layout.pages == 2
    assert [b.text for b in layout.blocks] == ["识别出的文字", "识别出的文字"]
    assert layout.blocks[0].source.confidence == 0.7
    assert layout.notes and "OCR" in layout.notes[0]


# ------------------------------------------------------------------------------------------- round trip


def pick_specs(
    seeds: range, plain: int, blank: int, keep=lambda spec: True, rng_offset: int = 10_000
) -> list[tuple[ReportSpec, random.Random]]:
    """Per format, the first ``plain`` specs without blank cells and ``blank`` with, among ``seeds``, each
    with the rng that renders it (seeded ``rng_offset + seed``); ``keep`` filters specs."""
    chosen: list[tuple[ReportSpec, random.Random]] = []
    for fmt in ("2021", "2019"):
        found: dict[bool, list] = {False: [], True: []}
        for seed in seeds:
            spec = random_spec(random.Random(seed), fmt)
            if keep(spec):
                found[spec.has_blanks].append((spec, random.Random(rng_offset + seed)))
            if len(found[True]) >= blank and len(found[False]) >= plain:
                break
        chosen += found[False][:plain] + found[True][:blank]
    return chosen


def cell_errors(spec: ReportSpec, path: Path) -> dict:
    """What the PDF at ``path`` reads differently from ``spec``: cells (expected, actual), error findings,
    organization and year. Empty when it reads right."""
    report = check_document(to_document(read_pdf(path.read_bytes(), path.name), path.name))
    wrong: dict = differing_cells(spec, report)
    errors = [f.code for f in report.findings if f.severity.value == "error"]
    if errors:
        wrong["<errors>"] = errors
    if report.year != spec.year or report.organization != spec.organization:
        wrong["<metadata>"] = (report.organization, report.year)
    return wrong


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[ReportSpec, Path]]:
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot render PDFs")
    try:
        from gongkai.render.pdf import render_pdfs
    except ImportError:
        pytest.skip("gongkai.render.pdf is not available")
    specs = pick_specs(range(400), plain=5, blank=3)
    paths = render_pdfs(specs, tmp_path_factory.mktemp("pdfs"))
    return [(spec, path) for (spec, _), path in zip(specs, paths)]


def test_round_trip(rendered: list[tuple[ReportSpec, Path]]) -> None:
    failures = {}
    for spec, path in rendered:
        layout = read_pdf(path.read_bytes(), path.name)
        assert layout.media_type == "application/pdf" and layout.pages and layout.pages >= 2
        wrong = cell_errors(spec, path)
        if wrong:
            failures[f"{path.name} ({spec.format.id})"] = (len(wrong), dict(list(wrong.items())[:5]))
    assert not failures, failures


def test_positions_point_into_the_page(rendered: list[tuple[ReportSpec, Path]]) -> None:
    import pypdfium2 as pdfium

    spec, path = rendered[0]
    data = path.read_bytes()
    report = check_document(to_document(read_pdf(data, path.name), path.name))
    pdf = pdfium.PdfDocument(data)
    try:
        for cid in ("requests.received.total", "requests.total.total", "proactive.licensing.decisions"):
            if cid not in spec.format.cell_ids or spec.values[cid] is None:
                continue
            pos = report.cells[cid].position
            assert pos.page is not None and pos.bbox is not None, cid
            page = pdf[pos.page - 1]
            x0, top, x1, bottom = pos.bbox
            height = page.get_height()
            text = page.get_textpage().get_text_bounded(x0, height - bottom, x1, height - top)
            assert str(spec.values[cid]) in text.split(), (cid, text)
    finally:
        pdf.close()


def test_tables_are_tables(rendered: list[tuple[ReportSpec, Path]]) -> None:
    _, path = rendered[0]
    layout = read_pdf(path.read_bytes(), path.name)
    tables = [b for b in layout.blocks if isinstance(b, Table)]
    assert len(tables) >= 3  # proactive (one or several), requests, appeals
    assert all(c.source and c.source.page and c.source.bbox for t in tables for c in t.cells)


def test_scan_without_the_ocr_extra_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.readers import ocr

    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    assert pdf_reader._ocr_function() is None
    with pytest.raises(MissingDependency) as exc:
        read_pdf(minimal_pdf(), "scan.pdf")
    assert exc.value.code == "E-DEPENDENCY" and "gongkai[ocr]" in exc.value.message
