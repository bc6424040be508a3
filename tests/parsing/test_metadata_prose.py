"""Issue 11, class 7: the organization and year read from the prose when the report has no title line.

Documents come from our own generator and renderer; the title line and the preamble's naming of the body and
of the statistical period are removed, so the name/year appear only in the place each case puts them.
"""

from __future__ import annotations

import random

import pytest

from gongkai.document import Document
from gongkai.examples.generate import random_spec
from gongkai.parsing.metadata import extract_metadata
from gongkai.render.layouts import render_text

_NEUTRAL_PREAMBLE = "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）的要求，编制本报告。"
_OTHER_BODY = "青禾市人力资源和社会保障局"


def _headless(seed: int) -> tuple[str, str, int]:
    """A generated report without its title line and with a preamble naming neither body nor year."""
    spec = random_spec(random.Random(seed), body_kind="department", allow_blank=False)
    lines = render_text(spec, "pipe_rows", random.Random(seed)).splitlines()
    assert lines[0].startswith(spec.organization)
    h = next(i for i, ln in enumerate(lines) if ln.endswith("总体情况"))
    first = lines[h + 1]
    lead = f"{spec.year}年，我局"
    assert first.startswith(lead), first
    body = [_NEUTRAL_PREAMBLE, lines[h], "{FIRST}" + first[len(lead) :], *lines[h + 2 :]]
    return "\n".join(body), spec.organization, spec.year


def _read(text: str, source: str = "<memory>"):
    return extract_metadata(Document.from_text(text, source=source))


SEEDS = (3, 11, 29)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "opening",
    [
        pytest.param("{Y}年，{ORG}", id="year-then-body-subject"),
        pytest.param("{ORG}", id="body-subject-of-first-sentence"),
        pytest.param("本机关（{ORG}）", id="ben-jiguan-bracket"),
        pytest.param("作为{ORG}{Y}年政府信息公开工作年度报告的编制单位，本机关", id="own-report-title-in-sentence"),
    ],
)
def test_body_and_year_from_section_one(seed: int, opening: str) -> None:
    text, org, year = _headless(seed)
    text = text.replace("{FIRST}", opening.format(Y=year, ORG=org))
    meta = _read(text)
    assert meta.organization == org
    if "{Y}" in opening:  # otherwise the year may be printed nowhere else in this draw
        assert meta.year == year


@pytest.mark.parametrize("seed", SEEDS)
def test_body_from_the_title_of_its_own_document(seed: int) -> None:
    text, org, year = _headless(seed)
    text = text.replace("{FIRST}", f"{year}年，我局").replace(
        "（一）主动公开\n", f"（一）主动公开\n本年度印发《{org}关于进一步做好政务公开工作的通知》。\n", 1
    )
    meta = _read(text)
    assert meta.organization == org and meta.year == year


@pytest.mark.parametrize("seed", SEEDS)
def test_source_address_alone_does_not_state_the_body(seed: int) -> None:
    text, org, year = _headless(seed)
    text = text.replace("{FIRST}", f"{year}年，我局")
    meta = _read(text, source=f"https://example.gov.cn/{org}/2023/report.txt")
    assert meta.organization is None  # a path naming the body is at most a hint
    assert meta.year == year


@pytest.mark.parametrize("seed", SEEDS)
def test_two_different_bodies_leave_the_organization_unread(seed: int) -> None:
    text, org, year = _headless(seed)
    text = text.replace("{FIRST}", f"{year}年，本机关（{org}）").replace(
        "（一）主动公开\n", f"（一）主动公开\n本年度印发《{_OTHER_BODY}关于进一步做好政务公开工作的通知》。\n", 1
    )
    meta = _read(text)
    assert meta.organization is None
    assert meta.year == year
    assert len(meta.notes) == 1 and org in meta.notes[0] and _OTHER_BODY in meta.notes[0]


def test_agreeing_bodies_leave_no_note() -> None:
    text, org, year = _headless(SEEDS[0])
    text = text.replace("{FIRST}", f"{year}年，本机关（{org}）").replace(
        "（一）主动公开\n", f"（一）主动公开\n本年度印发《{org}关于进一步做好政务公开工作的通知》。\n", 1
    )
    meta = _read(text)
    assert meta.organization == org and meta.notes == ()


def test_the_note_reaches_the_parsed_report() -> None:
    from gongkai.parsing import parse_document

    text, org, year = _headless(SEEDS[0])
    text = text.replace("{FIRST}", f"{year}年，本机关（{org}）").replace(
        "（一）主动公开\n", f"（一）主动公开\n本年度印发《{_OTHER_BODY}关于进一步做好政务公开工作的通知》。\n", 1
    )
    report = parse_document(Document.from_text(text))
    assert report.organization is None
    assert any(_OTHER_BODY in n and org in n for n in report.notes)


@pytest.mark.parametrize("seed", SEEDS)
def test_two_bodies_as_sentence_subjects_leave_the_organization_unread(seed: int) -> None:
    text, org, year = _headless(seed)
    text = text.replace("{FIRST}", f"{org}").replace(
        "（一）主动公开\n", f"（一）主动公开\n{year}年，{_OTHER_BODY}认真梳理公开目录。\n", 1
    )
    meta = _read(text)
    assert meta.organization is None
    assert meta.notes and _OTHER_BODY in meta.notes[0]
