"""Issue 11, class 8: a UTF-8 text cut inside a character is read up to the cut, not refused."""

from gongkai.readers.text import decode


def test_utf8_cut_inside_the_last_character_is_read_up_to_the_cut() -> None:
    text = "某某局2021年政府信息公开工作年度报告"
    data = text.encode("utf-8")
    for cut in (1, 2):
        assert decode(data[:-cut]) == text[:-1]
    assert decode(data) == text
