"""Mutation fuzzer: per input kind, mutated seeds go through the in-process API (and a sample through the CLI
batch path); anything but a report or a GongkaiError is an internal error, anything over the time box a hang.

    python -m fuzz.run --kinds text,html --count 1000 --seconds 120 --seed 1 --jobs 2 [--save]

Prints per kind: inputs tried, internal errors, hangs, peak memory (MB, of the largest process fuzzing that
kind), the wall time and the CPU seconds (which, unlike the wall time, do not depend on what else the machine
is doing: inputs per CPU second × cores gives the rate on an idle machine). Each kind runs in ``--jobs`` processes (fork, one shard of the count each, its own
random stream) under an address-space limit; the seeds are made once, before the shards fork.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import multiprocessing as mp
import os
import random
import resource
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from fuzz.mutate import mutate
from fuzz.seeds import KINDS, seeds

FOUND = Path(__file__).parent / "found"
SUFFIX = {
    "text": ".txt",
    "html": ".html",
    "docx": ".docx",
    "pdf": ".pdf",
    "image": ".png",
    "xlsx_form": ".xlsx",
    "yaml_form": ".yaml",
    "json_form": ".json",
    "csv_register": ".csv",
    "xlsx_register": ".xlsx",
    "registry": ".yaml",
}
DOCUMENT_KINDS = ("text", "html", "docx", "pdf", "image")


WALL_FACTOR = 6


class _Hang(Exception):
    pass


@dataclass
class Result:
    kind: str
    tried: int = 0
    internal: int = 0
    hangs: int = 0
    batch_tried: int = 0
    batch_bad: int = 0
    peak_mb: float = 0.0
    failures: list[tuple[str, bytes]] = field(default_factory=list)  # (what, input)
    seconds: float = 0.0  # wall time of the kind (seeds included)
    cpu: float = 0.0  # CPU seconds of the fuzzing itself, all shards and their batch workers (load-independent)

    def add(self, other: "Result") -> None:
        """Fold a shard's result into this kind's total (memory: the largest process)."""
        self.tried += other.tried
        self.internal += other.internal
        self.hangs += other.hangs
        self.batch_tried += other.batch_tried
        self.batch_bad += other.batch_bad
        self.peak_mb = max(self.peak_mb, other.peak_mb)
        self.cpu += other.cpu
        self.failures.extend(other.failures)


def target(kind: str, data: bytes, workdir: Path) -> None:
    """Run one input through the public API of its kind; GongkaiError is an accepted outcome."""
    from gongkai.errors import GongkaiError

    try:
        if kind in DOCUMENT_KINDS:
            from gongkai.pipeline import check_document
            from gongkai.readers import read_bytes

            check_document(read_bytes(data, f"fuzz{SUFFIX[kind]}"))
            return
        path = workdir / f"input{SUFFIX[kind]}"
        path.write_bytes(data)
        if kind == "xlsx_form":
            from gongkai.forms.xlsx_read import read_xlsx

            read_xlsx(path).form.to_spec()
        elif kind in ("yaml_form", "json_form"):
            from gongkai.forms.model import load_form
            from gongkai.render.markdown import render_markdown

            render_markdown(load_form(path).to_spec())
        elif kind in ("csv_register", "xlsx_register"):
            from gongkai.tally import read_applications, tally_requests

            tally_requests(read_applications(path), 2024)
        elif kind == "registry":
            from gongkai.orgs.registry import load_registry

            load_registry(path)
    except GongkaiError:
        return


def _alarm(signum, frame):
    raise _Hang


def fuzz_kind(
    kind: str,
    count: int,
    seconds: float,
    seed: int,
    per_input: float,
    batch_every: int,
    shard: int = 0,
    pool: list[bytes] | None = None,
) -> Result:
    res = Result(kind)
    pool = seeds(kind) if pool is None else pool
    if not pool:
        return res
    rng = random.Random(f"{kind}:{seed}" if shard == 0 else f"{kind}:{seed}:{shard}")
    cpu_start = _cpu()
    end = time.monotonic() + seconds
    # a hang is ``per_input`` seconds of CPU (ITIMER_PROF: the same on an idle and on a shared, busy machine),
    # or WALL_FACTOR times that in wall time for work that waits instead of computing
    signal.signal(signal.SIGALRM, _alarm)
    signal.signal(signal.SIGPROF, _alarm)
    batch_inputs: list[bytes] = []
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{kind}-") as tmp:
        work = Path(tmp)
        while res.tried < count and time.monotonic() < end:
            data = mutate(kind, rng, rng.choice(pool))
            res.tried += 1
            signal.setitimer(signal.ITIMER_PROF, per_input)
            signal.setitimer(signal.ITIMER_REAL, per_input * WALL_FACTOR)
            try:
                target(kind, data, work)
            except _Hang:
                res.hangs += 1
                res.failures.append(("hang", data))
            except Exception:  # noqa: BLE001 - counting internal errors is the point
                res.internal += 1
                res.failures.append((traceback.format_exc(limit=3), data))
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
                signal.setitimer(signal.ITIMER_REAL, 0)
            if kind in DOCUMENT_KINDS and batch_every and res.tried % batch_every == 0:
                batch_inputs.append(data)
        if batch_inputs:  # the CLI batch path: worker processes, time limit, isolation between files
            res.batch_tried, res.batch_bad = _batch(kind, batch_inputs, work, per_input)
    res.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res.cpu = _cpu() - cpu_start
    return res


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _batch(kind: str, inputs: list[bytes], work: Path, per_input: float) -> tuple[int, int]:
    from gongkai.batch import run
    from gongkai.readers.limits import Limits

    paths = []
    for i, data in enumerate(inputs):
        p = work / f"b{i:05d}{SUFFIX[kind]}"
        p.write_bytes(data)
        paths.append(str(p))
    bad = 0
    for o in run(paths, jobs=1, limits=Limits(seconds_per_file=max(per_input * 3, 10))):
        if o.error_code in ("E-INTERNAL", "E-TIMEOUT", "E-CRASH"):
            bad += 1
    return len(paths), bad


def _child(kind, count, seconds, seed, per_input, batch_every, memory, shard, pool, threads, queue):
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ValueError, OSError):
        pass
    if threads is not None:  # shards share the cores: one OCR thread each, as batch workers do
        os.environ["GONGKAI_OCR_THREADS"] = str(threads)
    queue.put(fuzz_kind(kind, count, seconds, seed, per_input, batch_every, shard, pool))


def run_kinds(kinds, count, seconds, seed, per_input=10.0, batch_every=50, memory=4 << 30, jobs=1) -> list[Result]:
    """Each kind in ``jobs`` forked shards at once (``count`` split between them); kinds one after another."""
    ctx = mp.get_context("fork")
    out = []
    for kind in kinds:
        start = time.monotonic()
        pool = seeds(kind)  # once, in this process: the shards inherit them
        per_shard = math.ceil(count / jobs)
        q = ctx.Queue()
        procs = []
        for shard in range(jobs):
            n = min(per_shard, count - shard * per_shard)
            if n <= 0:
                break
            p = ctx.Process(
                target=_child,
                args=(kind, n, seconds, seed, per_input, batch_every, memory, shard, pool, 1 if jobs > 1 else None, q),
            )
            p.start()
            procs.append(p)
        res = Result(kind)
        for _ in procs:
            try:
                res.add(q.get(timeout=seconds + 600))
            except Exception:  # noqa: BLE001 - a shard died: one crash for this kind
                res.internal += 1
        for p in procs:
            p.join(5)
        res.seconds = time.monotonic() - start
        out.append(res)
    return out


def save(res: Result) -> list[Path]:
    """Keep each failing input as a reproducer in fuzz/found/<kind>/ (replayed by tests/fuzz)."""
    saved = []
    for _what, data in res.failures:
        d = FOUND / res.kind
        d.mkdir(parents=True, exist_ok=True)
        p = d / f"{hashlib.sha256(data).hexdigest()[:12]}{SUFFIX[res.kind]}"
        p.write_bytes(data)
        saved.append(p)
    return saved


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--count", type=int, default=1000, help="inputs per kind (upper bound)")
    ap.add_argument("--counts", default="", help="per-kind overrides, e.g. pdf=200,image=50")
    ap.add_argument("--seconds", type=float, default=60, help="time box per kind")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--per-input",
        type=float,
        default=10.0,
        help=f"CPU seconds (or {WALL_FACTOR}× as many wall seconds) before an input counts as a hang",
    )
    ap.add_argument("--save", action="store_true", help="write failing inputs to fuzz/found/<kind>/")
    ap.add_argument("--jobs", type=int, default=1, help="processes per kind (each fuzzes a share of the count)")
    args = ap.parse_args(argv)
    overrides = dict(item.split("=") for item in args.counts.split(",") if item)
    print(
        f"{'kind':<14}{'tried':>8}{'internal':>10}{'hangs':>7}{'batch':>7}{'batch bad':>11}{'peak MB':>9}"
        f"{'seconds':>9}{'cpu s':>8}"
    )
    bad = 0
    for kind in args.kinds.split(","):
        count = int(overrides.get(kind, args.count))
        (res,) = run_kinds([kind], count, args.seconds, args.seed, args.per_input, jobs=max(1, args.jobs))
        short = "" if res.tried >= count else f"  (time box: {res.tried} of {count})"
        print(
            f"{res.kind:<14}{res.tried:>8}{res.internal:>10}{res.hangs:>7}{res.batch_tried:>7}{res.batch_bad:>11}"
            f"{res.peak_mb:>9.0f}{res.seconds:>9.0f}{res.cpu:>8.0f}{short}",
            flush=True,
        )
        for what, _ in res.failures[:3]:
            print("   ", what.strip().splitlines()[-1] if what else "", file=sys.stderr)
        if args.save:
            save(res)
        bad += res.internal + res.hangs + res.batch_bad
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
