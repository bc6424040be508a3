"""The reading report per document: reader, tables and how they were found, rows placed / not placed with
reasons, repairs, OCR pages, confidence; and findings that never blame the document for our reading."""

from __future__ import annotations

import json
import random

from gongkai.document import Document
from gongkai.examples.generate import random_spec
from gongkai.parsing import parse_document
from gongkai.pipeline import check_document
from gongkai.reading import ReaderTrace, ReadingReport, Repair, RowNotPlaced, SourceTable, TableReading
from gongkai.readers.assemble import to_document
from gongkai.readers.blocks import Layout, Paragraph, Table
from gongkai.readers.geometry import PageInput, Word, layout_pages
from gongkai.readers.html import read_html
from gongkai.render.html import render_html
from gongkai.render.layouts import render_text
from gongkai.standard import get_format

H = 10.0


def _spec(seed: int = 1):
    return random_spec(random.Random(seed), "2021", allow_blank=False)


def _text(seed: int = 1) -> str:
    return render_text(_spec(seed), "pipe_rows", variants=False)


def test_text_read_as_printed_is_high_confidence():
    report = check_document(Document.from_text(_text(), "r.txt"))
    reading = report.reading
    assert reading.reader == "text" and reading.confidence == "high"
    assert [t.table for t in reading.tables] == ["proactive", "requests", "appeals"]
    assert all(t.found and t.method == "text" and t.placed == t.rows and not t.not_placed for t in reading.tables)
    assert sum(t.rows for t in reading.tables) == 6 + 25 + 1  # the 2021 tables, table 四 as one value row
    assert reading.summary_zh() == "读取：纯文本 · 3张表（文本） · 行 32/32 已定位 · 修补 0 · 可信度 高"
    d = report.to_dict()["reading"]
    assert d["confidence"] == "high" and d["summary"] == reading.summary_zh()
    assert ReadingReport.from_dict(json.loads(json.dumps(d))).to_dict() == d


def test_a_row_that_cannot_be_placed_is_reported_with_its_reason():
    lines = _text().split("\n")
    k = next(i for i, ln in enumerate(lines) if ln.startswith("（二）部分公开"))
    lines[k] = "（二）部分公开 | 0 | 0 | 0 |"  # three values for seven columns: no certain placement
    report = parse_document(Document.from_text("\n".join(lines)))
    requests = report.reading.table("requests")
    assert RowNotPlaced("partially_granted", "row_short") in requests.not_placed
    assert requests.placed == requests.rows - 1
    assert report.reading.confidence == "low"
    assert "行 31/32 已定位" in report.reading.summary_zh() and report.reading.summary_zh().endswith("可信度 低")


def test_html_grid_is_read_by_markup():
    data = render_html(_spec(), random.Random(3), style="rowspan", portal=True)
    report = check_document(to_document(read_html(data, "r.html"), "r.html"))
    reading = report.reading
    assert reading.reader == "html"
    assert {t.method for t in reading.tables} == {"grid"}
    assert all(t.placed == t.rows for t in reading.tables)
    assert reading.summary_zh().startswith("读取：网页 · 3张表（表格结构） · 行 32/32 已定位")


def test_ambiguous_surplus_blanks_are_recorded_as_a_repair():
    """A row printing more cells than columns, where the values could sit in two places once the surplus
    blanks are passed over: the placement rests on a choice, and the report says so."""
    lines = _text().split("\n")
    plain = parse_document(Document.from_text("\n".join(lines))).reading
    assert not plain.table("requests").repairs
    k = next(i for i, ln in enumerate(lines) if ln.startswith("（二）部分公开"))
    label, *cells = [c.strip() for c in lines[k].split("|")]
    values = [c for c in cells if c]
    assert len(values) == 7
    # six values after a blank and before two: as wide as the other rows (seven cells and two of filler),
    # and the values fit in two places, so where they go rests on the parser's choice of filler
    lines[k] = f"{label} | | {' | '.join(values[:6])} | | |"
    reading = parse_document(Document.from_text("\n".join(lines))).reading
    assert Repair("filler_dropped", 2) in reading.table("requests").repairs
    assert reading.confidence == "medium"


# ---------------------------------------------------------------- the reader's side: stream tables (PDF)


def _word(text: str, x: float, y: float) -> Word:
    return Word(text, (x, y, x + H * len(text), y + H), 1)


def _results_page(vertical_x: float) -> list[Word]:
    """Part of table 三 printed without lines, its group label 办理结果 one character per line at
    ``vertical_x`` (a vertical label, each character at its own baseline)."""
    words = [_word("三、本年度依申请公开", 60, 60)]
    rows = [("（一）予以公开", ["1", "2", "3", "4", "5", "6", "21"]), ("（二）部分公开", ["0"] * 7)]
    for i, (label, values) in enumerate(rows):
        y = 100 + i * 2.2 * H
        words.append(_word(label, 80, y))
        words.extend(_word(v, 300 + 40 * k, y) for k, v in enumerate(values))
    words.extend(_word(ch, vertical_x, 98 + k * 1.1 * H) for k, ch in enumerate("办理结果"))
    return words


def _layout(words: list[Word]) -> Layout:
    return Layout(layout_pages([PageInput(words, [], (600, 800), 1)]), "application/pdf", pages=1)


def test_vertical_label_characters_mixed_into_row_labels_are_marked_as_ours():
    """Issue 11 class 5: the characters of a vertical label set close to the row labels end up inside them
    ("办（一）予以公开理"). The reader cannot tell, but it knows it joined those pieces: it says so."""
    layout = _layout(_results_page(vertical_x=66))
    [table] = [b for b in layout.blocks if isinstance(b, Table)]
    assert table.method == "stream"
    mixed = [c for c in table.cells if "予以公开" in c.text]
    assert mixed and "办" in mixed[0].text and mixed[0].assembled
    assert table.repairs == [Repair("labels_joined", 2)]
    doc = to_document(layout, "x.pdf")
    assert doc.reading.tables[0].method == "stream"
    start = doc.text.index("办（一）予以公开")
    assert doc.reading.is_assembled(start, start + 3)
    assert not doc.reading.is_assembled(0, 5)  # the heading was printed as one piece


def test_a_vertical_label_kept_apart_is_still_a_joined_label():
    layout = _layout(_results_page(vertical_x=40))
    [table] = [b for b in layout.blocks if isinstance(b, Table)]
    group = next(c for c in table.cells if "办" in c.text)
    assert group.text.replace("\n", "") == "办理结果" and group.assembled
    row = next(c for c in table.cells if "予以公开" in c.text)
    assert row.text == "（一）予以公开" and not row.assembled


def test_repairs_are_per_table_and_carry_into_the_document():
    layout = _layout(_results_page(vertical_x=66))
    layout.ocr_pages = [1]
    doc = to_document(layout, "x.pdf")
    assert doc.reading.ocr_pages == (1,)
    assert doc.reading.tables[0].repairs == (Repair("labels_joined", 2),)


# ---------------------------------------------------------------- LABEL-VARIANT vs our own assembly


def _with_mixed_label() -> tuple[str, int, int]:
    """A report whose row label 2.其他法律行政法规禁止公开 has a stray character inside, as when a vertical
    label's character is mixed into it; returns the text and the label's span."""
    text = _text()
    label = "2.其他法律行政法规禁止公开"
    start = text.index(label)
    mixed = "2.其他法律行政法规禁止理公开"
    return text.replace(label, mixed, 1), start, start + len(mixed)


def _label_findings(doc: Document):
    report = check_document(doc)
    return [f for f in report.findings if f.code in ("LABEL-VARIANT", "LABEL-ASSEMBLED")], report


def test_a_label_printed_so_is_a_label_variant_of_the_document():
    text, _, _ = _with_mixed_label()
    [f], report = _label_findings(Document.from_text(text))
    assert f.code == "LABEL-VARIANT" and "非标准" in f.message
    assert report.cells["requests.withheld.prohibited_by_law.total"].value is not None


def test_a_label_our_reader_assembled_does_not_blame_the_document():
    text, a, b = _with_mixed_label()
    trace = ReaderTrace(
        (SourceTable("stream", 1, text.count("\n") + 1, repairs=(Repair("labels_joined"),)),), assembled=((a, b),)
    )
    [f], report = _label_findings(Document.from_text(text, "x.pdf", "application/pdf", reading=trace))
    assert f.code == "LABEL-ASSEMBLED" and f.severity.value == "info"
    assert "非标准" not in f.message and "读取" in f.message and "并非文档用词" in f.message
    assert report.reading.reader == "pdf" and report.reading.table("requests").method == "stream"
    assert report.reading.table("requests").assembled_labels == 1
    assert report.reading.confidence == "medium"


def test_confidence_levels():
    found = [TableReading(t, True, rows=1, placed=1) for t in ("proactive", "requests", "appeals")]
    assert ReadingReport("text", found).confidence == "high"
    assert ReadingReport("pdf", found, ocr_pages=[2]).confidence == "medium"
    repaired = [*found[:2], TableReading("appeals", True, rows=1, placed=1, repairs=[Repair("table_joined")])]
    assert ReadingReport("pdf", repaired).confidence == "medium"
    missing = [*found[:2], TableReading("appeals", False, rows=1)]
    assert ReadingReport("text", missing).confidence == "low"
    assert ReadingReport("text", missing, truncated=True).confidence == "high"  # cut off: said by DOCUMENT-CUT-OFF
    short = [*found[:2], TableReading("appeals", True, rows=1, not_placed=[RowNotPlaced("appeals", "row_short")])]
    assert ReadingReport("text", short).confidence == "low"


# ---------------------------------------------------------------- end to end: narrative vs a repaired table


def _html_with_wrong_prose(style: str) -> Document:
    spec = _spec(0)
    data = render_html(spec, random.Random(0), style=style, portal=False)
    received = spec.values["requests.received.total"]
    html = data.decode("gb18030")
    said = f"新收政府信息公开申请{received}件"
    assert said in html
    html = html.replace(said, f"新收政府信息公开申请{received + 1}件")
    return to_document(read_html(html.encode("gb18030"), "r.html"), "r.html")


def test_narrative_against_a_grid_read_as_printed_blames_the_document():
    report = check_document(_html_with_wrong_prose("rowspan"))
    assert report.reading.table("requests").repairs == []
    codes = {f.code for f in report.findings if f.category == "narrative_mismatch"}
    assert codes == {"NARRATIVE-MISMATCH"}


def test_narrative_against_a_repaired_grid_says_the_reading_may_be_at_fault():
    """The same report copied without its merged cells: the reader restores the spans before placing the
    values, so a disagreement with the text is not put on the document."""
    report = check_document(_html_with_wrong_prose("flat"))
    assert [r.kind for r in report.reading.table("requests").repairs] == ["spans_restored"]
    found = [f for f in report.findings if f.category == "narrative_mismatch"]
    assert found and {f.code for f in found} == {"NARRATIVE-REVIEW"}
    assert all("恢复合并单元格" in f.message and "待复核" in f.message for f in found)


def _class5_document() -> Document:
    """Table 三 printed without lines, its group label 三、本年度办理结果 one character per line right beside
    the row labels: the reader mixes the characters into the row labels (issue 11, class 5)."""
    words = [_word("三、收到和处理政府信息公开申请情况", 60, 60)]
    rows = [
        ("一、本年新收政府信息公开申请数量", ["5", "0", "0", "0", "0", "0", "5"]),
        ("二、上年结转政府信息公开申请数量", ["0"] * 7),
        ("（一）予以公开", ["3", "0", "0", "0", "0", "0", "3"]),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ["1", "0", "0", "0", "0", "0", "1"]),
        ("（三）不予公开", []),
        ("1．属于国家秘密", ["0"] * 7),
    ]
    for i, (label, values) in enumerate(rows):
        y = 100 + i * 2.2 * H
        words.append(_word(label, 80, y))
        words.extend(_word(v, 700 + 40 * k, y) for k, v in enumerate(values))
    words.extend(_word(ch, 66, 142 + k * 1.1 * H) for k, ch in enumerate("三、本年度办理结果"))
    layout = Layout(layout_pages([PageInput(words, [], (1100, 800), 1)]), "application/pdf", pages=1)
    layout.blocks.append(Paragraph("四、政府信息公开行政复议、行政诉讼情况\n本年度未发生行政复议、行政诉讼。"))
    return to_document(layout, "x.pdf")


def test_class5_vertical_label_mixed_into_rows_is_reported_as_our_reading():
    doc = _class5_document()
    assert "本（二）部分公开" in doc.text  # the mix-up is reproduced
    report = check_document(doc, require_report=False)
    # nothing is stated that the document does not print where it prints it
    expected = {
        "received": [5, 0, 0, 0, 0, 0, 5],
        "carried_over": [0] * 7,
        "granted": [3, 0, 0, 0, 0, 0, 3],
        "partially_granted": [1, 0, 0, 0, 0, 0, 1],
        "withheld.state_secret": [0] * 7,
    }
    columns = [c for c, _ in get_format("2021").request_columns]
    assert report.cells
    for cid, cell in report.cells.items():
        row, col = cid.removeprefix("requests.").rsplit(".", 1)
        assert cell.value == expected[row][columns.index(col)], cid
    reading = report.reading.table("requests")
    assert reading.method == "stream" and any(r.kind == "labels_joined" for r in reading.repairs)
    assert RowNotPlaced("partially_granted", "row_absent") in reading.not_placed
    assert report.reading.confidence == "low"
    # the findings about this table's layout say the reading may be at fault, and no label is called the
    # document's non-standard wording
    layout = [
        f
        for f in report.findings
        if f.code in ("ROW-ABSENT", "TABLE-LAYOUT") and not any(c.id.startswith("appeals.") for c in f.evidence.cells)
    ]
    assert len(layout) > 10 and all("读取" in f.message and "请核对原件" in f.message for f in layout)
    assert not [f for f in report.findings if f.code == "LABEL-VARIANT"]
    absent = next(f for f in report.findings if f.code == "ROW-ABSENT" and "部分公开" in f.message)
    assert absent.message.startswith("读取时未能找到标准行")


def test_a_character_on_another_baseline_joined_into_a_label_is_marked():
    """A vertical label's character set a little lower than a row label but on the same text line: no line
    break in the joined text, yet the label was put together from two baselines."""
    words = [_word("（一）予以公开", 80, 100), _word("办", 66, 104)]
    words += [_word(v, 300 + 40 * k, 100) for k, v in enumerate(["1", "2", "3", "4", "5", "6", "21"])]
    words += [_word("（二）部分公开", 80, 122)] + [_word("0", 300 + 40 * k, 122) for k in range(7)]
    [table] = [b for b in _layout(words).blocks if isinstance(b, Table)]
    label = next(c for c in table.cells if "予以公开" in c.text)
    assert label.text == "办（一）予以公开" and label.assembled
    plain = next(c for c in table.cells if "部分公开" in c.text)
    assert not plain.assembled
