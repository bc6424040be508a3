"""A value is placed in a column only when the placement is certain (issue 11): a row with more cells than
columns whose blank filler could stand on either side is read only when the document's other rows show on
which side it stands; otherwise its cells are reported missing with the row's raw text."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.examples.generate import random_spec
from gongkai.model import Meaning
from gongkai.parsing import parse_text
from gongkai.render.layouts import render_text
from gongkai.standard import get_format

F21 = get_format("2021")
BLANK7 = "|".join([""] * 7)


def _requests(rows: dict[str, str], proactive: str = "") -> str:
    """Section 三 (2021) as pipe rows; ``rows`` maps a row id to the cells printed after its label."""
    lines = [proactive, "三、收到和处理政府信息公开申请情况", "|申请人情况|", "|自然人|法人或其他组织|总计|"]
    for row in F21.request_rows:
        lines.append(f"|{row.label}|" + rows.get(row.id, "0|0|0|0|0|0|0|"))
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    return "\n".join(lines) + "\n"


def test_filler_on_either_side_without_evidence_is_not_placed() -> None:
    # "|label||||||||0||": eight cells for seven columns; the 0 is 总计 if the filler trails, 其他 if it leads
    text = _requests({"received": "||||||0||"})
    r = parse_text(text)
    assert not any(c.startswith("requests.received.") for c in r.cells)
    issue = next(i for i in r.issues if i.row == "received")
    assert issue.code == "row_long" and "无法确定" in issue.message and issue.raw == "□ □ □ □ □ □ 0 □"


def test_the_tables_own_rows_show_the_filler_side() -> None:
    text = _requests({"received": "||||||0||", "carried_over": "1||||||||", "granted": "2||||||2||"})
    r = parse_text(text)
    received = F21.request_row("received").cells
    assert r.cells[received[-1]].value == 0
    assert [r.cells[c].meaning for c in received[:-1]] == [Meaning.BLANK] * 6


def test_rows_that_disagree_leave_the_ambiguous_row_unplaced() -> None:
    text = _requests({"received": "||||||0||", "carried_over": "1||||||||", "granted": "|2||||||2|"})
    r = parse_text(text)
    assert not any(c.startswith("requests.received.") for c in r.cells)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**16),
    format_id=st.sampled_from(["2021", "2019"]),
    pick=st.integers(0, 10**6),
    layout=st.sampled_from(["pipe_rows", "markdown", "cell_per_line", "row_opener", "line_cells", "blank_line_cells"]),
)
def test_blanking_one_value_is_never_read_as_a_shifted_row(seed, format_id, pick, layout) -> None:
    spec = random_spec(random.Random(seed), format_id)
    text = render_text(spec, layout, random.Random(seed))
    before = parse_text(text)
    printed = sorted((c for c in before.cells.values() if c.raw), key=lambda c: c.id)
    target = printed[pick % len(printed)]
    pos = target.position
    assert text[pos.offset : pos.offset + pos.length] == target.raw
    after = parse_text(text[: pos.offset] + text[pos.offset + pos.length :])
    for cid, cell in after.cells.items():
        if cid == target.id:
            assert cell.meaning is Meaning.BLANK, (cid, cell.raw)
        else:
            assert cid in before.cells and cell.raw == before.cells[cid].raw, (cid, cell.raw)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**16),
    format_id=st.sampled_from(["2021", "2019"]),
    pick=st.integers(0, 10**6),
    style=st.sampled_from(["official", "plain"]),
)
def test_blanking_one_value_in_a_word_grid_is_never_read_as_a_shifted_row(seed, format_id, pick, style) -> None:
    from gongkai.parsing import parse_document
    from gongkai.readers.assemble import to_document
    from gongkai.readers.docx import read_docx
    from gongkai.render.docx import render_docx

    spec = random_spec(random.Random(seed), format_id, allow_blank=False)
    target = spec.format.cell_ids[pick % len(spec.format.cell_ids)]
    spec.values[target] = None
    data = render_docx(spec, random.Random(seed), style=style)
    report = parse_document(to_document(read_docx(data, "r.docx"), "r.docx"))
    for cid, cell in report.cells.items():
        expected = spec.values[cid]
        assert cell.gold_value() == expected, (cid, cell.raw, expected)
