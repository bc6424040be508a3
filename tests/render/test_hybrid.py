"""Hybrid table 二 (issue 11 class 2): （一） in the 2019 columns, （五）（六）（八） in the 2021 shape. Each block is
read by its own column header: the printed 行政许可/行政处罚/行政强制 numbers land in 处理决定数量, the fee in
收费金额, and no 2019 column of those blocks is stated."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.examples.generate import random_spec
from gongkai.parsing import parse_text
from gongkai.render.hybrid import hybrid_proactive_values
from gongkai.render.layouts import BLANK_CAPABLE, LAYOUTS, render_text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), layout=st.sampled_from(LAYOUTS))
def test_hybrid_table_two_reads_back_exactly(seed: int, layout: str) -> None:
    spec = random_spec(random.Random(seed), "2019", allow_blank=layout in BLANK_CAPABLE)
    text = render_text(spec, layout, random.Random(seed), hybrid_proactive=True)
    report = parse_text(text)
    expected = hybrid_proactive_values(spec)
    got = {cid: c.gold_value() for cid, c in report.cells.items() if cid.startswith("proactive.")}
    assert got == expected, f"{layout}\n{text}"
    assert report.tables["proactive"].variant == "mixed"
    others = {c: spec.values[c] for c in spec.format.cell_ids if not c.startswith("proactive.")}
    gold = report.gold_cells()
    assert {c: gold.get(c, "<missing>") for c in others} == others


def test_the_hybrid_prints_the_2021_headers() -> None:
    spec = random_spec(random.Random(1), "2019", allow_blank=False)
    text = render_text(spec, "pipe_rows", hybrid_proactive=True)
    assert "本年新制作数量" in text and "处理决定数量" in text and "本年度收费金额（单位：万元）" in text
    assert "上一年项目数量" not in text and "政府集中采购" not in text


def test_only_a_2019_spec_makes_a_hybrid() -> None:
    with pytest.raises(ValueError):
        render_text(random_spec(random.Random(1), "2021"), "pipe_rows", hybrid_proactive=True)
