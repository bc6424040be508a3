"""Workbench latency: p50/p95 of the main pages and API routes on a store of N generated reports, and the
server's memory.

Untimed set-up: a generated district (registry, 30 member bodies × 3 years, roll-ups) plus random reports up
to ``--reports`` are ingested into SQLite. Then `gongkai serve` runs as its own process on loopback and a
bounded load loop sends ``--requests`` GETs per route from ``--concurrency`` threads (keep-alive clients);
each request's wall time is recorded. The server's RSS (current and peak, from /proc) is read after the loop.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongkai.examples.region import REGISTRY_FILE, generate_region, write_region  # noqa: E402
from gongkai.orgs.registry import load_registry  # noqa: E402
from gongkai.store.db import open_store  # noqa: E402
from gongkai.store.ingest import ingest  # noqa: E402
from gongkai.store.orgs import import_registry  # noqa: E402
from tests.store.corpus import write_reports  # noqa: E402


def build_store(folder: Path, n: int, jobs: int) -> tuple[str, str, int]:
    """The database URL, the district's name and its last year."""
    region = generate_region(0)
    write_region(region, folder / "region")
    rest = max(0, n - len(region.files))
    write_reports(folder / "random", rest, seed=20261204)
    url = f"sqlite:///{folder / 'web.db'}"
    store = open_store(url)
    with store.begin() as conn:
        import_registry(conn, load_registry(folder / "region" / REGISTRY_FILE))
    years = [p for p in (folder / "region").iterdir() if p.is_dir()]
    summary = ingest(store, [*years, folder / "random"], jobs=jobs)
    store.dispose()
    print(f"store: {summary.stored} reports ({len(region.files)} of the generated district, {rest} random)")
    return url, region.district, max(s.year for s in region.specs.values())


def _kept_store(folder: Path, args) -> tuple[str, str, int]:
    """The store kept in ``folder`` (built there on first use, for ``--reports`` reports)."""
    import json

    marker = folder / "store.json"
    if not marker.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        url, district, year = build_store(folder, args.reports, args.jobs)
        marker.write_text(json.dumps([url, district, year], ensure_ascii=False))
    url, district, year = json.loads(marker.read_text())
    return url, district, year


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from gongkai.cli import main; main()", "serve", "--db", url, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    import httpx

    for _ in range(600):  # waits for start-up (not a measurement)
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the server did not start")


def rss_mib(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def load(base: str, path: str, requests: int, concurrency: int) -> tuple[list[float], int]:
    """Each request's latency in ms, and the number of non-200 answers."""
    import httpx

    times: list[float] = []
    bad = [0]
    lock = threading.Lock()
    todo = iter(range(requests))

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while True:
                with lock:
                    if next(todo, None) is None:
                        return
                t0 = time.perf_counter()
                r = client.get(path)
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    times.append(ms)
                    bad[0] += r.status_code != 200

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, bad[0]


def routes(base: str, district: str, year: int) -> list[tuple[str, str]]:
    import httpx

    listing = httpx.get(base + "/api/v1/reports", params={"q": district[:4], "year": year}).json()["reports"]
    key = next(r["key"] for r in listing if r["organization"] != district)
    total = httpx.get(base + "/api/v1/reports").json()["total"]
    last_page = max(1, -(-total // 50))
    region = quote(district)
    return [
        ("报告列表", "/"),
        ("报告列表 末页", f"/?page={last_page}"),
        ("报告列表 搜索", f"/?q={quote('人民政府')}"),
        ("报告详情", f"/reports/{key}"),
        ("对比", f"/reports/{key}/compare"),
        ("区域", f"/regions/{region}/{year}"),
        ("问题清单 区域年度", f"/findings?org={region}&year={year}"),
        ("填报", "/fill"),
        ("API reports", "/api/v1/reports"),
        ("API report", f"/api/v1/reports/{key}"),
        ("API findings", "/api/v1/findings?limit=100"),
        ("API stats", "/api/v1/stats"),
        ("healthz", "/healthz"),
    ]


def _pad(text: str, width: int) -> str:
    """Left-justified in a terminal, where a Han character takes two columns."""
    return text + " " * max(0, width - sum(2 if ord(ch) > 0x2E7F else 1 for ch in text))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=200, help="requests per route")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="build the store in this folder once and reuse it on later runs (before/after a change)",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-web-") as tmp:
        t0 = time.perf_counter()
        url, district, year = (
            _kept_store(args.keep, args) if args.keep else build_store(Path(tmp), args.reports, args.jobs)
        )
        print(f"set-up {time.perf_counter() - t0:.0f} s (untimed)")
        proc, base = start_server(url)
        try:
            start_rss = rss_mib(proc.pid)[0]
            print(
                f"{'route':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'req/s':>8}  ({args.requests} requests, "
                f"{args.concurrency} clients)"
            )
            for name, path in routes(base, district, year):
                load(base, path, min(5, args.requests), 1)  # warm the route (caches, first query plans)
                t1 = time.perf_counter()
                times, bad = load(base, path, args.requests, args.concurrency)
                wall = time.perf_counter() - t1
                q = statistics.quantiles(times, n=20)
                note = f"  {bad} not 200" if bad else ""
                print(
                    f"{_pad(name, 22)}{statistics.median(times):>9.1f}{q[18]:>9.1f}{max(times):>9.1f}"
                    f"{len(times) / wall:>8.0f}{note}"
                )
            now, peak = rss_mib(proc.pid)
            print(f"server RSS: {start_rss:.0f} MiB at start, {now:.0f} MiB after the loop, peak {peak:.0f} MiB")
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
