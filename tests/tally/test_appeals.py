"""Table 四 from a generated register of 复议/诉讼 cases: equals a plain count over the truth; defects listed."""

from __future__ import annotations

import random

import pytest

from gongkai.examples.registers import random_appeals, write_csv, write_xlsx
from gongkai.standard import get_format
from gongkai.tally import RegisterRow, read_appeals, tally_appeals
from gongkai.tally.appeals import classify_kind, classify_outcome

YEAR = 2024
DEFECT_WORDS = {
    "bad_received": "收到日期",
    "unknown_kind": "案件类型",
    "bare_litigation": "案件类型",
    "unknown_outcome": "审结结果",
    "closed_before_received": "早于收到日期",
    "pending_with_close": "尚未审结",
}


def expected(truth, year):
    counts = {}
    for t in truth:
        if t.defect is not None or t.received.year != year:
            continue
        col = t.outcome if t.closed is not None and t.closed.year == year else "pending"
        for key in (f"appeals.{t.group}.{col}", f"appeals.{t.group}.total"):
            counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_tally_equals_independent_count(tmp_path, kind):
    reg = random_appeals(random.Random(11), YEAR, 600, defect_rate=0.05)
    path = tmp_path / f"cases.{kind}"
    (write_csv(reg, path, "gb18030") if kind == "csv" else write_xlsx(reg, path))
    result = tally_appeals(read_appeals(path), YEAR)
    assert set(result.values) == set(get_format("2021").appeals_cell_ids)
    assert {k: v for k, v in result.values.items() if v} == expected(reg.truth, YEAR)
    for idn in get_format("2021").identities:
        if idn.rule.startswith("appeals."):
            assert sum(result.values[c] for c in idn.lhs) == sum(result.values[c] for c in idn.rhs)
    defects = {t.line: t.defect for t in reg.truth if t.defect}
    listed = {lo.line: lo.reason for lo in result.left_out}
    assert set(listed) == set(defects) and len(defects) > 10
    for line, d in defects.items():
        assert DEFECT_WORDS[d] in listed[line], (d, listed[line])
    assert all(
        result.values[f"appeals.{g}.{c}"]
        for g in ("review", "litigation_direct", "litigation_after_review")
        for c in ("upheld", "pending", "total")
    )


def test_case_rules():
    rows = [
        RegisterRow(i + 2, dict(zip(("kind", "received", "result", "closed"), r)))
        for i, r in enumerate(
            [
                ("行政复议", "2024-03-01", "维持", "2024-05-01"),
                (
                    "行政诉讼（未经复议直接起诉）",
                    "2024-11-01",
                    "纠正",
                    "2025-02-01",
                ),  # concluded after the year: pending
                ("复议后起诉", "2024-12-01", "", ""),
                ("行政复议", "2023-12-01", "其他", "2024-01-05"),  # received the year before: not this year's case
                ("行政诉讼", "2024-03-01", "维持", "2024-05-01"),  # which kind of litigation?
                ("行政复议", "2024-03-01", "维持", ""),  # outcome without a closing date
            ]
        )
    ]
    r = tally_appeals(rows, YEAR)
    v = {k: n for k, n in r.values.items() if n}
    assert v == {
        "appeals.review.upheld": 1,
        "appeals.review.total": 1,
        "appeals.litigation_direct.pending": 1,
        "appeals.litigation_direct.total": 1,
        "appeals.litigation_after_review.pending": 1,
        "appeals.litigation_after_review.total": 1,
    }
    assert r.outside_year == 1 and [lo.line for lo in r.left_out] == [6, 7]


def test_without_closing_date_column_outcomes_are_taken_as_written(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("案件类型,立案日期,审结结果\n复议,2024-02-01,撤销\n直接起诉,2024-03-01,\n", "utf-8-sig")
    r = tally_appeals(read_appeals(p), YEAR)
    assert r.values["appeals.review.corrected"] == 1 and r.values["appeals.litigation_direct.pending"] == 1
    assert not r.left_out


def test_vocabulary():
    assert classify_kind("行政诉讼(复议后起诉)") == "litigation_after_review"
    assert classify_kind("行政诉讼-未经复议直接起诉") == "litigation_direct"
    assert classify_kind("行政诉讼") is None
    assert classify_outcome("") == "pending" and classify_outcome("结果纠正") == "corrected"
    assert classify_outcome("驳回") is None
