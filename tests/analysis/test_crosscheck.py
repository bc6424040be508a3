"""Cross-report checks over ReportRecords built from generated specs (no database)."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.analysis.crosscheck import (
    carry_over_findings,
    count_value,
    duplicate_finding,
    late_publication_finding,
    rollup_findings,
    similarity,
)
from gongkai.analysis.prose import report_prose_hashes
from gongkai.analysis.records import ReportRecord
from gongkai.orgs.registry import OrgNode
from gongkai.checks.carry import carry_pairs
from gongkai.checks.common import RULES_BY_CODE
from gongkai.document import Position
from gongkai.spec import ReportSpec
from gongkai.standard.layout import request_layout
from gongkai.examples.generate import random_spec, report_specs
from gongkai.model import Severity
from gongkai.standard import get_format
from tests.analysis.test_prose import read_report, spec_with_texts


def record(
    spec: ReportSpec, *, parse_id: int = 1, org_id: int | None = 1, source: str | None = None, **overrides
) -> ReportRecord:
    fields = {
        "parse_id": parse_id,
        "document_sha256": f"{parse_id:064x}",
        "source": source or f"reports/{spec.organization}{spec.year}.pdf",
        "organization_id": org_id,
        "organization": spec.organization,
        "year": spec.year,
        "format": spec.format_id,
        "is_rollup": spec.is_rollup,
        "published": spec.published,
        "cells": dict(spec.values),
    }
    fields.update(overrides)
    return ReportRecord(**fields)


def compared_cells(format_id: str) -> list[str]:
    fmt = get_format(format_id)
    return fmt.cells_of("requests") + fmt.cells_of("appeals")


# ---------------------------------------------------------------------------------------------------- carry-over


def consecutive(seed: int, last_format: str = "2021", this_format: str = "2021") -> tuple[ReportSpec, ReportSpec]:
    """Last year's and this year's specs of one body whose carry-over matches (blank on one side, 0 on the other
    where this year's cell is blank: both mean 0)."""
    rng = random.Random(seed)
    this = random_spec(rng, this_format, year=2022 if this_format == "2021" else 2020, activity="busy")
    last = random_spec(rng, last_format, year=this.year - 1, activity="busy")
    last.organization = this.organization
    for pair in carry_pairs(this_format, last_format):
        v = this.values[pair.this_cell]
        last.values[pair.last_cell] = 0 if v is None else v
    return last, this


@pytest.mark.parametrize("formats", [("2021", "2021"), ("2019", "2021"), ("2019", "2019")])
def test_matching_carry_over_gives_nothing(formats: tuple[str, str]) -> None:
    for seed in range(5):
        last, this = consecutive(seed, *formats)
        assert carry_over_findings(record(this, parse_id=2), record(last)) == []


@pytest.mark.parametrize("formats", [("2021", "2021"), ("2019", "2021")])
def test_each_mutated_column_gives_exactly_its_finding(formats: tuple[str, str]) -> None:
    last, this = consecutive(7, *formats)
    last_rec = record(last, source="年报/2021/桐溪区城管局.pdf")
    for pair in carry_pairs(formats[1], formats[0]):
        cells = dict(this.values)
        cells[pair.this_cell] = count_value(cells[pair.this_cell]) + 3
        found = carry_over_findings(record(this, parse_id=2, cells=cells), last_rec)
        assert len(found) == 1, pair
        f = found[0]
        assert (f.code, f.category, f.severity) == ("CARRY-OVER-MISMATCH", "carry_over_mismatch", Severity.ERROR)
        assert f.cell_ids == [pair.this_cell, pair.last_cell]
        assert f.evidence.difference == 3 and f.evidence.stated - f.evidence.expected == 3
        assert pair.column_label in f.message and "年报/2021/桐溪区城管局.pdf" in f.message
        assert this.organization in f.message and f"{last.year}年度" in f.message
        assert "上年结转" in f.message and "结转下年度继续办理" in f.message


def test_carry_over_text_cell_is_not_assessable_and_positions_are_kept() -> None:
    last, this = consecutive(9)
    pair = carry_pairs("2021", "2021")[0]
    text_cells = dict(this.values, **{pair.this_cell: "约30"})
    assert carry_over_findings(record(this, parse_id=2, cells=text_cells), record(last)) == []
    na_last = dict(last.values, **{pair.last_cell: "n/a"})
    zero_this = dict(this.values, **{pair.this_cell: 0})
    assert carry_over_findings(record(this, parse_id=2, cells=zero_this), record(last, cells=na_last)) == []

    wrong = dict(this.values, **{pair.this_cell: 99})
    stored = {
        "line": 40,
        "column": 5,
        "offset": 1234,
        "length": 2,
        "page": 3,
        "bbox": [10.0, 20.0, 30.0, 40.0],
        "dom_path": None,
    }
    [f] = carry_over_findings(record(this, parse_id=2, cells=wrong, positions={pair.this_cell: stored}), record(last))
    assert f.evidence.cells[0].position == Position(40, 5, 1234, 2, 3, (10.0, 20.0, 30.0, 40.0), None, None)
    assert f.evidence.cells[0].raw == "99" and f.evidence.cells[1].position is None


# ---------------------------------------------------------------------------------------------------- roll-up


def rollup_case(member_specs: list[ReportSpec], seed: int = 0) -> tuple[ReportRecord, list[OrgNode], dict]:
    """A roll-up whose requests/appeals cells are exactly the sum of the members'."""
    fmt_id = member_specs[0].format_id
    rollup = random_spec(random.Random(seed), fmt_id, year=member_specs[0].year, body_kind="government")
    cells = dict(rollup.values)
    for cid in compared_cells(fmt_id):
        cells[cid] = sum(count_value(m.values[cid]) for m in member_specs)
    members = [OrgNode(100 + i, f"成员机关{i}", "department", parent_id=1) for i in range(len(member_specs))]
    reports = {
        node.id: record(
            spec, parse_id=10 + i, org_id=node.id, organization=node.name, source=f"members/{node.name}.pdf"
        )
        for i, (node, spec) in enumerate(zip(members, member_specs))
    }
    return record(rollup, is_rollup=True, cells=cells), members, reports


def members_of(seed: int, n: int = 4, fmt: str = "2021") -> list[ReportSpec]:
    rng = random.Random(seed)
    return [random_spec(rng, fmt, year=2023 if fmt == "2021" else 2020, activity="busy") for _ in range(n)]


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_rollup_exactly_the_sum_gives_nothing(fmt: str) -> None:
    rollup, members, reports = rollup_case(members_of(1, fmt=fmt))
    assert rollup_findings(rollup, members, reports) == []
    assert rollup_findings(rollup, [], {}) == []


def test_changed_member_cell_and_its_total_give_exactly_those_findings() -> None:
    specs = members_of(2)
    rollup, members, reports = rollup_case(specs)
    lay = request_layout(get_format("2021"))
    cell = f"requests.{lay.received}.{lay.applicant_columns[0]}"
    total = f"requests.{lay.received}.{lay.total_column}"
    m = reports[members[1].id]
    changed = dict(m.cells, **{cell: count_value(m.cells[cell]) + 5, total: count_value(m.cells[total]) + 5})
    reports[members[1].id] = record(
        specs[1], parse_id=11, org_id=members[1].id, organization=members[1].name, source=m.source, cells=changed
    )
    found = rollup_findings(rollup, members, reports)
    assert sorted(f.cell_ids[0] for f in found) == sorted([cell, total])
    for f in found:
        assert (f.code, f.severity) == ("ROLLUP-MISMATCH", Severity.ERROR)
        assert f.evidence.difference == -5 and "已汇总 4/4 个成员机关的报告" in f.message
        assert "members/成员机关1.pdf" in (f.evidence.text or "")
    assert "自然人" in next(f.message for f in found if f.cell_ids[0] == cell)


def test_missing_member_gives_incomplete_and_only_understated_cells() -> None:
    specs = members_of(3)
    rollup, members, reports = rollup_case(specs)
    del reports[members[2].id]
    found = rollup_findings(rollup, members, reports)
    assert [f.code for f in found] == ["ROLLUP-INCOMPLETE"]  # stated = full sum ≥ partial sum everywhere
    info = found[0]
    assert info.severity is Severity.INFO and info.category == "rollup_mismatch"
    assert "已汇总 3/4 个成员机关的报告" in info.message and members[2].name in info.message

    lay = request_layout(get_format("2021"))
    partial = {cid: sum(count_value(r.cells[cid]) for r in reports.values()) for cid in compared_cells("2021")}
    low = f"requests.{lay.carried_forward}.{lay.total_column}"
    high = f"requests.{lay.received}.{lay.total_column}"
    cells = dict(rollup.cells, **{low: partial[low] - 1, high: partial[high] + 1000})
    found = rollup_findings(
        record(random_spec(random.Random(0), "2021"), is_rollup=True, year=2023, cells=cells), members, reports
    )
    assert [f.code for f in found] == ["ROLLUP-INCOMPLETE", "ROLLUP-MISMATCH"]
    assert found[1].cell_ids[0] == low and "小于" in found[1].message and "已汇总 3/4" in found[1].message


def test_member_with_only_total_column_sums_correctly() -> None:
    specs = members_of(4)
    fmt = get_format("2021")
    lay = request_layout(fmt)
    applicant = {f"requests.{r.id}.{c}" for r in fmt.request_rows for c in lay.applicant_columns}
    specs[0].values.update({cid: None for cid in applicant})  # prints only the 总计 column
    rollup, members, reports = rollup_case(specs)
    assert rollup_findings(rollup, members, reports) == []


def test_text_cell_in_a_member_skips_that_cell_only() -> None:
    rollup, members, reports = rollup_case(members_of(5))
    cid = compared_cells("2021")[0]
    m = reports[members[0].id]
    reports[members[0].id] = record(
        random_spec(random.Random(1), "2021"), org_id=members[0].id, cells=dict(m.cells, **{cid: "若干"})
    )
    cells = dict(rollup.cells, **{cid: 12345})
    assert (
        rollup_findings(record(random_spec(random.Random(0), "2021"), cells=cells, is_rollup=True), members, reports)
        == []
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_property_rollup_sum_and_one_changed_cell(data: st.DataObject) -> None:
    fmt_id = data.draw(st.sampled_from(("2021", "2019")))
    specs = data.draw(st.lists(report_specs(fmt_id), min_size=1, max_size=4))
    rollup, members, reports = rollup_case(specs)
    assert rollup_findings(rollup, members, reports) == []
    who = data.draw(st.integers(0, len(members) - 1))
    cid = data.draw(st.sampled_from(compared_cells(fmt_id)))
    d = data.draw(st.integers(-50, 50).filter(bool))
    m = reports[members[who].id]
    reports[members[who].id] = dataclasses.replace(m, cells=dict(m.cells, **{cid: count_value(m.cells[cid]) + d}))
    found = rollup_findings(rollup, members, reports)
    assert [(f.code, f.cell_ids[0], f.evidence.difference) for f in found] == [("ROLLUP-MISMATCH", cid, -d)]


# ---------------------------------------------------------------------------------------------------- late


@pytest.mark.parametrize(
    "name,kind,level,deadline",
    [
        ("青禾市人民政府", "government", "city", date(2024, 3, 31)),
        ("青禾市桐溪区人民政府", "government", "district", date(2024, 3, 31)),
        ("青禾省人民政府", "government", "province", date(2024, 3, 31)),
        ("广西壮族自治区人民政府", "government", "province", date(2024, 3, 31)),
        ("青禾市松岭县人民政府", "government", "county", date(2024, 3, 31)),
        ("青禾市桐溪区城市运行管理中心", "department", None, date(2024, 1, 31)),
        ("青禾市桐溪区杏林街道办事处", "street", None, date(2024, 1, 31)),
        ("青禾市松岭县仙庵镇人民政府", "town", None, date(2024, 1, 31)),
    ],
)
@pytest.mark.parametrize("registered", [True, False])
def test_late_publication_at_the_deadline(
    name: str, kind: str, level: str | None, deadline: date, registered: bool
) -> None:
    spec = random_spec(random.Random(1), "2021", year=2023)
    body = {"body_kind": kind, "body_level": level} if registered else {}
    on_time = record(spec, organization=name, published=deadline, **body)
    assert late_publication_finding(on_time) is None
    late = record(spec, organization=name, published=deadline + timedelta(days=1), **body)
    f = late_publication_finding(late)
    assert f is not None and (f.code, f.severity) == ("LATE-PUBLICATION", Severity.WARNING)
    assert f.evidence.difference == 1 and f"{deadline.year}年{deadline.month}月{deadline.day}日" in f.message
    assert "逾期1天" in f.message and name in f.message
    assert late_publication_finding(record(spec, organization=name, published=None, **body)) is None
    assert late_publication_finding(record(spec, organization=name, year=None, published=date(2030, 1, 1))) is None


def test_registry_kind_wins_over_the_name() -> None:
    spec = random_spec(random.Random(1), "2021", year=2023)
    rec = record(spec, organization="青禾市人民政府", body_kind="department", published=date(2024, 2, 1))
    f = late_publication_finding(rec)
    assert f is not None and f.evidence.expected == "2024-01-31" and "第四十九条" in f.message


# ---------------------------------------------------------------------------------------------------- duplicates


def test_similarity_needs_twenty_hashes() -> None:
    small, big = frozenset(range(0, 76, 4)), frozenset(range(0, 400, 4))
    assert similarity(small, big) is None and similarity(big, small) is None
    assert similarity(big, big) == 1.0
    assert similarity(frozenset(range(0, 80, 4)), big) == 1.0  # contained in the other: min in the denominator


def test_duplicates_from_rendered_reports() -> None:
    first = spec_with_texts(21, year=2022)
    copied = spec_with_texts(22, {k: list(v) for k, v in first.texts.items()}, year=2023)
    sibling = spec_with_texts(23, year=2023)
    sibling_copy = spec_with_texts(24, {k: list(v) for k, v in sibling.texts.items()}, year=2023)
    prints = [report_prose_hashes(read_report(s)) for s in (first, copied, sibling, sibling_copy)]
    recs = [
        record(s, parse_id=i + 1, org_id=i + 1, prose=p, source=f"r{i}.html")
        for i, (s, p) in enumerate(zip((first, copied, sibling, sibling_copy), prints))
    ]

    f = duplicate_finding(recs[1], recs[0], "previous_year")
    assert f is not None and (f.code, f.severity) == ("DUPLICATE-CONTENT", Severity.WARNING)
    assert "r0.html" in f.message and "2022年度" in f.message and f.evidence.stated >= 0.8
    for this, other in ((recs[2], recs[3]), (recs[3], recs[2])):
        f = duplicate_finding(this, other, "sibling")
        assert f is not None and other.organization in f.message and other.source in f.message
    # different prose: nothing, whatever the relation
    assert duplicate_finding(recs[2], recs[1], "sibling") is None
    assert duplicate_finding(recs[1], recs[2], "previous_year") is None
    # too little prose to say anything
    assert duplicate_finding(record(first, prose=frozenset({4, 8})), recs[0], "previous_year") is None


def test_new_rules_are_registered() -> None:
    for code, category in (
        ("ROLLUP-MISMATCH", "rollup_mismatch"),
        ("ROLLUP-INCOMPLETE", "rollup_mismatch"),
        ("LATE-PUBLICATION", "late_publication"),
        ("DUPLICATE-CONTENT", "duplicate_content"),
        ("CARRY-OVER-MISMATCH", "carry_over_mismatch"),
    ):
        assert RULES_BY_CODE[code].category == category


def test_carry_over_refuses_years_that_are_not_consecutive() -> None:
    last, this = consecutive(9)
    with pytest.raises(ValueError):
        carry_over_findings(record(this, parse_id=2), record(last, year=this.year - 2))
