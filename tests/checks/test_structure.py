from gongkai.checks import run_checks
from gongkai.checks.plausibility import cannot_make_regulations
from gongkai.document import Position
from gongkai.model import Severity, TableInfo

from tests.checks.helpers import make_report, standard_sections, zeros

ALL = ("proactive", "requests", "appeals")


def _by_code(findings, code):
    return [f for f in findings if f.code == code]


def test_complete_zero_report_is_clean():
    report = make_report(zeros(tables=ALL))
    report.text = "\n".join(["x"] * 60 + ["本机关未收取信息处理费。"])
    report.sections[-1].end_line = 61
    assert [f.code for f in run_checks(report)] == []


def test_missing_table_and_section():
    report = make_report(zeros(tables=("proactive", "requests")))
    report.sections = [s for s in standard_sections() if s.canonical != 5]
    findings = run_checks(report)
    assert [f.message for f in _by_code(findings, "TABLE-MISSING")] and "行政复议" in _by_code(
        findings, "TABLE-MISSING"
    )[0].message
    assert _by_code(findings, "TABLE-MISSING")[0].severity is Severity.ERROR
    missing = _by_code(findings, "SECTION-MISSING")
    assert len(missing) == 1 and "五、存在的主要问题及改进情况" in missing[0].message


def test_truncated_document_reports_cut_off_not_missing():
    report = make_report(zeros(tables=("proactive",)), truncated=True, cut_at=Position(40, 3, 900))
    report.sections = standard_sections()[:3]
    findings = run_checks(report)
    assert not [f for f in findings if f.code in ("SECTION-MISSING", "TABLE-MISSING", "CELL-MISSING")]
    cut = _by_code(findings, "DOCUMENT-CUT-OFF")
    assert len(cut) == 1 and not cut[0].assessable and cut[0].severity is Severity.INFO
    assert "第40行" in cut[0].message and "四、政府信息公开行政复议、行政诉讼情况" in cut[0].message


def test_truncated_but_later_table_seen_reports_missing_heading():
    # corpus 043: the section 三 heading is absent, its table follows the section 二 table directly
    report = make_report(zeros(tables=("proactive", "requests")), truncated=True)
    report.sections = standard_sections()[:2]
    assert _by_code(run_checks(report), "SECTION-MISSING")


def test_numbering_appeals_section_printed_five():
    # seed 000: 一 二 三 五 五 六
    report = make_report(zeros(tables=ALL))
    report.sections = standard_sections(numbers=[1, 2, 3, 5, 5, 6])
    found = _by_code(run_checks(report), "SECTION-NUMBERING")
    assert len(found) == 1 and "行政复议" in found[0].message and "“五”" in found[0].message
    assert found[0].evidence.expected == 4 and found[0].evidence.stated == 5


def test_numbering_duplicate_and_skip_without_title_mismatch():
    report = make_report(zeros(tables=ALL))
    report.sections = standard_sections(numbers=[1, 2, 3, 5, 6], canonical=[1, 2, 3, 5, 6])
    report.sections[3].number_printed = 5
    found = _by_code(run_checks(report), "SECTION-NUMBERING")
    assert len(found) == 1 and "缺少序号“四”" in found[0].message


def test_empty_section_and_fee_statement():
    report = make_report(zeros(tables=ALL))
    report.sections[-1].content_chars = 0
    report.text = "\n".join(["x"] * 60)
    codes = [f.code for f in run_checks(report)]
    assert "SECTION-EMPTY" in codes and "FEE-STATEMENT-MISSING" in codes


def test_old_format_in_2023():
    values = zeros("2019", tables=("proactive",))
    report = make_report(values, fmt="2019", year=2023)
    report.tables["proactive"] = TableInfo("proactive", "2019", None, True)
    found = _by_code(run_checks(report), "OLD-FORMAT")
    assert len(found) == 1
    assert "本年新制作数量" in found[0].message and "政府集中采购" in found[0].message
    assert "本年增/减" in found[0].message


def test_2019_format_in_2020_is_fine():
    report = make_report(zeros("2019", tables=ALL), fmt="2019", year=2020)
    assert not _by_code(run_checks(report), "OLD-FORMAT")


def test_metadata_missing():
    findings = run_checks(make_report(zeros(tables=ALL), organization=None, year=None))
    found = _by_code(findings, "METADATA-MISSING")
    assert len(found) == 2 and all(f.severity is Severity.WARNING for f in found)
    found = _by_code(run_checks(make_report(zeros(tables=ALL), organization=None, truncated=True)), "METADATA-MISSING")
    assert [f.severity for f in found] == [Severity.INFO]


def test_regulations_for_bodies_without_rule_making_power():
    for org in (
        "武当路街办",
        "衡阳市衡东县杨林镇",
        "微山县两城镇人民政府",
        "区统计局",
        "武昌区城市运行管理中心",
        "广州市荔湾区人民政府南源街道办事处",
        "硚口区人民政府",
    ):
        assert cannot_make_regulations(org), org
    for org in ("淮安市人民政府", "广西壮族自治区人民政府", "某市住房和城乡建设局", "某省城镇化办公室"):
        assert not cannot_make_regulations(org), org
    values = zeros(tables=ALL)
    values["proactive.regulations.made"] = 2
    values["proactive.regulations.in_force"] = 2
    found = _by_code(run_checks(make_report(values, organization="武当路街办")), "IMPLAUSIBLE-REGULATIONS")
    assert len(found) == 1 and set(found[0].cell_ids) == {
        "proactive.regulations.made",
        "proactive.regulations.in_force",
    }
    assert not _by_code(run_checks(make_report(values, organization=None)), "IMPLAUSIBLE-REGULATIONS")
    assert not _by_code(run_checks(make_report(values, organization="淮安市人民政府")), "IMPLAUSIBLE-REGULATIONS")


def test_every_finding_code_is_registered():
    from gongkai.checks import RULES_BY_CODE
    from gongkai.model import CATEGORIES

    assert all(r.category in CATEGORIES and r.description for r in RULES_BY_CODE.values())
