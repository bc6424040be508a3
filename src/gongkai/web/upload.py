"""Uploads: size and count limits, type by content (the readers' sniff), then the CLI's ingest in the
background. A file's name only labels it: it is reduced to a safe base name inside a fresh temporary folder,
so nothing a request says reaches any other path.

One queue per server (:class:`UploadQueue`): a background thread takes the uploads in turn and hands their
files to `ingest`, whose worker processes read each file under the CLI's time and memory limits — a file that
hangs or exhausts memory costs its worker, never the server. Each file's progress is kept with the upload."""

from __future__ import annotations

import hashlib
import queue
import re
import shutil
import tempfile
import threading
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gongkai.readers.limits import DEFAULT_LIMITS, Limits
from gongkai.readers.sniff import KIND_NAMES, Kind, sniff

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FILES = 200
_UNSAFE = re.compile(r"[^\w.\-\u3000-\u303f\u4e00-\u9fff（）]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
UPLOAD_PREFIX = "上传/"  # an uploaded file is recorded as 上传/<the name (and folder) the browser sent>


@dataclass
class FileOutcome:
    name: str
    state: str  # waiting | checked (read, being saved) | refused | stored | unchanged | failed
    message: str = ""
    key: str | None = None
    recorded: str = ""  # the document path recorded in the store (never a server path)


@dataclass
class Upload:
    id: str
    user: str
    files: list[FileOutcome] = field(default_factory=list)
    done: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


class Uploads:
    """The uploads of this server process, by id (outcomes are also in the store once ingested); the oldest
    finished ones are forgotten past ``keep``, so a long-running server's memory stays flat."""

    def __init__(self, keep: int = 1000):
        self._items: dict[str, Upload] = {}
        self._lock = threading.Lock()
        self._keep = keep

    def new(self, user: str) -> Upload:
        up = Upload(uuid.uuid4().hex[:16], user)
        with self._lock:
            self._items[up.id] = up
            if len(self._items) > self._keep:
                for old in [k for k, v in self._items.items() if v.done][: len(self._items) - self._keep]:
                    del self._items[old]
        return up

    def get(self, upload_id: str) -> Upload | None:
        with self._lock:
            return self._items.get(upload_id)


def safe_name(name: str | None, index: int) -> str:
    base = _UNSAFE.sub("_", Path((name or "").replace("\\", "/")).name).strip("._")[:100]
    return f"{index:03d}_{base or 'file'}"


def recorded_name(name: str | None, index: int, taken: set[str]) -> str:
    """The name an upload is stored under: ``上传/`` and the name the user uploaded (a folder upload keeps its
    relative folders), without control characters or "." / ".." parts; distinct within one upload. It is only a
    label — the file itself is written under :func:`safe_name`."""
    parts = [p.strip() for p in _CONTROL.sub("", (name or "").replace("\\", "/")).split("/")]
    label = "/".join(p for p in parts if p not in ("", ".", ".."))[-200:] or f"文件{index + 1}"
    out, n = UPLOAD_PREFIX + label, 1
    while out in taken:
        n += 1
        stem, dot, ext = label.rpartition(".")
        out = UPLOAD_PREFIX + (f"{stem}（{n}）.{ext}" if dot and stem else f"{label}（{n}）")
    taken.add(out)
    return out


def accept(
    up: Upload,
    files: list[tuple[str | None, bytes | None]],
    max_bytes: int = MAX_FILE_BYTES,
    max_files: int = MAX_FILES,
) -> tuple[Path | None, list[Path]]:
    """Check each file and write the accepted ones to a new temporary folder; ``None`` data = over the size limit."""
    if len(files) > max_files:
        up.files = [
            FileOutcome(n or "", "refused", f"[E-WEB-UPLOAD-COUNT] 一次最多上传 {max_files} 个文件") for n, _ in files
        ]
        up.done = True
        return None, []
    folder = Path(tempfile.mkdtemp(prefix="gongkai-upload-"))
    paths = []
    taken: set[str] = set()
    for i, (name, data) in enumerate(files):
        shown = name or f"文件{i + 1}"
        if data is None:
            up.files.append(
                FileOutcome(shown, "refused", f"[E-WEB-UPLOAD-SIZE] 文件超过 {max_bytes // (1024 * 1024)} MB 上限")
            )
            continue
        kind, why = sniff(data, name or "")
        if kind in (Kind.EMPTY, Kind.UNSUPPORTED):
            up.files.append(FileOutcome(shown, "refused", f"[E-WEB-UPLOAD-TYPE] {KIND_NAMES[kind]}：{why}"))
            continue
        path = folder / safe_name(name, i)
        path.write_bytes(data)
        paths.append(path)
        up.files.append(
            FileOutcome(
                shown, "waiting", key=hashlib.sha256(data).hexdigest()[:12], recorded=recorded_name(name, i, taken)
            )
        )
    return folder, paths


def run(
    up: Upload, store, folder: Path | None, paths: list[Path], *, jobs: int = 1, limits: Limits = DEFAULT_LIMITS
) -> None:
    """Ingest the accepted files and record each one's outcome as it comes (the queue's thread runs this)."""
    from gongkai.web import queries

    waiting = [f for f in up.files if f.state == "waiting"]
    by_name = {o.recorded: o for o in waiting}
    names = {str(p): o.recorded for o, p in zip(waiting, paths)}

    def progress(label: str, _done: int, _total: int) -> None:
        outcome = by_name.get(label)
        if outcome is not None and outcome.state == "waiting":
            outcome.state = "checked"

    try:
        if paths:
            shas = {names[str(p)]: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
            with store.engine.connect() as conn:
                before = queries.already_stored(conn, sorted(shas.values()))
            summary = queries.ingest_files(store, paths, jobs=jobs, limits=limits, progress=progress, names=names)
            failed = {p: (code, msg) for p, code, msg in summary.failed}
            missing = dict(summary.missing)
            for name, outcome in by_name.items():
                if name in failed:
                    code, msg = failed[name]
                    outcome.state, outcome.message = "failed", f"[{code}] {msg}"
                elif name in missing:
                    outcome.state, outcome.message, outcome.key = "failed", missing[name], None
                else:
                    outcome.state = "unchanged" if shas[name] in before else "stored"
    except Exception as exc:  # noqa: BLE001 - the queue's thread must outlive any one upload
        for outcome in by_name.values():
            if outcome.state in ("waiting", "checked"):
                outcome.state = "failed"
                outcome.message = f"[E-WEB-UPLOAD-INGEST] 入库失败：{getattr(exc, 'message', None) or exc}"
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        up.done = True


class UploadQueue:
    """The server's one upload queue: uploads are ingested one after another by a background thread (two
    uploads never write or recompute the cross-report findings at once), ``jobs`` worker processes each."""

    def __init__(self, store, jobs: int = 1, limits: Limits = DEFAULT_LIMITS):
        self.store, self.jobs, self.limits = store, max(1, jobs), limits
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, up: Upload, folder: Path | None, paths: list[Path]) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="gongkai-uploads", daemon=True)
                self._thread.start()
        self._queue.put((up, folder, paths))

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            up, folder, paths = item
            run(up, self.store, folder, paths, jobs=self.jobs, limits=self.limits)

    def close(self, wait: float = 5.0) -> None:
        """Stop the thread after the queued uploads, waiting at most ``wait`` seconds: a server stopping is not
        held up by a long ingest (an interrupted ingest is completed by the next one, as on the command line)."""
        with self._lock:
            thread = self._thread
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(wait)
