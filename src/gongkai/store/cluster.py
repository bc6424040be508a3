"""Ingest on a Dask cluster: the files of one ingest are read and checked on many machines.

Why Dask (distributed, BSD-3): a light install, a ``concurrent.futures``-like client, and the same code on a
local cluster and on a ``dask scheduler`` with ``dask worker`` processes on other machines (the project's
research measured it lighter than Ray and better shaped than Spark for a per-file Python function). Dask has no
task time limit, so each task is a chunk of files run through :func:`gongkai.batch_pages.run_pages` — the same
worker process path as ``ingest -j``, with its per-file (and per scanned page) time and memory limits and crash
isolation. The pages of a scan are OCR'd one by one on the Dask worker that has its chunk (not yet spread over
the cluster).

The client does everything else exactly as :func:`gongkai.store.ingest.ingest` does (hashing, skipping stored
content, writing, the one settle step at the end): workers only return rows. A Dask worker that dies has its
chunks run again elsewhere; Dask delivers each chunk's result once, and the store's unique keys (content hash;
document + parser version) would make a second delivery a no-op anyway. A chunk that fails as a whole is split
into single files, so one bad file cannot take the others with it.
"""

from __future__ import annotations

import multiprocessing as mp
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gongkai.batch import CHUNK_BYTES, Outcome
from gongkai.batch_pages import run_pages
from gongkai.errors import ClusterUnavailable, ReaderCrashed
from gongkai.readers.limits import DEFAULT_LIMITS, Limits
from gongkai.store.db import Store
from gongkai.store.ingest import IngestSummary, ProgressHook, ingest
from gongkai.store.ingest_worker import Job, ingest_task

CHUNK_FILES = 16  # files per Dask task: enough to amortise a round trip, few enough to re-run cheaply
_CONNECT_SECONDS = 30


def ingest_chunk(jobs: list[Job], limits: Limits) -> list[Outcome]:
    """Dask task: read and check a chunk of files in a child process of this worker (per-file limits)."""
    me = mp.current_process()
    if me.daemon:
        # Dask starts worker processes as daemons, and multiprocessing forbids daemons children. Ours end when
        # this process dies (their pipe closes), so they need not be killed with it by the daemon mechanism.
        me._config["daemon"] = False  # type: ignore[attr-defined]
    method = None
    if "forkserver" in mp.get_all_start_methods():
        # a Dask worker runs threads: fork from a clean single-threaded server that has the readers loaded
        method = "forkserver"
        mp.set_forkserver_preload(_PRELOAD)
    return list(run_pages(jobs, jobs=1, limits=limits, task=ingest_task, label=_label, start_method=method))


_PRELOAD = [
    "gongkai.store.ingest",
    "gongkai.pipeline",
    "gongkai.readers",
    "gongkai.analysis.prose",
    "gongkai.batch_pages",
]


def _label(job: Job) -> str:
    return job.label


def _chunks(jobs: list[Job], size: int) -> Iterator[list[Job]]:
    """Consecutive chunks of at most ``size`` files and about CHUNK_BYTES (a larger file goes alone)."""
    out: list[Job] = []
    weight = 0
    for job in jobs:
        w = len(job.data) if job.data is not None else _file_size(job.path)
        if out and (len(out) >= size or weight + w > CHUNK_BYTES):
            yield out
            out, weight = [], 0
        out.append(job)
        weight += w
    if out:
        yield out


def _file_size(path: str | None) -> int:
    try:
        return Path(path or "").stat().st_size
    except OSError:
        return 0


class ClusterRunner:
    """A :data:`gongkai.store.ingest.Runner` that sends chunks of jobs to a Dask client, at most ``window``
    chunks in flight (memory on the client stays bounded), and yields outcomes as chunks finish."""

    def __init__(self, client: Any, *, limits: Limits = DEFAULT_LIMITS, ship: bool = False, chunk: int = CHUNK_FILES):
        self.client = client
        self.limits = limits
        self.ship = ship
        self.chunk = chunk
        threads = sum(client.nthreads().values()) or 1
        self.window = 2 * threads

    def _prepare(self, jobs: list[Job]) -> tuple[list[Job], list[Outcome]]:
        """With ``ship``, the files' bytes go with the task (workers need not see the paths)."""
        if not self.ship:
            return jobs, []
        ready, failed = [], []
        for job in jobs:
            if job.data is not None:
                ready.append(job)
                continue
            try:
                ready.append(Job(job.label, data=Path(job.path or job.label).read_bytes()))
            except OSError as exc:
                failed.append(Outcome(job.label, None, "E-READ", f"无法读取文件（{exc.strerror or exc}）"))
        return ready, failed

    def __call__(self, jobs: list[Job]) -> Iterator[Outcome]:
        from distributed import as_completed

        run_id = uuid.uuid4().hex[:12]
        queue: deque[list[Job]] = deque(_chunks(jobs, self.chunk))
        chunk_of: dict[Any, list[Job]] = {}
        done = as_completed()
        serial = 0

        def submit() -> Iterator[Outcome]:
            nonlocal serial
            while queue and len(chunk_of) < self.window:
                chunk, failed = self._prepare(queue.popleft())
                yield from failed
                if not chunk:
                    continue
                serial += 1
                # the key names the task on the dashboard: "gongkai-ingest" progress bar
                fut = self.client.submit(
                    ingest_chunk, chunk, self.limits, key=f"gongkai-ingest-{run_id}-{serial}", pure=False, retries=0
                )
                chunk_of[fut] = chunk
                done.add(fut)

        yield from submit()
        while chunk_of:
            fut = next(done)
            chunk = chunk_of.pop(fut)
            try:
                outcomes = fut.result()
            except Exception as exc:  # the chunk's workers kept dying (Dask gave up) or the task could not run
                outcomes = []
                if len(chunk) > 1:
                    queue.extendleft([job] for job in reversed(chunk))  # one by one, so the bad file is found
                else:
                    outcomes = [
                        Outcome(
                            chunk[0].label,
                            None,
                            ReaderCrashed.code,
                            f"集群中处理此文件的进程多次意外终止（{type(exc).__name__}）",
                        )
                    ]
            finally:
                fut.release()
            yield from outcomes
            yield from submit()


def parse_address(address: str) -> tuple[str, int | None]:
    """("local", workers or None) for ``local`` / ``local:N``; ("remote", None) for a scheduler address."""
    if address == "local":
        return "local", None
    if address.startswith("local:") or address.startswith("local["):
        n = address[6:].rstrip("]")
        if not n.isdigit() or int(n) < 1:
            raise ClusterUnavailable(f"集群地址“{address}”无效：local 后应为进程数，如 local:4")
        return "local", int(n)
    if "://" in address or ":" in address:
        return "remote", None
    raise ClusterUnavailable(f"集群地址“{address}”无效：应为 tcp://主机:端口 或 local[:进程数]")


@contextmanager
def connect(address: str, *, workers_default: int = 2) -> Iterator[Any]:
    """A Dask client of the scheduler at ``address``, or of a local cluster (``local[:N]``: N single-threaded
    worker processes) that lives as long as the context."""
    kind, n = parse_address(address)
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterUnavailable("未安装集群组件：pip install 'gongkai[cluster]'") from None
    if kind == "local":
        with dask.config.set({"distributed.worker.daemon": False}):
            try:
                cluster = LocalCluster(
                    n_workers=n or workers_default, threads_per_worker=1, processes=True, dashboard_address=":0"
                )
            except Exception as exc:
                raise ClusterUnavailable(f"无法启动本机集群：{type(exc).__name__}: {exc}") from None
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = Client(address, timeout=_CONNECT_SECONDS)
    except Exception as exc:
        raise ClusterUnavailable(f"无法连接集群调度器 {address}：{type(exc).__name__}: {exc}") from None
    try:
        yield client
    finally:
        client.close()


def ingest_on_cluster(
    store: Store,
    paths: Iterable[str | Path],
    address: str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    ship: bool = False,
    chunk: int = CHUNK_FILES,
    reparse: bool = False,
    cross_check: bool = True,
    progress: ProgressHook | None = None,
    on_connect=None,
    **kwargs: Any,
) -> IngestSummary:
    """:func:`gongkai.store.ingest.ingest` with the reading and checking done on the Dask cluster at
    ``address`` (``tcp://host:8786``, or ``local[:N]``); ``ship`` sends the files' bytes to the workers
    instead of their paths. ``on_connect(client)`` is called once connected (e.g. to print the dashboard)."""
    with connect(address) as client:
        if on_connect is not None:
            on_connect(client)
        runner = ClusterRunner(client, limits=limits, ship=ship, chunk=chunk)
        return ingest(
            store,
            paths,
            limits=limits,
            reparse=reparse,
            cross_check=cross_check,
            progress=progress,
            runner=runner,
            **kwargs,
        )


__all__ = ["CHUNK_FILES", "ClusterRunner", "connect", "ingest_chunk", "ingest_on_cluster", "parse_address"]
