"""A hostile organization registry (YAML or JSON) ends in E-ORGS with a Chinese message, never a traceback."""

from __future__ import annotations

import pytest

from gongkai.orgs.registry import load_registry
from gongkai.errors import RegistryError


@pytest.mark.parametrize(
    "text,words",
    [
        ("[" * 100_000 + "]" * 100_000, "嵌套"),  # json.loads raised RecursionError
        ('{"organizations": [{"name": ' + "9" * 5000 + "}]}", "数字"),  # and ValueError past 4,300 digits
        ("organizations:\n- name: " + "9" * 5000 + "\n", "数字"),
        ("organizations:\n- name: 0x" + "f" * 5000 + "\n", "数字"),
    ],
)
def test_hostile_registry_is_e_orgs(tmp_path, text, words):
    p = tmp_path / "orgs.json"
    p.write_text(text, "utf-8")
    with pytest.raises(RegistryError) as err:
        load_registry(p)
    assert words in err.value.message and "Exceeds" not in err.value.message


def test_plain_json_registry_still_loads(tmp_path):
    p = tmp_path / "orgs.json"
    p.write_text('{"organizations": [{"name": "某某县人民政府", "children": ["某某县民政局"]}]}', "utf-8")
    (entry,) = load_registry(p)
    assert entry.name == "某某县人民政府" and entry.children[0].name == "某某县民政局"
