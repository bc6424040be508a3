"""Table 三 from a generated register: equals a plain count over the generator's truth, identities hold, the
defective rows are listed (and only they), CSV (GB18030, UTF-8) and XLSX read the same."""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import pytest

from gongkai.examples.generate import random_spec
from gongkai.examples.registers import (
    GeneratedRegister,
    random_applications,
    write_csv,
    write_xlsx,
)
from gongkai.standard import get_format
from gongkai.tally import (
    REQUEST_FIELDS,
    REQUEST_REQUIRED,
    RegisterRow,
    classify_result,
    read_applications,
    tally_requests,
)
from gongkai.tally.register import register_from_rows

YEAR = 2024
COLS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
)
# what each deliberate defect must produce in the listed reason
DEFECT_WORDS = {
    "bad_received": "收到日期",
    "missing_received": "未填收到日期",
    "unknown_applicant": "申请人类型",
    "unknown_result": "办理结果",
    "group_only": "只写了大类",
    "reply_before_receipt": "早于收到日期",
    "closed_no_result": "未填办理结果",
    "result_no_close": "未填答复日期",
    "bad_closed": "答复日期",
}


@pytest.fixture(scope="module")
def generated() -> GeneratedRegister:
    return random_applications(random.Random(20240), YEAR, 3000, defect_rate=0.03)


@pytest.fixture(scope="module")
def gb_csv(generated, tmp_path_factory):
    p = tmp_path_factory.mktemp("reg") / "申请登记.csv"
    write_csv(generated, p, "gb18030")
    return p


@pytest.fixture(scope="module")
def xlsx(generated, tmp_path_factory):
    p = tmp_path_factory.mktemp("reg") / "申请登记.xlsx"
    write_xlsx(generated, p)
    return p


def expected_counts(reg: GeneratedRegister, year: int) -> dict[str, int]:
    """The table counted plainly from the truth, without any gongkai code."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    counts: dict[str, int] = {}

    def add(row: str, col: str) -> None:
        counts[f"requests.{row}.{col}"] = counts.get(f"requests.{row}.{col}", 0) + 1
        counts[f"requests.{row}.total"] = counts.get(f"requests.{row}.total", 0) + 1

    for t in reg.truth:
        if t.defect is not None:
            continue
        if t.received > end:
            continue
        if t.closed is not None and t.closed < start:
            continue
        if t.received >= start:
            add("received", t.group)
        else:
            add("carried_over", t.group)
        if t.closed is not None and t.closed <= end:
            add(t.outcome, t.group)
            add("total", t.group)
        if t.closed is None or t.closed > end:
            add("carried_forward", t.group)
    return counts


def _nonzero(values: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in values.items() if v}


def _identities_hold(values: dict[str, int], format_id: str) -> list[str]:
    broken = []
    for idn in get_format(format_id).identities:
        if idn.rule.startswith("requests.") and sum(values[c] for c in idn.lhs) != sum(values[c] for c in idn.rhs):
            broken.append(f"{idn.rule}:{idn.key}")
    return broken


def test_generated_register_is_varied(generated):
    truth = [t for t in generated.truth if t.defect is None]
    assert len(generated.truth) == 3000
    assert {t.group for t in truth} == set(COLS)
    fmt = get_format("2021")
    results = {r.id for r in fmt.request_rows if r.group is not None and r.id != "total"}
    closed_in_year = [t for t in truth if t.closed and t.closed.year == YEAR]
    assert {t.outcome for t in closed_in_year} == results
    assert any(t.received.year == YEAR - 1 and t.closed and t.closed.year == YEAR for t in truth)
    assert any(t.received.year == YEAR and (t.closed is None or t.closed.year > YEAR) for t in truth)
    assert {t.defect for t in generated.truth} - {None} == set(DEFECT_WORDS)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_tally_equals_independent_count(generated, gb_csv, xlsx, kind):
    path = gb_csv if kind == "csv" else xlsx
    result = tally_requests(read_applications(path), YEAR)
    fmt = get_format("2021")
    assert set(result.values) == set(fmt.cells_of("requests"))
    assert _nonzero(result.values) == expected_counts(generated, YEAR)
    assert not _identities_hold(result.values, "2021")
    assert result.values["requests.received.total"] > 1000 and result.values["requests.carried_over.total"] > 50


def test_defective_rows_listed_with_reasons(generated, xlsx):
    result = tally_requests(read_applications(xlsx), YEAR)
    defects = {t.line: t.defect for t in generated.truth if t.defect is not None}
    listed = {lo.line: lo.reason for lo in result.left_out}
    assert set(listed) == set(defects)  # every defective row, and no good one
    for line, defect in defects.items():
        assert DEFECT_WORDS[defect] in listed[line], (defect, listed[line])
    assert all(lo.ident for lo in result.left_out)
    assert result.counted + result.outside_year + len(result.left_out) == len(generated.truth)


def test_identities_hold_for_every_year_and_format(generated):
    reg = register_from_rows(generated.grid(), REQUEST_FIELDS, REQUEST_REQUIRED)
    for year in (YEAR - 1, YEAR, YEAR + 1):
        for format_id in ("2021", "2019"):
            result = tally_requests(reg, year, format_id)
            assert not _identities_hold(result.values, format_id), (year, format_id)
    r19, r21 = tally_requests(reg, YEAR, "2019"), tally_requests(reg, YEAR, "2021")
    for col in (*COLS, "total"):
        assert r19.values[f"requests.other_handling.{col}"] == sum(
            r21.values[f"requests.other.{x}.{col}"] for x in ("no_amendment", "fee_unpaid", "other")
        )


def test_checks_find_no_identity_error(generated):
    """The tallied table, rendered into a report and read back, passes the project's own checks."""
    from gongkai.checks import run_checks
    from gongkai.parsing import parse_text
    from gongkai.render.layouts import render_text

    reg = register_from_rows(generated.grid(), REQUEST_FIELDS, REQUEST_REQUIRED)
    values = tally_requests(reg, YEAR).values
    spec = random_spec(random.Random(7), "2021", allow_blank=False)
    spec = dataclasses.replace(spec, year=YEAR, values={**spec.values, **values})
    report = parse_text(render_text(spec, "pipe_rows", random.Random(1)))
    assert {k: report.gold_cells().get(k) for k in values} == values
    codes = {f.code for f in run_checks(report)}
    assert not {c for c in codes if c.startswith("IDN-")}


def _rows(*items: tuple) -> list[RegisterRow]:
    """(received, applicant, result, closed) tuples as register rows."""
    return [
        RegisterRow(i + 2, dict(zip(("received", "applicant", "result", "closed"), it))) for i, it in enumerate(items)
    ]


def test_year_boundaries():
    rows = _rows(
        ("2023-12-31", "公民", "予以公开", "2024-01-01"),  # carried over, closed in the year
        ("2023-12-20", "企业", "予以公开", "2023-12-31"),  # closed before the year: other year
        ("2024-12-31", "律师事务所", "部分公开", "2025-01-02"),  # received, carried forward
        ("2024-12-31", "个人", "", ""),  # received, open
        ("2025-01-01", "个人", "", ""),  # next year
        ("2023-06-01", "科研院所", "", ""),  # carried over and forward
        ("2024-01-01", "基金会", "重复申请", "2024-12-31"),
    )
    r = tally_requests(rows, YEAR)
    v = _nonzero(r.values)
    assert r.outside_year == 2 and r.counted == 5 and not r.left_out
    assert v["requests.carried_over.natural_person"] == 1 and v["requests.granted.natural_person"] == 1
    assert v["requests.received.legal_service_org"] == 1 and v["requests.carried_forward.legal_service_org"] == 1
    assert "requests.partially_granted.legal_service_org" not in v
    assert v["requests.carried_over.research_institution"] == 1
    assert v["requests.carried_forward.research_institution"] == 1
    assert v["requests.not_processed.duplicate.social_welfare_org"] == 1
    assert v["requests.carried_forward.total"] == 3 and v["requests.total.total"] == 2


def test_rows_left_out_are_not_counted():
    rows = _rows(
        ("2024-02-01", "公民", "予以公开", "2024-01-15"),
        ("2024/2/1", "神秘人", "予以公开", "2024/2/3"),
        ("2024年2月1日", "公民", "已处理", "2024年2月3日"),
        ("", "公民", "", ""),
        ("2024-02-01", "公民", "（六）其他处理", "2024-02-09"),
        ("1999-01-01", "公民", "", ""),
    )
    r = tally_requests(rows, YEAR)
    assert r.counted == 0 and r.outside_year == 0 and not any(r.values.values())
    assert [lo.line for lo in r.left_out] == [2, 3, 4, 5, 6, 7]
    assert "不合理" in r.left_out[-1].reason


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_every_official_result_label_is_recognised(format_id):
    fmt = get_format(format_id)
    groups = {g.id: g.label for g in fmt.request_groups}
    for row in fmt.request_rows:
        if row.group is None or row.id == "total":
            continue
        bare = row.label.split(".", 1)[-1] if row.label[0].isdigit() else row.label
        written = [row.label, bare, *row.aliases]
        if row.group in groups and row.group != "results":
            group = groups[row.group]
            written += [
                f"{group} {row.label}",
                f"{group}{row.label}",
                f"{group.split('）')[-1]}-{bare}",
                f"{group.split('）')[-1]}：{row.label}",
            ]
        for text in written:
            assert classify_result(text, format_id) == (row.id, ""), text


def test_ambiguous_results_are_not_guessed():
    for text in ("不予公开", "（四）无法提供", "不予处理", "（七）总计", "本年新收", "待定"):
        row, reason = classify_result(text)
        assert row is None and reason, text
    assert classify_result("其他处理")[0] is None
    assert classify_result("其他处理", "2019")[0] == "other_handling"
    assert classify_result("逾期不补正", "2019")[0] == "other_handling"
