"""Issue 12 reproducers: hostile input ends in a stable code, never a Python exception."""

from __future__ import annotations

import random
import re

import pytest

from gongkai.errors import GongkaiError, InputTooLarge
from gongkai.examples.generate import random_spec
from gongkai.parsing.values import classify
from gongkai.pipeline import check_document
from gongkai.readers import read_bytes
from gongkai.readers.limits import DEFAULT_LIMITS
from gongkai.render.docx import render_docx
from gongkai.render.html import render_html

TOO_MANY = DEFAULT_LIMITS.max_digit_run + 1
HUGE = 5000  # past CPython's 4,300-digit int() limit


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(random_spec(random.Random(1)), random.Random(1)).decode("gb18030")


def _check(text: str):
    return check_document(read_bytes(text.encode("gb18030"), "page.html"))


def test_digit_limit_allows_long_real_figures():
    assert classify("9" * DEFAULT_LIMITS.max_digit_run).value == int("9" * DEFAULT_LIMITS.max_digit_run)


@pytest.mark.parametrize("n", [TOO_MANY, HUGE])
def test_cell_with_too_many_digits_is_e_limit(n):
    with pytest.raises(InputTooLarge) as err:
        classify("9" * n)
    assert err.value.code == "E-LIMIT"


def test_huge_number_in_a_report_table_is_e_limit(page):
    m = re.search(r"(<td[^>]*>)(\d+)(</td>)", page)
    assert m
    bad = page.replace(m.group(0), m.group(1) + "9" * HUGE + m.group(3), 1)
    with pytest.raises(InputTooLarge):
        _check(bad)


def test_huge_number_in_the_narrative_is_e_limit(page):
    from gongkai.parsing.narrative import _value

    with pytest.raises(InputTooLarge):
        _value("1" * HUGE)
    assert _value("1,234") == 1234


def test_huge_colspan_is_e_limit():
    import lxml.html

    from gongkai.readers.html_table import build_grid

    table = lxml.html.fromstring(f'<table><tr><td colspan="{"9" * HUGE}">a</td><td>1</td></tr></table>')
    with pytest.raises(InputTooLarge):
        build_grid(table)
    ok = lxml.html.fromstring('<table><tr><td colspan="2">a</td></tr><tr><td>1</td><td>2</td></tr></table>')
    assert build_grid(ok)


def test_long_digit_run_in_prose_reads_in_linear_work(page):
    # a line of 100,000 digits used to cost quadratic time; it is either read or refused, never a traceback
    p = page.find("<p>")
    bad = page[:p] + "<p>" + "1" * 100_000 + "</p>" + page[p:]
    try:
        _check(bad)
    except GongkaiError as exc:
        assert exc.code in ("E-LIMIT", "E-NOT-REPORT")


@pytest.mark.parametrize("run", ["1" * 100_000, "1 " * 50_000, "第" + "1" * 100_000 + "条", "1," * 50_000])
def test_long_digit_runs_in_a_text_report_end_in_a_report_or_a_code(run):
    from gongkai.render.layouts import render_text

    text = render_text(random_spec(random.Random(4)), "pipe_rows", random.Random(4))
    i = text.find("\n", len(text) // 2)
    try:
        report = check_document(read_bytes((text[:i] + "\n" + run + text[i:]).encode(), "digits.txt"))
    except GongkaiError as exc:
        assert exc.code in ("E-LIMIT", "E-NOT-REPORT")
    else:
        assert report.cells


def test_html_comment_before_a_heading_reads_normally(page):
    plain = _check(page)
    commented = _check(re.sub(r"(<h[1-6][ >])", r"<!-- 注释 -->\1", page))
    assert plain.sections
    assert [s.heading for s in commented.sections] == [s.heading for s in plain.sections]
    assert len(commented.tables) == len(plain.tables)


def test_html_comment_inside_a_heading_before_its_text_reads_normally(page):
    # the heading's text is then the comment's tail, whose getparent() is the comment (fuzzer, issue 12)
    plain = _check(page)
    commented = _check(re.sub(r"(<h[1-6][^>]*>)", r"\1<!-- 注释 -->", page))
    assert [s.heading for s in commented.sections] == [s.heading for s in plain.sections]
    assert len(commented.tables) == len(plain.tables)
    p = page.find("<h3")
    tail = _check(page[:p] + "<div><!-- c -->一、总体情况<br>正文</div>" + page[p:])
    assert tail.sections


def test_docx_entry_with_unknown_zip_version_is_e_corrupt():
    data = bytearray(render_docx(random_spec(random.Random(2)), random.Random(2)))
    # "version needed to extract" in every central-directory header -> 8.4 (84)
    for m in re.finditer(rb"PK\x01\x02", bytes(data)):
        data[m.start() + 6 : m.start() + 8] = (84).to_bytes(2, "little")
    for m in re.finditer(rb"PK\x03\x04", bytes(data)):
        data[m.start() + 4 : m.start() + 6] = (84).to_bytes(2, "little")
    with pytest.raises(GongkaiError) as err:
        read_bytes(bytes(data), "v84.docx")
    assert err.value.code == "E-CORRUPT"


def test_a_table_of_many_rows_is_read_whole(page):
    # getpath per cell made this quadratic (40,000 rows took 19.7 s); DOM paths are now computed per parent
    n = 5000
    rows = "".join(f"<tr><td>项目{i}</td><td>{i}</td></tr>" for i in range(n))
    p = page.find("<h3")
    from gongkai.readers.html import read_html

    layout = read_html((page[:p] + f"<table>{rows}</table>" + page[p:]).encode("gb18030"), "rows.html")
    from gongkai.readers.blocks import Table

    sizes = [len({c.row for c in b.cells}) for b in layout.blocks if isinstance(b, Table)]
    assert n in sizes


def test_a_table_of_40000_rows_is_e_limit_before_it_is_built(page):
    # 2 columns × 40,000 rows took 19.7 s; cells are counted before any table is built
    rows = "".join(f"<tr><td>项目{i}</td><td>{i}</td></tr>" for i in range(40_000))
    p = page.find("<h3")
    with pytest.raises(InputTooLarge) as err:
        _check(page[:p] + f"<table>{rows}</table>" + page[p:])
    assert err.value.code == "E-LIMIT" and "单元格" in err.value.message


def test_table_cell_limit_holds_for_docx_and_counts_every_table():
    from gongkai.readers.limits import Limits

    data = render_docx(random_spec(random.Random(3)), random.Random(3))
    assert read_bytes(data, "ok.docx").text
    with pytest.raises(InputTooLarge):
        read_bytes(data, "small-limit.docx", Limits(max_table_cells=20))
    html = render_html(random_spec(random.Random(3)), random.Random(3))
    with pytest.raises(InputTooLarge):
        read_bytes(html, "small-limit.html", Limits(max_table_cells=20))


@pytest.mark.parametrize("depth", [DEFAULT_LIMITS.max_html_depth + 1, 5000, 100_000])
def test_html_nested_too_deep_is_e_limit_never_recursion(page, depth):
    p = page.find("<h3")
    bad = page[:p] + "<div>" * depth + "x" + "</div>" * depth + page[p:]
    with pytest.raises(InputTooLarge) as err:
        _check(bad)
    assert err.value.code == "E-LIMIT"


def test_html_nested_within_the_limit_reads(page):
    p = page.find("<h3")
    plain = _check(page)
    nested = _check(page[:p] + "<div>" * 200 + "嵌套" + "</div>" * 200 + page[p:])
    assert len(nested.tables) == len(plain.tables)
