"""The fill-in form: validation with Chinese messages, YAML/JSON round trip, conversion for rendering."""

from __future__ import annotations

import random
from datetime import date

import pytest

from gongkai.examples.generate import random_spec
from gongkai.forms import ReportForm, dump_form, load_form
from gongkai.errors import FormError


def _form() -> ReportForm:
    spec = random_spec(random.Random(5), "2021")
    return ReportForm(
        organization=spec.organization,
        year=spec.year,
        published=date(2025, 1, 20),
        texts={"1": ["总体情况。"], "6": ["本年度未收取信息处理费。"]},
        values=dict(spec.values),
        origins={"requests.carried_over.total": "last_year"},
    )


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_round_trip_through_files(tmp_path, suffix):
    form = _form()
    path = tmp_path / f"form{suffix}"
    dump_form(form, path)
    back = load_form(path)
    assert back == form


def test_to_spec_blanks_what_the_form_leaves_out():
    form = ReportForm("某局", 2024, values={"requests.received.total": 3})
    spec = form.to_spec()
    assert spec.values["requests.received.total"] == 3
    assert spec.values["requests.received.natural_person"] is None
    assert len(spec.values) == len(spec.format.cell_ids)


@pytest.mark.parametrize(
    "change, words",
    [
        ({"organization": " "}, "机关名称"),
        ({"year": 1999}, "年度"),
        ({"format_id": "2030"}, "格式"),
        ({"body_kind": "army"}, "机关类型"),
        ({"values": {"requests.nonsense": 1}}, "未知的单元格"),
        ({"values": {"requests.received.total": "约300"}}, "不是数字"),
        ({"texts": {"7": ["x"]}}, "正文部分"),
    ],
)
def test_invalid_forms_say_what_is_wrong(change, words):
    form = ReportForm("某局", 2024)
    for k, v in change.items():
        setattr(form, k, v)
    with pytest.raises(FormError) as e:
        form.validate()
    assert e.value.code == "E-FORM" and words in e.value.message


def test_values_as_typed_in_files(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(
        "organization: 某局\nyear: 2024\nvalues:\n  requests.received.total: '12'\n"
        "  requests.received.other_org: /\n  requests.received.natural_person:\n",
        "utf-8",
    )
    form = load_form(path)
    assert form.values == {
        "requests.received.total": 12,
        "requests.received.other_org": "n/a",
        "requests.received.natural_person": None,
    }


def test_broken_files_get_a_message(tmp_path):
    bad = tmp_path / "f.yaml"
    bad.write_text("organization: [unclosed", "utf-8")
    with pytest.raises(FormError) as e:
        load_form(bad)
    assert "YAML" in e.value.message
    bad = tmp_path / "f.json"
    bad.write_text("[1, 2]", "utf-8")
    with pytest.raises(FormError):
        load_form(bad)
