"""The YAML fill-in form: every cell id with a comment naming its row and column, texts as block scalars,
and a round trip through :func:`gongkai.forms.load_form`."""

from __future__ import annotations

import random
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.examples.generate import random_spec
from gongkai.forms import ReportForm, load_form
from gongkai.errors import FormError
from gongkai.forms.yaml_template import (
    cell_title,
    sum_definitions,
    write_yaml_template,
    yaml_template_text,
)
from gongkai.standard import get_format


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_every_cell_id_once_with_its_row_and_column(format_id):
    fmt = get_format(format_id)
    text = yaml_template_text(2024, format_id)
    lines = {}
    for line in text.splitlines():
        m = re.match(r"^  ([a-z_.]+): (\S+)  # (.+)$", line)
        if m and m.group(1) in fmt.cells:
            assert m.group(1) not in lines, m.group(1)
            lines[m.group(1)] = (m.group(2), m.group(3))
    assert list(lines) == fmt.cell_ids
    assert lines["requests.received.natural_person"] == ("0", "一、本年新收政府信息公开申请数量/自然人")
    assert (
        lines["requests.withheld.state_secret.other_org"][1]
        == "三、本年度办理结果/（三）不予公开/1.属于国家秘密/法人或其他组织/其他"
    )
    assert lines["appeals.litigation_direct.upheld"][1] == "行政诉讼/未经复议直接起诉/结果维持"
    for cid in sum_definitions(fmt):
        assert "合计" in lines[cid][1]
    data = yaml.safe_load(text)
    assert data["format"] == format_id and data["year"] == 2024
    assert "信息处理费" in text  # the hint for section 六


def test_unfilled_template_needs_an_organization(tmp_path):
    path = write_yaml_template(tmp_path / "t.yaml", 2024)
    with pytest.raises(FormError, match="机关名称"):
        load_form(path)
    path.write_text(path.read_text("utf-8").replace('organization: ""', 'organization: "某市某区财政局"'), "utf-8")
    form = load_form(path)
    assert form.organization == "某市某区财政局" and form.year == 2024
    assert set(form.values) == set(get_format("2021").cell_ids) and set(form.values.values()) == {0}
    assert not any(form.texts.values())  # sections left empty load as empty lists


_paragraph = st.text(
    st.characters(blacklist_categories=("Cs",)) | st.sampled_from("\n\r\u2028\x85\t #:'\"|-/>"), min_size=1, max_size=40
).filter(lambda s: s.strip())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**16),
    format_id=st.sampled_from(["2021", "2019"]),
    texts=st.dictionaries(
        st.sampled_from(["preamble", "1", "2", "3", "4", "5", "6"]),
        st.lists(_paragraph, min_size=1, max_size=3),
        max_size=4,
    ),
)
def test_round_trip_through_load_form(tmp_path, seed, format_id, texts):
    spec = random_spec(random.Random(seed), format_id)
    form = ReportForm(
        organization=spec.organization,
        year=spec.year,
        format_id=format_id,
        published=spec.published,
        body_kind=spec.body_kind,
        is_rollup=spec.is_rollup,
        region=spec.region,
        texts=texts,
        values=dict(spec.values),
        origins={
            "requests.carried_over.natural_person": "last_year",
            "proactive.fees.amount" if format_id == "2021" else "proactive.procurement.amount": "tally",
        },
    )
    path = write_yaml_template(tmp_path / "form.yaml", spec.year, format_id, form)
    back = load_form(path)
    assert back.values == spec.values
    assert {k: v for k, v in back.texts.items() if v} == texts
    assert (back.organization, back.year, back.published, back.body_kind, back.is_rollup, back.region) == (
        spec.organization,
        spec.year,
        spec.published,
        spec.body_kind,
        spec.is_rollup,
        spec.region,
    )
    assert back.origins == form.origins


def test_cell_titles_are_unique():
    for format_id in ("2021", "2019"):
        fmt = get_format(format_id)
        titles = [cell_title(fmt, cid) for cid in fmt.cell_ids]
        assert len(set(titles)) == len(titles)
