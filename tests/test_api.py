"""The public API: `import gongkai` names, read/check from a path, bytes or a Document, errors with codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

import gongkai
from gongkai.examples.bundled import write_examples


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return write_examples(tmp_path_factory.mktemp("ex"))[0]


def test_every_public_name_resolves() -> None:
    for name in gongkai.__all__:
        assert getattr(gongkai, name) is not None, name
    with pytest.raises(AttributeError):
        gongkai.no_such_name  # noqa: B018


def test_check_from_path_bytes_and_document_agree(example) -> None:
    by_path = gongkai.check(example)
    by_bytes = gongkai.check(example.read_bytes(), name=example.name)
    by_doc = gongkai.check(gongkai.read(example))
    assert isinstance(by_path, gongkai.Report)
    assert by_path.cells and by_path.organization
    for other in (by_bytes, by_doc):
        assert {k: (c.raw, c.value) for k, c in other.cells.items()} == {
            k: (c.raw, c.value) for k, c in by_path.cells.items()
        }
        assert [f.code for f in other.findings] == [f.code for f in by_path.findings]
    assert all(isinstance(f.severity, gongkai.Severity) for f in by_path.findings)


def test_errors_carry_codes(tmp_path) -> None:
    with pytest.raises(gongkai.EmptyInput) as empty:
        gongkai.check(b"", name="empty.txt")
    assert empty.value.code == "E-EMPTY"
    with pytest.raises(gongkai.GongkaiError) as missing:
        gongkai.read(tmp_path / "missing.pdf")
    assert missing.value.code == "E-READ"


def test_import_is_cheap() -> None:
    """`import gongkai` loads none of the readers, parsers or checks (the CLI starts fast)."""
    code = "import sys, gongkai; print(sorted(m for m in sys.modules if m.startswith('gongkai')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['gongkai']"


def test_all_lists_exactly_the_lazy_exports() -> None:
    assert set(gongkai.__all__) == {"__version__", "PARSER_VERSION", *gongkai._EXPORTS}


def test_parse_gives_cells_without_checks(example) -> None:
    parsed = gongkai.parse(example)
    checked = gongkai.check(example)
    assert parsed.cells and not parsed.findings and not parsed.inferred
    assert {k: (c.raw, c.value) for k, c in parsed.cells.items()} == {
        k: (c.raw, c.value) for k, c in checked.cells.items()
    }
    assert gongkai.parse(example.read_bytes(), name=example.name).cells.keys() == parsed.cells.keys()
    with pytest.raises(gongkai.NotAnAnnualReport) as not_report:
        gongkai.parse("今天天气很好。".encode(), name="note.txt")
    assert not_report.value.code == "E-NOT-REPORT"
    assert gongkai.parse("今天天气很好。".encode(), name="note.txt", require_report=False).cells == {}


def test_entry_points_are_documented() -> None:
    for name in ("read", "parse", "check", "open_store"):
        assert len(getattr(gongkai, name).__doc__ or "") > 80, name


def test_cells_frame(example) -> None:
    pd = pytest.importorskip("pandas")
    report = gongkai.check(example)
    frame = report.cells_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["cell_id"][: len(report.cells)]) == list(report.cells)
    assert set(frame["cell_id"]) == set(report.cells) | set(report.inferred)
    for cid, cell in report.cells.items():
        row = frame[frame["cell_id"] == cid].iloc[0]
        assert row["raw"] == cell.raw and row["meaning"] == cell.meaning.value
        assert (pd.isna(row["value"]) and cell.value is None) or row["value"] == cell.value


def test_cells_frame_without_pandas_says_so(example, monkeypatch) -> None:
    report = gongkai.parse(example)
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas → ImportError
    with pytest.raises(gongkai.MissingDependency) as missing:
        report.cells_frame()
    assert missing.value.code == "E-DEPENDENCY" and "pandas" in missing.value.message
