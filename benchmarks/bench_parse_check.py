"""Throughput of parse+check on one core over generated reports, and peak memory as the count grows.

Reports are generated and rendered on the fly (untimed), parsed and checked (timed), then dropped, so
memory must stay flat however many reports go through.
"""

from __future__ import annotations

import argparse
import random
import resource
import time

from gongkai.document import Document
from gongkai.examples.generate import random_spec
from gongkai.pipeline import check_document
from gongkai.render.layouts import LAYOUTS, render_text

BLANKS_SHOWN = {"pipe_rows", "markdown", "cell_per_line", "row_opener"}  # layouts that can print a blank cell


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=20261123)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    timed = 0.0
    checkpoints: list[tuple[int, float]] = []
    for i in range(1, args.reports + 1):
        layout = LAYOUTS[i % len(LAYOUTS)]
        spec = random_spec(rng, "2019" if i % 10 == 0 else "2021", allow_blank=layout in BLANKS_SHOWN)
        text = render_text(spec, layout, rng)
        doc = Document.from_text(text, source=f"bench-{i}")
        t0 = time.perf_counter()
        check_document(doc)
        timed += time.perf_counter() - t0
        if i in (args.reports // 10, args.reports):
            checkpoints.append((i, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    print(f"reports: {args.reports}")
    print(f"parse+check time: {timed:.2f} s")
    print(f"throughput: {args.reports / timed:.0f} reports/s (one core)")
    for n, peak in checkpoints:
        print(f"peak RSS after {n} reports: {peak:.1f} MiB")


if __name__ == "__main__":
    main()
