"""Many files at once: each file is read in a worker process with a time limit, so one file that hangs,
crashes a native library or exhausts memory is reported and the others go on.

The supervisor keeps ``jobs`` worker processes. Each worker takes a chunk of small files per round trip (one
large file alone) and sends back one compact outcome per file as it finishes; when a file overruns its time the
worker is killed and replaced, and when a worker dies the file it held is reported as crashed. Either way the
rest of its chunk is queued again.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from gongkai.errors import GongkaiError, ReaderCrashed, TimedOut
from gongkai.model import Report
from gongkai.readers.limits import DEFAULT_LIMITS, Limits

# files a folder walk passes over: operating-system litter, not documents anyone published
_SKIP_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


@dataclass(slots=True)
class Outcome:
    """What became of one file: a checked report, or the error that stopped it."""

    path: str
    report: Report | None = None
    error_code: str | None = None
    error_message: str | None = None
    seconds: float = 0.0
    payload: Any = None  # what a task other than checking returns (e.g. rows for the database)
    # the work exhausted recursion or memory (or hit a bug): the worker that did it is replaced before the
    # next file, so that nothing it left behind can hurt another file
    recycle: bool = False

    @property
    def ok(self) -> bool:
        return self.report is not None

    def __reduce__(self):
        # pickled as a plain tuple: a slots dataclass's default state methods are Python code, and the parent
        # unpickles one outcome per file
        return (
            Outcome,
            (self.path, self.report, self.error_code, self.error_message, self.seconds, self.payload, self.recycle),
        )


def collect(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and every file under folders named (recursively, sorted), skipping hidden files.
    A path that does not exist is kept, so that it is reported rather than silently dropped."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(
                    Path(root) / f for f in sorted(files) if not f.startswith(".") and f.lower() not in _SKIP_NAMES
                )
        else:
            out.append(p)
    return out


# codes after which a worker process is not trusted with another file
_RECYCLE_CODES = frozenset({"E-INTERNAL", ReaderCrashed.code})


def exhausted(exc: BaseException) -> bool:
    """True when ``exc`` or an exception it was raised from/during is a RecursionError or MemoryError
    (a reader may turn them into an input error with ``from None``: the context is still recorded)."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, (RecursionError, MemoryError)):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def check_one(path: str, limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Read and check one file in this process; input problems become an outcome, never an exception."""
    from gongkai.pipeline import check_path

    start = time.perf_counter()
    try:
        report = check_path(path, limits)
    except GongkaiError as err:
        return Outcome(path, None, err.code, err.message, time.perf_counter() - start, recycle=exhausted(err))
    except MemoryError:
        return Outcome(
            path,
            None,
            ReaderCrashed.code,
            "读取时内存不足（文件可能异常庞大或已损坏）",
            time.perf_counter() - start,
            recycle=True,
        )
    except Exception as exc:  # a bug or a library failure on odd input: reported for this file only
        return Outcome(
            path,
            None,
            "E-INTERNAL",
            f"处理时发生内部错误：{type(exc).__name__}: {exc}",
            time.perf_counter() - start,
            recycle=True,
        )
    return Outcome(path, report, seconds=time.perf_counter() - start)


def _limit_memory(max_bytes: int) -> None:
    """Cap the worker's address space so a decompression bomb fails in that worker, not on the machine."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > max_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (max_bytes, hard))
    except (ImportError, ValueError, OSError):  # not on this platform, or not allowed: the time limit still holds
        pass


# a task turns one item (a path, or whatever the caller queues) into an Outcome; it runs in a worker process
Task = Callable[[Any, Limits], Outcome]


def _check_task(item: Any, limits: Limits) -> Outcome:
    return check_one(item, limits)


def _worker(conn: Connection, limits: Limits, ocr_threads: int | None, task: Task) -> None:
    import faulthandler
    import signal

    # Ctrl-C reaches the whole process group: the parent stops the batch and ends the workers, so a worker
    # ignores it instead of printing a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if ocr_threads is not None:  # several workers share the cores: one OCR thread each
        os.environ.setdefault("GONGKAI_OCR_THREADS", str(ocr_threads))

    faulthandler.disable()  # a native crash is reported as this file's outcome, not as a dump on the terminal
    _limit_memory(limits.worker_memory_bytes)
    while True:
        try:
            items = conn.recv()
        except EOFError:
            return
        if items is None:
            return
        for item in items:  # one outcome per item, sent as soon as it is done: the parent times each item
            outcome = task(item, limits)
            conn.send(outcome)
            if _untrusted(outcome):  # the parent replaces this worker and queues the rest of the chunk again
                break


def _untrusted(outcome: Outcome) -> bool:
    return getattr(outcome, "recycle", False) or outcome.error_code in _RECYCLE_CODES


# a chunk (several items per round trip, so that workers never wait for the parent between small files) holds at
# most this many items and this many bytes; a larger file goes alone
CHUNK_ITEMS = 32
CHUNK_BYTES = 1 << 20


def _size(item: Any) -> int:
    """Bytes an item will read: its content, or its file's size (0 when unknown)."""
    data = getattr(item, "data", None)
    if isinstance(data, (bytes, bytearray)):
        return len(data)
    path = getattr(item, "path", item)
    if isinstance(path, (str, Path)):
        try:
            return os.path.getsize(path)
        except OSError:
            return 0
    return 0


@dataclass(slots=True)
class _Slot:
    process: mp.process.BaseProcess
    conn: Connection
    items: list[Any] = field(default_factory=list)  # the chunk sent; the first is being worked on
    path: str | None = None  # label of the item being worked on
    deadline: float = 0.0
    started: float = 0.0


def run(
    paths: list[Any],
    *,
    jobs: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    on_start: Callable[[str], None] | None = None,
    task: Task = _check_task,
    label: Callable[[Any], str] = str,
    chunk: int = CHUNK_ITEMS,
    start_method: str | None = None,
) -> Iterator[Outcome]:
    """Outcomes of ``task`` (default: checking a file) over ``paths``, in the order they finish. Items other
    than paths are named by ``label`` in timeout and crash outcomes.

    Small files go to a worker up to ``chunk`` at a time; each item still has its own time limit (counted from
    when the previous item's outcome arrives), and when an item times out, crashes its worker or leaves it
    untrusted, the items after it in that chunk are queued again, so no item is lost or done twice.
    ``start_method`` overrides how workers start (default: fork where there is fork; a caller that runs threads,
    such as a Dask worker, passes "forkserver")."""
    pending = [str(p) if task is _check_task else p for p in reversed(paths)]
    if not pending:
        return
    # every concrete context has Process; the stubs' BaseContext (what a method name gives) does not
    ctx: Any = mp.get_context(start_method or ("fork" if "fork" in mp.get_all_start_methods() else "spawn"))
    slots: list[_Slot] = []
    workers = max(1, min(jobs, len(pending)))

    def spawn() -> _Slot:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, limits, 1 if jobs > 1 else None, task), daemon=True)
        # a forked worker's garbage collector would walk (and so copy) every object inherited from this
        # process on each collection; frozen, they are left alone there. Here they are unfrozen right after.
        gc.freeze()
        try:
            proc.start()
        finally:
            gc.unfreeze()
        child.close()
        return _Slot(proc, parent)

    def begin(slot: _Slot) -> None:
        slot.path = label(slot.items[0])
        slot.started = time.monotonic()
        slot.deadline = slot.started + limits.seconds_per_file
        if on_start:
            on_start(slot.path)

    def assign(slot: _Slot) -> None:
        # smaller chunks as the queue drains, so that the last files are spread over every worker
        most = max(1, min(chunk, len(pending) // (workers * 4)))
        items, size = [pending.pop()], 0
        size = _size(items[0])
        while pending and len(items) < most and size < CHUNK_BYTES:
            nxt = _size(pending[-1])
            if size + nxt > CHUNK_BYTES:
                break
            items.append(pending.pop())
            size += nxt
        slot.items = items
        begin(slot)
        slot.conn.send(items)

    def requeue(slot: _Slot) -> None:
        pending.extend(reversed(slot.items[1:]))  # next in line, in their original order
        slot.items = []

    def replace(slot: _Slot) -> _Slot:
        slot.process.kill()
        slot.process.join(5)
        slot.conn.close()
        return spawn()

    try:
        for _ in range(workers):
            slot = spawn()
            slots.append(slot)
            assign(slot)
        while any(s.items for s in slots):
            busy = [s for s in slots if s.items]
            timeout = max(0.0, min(s.deadline for s in busy) - time.monotonic())
            ready = wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout)
            now = time.monotonic()
            for i, slot in enumerate(slots):
                if not slot.items:
                    continue
                outcome = None
                if slot.conn in ready:
                    try:
                        outcome = slot.conn.recv()
                    except (EOFError, OSError):
                        outcome = None
                if outcome is None and (slot.process.sentinel in ready or slot.conn in ready):
                    outcome = Outcome(
                        slot.path or "",
                        None,
                        ReaderCrashed.code,
                        "读取此文件的进程意外终止（文件可能已损坏，或内存不足）",
                        now - slot.started,
                    )
                    requeue(slot)
                    slot = slots[i] = replace(slot)
                elif outcome is None and now >= slot.deadline:
                    outcome = Outcome(
                        slot.path or "",
                        None,
                        TimedOut.code,
                        f"处理超时（超过 {limits.seconds_per_file:g} 秒），已跳过",
                        now - slot.started,
                    )
                    requeue(slot)
                    slot = slots[i] = replace(slot)
                if outcome is None:
                    continue
                if slot.items and _untrusted(outcome):
                    requeue(slot)
                    slot = slots[i] = replace(slot)  # a fresh worker for the next file
                if slot.items:
                    slot.items.pop(0)
                yield outcome
                if slot.items:  # the worker has already gone on to the next item of its chunk
                    begin(slot)
                elif pending:
                    assign(slot)
                else:
                    slot.path = None
    finally:
        for slot in slots:
            try:
                slot.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        for slot in slots:
            slot.process.join(1)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(1)
            slot.conn.close()
