"""Does a change to ingest store exactly what the code before it stored? Ingests the same generated reports (and
three files that are not reports) with two source trees, exports each database every way and dumps its tables,
and prints per output whether the two are byte-identical (timestamps masked: they record when it ran).

    git worktree add /tmp/before main   # or: git archive REV src | tar -x -C /tmp/before
    PYTHONPATH=src .venv/bin/python benchmarks/compare_ingest_export.py --before /tmp/before/src --after src
    … --db postgresql   # a throwaway PostgreSQL server (tests/pgserver.py)

Ingest runs with one worker (-j 1) so that row ids are the same in both runs; that the stored result does not
depend on the worker count is what tests/store/test_determinism.py checks.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.store.corpus import write_reports  # noqa: E402

_EXPORTS = {"long.csv": [], "wide.csv": ["--wide"], "findings.csv": ["--findings"], "all.json": []}
_TABLES = {
    "document": "id",
    "parse": "id",
    "cell": "parse_id, cell_id",
    "finding": "id",
    "stats_figure": "parse_id, figure",
    "cross_finding": "id",
    "organization": "id",
}
_DUMP = """
import sys
from sqlalchemy import text
from gongkai.store.db import open_store
store = open_store(sys.argv[1])
with store.engine.connect() as conn:
    for arg in sys.argv[2:]:
        table, order = arg.split(":")
        print(table, repr(conn.execute(text(f"SELECT * FROM {table} ORDER BY {order}")).all()))
"""
_TIME = re.compile(rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\+00:00)?")


def _digests(src: str, url: str, folder: Path, out: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=src)
    py = sys.executable
    cli = [py, "-m", "gongkai.cli"]
    subprocess.run([*cli, "ingest", "--no-progress", "-j", "1", "--db", url, str(folder)], env=env, check=False)
    got = {}
    for name, extra in _EXPORTS.items():
        target = out / name
        subprocess.run([*cli, "export", "--db", url, "-o", str(target), *extra], env=env, check=True)
        got[name] = target.read_bytes()
    dump = subprocess.run(
        [py, "-c", _DUMP, url, *(f"{t}:{o}" for t, o in _TABLES.items())], env=env, check=True, capture_output=True
    ).stdout
    for line in dump.splitlines():
        table, _, rows = line.partition(b" ")
        got[f"table {table.decode()}"] = rows
    return {k: hashlib.sha256(_TIME.sub(b"T", v)).hexdigest() for k, v in got.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True, help="src folder of the code before the change")
    ap.add_argument("--after", required=True, help="src folder of the code after the change")
    ap.add_argument("--reports", type=int, default=200)
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongkai-cmp-") as tmp:
        folder = Path(tmp) / "reports"  # one folder for both runs: the paths are stored and exported
        write_reports(folder, args.reports, seed=777)
        (folder / "empty.txt").write_text("")
        (folder / "junk.pdf").write_bytes(b"%PDF-1.4 broken")
        (folder / "prose.txt").write_text("这不是年度报告。\n只是一段文字。\n", encoding="utf-8")
        server = None
        if args.db == "postgresql":
            from tests.pgserver import Server

            server = Server().start()
        try:
            digests = {}
            for name in ("before", "after"):
                src = str(Path(getattr(args, name)).resolve())
                out = Path(tmp) / name
                out.mkdir()
                url = server.new_database(name) if server else f"sqlite:///{out / 'gongkai.db'}"
                digests[name] = _digests(src, url, folder, out)
        finally:
            if server:
                server.stop()
    same = True
    for key, digest in digests["before"].items():
        ok = digests["after"].get(key) == digest
        same &= ok
        print(f"{key}: {'identical' if ok else 'DIFFERENT'}")
    print("all identical" if same else "DIFFERENCES FOUND")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
