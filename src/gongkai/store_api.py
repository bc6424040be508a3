"""The store as a Python object: ``gongkai.open_store(url)`` → :class:`Store`, a context manager whose methods
return typed rows (``StoredReport``, ``FindingRow``, ``StatsResult``) — the same queries the commands use
(``gongkai export``/``findings``/``stats``), so a notebook needs no SQL.

    >>> with gongkai.open_store("gongkai.db") as store:
    ...     errors = store.findings(severity="错误", year=2024)
    ...     result = store.stats(by="org", region="某市")

Filters mean what they mean on the command line: ``org`` is a body's exact registered name or alias (or, for a
body not in the registry, the name printed in its reports), ``org_like`` part of a name, ``region`` a
registered body and everything under it; severities, categories and review states may be given in Chinese
(错误, 勾稽关系不符, 待审核) or as their codes (error, identity_violation, pending).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from gongkai.analysis.stored import Scope, Selection, StoredReport, iter_reports, resolve, select_bodies
from gongkai.analysis.stats import StatsResult, compute_stats
from gongkai.model import Severity
from gongkai.store import db
from gongkai.store.ingest import IngestSummary
from gongkai.store.review import FindingRow, list_findings
from gongkai.vocabulary import CATEGORY_LABELS, ROLLUP_LABELS, SEVERITY_LABELS, STATUS_LABELS, choice


class Store:
    """An open gongkai database. Use it as a context manager (or call :meth:`close`)."""

    def __init__(self, store: db.Store):
        self._store = store

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self._store.display_url()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._store.dispose()

    def __repr__(self) -> str:
        return f"<gongkai.Store {self.url}>"

    # ----------------------------------------------------------------------------------------------- writing

    def ingest(self, paths: str | os.PathLike | Iterable[str | os.PathLike], *, jobs: int = 1) -> IngestSummary:
        """Read, check and store files (folders recursively), then recompute the cross-report findings —
        what ``gongkai ingest`` does. The same content stored twice changes nothing."""
        from gongkai.store.ingest import ingest

        items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
        db.migrate(self._store)  # a database opened for reading may predate the newest migration
        return ingest(self._store, [Path(p) for p in items], jobs=jobs)

    def import_orgs(self, registry: str | os.PathLike) -> None:
        """Import (or update) the organization registry (YAML/JSON, see docs/organizations.md) and match the
        stored reports again — what ``gongkai orgs import`` does."""
        from gongkai.orgs.registry import load_registry
        from gongkai.store.orgs import import_registry
        from gongkai.store.settle import settle

        entries = load_registry(Path(registry))
        db.migrate(self._store)
        with self._store.begin() as conn:
            import_registry(conn, entries)
        settle(self._store)

    # ----------------------------------------------------------------------------------------------- reading

    def reports(
        self,
        *,
        org: str | None = None,
        org_like: str | None = None,
        region: str | None = None,
        year: int | None = None,
        current_only: bool = True,
        cells: bool = True,
    ) -> Iterator[StoredReport]:
        """Stored reports in content order, each with its cells (``cells=False``: metadata only).
        ``current_only`` (the default) gives the version of each body's yearly report that counts, as export
        and stats do; False gives every stored report read without error, superseded versions included."""
        from gongkai.store.schema import parse

        sel = Selection(org=org, region=region, year=year, org_like=org_like)
        with self._store.engine.connect() as conn:
            if current_only:
                scope = resolve(conn, sel)
            else:
                bodies = select_bodies(conn, sel)
                scope = Scope(
                    (parse.c.is_current, parse.c.status == "ok", *bodies.conditions), bodies.bodies, bodies.registry
                )
            yield from iter_reports(conn, scope, with_cells=cells)

    def findings(
        self,
        *,
        org: str | None = None,
        org_like: str | None = None,
        region: str | None = None,
        year: int | None = None,
        severity: str | Severity | None = None,
        code: str | None = None,
        category: str | None = None,
        cross: bool | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[FindingRow]:
        """Findings of the stored reports (their current parse) and cross-report findings (``cross=True``
        only those, False none), with the review decision; ``status`` is pending / confirmed / dismissed."""
        sev = choice(severity, SEVERITY_LABELS, "严重程度")
        cat = choice(category, CATEGORY_LABELS, "问题类别")
        st = choice(status, STATUS_LABELS, "审核状态")
        with self._store.engine.connect() as conn:
            scope = select_bodies(conn, Selection(org=org, region=region, year=year, org_like=org_like))
            return list_findings(
                conn,
                category=cat,
                code=code.strip().upper() if code else None,
                severity=sev,
                cross=cross,
                status=st,
                limit=limit,
                where=scope.conditions,
            )

    def stats(
        self,
        *,
        by: str = "year",
        org: str | None = None,
        org_like: str | None = None,
        region: str | None = None,
        year: int | None = None,
        rollups: str = "excluded",
    ) -> StatsResult:
        """Sums and rates per year (``by="year"``) or per body (``by="org"``), as ``gongkai stats``.
        ``rollups``: "excluded" (default; a roll-up would count its members twice), "included" or "only"."""
        mode = choice(rollups, ROLLUP_LABELS, "汇总报告的计入方式")
        with self._store.engine.connect() as conn:
            return compute_stats(
                conn, Selection(org=org, region=region, year=year, org_like=org_like), by=by, rollups=mode or "excluded"
            )


def open_store(url: str | os.PathLike | None = None, *, create: bool = False) -> Store:
    """Open the database at ``url`` (a file path, ``sqlite:///…`` or ``postgresql://…``; default ``gongkai.db``
    or ``$GONGKAI_DB``). An existing database is opened for reading; ``create=True`` creates it (or brings
    its schema up to date) so that :meth:`Store.ingest` can write. Raises :class:`gongkai.GongkaiError`
    (E-DB) when it cannot be opened."""
    return Store(db.open_store(url) if create else db.open_existing(url))


__all__ = ["Store", "open_store"]
