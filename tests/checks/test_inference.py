import copy

from gongkai.checks.inference import infer
from gongkai.standard import get_format

from tests.checks.helpers import UNREADABLE, make_report, valid_values, zeros

F21 = get_format("2021")


def test_single_blank_total_is_inferred():
    values = valid_values(11)
    expected = values["requests.received.total"]
    values["requests.received.total"] = None
    inferred = infer(make_report(values), F21)
    assert set(inferred) == {"requests.received.total"}
    inf = inferred["requests.received.total"]
    assert inf.value == expected and inf.rule in ("requests.row_total", "requests.balance")
    assert inf.because.startswith("由") and inf.because.endswith("推出")


def test_row_printed_short_is_inferred_from_column_identities():
    # seed 001: (一)予以公开 prints 6 zeros for 7 columns; the parser leaves the row absent.
    values = zeros()
    for cid in [c for c in values if c.startswith("requests.granted.")]:
        del values[cid]
    report = make_report(values)
    inferred = infer(report, F21)
    assert {c for c in inferred} == {f"requests.granted.{c}" for c, _ in F21.request_columns}
    assert all(i.value == 0 for i in inferred.values())


def test_inference_never_writes_cells():
    values = valid_values(5)
    values["requests.total.natural_person"] = None
    values["appeals.review.total"] = UNREADABLE
    report = make_report(values)
    before = copy.deepcopy(report.cells)
    inferred = infer(report, F21)
    assert {"requests.total.natural_person", "appeals.review.total"} <= set(inferred)
    assert report.cells == before and report.inferred == {}


def test_negative_or_inconsistent_result_is_not_inferred():
    values = zeros()
    values["requests.received.natural_person"] = 5
    values["requests.received.total"] = None  # row says 5 …
    values["requests.received.commercial_enterprise"] = 0
    values["requests.total.natural_person"] = 0  # … but balance for 总计 column: received.total = 0 + 0 - 0
    # every route to received.total gives a value; the first consistent non-negative one is used
    inferred = infer(make_report(values), F21)
    assert inferred["requests.received.total"].value in (0, 5)

    values = zeros()
    values["appeals.review.upheld"] = 3
    values["appeals.review.pending"] = None
    values["appeals.review.total"] = 1  # pending would be -2
    assert "appeals.review.pending" not in infer(make_report(values), F21)


def test_not_applicable_and_text_are_not_inferred_over():
    values = zeros()
    values["requests.received.total"] = "/"
    values["requests.carried_over.total"] = "约3"
    inferred = infer(make_report(values), F21)
    assert "requests.received.total" not in inferred and "requests.carried_over.total" not in inferred


def test_two_unknowns_in_every_identity_stay_unknown():
    values = zeros()
    values["requests.granted.natural_person"] = None
    values["requests.granted.total"] = None
    values["requests.total.natural_person"] = None
    values["requests.total.total"] = None
    values["requests.carried_forward.natural_person"] = None
    values["requests.carried_forward.total"] = None
    assert infer(make_report(values), F21) == {}


def test_cells_beyond_a_cut_are_not_inferred():
    values = valid_values(2)
    ordered = [c for c in F21.cells if c.startswith(("requests.", "appeals."))]
    cut = ordered.index("requests.withheld.enforcement_case_file.total")
    visible = {c: values[c] for c in ordered[:cut]}  # 7.属于行政执法案卷 shows 6 values, its 总计 is cut off
    report = make_report(visible, truncated=True)
    assert "requests.withheld.enforcement_case_file.total" not in infer(report, F21)
    report = make_report(visible, truncated=False)
    assert "requests.withheld.enforcement_case_file.total" in infer(report, F21)
