"""Geometry on synthetic words and rulings: lattice tables with merged cells, stream tables with blank
cells, tables continued on the next page, page furniture, vertical and wrapped labels, OCR confidence."""

from __future__ import annotations

from gongkai.readers.assemble import to_document
from gongkai.readers.blocks import Layout, Paragraph, Table
from gongkai.readers.geometry import (
    PageInput,
    Ruling,
    Word,
    build_blocks,
    group_lines,
    is_page_number,
    layout_pages,
)

PAGE = (595.0, 842.0)


def W(text: str, x0: float, top: float, page: int = 1, size: float = 10.0, conf: float | None = None) -> Word:
    """A word whose glyphs are ``size`` wide (CJK) or half that (digits and Latin)."""
    width = sum(size if ord(ch) > 0x2000 else size / 2 for ch in text)
    return Word(text, (x0, top, x0 + width, top + size), page, conf)


def grid_rulings(
    xs: list[float],
    ys: list[float],
    page: int = 1,
    skip_h: set[tuple[int, int]] = frozenset(),
    skip_v: set[tuple[int, int]] = frozenset(),
) -> list[Ruling]:
    """Lines of a full grid, each cell edge a separate thin rectangle; ``skip_h`` holds (line, column) pairs
    of horizontal edges left out (a merged cell), ``skip_v`` (line, row) pairs of vertical edges."""
    out = []
    for i, y in enumerate(ys):
        for j in range(len(xs) - 1):
            if (i, j) not in skip_h:
                out.append(Ruling(xs[j], y - 0.25, xs[j + 1], y + 0.25, page))
    for j, x in enumerate(xs):
        for i in range(len(ys) - 1):
            if (j, i) not in skip_v:
                out.append(Ruling(x - 0.25, ys[i], x + 0.25, ys[i + 1], page))
    return out


def tables(blocks) -> list[Table]:
    return [b for b in blocks if isinstance(b, Table)]


def texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows()]


def test_lattice_with_merged_label_cell() -> None:
    xs, ys = [50, 150, 250, 350], [100, 120, 140, 160]
    # the label in column 0 spans rows 1 and 2: no horizontal edge at line 2 in column 0
    rulings = grid_rulings(xs, ys, skip_h={(2, 0)})
    words = [
        W("信息内容", 55, 105),
        W("制发", 155, 105),
        W("废止", 255, 105),
        W("规章", 55, 135),
        W("3", 160, 125),
        W("4", 260, 125),
        W("5", 160, 145),
        W("6", 260, 145),
        W("正文在表格之后", 50, 200),
    ]
    blocks = build_blocks(words, rulings, PAGE, 1)
    assert isinstance(blocks[0], Table) and isinstance(blocks[1], Paragraph)
    t = blocks[0]
    assert texts(t) == [["信息内容", "制发", "废止"], ["规章", "3", "4"], ["5", "6"]]
    label = next(c for c in t.cells if c.text == "规章")
    assert (label.row, label.col, label.rowspan, label.colspan) == (1, 0, 2, 1)
    assert label.source.page == 1 and label.source.bbox == (50, 120, 150, 160)
    assert blocks[1].text == "正文在表格之后"


def test_lattice_blank_cell_stays_blank() -> None:
    xs, ys = [50, 150, 250, 350, 450], [100, 120]
    words = [W("行政许可", 55, 105), W("7", 160, 105), W("9", 360, 105)]
    t = tables(build_blocks(words, grid_rulings(xs, ys), PAGE, 1))[0]
    assert texts(t) == [["行政许可", "7", "", "9"]]
    doc = to_document(Layout([t], "application/pdf"), "x.pdf")
    assert doc.text == "|行政许可|7||9|"


def test_vertical_and_wrapped_labels_joined() -> None:
    xs, ys = [50, 80, 250, 300], [100, 160]
    words = [
        W("三、", 55, 102),
        W("本", 55, 114),
        W("年", 55, 126),
        W("度", 55, 138),
        W("（二）部分公开（区分处理的", 85, 110),
        W("，只计这一情形）", 85, 122),
        W("12", 260, 115),
    ]
    t = tables(build_blocks(words, grid_rulings(xs, ys), PAGE, 1))[0]
    doc = to_document(Layout([t], "application/pdf"), "x.pdf")
    assert doc.text == "|三、本年度|（二）部分公开（区分处理的，只计这一情形）|12|"


def test_word_across_a_column_line_is_cut() -> None:
    # pdfium saw no gap between two narrow cells: "1234" straddles the line at x=110
    xs, ys = [50, 100, 110, 200], [100, 120]
    words = [W("标签", 55, 105), W("1234", 100, 105)]  # 100..120, the line at 110 cuts it in the middle
    t = tables(build_blocks(words, grid_rulings(xs, ys), PAGE, 1))[0]
    assert texts(t) == [["标签", "12", "34"]]


def test_stream_table_blank_middle_cell() -> None:
    # no rulings: values align in three columns; the second row has nothing in the middle column
    words = [
        W("规章", 60, 100),
        W("10", 300, 100),
        W("20", 380, 100),
        W("30", 460, 100),
        W("规范性文件", 60, 120),
        W("11", 300, 120),
        W("31", 460, 120),
        W("其他", 60, 140),
        W("12", 300, 140),
        W("22", 380, 140),
        W("32", 460, 140),
    ]
    t = tables(build_blocks(words, [], PAGE, 1))[0]
    assert texts(t) == [["规章", "10", "20", "30"], ["规范性文件", "11", "", "31"], ["其他", "12", "22", "32"]]
    blank = t.rows()[1][2]
    assert blank.source.bbox[0] <= 380 and blank.source.bbox[2] >= 390


def test_stream_group_label_is_its_own_cell() -> None:
    # a group label stacked over several lines beside its items: one cell on the row of its first item,
    # never glued to a row label; a row label wrapped around its values' line joins that row
    words = [
        W("1．国家秘密", 100, 100),
        W("1", 300, 100),
        W("2", 380, 100),
        W("(三)", 40, 130),
        W("2．其他", 100, 130),
        W("3", 300, 130),
        W("4", 380, 130),
        W("不予", 40, 145),
        W("3．保护第三方", 100, 160),
        W("5", 300, 160),
        W("6", 380, 160),
        W("公开", 40, 160),
        W("(四)部分公开区分处理", 100, 182),
        W("7", 300, 190),
        W("8", 380, 190),
        W("的情形", 100, 197),
    ]
    t = tables(build_blocks(words, [], PAGE, 1))[0]
    rows = [[c.replace("\n", "") for c in r if c.strip()] for r in texts(t)]
    assert rows == [
        ["(三)不予公开", "1．国家秘密", "1", "2"],
        ["2．其他", "3", "4"],
        ["3．保护第三方", "5", "6"],
        ["(四)部分公开区分处理的情形", "7", "8"],
    ]


def test_stream_column_blank_in_every_row_keeps_its_place() -> None:
    # one row: its middle value is blank, only the header above says a column is there
    words = [
        W("信息内容", 60, 80),
        W("本年制发", 280, 80),
        W("本年废止", 360, 80),
        W("现行有效", 440, 80),
        W("规章", 60, 100),
        W("5", 295, 100),
        W("7", 455, 100),
        W("行政许可", 60, 140),
        W("9", 295, 140),
    ]
    t = tables(build_blocks(words, [], PAGE, 1))[0]
    assert texts(t)[0] == ["规章", "5", "", "7"]


def test_stream_row_blank_throughout_is_a_row() -> None:
    words = [
        W("1．甲", 60, 100),
        W("1", 300, 100),
        W("2", 380, 100),
        W("2．乙", 60, 120),
        W("3．丙", 60, 140),
        W("5", 300, 140),
        W("6", 380, 140),
    ]
    t = tables(build_blocks(words, [], PAGE, 1))[0]
    assert texts(t) == [["1．甲", "1", "2"], ["2．乙", "", ""], ["3．丙", "5", "6"]]


def test_prose_with_numbers_is_not_a_table() -> None:
    words = [
        W("全年共受理申请", 60, 100),
        W("3119", 130, 100),
        W("件，答复", 152, 100),
        W("3050", 192, 100),
        W("件。", 214, 100),
    ]
    blocks = build_blocks(words, [], PAGE, 1)
    assert [type(b) for b in blocks] == [Paragraph]
    assert blocks[0].text == "全年共受理申请3119件，答复3050件。"


def test_page_numbers_dropped() -> None:
    for text in ("- 3 -", "第 3 页 共 6 页", "—3—", "3", "3/6"):
        assert is_page_number(text), text
    assert not is_page_number("2024年")
    words = [
        W("一、总体情况", 60, 100),
        W("-", 280, 800),
        W("3", 290, 800),
        W("-", 300, 800),
        W("第", 280, 20),
        W("3", 292, 20),
        W("页", 300, 20),
    ]
    blocks = build_blocks(words, [], PAGE, 3)
    assert [b.text for b in blocks] == ["一、总体情况"]


def test_running_header_dropped() -> None:
    pages = [
        PageInput([W("某某县人民政府办公室", 60, 30, page=p), W(f"第{p}段正文", 60, 200, page=p)], [], PAGE, p)
        for p in (1, 2, 3)
    ]
    assert [b.text for b in layout_pages(pages)] == ["第1段正文", "第2段正文", "第3段正文"]


def test_table_split_over_two_pages() -> None:
    xs = [50, 100, 250, 350]
    # page 1: the group label "（四）无" is cut by the page break; page 2 holds "法提供" and one more row
    p1 = grid_rulings(xs, [700, 720, 740], page=1)
    w1 = [
        W("序", 55, 702, 1),
        W("标签", 105, 702, 1),
        W("值", 255, 702, 1),
        W("（四）无", 55, 722, 1),
        W("1.不掌握", 105, 722, 1),
        W("5", 260, 722, 1),
    ]
    p2 = grid_rulings(xs, [60, 80, 100], page=2, skip_h={(1, 0)})
    w2 = [
        W("法提供", 55, 62, 2),
        W("2.需另行制作", 105, 62, 2),
        W("6", 260, 62, 2),
        W("3.不明确", 105, 82, 2),
        W("7", 260, 82, 2),
        W("-", 280, 800, 2),
        W("2", 290, 800, 2),
    ]
    blocks = layout_pages([PageInput(w1, p1, PAGE, 1), PageInput(w2, p2, PAGE, 2)])
    assert len(blocks) == 1
    doc = to_document(Layout(blocks, "application/pdf"), "x.pdf")
    assert doc.text.split("\n") == ["|序|标签|值|", "|（四）无法提供|1.不掌握|5|", "|2.需另行制作|6|", "|3.不明确|7|"]
    group = next(c for c in blocks[0].cells if c.text.startswith("（四）"))
    assert group.rowspan == 3


def test_different_tables_on_consecutive_pages_not_joined() -> None:
    p1 = grid_rulings([50, 150, 250], [700, 720], page=1)
    p2 = grid_rulings([50, 100, 300, 400], [60, 80], page=2)
    blocks = layout_pages(
        [
            PageInput([W("甲", 55, 702, 1), W("1", 160, 702, 1)], p1, PAGE, 1),
            PageInput([W("乙", 55, 62, 2), W("2", 110, 62, 2), W("3", 310, 62, 2)], p2, PAGE, 2),
        ]
    )
    assert len(tables(blocks)) == 2


def test_wrapped_title_and_sentence_joined_across_lines_and_pages() -> None:
    # lines filling the text width continue; an indented line starts a new paragraph
    first, second = "正文第一段" * 7 + "正文第", "正文第二段" * 7 + "正文第"  # 38 characters: 80 → 460
    p1 = [
        W("某某县人民政府二〇二四年政府信息公开工作", 60, 60, 1, size=20),  # 60 → 460
        W("年度报告", 220, 85, 1, size=20),  # centred
        W(first, 80, 200, 1),
        W("一段结束。", 60, 215, 1),
        W(second, 80, 800, 1),
    ]
    p2 = [W("二段在下一页继续。", 60, 80, 2)]
    blocks = layout_pages([PageInput(p1, [], PAGE, 1), PageInput(p2, [], PAGE, 2)])
    assert [b.text for b in blocks] == [
        "某某县人民政府二〇二四年政府信息公开工作年度报告",
        first + "一段结束。",
        second + "二段在下一页继续。",
    ]
    last = blocks[-1]
    assert {p.source.page for p in last.pieces} == {1, 2}


def test_ocr_confidence_is_the_minimum() -> None:
    xs, ys = [50, 150, 250], [100, 120]
    words = [
        W("行政", 55, 105, conf=0.9),
        W("许可", 75, 105, conf=0.6),
        W("8", 160, 105, conf=0.99),
        W("说明文字", 60, 200, conf=0.8),
    ]
    blocks = build_blocks(words, grid_rulings(xs, ys), PAGE, 1)
    t = tables(blocks)[0]
    assert [c.source.confidence for c in t.rows()[0]] == [0.6, 0.99]
    assert blocks[1].source.confidence == 0.8


def test_group_lines_by_vertical_overlap() -> None:
    words = [W("b", 100, 101), W("a", 50, 100), W("c", 50, 120)]
    lines = group_lines(words)
    assert [ln.text for ln in lines] == ["a b", "c"]


def test_glyph_runs_of_one_number_in_a_cell_are_one_value() -> None:
    # "19" as two glyph runs (issue 11 class 6): 498.1–501.9 and 502.9–507.6, a 1.0 gap at a 9.6 high box
    xs, ys = [380, 460, 540], [100, 120]
    words = [
        W("行政许可", 385, 105),
        Word("1", (498.1, 105, 501.9, 114.6), 1),
        Word("9", (502.9, 105, 507.6, 114.6), 1),
    ]
    t = tables(build_blocks(words, grid_rulings(xs, ys), PAGE, 1))[0]
    assert texts(t) == [["行政许可", "19"]]


def test_glyph_runs_are_never_joined_across_a_cell_line() -> None:
    # the same two runs with a column line between them are two cells
    xs, ys = [380, 460, 502.4, 540], [100, 120]
    words = [
        W("行政许可", 385, 105),
        Word("1", (498.1, 105, 501.9, 114.6), 1),
        Word("9", (502.9, 105, 507.6, 114.6), 1),
    ]
    t = tables(build_blocks(words, grid_rulings(xs, ys), PAGE, 1))[0]
    assert texts(t) == [["行政许可", "1", "9"]]


def test_runs_a_space_apart_stay_apart_in_a_cell() -> None:
    # a gap as wide as a space (about a quarter of the glyph height) is a separator, not a glyph gap
    xs, ys = [380, 460, 540], [100, 120]
    words = [
        W("行政许可", 385, 105),
        Word("1", (490.0, 105, 494.8, 114.6), 1),
        Word("9", (497.2, 105, 502.0, 114.6), 1),
    ]
    t = tables(build_blocks(words, grid_rulings(xs, ys), PAGE, 1))[0]
    assert texts(t) == [["行政许可", "1 9"]]
