"""Loading the organization registry (YAML/JSON) and its errors."""

from __future__ import annotations

import json

import pytest
import yaml

from gongkai.orgs import RegistryEntry, guess_kind, load_registry
from gongkai.errors import RegistryError
from tests.orgs import SAMPLE


def _all(entries: list[RegistryEntry]) -> dict[str, RegistryEntry]:
    return {e.name: e for top in entries for e in top.walk()}


def test_load_sample_with_guessed_kinds_and_levels():
    entries = load_registry(SAMPLE)
    assert [e.name for e in entries] == ["青禾市人民政府", "澜川县人民政府"]
    by_name = _all(entries)
    assert len(by_name) == 10
    city = by_name["青禾市人民政府"]
    assert (city.kind, city.level, city.aliases) == ("government", "city", ("青禾市政府",))
    assert (by_name["青禾市桐溪区人民政府"].kind, by_name["青禾市桐溪区人民政府"].level) == ("government", "district")
    assert by_name["澜川县人民政府"].level == "county"
    assert by_name["澜川县人民政府"].note == "另一个县，不在青禾市"
    assert by_name["青禾市桐溪区杏林街道办事处"].kind == "street"
    assert by_name["青禾市桐溪区石桥镇人民政府"] == RegistryEntry("青禾市桐溪区石桥镇人民政府", "town")
    center = by_name["青禾市桐溪区城市运行管理中心"]
    assert center.kind == "department" and center.level is None
    assert center.former == (("青禾市桐溪区城市管理局", 2022),)
    assert center.path == "organizations[0].children[1].children[0]"


def test_json_and_file_paths_load_the_same(tmp_path):
    data = yaml.safe_load(SAMPLE)
    as_json = json.dumps(data, ensure_ascii=False)
    yml = tmp_path / "机关名录.yaml"
    yml.write_text(SAMPLE, "utf-8")
    js = tmp_path / "orgs.json"
    js.write_text(as_json, "utf-8")
    expected = load_registry(SAMPLE)
    assert load_registry(as_json) == expected
    assert load_registry(yml) == expected
    assert load_registry(str(js)) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("青禾省人民政府", ("government", "province")),
        ("某某壮族自治区人民政府", ("government", "province")),
        ("青禾市人民政府", ("government", "city")),
        ("青禾市桐溪区人民政府", ("government", "district")),
        ("澜川县人民政府", ("government", "county")),
        ("某某旗人民政府", ("government", "county")),
        ("某某自治县人民政府", ("government", "county")),
        ("青禾市政府", ("government", "city")),
        ("石桥镇人民政府", ("town", None)),
        ("石桥乡政府", ("town", None)),
        ("杏林街道办事处", ("street", None)),
        ("青禾市桐溪区民政局", ("department", None)),
    ],
)
def test_guess_kind(name, expected):
    assert guess_kind(name) == expected


def _error(text: str) -> str:
    with pytest.raises(RegistryError) as info:
        load_registry(text)
    assert info.value.code == "E-ORGS"
    return info.value.message


def test_missing_name_names_the_path():
    msg = _error("organizations:\n  - name: 青禾市人民政府\n    children:\n      - kind: department\n")
    assert "organizations[0].children[0]" in msg and "name" in msg


def test_unknown_kind_and_level():
    msg = _error("organizations:\n  - name: 青禾市民政局\n    kind: bureau\n")
    assert "organizations[0]" in msg and "bureau" in msg
    msg = _error("organizations:\n  - name: 青禾市人民政府\n    level: town\n")
    assert "level" in msg
    assert "level" in _error("organizations:\n  - name: 青禾市民政局\n    level: city\n")


def test_name_used_twice():
    msg = _error(
        "organizations:\n  - name: 青禾市人民政府\n    children:\n      - name: 青禾市民政局\n"
        "  - name: 澜川县人民政府\n    children:\n      - name: 青禾市民政局\n"
    )
    assert "organizations[1].children[0]" in msg and "organizations[0].children[0]" in msg and "重复" in msg


def test_name_used_twice_despite_full_width_spacing():
    assert "重复" in _error("organizations:\n  - name: 青禾市民政局\n  - name: 青禾市 民政局\n")


def test_alias_naming_two_bodies():
    msg = _error(
        "organizations:\n  - name: 青禾市民政局\n    aliases: [市民政局]\n"
        "  - name: 澜川县民政局\n    aliases: [市民政局]\n"
    )
    assert "市民政局" in msg and "organizations[1]" in msg and "organizations[0]" in msg


def test_alias_that_is_another_bodys_name():
    msg = _error("organizations:\n  - name: 青禾市民政局\n  - name: 澜川县民政局\n    aliases: [青禾市民政局]\n")
    assert "organizations[1]" in msg and "名称" in msg


def test_malformed_inputs():
    assert "YAML" in _error("organizations: [\n")
    assert "organizations" in _error("orgs: []\n")
    assert "未知字段" in _error("organizations:\n  - name: 青禾市民政局\n    alias: [民政局]\n")
    assert "until" in _error(
        "organizations:\n  - name: 青禾市民政局\n    former: [{name: 青禾市民政处, until: 去年}]\n"
    )


def test_unreadable_file(tmp_path):
    bad = tmp_path / "orgs.yaml"
    bad.write_bytes("organizations:\n  - name: 青禾市民政局\n".encode("gbk"))
    with pytest.raises(RegistryError) as info:
        load_registry(bad)
    assert "UTF-8" in info.value.message and info.value.source == str(bad)
    with pytest.raises(RegistryError):
        load_registry(tmp_path / "missing.yaml")
