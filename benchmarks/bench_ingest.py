"""Ingest throughput into SQLite and PostgreSQL over generated reports, and peak memory.

The reports are generated and written to a temporary folder first (untimed); then `ingest` runs over the
folder with all cores (read + parse + check in workers, writes in the parent) and the cross-report
recomputation at the end. Peak RSS of the parent is sampled at 10% and at 100% of the reports: it must not
grow with the number of reports. PostgreSQL uses GONGKAI_BENCH_POSTGRES if set, else a throwaway server
started like the tests do (needs the PostgreSQL server programs).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gongkai.store.db import open_store  # noqa: E402
from gongkai.store.ingest import ingest  # noqa: E402
from tests.store.corpus import write_reports  # noqa: E402


def _rss_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def run_one(name: str, url: str, folder: Path, n: int, jobs: int) -> None:
    store = open_store(url)
    marks: dict[int, float] = {}

    def hook(_label: str, done: int, total: int) -> None:
        if done in (max(1, total // 10), total):
            marks[done] = _rss_mib(resource.RUSAGE_SELF)

    t0 = time.perf_counter()
    summary = ingest(store, [folder], jobs=jobs, progress=hook, cross_check=False)
    t_ingest = time.perf_counter() - t0
    t1 = time.perf_counter()
    from gongkai.store.cross import recompute_cross_findings

    cross = recompute_cross_findings(store)
    t_cross = time.perf_counter() - t1
    t2 = time.perf_counter()
    again = ingest(store, [folder], jobs=jobs, cross_check=False)
    t_again = time.perf_counter() - t2
    verified, differing = verify(store, folder)
    store.dispose()
    print(
        f"{name}: {summary.stored} reports stored in {t_ingest:.1f} s = {summary.stored / t_ingest:.0f} reports/s "
        f"({jobs} worker processes); cross-report recomputation {t_cross:.1f} s ({cross} findings); "
        f"re-ingest of the same files {t_again:.1f} s ({again.unchanged} unchanged, {again.stored} stored)"
    )
    print(
        f"{name}: parent peak RSS "
        + ", ".join(f"{mib:.0f} MiB after {k} reports" for k, mib in sorted(marks.items()))
        + f"; largest worker {_rss_mib(resource.RUSAGE_CHILDREN):.0f} MiB"
    )
    print(
        f"{name}: stored cells equal `gongkai check` for {verified - len(differing)}/{verified} reports"
        + (f"; differing: {differing[:5]}" if differing else "")
    )


def verify(store, folder: Path) -> tuple[int, list[str]]:
    """Every stored report's cells against checking its file again (untimed)."""
    from sqlalchemy import select

    from gongkai.batch import check_one
    from gongkai.store import schema as t
    from gongkai.store.cross import _gold

    q = (
        select(
            t.document_path.c.path,
            t.cell.c.cell_id,
            t.cell.c.raw,
            t.cell.c.meaning,
            t.cell.c.value,
            t.cell.c.inferred_value,
        )
        .select_from(
            t.cell.join(t.parse, t.parse.c.id == t.cell.c.parse_id).join(
                t.document_path, t.document_path.c.document_id == t.parse.c.document_id
            )
        )
        .where(t.parse.c.is_current)
        .order_by(t.document_path.c.path)
    )
    import itertools

    count, differing = 0, []
    with store.engine.connect() as conn:
        rows = conn.execute(q.execution_options(yield_per=5000))
        for path, group in itertools.groupby(rows, key=lambda r: r.path):
            stored = {r.cell_id: _gold(r.raw, r.meaning, r.value, r.inferred_value) for r in group}
            count += 1
            if stored != check_one(path).report.gold_cells():
                differing.append(path)
    return count, differing


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--only", choices=("sqlite", "postgresql"), default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        folder = Path(tmp) / "reports"
        t0 = time.perf_counter()
        write_reports(folder, args.reports, seed=20261123)
        print(
            f"generated {args.reports} reports (all text layouts, 10% in the 2019 format) in "
            f"{time.perf_counter() - t0:.1f} s (untimed)"
        )
        if args.only in (None, "sqlite"):
            run_one("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", folder, args.reports, args.jobs)
        if args.only in (None, "postgresql"):
            url = os.environ.get("GONGKAI_BENCH_POSTGRES")
            server = None
            if not url:
                from tests.pgserver import Server

                server = Server().start()
                if server.url is None:
                    print(f"PostgreSQL: skipped ({server.reason})")
                    return
                url = server.new_database("bench")
            try:
                run_one("PostgreSQL", url, folder, args.reports, args.jobs)
            finally:
                if server:
                    server.stop()


if __name__ == "__main__":
    main()
