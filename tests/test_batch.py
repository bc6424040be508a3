"""A folder of files is processed with one bad file not stopping the others."""

from __future__ import annotations

import os
import signal
import time

from click.testing import CliRunner

from gongkai import batch
from gongkai.batch import collect, run
from gongkai.cli import main
from gongkai.examples.generate import random_spec
from gongkai.readers.limits import Limits
from gongkai.render.layouts import render_text

import random


def _write_reports(folder, n):
    paths = []
    for i in range(n):
        p = folder / f"r{i}.txt"
        p.write_text(render_text(random_spec(random.Random(i)), "pipe_rows", random.Random(i)), "utf-8")
        paths.append(p)
    return paths


def test_collect_walks_folders_and_keeps_missing_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / "Thumbs.db").write_bytes(b"x")
    got = collect([tmp_path, tmp_path / "missing.pdf"])
    assert [p.name for p in got] == ["a.txt", "b.txt", "missing.pdf"]


def test_hanging_and_crashing_files_are_reported_and_the_rest_go_on(tmp_path, monkeypatch):
    good = _write_reports(tmp_path, 3)
    hang, crash = tmp_path / "hang.txt", tmp_path / "crash.txt"
    hang.write_text("x")
    crash.write_text("x")
    real = batch.check_one

    def fake(path, limits):
        if path.endswith("hang.txt"):
            time.sleep(60)
        if path.endswith("crash.txt"):
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(path, limits)

    monkeypatch.setattr(batch, "check_one", fake)  # workers are forked, so they see the patched function
    paths = [str(p) for p in (good[0], hang, good[1], crash, good[2])]
    start = time.monotonic()
    outcomes = {o.path: o for o in run(paths, jobs=2, limits=Limits(seconds_per_file=2))}
    assert time.monotonic() - start < 30
    assert set(outcomes) == set(paths)
    assert outcomes[str(hang)].error_code == "E-TIMEOUT"
    assert outcomes[str(crash)].error_code == "E-CRASH"
    assert all(outcomes[str(p)].ok for p in good)
    assert all(outcomes[str(p)].report.organization for p in good)


def test_cli_checks_a_folder_and_lists_bad_files(tmp_path):
    _write_reports(tmp_path, 3)
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(main, ["check", "--jobs", "2", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "共处理 5 个文件" in result.output
    assert "E-EMPTY" in result.output and "junk.bin" in result.output
    assert result.output.count("机关：") == 3
    assert "Traceback" not in result.output


def test_cli_json_for_a_folder_is_a_list_in_input_order(tmp_path):
    import json

    paths = _write_reports(tmp_path, 4)
    result = CliRunner().invoke(main, ["check", "--json", "--jobs", "3", str(tmp_path)])
    data = json.loads(result.stdout)
    assert [d["source"] for d in data] == [str(p) for p in paths]


def test_a_file_that_exhausts_memory_is_reported(tmp_path, monkeypatch):
    ok = _write_reports(tmp_path, 1)[0]
    bomb = tmp_path / "bomb.txt"
    bomb.write_text("x")
    real = batch.check_one

    def fake(path, limits):
        if path.endswith("bomb.txt"):
            hog = []
            while True:
                hog.append(bytearray(64 * 1024 * 1024))
        return real(path, limits)

    monkeypatch.setattr(batch, "check_one", fake)
    limits = Limits(worker_memory_bytes=1024**3, seconds_per_file=20)
    outcomes = {o.path: o for o in run([str(bomb), str(ok)], jobs=1, limits=limits)}
    assert outcomes[str(bomb)].error_code in ("E-CRASH", "E-INTERNAL")
    assert outcomes[str(ok)].ok


def test_a_chunk_with_a_hanging_crashing_or_untrusting_file_loses_and_repeats_nothing(tmp_path, monkeypatch):
    good = _write_reports(tmp_path, 9)
    bad = {name: tmp_path / name for name in ("hang.txt", "crash.txt", "spent.txt")}
    for p in bad.values():
        p.write_text("x")
    log = tmp_path / "ran.log"
    real = batch.check_one

    def fake(path, limits):
        with open(log, "a") as fh:
            fh.write(f"{path}\t{os.getpid()}\n")
        if path.endswith("hang.txt"):
            time.sleep(60)
        if path.endswith("crash.txt"):
            os.kill(os.getpid(), signal.SIGSEGV)
        if path.endswith("spent.txt"):  # e.g. recursion exhausted: the worker must not take another file
            return batch.Outcome(path, None, "E-READ", "spent", recycle=True)
        return real(path, limits)

    monkeypatch.setattr(batch, "check_one", fake)
    paths = (
        [str(p) for p in good[:3]]
        + [str(bad["hang.txt"])]
        + [str(p) for p in good[3:6]]
        + [str(bad["crash.txt"])]
        + [str(p) for p in good[6:]]
        + [str(bad["spent.txt"])]
        + [str(good[0]) + "x"]
    )
    outcomes = list(run(paths, jobs=1, limits=Limits(seconds_per_file=2), chunk=8))
    assert sorted(o.path for o in outcomes) == sorted(paths)  # each exactly once
    by_path = {o.path: o for o in outcomes}
    assert by_path[str(bad["hang.txt"])].error_code == "E-TIMEOUT"
    assert by_path[str(bad["crash.txt"])].error_code == "E-CRASH"
    assert all(by_path[str(p)].ok for p in good)
    ran = [line.split("\t") for line in log.read_text().splitlines()]
    assert sorted(p for p, _ in ran) == sorted(paths)  # nothing was worked on twice
    pid_of = {p: pid for p, pid in ran}
    assert pid_of[str(good[0]) + "x"] != pid_of[str(bad["spent.txt"])]  # a fresh worker after the untrusted one
    assert pid_of[str(good[3])] != pid_of[str(bad["hang.txt"])]
    assert len({pid_of[str(p)] for p in good[:3]}) == 1  # the first files did share one worker (a chunk)


def test_cli_output_rendered_by_workers_equals_rendering_in_the_parent(tmp_path):
    import io
    import json

    from rich.console import Console

    from gongkai.batch import check_one
    from gongkai.commands.check import _dump, _summary

    paths = _write_reports(tmp_path, 5)
    (tmp_path / "empty.txt").write_bytes(b"")
    reports = [check_one(str(p)).report for p in paths]
    out = CliRunner().invoke(main, ["check", "--json", "--jobs", "2", str(tmp_path)]).stdout
    entries = [r.to_dict() for r in reports]
    entries.insert(0, {"source": str(tmp_path / "empty.txt"), "error": json.loads(out)[0]["error"]})
    assert out == _dump(entries, levels=3) + "\n"  # the list of what each worker dumped
    assert json.loads(out)[0]["error"]["code"] == "E-EMPTY"
    text = CliRunner().invoke(main, ["check", "--jobs", "2", str(tmp_path)]).stdout
    buf = io.StringIO()
    for report in reports:
        _summary(Console(file=buf, width=80, highlight=False, soft_wrap=True), report)  # as make_console
    assert text.startswith(buf.getvalue())


def test_plain_lines_print_as_rich_prints_them():
    import io

    from rich.console import Console
    from rich.text import Text

    from gongkai.commands.check import _print_lines

    lines = [
        [("plain", None)],
        [("第3行第7列", "dim"), (" 表三：（空白）", None)],
        [("●", "bold red"), (" ", None), ("E-X", "dim"), (" a [b] c\\ [bold]not markup[/]", None)],
        [("tab\there", None)],
        [("bell\x07 and \x1b[31mansi\rcr", None)],
        [(":smile: :thumbs_up: 10:30:00", None)],  # document text is printed as it is, never as emoji codes
        [("宽" * 39 + "x", None)],
        [("宽" * 40 + "x", "yellow")],
        [("x" * 200, None)],
        [("trailing   ", None)],
        [("", None)],
        [("  ", None), ("文本不完整（截断）", "yellow")],
        [("e\u0301 combining", None)],
        [("word " * 30, None)],
        [("一二三 " * 25 + "end", None)],
        [("x" * 79 + " y", None)],
        [(" " * 90 + "z", None)],
    ]
    for width, soft_wrap in ((80, False), (40, False), (40, True)):
        for cut in range(len(lines) + 1):
            group = lines[cut:] + lines[:cut]
            ours, theirs = io.StringIO(), io.StringIO()
            _print_lines(Console(file=ours, width=width, highlight=False, soft_wrap=soft_wrap), group)
            reference = Console(file=theirs, width=width, highlight=False, soft_wrap=soft_wrap)
            for line in group:  # one print per line, each a Text (never parsed as markup)
                reference.print(Text.assemble(*line))
            assert ours.getvalue() == theirs.getvalue(), group
    assert ":smile:" in ours.getvalue() and "[bold]not markup[/]" in ours.getvalue()


def test_plain_rule_is_the_rule_rich_prints():
    import io

    from rich.console import Console
    from rich.text import Text

    from gongkai.commands.check import _plain_rule

    titles = ["a", "reports/报告.txt", "宽" * 37, "宽" * 38, "x" * 75, "x" * 76, "x" * 77, "e\u0301", "/tmp/a b/c.pdf"]
    titles += ["宽" * n + "x" * m for n in range(0, 12, 3) for m in range(0, 5)]
    checked = 0
    for width in (20, 21, 40, 80, 81, 120):
        for title in titles:
            line = _plain_rule(title, width)
            buf = io.StringIO()
            Console(file=buf, width=width, highlight=False, soft_wrap=True).rule(Text(title, style="bold"))
            if line is None:  # rich first shortens the title: printed through rich
                assert not title or len(title) * 2 > width - 4
                continue
            checked += 1
            assert line + "\n" == buf.getvalue(), (width, title)
    assert checked > 100
    assert _plain_rule("a\tb", 80) is None


def test_check_json_is_written_as_it_comes_and_stays_valid_after_ctrl_c(tmp_path, monkeypatch):
    """Over many files the JSON list is written item by item (memory stays flat); Ctrl-C ends the list, so what
    was written is valid JSON, and the exit code says the run was interrupted."""
    import json

    import gongkai.batch as batch

    paths = _write_reports(tmp_path, 4)
    real_run = batch.run

    def two_then_ctrl_c(*args, **kwargs):
        for i, outcome in enumerate(real_run(*args, **kwargs)):
            if i == 2:
                raise KeyboardInterrupt
            yield outcome

    full = CliRunner().invoke(main, ["check", "--json", "-j", "1", str(tmp_path)])
    assert [d["source"] for d in json.loads(full.stdout)] == [str(p) for p in sorted(paths)]
    monkeypatch.setattr(batch, "run", two_then_ctrl_c)
    result = CliRunner().invoke(main, ["check", "--json", "-j", "1", str(tmp_path)])
    assert result.exit_code == 130
    assert json.loads(result.stdout) == json.loads(full.stdout)[:2]
    assert "[E-INTERRUPTED]" in result.stderr
