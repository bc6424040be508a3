"""The HTML reader: encodings, table grids, boilerplate, DOM paths, Word markup, layout tables, junk."""

from __future__ import annotations

import random

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.errors import (
    EmptyInput,
    GongkaiError,
    InputTooLarge,
    UnreadableInput,
    UnsupportedFormat,
)
from gongkai.examples.generate import random_spec
from gongkai.pipeline import check_document
from gongkai.readers.assemble import to_document
from gongkai.readers.blocks import Paragraph, Table
from gongkai.readers.html import read_html
from gongkai.readers.html_encoding import declared_charset
from gongkai.readers.limits import Limits
from gongkai.render.html import render_html
from gongkai.standard.formats import get_format


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def _tables(layout) -> list[Table]:
    return [b for b in layout.blocks if isinstance(b, Table)]


def _paragraphs(layout) -> list[str]:
    return [b.text for b in layout.blocks if isinstance(b, Paragraph)]


def _grid(table: Table) -> dict[tuple[int, int], str]:
    return {(c.row, c.col): c.text for c in table.cells}


# ---------------------------------------------------------------------------------------------------- encoding


def test_gb2312_label_with_character_outside_gb2312() -> None:
    text = "朱镕基路街道办事处2023年政府信息公开工作年度报告"
    assert "镕".encode("gb18030") and not _encodes("镕", "gb2312")
    data = _page(f"<p>{text}</p>", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    layout = read_html(data.encode("gb18030"), "p.html")
    assert _paragraphs(layout) == [text]


def _encodes(s: str, enc: str) -> bool:
    try:
        s.encode(enc)
    except UnicodeEncodeError:
        return False
    return True


def test_gbk_and_meta_charset_labels_map_to_gb18030() -> None:
    assert declared_charset(b'<meta charset="GBK">') == "gb18030"
    assert declared_charset(b"<meta charset=gb_2312-80>") == "gb18030"
    assert declared_charset(b'<?xml version="1.0" encoding="x-gbk"?>') == "gb18030"
    assert declared_charset(b'<meta charset="utf-8">') == "utf-8"
    assert declared_charset(b"<p>none</p>") is None


def test_utf8_with_bom_and_no_meta() -> None:
    data = "\ufeff".encode() + _page("<p>二〇二三年度报告：堃</p>").encode("utf-8")
    assert _paragraphs(read_html(data, "p.html")) == ["二〇二三年度报告：堃"]


def test_no_meta_gb18030_bytes() -> None:
    data = _page("<p>本年度新收政府信息公开申请5件</p>").encode("gb18030")
    assert _paragraphs(read_html(data, "p.html")) == ["本年度新收政府信息公开申请5件"]


def test_wrong_label_falls_back() -> None:
    # labelled utf-8 but GBK bytes; labelled latin-1 but UTF-8 bytes
    gbk = _page("<p>行政复议</p>", '<meta charset="utf-8">').encode("gb18030")
    assert _paragraphs(read_html(gbk, "p.html")) == ["行政复议"]
    latin = _page("<p>行政诉讼</p>", '<meta charset="iso-8859-1">').encode("utf-8")
    assert _paragraphs(read_html(latin, "p.html")) == ["行政诉讼"]


# ---------------------------------------------------------------------------------------------------- grids

_SPANNED = """<table border=1>
<tr><td rowspan=2 colspan=2>项目</td><td colspan=3>申请人情况</td></tr>
<tr><td>自然人</td><td>法人</td><td>总计</td></tr>
<tr><td rowspan=2>三、本年度办理结果</td><td>（一）予以公开</td><td>1</td><td>2</td><td>3</td></tr>
<tr><td>（二）部分公开</td><td>4</td><td></td><td>4</td></tr>
<tr><td colspan=2>四、结转下年度继续办理</td><td>0</td><td>0</td><td>0</td></tr>
</table>"""


def test_rowspan_and_colspan_put_values_in_their_columns() -> None:
    table = _tables(read_html(_page(_SPANNED).encode(), "t.html"))[0]
    g = _grid(table)
    assert g[(0, 0)] == "项目" and g[(0, 2)] == "申请人情况"
    assert g[(1, 2)] == "自然人" and g[(1, 4)] == "总计"
    assert g[(2, 0)] == "三、本年度办理结果" and g[(2, 1)] == "（一）予以公开" and g[(2, 2)] == "1"
    assert g[(3, 1)] == "（二）部分公开" and g[(3, 2)] == "4" and g[(3, 3)] == "" and g[(3, 4)] == "4"
    assert (3, 0) not in g  # covered by the rowspan
    assert g[(4, 0)] == "四、结转下年度继续办理" and g[(4, 2)] == "0"
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in table.cells}
    assert spans[(0, 0)] == (2, 2) and spans[(2, 0)] == (2, 1) and spans[(4, 0)] == (1, 2)
    lines = to_document(read_html(_page(_SPANNED).encode(), "t.html"), "t.html").text.splitlines()
    assert "|（二）部分公开|4||4|" in lines


def test_absurd_spans_are_clamped() -> None:
    html = """<table><tr><td rowspan=99999 colspan=9999>甲</td><td>1</td></tr>
    <tr><td>2</td></tr><tr><td colspan=40>乙</td><td>3</td></tr></table>"""
    table = _tables(read_html(_page(html).encode(), "t.html"))[0]
    assert table.n_rows == 3
    assert table.n_cols <= 502
    assert all(c.row + c.rowspan <= 3 for c in table.cells)


def test_th_thead_nested_paragraphs_and_br_in_cells() -> None:
    html = """<table><thead><tr><th>信息内容</th><th>本年<br>制发件数</th></tr></thead>
    <tbody><tr><td><p><span>行政</span><span>许可</span></p></td><td><p>12</p></td></tr></tbody></table>"""
    table = _tables(read_html(_page(html).encode(), "t.html"))[0]
    g = _grid(table)
    assert g[(0, 0)] == "信息内容" and g[(0, 1)] == "本年\n制发件数"
    assert g[(1, 0)] == "行政许可" and g[(1, 1)] == "12"
    assert "|信息内容|本年制发件数|" in to_document(read_html(_page(html).encode(), "t"), "t").text


def test_word_markup_and_spacer_row() -> None:
    cell = (
        "<td width=60 style='border:solid windowtext 1.0pt'><p class=MsoNormal align=center><span lang=EN-US "
        "style='font-size:10.5pt;mso-bidi-font-family:宋体'>{}<o:p></o:p></span></p></td>"
    )
    rows = [("行政\n处罚", "7"), ("行政强制", "&nbsp;")]
    html = (
        "<div class=WordSection1><table class=MsoNormalTable border=1 cellspacing=0>"
        + "".join("<tr>" + cell.format(a) + cell.format(b) + "</tr>" for a, b in rows)
        + "<![if !supportMisc]><tr height=0><td width=60 style='border:none'></td><td width=60></td>"
        "<td width=0></td></tr><![endif]></table>"
        + "<p class=MsoNormal><font face=宋体><span lang=EN-US>2023</span>年</font><o:p></o:p></p></div>"
    )
    layout = read_html(_page(html).encode(), "w.html")
    table = _tables(layout)[0]
    assert _grid(table) == {(0, 0): "行政处罚", (0, 1): "7", (1, 0): "行政强制", (1, 1): ""}
    assert _paragraphs(layout) == ["2023年"]


def test_empty_spacer_columns_are_dropped() -> None:
    html = """<table><tr><td>信息内容</td><td></td><td>数量</td></tr>
    <tr><td>行政许可</td><td>&nbsp;</td><td>5</td></tr></table>"""
    table = _tables(read_html(_page(html).encode(), "t.html"))[0]
    assert _grid(table) == {(0, 0): "信息内容", (0, 1): "数量", (1, 0): "行政许可", (1, 1): "5"}


def test_span_stripped_labels_get_their_spans_back() -> None:
    rows = [
        ("三、本年度办理结果", "（一）予以公开", "", "1", ""),
        ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "", "2"),
        ("", "（三）不予公开", "2.其他法律行政法规禁止公开", "0", "0"),
        ("", "（四）无法提供", "1.本机关不掌握相关政府信息", "", ""),
        ("三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作", "1", "1"),
        ("四、结转下年度继续办理", "", "", "3", ""),
    ]
    html = "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + "</table>"
    lines = [x for x in to_document(read_html(_page(html).encode(), "t"), "t").text.splitlines() if x]
    assert lines == [
        "|三、本年度办理结果|（一）予以公开|1||",
        "|（三）不予公开|1.属于国家秘密||2|",
        "|2.其他法律行政法规禁止公开|0|0|",
        "|（四）无法提供|1.本机关不掌握相关政府信息|||",
        "|2.没有现成信息需要另行制作|1|1|",
        "|四、结转下年度继续办理|3||",
    ]


# ---------------------------------------------------------------------------------------------------- layout


def test_one_cell_wrapper_table_and_heading_cells_are_layout() -> None:
    inner = _SPANNED
    html = f"""<table width=900><tr><td>
      <p>某区民政局2023年政府信息公开工作年度报告</p><p>一、总体情况</p><p>正文。</p>
      <p>二、主动公开政府信息情况</p>{inner}</td></tr></table>"""
    layout = read_html(_page(html).encode(), "l.html")
    tables = _tables(layout)
    assert len(tables) == 1 and tables[0].n_cols == 5
    assert _paragraphs(layout)[:2] == ["某区民政局2023年政府信息公开工作年度报告", "一、总体情况"]


def test_portal_made_of_tables_keeps_the_report() -> None:
    html = f"""<table><tr><td class=menu><a href=/>首页</a> <a href=/z>政务公开</a></td><td>站点</td></tr>
    <tr><td width=200><a href=/1>某区民政局2022年政府信息公开工作年度报告</a><br>
      <a href=/2>某区民政局2021年政府信息公开工作年度报告</a></td>
      <td><p>一、总体情况</p><p>正文。</p><p>三、收到和处理政府信息公开申请情况</p>{_SPANNED}</td></tr></table>"""
    layout = read_html(_page(html).encode(), "l.html")
    assert len(_tables(layout)) == 1
    text = "\n".join(_paragraphs(layout))
    assert "2022年" not in text and "首页" not in text and "一、总体情况" in text


def test_nested_table_is_its_own_table_and_not_in_the_outer_cell() -> None:
    html = """<table><tr><td>甲</td><td>乙</td><td>丙</td></tr>
    <tr><td>说明<table><tr><td>内一</td><td>内二</td></tr></table></td><td>9</td><td>8</td></tr></table>"""
    tables = _tables(read_html(_page(html).encode(), "n.html"))
    assert len(tables) == 2
    outer, inner = tables
    assert _grid(outer)[(1, 0)] == "说明"
    assert _grid(inner) == {(0, 0): "内一", (0, 1): "内二"}


# ---------------------------------------------------------------------------------------------------- boilerplate


def test_portal_boilerplate_is_removed_and_title_kept() -> None:
    for seed in range(6):
        spec = random_spec(random.Random(seed), "2021")
        data = render_html(spec, random.Random(seed), style="rowspan", portal=True)
        text = to_document(read_html(data, "p.html"), "p.html").text
        for junk in (
            "ICP备",
            "相关链接",
            "上一篇",
            "下一篇",
            "分享到",
            "打印本页",
            "当前位置",
            "网站标识码",
            "首页",
            "索引号",
            f"{spec.year - 1}年政府信息公开工作年度报告",
            "var _hmt",
        ):
            assert junk not in text, (seed, junk)
        assert text.splitlines()[0] == f"{spec.organization}{spec.year}年政府信息公开工作年度报告"


def test_title_taken_from_page_title_when_body_lacks_it() -> None:
    body = f"<div id=content><p>一、总体情况</p><p>正文。</p><p>二、主动公开政府信息情况</p>{_SPANNED}</div>"
    head = "<title>某县财政局2022年政府信息公开工作年度报告_某县人民政府</title>"
    layout = read_html(_page(body, head).encode(), "t.html")
    assert _paragraphs(layout)[0] == "某县财政局2022年政府信息公开工作年度报告"


def test_h1_above_content_is_the_title_not_sidebar_links() -> None:
    body = f"""<div class=left><ul><li><a>某县财政局2021年政府信息公开工作年度报告</a></li>
      <li><a>某县财政局2020年政府信息公开工作年度报告</a></li></ul></div>
    <div class=right><h1>某县财政局2022年政府信息公开工作年度报告</h1>
      <div class=con><p>一、总体情况</p><p>正文。</p><p>二、主动公开政府信息情况</p>{_SPANNED}</div></div>"""
    layout = read_html(_page(body).encode(), "t.html")
    assert _paragraphs(layout)[0] == "某县财政局2022年政府信息公开工作年度报告"
    assert not any("2021年" in p for p in _paragraphs(layout))


def test_paragraph_whitespace_and_source_wraps() -> None:
    body = "<p>\u3000\u3000本年度&nbsp;&nbsp;新收\n申请<b>5</b>件</p><div>第一行<br>第二行</div>"
    layout = read_html(_page(body).encode(), "w.html")
    assert _paragraphs(layout) == ["本年度 新收申请5件", "第一行\n第二行"]
    assert layout.blocks[0].source.dom_path == "/html/body/p"


# ---------------------------------------------------------------------------------------------------- dom paths


@pytest.mark.parametrize("style", ["rowspan", "word", "flat", "th_header"])
def test_cell_dom_path_points_at_its_td(style: str) -> None:
    spec = random_spec(random.Random(21), "2021")
    data = render_html(spec, random.Random(5), style=style, portal=True, encoding="gb18030")
    report = check_document(to_document(read_html(data, "p.html"), "p.html"))
    tree = lxml.html.document_fromstring(data.decode("gb18030"))
    checked = 0
    for cid in (
        "requests.received.total",
        "requests.withheld.state_secret.natural_person",
        "proactive.administrative_penalty.decisions",
        "appeals.review.upheld",
    ):
        cell = report.cells.get(cid)
        if cell is None:
            cid = next(c for c in report.cells if c.startswith(cid.split(".")[0]))
            cell = report.cells[cid]
        path = cell.position.dom_path
        assert path and path.startswith("/html/body/"), (cid, path)
        (el,) = tree.xpath(path)
        assert el.tag in ("td", "th")
        assert "".join(el.text_content().split()) == cell.raw.replace(" ", ""), (cid, path)
        checked += 1
    assert checked == 4


# ---------------------------------------------------------------------------------------------------- junk


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyInput),
        (b"   \n\t ", EmptyInput),
        (b"<html></html>", EmptyInput),
        (b"<html><body><script>var a=1;</script></body></html>", EmptyInput),
        (b"\x00\x01\x02\x03\x04\x05\x06\x07" * 200, UnreadableInput),
        (b"%PDF-1.7\n%\xe2\xe3", UnsupportedFormat),
        (b"PK\x03\x04\x14\x00", UnsupportedFormat),
    ],
)
def test_junk_gives_a_clear_error(data: bytes, error: type[GongkaiError]) -> None:
    with pytest.raises(error) as info:
        read_html(data, "junk.html")
    assert info.value.source == "junk.html"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)


def test_too_large() -> None:
    with pytest.raises(InputTooLarge):
        read_html(b"<p>x</p>" * 100, "big.html", Limits(max_html_bytes=100))


def test_span_bomb_is_refused() -> None:
    row = "<tr>" + "<td rowspan=500 colspan=500>x</td>" * 40 + "</tr>"
    with pytest.raises(InputTooLarge):
        read_html(_page("<table>" + row * 500 + "</table>").encode(), "bomb.html")


def test_heading_caption_row_keeps_a_data_table() -> None:
    html = """<p>一、总体情况</p><p>正文。</p>
    <table><tr><td colspan=3>二、主动公开政府信息情况</td></tr>
    <tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td></tr>
    <tr><td>规章</td><td>1</td><td>0</td></tr></table><caption>不是表题</caption>"""
    layout = read_html(_page(html).encode(), "c.html")
    (table,) = _tables(layout)
    assert _grid(table)[(2, 0)] == "规章" and _grid(table)[(2, 1)] == "1"


def test_table_caption_becomes_a_paragraph() -> None:
    html = "<table><caption>表一 主动公开</caption><tr><td>规章</td><td>1</td></tr></table>"
    layout = read_html(_page(html).encode(), "c.html")
    assert isinstance(layout.blocks[0], Paragraph) and layout.blocks[0].text == "表一 主动公开"
    assert isinstance(layout.blocks[1], Table)


def test_signature_with_layout_class_is_kept_inside_the_report() -> None:
    body = f"""<div class=left><a>首页</a></div><div class=article>
      <p>一、总体情况</p><p>正文。</p><p>二、主动公开政府信息情况</p>{_SPANNED}
      <p class=right>某县财政局</p><p class="right">2023年1月20日</p></div>"""
    paras = _paragraphs(read_html(_page(body).encode(), "s.html"))
    assert paras[-2:] == ["某县财政局", "2023年1月20日"]


def test_title_in_article_header_inside_the_container() -> None:
    body = f"""<article><header><h1>某县财政局2022年政府信息公开工作年度报告</h1></header>
      <p>一、总体情况</p><p>正文。</p><p>二、主动公开政府信息情况</p>{_SPANNED}</article>"""
    assert _paragraphs(read_html(_page(body).encode(), "t.html"))[0] == "某县财政局2022年政府信息公开工作年度报告"


def test_deeply_nested_page_is_read_or_refused_cleanly() -> None:
    inner = "<p>一、总体情况</p><p>二、主动公开政府信息情况</p>"
    layout = read_html(_page("<div>" * 400 + inner + "</div>" * 400).encode(), "d.html")
    assert _paragraphs(layout) == ["一、总体情况", "二、主动公开政府信息情况"]
    with pytest.raises(GongkaiError):
        read_html(_page("<div>" * 5000 + inner + "</div>" * 5000).encode(), "d.html")


# -- class 1 of issue 11: table 四 as a clean grid, two header rows, a value row of 15 cells, blanks anywhere

_APPEALS_HEAD = (
    '<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>'
    "<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>"
    '<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>'
)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.integers(0, 99)), min_size=15, max_size=15).filter(
        lambda v: (
            any(x is not None for x in v[:5])
            and any(x is not None for x in v[5:10])
            and any(x is not None for x in v[10:])
        )
    )
)
def test_blank_cells_in_a_label_less_value_row_keep_their_columns(values: list[int | None]) -> None:
    """A blank value cell ("&nbsp;") holds its own column: nothing is read one column to the right, and each
    cell's position is its own ``<td>``, never the ``<table>``."""
    row = "".join("<td>&nbsp;</td>" if v is None else f"<td>{v}</td>" for v in values)
    body = (
        "<p>某某市某某局2021年政府信息公开工作年度报告</p><p>四、政府信息公开行政复议、行政诉讼情况</p>"
        f'<table border="1">{_APPEALS_HEAD}<tr>{row}</tr></table>'
    )
    report = check_document(to_document(read_html(_page(body).encode("utf-8"), "t.html"), "t.html"))
    ids = get_format("2021").appeals_cell_ids
    for i, (cell_id, v) in enumerate(zip(ids, values, strict=True)):
        cell = report.cells[cell_id]
        assert cell.value == v and (cell.raw == "") == (v is None), (cell_id, values)
        assert cell.position.dom_path.endswith(f"/tr[3]/td[{i + 1}]"), (cell_id, cell.position.dom_path)
