from gongkai.checks import run_checks
from gongkai.document import Document, Position
from gongkai.model import NarrativeFigure
from gongkai.parsing.narrative import extract_narrative

from tests.checks.helpers import make_report, standard_sections, valid_values, zeros


def _terms(text, spans=None):
    doc = Document.from_text(text)
    return [(f.term, f.value) for f in extract_narrative(doc, [], spans)]


def test_seed_003_phrasings():
    text = (
        "2024年,新收到依申请公开政府信息289件,上年结转政府信息公开申请12件,其中予以公开46件、部分公开61件、"
        "不予公开44件、无法提供70件、不予处理8件、其他处理55件,结转下年度继续办理17件。\n"
        "2024年,因政府信息公开工作被申请行政复议43件、提起行政诉讼24件。"
    )
    assert _terms(text) == [
        ("received", 289),
        ("carried_over", 12),
        ("granted", 46),
        ("partially_granted", 61),
        ("withheld", 44),
        ("unavailable", 70),
        ("not_processed", 8),
        ("other_handling", 55),
        ("carried_forward", 17),
        ("review", 43),
        ("litigation", 24),
    ]


def test_position_points_at_the_number_and_spaces_are_allowed():
    doc = Document.from_text("标题\n本年度新收 17 件申请。")
    [fig] = extract_narrative(doc, [])
    assert fig.term == "received" and fig.value == 17
    assert doc.text[fig.position.offset : fig.position.offset + fig.position.length] == "17"
    assert fig.position.line == 2


def test_wrapped_lines_are_joined():
    doc = Document.from_text("2023 年，某中心未收到依申请\n\n公开事项。")
    [fig] = extract_narrative(doc, [])
    assert (fig.term, fig.value, fig.position.line) == ("received", 0, 1)
    assert fig.text == "未收到依申请公开"


def test_ambiguous_and_off_topic_phrasings_are_skipped():
    assert _terms("共收到政府信息公开申请20件（含上年结转3件）。") == [("carried_over", 3)]
    assert _terms("共处理群众留言92条。领导信箱收到并处理信件1条。") == []
    assert _terms("予以公开及部分公开258件。") == [("granted_and_partial", 258)]
    assert _terms("未收到因政府信息公开申请引起的行政复议。") == []


def test_table_lines_are_skipped():
    text = "（一）予以公开 | 3 | 0 |\n予以公开5件\n行政复议 2件"
    assert _terms(text, [(3, 3)]) == [("granted", 5)]


def test_sections_five_and_six_are_not_read():
    text = "\n".join(
        ["一、总体情况", "予以公开5件。"] + ["x"] * 38 + ["五、存在的主要问题及改进情况", "上年予以公开9件。"]
    )
    sections = standard_sections()
    sections[4].position = Position(41, 1, 0)
    sections[5].position = Position(50, 1, 0)
    doc = Document.from_text(text)
    assert [(f.term, f.value) for f in extract_narrative(doc, sections)] == [("granted", 5)]


def test_mismatch_is_reported_with_text_and_cells():
    values = zeros()
    values["requests.received.natural_person"] = 3
    values["requests.received.total"] = 3
    values["requests.total.natural_person"] = 3
    values["requests.total.total"] = 3
    values["requests.granted.natural_person"] = 3
    values["requests.granted.total"] = 3
    report = make_report(values)
    report.narrative = [
        NarrativeFigure("received", 2, "受理政府信息公开申请2件", Position(4, 104, 500, 1)),
        NarrativeFigure("granted", 3, "予以公开3件", Position(5, 1, 600, 1)),
    ]
    found = [f for f in run_checks(report) if f.category == "narrative_mismatch"]
    assert len(found) == 1
    f = found[0]
    assert f.cell_ids == ["requests.received.total"] and f.evidence.text == "受理政府信息公开申请2件"
    assert f.evidence.expected == 3 and f.evidence.stated == 2 and f.evidence.position.line == 4


def test_sums_and_unknown_table_side():
    values = valid_values(9)
    litigation = values["appeals.litigation_direct.total"] + values["appeals.litigation_after_review.total"]
    report = make_report(values)
    report.narrative = [NarrativeFigure("litigation", litigation, "行政诉讼", Position(1, 1, 0, 1))]
    assert not [f for f in run_checks(report) if f.category == "narrative_mismatch"]
    values["appeals.review.total"] = None
    values["appeals.review.upheld"] = None
    report = make_report(values)
    report.narrative = [NarrativeFigure("review", 999, "行政复议999件", Position(1, 1, 0, 1))]
    assert not [f for f in run_checks(report) if f.category == "narrative_mismatch"]


def _received_mismatch(reading):
    values = zeros()
    for cid in (
        "requests.received.natural_person",
        "requests.received.total",
        "requests.total.natural_person",
        "requests.total.total",
        "requests.granted.natural_person",
        "requests.granted.total",
    ):
        values[cid] = 3
    report = make_report(values)
    report.reading = reading
    report.narrative = [NarrativeFigure("received", 2, "受理政府信息公开申请2件", Position(4, 104, 500, 1))]
    return [f for f in run_checks(report) if f.category == "narrative_mismatch"]


def test_a_table_read_as_printed_is_not_doubted():
    from gongkai.reading import ReadingReport, Repair, TableReading

    # a repair in another table does not soften a mismatch with the requests table
    reading = ReadingReport(
        "html",
        [
            TableReading("requests", True, "grid"),
            TableReading("appeals", True, "grid", repairs=[Repair("spans_restored")]),
        ],
    )
    [f] = _received_mismatch(reading)
    assert f.code == "NARRATIVE-MISMATCH" and f.severity.value == "warning"
    assert "读取" not in f.message
    [f] = _received_mismatch(None)  # reports built without a reader (the API on a bare Report)
    assert f.code == "NARRATIVE-MISMATCH"


def test_a_repaired_table_does_not_blame_the_document():
    from gongkai.reading import ReadingReport, Repair, TableReading

    for table in (
        TableReading("requests", True, "grid", repairs=[Repair("padding_dropped", 2)]),
        TableReading("requests", True, "lattice", ocr=True),
        TableReading("requests", True, "stream", assembled_labels=1),
    ):
        [f] = _received_mismatch(ReadingReport("pdf", [table]))
        assert f.code == "NARRATIVE-REVIEW" and f.severity.value == "info" and f.category == "narrative_mismatch"
        assert "待复核" in f.message and "读取" in f.message and "正文称" in f.message
        # the evidence is the same as for a mismatch: both sides and where they are
        assert f.evidence.expected == 3 and f.evidence.stated == 2 and f.cell_ids == ["requests.received.total"]
    [f] = _received_mismatch(
        ReadingReport("html", [TableReading("requests", True, "grid", repairs=[Repair("padding_dropped", 2)])])
    )
    assert "去除填充空格" in f.message
