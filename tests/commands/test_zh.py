"""The command line speaks Chinese: click's usage errors and help boilerplate, and Ctrl-C."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gongkai.cli import main

# click's English boilerplate; none of it may reach a user
ENGLISH = re.compile(
    r"Usage:|Error:|Missing argument|Missing option|Invalid value|No such (command|option)|"
    r"Try '|Show this message|Show the version|Options:|Commands:|Aborted!|Traceback|"
    r"is not one of|\[OPTIONS\]|COMMAND \[ARGS\]"
)


def _run(args: list[str]):
    return CliRunner().invoke(main, args)


@pytest.mark.parametrize(
    "args",
    [
        ["check"],  # missing argument
        ["findings", "--severity", "x"],  # bad choice
        ["nosuch"],  # no such command
        ["check", "--nosuch", "a.txt"],  # no such option
        ["check", "-j", "0", "a.txt"],  # out of range
        ["check", "-j"],  # option needs a value
        ["orgs", "list", "extra", "args"],  # extra arguments
    ],
)
def test_usage_errors_are_chinese(args: list[str]) -> None:
    result = _run(args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("[E-USAGE] ") and "查看帮助" in result.output
    assert not ENGLISH.search(result.output), result.output


@pytest.mark.parametrize(
    "args", [["--help"], ["check", "--help"], ["orgs", "--help"], ["orgs", "list", "-h"], ["--version"]]
)
def test_help_is_chinese(args: list[str]) -> None:
    result = _run(args)
    assert result.exit_code == 0, result.output
    assert not ENGLISH.search(result.output), result.output


def test_ctrl_c_is_quiet(monkeypatch, tmp_path) -> None:
    """Ctrl-C during a command: exit 130, one Chinese line with a code, no traceback, no 'Aborted!'."""
    import gongkai.batch as batch

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "run", interrupted)
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    result = _run(["check", str(tmp_path / "a.txt")])
    assert result.exit_code == 130
    assert "[E-INTERRUPTED]" in result.output
    assert not ENGLISH.search(result.output)


def test_library_import_leaves_click_alone() -> None:
    """Only the CLI entry point installs the Chinese messages: importing gongkai does not change click."""
    code = "import gongkai, gongkai.cli, click.core as c; print(c._('Usage:'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "Usage:"
