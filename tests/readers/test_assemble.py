"""Layouts from structured readers become documents the text parser reads, with every cell's source kept."""

from __future__ import annotations

from gongkai.document import Document
from gongkai.parsing.tokens import Kind, tokenize
from gongkai.readers.assemble import cell_text, join_lines, to_document
from gongkai.readers.blocks import Layout, Paragraph, Piece, Source, Table, TableCell


def test_join_lines_cjk_without_space_words_with_space():
    assert join_lines(["三、", "本", "年", "度"]) == "三、本年度"
    assert (
        join_lines(["（二）部分公开（区分处理的，只计这一情", "形，不计其他情形）"])
        == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    )
    assert join_lines(["Page", "3"]) == "Page 3"
    assert cell_text("a|b") == "a｜b"


def _table() -> Table:
    cells = [
        TableCell(0, 0, "三、本年度办理结果", rowspan=2, source=Source(dom_path="/t/tr[1]/td[1]")),
        TableCell(0, 1, "（一）予以公开", source=Source(dom_path="/t/tr[1]/td[2]")),
        TableCell(0, 2, "5", source=Source(dom_path="/t/tr[1]/td[3]")),
        TableCell(0, 3, "", source=Source(dom_path="/t/tr[1]/td[4]")),
        TableCell(1, 1, "（二）部分公开", source=Source(dom_path="/t/tr[2]/td[1]")),
        TableCell(1, 2, "7", source=Source(page=2, bbox=(1, 2, 3, 4))),
        TableCell(1, 3, "8", source=Source(page=2, bbox=(5, 6, 7, 8), confidence=0.5)),
    ]
    return Table(cells, source=Source(dom_path="/t"))


def test_table_rows_are_pipe_lines_and_spans_appear_once():
    doc = to_document(Layout([Paragraph("标题"), _table()], "text/html"), "x.html")
    assert doc.text.split("\n") == ["标题", "|三、本年度办理结果|（一）予以公开|5||", "|（二）部分公开|7|8|"]
    assert doc.media_type == "text/html"


def test_every_token_finds_its_source():
    doc = to_document(Layout([Paragraph("标题"), _table()], "text/html"), "x.html")
    toks = tokenize(doc)
    by_raw = {t.raw: t for t in toks if t.kind is not Kind.BLANK}
    assert doc.locate(by_raw["5"].offset).dom_path == "/t/tr[1]/td[3]"
    blank = next(t for t in toks if t.kind is Kind.BLANK)
    assert doc.locate(blank.offset).dom_path == "/t/tr[1]/td[4]"
    pos = doc.enrich(by_raw["8"].position)
    assert (pos.page, pos.bbox, pos.confidence) == (2, (5, 6, 7, 8), 0.5)
    assert pos.to_dict()["confidence"] == 0.5
    # the row anchor covers text between cells; the cell anchor is the innermost
    assert doc.locate(by_raw["（二）部分公开"].offset).dom_path == "/t/tr[2]/td[1]"


def test_paragraph_pieces_give_line_level_sources():
    para = Paragraph(
        "第一行\n第二行",
        source=Source(page=1),
        pieces=(Piece(0, 3, Source(page=1, bbox=(0, 0, 1, 1))), Piece(4, 3, Source(page=1, bbox=(0, 2, 1, 3)))),
    )
    doc = to_document(Layout([para], "application/pdf"), "x.pdf")
    assert doc.text == "第一行\n第二行"
    assert doc.locate(doc.text.index("第二行")).bbox == (0, 2, 1, 3)


def test_plain_text_has_no_sources():
    doc = Document.from_text("a\nb")
    assert doc.locate(0) is None
    pos = doc.lines[0].position(0, 1)
    assert doc.enrich(pos) is pos


def test_empty_label_cells_are_dropped_but_blank_values_kept():
    # an unmerged grid: the group label's covered cells are left empty, one value is blank
    cells = [
        TableCell(0, 0, "三、本年度办理结果"),
        TableCell(0, 1, "（三）不予公开"),
        TableCell(0, 2, "1.属于国家秘密"),
        TableCell(0, 3, "1"),
        TableCell(0, 4, ""),
        TableCell(0, 5, "1"),
        TableCell(1, 0, ""),
        TableCell(1, 1, ""),
        TableCell(1, 2, "2.其他法律行政法规禁止公开"),
        TableCell(1, 3, ""),
        TableCell(1, 4, "2"),
        TableCell(1, 5, "2"),
    ]
    doc = to_document(Layout([Table(cells)], "text/html"), "x")
    assert doc.text.split("\n") == [
        "|三、本年度办理结果|（三）不予公开|1.属于国家秘密|1||1|",
        "|2.其他法律行政法规禁止公开||2|2|",
    ]


def test_a_value_column_blank_in_every_row_keeps_its_blanks():
    cells = [
        TableCell(0, 0, "申请人情况"),
        TableCell(0, 1, "自然人"),
        TableCell(0, 2, "商业企业"),
        TableCell(1, 0, "（一）予以公开"),
        TableCell(1, 1, ""),
        TableCell(1, 2, "3"),
        TableCell(2, 0, "（二）部分公开"),
        TableCell(2, 1, ""),
        TableCell(2, 2, "4"),
    ]
    doc = to_document(Layout([Table(cells)], "application/pdf", pages=2, notes=["第2页经文字识别读取"]), "x")
    assert doc.text.split("\n")[1:] == ["|（一）予以公开||3|", "|（二）部分公开||4|"]
    assert doc.pages == 2 and doc.notes == ("第2页经文字识别读取",)


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from gongkai.document import Anchor  # noqa: E402


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 30)), min_size=1, max_size=25))
def test_locate_finds_the_innermost_anchor(spans):
    anchors = [Anchor(a, a + n, Source(page=i)) for i, (a, n) in enumerate(spans)]
    doc = Document.from_text("x" * 100, anchors=tuple(sorted(anchors, key=lambda a: (a.start, -a.end))))
    order = {id(a.source): i for i, a in enumerate(doc.anchors)}
    for offset in range(100):
        covering = [a for a in doc.anchors if a.start <= offset < a.end]
        got = doc.locate(offset)
        if not covering:
            assert got is None
            continue
        shortest = min(a.end - a.start for a in covering)
        best = max((a for a in covering if a.end - a.start == shortest), key=lambda a: order[id(a.source)])
        assert got is best.source


def _row_texts(cells):
    doc = to_document(Layout([Table(cells)], "x"), "x")
    return doc.text.split("\n")


def test_label_padding_after_a_spanning_label_is_dropped_when_rows_agree():
    # unmerged grid: "（一）予以公开" covered two columns; most rows have 3 label levels and 3 value columns
    cells = [
        TableCell(0, 0, "三、本年度办理结果"),
        TableCell(0, 1, "（一）予以公开"),
        TableCell(0, 2, ""),
        TableCell(0, 3, ""),
        TableCell(0, 4, "2"),
        TableCell(0, 5, "2"),
    ]
    for r in (1, 2):
        cells += [
            TableCell(r, 0, ""),
            TableCell(r, 1, "（三）不予公开"),
            TableCell(r, 2, f"{r}.项"),
            TableCell(r, 3, "1"),
            TableCell(r, 4, ""),
            TableCell(r, 5, "1"),
        ]
    assert _row_texts(cells)[0] == "|三、本年度办理结果|（一）予以公开||2|2|"


def test_ragged_rows_keep_their_cells_when_the_width_is_unclear():
    # left-aligned rows padded on the right; one row of each kind: nothing is dropped on a guess
    cells = [
        TableCell(0, 0, "3.补正后申请内容仍不明确"),
        *[TableCell(0, c, "") for c in range(1, 7)],
        TableCell(0, 7, "0"),
        TableCell(0, 8, ""),
        TableCell(1, 0, "（五）不予处理"),
        TableCell(1, 1, "1.信访举报投诉类申请"),
        TableCell(1, 2, "0"),
        *[TableCell(1, c, "") for c in range(3, 9)],
    ]
    assert _row_texts(cells)[0] == "|3.补正后申请内容仍不明确|||||||0||"
