"""Ingest on a Dask cluster: the files of one ingest are read and checked on many machines.

Why Dask (distributed, BSD-3): a light install, a ``concurrent.futures``-like client, and the same code on a
local cluster and on a ``dask scheduler`` with ``dask worker`` processes on other machines (the project's
research measured it lighter than Ray and better shaped than Spark for a per-file Python function). Dask has no
task time limit, so each task is a chunk of files run through :func:`gongkai.batch.run` — the same worker
process path as ``ingest -j``, with its per-file time and memory limits and crash isolation. A scan's pages are
spread over the cluster as tasks of their own (``gongkai-ocr-…``), as ``ingest -j`` spreads them over its
processes (:func:`gongkai.batch_pages.spread_pages`): chunks run with OCR deferred, each scanned page is OCR'd by
a task with its own time limit (its PDF scattered to the cluster once), and the deferred files run again with
their pages' results.

The client does everything else exactly as :func:`gongkai.store.ingest.ingest` does (hashing, skipping stored
content, writing, the one settle step at the end): workers only return rows. A Dask worker that dies has its
chunks run again elsewhere; Dask delivers each chunk's result once, and the store's unique keys (content hash;
document + parser version) would make a second delivery a no-op anyway. A chunk that fails as a whole is split
into single files, so one bad file cannot take the others with it.
"""

from __future__ import annotations

import dataclasses
import itertools
import multiprocessing as mp
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gongkai.batch import CHUNK_BYTES, Outcome, Task, run
from gongkai.batch_pages import Given, PagedItem, PageJob, Planned, ocr_page_task, spread_pages
from gongkai.errors import ClusterUnavailable, ReaderCrashed
from gongkai.readers.limits import DEFAULT_LIMITS, Limits
from gongkai.store.db import Store
from gongkai.store.ingest import IngestSummary, ProgressHook, ingest
from gongkai.store.ingest_worker import Job, ingest_task

CHUNK_FILES = 16  # files per Dask task: enough to amortise a round trip, few enough to re-run cheaply
_CONNECT_SECONDS = 30


def _child_start_method() -> str | None:
    """How a Dask task starts its worker processes (and lets it start them at all)."""
    me = mp.current_process()
    if me.daemon:
        # Dask starts worker processes as daemons, and multiprocessing forbids daemons children. Ours end when
        # this process dies (their pipe closes), so they need not be killed with it by the daemon mechanism.
        me._config["daemon"] = False  # type: ignore[attr-defined]
    if "forkserver" in mp.get_all_start_methods():
        # a Dask worker runs threads: fork from a clean single-threaded server that has the readers loaded
        mp.set_forkserver_preload(_PRELOAD)
        return "forkserver"
    return None


def ingest_chunk(jobs: list[Any], limits: Limits, task: Task = ingest_task) -> list[Outcome]:
    """Dask task: read and check a chunk of files in a child process of this worker (per-file limits);
    ``task`` is the ingest task, or it run under an OCR plan (:class:`gongkai.batch_pages.Planned`)."""
    label = _label if task is ingest_task else _item_label
    return list(run(jobs, jobs=1, limits=limits, task=task, label=label, start_method=_child_start_method()))


def ocr_page(page: PageJob, data: bytes, limits: Limits) -> list[Outcome]:
    """Dask task: OCR one page of a scan (its PDF scattered to the cluster once) in a child process of this
    worker, with the page's own time limit."""
    page = PageJob(page.sha256, page.page, page.label, data=data)
    return list(
        run([page], jobs=1, limits=limits, task=ocr_page_task, label=_page_label, start_method=_child_start_method())
    )


def _item_label(item: PagedItem) -> str:
    return item.item.label


def _page_label(page: PageJob) -> str:
    return page.label


_PRELOAD = [
    "gongkai.store.ingest",
    "gongkai.pipeline",
    "gongkai.readers",
    "gongkai.analysis.prose",
    "gongkai.batch_pages",
]


def _label(job: Job) -> str:
    return job.label


def _chunks(jobs: list[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive chunks of at most ``size`` files and about CHUNK_BYTES (a larger file goes alone); a job is
    a :class:`Job` or anything with its ``data`` and ``path``."""
    out: list[Any] = []
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

    def _prepare(self, items: list[PagedItem]) -> tuple[list[PagedItem], list[Outcome]]:
        """The results of its scanned pages go with an item (read here only now: the window bounds the memory);
        with ``ship``, the files' bytes too (workers need not see the paths)."""
        ready, failed = [], []
        for item in items:
            if item.given:
                given: dict[tuple[str, int], Given] = {
                    k: Path(v).read_bytes() if isinstance(v, str) else v for k, v in item.given.items()
                }
                item = dataclasses.replace(item, given=given)
            job = item.item
            if not self.ship or job.data is not None:
                ready.append(item)
                continue
            try:
                ready.append(
                    dataclasses.replace(item, item=Job(job.label, data=Path(job.path or job.label).read_bytes()))
                )
            except OSError as exc:
                failed.append(Outcome(job.label, None, "E-READ", f"无法读取文件（{exc.strerror or exc}）"))
        return ready, failed

    def __call__(self, jobs: list[Job]) -> Iterator[Outcome]:
        """Three rounds as :func:`gongkai.batch_pages.run_pages` makes them, each task on the cluster: chunks of
        files with OCR deferred, then one task per scanned page (so a scan's pages spread over the cluster),
        then the deferred files again with their pages' results (PDFs and results travel through Dask)."""
        run_id = f"{uuid.uuid4().hex[:12]}-{{}}"
        serials = itertools.count(1)  # task keys unique over the rounds
        yield from spread_pages(
            jobs,
            task=ingest_task,
            label=_label,
            run_items=lambda items, planned: self._items(items, planned, run_id, serials),
            run_page_jobs=lambda pages: self._pages(pages, run_id, serials),
            shared=False,
        )

    def _items(
        self, items: list[PagedItem], planned: Planned, run_id: str, serials: Iterator[int]
    ) -> Iterator[Outcome]:
        def submit(chunk: list[PagedItem]) -> tuple[Any, list[Outcome]]:
            ready, failed = self._prepare(chunk)
            if not ready:
                return None, failed
            # the key names the task on the dashboard: "gongkai-ingest" progress bar
            key = f"gongkai-ingest-{run_id.format(next(serials))}"
            return self.client.submit(ingest_chunk, ready, self.limits, planned, key=key, pure=False, retries=0), failed

        return self._stream(list(_chunks(items, self.chunk)), submit, _item_label)

    def _pages(self, pages: list[PageJob], run_id: str, serials: Iterator[int]) -> Iterator[Outcome]:
        scattered: dict[str, Any] = {}  # sha256 → the PDF on the cluster, sent once for all its pages

        def submit(chunk: list[PageJob]) -> tuple[Any, list[Outcome]]:
            [page] = chunk
            if page.sha256 not in scattered:  # read here, from the spill folder of spread_pages
                scattered[page.sha256] = self.client.scatter(Path(page.pdf or "").read_bytes(), hash=False)
            meta = PageJob(page.sha256, page.page, page.label)
            key = f"gongkai-ocr-{run_id.format(next(serials))}"
            fut = self.client.submit(
                ocr_page, meta, scattered[page.sha256], self.limits, key=key, pure=False, retries=0
            )
            return fut, []

        try:
            yield from self._stream([[p] for p in pages], submit, _page_label)
        finally:
            for fut in scattered.values():
                fut.release()

    def _stream(
        self,
        chunks: list[list[Any]],
        submit_chunk: Callable[[list[Any]], tuple[Any, list[Outcome]]],
        label: Callable[[Any], str],
    ) -> Iterator[Outcome]:
        """Outcomes of the chunks' tasks as they finish, at most ``window`` in flight; a chunk whose task fails
        as a whole is split into single items, and a single item is reported crashed."""
        from distributed import as_completed

        queue: deque[list[Any]] = deque(chunks)
        chunk_of: dict[Any, list[Any]] = {}
        done = as_completed()

        def submit() -> Iterator[Outcome]:
            while queue and len(chunk_of) < self.window:
                chunk = queue.popleft()
                fut, failed = submit_chunk(chunk)
                yield from failed
                if fut is None:
                    continue
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
                    queue.extendleft([item] for item in reversed(chunk))  # one by one, so the bad file is found
                else:
                    outcomes = [
                        Outcome(
                            label(chunk[0]),
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
