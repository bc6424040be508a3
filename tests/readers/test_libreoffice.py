""".doc/.wps through LibreOffice: rendered DOCX → .doc (one soffice call) → read_legacy_word → the same cells."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from gongkai.errors import (
    CorruptInput,
    EmptyInput,
    EncryptedInput,
    MissingDependency,
    TimedOut,
    UnsupportedFormat,
)
from gongkai.spec import ReportSpec
from gongkai.examples.generate import random_spec
from gongkai.pipeline import check_document
from gongkai.readers import libreoffice
from gongkai.readers.assemble import to_document
from gongkai.readers.blocks import Layout
from gongkai.readers.docx import DOCX_MEDIA_TYPE
from gongkai.readers.libreoffice import (
    LEGACY_WORD_MEDIA_TYPE,
    convert,
    convert_many,
    find_soffice,
    read_legacy_word,
)
from gongkai.readers.limits import Limits
from gongkai.render.docx import render_docx
from tests.roundtrip import differing_cells

needs_soffice = pytest.mark.skipif(
    find_soffice() is None, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
)

CASES = [("2021", "official", 1), ("2019", "official", 2), ("2021", "plain", 3)]


def _spec(format_id: str, seed: int) -> ReportSpec:
    return random_spec(random.Random(seed), format_id, activity="busy")


def _assert_same_cells(layout: Layout, spec: ReportSpec) -> None:
    report = check_document(to_document(layout, "r.doc"))
    wrong = differing_cells(spec, report)
    assert not wrong, list(wrong.items())[:5]
    assert (report.year, report.organization) == (spec.year, spec.organization)


@pytest.fixture(scope="module")
def doc_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    src = tmp_path_factory.mktemp("docx")
    paths = []
    for i, (format_id, style, seed) in enumerate(CASES):
        path = src / f"case{i}.docx"
        path.write_bytes(render_docx(_spec(format_id, seed), random.Random(seed), style=style))
        paths.append(path)
    return convert_many(paths, tmp_path_factory.mktemp("doc"), to="doc:MS Word 97")


@needs_soffice
@pytest.mark.parametrize("case", range(len(CASES)))
def test_doc_round_trip(doc_files: list[Path], case: int) -> None:
    format_id, _, seed = CASES[case]
    data = doc_files[case].read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0")  # a real OLE .doc, not a renamed docx
    layout = read_legacy_word(data, doc_files[case].name)
    assert layout.media_type == LEGACY_WORD_MEDIA_TYPE
    assert any("LibreOffice" in note for note in layout.notes)
    _assert_same_cells(layout, _spec(format_id, seed))


@needs_soffice
def test_wps_name(doc_files: list[Path]) -> None:
    layout = read_legacy_word(doc_files[0].read_bytes(), "年度报告.wps")
    _assert_same_cells(layout, _spec(CASES[0][0], CASES[0][2]))


@needs_soffice
def test_damaged_doc_is_corrupt() -> None:
    with pytest.raises(CorruptInput, match="LibreOffice"):
        read_legacy_word(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "bad.doc")


@needs_soffice
def test_timeout_kills_the_conversion() -> None:
    with pytest.raises(TimedOut):
        convert(b"{\\rtf1 hello}", "a.rtf", "docx", Limits(conversion_seconds=0.2))


def test_docx_under_a_doc_name_is_read_directly() -> None:
    data = render_docx(_spec("2021", 1), random.Random(1))
    layout = read_legacy_word(data, "misnamed.doc")
    assert layout.media_type == DOCX_MEDIA_TYPE
    _assert_same_cells(layout, _spec("2021", 1))


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyInput),
        (b"\x00\x01binary junk", UnsupportedFormat),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"), EncryptedInput),
    ],
)
def test_inputs_refused_before_libreoffice(data: bytes, error: type) -> None:
    with pytest.raises(error):
        read_legacy_word(data, "x.doc")


def test_missing_libreoffice_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    with pytest.raises(MissingDependency, match="libreoffice-writer-nogui"):
        convert(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "x.doc")
    with pytest.raises(MissingDependency):
        convert_many([Path("a.docx")], Path("."))


def test_convert_many_needs_distinct_names(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        convert_many([tmp_path / "a" / "r.docx", tmp_path / "b" / "r.docx"], tmp_path)
    assert convert_many([], tmp_path) == []
