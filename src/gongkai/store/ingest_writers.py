"""Ingest on PostgreSQL with several processes: each worker writes the reports it read (issue 15).

A single writing parent caps an ingest at what one process can write; PostgreSQL takes many writers at once, so
there each worker of :mod:`gongkai.batch` reads, checks *and* stores its file, one transaction per report (as
the parent does), and hands back only a compact :class:`Written`. The parent sums those up; it still writes the
error row of a file whose worker timed out or crashed (no payload), and a report whose write failed in the
worker (the worker hands the rows back instead). SQLite keeps the single writer: it has one writer anyway.

Same guarantees as the parent path: unique keys make a report stored exactly once (``store_item`` returns None
when another process stored it first); an interrupted worker's open transaction dies with its connection, so
nothing half-written is committed. Every worker matches organizations against the same registry snapshot, loaded
by the parent before the run, so a body another worker has just added counts as new in every process, as it does
for the single writer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gongkai.batch import Outcome
from gongkai.readers.limits import Limits
from gongkai.store.ingest_worker import IngestItem, Job, ingest_task

if TYPE_CHECKING:
    from gongkai.orgs.match import OrgIndex
    from gongkai.store.db import Store
    from gongkai.store.orgs_resolve import OrgMatcher


@dataclass(slots=True)
class Written:
    """A report a worker stored (or found stored by another process): what the parent counts."""

    stored: bool  # False: this content already had a parse by this parser version
    status: str | None
    error_code: str | None
    error_message: str | None
    ambiguous: list[tuple[str, str, list[str]]] = field(default_factory=list)  # what the matcher recorded


class WriteTask:
    """``batch.run`` task: :func:`ingest_task`, then ``store_item`` in this worker's own transaction.

    Created in the parent; the engine and the matcher are opened lazily on first use, i.e. inside the worker
    process (the parent's engine is never used across fork)."""

    def __init__(self, url: str, *, parser_version: str, when: str, index: OrgIndex):
        self.url = url
        self.parser_version = parser_version
        self.when = when
        self.index = index
        self._store: Store | None = None
        self._matcher: OrgMatcher | None = None
        self._pid = 0

    def _open(self) -> tuple[Store, OrgMatcher]:
        if self._store is None or self._matcher is None or self._pid != os.getpid():
            from gongkai.store.db import create
            from gongkai.store.orgs_resolve import OrgMatcher

            self._store = create(self.url)
            self._matcher = OrgMatcher(self._store)
            self._matcher._index = self.index  # the parent's snapshot, the same for every worker
            self._pid = os.getpid()
        return self._store, self._matcher

    def __getstate__(self) -> dict[str, Any]:  # a spawned worker opens its own engine
        return {"url": self.url, "parser_version": self.parser_version, "when": self.when, "index": self.index}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["url"], parser_version=state["parser_version"], when=state["when"], index=state["index"]
        )

    def __call__(self, job: Job, limits: Limits) -> Outcome:
        from gongkai.store.ingest import store_item

        outcome = ingest_task(job, limits)
        item: IngestItem | None = outcome.payload
        if item is None:  # the file could not be read: the parent reports it as today
            return outcome
        store, matcher = self._open()
        before = len(matcher.ambiguous)
        try:
            with store.begin() as conn:
                parse_id = store_item(
                    conn,
                    item,
                    path=outcome.path,
                    parser_version=self.parser_version,
                    resolve_org=matcher.resolve,
                    when=self.when,
                )
        except Exception:  # noqa: BLE001 - rolled back; the parent writes these rows (or raises what it gets)
            del matcher.ambiguous[before:]
            return outcome
        parse = item.rows.parse
        written = Written(
            parse_id is not None,
            parse.get("status"),
            parse.get("error_code"),
            parse.get("error_message"),
            matcher.ambiguous[before:],
        )
        del matcher.ambiguous[before:]  # handed back; the worker keeps nothing per report
        return Outcome(
            outcome.path,
            None,
            outcome.error_code,
            outcome.error_message,
            outcome.seconds,
            payload=written,
            recycle=outcome.recycle,
        )


__all__ = ["WriteTask", "Written"]
