"""CELL-LOW-CONFIDENCE: OCR-read values with a low score, or digits mixed with look-alike letters."""

from __future__ import annotations

import pytest

from gongkai.checks import CHECKS, build_context, run_checks
from gongkai.checks.confidence import LOW_CONFIDENCE, RULE, check_low_confidence, looks_like_misread_number
from gongkai.model import CATEGORIES, Meaning, Severity
from tests.checks.helpers import make_report, valid_values

ID = "requests.received.natural_person"
OTHER = "appeals.review.upheld"


def _ocr(report, cid: str, confidence: float | None, raw: str | None = None, meaning: Meaning | None = None):
    """Give a cell an OCR position (page 2, a box, the confidence), optionally another raw text/meaning."""
    cell = report.cells[cid]
    cell.position = cell.position._replace(page=2, bbox=(10.0, 20.0, 30.0, 32.0), confidence=confidence)
    if raw is not None:
        cell.raw = raw
        cell.meaning = meaning or Meaning.TEXT
        cell.value = None
    return report


def _low(report):
    return [f for f in run_checks(report) if f.code == RULE.code]


def test_rule_is_registered_with_a_known_category():
    assert check_low_confidence in CHECKS
    assert RULE.category == "cell_missing" and RULE.category in CATEGORIES
    assert RULE.severity is Severity.WARNING and RULE.description


def test_low_confidence_number_is_reported_once_with_position_and_raw():
    values = valid_values(1)
    report = _ocr(make_report(values), ID, 0.62)
    found = _low(report)
    assert len(found) == 1
    f = found[0]
    assert f.cell_ids == [ID] and f.category == "cell_missing" and f.severity is Severity.WARNING
    assert f.evidence.position.page == 2 and f.evidence.position.bbox == (10.0, 20.0, 30.0, 32.0)
    assert f.evidence.cells[0].raw == str(values[ID]) and f.evidence.text == str(values[ID])
    assert "置信度" in f.message and "62%" in f.message and "核对" in f.message and "第 2 页" in f.message


def test_one_finding_per_cell():
    report = make_report(valid_values(2))
    for cid in (ID, OTHER, "requests.total.total"):
        _ocr(report, cid, 0.5)
    assert sorted(f.cell_ids[0] for f in _low(report)) == sorted([ID, OTHER, "requests.total.total"])


@pytest.mark.parametrize("confidence", [LOW_CONFIDENCE, 0.99, 1.0, None])
def test_confident_or_non_ocr_cells_are_not_reported(confidence):
    report = _ocr(make_report(valid_values(3)), ID, confidence)
    assert _low(report) == []


def test_zero_and_not_applicable_cells_count_as_values():
    values = valid_values(4)
    values[ID] = 0
    values[OTHER] = "/"
    report = _ocr(_ocr(make_report(values), ID, 0.3), OTHER, 0.3)
    assert {f.cell_ids[0] for f in _low(report)} == {ID, OTHER}


def test_text_with_digits_and_low_confidence_is_reported():
    report = _ocr(make_report(valid_values(10)), ID, 0.43, raw="E19")  # a smudged 119
    [f] = _low(report)
    assert f.cell_ids == [ID] and "“E19”" in f.message and "43%" in f.message


def test_blank_and_text_cells_with_low_confidence_are_left_to_other_rules():
    values = valid_values(5)
    values[ID] = None  # blank: CELL-MISSING's business
    values[OTHER] = "约三百"  # text: CELL-INVALID-TEXT's business
    report = _ocr(_ocr(make_report(values), ID, 0.2), OTHER, 0.2)
    assert _low(report) == []


@pytest.mark.parametrize("raw", ["1O2", "l5", "2S", "O", "l", "1,2O4", "B6", "10I"])
def test_digits_with_lookalike_letters_are_flagged_not_corrected(raw):
    report = _ocr(make_report(valid_values(6)), ID, 0.99, raw=raw)  # even when the recogniser was sure
    found = _low(report)
    assert len(found) == 1 and found[0].cell_ids == [ID]
    assert f"“{raw}”" in found[0].message and "形近字母" in found[0].message and "未作自动更正" in found[0].message
    assert report.cells[ID].raw == raw and report.cells[ID].value is None  # nothing was "fixed"
    assert report.gold_cells()[ID] == raw


@pytest.mark.parametrize("raw", ["约300", "暂无数据", "见附件", "12件以上", "abc", "Other"])
def test_ordinary_text_is_not_mistaken_for_a_misread_number(raw):
    assert not looks_like_misread_number(raw)
    report = _ocr(make_report(valid_values(7)), ID, 0.99, raw=raw)
    assert _low(report) == []


def test_lookalike_text_from_a_text_layer_is_not_this_rule():
    # no confidence: the text was typed, not recognised; CELL-INVALID-TEXT reports it
    report = make_report(valid_values(8))
    cell = report.cells[ID]
    cell.raw, cell.meaning, cell.value = "1O2", Meaning.TEXT, None
    assert _low(report) == []
    assert any(f.code == "CELL-INVALID-TEXT" and ID in f.cell_ids for f in run_checks(report))


def test_check_is_pure():
    report = _ocr(make_report(valid_values(9)), ID, 0.1)
    before = {cid: (c.raw, c.meaning, c.value, c.position) for cid, c in report.cells.items()}
    ctx = build_context(report)
    assert check_low_confidence(report, ctx) == check_low_confidence(report, ctx)
    assert before == {cid: (c.raw, c.meaning, c.value, c.position) for cid, c in report.cells.items()}
