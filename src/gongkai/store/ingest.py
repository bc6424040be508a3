"""Ingest: files → checked reports → the database, in parallel, idempotent by content hash.

The parent process hashes each file and skips content already stored with this parser version (only its path
is recorded). The rest is read and checked in worker processes (:mod:`gongkai.batch`: time and memory limits,
crash isolation), which hand back plain rows; the parent matches the organization and writes (on PostgreSQL
with several processes the workers write themselves: :mod:`gongkai.store.ingest_writers`). Each report is
its own transaction (SQLite groups a few for speed), so an ingest killed midway loses only what was in flight
and a restart completes it; unique keys (document hash; document + parser version) make two ingests into one
database at once store each report exactly once.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, RootTransaction, and_, func, select, update

from gongkai import PARSER_VERSION
from gongkai.batch import Outcome, collect, run
from gongkai.errors import os_reason
from gongkai.readers.limits import DEFAULT_LIMITS, Limits
from gongkai.store import schema as t
from gongkai.store.db import Store
from gongkai.store.figures import store_figures
from gongkai.store.ingest_worker import IngestItem, Job, _label, ingest_task
from gongkai.store.ingest_writers import Written
from gongkai.store.rows import dumps, error_rows, finding_keys
from gongkai.store.sql import RawInsert

_HASH_CHUNK = 1 << 20
_LOOKUP_CHUNK = 500


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------------- summary


@dataclass
class IngestSummary:
    files: int = 0
    stored: int = 0  # new reports (or new parses) written
    unchanged: int = 0  # content already stored with this parser version
    reparsed: int = 0  # stored documents parsed again by this parser version
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (path, code, message), stored as errors
    missing: list[tuple[str, str]] = field(default_factory=list)  # paths that could not be read at all
    ambiguous: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (path, printed, candidates)
    cross_findings: int = 0
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------------------- writing


def _sha_of_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _known(conn: Connection, shas: list[str], parser_version: str) -> dict[str, tuple[int, bool]]:
    """sha → (document id, already parsed by ``parser_version``)."""
    out: dict[str, tuple[int, bool]] = {}
    for i in range(0, len(shas), _LOOKUP_CHUNK):
        chunk = shas[i : i + _LOOKUP_CHUNK]
        q = (
            select(t.document.c.sha256, t.document.c.id, t.parse.c.id)
            .select_from(
                t.document.outerjoin(
                    t.parse, and_(t.parse.c.document_id == t.document.c.id, t.parse.c.parser_version == parser_version)
                )
            )
            .where(t.document.c.sha256.in_(chunk))
        )
        result: Any = conn.execute(q)
        for sha, doc_id, parse_id in result:
            out[sha] = (doc_id, parse_id is not None)
    return out


def _record_path(conn: Connection, document_id: int, path: str, when: str) -> None:
    _statements(conn.dialect.name)["path"].one(conn, {"document_id": document_id, "path": path, "seen_at": when})


OrgResolver = Callable[[Connection, str | None, int | None, str], tuple[int | None, str, list[int]]]

_PARSE_COLUMNS = [
    "document_id",
    "parser_version",
    "is_current",
    "parsed_at",
    "status",
    "error_code",
    "error_message",
    "source",
    "text",
    "format",
    "year",
    "organization_printed",
    "organization_id",
    "organization_match",
    "organization_candidates",
    "is_rollup",
    "published",
    "truncated",
    "pages",
    "media_type",
    "notes",
    "structure",
    "prose",
    "error_findings",
    "reading",
]
_CELL_COLUMNS = [
    "parse_id",
    "cell_id",
    "raw",
    "meaning",
    "value",
    "unit",
    "inferred_value",
    "inferred_rule",
    "line",
    "col",
    "text_offset",
    "text_length",
    "page",
    "position",
]
_FINDING_COLUMNS = [
    "parse_id",
    "code",
    "category",
    "severity",
    "assessable",
    "message",
    "evidence",
    "fingerprint",
    "key",
]


@cache
def _statements(dialect: str) -> dict[str, RawInsert]:
    return {
        "document": RawInsert(
            dialect,
            t.document,
            ["sha256", "size", "media_type", "content", "first_seen"],
            conflict=["sha256"],
            returning="id",
        ),
        "path": RawInsert(
            dialect, t.document_path, ["document_id", "path", "seen_at"], conflict=["document_id", "path"]
        ),
        "parse": RawInsert(
            dialect, t.parse, _PARSE_COLUMNS, conflict=["document_id", "parser_version"], returning="id"
        ),
        "cell": RawInsert(dialect, t.cell, _CELL_COLUMNS),
        "finding": RawInsert(dialect, t.finding, _FINDING_COLUMNS),
        "figure": RawInsert(dialect, t.stats_figure, ["parse_id", "figure", "value"]),
    }


def store_item(
    conn: Connection,
    item: IngestItem,
    *,
    path: str | None,
    parser_version: str,
    resolve_org: OrgResolver | None = None,
    when: str | None = None,
    hint: str | None = None,
) -> int | None:
    """Write one report (or one error) in the caller's transaction; the new parse id, or None when this
    document already has a parse by ``parser_version`` (another process stored it first). ``hint`` (default:
    the path) is what helps choose among several bodies the printed name allows."""
    when = when or now_iso()
    sql = _statements(conn.dialect.name)
    doc_id = sql["document"].one(
        conn,
        {
            "sha256": item.sha256,
            "size": item.size,
            "media_type": item.rows.parse.get("media_type"),
            "content": item.data,
            "first_seen": when,
        },
    )
    new_document = doc_id is not None
    if doc_id is None:
        doc_id = conn.execute(select(t.document.c.id).where(t.document.c.sha256 == item.sha256)).scalar_one()
    if path is not None:
        _record_path(conn, doc_id, path, when)
    values: dict[str, Any] = dict.fromkeys(_PARSE_COLUMNS)
    values.update(item.rows.parse)
    if values.get("status") == "ok" and resolve_org is not None:
        org_id, status, candidates = resolve_org(
            conn, values.get("organization_printed"), values.get("year"), hint or path or values.get("source") or ""
        )
        values.update(
            organization_id=org_id,
            organization_match=status,
            organization_candidates=dumps(candidates) if candidates else None,
        )
    values.update(document_id=doc_id, parser_version=parser_version, is_current=True, parsed_at=when)
    parse_id = sql["parse"].one(conn, values)
    if parse_id is None:
        return None
    if not new_document:  # earlier parses of this file become history
        conn.execute(
            update(t.parse).where(t.parse.c.document_id == doc_id, t.parse.c.id != parse_id).values(is_current=False)
        )
    rows = item.rows
    sql["cell"].tuples(conn, [(parse_id, *row) for row in rows.cells])
    # stats read these figures, not the cells: computed by the worker, else here from the cells just written
    if rows.figures is not None:
        sql["figure"].tuples(conn, [(parse_id, *row) for row in rows.figures])
    elif rows.cells:
        store_figures(conn, parse_id)
    keys = item.keys if item.keys is not None else finding_keys(False, item.sha256, [r[-1] for r in rows.findings])
    sql["finding"].tuples(conn, [(parse_id, *row, key) for row, key in zip(rows.findings, keys)])
    return parse_id


# ---------------------------------------------------------------------------------------------------- ingest

ProgressHook = Callable[[str, int, int], None]  # (label, done, total)
# runs ingest_task over jobs and yields their outcomes in any order: worker processes here (the default), or a
# cluster (gongkai.store.cluster)
Runner = Callable[[list[Job]], Iterable[Outcome]]


class _Writer:
    """Writes items, committing every ``batch`` items or ``seconds`` (one per item on PostgreSQL, so that
    concurrent ingests never hold each other's keys in opposite orders)."""

    def __init__(self, store: Store, batch: int, seconds: float = 1.0):
        self.store = store
        self.batch = 1 if store.is_postgresql else batch
        self.seconds = seconds
        self.conn: Connection | None = None
        self.trans: RootTransaction | None = None
        self.pending = 0
        self.opened = 0.0

    def connection(self) -> Connection:
        if self.conn is None:
            self.conn = self.store.write_engine.connect()
        if self.trans is None:
            self.trans = self.conn.begin()
            self.opened = time.monotonic()
        return self.conn

    def wrote(self) -> None:
        self.pending += 1
        if self.pending >= self.batch or time.monotonic() - self.opened > self.seconds:
            self.commit()

    def commit(self) -> None:
        if self.trans is not None:
            self.trans.commit()
        self.trans, self.pending = None, 0

    def close(self) -> None:
        try:
            self.commit()
        finally:
            if self.conn is not None:
                self.conn.close()

    def abort(self) -> None:
        """After an exception (Ctrl-C included): roll back what is not committed — the item being written may
        be half-written — and close; the next run stores those files again."""
        try:
            if self.trans is not None:
                self.trans.rollback()
        except Exception:  # noqa: BLE001 - a broken connection: closing it discards the transaction too
            pass
        finally:
            self.trans = None
            if self.conn is not None:
                self.conn.close()


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    *,
    jobs: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    parser_version: str = PARSER_VERSION,
    reparse: bool = False,
    cross_check: bool = True,
    progress: ProgressHook | None = None,
    batch: int = 50,
    runner: Runner | None = None,
    names: Mapping[str, str] | None = None,
) -> IngestSummary:
    """Store every file under ``paths``; with ``reparse`` also parse every stored document whose current parse
    comes from another parser version. Cross-report findings are recomputed at the end. Files are read and
    checked by ``runner`` (default: ``jobs`` worker processes on this machine); this process writes, except on
    PostgreSQL with the default runner and ``jobs`` > 1, where each worker writes the files it read
    (:mod:`gongkai.store.ingest_writers`; ``reparse`` still writes here).
    ``names``: file path → the distinct name recorded for it instead of the path (document path, the report's
    source, the summary and progress labels), e.g. an upload's temporary file named by what the user uploaded."""
    from gongkai.store.orgs_resolve import OrgMatcher

    started = time.perf_counter()
    summary = IngestSummary()
    files = [str(p) for p in collect(paths)]
    summary.files = len(files)
    name_of = {f: (names or {}).get(f, f) for f in files}
    path_of = {n: f for f, n in name_of.items()}
    if len(path_of) != len(name_of):
        raise ValueError("ingest: two files were given the same name")
    when = now_iso()

    # 1. hash; what is already stored needs only its path recorded
    hashed: list[tuple[str, str, int]] = []
    for f in files:
        try:
            sha, size = _sha_of_file(Path(f))
        except OSError as exc:
            summary.missing.append(
                (
                    name_of[f],
                    "文件不存在" if isinstance(exc, FileNotFoundError) else f"无法读取文件（{os_reason(exc)}）",
                )
            )
            continue
        hashed.append((f, sha, size))
    with store.begin() as conn:
        known = _known(conn, sorted({sha for _, sha, _ in hashed}), parser_version)
        for f, sha, _ in hashed:
            if sha in known and known[sha][1]:
                _record_path(conn, known[sha][0], name_of[f], when)
    todo: list[Job] = []
    first_path: dict[str, str] = {}
    repeats: list[tuple[str, str]] = []  # (path, sha) of a file whose content is queued under another path
    for f, sha, _ in hashed:
        if sha in known and known[sha][1]:
            summary.unchanged += 1
        elif sha in first_path:
            repeats.append((name_of[f], sha))
        else:
            first_path[sha] = f
            todo.append(Job(name_of[f], path=f))
    del hashed, first_path, known  # per-file state kept through the run: the jobs and names only (~0.5 KB a file)

    matcher = OrgMatcher(store)
    workers_write = runner is None and store.is_postgresql and jobs > 1 and bool(todo)
    if runner is None:

        def runner(batch_jobs: list[Job]) -> Iterable[Outcome]:
            from gongkai.batch_pages import run_pages

            return run_pages(batch_jobs, jobs=jobs, limits=limits, task=ingest_task, label=_label)

    first_runner: Runner = runner  # the new files; --reparse keeps the parent-writing runner
    if workers_write:  # each worker writes what it read (gongkai.store.ingest_writers)
        from gongkai.store.ingest_writers import WriteTask

        with store.engine.connect() as conn:
            task = WriteTask(
                store.engine.url.render_as_string(hide_password=False),
                parser_version=parser_version,
                when=when,
                index=matcher.index(conn),
            )

        def first_runner(batch_jobs: list[Job]) -> Iterable[Outcome]:
            from gongkai.batch_pages import run_pages  # scans' pages spread over the workers here too

            return run_pages(batch_jobs, jobs=jobs, limits=limits, task=task, label=_label)

    writer = _Writer(store, batch)
    total = len(todo)
    done = 0
    written_ambiguous: list[tuple[str, str, list[str]]] = []
    try:
        for outcome in first_runner(todo):
            done += 1
            if isinstance(outcome.payload, Written):  # a worker stored it: only counted here
                _count_written(summary, outcome.path, outcome.payload)
                written_ambiguous.extend(outcome.payload.ambiguous)
                if progress:
                    progress(outcome.path, done, total)
                continue
            item: IngestItem | None = outcome.payload
            if item is None:  # timed out or crashed: keep the file with the reason
                try:
                    data = Path(path_of.get(outcome.path, outcome.path)).read_bytes()
                except OSError as exc:
                    summary.missing.append((outcome.path, f"无法读取文件（{os_reason(exc)}）"))
                    continue
                item = IngestItem(
                    hashlib.sha256(data).hexdigest(),
                    len(data),
                    data,
                    error_rows(outcome.path, outcome.error_code or "E-CRASH", outcome.error_message or ""),
                )
            conn = writer.connection()
            parse_id = store_item(
                conn, item, path=outcome.path, parser_version=parser_version, resolve_org=matcher.resolve, when=when
            )
            writer.wrote()
            if parse_id is not None:
                summary.stored += 1
            else:
                summary.unchanged += 1
            if item.rows.parse.get("status") == "error":
                summary.failed.append(
                    (outcome.path, item.rows.parse.get("error_code") or "", item.rows.parse.get("error_message") or "")
                )
            if progress:
                progress(outcome.path, done, total)
        writer.commit()
        if repeats:
            with store.begin() as conn:
                ids = _known(conn, sorted({sha for _, sha in repeats}), parser_version)
                for f, sha in repeats:
                    if sha in ids:
                        _record_path(conn, ids[sha][0], f, when)
                        summary.unchanged += 1
        if reparse:
            summary.reparsed = _reparse(
                store, writer, matcher, runner, parser_version=parser_version, when=when, progress=progress
            )
    except BaseException:
        writer.abort()
        raise
    writer.close()
    summary.ambiguous = written_ambiguous + matcher.ambiguous
    if cross_check:
        # always, even when nothing new was stored: a run killed before its settle is repaired by the next
        from gongkai.store.settle import settle

        summary.cross_findings = settle(store).cross_findings
    else:
        from gongkai.store.orgs_resolve import adopt_orphans

        with store.begin() as conn:
            adopt_orphans(conn)
    summary.seconds = time.perf_counter() - started
    return summary


def _count_written(summary: IngestSummary, path: str, written: Written) -> None:
    if written.stored:
        summary.stored += 1
    else:
        summary.unchanged += 1
    if written.status == "error":
        summary.failed.append((path, written.error_code or "", written.error_message or ""))


def _reparse(
    store: Store,
    writer: _Writer,
    matcher,
    runner: Runner,
    *,
    parser_version: str,
    when: str,
    progress: ProgressHook | None,
    chunk: int = 200,
) -> int:
    """Parse stored documents that have no parse by ``parser_version`` from their stored bytes, ``chunk`` at
    a time (memory stays bounded). Earlier parses stay, no longer current."""
    with store.engine.connect() as conn:
        has_version = select(t.parse.c.document_id).where(t.parse.c.parser_version == parser_version)
        ids: list[int] = list(
            conn.execute(
                select(t.document.c.id).where(t.document.c.id.not_in(has_version)).order_by(t.document.c.id)
            ).scalars()
        )
    # one row per document (its first path names it in messages), so the bytes are fetched once
    first_path = (
        select(func.min(t.document_path.c.path))
        .where(t.document_path.c.document_id == t.document.c.id)
        .scalar_subquery()
    )
    count = 0
    for i in range(0, len(ids), chunk):
        with store.engine.connect() as conn:
            rows: Any = conn.execute(
                select(t.document.c.id, t.document.c.content, first_path)
                .where(t.document.c.id.in_(ids[i : i + chunk]))
                .order_by(t.document.c.id)
            ).all()
        jobs_list = [Job(path or f"document:{doc_id}", data=content) for doc_id, content, path in rows]
        for outcome in runner(jobs_list):
            item = outcome.payload
            if item is None:
                continue
            conn = writer.connection()
            if (
                store_item(conn, item, path=None, parser_version=parser_version, resolve_org=matcher.resolve, when=when)
                is not None
            ):
                count += 1
            writer.wrote()
            if progress:
                progress(outcome.path, count, len(ids))
        writer.commit()
    return count


def ingest_bytes(
    store: Store,
    items: Iterable[tuple[str, bytes]],
    *,
    limits: Limits = DEFAULT_LIMITS,
    parser_version: str = PARSER_VERSION,
    cross_check: bool = True,
    hints: dict[str, str] | None = None,
) -> IngestSummary:
    """Like :func:`ingest` for content already in memory (e.g. a fetched page), each named by ``name`` (its
    address), which is recorded as the document's path. ``hints``: name → text that helps match the body
    (a fetched page's address, link text, printed 来源), instead of the name alone."""
    from gongkai.store.orgs_resolve import OrgMatcher

    started = time.perf_counter()
    summary = IngestSummary()
    when = now_iso()
    todo: list[Job] = []
    items = list(items)
    summary.files = len(items)
    with store.begin() as conn:
        known = _known(conn, sorted({hashlib.sha256(d).hexdigest() for _, d in items}), parser_version)
        for name, data in items:
            sha = hashlib.sha256(data).hexdigest()
            if sha in known and known[sha][1]:
                _record_path(conn, known[sha][0], name, when)
                summary.unchanged += 1
            else:
                todo.append(Job(name, data=data))
    matcher = OrgMatcher(store)
    data_of = {job.label: job.data for job in todo}
    with store.begin() as conn:
        for outcome in run(todo, jobs=1, limits=limits, task=ingest_task, label=_label):
            item: IngestItem | None = outcome.payload
            if item is None:
                data = data_of[outcome.path] or b""
                item = IngestItem(
                    hashlib.sha256(data).hexdigest(),
                    len(data),
                    data,
                    error_rows(outcome.path, outcome.error_code or "E-CRASH", outcome.error_message or ""),
                )
            if (
                store_item(
                    conn,
                    item,
                    path=outcome.path,
                    parser_version=parser_version,
                    resolve_org=matcher.resolve,
                    when=when,
                    hint=(hints or {}).get(outcome.path),
                )
                is not None
            ):
                summary.stored += 1
            else:
                summary.unchanged += 1
            if item.rows.parse.get("status") == "error":
                summary.failed.append(
                    (outcome.path, item.rows.parse.get("error_code") or "", item.rows.parse.get("error_message") or "")
                )
    summary.ambiguous = matcher.ambiguous
    if matcher.created:
        from gongkai.store.orgs_resolve import adopt_orphans

        with store.begin() as conn:
            adopt_orphans(conn)
    if cross_check:
        from gongkai.store.cross import recompute_cross_findings

        summary.cross_findings = recompute_cross_findings(store)
    summary.seconds = time.perf_counter() - started
    return summary


__all__ = ["IngestSummary", "Runner", "ingest", "ingest_bytes", "store_item"]
