"""Matching the organization printed in a report to the registry."""

from __future__ import annotations

import pytest

from gongkai.orgs.registry import OrgNode
from gongkai.orgs import OrgIndex, derive_parent, load_registry, normalize
from tests.orgs import SAMPLE


def index_from(text: str) -> tuple[OrgIndex, dict[str, int]]:
    """Ids in walk order, as the database would give them."""
    nodes, aliases, ids = [], [], {}

    def visit(entry, parent):
        ids[entry.name] = len(ids) + 1
        nodes.append(OrgNode(ids[entry.name], entry.name, entry.kind, entry.level, parent))
        aliases.extend((ids[entry.name], a, "alias", None) for a in entry.aliases)
        aliases.extend((ids[entry.name], n, "former", u) for n, u in entry.former)
        for child in entry.children:
            visit(child, ids[entry.name])

    for top in load_registry(text):
        visit(top, None)
    return OrgIndex.build(nodes, aliases), ids


@pytest.fixture(scope="module")
def sample():
    return index_from(SAMPLE)


def test_normalize():
    assert normalize(" 青禾市 桐溪区（试点）城市运行管理中心 ") == "青禾市桐溪区(试点)城市运行管理中心"
    assert normalize("ＡＢＣ局") == "ABC局"
    assert normalize("青禾市民政局2023年度政府信息公开工作年度报告") == "青禾市民政局"
    assert normalize("青禾市民政局2023年") == "青禾市民政局"
    assert normalize("青禾市民政局年度") == "青禾市民政局"
    assert normalize("青禾市青少年") == "青禾市青少年"  # a bare 年 is part of the name
    assert normalize("杏林街道") == normalize("杏林街道办") == normalize("杏林街道办事处")
    assert normalize("青禾市政府") == "青禾市人民政府"


def test_exact(sample):
    index, ids = sample
    m = index.match("青禾市桐溪区城市运行管理中心", 2023)
    assert (m.status, m.org_id, m.candidates) == ("exact", ids["青禾市桐溪区城市运行管理中心"], (m.org_id,))
    assert index.match("青禾市桐溪区城市运行管理中心2023年度政府信息公开工作年度报告").status == "exact"
    assert index.match("青禾市 桐溪区城市运行管理中心").status == "exact"
    assert index.match("青禾市政府").status == "exact"  # 政府 and 人民政府 are one spelling


def test_alias(sample):
    index, ids = sample
    m = index.match("桐溪区城运中心", 2023)
    assert (m.status, m.org_id) == ("alias", ids["青禾市桐溪区城市运行管理中心"])
    assert "别名" in m.note


def test_former_name_after_reorganisation(sample):
    index, ids = sample
    center = ids["青禾市桐溪区城市运行管理中心"]
    m = index.match("青禾市桐溪区城市管理局", 2021)
    assert (m.status, m.org_id) == ("former", center)
    assert "青禾市桐溪区城市运行管理中心" in m.note and "晚于" not in m.note
    late = index.match("青禾市桐溪区城市管理局", 2024)  # the old name used after `until`: still this body
    assert (late.status, late.org_id) == ("former", center)
    assert "2024" in late.note and "2022" in late.note
    short = index.match("区城市管理局", 2021)
    assert (short.status, short.org_id) == ("former", center)


@pytest.mark.parametrize("printed", ["桐溪区城市运行管理中心", "桐溪区 城市运行管理中心（2023年度）"])
def test_short_unique(sample, printed):
    index, ids = sample
    m = index.match(printed, 2023)
    assert (m.status, m.org_id) == ("short", ids["青禾市桐溪区城市运行管理中心"])
    assert "青禾市桐溪区城市运行管理中心" in m.note


def test_short_street_and_town(sample):
    index, ids = sample
    assert index.match("杏林街道").org_id == ids["青禾市桐溪区杏林街道办事处"]
    assert index.match("桐溪区杏林街道办").status == "short"
    assert index.match("石桥镇人民政府").org_id == ids["青禾市桐溪区石桥镇人民政府"]
    assert index.match("桐溪区人民政府").org_id == ids["青禾市桐溪区人民政府"]


@pytest.mark.parametrize("printed", ["区城市运行管理中心", "本区城市运行管理中心"])
def test_short_ambiguous_resolved_by_hint(sample, printed):
    index, ids = sample
    both = tuple(sorted([ids["青禾市桐溪区城市运行管理中心"], ids["青禾市梅岭区城市运行管理中心"]]))
    m = index.match(printed, 2023)
    assert (m.status, m.org_id, m.candidates) == ("ambiguous", None, both)
    hinted = index.match(printed, 2023, hint="/data/青禾市/梅岭区/2023/年报.pdf")
    assert (hinted.status, hinted.org_id, hinted.candidates) == ("short", ids["青禾市梅岭区城市运行管理中心"], both)
    assert "线索" in hinted.note
    stem = index.match(printed, 2023, hint="reports/桐溪_2023.docx")  # the place without its 区
    assert stem.org_id == ids["青禾市桐溪区城市运行管理中心"]
    # a hint naming both places (or only their city) leaves it open
    assert index.match(printed, 2023, hint="青禾市/桐溪区与梅岭区合集").status == "ambiguous"
    assert index.match(printed, 2023, hint="青禾市/合集").status == "ambiguous"


def test_bare_function_name(sample):
    index, ids = sample
    m = index.match("城市运行管理中心", 2023)
    assert m.status == "ambiguous" and len(m.candidates) == 3
    county = index.match("城市运行管理中心", 2023, hint="/x/澜川县/a.pdf")
    assert (county.status, county.org_id) == ("short", ids["澜川县城市运行管理中心"])
    assert index.match("县城市运行管理中心").org_id == ids["澜川县城市运行管理中心"]


def test_unmatched(sample):
    index, _ = sample
    assert index.match("青禾市桐溪区民政局", 2023).status == "unmatched"
    assert index.match("", 2023).status == "unmatched"
    assert index.match("2023年度政府信息公开工作年度报告").status == "unmatched"


def test_derive_parent(sample):
    index, ids = sample
    assert derive_parent("青禾市桐溪区民政局", index) == ids["青禾市桐溪区人民政府"]
    assert derive_parent("青禾市教育局", index) == ids["青禾市人民政府"]
    assert derive_parent("青禾市新城区人民政府", index) == ids["青禾市人民政府"]
    assert derive_parent("青禾市桐溪区人民政府", index) == ids["青禾市人民政府"]  # not itself
    assert derive_parent("青禾市桐溪区杏林街道社区卫生服务中心", index) == ids["青禾市桐溪区杏林街道办事处"]
    assert derive_parent("远山县民政局", index) is None


def test_ten_thousand_matches_of_every_kind():
    lines = ["organizations:", "  - name: 青禾市人民政府", "    children:"]
    functions = ["民政局", "教育局", "财政局", "城市运行管理中心", "卫生健康局", "司法局", "交通运输局", "生态环境分局"]
    for d in range(60):
        lines += [f"      - name: 青禾市第{d}区人民政府", "        children:"]
        lines += [f"          - name: 青禾市第{d}区{f}" for f in functions]
    index, _ = index_from("\n".join(lines) + "\n")
    queries = (
        [f"第{d % 60}区{functions[d % 8]}" for d in range(2500)]
        + ["区民政局"] * 2500
        + [f"青禾市第{d % 60}区财政局2023年度" for d in range(2500)]
        + ["不存在的机关"] * 2500
    )
    results = [index.match(q, 2023, hint="/data/青禾市/第7区/x.pdf") for q in queries]
    assert {r.status for r in results} == {"short", "exact", "unmatched"}
