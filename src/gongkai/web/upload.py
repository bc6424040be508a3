"""Uploads: size and count limits, type by content (the readers' sniff), then the CLI's ingest in the
background. A file's name only labels it: it is reduced to a safe base name inside a fresh temporary folder,
so nothing a request says reaches any other path."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import threading
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gongkai.readers.sniff import KIND_NAMES, Kind, sniff

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FILES = 200
_UNSAFE = re.compile(r"[^\w.\-\u3000-\u303f\u4e00-\u9fff（）]+")


@dataclass
class FileOutcome:
    name: str
    state: str  # waiting | refused | stored | unchanged | failed
    message: str = ""
    key: str | None = None


@dataclass
class Upload:
    id: str
    user: str
    files: list[FileOutcome] = field(default_factory=list)
    done: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


class Uploads:
    """The uploads of this server process, by id (outcomes are also in the store once ingested)."""

    def __init__(self):
        self._items: dict[str, Upload] = {}
        self._lock = threading.Lock()

    def new(self, user: str) -> Upload:
        up = Upload(uuid.uuid4().hex[:16], user)
        with self._lock:
            self._items[up.id] = up
        return up

    def get(self, upload_id: str) -> Upload | None:
        with self._lock:
            return self._items.get(upload_id)


def safe_name(name: str | None, index: int) -> str:
    base = _UNSAFE.sub("_", Path((name or "").replace("\\", "/")).name).strip("._")[:100]
    return f"{index:03d}_{base or 'file'}"


def accept(up: Upload, files: list[tuple[str | None, bytes | None]], max_bytes: int = MAX_FILE_BYTES,
           max_files: int = MAX_FILES) -> tuple[Path | None, list[Path]]:
    """Check each file and write the accepted ones to a new temporary folder; ``None`` data = over the size limit."""
    if len(files) > max_files:
        up.files = [FileOutcome(n or "", "refused", f"[E-WEB-UPLOAD-COUNT] 一次最多上传 {max_files} 个文件")
                    for n, _ in files]
        up.done = True
        return None, []
    folder = Path(tempfile.mkdtemp(prefix="gongkai-upload-"))
    paths = []
    for i, (name, data) in enumerate(files):
        shown = name or f"文件{i + 1}"
        if data is None:
            up.files.append(FileOutcome(shown, "refused",
                                        f"[E-WEB-UPLOAD-SIZE] 文件超过 {max_bytes // (1024 * 1024)} MB 上限"))
            continue
        kind, why = sniff(data, name or "")
        if kind in (Kind.EMPTY, Kind.UNSUPPORTED):
            up.files.append(FileOutcome(shown, "refused", f"[E-WEB-UPLOAD-TYPE] {KIND_NAMES[kind]}：{why}"))
            continue
        path = folder / safe_name(name, i)
        path.write_bytes(data)
        paths.append(path)
        up.files.append(FileOutcome(shown, "waiting", key=hashlib.sha256(data).hexdigest()[:12]))
    return folder, paths


def run(up: Upload, store, folder: Path | None, paths: list[Path]) -> None:
    """Ingest the accepted files and record each one's outcome (runs after the response is sent)."""
    from gongkai.web import queries

    try:
        if paths:
            summary = queries.ingest_files(store, paths)
            failed = {Path(p).name: (code, msg) for p, code, msg in summary.failed}
            missing = {Path(p).name: msg for p, msg in summary.missing}
            waiting = [f for f in up.files if f.state == "waiting"]
            for outcome, path in zip(waiting, paths):
                if path.name in failed:
                    code, msg = failed[path.name]
                    outcome.state, outcome.message = "failed", f"[{code}] {msg}"
                elif path.name in missing:
                    outcome.state, outcome.message, outcome.key = "failed", missing[path.name], None
                else:
                    outcome.state = "stored"
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        up.done = True
