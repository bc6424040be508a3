"""Invariants of the format data (standard/data/*.json) and of the spellings in standard/labels.py."""

from __future__ import annotations

import json
import re

import pytest

from gongkai.standard import FORMAT_IDS, get_format
from gongkai.standard.labels import (
    ARTICLE_20_CAPTION,
    ARTICLE_20_KEY,
    NUMERAL_VALUES,
    SECTION_TABLE,
    TABLE_NAMES,
    TABLE_SECTION,
    TABLES,
    cell_label,
    chinese_number,
    format_for_year,
    format_name,
    int_if_whole,
    numbered_heading,
    numeral,
    other_format,
    section_heading,
    table_heading,
    table_title,
)
from tests.conftest import SHARED

FORMATS = [get_format(f) for f in FORMAT_IDS]


def _shared_vocabulary(format_id: str) -> set[str] | None:
    path = SHARED / "spec" / f"format-{format_id}.json"
    if not path.is_file():
        return None
    spec = json.loads(path.read_text("utf-8"))
    ids = set()
    for table in spec["tables"].values():
        ids |= {c["id"] for c in table.get("cells", ())}
        if "rows" in table:
            ids |= {f"requests.{r['id']}.{c['id']}" for r in table["rows"] for c in table["columns"]}
    return ids


@pytest.mark.parametrize("format_id", FORMAT_IDS)
def test_every_cell_id_is_in_the_shared_vocabulary(format_id):
    vocabulary = _shared_vocabulary(format_id)
    if vocabulary is None:
        pytest.skip(f"../shared/spec/format-{format_id}.json not found at {SHARED}")
    assert set(get_format(format_id).cells) == vocabulary


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_identities_refer_to_existing_cells_and_each_rule_has_a_code_and_sides(fmt):
    assert fmt.identities
    for idn in fmt.identities:
        assert idn.lhs and idn.rhs and not set(idn.lhs) & set(idn.rhs), idn
        assert all(c in fmt.cells for c in idn.cells), idn
        assert idn.rule.split(".")[0] == fmt.cells[idn.lhs[0]].table
    rules = {i.rule for i in fmt.identities}
    assert set(fmt.identity_codes) == rules == set(fmt.identity_sides)
    assert all(code.startswith("IDN-") for code in fmt.identity_codes.values())
    assert all(left and right for left, right in fmt.identity_sides.values())


def test_both_formats_agree_on_what_the_rest_of_the_package_takes_from_one_of_them():
    f21, f19 = get_format("2021"), get_format("2019")
    assert f21.table_sections == f19.table_sections == dict(TABLE_SECTION)
    assert f21.identity_codes == f19.identity_codes
    assert [s.no for s in f21.sections] == [s.no for s in f19.sections] == list(range(1, 7))
    # the table → section map and its inverse, and the short names, cover the three tables
    assert set(TABLE_SECTION) == set(TABLES) == set(SECTION_TABLE.values()) == set(TABLE_NAMES)
    assert all(SECTION_TABLE[no] == t for t, no in TABLE_SECTION.items())


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_column_groups_cover_request_columns_once(fmt):
    columns = [c for c, _ in fmt.request_columns]
    grouped = [c for _, cols in fmt.request_column_groups for c in cols]
    assert fmt.request_column_groups
    assert len(grouped) == len(set(grouped)) and set(grouped) <= set(columns)
    # a group's columns are adjacent in the table, so that one header cell can span them
    for _, cols in fmt.request_column_groups:
        at = [columns.index(c) for c in cols]
        assert at == list(range(at[0], at[0] + len(at)))
    # every request row has a cell in every column
    assert len(fmt.cells_of("requests")) == len(fmt.request_rows) * len(columns)


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_the_appeals_table_is_its_groups_times_its_columns(fmt):
    cells = fmt.cells_of("appeals")
    assert cells == fmt.appeals_cell_ids
    assert len(cells) == len(fmt.appeals_groups) * len(fmt.appeals_columns)


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_cell_ids_and_rows_are_well_formed(fmt):
    for cid, spec in fmt.cells.items():
        assert cid.split(".")[0] == spec.table in TABLES
        assert spec.label and "/" in spec.label
    row_ids = [r.id for r in (*fmt.proactive_rows, *fmt.request_rows)]
    assert len(row_ids) == len(set(row_ids))
    groups = {g.id for g in fmt.request_groups}
    assert all(r.group is None or r.group in groups for r in fmt.request_rows)
    assert all(g.parent is None or g.parent in groups for g in fmt.request_groups)


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_the_caption_patterns_match_every_caption_of_the_format(fmt):
    for caption in fmt.proactive_captions:
        assert ARTICLE_20_CAPTION.fullmatch(caption), caption
        assert ARTICLE_20_KEY.fullmatch(re.sub(r"[（）()\s]", "", caption)), caption


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
def test_format_names_carry_the_document_number_of_the_source(fmt):
    assert fmt.source.startswith(fmt.document_no)
    assert format_name(fmt.id) == f"{fmt.name}（{fmt.document_no}）"
    assert fmt.name.startswith(fmt.id)


def test_format_for_year():
    assert format_for_year(2019) == format_for_year(2020) == "2019"
    assert format_for_year(2021) == format_for_year(2030) == "2021"
    assert format_for_year(None) == "2021"
    assert format_for_year(2010) == "2019"  # before any format: the oldest one
    assert other_format("2021") == "2019" and other_format("2019") == "2021"
    assert format_name("mixed") == "新旧格式混用" and format_name("unknown") == "无法判断"


def test_numerals_headings_and_numbers():
    assert [numeral(n) for n in range(1, 11)] == list("一二三四五六七八九十")
    assert numeral(11) == "11" and numeral(0) == "〇"
    assert all(numeral(v) == c for c, v in NUMERAL_VALUES.items())
    fmt = get_format("2021")
    assert section_heading(fmt, 1) == "一、总体情况" == numbered_heading(1, fmt.sections[0].title)
    assert table_title(fmt, "requests") == "三、收到和处理政府信息公开申请情况"
    assert table_heading(fmt, "appeals") == "表四　政府信息公开行政复议、行政诉讼情况"
    assert [chinese_number(s) for s in ("二〇二四", "二○二一", "十二", "二十六", "十", "三十一", "年")] == [
        2024,
        2021,
        12,
        26,
        10,
        31,
        None,
    ]
    assert int_if_whole(2.0) == 2 and isinstance(int_if_whole(2.0), int)
    assert int_if_whole(2.5) == 2.5 and int_if_whole("2.0") == "2.0" and int_if_whole(None) is None


def test_cell_labels_come_from_the_format_asked_then_the_other():
    assert cell_label("proactive.regulations.made") == "第二十条第（一）项/规章/本年制发件数"
    only_2019 = next(c for c in get_format("2019").cells if c not in get_format("2021").cells)
    assert cell_label(only_2019) == get_format("2019").cells[only_2019].label
    assert cell_label(only_2019, "2021") == only_2019  # asked of one format only
    assert cell_label("no.such.cell") == "no.such.cell"
