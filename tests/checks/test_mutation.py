"""Mutation: in a valid report, changing any one stated cell of tables 三/四 must break an identity naming it."""

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.checks import run_checks

from tests.checks.helpers import make_report, valid_values


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    fmt=st.sampled_from(("2021", "2019")),
    pick=st.integers(0, 10**6),
    delta=st.integers(1, 5),
)
def test_any_single_change_is_caught(seed, fmt, pick, delta):
    values = valid_values(seed, fmt)
    assert not [f for f in run_checks(make_report(values, fmt=fmt)) if f.category == "identity_violation"]
    cid = sorted(values)[pick % len(values)]
    values[cid] += delta
    findings = run_checks(make_report(values, fmt=fmt))
    hits = [f for f in findings if f.category == "identity_violation" and f.assessable and cid in f.cell_ids]
    assert hits, f"changing {cid} by {delta} went unnoticed"
    assert all(f.evidence.difference not in (0, None) for f in hits)
