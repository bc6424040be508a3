"""Reports for the 报告详情 and 整改通知 tests, all made by our own generator and renderers: one body's report
as an HTML page (with hostile markup added) and as a DOCX — two versions of the same body and year — each with
one printed total off by 3, so identity findings name cells."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from gongkai.examples.generate import random_spec
from gongkai.render.docx import render_docx
from gongkai.render.html import render_html
from gongkai.spec import request_cell
from gongkai.standard.layout import request_layout

SCRIPT = "<script>alert('x')</script>"
ESCAPED_CELL = "&lt;script&gt;alert(2)&lt;/script&gt;"  # a table cell printing markup as text
IMG = '<img src="http://evil.example/x.png" onerror="alert(3)">'


def wrong_total_spec(seed: int = 7):
    rng = random.Random(seed)
    spec = random_spec(rng, "2021", activity="busy", allow_blank=False, allow_na=False)
    lay = request_layout(spec.format)
    total = request_cell(lay.results_total, lay.total_column)
    values = dict(spec.values)
    values[total] = spec.number(total) + 3
    return dataclasses.replace(spec, values=values)


def hostile_html(spec) -> bytes:
    """The HTML rendering with a script, an external image and a prose paragraph holding markup as text."""
    page = render_html(spec, random.Random(1), style="rowspan", portal=False, encoding="utf-8").decode()
    at = page.index("一、总体情况")
    after = page.index(">", page.index("</", at)) + 1  # behind the heading's closing tag
    page = page[:after] + f"\n{SCRIPT}{IMG}<p>本机关{ESCAPED_CELL}认真落实。</p>" + page[after:]
    return page.encode()


def write_dom_reports(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    spec = wrong_total_spec()
    html = folder / "report.html"
    html.write_bytes(hostile_html(spec))
    docx = folder / "report.docx"
    docx.write_bytes(render_docx(spec, random.Random(1)))
    return [html, docx]
