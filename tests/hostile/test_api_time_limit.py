"""The public API with ``timeout=``: the work runs in a worker process that is stopped when it overruns, so a
pathological input ends in E-TIMEOUT (or E-LIMIT), never a hang of the caller."""

from __future__ import annotations

import random

import pytest

import gongkai
from gongkai.examples.generate import random_spec
from gongkai.render.html import render_html


@pytest.fixture(scope="module")
def page() -> bytes:
    return render_html(random_spec(random.Random(5)), random.Random(5))


def _forever(*args, **kwargs):
    while True:
        pass


def test_same_report_with_and_without_timeout(page):
    plain = gongkai.check(page, name="p.html")
    bounded = gongkai.check(page, name="p.html", timeout=120)
    assert {k: (c.raw, c.value) for k, c in bounded.cells.items()} == {
        k: (c.raw, c.value) for k, c in plain.cells.items()
    }
    assert [f.code for f in bounded.findings] == [f.code for f in plain.findings]
    doc = gongkai.read(page, name="p.html", timeout=120)
    assert doc.text == gongkai.read(page, name="p.html").text


def test_input_errors_keep_their_class_and_code_across_the_worker(tmp_path):
    with pytest.raises(gongkai.EmptyInput) as err:
        gongkai.check(b"", name="empty.txt", timeout=60)
    assert err.value.code == "E-EMPTY" and err.value.source == "empty.txt"
    with pytest.raises(gongkai.UnreadableInput):
        gongkai.read(tmp_path / "missing.pdf", timeout=60)


def test_work_that_never_ends_is_stopped_with_e_timeout(page, monkeypatch):
    # the worker is forked from this process, so it runs the patched (endless) checker
    import gongkai.pipeline

    monkeypatch.setattr(gongkai.pipeline, "check_document", _forever)
    with pytest.raises(gongkai.TimedOut) as err:
        gongkai.check(page, name="endless.html", timeout=1)
    assert err.value.code == "E-TIMEOUT" and err.value.source == "endless.html"
    assert "1 秒" in err.value.message


def test_pathological_page_ends_in_a_code_not_a_hang(page):
    text = page.decode("gb18030")
    p = text.find("<h3")
    rows = "".join(f"<tr><td>{'9' * 90}</td><td>{i}</td></tr>" for i in range(60_000))
    bad = (text[:p] + f"<table>{rows}</table>" + "<div>" * 400 + text[p:]).encode("gb18030")
    with pytest.raises((gongkai.TimedOut, gongkai.InputTooLarge)) as err:
        gongkai.check(bad, name="bad.html", timeout=30)
    assert err.value.code in ("E-TIMEOUT", "E-LIMIT")


def test_a_bug_in_the_worker_is_e_internal_with_its_text(page, monkeypatch):
    import gongkai.pipeline

    def broken(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(gongkai.pipeline, "check_document", broken)
    with pytest.raises(gongkai.GongkaiError) as err:
        gongkai.check(page, name="bug.html", timeout=60)
    assert err.value.code == "E-INTERNAL" and "KeyError" in err.value.message


def test_timeout_must_be_positive(page):
    with pytest.raises(ValueError):
        gongkai.check(page, timeout=0)
