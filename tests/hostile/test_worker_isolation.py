"""A worker that exhausted recursion or memory (or hit a bug) is replaced before the next file."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.batch import Outcome, exhausted, run
from gongkai.cli import main
from gongkai.errors import UnreadableInput
from gongkai.examples.generate import random_spec
from gongkai.render.html import render_html

_state = {"poisoned": False}


def _poisoning_task(item, limits) -> Outcome:
    """'bad' leaves damage behind in its process (as a recursion-exhausted library might) and reports it."""
    if item.startswith("bad"):
        _state["poisoned"] = True
        try:
            try:

                def down(n):
                    return down(n + 1)

                down(0)
            except RecursionError:
                raise UnreadableInput("嵌套过深") from None
        except UnreadableInput as err:
            return Outcome(item, None, err.code, err.message, recycle=exhausted(err))
    return Outcome(item, None, None, None, payload=(os.getpid(), _state["poisoned"]))


def _internal_error_task(item, limits) -> Outcome:
    if item == "bug":
        _state["poisoned"] = True
        return Outcome(item, None, "E-INTERNAL", "内部错误")
    return Outcome(item, None, None, None, payload=(os.getpid(), _state["poisoned"]))


def test_exhausted_sees_through_from_none():
    try:
        try:
            raise RecursionError
        except RecursionError:
            raise UnreadableInput("x") from None
    except UnreadableInput as err:
        assert exhausted(err)
    assert not exhausted(UnreadableInput("x"))


@pytest.mark.parametrize("task,bad", [(_poisoning_task, "bad"), (_internal_error_task, "bug")])
def test_a_good_file_after_a_bad_one_gets_a_fresh_worker(task, bad):
    items = ["good0", bad, "good1", "good2"]
    outcomes = {o.path: o for o in run(items, jobs=1, task=task)}
    assert outcomes[bad].error_code in ("E-READ", "E-INTERNAL")
    pid0 = outcomes["good0"].payload[0]
    for name in ("good1", "good2"):
        pid, poisoned = outcomes[name].payload
        assert not poisoned
        assert pid != pid0
    # one worker for everything that followed the bad file, not one per file
    assert outcomes["good1"].payload[0] == outcomes["good2"].payload[0]


def test_cli_deep_page_then_good_pages_in_one_worker(tmp_path):
    deep = tmp_path / "deep.html"
    deep.write_text("<html><body>" + "<div>" * 100_000 + "x" + "</body></html>", "utf-8")
    goods = []
    for i in range(2):
        p = tmp_path / f"good{i}.html"
        p.write_bytes(render_html(random_spec(random.Random(i)), random.Random(i)))
        goods.append(p)
    result = CliRunner().invoke(main, ["check", "-j", "1", "--json", str(deep), *map(str, goods)])
    assert "Traceback" not in result.output
    data = json.loads(result.stdout)  # the error lines go to stderr
    by_source = {Path(d["source"]).name: d for d in data}
    assert by_source["deep.html"]["error"]["code"] == "E-LIMIT"
    for p in goods:
        assert "error" not in by_source[p.name]
