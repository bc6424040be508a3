"""Peak memory of reading a huge plain text (issue 11, class 8b: a 197 MB text peaked at 4.5 GB).

Writes a generated text of --mb megabytes (untimed), then in a fresh subprocess calls ``read_path`` on it and
prints the peak RSS (resource.getrusage ru_maxrss) against the target "2× the file size + 300 MB". A text over
``Limits.max_text_bytes`` is refused with E-LIMIT before it is decoded, so the peak is about the file size (the
bytes read) plus the interpreter. ``--limit-mb`` raises the limit to measure reading itself at that size.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_memory.py --mb 80
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = """
import resource, sys
from gongkai.errors import GongkaiError
from gongkai.readers import read_path
from gongkai.readers.limits import Limits
limits = Limits(max_text_bytes=int(sys.argv[2]) * 1048576, max_bytes=max(int(sys.argv[2]), 200) * 1048576)
try:
    doc = read_path(sys.argv[1], limits)
    outcome = f"read: {len(doc.lines)} lines"
except GongkaiError as exc:
    outcome = f"refused: {exc}"
print(outcome)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux
"""


def _write_text(path: Path, mb: int) -> int:
    line = "2024年，某某区统计局主动公开政府信息120条，其中规范性文件3件，办理依申请公开45件。\n".encode()
    target = mb * 1048576
    with path.open("wb") as f:
        f.write("某某区统计局2024年政府信息公开工作年度报告\n".encode())
        written = 0
        while written < target:
            f.write(line * 1000)
            written += len(line) * 1000
    return path.stat().st_size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=80, help="size of the generated text in MB (default 80)")
    ap.add_argument("--limit-mb", type=int, default=20, help="max_text_bytes in MB for the run (default 20)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "huge.txt"
        size = _write_text(path, args.mb)
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), str(args.limit_mb)], capture_output=True, text=True, check=True
        ).stdout.splitlines()
    peak = int(out[-1]) * 1024
    target = 2 * size + 300 * 1048576
    print(f"file {size / 1048576:.1f} MB, limit {args.limit_mb} MB: {out[0]}")
    print(
        f"peak RSS {peak / 1048576:.0f} MB; target 2×size+300 MB = {target / 1048576:.0f} MB: "
        f"{'within' if peak <= target else 'OVER'}"
    )


if __name__ == "__main__":
    main()
