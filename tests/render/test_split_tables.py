"""Tables split by group (issue 11 class 3): table 三 as one small table per result group (columns headed
数据1… or by their names again), table 四 as three tables, one per group. Rows are placed by their labels and
the groups of 四 by theirs; a group table missing a cell is reported, never shifted."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.examples.generate import random_spec
from gongkai.parsing import parse_text
from gongkai.render.layouts import render_text
from tests.roundtrip import differing_cells


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), format_id=st.sampled_from(["2021", "2019"]))
def test_split_tables_read_back_exactly(seed: int, format_id: str) -> None:
    spec = random_spec(random.Random(seed), format_id)
    text = render_text(spec, "split_tables", random.Random(seed))
    assert text.count("| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |") == 3
    assert not differing_cells(spec, parse_text(text))


def test_a_group_table_missing_a_cell_is_reported_not_shifted() -> None:
    spec = random_spec(random.Random(4), "2021", allow_blank=False)
    text = render_text(spec, "split_tables", random.Random(4))
    lines = text.split("\n")
    at = lines.index("未经复议直接起诉") + 3
    lines[at] = "| " + " | ".join(lines[at].strip("| ").split(" | ")[1:]) + " |"  # drop its first cell
    report = parse_text("\n".join(lines))
    assert not any(c.startswith("appeals.") for c in report.cells)
    assert any(i.row == "appeals" for i in report.issues)
