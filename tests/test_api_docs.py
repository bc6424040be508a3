"""docs/api.md runs: its ```python blocks are executed in order in one namespace, as notebook cells."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def _blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", DOC.read_text("utf-8"), flags=re.S | re.M)


def test_walkthrough_runs_in_order(capsys, monkeypatch, tmp_path) -> None:
    pytest.importorskip("pandas")
    import tempfile

    import gongkai

    monkeypatch.setattr(tempfile, "mkdtemp", lambda *a, **k: str(tmp_path))  # the page's scratch folder

    blocks = _blocks()
    assert len(blocks) >= 5
    ns: dict = {}
    for i, code in enumerate(blocks):
        exec(compile(code, f"{DOC.name}[block {i + 1}]", "exec"), ns)  # noqa: S102 - our own documentation
    out = capsys.readouterr().out
    assert "白芷县东篱街道办事处 2024" in out
    # the walkthrough's results are the package's own, not text in the page
    report = ns["report"]
    assert ns["errors_here"] and all(f.severity is gongkai.Severity.ERROR for f in ns["errors_here"])
    assert ns["summary"].stored == len(ns["paths"])
    assert {r.year for r in ns["stored"]} == {2024} and ns["stored"]
    assert {(e.organization, e.code) for e in ns["errors"]} >= {
        (report.organization, f.code) for f in ns["errors_here"]
    }
    assert all(e.severity == "error" for e in ns["errors"])
    assert ns["street"] and {f.organization for f in ns["street"]} == {report.organization}
    assert ns["like"] == ns["street"]
    assert ns["stats"].total.reports > 0
    frame = ns["frame"]
    assert list(frame["cell_id"][: len(report.cells)]) == list(report.cells)
    assert len(ns["blank"]) == sum(c.meaning is gongkai.Meaning.BLANK for c in report.cells.values())
