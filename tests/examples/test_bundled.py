"""The bundled examples are fixed, cover every layout, and the defect examples carry their defects."""

from __future__ import annotations

from pathlib import Path

from gongkai.examples.bundled import example_texts, write_examples
from gongkai.render.text import LAYOUTS


def test_write_examples_is_deterministic(tmp_path: Path) -> None:
    first = write_examples(tmp_path / "a")
    second = write_examples(tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    assert 8 <= len(first) <= 12
    for a, b in zip(first, second):
        assert a.read_text("utf-8") == b.read_text("utf-8")


def test_one_example_per_layout_plus_2019_and_defects() -> None:
    names = list(example_texts())
    for layout in LAYOUTS:
        assert any(layout in n for n in names), layout
    assert any("2019" in n for n in names)
    assert sum("defect" in n for n in names) == 3


def test_every_example_has_the_six_sections() -> None:
    for name, text in example_texts().items():
        for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
            assert heading in text, (name, heading)


def test_defect_examples() -> None:
    texts = example_texts()
    street = next(t for n, t in texts.items() if "street_rules" in n)
    assert "街道办事处" in street
    assert any(line.startswith("规章 | 1 |") for line in street.splitlines())
    fee = next(t for n, t in texts.items() if "narrative_and_fee" in n)
    assert "信息处理费" not in fee.split("六、其他需要报告的事项")[1]
    missing = next(t for n, t in texts.items() if "missing_value" in n)
    row = next(line for line in missing.splitlines() if line.startswith("二、上年结转政府信息公开申请数量 |"))
    assert len([c for c in row.split(" | ")[1:] if c.strip(" |")]) == 6
