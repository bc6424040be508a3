"""Tables printed without ruling lines ("stream" tables): realistic PDFs (DOCX with merged cells →
LibreOffice) read with their ruling lines ignored must still give the spec's cells, blank cells blank.

Specs whose whole requests or appeals table is blank are left out: with no value printed and no line drawn
nothing marks where its columns are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.spec import ReportSpec
from gongkai.readers import pdf as pdf_reader
from gongkai.readers.blocks import Table
from gongkai.readers.libreoffice import find_soffice
from gongkai.readers.pdf import read_pdf
from tests.readers.test_pdf import cell_errors, pick_specs


def _readable(spec: ReportSpec) -> bool:
    for table in ("requests.", "appeals."):
        ids = [cid for cid in spec.format.cell_ids if cid.startswith(table)]
        if ids and all(spec.values[cid] is None for cid in ids):
            return False
    return True


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[ReportSpec, Path]]:
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot render PDFs")
    from gongkai.render.pdf import render_pdfs

    specs = pick_specs(range(3000, 3400), plain=3, blank=2, keep=_readable, rng_offset=30_000)
    paths = render_pdfs(specs, tmp_path_factory.mktemp("stream"))
    return [(spec, path) for (spec, _), path in zip(specs, paths)]


@pytest.fixture
def no_rulings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "_page_rulings", lambda *args, **kwargs: [])


def test_stream_tables_read_the_spec(rendered: list[tuple[ReportSpec, Path]], no_rulings: None) -> None:
    failures = {}
    for spec, path in rendered:
        wrong = cell_errors(spec, path)
        if wrong:
            failures[f"{path.name} ({spec.format.id})"] = (len(wrong), dict(list(wrong.items())[:4]))
    assert not failures, failures


def test_stream_tables_are_tables(rendered: list[tuple[ReportSpec, Path]], no_rulings: None) -> None:
    _, path = rendered[0]
    layout = read_pdf(path.read_bytes(), path.name)
    tables = [b for b in layout.blocks if isinstance(b, Table)]
    assert len(tables) >= 3
    cells = [c for t in tables for c in t.cells]
    assert all(c.source and c.source.page and c.source.bbox for c in cells)
    # group labels are cells of their own, not glued to a row label
    texts = {c.text.replace("\n", "") for c in cells}
    assert any(t.startswith("三、") and t.endswith("办理结果") for t in texts), sorted(texts)[:20]
