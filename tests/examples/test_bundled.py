"""The bundled examples are fixed, cover every layout, and the defect examples carry their defects."""

from __future__ import annotations

from pathlib import Path

from gongkai.examples.bundled import example_texts, write_examples
from gongkai.render.layouts import LAYOUTS


def test_write_examples_is_deterministic(tmp_path: Path) -> None:
    first = write_examples(tmp_path / "a", with_pdf=False)
    second = write_examples(tmp_path / "b", with_pdf=False)
    assert [p.name for p in first] == [p.name for p in second]
    assert 10 <= len(first) <= 14
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()


def test_published_form_examples_read_without_error_findings(tmp_path: Path) -> None:
    from gongkai.pipeline import check_path

    paths = write_examples(tmp_path, with_pdf=False)
    media = {}
    for p in paths:
        if p.suffix in (".html", ".docx"):
            report = check_path(p)
            assert report.organization and report.year, p.name
            assert not [f for f in report.findings if f.severity.value == "error"], p.name
            media[p.suffix] = report.media_type
    assert media == {
        ".html": "text/html",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }


def test_one_example_per_layout_plus_2019_and_defects() -> None:
    names = list(example_texts())
    for layout in LAYOUTS:
        assert any(layout in n for n in names), layout
    assert any("2019" in n for n in names)
    assert sum("defect" in n for n in names) == 3


def test_every_example_has_the_six_sections() -> None:
    for name, text in example_texts().items():
        for heading in (
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项",
        ):
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
