import pytest

from gongkai.model import Meaning
from gongkai.parsing.values import classify, looks_like_value


@pytest.mark.parametrize(
    "raw, meaning, value",
    [
        ("0", Meaning.ZERO, 0),
        ("17", Meaning.NUMBER, 17),
        ("1,234", Meaning.NUMBER, 1234),
        ("0.092", Meaning.NUMBER, 0.092),
        ("-35", Meaning.NUMBER, -35),
        ("减4", Meaning.NUMBER, -4),
        ("增52", Meaning.NUMBER, 52),
        ("+19", Meaning.NUMBER, 19),
        ("", Meaning.BLANK, None),
        ("   ", Meaning.BLANK, None),
        ("/", Meaning.NOT_APPLICABLE, None),
        ("—", Meaning.NOT_APPLICABLE, None),
        ("无", Meaning.NOT_APPLICABLE, None),
        ("约300", Meaning.TEXT, None),
        ("□", Meaning.UNREADABLE, None),
        ("０", Meaning.ZERO, 0),
    ],
)
def test_classify_keeps_blank_zero_na_text_apart(raw, meaning, value):
    cv = classify(raw)
    assert cv.meaning is meaning
    assert cv.value == value


def test_units_are_kept_beside_the_number():
    cv = classify("709455.9元")
    assert (cv.value, cv.unit) == (709455.9, "元")
    assert classify("31批次").unit == "批次"


@pytest.mark.parametrize(
    "word, expected",
    [("0", True), ("2023", True), ("/", True), ("3.其他", False), ("1.", False), ("年", False), ("一", False)],
)
def test_words_of_running_text(word, expected):
    assert looks_like_value(word) is expected
