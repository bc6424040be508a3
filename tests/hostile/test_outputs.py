"""Nothing from a document reaches a formula in our CSV or a path outside the chosen folder."""

from __future__ import annotations

import csv
import os

from click.testing import CliRunner

from gongkai.analysis.export import Col, CsvSink
from gongkai.commands.template import _file_part, template


def test_csv_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    p = tmp_path / "cells.csv"
    sink = CsvSink(p, (Col("raw", "str"), Col("value", "any")))
    rows = [
        ("=1+1", 1),
        ("+1+1", 2),
        ("-1+1", -3),
        ("@SUM(1+1)", -4.0),
        ("\t=1", 0),
        ("正常文字", 5),
        ("1-1", -0.5),
        ("-3", 1),
        ("-", 1),
    ]
    for r in rows:
        sink.write(r)
    sink.close()
    with open(p, encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh))[1:]
    assert [g[0] for g in got] == ["'=1+1", "'+1+1", "'-1+1", "'@SUM(1+1)", "'\t=1", "正常文字", "1-1", "-3", "-"]
    # numbers, negative ones included, stay numbers
    assert [g[1] for g in got] == ["1", "2", "-3", "-4", "0", "5", "-0.5", "1", "1"]


def test_template_default_name_has_no_directory_parts(tmp_path):
    assert _file_part("../X") == "X"
    assert "/" not in _file_part("a/../../b") and "\\" not in _file_part("..\\..\\c")
    work = tmp_path / "work"
    work.mkdir()
    cwd = os.getcwd()
    os.chdir(work)
    try:
        result = CliRunner().invoke(template, ["--year", "2024", "--org", "../X"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["work"]
    made = list(work.iterdir())
    assert len(made) == 1 and made[0].name.startswith("X2024") and made[0].suffix == ".xlsx"
