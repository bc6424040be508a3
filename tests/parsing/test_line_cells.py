"""One cell per line where a blank line stands for an empty cell (portal pages copied as text, issue 11 class 4).

The blank lines fix every position only when every row of the table shows that shape; a table whose empty
cells were dropped (not left as blank lines) is never read by position.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.examples.generate import random_spec
from gongkai.model import Meaning
from gongkai.parsing import parse_text
from gongkai.render.layouts import render_text
from gongkai.standard import get_format
from tests.roundtrip import differing_cells

F21 = get_format("2021")


def _dense_requests(rows: dict[str, list[str]]) -> str:
    """Section 三 of the 2021 format as one cell per line; ``rows`` maps a row id to its printed cells."""
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "总计",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    labels = {g.id: g.label for g in F21.request_groups}
    seen: set[str] = set()
    for row in F21.request_rows:
        for g in F21.group_chain(row.group):
            if g.id not in seen:
                seen.add(g.id)
                lines.append(labels[g.id])
        lines.append(row.label)
        lines.extend(rows.get(row.id, ["0"] * len(row.cells)))
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    return "\n".join(lines) + "\n"


def test_only_the_total_printed_is_placed_by_the_blank_lines() -> None:
    text = _dense_requests({"received": ["", "", "", "", "", "", "3"], "carried_over": ["1", "", "", "", "", "", "1"]})
    r = parse_text(text)
    received = F21.request_row("received").cells
    for cid in received[:-1]:
        assert r.cells[cid].meaning is Meaning.BLANK, cid
    assert r.cells[received[-1]].value == 3
    pos = r.cells[received[-1]].position
    assert r.text.splitlines()[pos.line - 1] == "3"
    carried = F21.request_row("carried_over").cells
    assert r.cells[carried[0]].value == 1 and r.cells[carried[-1]].value == 1
    assert [r.cells[c].meaning for c in carried[1:-1]] == [Meaning.BLANK] * 5
    assert not [i for i in r.issues if i.code == "row_short"]


def test_a_row_with_dropped_cells_makes_the_blank_lines_meaningless() -> None:
    # the same table, but one row lost its empty cells instead of keeping them as blank lines: no row of the
    # table is read by position, and the short rows are reported with their raw text
    text = _dense_requests({"received": ["", "", "", "", "", "", "3"], "carried_over": ["1", "1"]})
    r = parse_text(text)
    assert not any(c.startswith(("requests.received.", "requests.carried_over.")) for c in r.cells)
    short = {i.row: i for i in r.issues if i.code == "row_short"}
    assert set(short) == {"received", "carried_over"}
    assert short["carried_over"].raw == "1 1"


def test_collapsed_blank_cells_like_a_copied_page_are_reported_not_placed() -> None:
    # every cell followed by a blank line, and the empty cells dropped altogether (as in some copied pages)
    spec = random_spec(random.Random(7), "2021", allow_blank=False)
    row = F21.request_row("received")
    for cid in row.cells[:-1]:
        spec.values[cid] = None
    spec.values[row.cells[-1]] = 2
    text = render_text(spec, "blank_line_cells", random.Random(7))
    lines = text.split("\n")
    at = lines.index(row.label)
    block = lines[at : at + 2 + 2 * 6 + 2]
    collapsed = [row.label, "", "2", ""]
    text = "\n".join(lines[:at] + collapsed + lines[at + len(block) :])
    r = parse_text(text)
    assert not any(c.startswith("requests.received.") for c in r.cells)
    assert any(i.code == "row_short" and i.row == "received" for i in r.issues)


def _blanked(seed: int, format_id: str, mask: list[bool]) -> object:
    spec = random_spec(random.Random(seed), format_id, allow_blank=False)
    for cid, blank in zip(spec.format.cell_ids, mask):
        if blank:
            spec.values[cid] = None
    return spec


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**16),
    format_id=st.sampled_from(["2021", "2019"]),
    layout=st.sampled_from(["line_cells", "blank_line_cells"]),
    mask=st.lists(st.booleans(), min_size=250, max_size=250),
    rate=st.sampled_from([0.1, 0.5, 0.9]),
)
def test_blank_cells_anywhere_read_back_exactly(seed, format_id, layout, mask, rate) -> None:
    rng = random.Random(seed)
    mask = [m and rng.random() < rate for m in mask]
    spec = _blanked(seed, format_id, mask)
    text = render_text(spec, layout, random.Random(seed))
    wrong = differing_cells(spec, parse_text(text))
    assert not wrong, f"{layout}: {len(wrong)} cells differ, e.g. {dict(list(wrong.items())[:5])}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), format_id=st.sampled_from(["2021", "2019"]), pick=st.integers(0, 10**6))
def test_a_lost_blank_line_is_never_read_as_a_shifted_row(seed, format_id, pick) -> None:
    # delete one blank line standing for an empty cell: every cell read is still the spec's, the row is missing
    spec = _blanked(seed, format_id, [i % 3 == 0 for i in range(200)])
    text = render_text(spec, "line_cells", random.Random(seed))
    lines = text.split("\n")
    body = next(i for i, ln in enumerate(lines) if ln.startswith("二、"))
    blanks = [i for i, ln in enumerate(lines) if i > body and not ln.strip() and i < len(lines) - 1]
    del lines[blanks[pick % len(blanks)]]
    report = parse_text("\n".join(lines))
    wrong = {k: v for k, v in differing_cells(spec, report).items() if v[1] != "<missing>"}
    assert not wrong, wrong
    assert any(v[1] == "<missing>" for v in differing_cells(spec, report).values())


def test_table_four_all_blank_lines_reads_blank() -> None:
    spec = _blanked(11, "2021", [cid.startswith("appeals.") for cid in F21.cell_ids])
    report = parse_text(render_text(spec, "line_cells", random.Random(11)))
    assert all(report.cells[c].meaning is Meaning.BLANK for c in F21.appeals_cell_ids)
