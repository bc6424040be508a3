"""Every layout prints every label and every cell in the standard order; output is deterministic."""

from __future__ import annotations

import random
import re

import pytest

from gongkai.spec import ReportSpec
from gongkai.examples.generate import random_spec
from gongkai.render.text import format_value
from gongkai.render.layouts import BLANK_CAPABLE, LAYOUTS, render_text
from gongkai.standard import get_format

PAGE_LINE = re.compile(r"^(- \d+ -|第 \d+ 页 共 \d+ 页)$")
FOOTER_LINE = re.compile(r"^主办：")
VALUE = re.compile(r"(?<![\w.\-])(-?\d+(?:\.\d+)?|/)(?![\w.、．/])")


def _spec(seed: int, format_id: str = "2021", **kw) -> ReportSpec:
    return random_spec(random.Random(seed), format_id, allow_blank=False, **kw)


def _clean(text: str) -> str:
    """Drop page noise lines."""
    return "\n".join(line for line in text.split("\n") if not PAGE_LINE.match(line) and not FOOTER_LINE.match(line))


def _region(text: str, fmt, no: int) -> str:
    """The text of section ``no``: from its heading line to the next section heading line."""
    heads = {s.no: f"{'零一二三四五六'[s.no]}、{s.title}" for s in fmt.sections}
    lines = text.split("\n")
    start = lines.index(heads[no])
    end = lines.index(heads[no + 1])
    return "\n".join(lines[start + 1 : end])


def _expected_labels(fmt, table: str) -> list[str]:
    if table == "proactive":
        return [r.label for r in fmt.proactive_rows]
    if table == "requests":
        return [r.label for r in fmt.request_rows]
    return [label for _, label in fmt.appeals_columns]


TABLE_SECTION = {"proactive": 2, "requests": 3, "appeals": 4}


def _assert_in_order(haystack: str, needles: list[str]) -> None:
    pos = 0
    for needle in needles:
        found = haystack.find(needle, pos)
        assert found >= 0, f"{needle!r} not found after offset {pos}"
        pos = found + len(needle)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("format_id", ["2021", "2019"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_every_label_and_cell_in_order(layout: str, format_id: str, seed: int) -> None:
    spec = _spec(seed, format_id, activity="busy" if seed % 2 else None)
    fmt = get_format(format_id)
    text = _clean(render_text(spec, layout, random.Random(seed), variants=False))
    for table, no in TABLE_SECTION.items():
        region = _region(text, fmt, no)
        squeezed = re.sub(r"\s+", "", region)
        _assert_in_order(squeezed, [re.sub(r"\s+", "", label) for label in _expected_labels(fmt, table)])
        expected = [format_value(spec.values[c]) for c in fmt.cells_of(table)]
        tokens = VALUE.findall(region)
        assert tokens[-len(expected) :] == expected, table


@pytest.mark.parametrize("layout", LAYOUTS)
def test_titles_and_figures(layout: str) -> None:
    spec = _spec(11, activity="busy")
    spec.state_figures = True
    text = render_text(spec, layout, random.Random(3), variants=False)
    squeezed = re.sub(r"\s+", "", _clean(text))
    assert spec.organization in squeezed
    for section in spec.format.sections:
        assert f"{'零一二三四五六'[section.no]}、{section.title}" in text
    assert "信息处理费" in text.split("六、其他需要报告的事项")[1]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_deterministic_for_a_fixed_seed(layout: str) -> None:
    spec = _spec(21)
    assert render_text(spec, layout, random.Random(9)) == render_text(spec, layout, random.Random(9))
    assert render_text(spec, layout) == render_text(spec, layout)


def test_different_seeds_give_different_texts() -> None:
    spec = _spec(21)
    assert len({render_text(spec, "pipe_rows", random.Random(s)) for s in range(6)}) > 1


def test_pdf_text_has_page_noise_between_table_rows() -> None:
    fmt = get_format("2021")
    first_row, last_row = fmt.request_rows[0].label, fmt.request_rows[-1].label
    footers = inside = 0
    for seed in range(8):
        text = render_text(_spec(seed, activity="busy"), "pdf_text", random.Random(seed), variants=False)
        lines = text.split("\n")
        pages = [i for i, line in enumerate(lines) if PAGE_LINE.match(line)]
        assert pages, "no page number lines"
        footers += any(FOOTER_LINE.match(line) for line in lines)
        start = next(i for i, line in enumerate(lines) if line.startswith(first_row[:8]))
        end = next(i for i, line in enumerate(lines) if line.startswith(last_row[:8]))
        inside += any(start < p < end for p in pages)
    assert footers >= 2
    assert inside >= 4


def test_pdf_text_prints_group_labels_vertically() -> None:
    text = render_text(_spec(4), "pdf_text", random.Random(4), variants=False)
    assert "三、本" in text.split("\n")
    assert "结\n果\n维\n持" in text


def test_variants_appear_with_an_rng() -> None:
    spec = _spec(2)
    texts = [render_text(spec, "pipe_rows", random.Random(s)) for s in range(20)]
    assert any("(一)予以公开" in t for t in texts)
    assert any("（一）予以公开" in t for t in texts)
    assert any("1、属于国家秘密" in t for t in texts)
    plain = render_text(spec, "pipe_rows", random.Random(1), variants=False)
    assert "（一）予以公开" in plain and "1.属于国家秘密" in plain


def test_blank_and_not_applicable_cells() -> None:
    spec = _spec(5)
    fmt = spec.format
    granted = fmt.request_row("granted").cells[0]
    spec.values[granted] = None
    for cid in next(r for r in fmt.proactive_rows if r.id == "regulations").cells:
        spec.values[cid] = "n/a"
    pipe = render_text(spec, "pipe_rows", variants=False)
    assert "规章 | / | / | / |" in pipe
    assert re.search(r"（一）予以公开 \|  \| ", pipe)
    markdown = render_text(spec, "markdown", variants=False)
    assert re.search(r"（一）予以公开 \|  \| ", markdown)
    cells = render_text(spec, "cell_per_line", variants=False).split("\n")
    assert cells[cells.index("（一）予以公开 |") + 1] == "|"
    opener = render_text(spec, "row_opener", variants=False).split("\n")
    assert opener[opener.index("（一）予以公开 |") + 1].strip() == "|"
    for layout in set(LAYOUTS) - BLANK_CAPABLE:
        with pytest.raises(ValueError):
            render_text(spec, layout)


def test_unknown_layout() -> None:
    with pytest.raises(ValueError):
        render_text(_spec(0), "docx")
