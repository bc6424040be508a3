from gongkai.checks import run_checks
from gongkai.checks.identities import check_identities
from gongkai.checks import build_context
from gongkai.model import Severity

from tests.checks.helpers import UNREADABLE, make_report, valid_values, zeros


def _identity(findings):
    return [f for f in findings if f.category == "identity_violation"]


def test_valid_report_has_no_identity_findings():
    assert _identity(run_checks(make_report(valid_values(1)))) == []


def test_row_total_violation_has_expected_stated_difference_and_labels():
    values = zeros()
    values["requests.received.natural_person"] = 3
    values["requests.received.total"] = 2
    found = [f for f in run_checks(make_report(values)) if f.code == "IDN-ROW-TOTAL"]
    assert len(found) == 1
    f = found[0]
    assert f.severity is Severity.ERROR and f.assessable
    assert f.evidence.stated == 2 and f.evidence.expected == 3 and f.evidence.difference == -1
    assert "一、本年新收政府信息公开申请数量" in f.message
    assert "requests.received.natural_person" in f.cell_ids and "requests.received.total" in f.cell_ids
    assert all(c.position is not None for c in f.evidence.cells)


def test_one_finding_per_violated_column():
    values = zeros()
    values["requests.received.natural_person"] = 1  # breaks the balance (natural_person), row total of received
    values["requests.received.total"] = 1  # breaks the balance (total) but fixes the row
    codes = sorted(f.code + ":" + f.message.split("”")[0] for f in _identity(run_checks(make_report(values))))
    assert [c for c in codes if c.startswith("IDN-BALANCE")] == ["IDN-BALANCE:“总计", "IDN-BALANCE:“自然人"]
    assert not any(c.startswith("IDN-ROW-TOTAL") for c in codes)


def test_blank_cells_neither_pass_nor_fail():
    values = zeros()
    for cid in ("received.natural_person", "received.total", "total.natural_person", "total.total", "granted.total"):
        values[f"requests.{cid}"] = 1
    # a 2x2 block of blanks no identity can resolve; read as 0 it would break rows and columns
    for cid in (
        "granted.natural_person",
        "granted.commercial_enterprise",
        "partially_granted.natural_person",
        "partially_granted.commercial_enterprise",
    ):
        values[f"requests.{cid}"] = None
    report = make_report(values)
    ctx = build_context(report)
    assert not ctx.inferred
    findings = check_identities(report, ctx)
    assert not [f for f in findings if f.assessable]
    infos = [f for f in findings if not f.assessable]
    assert infos and all(f.severity is Severity.INFO and f.code == "NOT-ASSESSABLE" for f in infos)
    assert len({f.evidence.formula for f in infos}) == len(infos)  # one per family
    assert any("“（一）予以公开”行" in f.message for f in infos)
    assert any("“自然人”列" in f.message for f in infos)


def test_slash_is_not_zero():
    values = zeros()
    values["appeals.review.pending"] = "/"
    report = make_report(values)
    findings = run_checks(report)
    assert not [f for f in findings if f.category == "identity_violation" and f.assessable]
    assert any(f.code == "NOT-ASSESSABLE" and "行政复议" in f.message for f in findings)
    assert "appeals.review.pending" not in build_context(report).inferred


def test_unreadable_total_inferred_and_consistent_is_silent():
    values = valid_values(7)
    values["requests.total.total"] = UNREADABLE
    findings = run_checks(make_report(values))
    assert not _identity(findings)
    missing = [f for f in findings if f.category == "cell_missing"]
    assert len(missing) == 1 and "可由勾稽关系推出" in missing[0].message


def test_2019_format_single_other_handling_row():
    values = valid_values(3, "2019")
    assert "requests.other_handling.total" in values
    values["requests.other_handling.natural_person"] += 2
    report = make_report(values, fmt="2019", year=2020)
    found = _identity(run_checks(report))
    assert any(f.code == "IDN-RESULTS-TOTAL" and "requests.other_handling.natural_person" in f.cell_ids for f in found)
    assert any(f.code == "IDN-ROW-TOTAL" and "（六）其他处理" in f.message for f in found)


def test_appeals_group_total():
    values = zeros()
    values["appeals.litigation_direct.corrected"] = 1
    found = [f for f in run_checks(make_report(values)) if f.code == "IDN-APPEALS-TOTAL"]
    assert len(found) == 1 and "行政诉讼/未经复议直接起诉" in found[0].message
