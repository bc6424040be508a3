"""Issue 11 follow-up, class 5: a character of a vertical group label (the "无" of （四）无法提供, printed one
character per line) left of a stream table's value columns is label text, never a value. Constructed on
synthetic words: table 三 printed without lines, its 总计 column blank in every row and unnamed (so each row
prints one value short), and a lone "无" in the group-label column. Read as a value it would complete the row
before it and be stated as that row's 总计 ("not applicable")."""

from __future__ import annotations

from gongkai.model import Meaning
from gongkai.parsing import parse_document
from gongkai.readers.assemble import to_document
from gongkai.readers.blocks import Layout
from gongkai.readers.geometry import Word, build_blocks
from gongkai.standard import get_format

PAGE = (595.0, 842.0)
F21 = get_format("2021")
STRAY_ROW = "unavailable.not_held"  # the row whose line the stray "无" stands on


def W(text: str, x0: float, top: float, size: float = 10.0) -> Word:
    width = sum(size if ord(ch) > 0x2000 else size / 2 for ch in text)
    return Word(text, (x0, top, x0 + width, top + size), 1)


def _document(stray: bool):
    words = [W("三、收到和处理政府信息公开申请情况", 60, 40)]
    top = 80.0
    for row in F21.request_rows:
        words.append(W(row.label, 100, top, size=7))
        # six of the seven values: 总计 is blank in every row and no header names its column
        words.extend(W(str(k % 3), 400 + 30 * k, top) for k in range(len(row.cells) - 1))
        if stray and row.id == STRAY_ROW:
            words.append(W("无", 60, top, size=7))
        top += 20
    words.append(W("四、政府信息公开行政复议、行政诉讼情况", 60, top + 40))
    blocks = build_blocks(words, [], PAGE, 1)
    return to_document(Layout(blocks, "application/pdf", pages=1), "x.pdf")


def test_the_stray_character_is_in_the_assembled_row() -> None:
    # the construction holds: the reader made "无" a cell of its own, on a row of table 三
    doc = _document(stray=True)
    assert any(line.text.startswith("|无|") for line in doc.lines)


def test_a_stray_label_character_is_never_a_value() -> None:
    report = parse_document(_document(stray=True))
    stated = [c for c in report.cells.values() if c.id.startswith("requests.")]
    assert not [c for c in stated if c.raw == "无" or c.meaning is Meaning.NOT_APPLICABLE]
    # each row prints six values for seven columns: refused, never completed by the stray character
    assert not stated
    assert {i.row for i in report.issues if i.code == "row_short"} >= {r.id for r in F21.request_rows}


def test_without_the_stray_character_the_rows_read_the_same() -> None:
    with_stray = parse_document(_document(stray=True))
    without = parse_document(_document(stray=False))
    assert {c.id: c.raw for c in with_stray.cells.values()} == {c.id: c.raw for c in without.cells.values()}
