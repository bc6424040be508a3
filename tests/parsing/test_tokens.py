from gongkai.document import Document
from gongkai.parsing.tokens import Kind, tokenize


def kinds(text):
    return [(t.kind, t.raw) for t in tokenize(Document.from_text(text))]


def test_pipe_row_on_one_line_with_filler():
    assert kinds("行政许可 | 3 | ||") == [
        (Kind.TEXT, "行政许可"),
        (Kind.VALUE, "3"),
        (Kind.BLANK, ""),
        (Kind.BLANK, ""),
    ]


def test_cell_per_line_blank_cells_are_bare_pipes():
    assert kinds("规章 |\n|\n5 |") == [(Kind.TEXT, "规章"), (Kind.BLANK, ""), (Kind.VALUE, "5")]


def test_space_separated_row_splits_values_and_keeps_label_words_together():
    assert kinds("结果 纠正 0 12") == [(Kind.TEXT, "结果 纠正"), (Kind.VALUE, "0"), (Kind.VALUE, "12")]


def test_positions_point_at_the_cell():
    toks = tokenize(Document.from_text("标题\n行政处罚 | 17 |"))
    value = toks[-1]
    assert (value.position.line, value.position.column, value.raw) == (2, 8, "17")
    assert value.position.offset == len("标题\n行政处罚 | ")


def test_cut_off_value_at_end_is_marked_unterminated():
    assert tokenize(Document.from_text("规章 | 1"))[-1].terminated is False
    assert tokenize(Document.from_text("规章 | 1 "))[-1].terminated is True
