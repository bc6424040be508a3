"""Hostile YAML/JSON forms end in E-FORM with a Chinese message naming the problem, never a traceback."""

from __future__ import annotations

import json

import pytest

from gongkai.forms.model import load_form
from gongkai.errors import FormError
from gongkai.safe_yaml import YamlLimits, YamlRefused, load

BASE = "organization: 某某县人民政府\nyear: 2024\nformat: '2021'\n"


def _form(tmp_path, text: str, name: str = "f.yaml"):
    p = tmp_path / name
    p.write_text(text, "utf-8")
    return load_form(p)


def test_plain_form_loads(tmp_path):
    form = _form(tmp_path, BASE + "published: 2025-01-26\n")
    assert form.year == 2024 and form.published.isoformat() == "2025-01-26"


@pytest.mark.parametrize(
    "extra,word",
    [
        ("published: 2025-02-30\n", "日期"),
        ("published: 20250126\n", "published"),
        ("published: [1, 2]\n", "published"),
    ],
)
def test_bad_published_is_e_form(tmp_path, extra, word):
    with pytest.raises(FormError) as err:
        _form(tmp_path, BASE + extra)
    assert err.value.code == "E-FORM" and word in err.value.message


@pytest.mark.parametrize("year", [".inf", "-.inf", ".nan", "1e400", "二〇二四", "[2024]"])
def test_bad_year_is_e_form(tmp_path, year):
    with pytest.raises(FormError) as err:
        _form(tmp_path, f"organization: 某某县人民政府\nyear: {year}\n")
    assert "year" in err.value.message or "年度" in err.value.message


def test_infinite_cell_value_is_e_form(tmp_path):
    with pytest.raises(FormError):
        _form(tmp_path, BASE + "values:\n  requests.received.natural: 1e400\n")
    with pytest.raises(FormError):
        _form(
            tmp_path,
            json.dumps({"organization": "某局", "year": 2024, "values": {"requests.received.natural": 1e400}}),
            "f.json",
        )


def test_deeply_nested_yaml_and_json_are_e_form(tmp_path):
    with pytest.raises(FormError) as err:
        _form(tmp_path, BASE + "texts:\n  '1': " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert "嵌套" in err.value.message
    with pytest.raises(FormError):
        _form(
            tmp_path, '{"organization": "某局", "year": 2024, "texts": ' + "[" * 100_000 + "]" * 100_000 + "}", "f.json"
        )


def _bomb(levels: int, width: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_before_expansion():
    text = _bomb(12)  # 9**12 ≈ 2.8e11 nodes expanded; a few hundred bytes
    assert len(text) < 2000
    with pytest.raises(YamlRefused) as err:
        load(text)
    assert "别名" in str(err.value)


def test_aliases_within_the_limit_load_shared():
    data = load(_bomb(3))
    assert data["a2"][0] == data["a1"] and len(data["a2"]) == 9
    with pytest.raises(YamlRefused):
        load(_bomb(3), YamlLimits(max_nodes=500))


def test_alias_bomb_form_is_e_form(tmp_path):
    with pytest.raises(FormError):
        _form(tmp_path, BASE + "texts:\n  x: 1\n" + _bomb(12))


def test_recursive_alias_is_refused():
    with pytest.raises(YamlRefused):
        load("a: &a [1, *a]\n")


def test_yaml_python_tags_are_never_constructed():
    with pytest.raises(YamlRefused):
        load("x: !!python/object/apply:os.system ['true']\n")


def test_huge_integers_in_forms_are_e_form(tmp_path):
    with pytest.raises(FormError):
        _form(tmp_path, '{"organization": "某局", "year": ' + "9" * 5000 + "}", "f.json")
    with pytest.raises(FormError):
        _form(tmp_path, '{"organization": "某局", "year": 20240000000}', "f.json")


HEX = "0x" + "f" * 5000  # int() of a hex literal has no digit limit: an integer no message could print


@pytest.mark.parametrize(
    "where",
    [
        f"values:\n  proactive.regulations.made: {HEX}\n",
        f"published: {HEX}\n",
        f"texts:\n  '1': [{HEX}]\n",
        f"region: {HEX}\n",
        f"values:\n  proactive.regulations.made: {'9' * 5000}\n",
    ],
)
def test_huge_yaml_integers_are_refused_before_they_are_built(tmp_path, where):
    # once raised "ValueError: Exceeds the limit (4300 digits)" from inside a message (fuzzer)
    with pytest.raises(FormError) as err:
        _form(tmp_path, BASE + where)
    assert err.value.code == "E-FORM" and "数字过长" in err.value.message and "行" in err.value.message
    assert "Exceeds" not in err.value.message


def test_long_numbers_within_the_limit_still_load():
    assert load("x: 123456789012345\ny: 0x1F\n") == {"x": 123456789012345, "y": 31}
    with pytest.raises(YamlRefused):
        load("x: 1234\n", YamlLimits(max_number_chars=3))


@pytest.mark.parametrize(
    "extra,words",
    [
        ("texts:\n  '1': 5\n", "texts"),
        ("texts: [1, 2]\n", "texts"),
        ("values: [1, 2]\n", "values"),
        ("origins: 7\n", "origins"),
        ("texts:\n  '1': [{a: 1}]\n", "texts"),
    ],
)
def test_wrong_shapes_name_the_field_in_chinese_not_python(tmp_path, extra, words):
    with pytest.raises(FormError) as err:
        _form(tmp_path, BASE + extra)
    assert words in err.value.message
    assert "object" not in err.value.message and "attribute" not in err.value.message


@pytest.mark.parametrize("value", ["1.5e300", "10000000000000000"])
def test_cell_values_too_large_to_be_a_count_are_e_form(tmp_path, value):
    with pytest.raises(FormError) as err:
        _form(tmp_path, BASE + f"values:\n  proactive.regulations.made: {value}\n")
    assert "过大" in err.value.message
    assert _form(tmp_path, BASE + "values:\n  proactive.regulations.made: 999999999999999\n").values


def test_oversized_form_is_refused_before_it_is_read(tmp_path, monkeypatch):
    import gongkai.forms.model as model

    monkeypatch.setattr(model, "MAX_FORM_BYTES", 1000)
    p = tmp_path / "big.yaml"
    p.write_text(BASE + "texts:\n  '1': '" + "字" * 1000 + "'\n", "utf-8")
    with pytest.raises(FormError) as err:
        load_form(p)
    assert "过大" in err.value.message


@pytest.mark.parametrize("data,word", [(b"\xff\xfe\x00garbage", "UTF-8"), (None, "不存在")])
def test_unreadable_form_files_say_why_in_chinese(tmp_path, data, word):
    p = tmp_path / "f.yaml"
    if data is not None:
        p.write_bytes(data)
    with pytest.raises(FormError) as err:
        load_form(p)
    assert word in err.value.message
