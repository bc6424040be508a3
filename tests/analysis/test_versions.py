"""The version rule: same report vs different report, current version, order independence."""

import itertools
from datetime import date

from gongkai.analysis.versions import Candidate, choose, duplicate_findings, same_report

CELLS = {f"requests.r{i}.total": float(i) for i in range(40)}
PROSE = frozenset(range(100))


def cand(sha, cells=CELLS, prose=PROSE, published=None, decision=None, superseded_by=None):
    return Candidate(
        sha256=sha * 64 if len(sha) == 1 else sha,
        source=f"{sha}.txt",
        organization="桐溪区民政局",
        year=2023,
        published=published,
        cells=cells,
        prose=prose,
        decision=decision,
        superseded_by=superseded_by,
    )


def test_same_values_other_form_is_the_same_report():
    assert same_report(cand("a"), cand("b", prose=frozenset(range(10, 110))))


def test_one_changed_cell_of_forty_is_a_revision_but_three_are_another_report():
    one = dict(CELLS, **{"requests.r1.total": 99.0})
    three = dict(one, **{"requests.r2.total": 98.0, "requests.r3.total": 97.0})
    assert same_report(cand("a"), cand("b", cells=one))  # 39/40 = 97.5% ≥ 95%
    assert not same_report(cand("a"), cand("b", cells=three))  # 37/40 < 95%


def test_blank_and_na_are_different_values():
    a = {k: None for k in CELLS}
    b = {k: "n/a" for k in CELLS}
    assert not same_report(cand("a", cells=a), cand("b", cells=b))


def test_equal_tables_are_the_same_report_whatever_the_prose_but_a_revision_needs_similar_prose():
    other_prose = frozenset(range(500, 600))
    assert same_report(cand("a"), cand("b", prose=other_prose))
    one = dict(CELLS, **{"requests.r1.total": 99.0})
    assert not same_report(cand("a"), cand("b", cells=one, prose=other_prose))
    assert same_report(cand("a"), cand("b", cells=one, prose=frozenset(range(40, 140))))  # 60% similar


def test_current_is_latest_then_most_complete_then_smallest_sha():
    fewer = dict(list(CELLS.items())[:39])
    cs = [
        cand("a", published=date(2024, 1, 20)),
        cand("b", published=date(2024, 1, 25)),
        cand("c", cells=fewer, published=date(2024, 1, 25)),
    ]
    current = [v for v in choose(cs) if v.current]
    assert [v.sha256[0] for v in current] == ["b"] and "单元格最多" in current[0].reason
    cs = [cand("d"), cand("c")]
    assert [v.sha256[0] for v in choose(cs) if v.current] == ["c"]


def test_order_does_not_change_the_result():
    three = dict(CELLS, **{"requests.r1.total": 99.0, "requests.r2.total": 98.0, "requests.r3.total": 97.0})
    cs = [cand("a"), cand("b", published=date(2024, 1, 2)), cand("c", cells=three), cand("d", cells=three)]
    results = {tuple(choose(p)) for p in itertools.permutations(cs)}
    assert len(results) == 1


def test_two_different_reports_are_a_duplicate_until_one_is_withdrawn():
    three = dict(CELLS, **{"requests.r1.total": 99.0, "requests.r2.total": 98.0, "requests.r3.total": 97.0})
    cs = [cand("a"), cand("b", cells=three)]
    found = duplicate_findings(cs, choose(cs))
    assert sorted(sha[0] for sha, _ in found) == ["a", "b"]
    assert all(f.code == "DUPLICATE-REPORT" and f.severity.value == "error" for _, f in found)
    cs = [cand("a"), cand("b", cells=three, decision="withdrawn")]
    choices = choose(cs)
    assert duplicate_findings(cs, choices) == []
    assert [v.sha256[0] for v in choices if v.current] == ["a"]


def test_supersede_joins_the_group_and_is_never_current():
    three = dict(CELLS, **{"requests.r1.total": 99.0, "requests.r2.total": 98.0, "requests.r3.total": 97.0})
    cs = [cand("a", published=date(2025, 1, 1), decision="superseded", superseded_by="b" * 64), cand("b", cells=three)]
    choices = choose(cs)
    assert [v.sha256[0] for v in choices if v.current] == ["b"]
    assert len({v.group for v in choices}) == 1 and duplicate_findings(cs, choices) == []
