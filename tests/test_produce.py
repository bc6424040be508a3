"""Producing a report from a form: render (DOCX, HTML, Markdown, text, PDF) → read back with our own reader →
the same cells, organisation and year and no error findings; the checks before rendering (broken identity
refused without --force, statutory content flagged); carry-over from last year's report."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.commands.render import render
from gongkai.spec import ReportSpec
from gongkai.standard.layout import request_layout
from gongkai.examples.generate import random_spec, report_specs
from gongkai.forms.model import ReportForm, dump_form
from gongkai.model import Severity
from gongkai.pipeline import check_document
from gongkai.produce import carry_over, check_form, render_form
from gongkai.readers import read_bytes
from gongkai.readers.libreoffice import find_soffice
from gongkai.render.html import render_html_production
from gongkai.render.layouts import render_text
from tests.roundtrip import differing_cells

FEE = "本年度未发出信息处理费收费通知，未收取信息处理费。"
TEXTS = {
    "1": ["本年度，本机关认真贯彻落实《条例》，健全工作机制。", "（一）主动公开", "及时发布各类政府信息。"],
    "5": ["存在的主要问题：政策解读形式单一。", "改进措施：丰富图文解读形式。"],
    "6": [FEE, "本年度建议提案办理结果已按要求公开。"],
}


def form_of(spec: ReportSpec, texts: dict[str, list[str]] | None = None) -> ReportForm:
    return ReportForm(
        organization=spec.organization,
        year=spec.year,
        format_id=spec.format_id,
        published=spec.published,
        body_kind=spec.body_kind,
        is_rollup=spec.is_rollup,
        region=spec.region,
        texts={k: list(v) for k, v in (TEXTS if texts is None else texts).items()},
        values=dict(spec.values),
    )


def _assert_reads_back(form: ReportForm, data: bytes, name: str) -> None:
    report = check_document(read_bytes(data, name))
    wrong = differing_cells(form.to_spec(), report)
    assert not wrong, f"{name}: {len(wrong)} cells differ, e.g. {dict(list(wrong.items())[:5])}"
    assert (report.organization, report.year) == (form.organization, form.year)
    errors = [f.message for f in report.findings if f.severity is Severity.ERROR]
    assert not errors, errors
    assert not [f for f in report.findings if f.code in ("SECTION-EMPTY", "FEE-STATEMENT-MISSING", "SECTION-MISSING")]


# ---------------------------------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_roundtrip_every_target(format_id: str) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(spec=report_specs(format_id, allow_blank=True), seed=st.integers(0, 2**16))
    def run(spec: ReportSpec, seed: int) -> None:
        form = form_of(spec)
        for to in ("docx", "html", "md"):
            _assert_reads_back(form, render_form(form, to), f"report.{to}")
        # the text renderer (reader tests' layouts) prints the author's texts instead of generated prose
        text = render_text(form.to_spec(), "pipe_rows", random.Random(seed))
        assert TEXTS["5"][0] in text and FEE in text
        _assert_reads_back(form, text.encode("utf-8"), "report.txt")
        checked = check_form(form)
        assert not [f for f in checked.findings if f.severity is Severity.ERROR]

    run()


def test_production_is_official_and_deterministic() -> None:
    spec = random_spec(random.Random(11), "2021")
    form = form_of(spec, {"1": ["甲。"]})
    html = render_form(form, "html").decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html and "@media print" in html
    assert "rowspan=" in html and "colspan=" in html and "勾稽关系" in html and "单位：万元" in html
    # sections 五 and 六: no author text, no invented prose
    assert "<h2>五、存在的主要问题及改进情况</h2>\n<h2>六、其他需要报告的事项</h2>" in html
    assert render_form(form, "docx") == render_form(form, "docx")
    assert render_form(form, "html") == render_form(form, "html")


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_pdf_reads_back(tmp_path: Path) -> None:
    spec = random_spec(random.Random(21), "2021", activity="busy", allow_blank=False)
    form = form_of(spec)
    data = render_form(form, "pdf")
    assert data.startswith(b"%PDF-")
    _assert_reads_back(form, data, "report.pdf")


# ---------------------------------------------------------------------------------------------------- checks


def test_statutory_content_flagged() -> None:
    spec = random_spec(random.Random(5), "2021", allow_blank=False)
    report = check_form(form_of(spec, {"1": ["本年度工作情况。"], "6": ["本年度建议提案办理结果已按要求公开。"]}))
    codes = [f.code for f in report.findings]
    assert "FEE-STATEMENT-MISSING" in codes
    empty = [f for f in report.findings if f.code == "SECTION-EMPTY"]
    assert len(empty) == 1 and "第五部分" in empty[0].message and "表单中未填写" in empty[0].message
    assert not [f for f in report.findings if f.severity is Severity.ERROR]


def test_value_that_does_not_print_as_entered_is_an_error() -> None:
    spec = random_spec(random.Random(7), "2021", allow_blank=False)
    form = form_of(spec)
    form.values["proactive.fees.amount"] = 1.234567  # the report prints at most four decimals
    report = check_form(form)
    assert "RENDER-MISMATCH" in [f.code for f in report.findings if f.severity is Severity.ERROR]


def _broken(spec: ReportSpec) -> ReportForm:
    form = form_of(spec)
    cid = "requests.received.natural_person"
    form.values[cid] = (form.values[cid] or 0) + 3
    return form


def test_broken_identity_refused_without_force(tmp_path: Path) -> None:
    spec = random_spec(random.Random(9), "2021", allow_blank=False)
    path = tmp_path / "form.yaml"
    dump_form(_broken(spec), path)
    out = tmp_path / "报告.docx"
    result = CliRunner().invoke(render, [str(path), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert not out.exists()
    assert "IDN-BALANCE" in result.output and "IDN-ROW-TOTAL" in result.output and "--force" in result.output

    forced = CliRunner().invoke(render, [str(path), "-o", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "IDN-BALANCE" in forced.output and "已生成" in forced.output
    report = check_document(read_bytes(out.read_bytes(), "报告.docx"))
    assert "IDN-BALANCE" in [f.code for f in report.findings]  # rendered as entered, broken identity and all


def test_cli_target_from_suffix_and_warnings_do_not_block(tmp_path: Path) -> None:
    spec = random_spec(random.Random(10), "2021", allow_blank=False)
    path = tmp_path / "form.json"
    dump_form(form_of(spec, {"1": ["本年度工作情况。"]}), path)  # 五/六 empty: warnings only
    out = tmp_path / "report.md"
    result = CliRunner().invoke(render, [str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "SECTION-EMPTY" in result.output and "FEE-STATEMENT-MISSING" in result.output
    assert out.read_text("utf-8").startswith(f"# {spec.organization}")


def test_cli_unreadable_form(tmp_path: Path) -> None:
    bad = tmp_path / "form.yaml"
    bad.write_text("organization: 某局\nyear: 1900\n", "utf-8")
    result = CliRunner().invoke(render, [str(bad), "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 2 and "E-FORM" in result.output
    missing = CliRunner().invoke(render, [str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "r.docx")])
    assert missing.exit_code == 2 and "不存在" in missing.output


def test_cli_xlsx_form(tmp_path: Path) -> None:
    xlsx = pytest.importorskip("gongkai.forms.xlsx")
    spec = random_spec(random.Random(12), "2021", allow_blank=False)
    path = tmp_path / "form.xlsx"
    xlsx.write_xlsx_template(path, spec.year, "2021", form=form_of(spec))
    out = tmp_path / "report.html"
    result = CliRunner().invoke(render, [str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    _assert_reads_back(form_of(spec), out.read_bytes(), "report.html")


# ---------------------------------------------------------------------------------------------------- carry-over


def _last_year(this: ReportSpec, seed: int) -> ReportSpec:
    """Last year's report whose 结转下年度继续办理 equals this year's 上年结转 (identities kept)."""
    last = random_spec(random.Random(seed), this.format_id, year=this.year - 1, allow_blank=False)
    lay = request_layout(last.format)

    def row(r, c):
        return f"requests.{r}.{c}"

    for col in lay.applicant_columns:
        forward = this.number(row(lay.carried_over, col))
        closed = last.number(row(lay.results_total, col))
        over = last.number(row(lay.carried_over, col))
        received = closed + forward - over
        if received < 0:
            over, received = closed + forward, 0
        last.values.update(
            {row(lay.carried_forward, col): forward, row(lay.carried_over, col): over, row(lay.received, col): received}
        )
    for r in (lay.carried_forward, lay.carried_over, lay.received):
        last.values[row(r, lay.total_column)] = sum(last.number(row(r, c)) for c in lay.applicant_columns)
    return last


def _carried_ids(spec: ReportSpec) -> list[str]:
    lay = request_layout(spec.format)
    return [f"requests.{lay.carried_over}.{c}" for c in (*lay.applicant_columns, lay.total_column)]


def test_carry_over_prefills_empty_cells() -> None:
    this = random_spec(random.Random(31), "2021", year=2023, activity="busy", allow_blank=False)
    last = check_document(read_bytes(render_html_production(_last_year(this, 32)), "2022.html"))
    form = form_of(this)
    for cid in _carried_ids(this):
        form.values[cid] = None
    result = carry_over(form, last)
    assert not result.findings
    for cid in _carried_ids(this):
        assert result.form.values[cid] == this.values[cid] and result.form.origins[cid] == "last_year"
    assert set(result.filled) == set(_carried_ids(this))
    assert not [f for f in check_form(result.form).findings if f.severity is Severity.ERROR]


def test_cli_last_year_prefill_and_mismatch(tmp_path: Path) -> None:
    this = random_spec(random.Random(41), "2021", year=2024, activity="busy", allow_blank=False)
    last_path = tmp_path / "2023年报.docx"
    last_path.write_bytes(render_form(form_of(_last_year(this, 42)), "docx"))

    form = form_of(this)
    for cid in _carried_ids(this):
        form.values[cid] = None
    empty = tmp_path / "empty.yaml"
    dump_form(form, empty)
    ok = CliRunner().invoke(render, [str(empty), "-o", str(tmp_path / "a.html"), "--last-year", str(last_path)])
    assert ok.exit_code == 0, ok.output
    assert "已按上年报告填入" in ok.output
    report = check_document(read_bytes((tmp_path / "a.html").read_bytes(), "a.html"))
    assert not differing_cells(form_of(this).to_spec(), report)

    wrong = form_of(this)
    cid = _carried_ids(this)[0]
    wrong.values[cid] = this.number(cid) + 2
    wrong.values[_carried_ids(this)[-1]] = this.number(_carried_ids(this)[-1]) + 2
    wrong.values["requests.received.natural_person"] = this.number("requests.received.natural_person") - 2
    wrong.values["requests.received.total"] = this.number("requests.received.total") - 2
    if wrong.values["requests.received.natural_person"] < 0:
        pytest.skip("drawn spec has too few new requests to shift")
    bad = tmp_path / "wrong.yaml"
    dump_form(wrong, bad)
    refused = CliRunner().invoke(render, [str(bad), "-o", str(tmp_path / "b.html"), "--last-year", str(last_path)])
    assert refused.exit_code == 1, refused.output
    assert refused.output.count("CARRY-OVER-MISMATCH") == 2  # 自然人 and 总计
    assert "IDN-" not in refused.output  # the form itself is consistent: only the carry-over is wrong
    assert f"{this.number(cid) + 2}" in refused.output and "2023年度报告" in refused.output
    forced = CliRunner().invoke(
        render, [str(bad), "-o", str(tmp_path / "b.html"), "--last-year", str(last_path), "--force"]
    )
    assert forced.exit_code == 0 and (tmp_path / "b.html").exists()


def test_pdf_without_libreoffice_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import gongkai.readers.libreoffice as lo
    from gongkai.errors import MissingDependency

    monkeypatch.setattr(lo, "find_soffice", lambda: None)
    form = form_of(random_spec(random.Random(13), "2021"))
    with pytest.raises(MissingDependency, match="LibreOffice"):
        render_form(form, "pdf")


def test_reader_test_renderers_use_author_texts_too() -> None:
    from gongkai.render.docx import render_docx
    from gongkai.render.html import render_html

    spec = form_of(random_spec(random.Random(14), "2021")).to_spec()
    for data in (
        render_html(spec, random.Random(1), style="word", encoding="utf-8"),
        render_docx(spec, random.Random(1), style="plain"),
    ):
        text = read_bytes(data, "r.docx" if data[:2] == b"PK" else "r.html").text
        assert TEXTS["5"][1] in text and FEE in text
