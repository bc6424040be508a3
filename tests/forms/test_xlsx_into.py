"""`gongkai tally --into 年报.xlsx`: the tallied cells are written into the template, the rest is untouched."""

from __future__ import annotations

import random

import openpyxl
from click.testing import CliRunner

from gongkai.commands.tally import tally
from gongkai.examples.registers import random_appeals, random_applications, write_csv
from gongkai.forms import ReportForm
from gongkai.forms.xlsx import write_xlsx_template
from gongkai.forms.xlsx_read import read_xlsx_form


def _snapshot(path):
    wb = openpyxl.load_workbook(path)
    return {
        (ws.title, c.coordinate): c.value
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if c.value not in (None, "")
    }  # an empty string and an empty cell read the same


def test_tally_into_template_writes_only_tallied_cells(tmp_path):
    rng = random.Random(5)
    apps, cases = tmp_path / "apps.csv", tmp_path / "cases.csv"
    write_csv(random_applications(rng, 2024, 200, defect_rate=0.0), apps, "utf-8")
    write_csv(random_appeals(rng, 2024, 40, defect_rate=0.0), cases, "utf-8")
    book = tmp_path / "2024年报.xlsx"
    form = ReportForm(organization="某市某局", year=2024, format_id="2021")
    form.values["proactive.regulations.made"] = 3
    form.texts["1"] = ["总体情况。"]
    write_xlsx_template(book, 2024, "2021", form)
    before = _snapshot(book)

    r = CliRunner().invoke(tally, [str(apps), "--year", "2024", "--appeals", str(cases), "--into", str(book)])
    assert r.exit_code == 0, r.output
    after = _snapshot(book)
    read = read_xlsx_form(book)
    assert read.organization == "某市某局" and read.values["proactive.regulations.made"] == 3
    assert read.texts["1"] == ["总体情况。"]
    tallied = [c for c, o in read.origins.items() if o == "tally"]
    assert tallied and all(c.startswith(("requests.", "appeals.")) for c in tallied)
    assert read.values["requests.received.total"] > 0
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    # every change is a tallied input cell or its origin entry in the hidden _cells sheet
    assert changed and all(sheet in ("表三", "表四", "_cells") for sheet, _ in changed), [
        k for k in changed if k[0] not in ("表三", "表四", "_cells")
    ][:5]
    assert all(before[k] == after[k] for k in before if k[0] in ("基本信息", "表二"))


def test_wrong_year_names_the_cell(tmp_path):
    rng = random.Random(6)
    apps = tmp_path / "apps.csv"
    write_csv(random_applications(rng, 2024, 20, defect_rate=0.0), apps, "utf-8")
    book = tmp_path / "2023.xlsx"
    write_xlsx_template(book, 2023, "2021")
    r = CliRunner().invoke(tally, [str(apps), "--year", "2024", "--into", str(book)])
    assert r.exit_code == 2 and "2023" in r.output and "基本信息!" in r.output
    r = CliRunner().invoke(tally, [str(apps), "--year", "2024", "--into", str(tmp_path / "none.xlsx")])
    assert r.exit_code == 2 and "gongkai template" in r.output


def test_errors_from_an_xlsx_form_name_sheet_and_cell(tmp_path):
    from gongkai.errors import FormError

    book = tmp_path / "r.xlsx"
    write_xlsx_template(book, 2024, "2021")
    wb = openpyxl.load_workbook(book)
    cells = {r[0]: r[1] for r in wb["_cells"].iter_rows(min_row=2, values_only=True)}
    sheet, _, ref = cells["requests.received.natural_person"].partition("!")
    wb[sheet][ref] = "十二"
    wb.save(book)
    form = read_xlsx_form(book)
    try:
        form.validate()
    except FormError as err:
        assert cells["meta.organization"] in err.message  # the organization is checked first
    else:  # pragma: no cover
        raise AssertionError("an empty organization must be refused")
    form.organization = "某局"
    try:
        form.validate()
    except FormError as err:
        assert f"{sheet}!{ref}" in err.message and sheet == "表三"
    else:  # pragma: no cover
        raise AssertionError("a word in a number cell must be refused")
