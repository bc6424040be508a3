"""`gongkai tally` through click: tables shown, rows listed, --into creates and updates a form, exit codes."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from gongkai.commands.tally import tally
from gongkai.examples.registers import (
    random_appeals,
    random_applications,
    write_csv,
    write_xlsx,
)
from gongkai.forms import ReportForm, dump_form, load_form
from gongkai.standard import get_format


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cmd")
    rng = random.Random(3)
    apps, clean, cases = d / "申请登记.xlsx", d / "clean.csv", d / "复议诉讼.csv"
    write_xlsx(random_applications(rng, 2024, 800, defect_rate=0.02), apps)
    write_csv(random_applications(rng, 2024, 300, defect_rate=0.0), clean, "gb18030")
    write_csv(random_appeals(rng, 2024, 60, defect_rate=0.0), cases, "gb18030")
    return apps, clean, cases


def run(*args):
    return CliRunner().invoke(tally, [str(a) for a in args])


def test_shows_tables_and_left_out_rows(files):
    apps, _, cases = files
    r = run(apps, "--year", 2024, "--appeals", cases)
    assert r.exit_code == 1, r.output  # some rows left out
    assert "表三" in r.output and "表四" in r.output and "结转下年度" in r.output
    assert "未能分类" in r.output and "第 " in r.output and "行政诉讼" in r.output


def test_into_new_form_then_update(files, tmp_path):
    _, clean, cases = files
    form_path = tmp_path / "form.yaml"
    r = run(clean, "--year", 2024, "--into", form_path, "--org", "某市某局")
    assert r.exit_code == 0, r.output
    form = load_form(form_path)
    fmt = get_format("2021")
    assert form.organization == "某市某局" and form.year == 2024
    assert set(form.values) == set(fmt.cells_of("requests"))
    assert set(form.origins.values()) == {"tally"}
    # an existing form keeps what was entered, gains table 四
    form.values["proactive.regulations.made"] = 3
    form.origins["proactive.regulations.made"] = "entered"
    form.texts["1"] = ["总体情况。"]
    dump_form(form, form_path)
    r = run("--year", 2024, "--appeals", cases, "--into", form_path)
    assert r.exit_code == 0, r.output
    again = load_form(form_path)
    assert again.values["proactive.regulations.made"] == 3 and again.origins["proactive.regulations.made"] == "entered"
    assert again.texts["1"] == ["总体情况。"]
    assert all(again.origins[c] == "tally" for c in fmt.appeals_cell_ids)
    assert again.values["requests.received.total"] == form.values["requests.received.total"]
    assert sum(again.values[c] for c in fmt.appeals_cell_ids if c.endswith(".total")) > 0


def test_json_and_format_2019(files, tmp_path):
    _, clean, _ = files
    form_path = tmp_path / "f.json"
    dump_form(ReportForm(organization="某局", year=2024, format_id="2019"), form_path)
    r = run(clean, "--year", 2024, "--json", "--into", form_path)
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["format"] == "2019" and "requests.other_handling.total" in out["requests"]["values"]
    assert out["requests"]["left_out"] == [] and out["requests"]["counted"] > 100
    assert (
        load_form(form_path).values["requests.other_handling.total"]
        == out["requests"]["values"]["requests.other_handling.total"]
    )


def test_map_option(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("收件日,类别,结论,回复日\n2024-01-05,公民,予以公开,2024-01-10\n", "utf-8-sig")
    assert run(p, "--year", 2024).exit_code == 2
    r = run(
        p,
        "--year",
        2024,
        "--json",
        "--map",
        "收件日=收到日期",
        "--map",
        "类别=申请人类型",
        "--map",
        "结论=result",
        "--map",
        "回复日=closed",
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["requests"]["values"]["requests.granted.natural_person"] == 1


def test_exit_2_on_unreadable_input(files, tmp_path):
    _, clean, _ = files
    r = run(tmp_path / "missing.xlsx", "--year", 2024)
    assert r.exit_code == 2 and "E-READ" in r.output and "Traceback" not in r.output
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04garbage")
    assert run(bad, "--year", 2024).exit_code == 2
    assert run(clean, "--year", 2024, "--appeals", tmp_path / "none.csv").exit_code == 2
    assert run("--year", 2024).exit_code == 2
    other_year = tmp_path / "f.yaml"
    dump_form(ReportForm(organization="某局", year=2023), other_year)
    r = run(clean, "--year", 2024, "--into", other_year)
    assert r.exit_code == 2 and "2023" in r.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("values: [1, 2\n", "utf-8")
    assert run(clean, "--year", 2024, "--into", broken).exit_code == 2


def test_demo_registers(tmp_path):
    from gongkai.examples.registers import demo_registers

    apps, cases = demo_registers(tmp_path, 2024)
    r = run(apps, "--year", 2024, "--appeals", cases, "--json")
    assert r.exit_code in (0, 1), r.output
    out = json.loads(r.output)
    assert out["requests"]["counted"] > 200 and out["appeals"]["counted"] > 5
    assert len(out["requests"]["left_out"]) < 20
