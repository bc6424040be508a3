"""One command over a folder of mixed files: every readable report gives the same cells as its spec, every bad
file is reported with its reason, and none stops the others."""

from __future__ import annotations

import io
import json
import random
import zipfile

import pytest
from click.testing import CliRunner

from gongkai.cli import main
from gongkai.examples.generate import random_spec
from gongkai.readers.libreoffice import find_soffice
from gongkai.render.docx import render_docx
from gongkai.render.html import render_html
from gongkai.render.layouts import render_text


def _expected(spec) -> dict:
    return {cid: v for cid, v in spec.values.items()}


def _cells_match(report: dict, spec) -> list:
    cells = report["cells"]
    wrong = []
    for cid, want in _expected(spec).items():
        cell = cells.get(cid)
        if want is None:
            ok = cell is not None and cell["meaning"] == "blank"
        else:
            got = (
                report["inferred"][cid]["value"]
                if cell is None and cid in report["inferred"]
                else (
                    cell["value"]
                    if cell and cell["value"] is not None
                    else ("n/a" if cell and cell["meaning"] == "not_applicable" else None)
                )
            )
            ok = got == want
        if not ok:
            wrong.append((cid, want, cell))
    return wrong


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("mixed")
    specs = {}
    specs["a.txt"] = random_spec(random.Random(1), "2021")
    (d / "a.txt").write_text(render_text(specs["a.txt"], "pipe_rows", random.Random(1)), "utf-8")
    # an HTML page saved with a .doc name, as some sites serve them
    specs["b.doc"] = random_spec(random.Random(2), "2021")
    (d / "b.doc").write_bytes(render_html(specs["b.doc"], random.Random(2), style="rowspan", portal=True))
    specs["c.docx"] = random_spec(random.Random(3), "2019")
    (d / "c.docx").write_bytes(render_docx(specs["c.docx"], random.Random(3), style="official"))
    sub = d / "sub"
    sub.mkdir()
    if find_soffice():
        from gongkai.render.pdf import render_pdfs

        specs["sub/d.pdf"] = random_spec(random.Random(4), "2021")
        (pdf,) = render_pdfs([(specs["sub/d.pdf"], random.Random(4))], sub)
        pdf.rename(sub / "d.pdf")
        # the same PDF cut in half: a download that broke off
        data = (sub / "d.pdf").read_bytes()
        (sub / "e-truncated.pdf").write_bytes(data[: len(data) // 2])
    (d / "f-empty.txt").write_bytes(b"")
    junk = random.Random(7)
    (d / "g-junk.html").write_bytes(bytes(junk.randrange(256) for _ in range(5000)))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (400 * 1024 * 1024) + b"</w:document>")
    (d / "h-bomb.docx").write_bytes(bomb.getvalue())
    (d / "i-notice.txt").write_text("关于召开会议的通知\n请各单位于周五下午参加。", "utf-8")
    return d, specs


def test_mixed_folder(folder):
    d, specs = folder
    result = CliRunner().invoke(main, ["check", "--json", "--jobs", "2", str(d)])
    assert result.exit_code == 2  # bad files are present
    assert "Traceback" not in result.output
    out = {str(r["source"]).removeprefix(str(d) + "/"): r for r in json.loads(result.stdout)}
    for name, spec in specs.items():
        report = out[name]
        assert "error" not in report, (name, report.get("error"))
        assert _cells_match(report, spec) == [], name
        assert report["organization"] == spec.organization and report["year"] == spec.year
        assert not [f for f in report["findings"] if f["severity"] == "error"], name
    media = {name: out[name]["media_type"] for name in specs}
    assert media["b.doc"] == "text/html" and media["a.txt"] == "text/plain"
    expected_errors = {"f-empty.txt": "E-EMPTY", "h-bomb.docx": "E-LIMIT", "i-notice.txt": "E-NOT-REPORT"}
    if find_soffice():
        expected_errors["sub/e-truncated.pdf"] = "E-CORRUPT"
    for name, code in expected_errors.items():
        assert out[name]["error"]["code"] == code, (name, out[name])
    assert out["g-junk.html"]["error"]["code"] in ("E-FORMAT", "E-READ")


def test_mixed_folder_human_summary(folder):
    d, specs = folder
    result = CliRunner().invoke(main, ["check", "--jobs", "2", str(d)])
    assert "汇总" in result.output and "无法处理" in result.output
    assert "E-EMPTY" in result.output and "h-bomb.docx" in result.output
