"""Prose fingerprints: the text of sections 一、五、六 and its sampled 5-gram hashes."""

from __future__ import annotations

import random
import zlib

import pytest

from gongkai.analysis.prose import prose_hashes, prose_text, report_prose_hashes
from gongkai.spec import ReportSpec
from gongkai.examples.generate import random_spec
from gongkai.model import Report
from gongkai.pipeline import check_document
from gongkai.produce import render_spec
from gongkai.readers import read_bytes, read_path
from tests.conftest import SHARED

# common CJK characters: random sentences over 3 000 of them share (almost) no 5-gram
CJK = tuple(chr(c) for c in range(0x4E00, 0x4E00 + 3000))


def prose_paragraphs(rng: random.Random, n: int = 6) -> list[str]:
    """Paragraphs of random characters in clauses: two draws have practically no 5-gram in common."""
    return [
        "，".join("".join(rng.choice(CJK) for _ in range(rng.randint(4, 12))) for _ in range(rng.randint(4, 8))) + "。"
        for _ in range(n)
    ]


def spec_with_texts(seed: int, texts: dict[str, list[str]] | None = None, **overrides) -> ReportSpec:
    spec = random_spec(random.Random(seed), "2021", **overrides)
    rng = random.Random(seed + 1000)
    spec.texts = texts if texts is not None else {no: prose_paragraphs(rng) for no in ("1", "5", "6")}
    return spec


def read_report(spec: ReportSpec) -> Report:
    return check_document(read_bytes(render_spec(spec, "md"), f"{spec.organization}{spec.year}.md"))


def test_prose_text_is_sections_one_five_six_without_headings_or_tables() -> None:
    texts = {
        "1": ["第一部分甲段落内容。"],
        "5": ["第五部分乙段落内容。"],
        "6": ["第六部分丙段落内容。"],
        "2": ["第二部分不算正文。"],
        "3": ["第三部分不算。"],
    }
    report = read_report(spec_with_texts(3, texts))
    text = prose_text(report)
    for part in ("第一部分甲段落内容", "第五部分乙段落内容", "第六部分丙段落内容"):
        assert part in text
    assert "第二部分" not in text and "第三部分" not in text
    assert "总体情况" not in text  # the heading line is not prose
    assert "|" not in text  # no table rows (tables are in sections 二、三、四)
    assert text.index("甲") < text.index("乙") < text.index("丙")


def test_prose_text_without_sections_or_text_is_empty() -> None:
    assert prose_text(Report(source="x")) == ""
    assert prose_hashes("") == frozenset()
    assert prose_hashes("四个汉字") == frozenset()


def test_hashes_are_sampled_crc32_of_utf8_five_grams() -> None:
    text = "本年度，本机关认真贯彻落实《条例》，健全工作机制（APP、网站）,规范办理流程。"
    expected = {h for i in range(len(text) - 4) if (h := zlib.crc32(text[i : i + 5].encode("utf-8"))) % 4 == 0}
    assert prose_hashes(text) == frozenset(expected)
    assert all(h % 4 == 0 for h in prose_hashes(text * 3))


def test_dropped_characters_are_exactly_isdigit_or_isspace() -> None:
    """The one-pass character class must drop what ``str.isdigit``/``str.isspace`` name (①, ², 　 …)."""
    from gongkai.analysis.prose import _DROPPED

    wrong = [
        hex(c) for c in range(0x110000) if bool(_DROPPED.fullmatch(ch := chr(c))) != (ch.isdigit() or ch.isspace())
    ]
    assert not wrong


def test_digits_and_whitespace_do_not_change_the_fingerprint() -> None:
    a = "本年度新收政府信息公开申请17件，上年结转3件，办结20件。\n  继续加强 政策解读。"
    b = "本年度新收政府信息公开申请245件，上年结转0件，办结238件。继续加强政策解读。"
    assert prose_hashes(a) == prose_hashes(b) != frozenset()
    assert prose_hashes("一二三四五六七八九") != prose_hashes("一二三四五七八九")  # Chinese numerals stay
    assert prose_hashes("第①项工作全面完成") == prose_hashes("第②项工作全面完成")  # circled digits are digits


def test_rendered_reports_copied_and_distinct_prose() -> None:
    first = spec_with_texts(11, year=2022)
    copied = spec_with_texts(12, {k: list(v) for k, v in first.texts.items()}, year=2023)
    other = spec_with_texts(13, year=2023)
    a, b, c = (report_prose_hashes(read_report(s)) for s in (first, copied, other))
    assert len(a) >= 20 and len(c) >= 20
    assert len(a & b) / min(len(a), len(b)) > 0.9
    assert len(a & c) / min(len(a), len(c)) < 0.2


def test_hashing_long_text_is_stable() -> None:
    """A long text hashes to the same set every time (speed belongs to `make bench`, not to a timed test)."""
    rng = random.Random(5)
    text = "".join(rng.choice(CJK) for _ in range(10_000))
    first = prose_hashes(text)
    assert first and prose_hashes(text) == first


def test_real_reports_have_enough_prose() -> None:
    """On the shared sample reports (skipped without ../shared): every report has a usable fingerprint,
    the same on a second computation."""
    paths = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").is_dir() else []
    if not paths:
        pytest.skip(f"no sample reports in {SHARED / 'seeds'}")
    for path in paths:
        text = prose_text(check_document(read_path(path)))
        hashes = prose_hashes(text)
        assert len(hashes) >= 20, path.name
        assert prose_hashes(text) == hashes, path.name
