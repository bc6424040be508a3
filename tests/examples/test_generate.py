"""random_spec draws valid reports: every identity holds, values are in range, 规章 only for governments."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings

from gongkai.spec import NOT_APPLICABLE, ReportSpec, table_figure
from gongkai.examples.generate import identity_violations, random_spec, report_specs
from gongkai.standard import get_format


def _num(v) -> float:
    return v if isinstance(v, (int, float)) else 0


def _assert_identities(spec: ReportSpec) -> None:
    fmt = get_format(spec.format_id)
    for ident in fmt.identities:
        lhs = sum(_num(spec.values[c]) for c in ident.lhs)
        rhs = sum(_num(spec.values[c]) for c in ident.rhs)
        assert lhs == rhs, f"{ident.rule}/{ident.key}: {lhs} != {rhs}"


def _assert_domain(spec: ReportSpec) -> None:
    fmt = get_format(spec.format_id)
    assert list(spec.values) == fmt.cell_ids
    for cid, v in spec.values.items():
        cell = fmt.cells[cid]
        if v is None or v == NOT_APPLICABLE:
            continue
        if cell.decimal:
            assert isinstance(v, float) and v >= 0, cid
            assert -Decimal(str(v)).as_tuple().exponent <= 4, (cid, v)
        else:
            assert isinstance(v, int) and not isinstance(v, bool), (cid, v)
            assert v >= 0 or cell.signed, (cid, v)


def _assert_regulations_rule(spec: ReportSpec) -> None:
    if spec.body_kind == "government":
        return
    rules = next(r for r in get_format(spec.format_id).proactive_rows if r.id == "regulations")
    assert all(spec.values[c] in (0, NOT_APPLICABLE) for c in rules.cells), spec.organization


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_200_random_specs_are_valid(format_id: str) -> None:
    busy = quiet = 0
    for seed in range(200):
        spec = random_spec(random.Random(seed), format_id)
        assert spec.format_id == format_id
        _assert_identities(spec)
        _assert_domain(spec)
        _assert_regulations_rule(spec)
        assert not identity_violations(spec)
        received = table_figure(spec, "received") + table_figure(spec, "carried_over")
        busy += received >= 20
        quiet += received == 0
    # a mix of sparse and busy reports
    assert busy >= 20 and quiet >= 20


def test_specs_are_deterministic_for_a_seed() -> None:
    assert random_spec(random.Random(5)) == random_spec(random.Random(5))


def test_overrides_steer_the_draw() -> None:
    rng = random.Random(1)
    spec = random_spec(rng, body_kind="street", year=2022, activity="none", organization="某某街道办事处")
    assert (spec.body_kind, spec.year, spec.organization) == ("street", 2022, "某某街道办事处")
    assert all(_num(spec.values[c]) == 0 for c in get_format("2021").cells_of("requests"))
    _assert_identities(spec)


def test_allow_blank_false_has_no_blank_cells() -> None:
    for seed in range(100):
        assert not random_spec(random.Random(seed), allow_blank=False).has_blanks


def test_some_specs_have_blank_and_not_applicable_cells() -> None:
    specs = [random_spec(random.Random(seed)) for seed in range(200)]
    assert any(s.has_blanks for s in specs)
    assert any(NOT_APPLICABLE in s.values.values() for s in specs)


def test_fee_notices_cover_requests_dropped_for_unpaid_fees() -> None:
    fmt = get_format("2021")
    unpaid = [c for c in fmt.cells_of("requests") if ".fee_unpaid." in c and not c.endswith(".total")]
    for seed in range(100):
        spec = random_spec(random.Random(seed))
        assert spec.fee_notices >= sum(_num(spec.values[c]) for c in unpaid)


def test_narrative_overrides_change_only_the_stated_figure() -> None:
    spec = random_spec(random.Random(3), activity="busy")
    real = table_figure(spec, "received")
    spec.narrative_overrides["received"] = real + 5
    assert spec.figure("received") == real + 5
    assert table_figure(spec, "received") == real


@settings(max_examples=50, deadline=None)
@given(report_specs(format_id=None))
def test_hypothesis_strategy_draws_valid_specs(spec: ReportSpec) -> None:
    _assert_identities(spec)
    _assert_domain(spec)
    _assert_regulations_rule(spec)


@settings(max_examples=20, deadline=None)
@given(report_specs(allow_blank=False))
def test_hypothesis_strategy_respects_allow_blank(spec: ReportSpec) -> None:
    assert not spec.has_blanks


def test_only_city_and_higher_governments_draw_regulations():
    import random as _random

    from gongkai.examples.generate import random_spec as _random_spec

    for seed in range(300):
        spec = _random_spec(_random.Random(seed), "2021", body_kind="government")
        made = spec.values["proactive.regulations.made"]
        if spec.organization.endswith(("区人民政府", "县人民政府")):
            assert made in (0, None), (seed, spec.organization, made)
