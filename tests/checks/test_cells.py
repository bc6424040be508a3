from gongkai.checks import run_checks
from gongkai.document import Position
from gongkai.model import ParseIssue, Severity
from gongkai.standard import get_format

from tests.checks.helpers import UNREADABLE, make_report, valid_values, zeros


def _codes(findings):
    return [f.code for f in findings]


def test_missing_cells_one_finding_per_row():
    values = zeros()
    values["requests.granted.natural_person"] = None
    values["requests.granted.other_org"] = UNREADABLE
    del values["requests.granted.total"]
    found = [f for f in run_checks(make_report(values)) if f.code == "CELL-MISSING"]
    assert len(found) == 1
    f = found[0]
    assert f.severity is Severity.WARNING and f.category == "cell_missing"
    assert set(f.cell_ids) == {
        "requests.granted.natural_person",
        "requests.granted.other_org",
        "requests.granted.total",
    }
    assert "（一）予以公开" in f.message and "空白" in f.message and "无法识别" in f.message


def test_not_applicable_is_not_missing():
    values = zeros()
    values["requests.granted.natural_person"] = "/"
    assert not [f for f in run_checks(make_report(values)) if f.category == "cell_missing"]


def test_inferred_missing_cells_say_so():
    values = zeros()
    values["requests.granted.total"] = None
    found = [f for f in run_checks(make_report(values)) if f.code == "CELL-MISSING"]
    assert len(found) == 1 and "可由勾稽关系推出为0" in found[0].message
    assert found[0].evidence.cells[0].inferred and found[0].evidence.cells[0].value == 0


def test_invalid_text_negative_fraction():
    values = zeros(tables=("proactive", "requests", "appeals"))
    values["proactive.licensing.decisions"] = "约300"
    values["proactive.penalty.decisions"] = -2
    values["proactive.coercion.decisions"] = 1.5
    values["proactive.fees.amount"] = 12.35  # decimal allowed
    found = run_checks(make_report(values))
    assert {f.code: f.cell_ids for f in found if f.category == "cell_invalid"} == {
        "CELL-INVALID-TEXT": ["proactive.licensing.decisions"],
        "CELL-NEGATIVE": ["proactive.penalty.decisions"],
        "CELL-FRACTION": ["proactive.coercion.decisions"],
    }
    assert any("行政许可" in f.message and "约300" in f.message for f in found)


def test_2019_items_change_may_be_negative():
    values = zeros("2019", tables=("proactive",))
    values["proactive.licensing.items_change"] = -35
    assert not [f for f in run_checks(make_report(values, fmt="2019", year=2019)) if f.category == "cell_invalid"]


def test_parse_issues_become_findings_without_double_reporting():
    values = zeros()
    row = [c for c in values if c.startswith("requests.granted.")]
    for c in row:
        del values[c]
    report = make_report(values)
    report.issues = [
        ParseIssue(
            "row_short",
            "6 values for 7 columns",
            row="granted",
            cells=row,
            position=Position(5, 1, 0),
            raw="0 0 0 0 0 0",
        ),
        ParseIssue("label_variant", "variant", row="normative_documents", raw="规范性文件"),
        ParseIssue("extra_column", "小计", raw="小计"),
    ]
    findings = run_checks(report)
    short = [f for f in findings if f.code == "ROW-SHORT"]
    assert len(short) == 1 and set(short[0].cell_ids) == set(row)
    assert "均可由勾稽关系推出为0" in short[0].message
    assert not [f for f in findings if f.code == "CELL-MISSING"]
    layout = {f.code: f.severity for f in findings if f.category == "table_layout"}
    assert layout == {"LABEL-VARIANT": Severity.INFO, "TABLE-LAYOUT": Severity.WARNING}


def test_cells_after_a_cut_are_not_missing():
    values = valid_values(4)
    ordered = [c for c in get_format("2021").cells if c in values]
    report = make_report({c: values[c] for c in ordered[:30]}, truncated=True)
    assert not [f for f in run_checks(report) if f.category == "cell_missing"]


def test_row_absent_in_a_table_whose_labels_our_reader_joined_does_not_blame_the_document():
    from gongkai.checks import run_checks
    from gongkai.model import ParseIssue
    from gongkai.reading import ReadingReport, Repair, TableReading
    from tests.checks.helpers import make_report, zeros

    values = {k: v for k, v in zeros().items() if ".partially_granted." not in k}
    cells = [k for k in zeros() if ".partially_granted." in k]
    for reading, blamed in (
        (None, True),
        (ReadingReport("pdf", [TableReading("requests", True, "lattice")]), True),
        (ReadingReport("pdf", [TableReading("requests", True, "stream", repairs=[Repair("labels_joined", 3)])]), False),
    ):
        report = make_report(values)
        report.reading = reading
        report.issues = [ParseIssue("row_absent", "未找到", row="partially_granted", cells=cells)]
        [f] = [f for f in run_checks(report) if f.code == "ROW-ABSENT"]
        assert f.message.startswith("表格中未找到标准行") is blamed
        assert ("可能是读取所致" in f.message) is not blamed
