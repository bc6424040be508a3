"""The reading report on the command line: one Chinese line per document, and a `reading` object in --json."""

from __future__ import annotations

import json
import random

from click.testing import CliRunner

from gongkai.cli import main
from gongkai.examples.generate import random_spec
from gongkai.render.layouts import render_text


def _file(tmp_path, damaged: bool = False):
    text = render_text(random_spec(random.Random(5), "2021", allow_blank=False), "pipe_rows", variants=False)
    if damaged:  # one row prints three values for seven columns: it cannot be placed
        lines = text.split("\n")
        k = next(i for i, ln in enumerate(lines) if ln.startswith("（二）部分公开"))
        lines[k] = "（二）部分公开 | 1 | 2 | 3 |"
        text = "\n".join(lines)
    p = tmp_path / ("damaged.txt" if damaged else "report.txt")
    p.write_text(text, encoding="utf-8")
    return p


def test_check_prints_one_reading_line(tmp_path):
    result = CliRunner().invoke(main, ["check", str(_file(tmp_path))])
    assert "读取：纯文本 · 3张表（文本） · 行 32/32 已定位 · 修补 0 · 可信度 高" in result.output
    result = CliRunner().invoke(main, ["check", str(_file(tmp_path, damaged=True))])
    assert "行 31/32 已定位" in result.output and "可信度 低" in result.output


def test_json_has_the_reading_object(tmp_path):
    for command in ("check", "parse"):
        result = CliRunner().invoke(main, [command, "--json", str(_file(tmp_path, damaged=True))])
        reading = json.loads(result.output)["reading"]
        assert reading["reader"] == "text" and reading["confidence"] == "low"
        requests = next(t for t in reading["tables"] if t["table"] == "requests")
        assert {"row": "partially_granted", "reason": "row_short"} in requests["not_placed"]
        assert requests["rows"] == 25 and requests["placed"] == 24


def test_parse_prints_the_reading_line(tmp_path):
    result = CliRunner().invoke(main, ["parse", str(_file(tmp_path))])
    assert "读取：纯文本" in result.output and "可信度 高" in result.output
