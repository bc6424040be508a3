"""Peak memory of `check -j 2` and `ingest -j 2` after 1,000 and after 10,000 reports: it must be flat (issue 15).

Generated text reports are written once (untimed; the 1,000 are the first 1,000 of the 10,000, hard-linked).
Each run is a fresh subprocess that runs the command itself (`gongkai check --no-progress -j 2 FOLDER`, output
to /dev/null; `gongkai ingest --no-progress -j 2` into a new SQLite database, cross findings included) and
reports its own peak RSS (the parent: ru_maxrss of RUSAGE_SELF) and the largest worker's (ru_maxrss of
RUSAGE_CHILDREN: the largest child it waited for). A forked worker's RSS includes the parent pages it still
shares, so the two are not to be added up. Flat memory: 10k/1k ≈ 1.0.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_memory_flat.py [--small 1000 --large 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.store.corpus import write_reports  # noqa: E402

_CHILD = """
import json, resource, sys
from gongkai.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"parent": me.ru_maxrss, "worker": kids.ru_maxrss}), file=sys.stderr)  # KiB on Linux
"""


def _peak(args: list[str]) -> tuple[float, float]:
    """(parent, largest worker) peak RSS in MiB of one fresh run of the command line ``args``."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
    try:
        peak = json.loads(last)
    except json.JSONDecodeError:
        raise SystemExit(f"run failed: {' '.join(args)}\n{proc.stderr[-2000:]}") from None
    return peak["parent"] / 1024, peak["worker"] / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=10000)
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="gongkai-memflat-") as tmp:
        large = Path(tmp) / f"r{args.large}"
        small = Path(tmp) / f"r{args.small}"
        files = write_reports(large, args.large, seed=20261204)
        small.mkdir()
        for f in files[: args.small]:
            os.link(f, small / f.name)
        runs = {
            "check -j 2": lambda folder, n: ["check", "--no-progress", "-j", "2", str(folder)],
            "ingest -j 2 (SQLite)": lambda folder, n: [
                "ingest",
                "--no-progress",
                "-j",
                "2",
                "--db",
                str(Path(tmp) / f"ingest{n}.db"),
                str(folder),
            ],
        }
        for name, command in runs.items():
            p1, w1 = _peak(command(small, args.small))
            p2, w2 = _peak(command(large, args.large))
            print(
                f"{name}: parent peak {p1:.0f} MiB after {args.small:,} reports, {p2:.0f} MiB after "
                f"{args.large:,} ({p2 / p1:.2f} x); largest worker {w1:.0f} → {w2:.0f} MiB ({w2 / w1:.2f} x)"
            )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
