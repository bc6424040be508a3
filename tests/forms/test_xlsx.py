"""The XLSX fill-in file: layout, the ``_cells`` map, reading filled files back (formulas computed by us,
saved results kept, typed-over totals as stated), errors, and the ``gongkai template`` command."""

from __future__ import annotations

import random
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from gongkai.spec import ReportSpec
from gongkai.examples.generate import random_spec
from gongkai.forms import ReportForm, load_form
from gongkai.errors import FormError
from gongkai.forms.xlsx import (
    CELLS_SHEET,
    META_SHEET,
    TABLE_SHEETS,
    TEXT_SHEET,
    write_xlsx_template,
)
from gongkai.forms.xlsx_read import _parse_sum, read_xlsx, read_xlsx_form
from gongkai.forms.yaml_template import sum_definitions
from gongkai.standard import get_format

FORMATS = ("2021", "2019")


def _cells_map(wb) -> dict[str, tuple[str, str, str]]:
    out = {}
    for key, address, kind, *_ in wb[CELLS_SHEET].iter_rows(min_row=2, values_only=True):
        assert key not in out, f"{key} appears twice in _cells"
        sheet, ref = address.rsplit("!", 1)
        out[key] = (sheet, ref, kind)
    return out


def _fill(
    template: Path,
    out: Path,
    values: dict,
    *,
    totals_too: bool = False,
    meta: dict | None = None,
    texts: dict | None = None,
) -> None:
    """Type values into the input cells of a template with openpyxl, as a user would."""
    wb = openpyxl.load_workbook(template)
    cells = _cells_map(wb)
    for cid, v in values.items():
        sheet, ref, kind = cells[cid]
        if kind == "formula" and not totals_too:
            continue
        wb[sheet][ref].value = "/" if v == "n/a" else v
    for key, v in (meta or {}).items():
        sheet, ref, _ = cells[f"meta.{key}"]
        wb[sheet][ref].value = v
    for key, paras in (texts or {}).items():
        sheet, ref, _ = cells[f"text.{key}"]
        wb[sheet][ref].value = "\n".join(paras)
    wb.save(out)


def _expected(spec: ReportSpec) -> dict:
    """What the filled file must read as: the spec's values; a total shows what its formula shows — the
    spec's value (a valid spec's totals add up), except that it is blank when none of its cells holds a
    number and 0 (not blank) when one does: a formula cannot tell a blank total from a zero one."""
    sums = sum_definitions(spec.format)

    def value(cid):
        v = spec.values[cid]
        if cid in sums:
            parts = [value(d) for d in sums[cid]]
            if not any(isinstance(p, (int, float)) for p in parts):
                return None
            return v if v is not None else 0
        return v

    return {cid: value(cid) for cid in spec.format.cell_ids}


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("templates")
    return {f: write_xlsx_template(root / f"t{f}.xlsx", 2024 if f == "2021" else 2020, f) for f in FORMATS}


# ---------------------------------------------------------------------------------------------------- layout


@pytest.mark.parametrize("format_id", FORMATS)
def test_every_cell_id_once_at_an_input_or_formula_cell(templates, format_id):
    wb = openpyxl.load_workbook(templates[format_id])
    assert wb[CELLS_SHEET].sheet_state == "hidden"
    assert set(wb.sheetnames) >= {META_SHEET, TEXT_SHEET, *TABLE_SHEETS.values(), CELLS_SHEET}
    cells = _cells_map(wb)
    fmt = get_format(format_id)
    assert set(fmt.cell_ids) <= set(cells)
    addresses = [(s, r) for k, (s, r, _) in cells.items()]
    assert len(addresses) == len(set(addresses)), "two keys share an address"
    sums = sum_definitions(fmt)
    for cid in fmt.cell_ids:
        sheet, ref, kind = cells[cid]
        cell = wb[sheet][ref]
        if cid in sums:
            assert kind == "formula" and str(cell.value).startswith("="), cid
            assert cell.protection.locked, cid
        else:
            assert kind == "input" and cell.value == 0 and not cell.protection.locked, cid
            assert cell.fill.fgColor.rgb.endswith("FFF2CC"), cid  # shaded
    unfilled = read_xlsx_form(templates[format_id])  # inputs start at 0, so the totals show 0
    assert unfilled.values == {cid: 0 for cid in fmt.cell_ids} and unfilled.organization == ""
    for name in TABLE_SHEETS.values():
        assert wb[name].protection.sheet
        label = wb[name]["A4"]
        assert label.value and label.protection.locked


def _merged(ws) -> dict[str, tuple[int, int]]:
    """Merged ranges by the text of their origin: (rows, columns) spanned."""
    out = {}
    for rng in ws.merged_cells.ranges:
        text = ws.cell(rng.min_row, rng.min_col).value
        out[text] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
    return out


@pytest.mark.parametrize("format_id", FORMATS)
def test_official_merges_note_and_units(templates, format_id):
    wb = openpyxl.load_workbook(templates[format_id])
    fmt = get_format(format_id)
    requests = _merged(wb[TABLE_SHEETS["requests"]])
    assert requests["申请人情况"] == (1, 7)
    assert requests["法人或其他组织"] == (1, 5)
    assert requests[fmt.request_note] == (3, 3)  # the 勾稽 note over the label columns and header rows
    assert requests["三、本年度办理结果"][0] == len(fmt.request_rows) - 3
    assert requests["（三）不予公开"] == (8, 1)
    assert requests["自然人"] == (2, 1) and requests["总计"] == (2, 1)
    appeals = _merged(wb[TABLE_SHEETS["appeals"]])
    assert appeals["行政复议"] == (1, 5) and appeals["行政诉讼"] == (1, 10)
    assert appeals["未经复议直接起诉"] == (1, 5) and appeals["复议后起诉"] == (1, 5)
    ws = wb[TABLE_SHEETS["requests"]]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert "单位：件" in texts
    assert any(t.startswith("勾稽关系：") for t in texts)
    assert any(t.startswith("勾稽检查") for t in texts)
    assert len(ws.conditional_formatting) > 0
    if format_id == "2021":
        proactive = [str(c.value) for row in wb[TABLE_SHEETS["proactive"]].iter_rows() for c in row if c.value]
        assert "金额单位：万元" in proactive
    meta = wb[META_SHEET]
    lists = [dv.formula1 for dv in meta.data_validations.dataValidation if dv.type == "list"]
    assert any("街道办事处" in f for f in lists)
    texts = [str(c.value) for row in wb[TEXT_SHEET].iter_rows() for c in row if c.value]
    assert any("信息处理费" in t for t in texts)
    assert any(t.startswith("六、其他需要报告的事项") for t in texts)


def test_formulas_sum_the_right_cells(templates):
    """The formula of each total references exactly the cells it sums (via the addresses in _cells)."""
    wb = openpyxl.load_workbook(templates["2021"])
    cells = _cells_map(wb)
    fmt = get_format("2021")
    for cid, deps in sum_definitions(fmt).items():
        sheet, ref, _ = cells[cid]
        refs, blank_aware = _parse_sum(wb[sheet][ref].value, sheet)
        covered = set()
        for s, (r1, c1), (r2, c2) in refs:
            covered |= {(s, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        wanted = set()
        for d in deps:
            s, a1_ref, _ = cells[d]
            col = openpyxl.utils.column_index_from_string(re.match(r"[A-Z]+", a1_ref).group()) - 1
            wanted.add((s, int(re.search(r"\d+", a1_ref).group()) - 1, col))
        assert covered == wanted and blank_aware, cid


# ---------------------------------------------------------------------------------------------------- reading


@pytest.mark.parametrize("format_id", FORMATS)
@pytest.mark.parametrize("seed", range(8))
def test_filled_template_reads_back_the_spec(templates, tmp_path, format_id, seed):
    spec = random_spec(random.Random(seed * 7 + 1), format_id)
    out = tmp_path / "filled.xlsx"
    texts = {"1": ["第一段。", "（一）主动公开"], "6": ["本年度未收取信息处理费。"]}
    _fill(
        templates[format_id],
        out,
        spec.values,
        meta={
            "organization": spec.organization,
            "published": date(2025, 1, 20),
            "body_kind": "街道办事处",
            "is_rollup": "是",
            "region": spec.region,
        },
        texts=texts,
    )
    form = read_xlsx_form(out)
    expected = _expected(spec)
    wrong = {
        c: (expected[c], form.values.get(c, "<missing>"))
        for c in spec.format.cell_ids
        if form.values.get(c, "<missing>") != expected[c]
    }
    assert not wrong
    sums = sum_definitions(spec.format)
    assert all(form.origins[c] == ("formula" if c in sums else "entered") for c in spec.format.cell_ids)
    assert (form.organization, form.year, form.format_id) == (
        spec.organization,
        2024 if format_id == "2021" else 2020,
        format_id,
    )
    assert form.published == date(2025, 1, 20) and form.body_kind == "street" and form.is_rollup
    assert form.region == spec.region and form.texts == texts
    form.validate()


def test_typed_over_total_is_read_as_stated(templates, tmp_path):
    spec = random_spec(random.Random(3), "2021", allow_blank=False, activity="busy")
    out = tmp_path / "filled.xlsx"
    wrong_total = spec.values["requests.received.total"] + 5
    _fill(templates["2021"], out, {**spec.values, "requests.received.total": wrong_total, "appeals.review.total": None})
    wb = openpyxl.load_workbook(out)
    cells = _cells_map(wb)
    for cid, v in (("requests.received.total", wrong_total), ("appeals.review.total", 0)):
        sheet, ref, _ = cells[cid]
        wb[sheet][ref].value = v
    wb.save(out)
    form = read_xlsx_form(out)
    assert form.values["requests.received.total"] == wrong_total
    assert form.origins["requests.received.total"] == "entered"
    assert form.values["appeals.review.total"] == 0
    # the totals that sum a typed-over total use the typed number, as the spreadsheet would
    assert form.values["requests.total.total"] == spec.values["requests.total.total"]


def test_user_formulas_that_add_cells_are_evaluated(templates, tmp_path):
    spec = random_spec(random.Random(4), "2021", allow_blank=False, activity="busy")
    out = tmp_path / "filled.xlsx"
    _fill(templates["2021"], out, spec.values)
    wb = openpyxl.load_workbook(out)
    cells = _cells_map(wb)
    sheet, ref, _ = cells["requests.granted.total"]
    parts = [
        cells[f"requests.granted.{c}"][1]
        for c in ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org")
    ]
    rest = [cells[f"requests.granted.{c}"][1] for c in ("legal_service_org", "other_org")]
    wb[sheet][ref].value = f"=SUM({parts[0]}:{parts[-1]})+{rest[0]}+'{sheet}'!{rest[1]}"
    wb.save(out)
    assert read_xlsx_form(out).values["requests.granted.total"] == spec.values["requests.granted.total"]
    wb[sheet][ref].value = f"={parts[0]}*2"
    wb.save(out)
    with pytest.raises(FormError, match="公式无法计算"):
        read_xlsx_form(out)


def _form(spec: ReportSpec, **changes) -> ReportForm:
    form = ReportForm(
        organization=spec.organization,
        year=spec.year,
        format_id=spec.format_id,
        published=spec.published,
        body_kind=spec.body_kind,
        is_rollup=spec.is_rollup,
        region=spec.region,
        texts={"5": ["问题一。", "问题二。"]},
        values=dict(spec.values),
    )
    for k, v in changes.items():
        setattr(form, k, v)
    return form


@pytest.mark.parametrize("format_id", FORMATS)
def test_prefilled_template_reads_back_exactly(tmp_path, format_id):
    spec = random_spec(random.Random(11), format_id, allow_blank=False)
    form = _form(spec)
    path = write_xlsx_template(tmp_path / "pre.xlsx", spec.year, format_id, form)
    back = read_xlsx(path)
    assert back.notes == []  # the saved results we wrote are the formulas' results
    assert back.form.values == spec.values
    assert (back.form.organization, back.form.published, back.form.body_kind, back.form.is_rollup) == (
        spec.organization,
        spec.published,
        spec.body_kind,
        spec.is_rollup,
    )
    assert back.form.texts == form.texts


def test_prefilled_wrong_total_is_kept_not_repaired(tmp_path):
    spec = random_spec(random.Random(12), "2021", allow_blank=False, activity="busy")
    bad = spec.values["requests.granted.total"] + 1
    form = _form(spec, values={**spec.values, "requests.granted.total": bad})
    path = write_xlsx_template(tmp_path / "pre.xlsx", spec.year, "2021", form)
    wb = openpyxl.load_workbook(path)
    sheet, ref, _ = _cells_map(wb)["requests.granted.total"]
    assert wb[sheet][ref].value == bad  # a number, not a formula
    assert read_xlsx_form(path).values["requests.granted.total"] == bad


def test_saved_result_that_differs_is_kept_with_a_note(tmp_path):
    """A result saved by a spreadsheet program wins over our sum (what the user saw), with a note."""
    spec = random_spec(random.Random(13), "2021", allow_blank=False, activity="busy")
    path = write_xlsx_template(tmp_path / "pre.xlsx", spec.year, "2021", _form(spec))
    wb = openpyxl.load_workbook(path)
    sheet, ref, _ = _cells_map(wb)["requests.received.total"]
    sheet_xml = f"xl/worksheets/sheet{wb.sheetnames.index(sheet) + 1}.xml"
    stated = spec.values["requests.received.total"] + 7
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == sheet_xml:
                text, n = re.subn(
                    rf'(<c r="{ref}"[^>]*>.*?<v>)[^<]*(</v>)', rf"\g<1>{stated}\g<2>", data.decode("utf-8"), count=1
                )
                assert n == 1
                data = text.encode("utf-8")
            dst.writestr(item, data)
    back = read_xlsx(patched)
    assert back.form.values["requests.received.total"] == stated
    assert back.form.origins["requests.received.total"] == "formula"
    assert len(back.notes) == 1 and "保存的结果" in back.notes[0]


def test_slash_text_and_prefill_origins(templates, tmp_path):
    spec = random_spec(random.Random(5), "2021", allow_blank=False)
    out = tmp_path / "filled.xlsx"
    values = {
        **spec.values,
        "proactive.regulations.made": "n/a",
        "proactive.licensing.decisions": "约12",
        "proactive.penalty.decisions": " 12 ",
        "appeals.review.upheld": None,
    }
    _fill(templates["2021"], out, values, meta={"organization": "某局"})
    back = read_xlsx(out)
    form = back.form
    assert len(back.notes) == 1 and "行政许可" in back.notes[0] and "约12" in back.notes[0]
    assert form.values["proactive.regulations.made"] == "n/a"
    assert form.values["proactive.licensing.decisions"] == "约12"  # kept as typed
    assert form.values["proactive.penalty.decisions"] == 12
    assert form.values["appeals.review.upheld"] is None
    with pytest.raises(FormError):
        form.validate()


def test_last_year_origin_survives_until_the_user_changes_the_value(tmp_path):
    spec = random_spec(random.Random(6), "2021", allow_blank=False)
    carried = {f"requests.carried_over.{c}": 2 for c, _ in spec.format.request_columns if c != "total"}
    form = ReportForm(organization="某局", year=2024, values=dict(carried), origins={c: "last_year" for c in carried})
    path = write_xlsx_template(tmp_path / "pre.xlsx", 2024, "2021", form)
    back = read_xlsx_form(path)
    assert all(back.origins[c] == "last_year" for c in carried)
    assert back.values["requests.carried_over.total"] == 2 * len(carried)
    out = tmp_path / "changed.xlsx"
    _fill(path, out, {"requests.carried_over.natural_person": 5})
    back = read_xlsx_form(out)
    assert back.origins["requests.carried_over.natural_person"] == "entered"
    assert back.origins["requests.carried_over.other_org"] == "last_year"


# ---------------------------------------------------------------------------------------------------- errors


def test_errors_are_form_errors(templates, tmp_path):
    text = tmp_path / "a.xlsx"
    text.write_text("not a workbook", "utf-8")
    with pytest.raises(FormError, match="不是 Excel"):
        read_xlsx_form(text)
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(FormError, match="另存为"):
        read_xlsx_form(xls)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(FormError) as err:
        read_xlsx_form(broken)
    assert err.value.code == "E-FORM"
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    with pytest.raises(FormError, match="_cells"):
        read_xlsx_form(plain)
    with pytest.raises(FormError, match="无法读取"):
        read_xlsx_form(tmp_path / "missing.xlsx")
    for bad_year, pattern in (("二〇二四", "年度"), (None, "年度（空白）")):
        out = tmp_path / "year.xlsx"
        _fill(templates["2021"], out, {}, meta={"year": bad_year})
        with pytest.raises(FormError, match=re.escape(pattern)):
            read_xlsx_form(out)
    out = tmp_path / "kind.xlsx"
    _fill(templates["2021"], out, {}, meta={"body_kind": "公司"})
    with pytest.raises(FormError, match="机关类型"):
        read_xlsx_form(out)
    renamed = tmp_path / "renamed.xlsx"
    wb = openpyxl.load_workbook(templates["2021"])
    wb[TABLE_SHEETS["requests"]].title = "申请"
    wb.save(renamed)
    with pytest.raises(FormError, match="表三"):
        read_xlsx_form(renamed)


def test_formula_shapes():
    assert _parse_sum("=SUM(B5:G5)", "表三") == ([("表三", (4, 1), (4, 6))], False)
    assert _parse_sum("=B5+$C$6", "s") == ([("s", (4, 1), (4, 1)), ("s", (5, 2), (5, 2))], False)
    refs, aware = _parse_sum('=IF(COUNT(B5:G5)=0,"",SUM(B5:G5))', "s")
    assert refs == [("s", (4, 1), (4, 6))] and aware
    assert _parse_sum("='表 三'!B5+表二!C5", "s") == ([("表 三", (4, 1), (4, 1)), ("表二", (4, 2), (4, 2))], False)
    for other in ("=B5*2", "=LOG10(A1)", "=SUM(A:A)", "=B5-C5", "=AVERAGE(B5:G5)"):
        assert _parse_sum(other, "s") is None, other


# ---------------------------------------------------------------------------------------------------- LibreOffice


def test_libreoffice_recalculated_file_reads_back(templates, tmp_path):
    """Optional: a file saved by LibreOffice Calc (with its saved results) reads back the same."""
    from gongkai.errors import GongkaiError
    from gongkai.readers.libreoffice import convert_many, find_soffice

    if find_soffice() is None:
        pytest.skip("LibreOffice not installed")
    spec = random_spec(random.Random(21), "2021")
    filled = tmp_path / "filled.xlsx"
    _fill(templates["2021"], filled, spec.values, meta={"organization": spec.organization})
    try:
        [out] = convert_many([filled], tmp_path / "lo", to="xlsx:Calc MS Excel 2007 XML")
    except GongkaiError:
        pytest.skip("LibreOffice cannot open XLSX here (Calc is not installed)")
    back = read_xlsx(out)
    assert back.form.values == _expected(spec)
    assert back.notes == []


# ---------------------------------------------------------------------------------------------------- command


def _invoke(*args: str):
    from gongkai.commands.template import template

    return CliRunner().invoke(template, list(args))


@pytest.mark.parametrize("suffix", [".xlsx", ".yaml", ".json"])
def test_command_writes_each_kind(tmp_path, suffix):
    out = tmp_path / f"模板{suffix}"
    result = _invoke("--year", "2024", "--org", "某市某区财政局", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "已生成填报文件" in result.output
    form = read_xlsx_form(out) if suffix == ".xlsx" else load_form(out)
    assert (form.organization, form.year, form.format_id, form.body_kind) == (
        "某市某区财政局",
        2024,
        "2021",
        "department",
    )
    again = _invoke("--year", "2024", "-o", str(out))
    assert again.exit_code == 2 and "已存在" in again.output
    assert _invoke("--year", "2024", "-o", str(out), "--force").exit_code == 0


def test_command_default_name_and_format_by_year(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _invoke("--year", "2020", "--org", "某县人民政府")
    assert result.exit_code == 0, result.output
    [out] = tmp_path.glob("*.xlsx")
    form = read_xlsx_form(out)
    assert form.format_id == "2019" and form.body_kind == "government" and form.year == 2020


@pytest.mark.parametrize(
    "args, message",
    [
        ((), "--year"),
        (("--year", "abc"), "四位数字"),
        (("--year", "1999"), "不合理"),
        (("--year", "2024", "--format", "2030"), "未知的年报格式"),
        (("--year", "2024", "-o", "x.txt"), "不支持"),
        (("--year", "2024", "--from", "/nonexistent/last.pdf"), "上年报告"),
    ],
)
def test_command_bad_input_exits_2(tmp_path, args, message):
    result = _invoke(*args)
    assert result.exit_code == 2
    assert message in result.output


def _last_year_report(tmp_path: Path, year: int, seed: int = 5) -> tuple[ReportSpec, Path]:
    from gongkai.render.layouts import render_text

    spec = random_spec(random.Random(seed), "2021", year=year, activity="busy", allow_blank=False, body_kind="street")
    path = tmp_path / "last.txt"
    path.write_text(render_text(spec, "pipe_rows", random.Random(1)), "utf-8")
    return spec, path


@pytest.mark.parametrize("suffix", [".xlsx", ".yaml"])
def test_command_prefills_from_last_years_report(tmp_path, suffix):
    spec, last = _last_year_report(tmp_path, 2023)
    out = tmp_path / f"t{suffix}"
    result = _invoke("--year", "2024", "--from", str(last), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "警告" not in result.output
    form = read_xlsx_form(out) if suffix == ".xlsx" else load_form(out)
    assert form.organization == spec.organization and form.body_kind == "street"
    for col, _ in spec.format.request_columns:
        assert form.values[f"requests.carried_over.{col}"] == spec.values[f"requests.carried_forward.{col}"], col
        expected_origin = "formula" if col == "total" and suffix == ".xlsx" else "last_year"
        assert form.origins[f"requests.carried_over.{col}"] == expected_origin
    assert form.values.get("requests.received.natural_person") in (None, 0)  # nothing else is carried


def test_command_warns_when_last_years_report_is_not_last_year(tmp_path):
    _, last = _last_year_report(tmp_path, 2022)
    result = _invoke("--year", "2024", "--from", str(last), "-o", str(tmp_path / "t.xlsx"))
    assert result.exit_code == 0
    assert "警告" in result.output and "2022" in result.output


@pytest.mark.parametrize("format_id", FORMATS)
def test_read_form_renders_and_checks_clean(templates, tmp_path, format_id):
    """A filled workbook is a complete report: rendered and parsed back, same cells, no error findings."""
    from gongkai.checks import infer_report, run_checks
    from gongkai.model import Severity
    from gongkai.parsing import parse_text
    from gongkai.render.layouts import render_text

    spec = random_spec(random.Random(31), format_id, allow_blank=False)
    out = tmp_path / "filled.xlsx"
    _fill(templates[format_id], out, spec.values, meta={"organization": spec.organization, "year": spec.year})
    rendered = read_xlsx_form(out).to_spec()
    report = parse_text(render_text(rendered, "pipe_rows", random.Random(0)))
    report.inferred = infer_report(report)
    report.findings = run_checks(report, report.inferred)
    gold = report.gold_cells()
    assert {c: gold.get(c) for c in spec.format.cell_ids} == spec.values
    assert not [f.code for f in report.findings if f.severity is Severity.ERROR]
