"""Every command's error paths — a missing argument, a bad option value, a bad file, a missing file, a wrong
database URL, Ctrl-C during a batch — end in the one message style (``[代码] 说明``, then an indented next
step), with no click English and no Python text, exit 2 (130 for Ctrl-C), and leave no database or lock file
behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.cli import main
from gongkai.examples.bundled import example_texts
from tests.commands.test_zh import ENGLISH

# what Python, the OS or a driver would say; none of it may reach a user
PYTHON = re.compile(
    r"Traceback|Exception\b|Error\b|Errno|No such file|Permission denied|Is a directory|"
    r"codec can't|BadZipFile|sqlalchemy|psycopg|sqlite3|File \"|\bNone\b|Can't load plugin|"
    r"Connection refused|not a database|unable to open"
)
FIRST_LINE = re.compile(r"^\[E-[A-Z0-9]+(?:-[A-Z0-9]+)*\] \S")
CHINESE = re.compile(r"[\u4e00-\u9fff]")

BAD_DB = "postgresql://nobody@127.0.0.1:1/gongkai"  # nothing listens on port 1: refused at once

CASES: list[tuple[str, list[str]]] = [
    # check / parse / examples / rules
    ("E-USAGE", ["check"]),
    ("E-USAGE", ["check", "-j", "0", "report.txt"]),
    ("E-USAGE", ["check", "--timeout", "abc", "report.txt"]),
    ("E-FORMAT", ["check", "data.bin"]),
    ("E-READ", ["check", "missing.pdf"]),
    ("E-NOT-REPORT", ["check", "note.txt"]),
    ("E-USAGE", ["parse"]),
    ("E-USAGE", ["parse", "--nosuch", "report.txt"]),
    ("E-FORMAT", ["parse", "data.bin"]),
    ("E-READ", ["parse", "missing.pdf"]),
    ("E-USAGE", ["examples", "extra"]),
    ("E-WRITE", ["examples", "--out", "report.txt/sub"]),
    ("E-USAGE", ["rules", "extra"]),
    ("E-USAGE", ["nosuch"]),
    # producing: template / tally / render
    ("E-USAGE", ["template"]),
    ("E-USAGE", ["template", "--year", "abc"]),
    ("E-FORMAT", ["template", "--year", "2024", "--format", "1999"]),
    ("E-FORMAT", ["template", "--year", "2024", "-o", "t.txt"]),
    ("E-READ", ["template", "--year", "2024", "--from", "missing.pdf", "-o", "t.yaml"]),
    ("E-DB", ["template", "--year", "2024", "--rollup", "某区", "--db", "none.db"]),
    ("E-USAGE", ["tally", "applications.csv"]),
    ("E-USAGE", ["tally", "--year", "abc", "applications.csv"]),
    ("E-NO-INPUT", ["tally", "--year", "2024"]),
    ("E-READ", ["tally", "--year", "2024", "missing.csv"]),
    ("E-FORMAT", ["tally", "--year", "2024", "old.xls"]),
    ("E-CORRUPT", ["tally", "--year", "2024", "broken.xlsx"]),
    ("E-USAGE", ["render"]),
    ("E-USAGE", ["render", "form.yaml"]),
    ("E-USAGE", ["render", "form.yaml", "-o", "r.docx", "--to", "rtf"]),
    ("E-FORMAT", ["render", "form.yaml", "-o", "r.pdfx"]),
    ("E-FORMAT", ["render", "old.xls", "-o", "r.docx"]),
    ("E-FORM", ["render", "missing.yaml", "-o", "r.docx"]),
    ("E-FORM", ["render", "binary.yaml", "-o", "r.docx"]),
    # the database: ingest / findings / review / orgs / export / stats / reports / fetch / serve / users
    ("E-NO-INPUT", ["ingest"]),
    ("E-USAGE", ["ingest", "-j", "0", "report.txt"]),
    ("E-READ", ["ingest", "missing.pdf"]),
    ("E-USAGE", ["ingest", "--orgs", "missing.yaml", "report.txt"]),
    ("E-ORGS", ["ingest", "--orgs", "old.xls", "report.txt"]),
    ("E-DB", ["ingest", "report.txt", "--db", "note.txt"]),
    ("E-DB", ["ingest", "report.txt", "--db", "foo://bar"]),
    ("E-DB", ["ingest", "report.txt", "--db", "no/such/dir/x.db"]),
    ("E-DB", ["ingest", "report.txt", "--db", BAD_DB]),
    ("E-DB", ["findings"]),
    ("E-DB", ["findings", "--db", "数据库.db"]),
    ("E-DB", ["findings", "--db", BAD_DB]),
    ("E-USAGE", ["findings", "--severity", "严重"]),
    ("E-USAGE", ["findings", "--category", "不存在的类别"]),
    ("E-USAGE", ["findings", "--status", "done"]),
    ("E-USAGE", ["findings", "--limit", "-1"]),
    ("E-USAGE", ["review"]),
    ("E-REVIEW-FLAGS", ["review", "F-0000000000"]),
    ("E-DB", ["review", "F-0000000000", "--confirm", "--db", "none.db"]),
    ("E-USAGE", ["orgs", "import"]),
    ("E-ORGS", ["orgs", "import", "missing.yaml"]),
    ("E-ORGS", ["orgs", "import", "old.xls"]),
    ("E-ORGS", ["orgs", "import", "note.txt"]),
    ("E-DB", ["orgs", "list", "--db", "none.db"]),
    ("E-DB", ["orgs", "unmatched", "--db", "foo://bar"]),
    ("E-USAGE", ["export"]),
    ("E-USAGE", ["export", "-o", "a.csv", "--to", "doc"]),
    ("E-FORMAT", ["export", "-o", "a.pdfx"]),
    ("E-DB", ["export", "-o", "a.csv", "--db", "none.db"]),
    ("E-WRITE", ["export", "--codebook", "-o", "no/such/dir/x.csv"]),
    ("E-DB", ["stats"]),
    ("E-DB", ["stats", "--db", BAD_DB]),
    ("E-USAGE", ["stats", "--by", "quarter"]),
    ("E-USAGE", ["stats", "--year", "1800"]),
    ("E-DB", ["reports", "versions", "--db", "none.db"]),
    ("E-USAGE", ["reports", "withdraw"]),
    ("E-DB", ["reports", "withdraw", "abcd", "-m", "理由", "--db", "none.db"]),
    ("E-USAGE", ["reports", "supersede", "abcd"]),
    ("E-DB", ["reports", "log", "--db", "foo://bar"]),
    ("E-FETCH-NO-URL", ["fetch"]),
    ("E-USAGE", ["fetch", "--depth", "99", "https://example.invalid/"]),
    ("E-USAGE", ["fetch", "--from", "missing.txt"]),
    ("E-USAGE", ["serve", "--port", "abc"]),
    ("E-USAGE", ["users", "add", "bob"]),
    ("E-USAGE", ["users", "add", "bob", "--role", "king"]),
]


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A folder with the files the cases name (made here or by the project's generator), as the cwd."""
    texts = example_texts()
    (tmp_path / "report.txt").write_text(next(iter(texts.values())), "utf-8")
    (tmp_path / "note.txt").write_text("今天天气很好。\n", "utf-8")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (tmp_path / "data.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04garbage")
    (tmp_path / "binary.yaml").write_bytes(b"\xff\xfe\x00bad")
    (tmp_path / "form.yaml").write_text("organization: 某局\nyear: 2024\n", "utf-8")
    (tmp_path / "applications.csv").write_text("收件日期,申请人\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GONGKAI_DB", raising=False)
    return tmp_path


def assert_one_style(text: str, code: str) -> None:
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines, "no message at all"
    assert FIRST_LINE.match(lines[0]) and lines[0].startswith(f"[{code}] "), lines[0]
    assert CHINESE.search(lines[0]), lines[0]
    for line in lines[1:]:  # a next step, indented under the message, or another message of the same style
        assert line.startswith("  ") or FIRST_LINE.match(line), line


@pytest.mark.parametrize(("code", "args"), CASES, ids=[" ".join(a) or "-" for _, a in CASES])
def test_error_path(workdir: Path, code: str, args: list[str]) -> None:
    before = sorted(p.name for p in workdir.rglob("*"))
    result = CliRunner().invoke(main, args, input="")
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert_one_style(result.stderr, code)
    assert not ENGLISH.search(result.output), result.output
    assert not PYTHON.search(result.output), result.output
    after = sorted(p.name for p in workdir.rglob("*"))
    assert after == before  # no database, no *.migrate-lock, no half-written output


def test_every_command_has_error_cases() -> None:
    covered = {args[0] for _, args in CASES if args}
    assert set(main.commands) <= covered, set(main.commands) - covered


def test_a_migrate_lock_is_removed(tmp_path) -> None:
    """Creating a database takes a lock file beside it; it is gone afterwards."""
    from gongkai.store.db import open_store

    open_store(tmp_path / "g.db").dispose()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("g.db-")) == ["g.db"]


# --------------------------------------------------------------------------------------------------- Ctrl-C

# a stand-in for a slow file: the batch's task never returns for it, so the batch is certainly running when
# Ctrl-C arrives (no timing), and the fast files before it are done
_SLOW_TASK = """
import sys, time
import gongkai.batch as batch
import gongkai.store.ingest as ingest
fast_check, fast_ingest = batch.check_one, ingest.ingest_task
def check_one(path, limits):
    if "slow" in str(path):
        print("slow-started", flush=True)
        time.sleep(600)
    return fast_check(path, limits)
def ingest_task(job, limits):
    if "slow" in str(job.path):
        print("slow-started", flush=True)
        time.sleep(600)
    return fast_ingest(job, limits)
batch.check_one, ingest.ingest_task = check_one, ingest_task
from gongkai.cli import main
sys.argv[0] = "gongkai"
main()
"""


def _interrupt(args: list[str], cwd: Path, ready: str) -> tuple[int, str, str]:
    """Run gongkai in its own process group, wait until stdout or stderr shows ``ready``, press Ctrl-C (SIGINT
    to the whole group, workers included, as a terminal does)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=os.pathsep.join(sys.path))
    env.pop("GONGKAI_DB", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_TASK, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen = []
    assert proc.stdout is not None
    for line in proc.stdout:  # ends only if gongkai exits first, which fails the test below
        seen.append(line)
        if ready in line:
            break
    os.killpg(proc.pid, signal.SIGINT)
    rest, _ = proc.communicate(timeout=120)
    return proc.returncode, "".join(seen) + rest, "".join(seen)


def _batch(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for name, text in list(example_texts().items())[:4]:
        (folder / f"a_{name}").write_text(text, "utf-8")
    (folder / "z_slow.txt").write_text(next(iter(example_texts().values())) + "\n附：慢\n", "utf-8")
    return folder


def test_ctrl_c_during_check_batch(tmp_path) -> None:
    folder = _batch(tmp_path)
    code, out, _ = _interrupt(["check", str(folder), "-j", "1", "--no-progress"], tmp_path, "slow-started")
    assert code == 130, out
    assert not ENGLISH.search(out) and not PYTHON.search(out), out
    assert "共处理 4 个文件" in out and "a_04" in out  # the summary of what was done
    last = [line for line in out.splitlines() if line.strip()][-1]
    assert last.startswith("[E-INTERRUPTED] ") and "4 / 5" in last, out


def test_ctrl_c_during_ingest(tmp_path) -> None:
    folder = _batch(tmp_path)
    db = tmp_path / "g.db"
    code, out, before = _interrupt(
        ["ingest", str(folder), "--db", str(db), "-j", "1", "--no-progress"], tmp_path, "slow-started"
    )
    assert code == 130, out
    assert not ENGLISH.search(out) and not PYTHON.search(out), out
    lines = [line for line in out[len(before) :].splitlines() if line.strip()]
    assert lines[0].startswith("[E-INTERRUPTED] ") and lines[1].startswith("  "), out
    assert not list(tmp_path.glob("*.migrate-lock"))
