"""The Markdown report: reads back through our own parser (cells, organisation, year, sections, no findings
beyond blank cells) and is a valid GitHub pipe table layout (header as wide as every row, separator row)."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings

from gongkai.spec import ReportSpec
from gongkai.examples.generate import random_spec, report_specs
from gongkai.model import Severity
from gongkai.pipeline import check_document
from gongkai.readers import read_bytes
from gongkai.render.markdown import render_markdown
from tests.roundtrip import differing_cells

TEXTS = {
    "1": ["本年度，本机关认真落实《条例》要求。"],
    "5": ["存在的问题：解读形式单一。改进措施：丰富解读形式。"],
    "6": ["本年度未发出信息处理费收费通知，未收取信息处理费。"],
}


def _with_texts(spec: ReportSpec) -> ReportSpec:
    spec.texts = {k: list(v) for k, v in TEXTS.items()}
    return spec


def _read(data: bytes):
    return check_document(read_bytes(data, "report.md"))


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_roundtrip(format_id: str) -> None:
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(spec=report_specs(format_id, allow_blank=True))
    def run(spec: ReportSpec) -> None:
        data = render_markdown(_with_texts(spec))
        report = _read(data)
        wrong = differing_cells(spec, report)
        assert not wrong, f"{len(wrong)} cells differ, e.g. {dict(list(wrong.items())[:5])}\n{data.decode()}"
        assert (report.organization, report.year) == (spec.organization, spec.year)
        assert [s.canonical for s in report.sections] == [1, 2, 3, 4, 5, 6]
        # blank cells are reported as such (CELL-MISSING) and leave some identities unassessed; nothing else
        others = [f.code for f in report.findings if f.severity is not Severity.INFO and f.code != "CELL-MISSING"]
        assert not others, others

    run()


def test_tables_are_github_pipe_tables() -> None:
    spec = _with_texts(random_spec(random.Random(4), "2021"))
    lines = render_markdown(spec).decode().splitlines()
    tables: list[list[str]] = []
    previous = ""
    for line in lines:
        if line.startswith("|"):
            if not previous.startswith("|"):
                tables.append([])
            tables[-1].append(line)
        previous = line
    assert len(tables) == 3
    for table in tables:
        widths = [len(re.findall(r"(?<!\\)\|", row)) - 1 for row in table]
        assert re.fullmatch(r"\|(---\|)+", table[1]) and widths[1] == widths[0]
        assert max(widths) == widths[0], "a row wider than the header is cut off by GitHub"
    requests = "\n".join(tables[1])
    assert "勾稽关系" in requests and "申请人情况" in requests
    assert "| 三、本年度办理结果 |" in requests
    assert "| （三）不予公开 1.属于国家秘密 |" in requests


def test_headings_are_setext_and_prose_is_the_authors() -> None:
    spec = _with_texts(random_spec(random.Random(6), "2021"))
    text = render_markdown(spec).decode()
    assert text.startswith(f"# {spec.organization}{spec.year}年政府信息公开工作年度报告\n")
    assert "\n一、总体情况\n------\n" in text and "\n六、其他需要报告的事项\n------\n" in text
    assert TEXTS["5"][0] in text and TEXTS["6"][0] in text
    assert render_markdown(spec) == render_markdown(spec)


def test_no_invented_prose_and_a_leading_marker_stays_text() -> None:
    spec = random_spec(random.Random(2), "2021")
    spec.texts = {"1": ["# 不是标题"]}
    text = render_markdown(spec).decode()
    assert "\n\\# 不是标题\n" in text
    # sections 五 and 六 have no author text: only their headings
    assert text.split("五、存在的主要问题及改进情况\n------\n")[1].startswith("\n六、")
