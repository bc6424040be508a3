"""Which stored reports an export or a statistic covers (a :class:`Selection` resolved to a :class:`Scope`),
the cell labels, and streaming the stored reports with their cells and findings (:func:`iter_reports`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from gongkai.errors import NotFound
from gongkai.standard import FORMAT_IDS, get_format

_BATCH = 2000  # rows fetched per round trip and written per Parquet row group (×10)

# --------------------------------------------------------------------------------------------- selection


@dataclass(frozen=True)
class Selection:
    """Which reports: by body (registered name, alias or name as printed), region (a body and everything
    under it in the registry) and year."""

    org: str | None = None
    region: str | None = None
    year: int | None = None
    org_like: str | None = None  # part of a registered name, alias or printed name


@dataclass(frozen=True)
class Registry:
    names: dict[int, str]
    by_name: dict[str, set[int]]  # registered names and aliases


def load_registry(conn) -> Registry:
    from sqlalchemy import select

    from gongkai.store.schema import organization, organization_alias

    names: dict[int, str] = {}
    by_name: dict[str, set[int]] = {}
    for oid, name in conn.execute(select(organization.c.id, organization.c.name)):
        names[oid] = name
        by_name.setdefault(name, set()).add(oid)
    for oid, alias in conn.execute(
        select(organization_alias.c.organization_id, organization_alias.c.alias).where(
            organization_alias.c.relation != "site"
        )
    ):  # a web site is no name
        by_name.setdefault(alias, set()).add(oid)
    return Registry(names, by_name)


@dataclass(frozen=True)
class Scope:
    """A resolved selection: SQL conditions on the ``parse`` table, and the registered bodies it covers
    (None when the selection is not a set of registered bodies)."""

    conditions: tuple
    bodies: tuple[int, ...] | None
    registry: Registry


def resolve(conn, sel: Selection, registry: Registry | None = None) -> Scope:
    """The selection among the reports that count (current version, parsed without error); ``registry``: one
    already loaded in this transaction (a page resolving several selections reads it once)."""
    from gongkai.store.schema import parse
    from gongkai.store.versions import counted

    scope = select_bodies(conn, sel, registry)
    return Scope((counted(), parse.c.status == "ok", *scope.conditions), scope.bodies, scope.registry)


def select_bodies(conn, sel: Selection, registry: Registry | None = None) -> Scope:
    """Conditions on ``parse`` for the body, region and year of ``sel`` only (no version filter): shared by
    export, stats and the findings list, so ``--org`` means the same everywhere."""
    from sqlalchemy import and_, or_

    from gongkai.store.orgs import descendants
    from gongkai.store.schema import parse

    reg = registry if registry is not None else load_registry(conn)
    conds: list = []
    bodies: list[int] | None = None
    if sel.region is not None:
        roots = reg.by_name.get(sel.region.strip())
        if not roots:
            raise NotFound(f"机关名录中没有“{sel.region}”，无法确定其所辖范围（可用 gongkai orgs 查看名录）")
        bodies = sorted({*roots, *(d.id for r in roots for d in descendants(conn, r))})
        conds.append(parse.c.organization_id.in_(bodies))
    if sel.org is not None:
        name = sel.org.strip()
        ids = sorted(reg.by_name.get(name, ()))
        # a body not in the registry is still found by the name printed in its reports
        conds.append(
            or_(
                parse.c.organization_id.in_(ids),
                and_(parse.c.organization_id.is_(None), parse.c.organization_printed == name),
            )
        )
        bodies = ids if bodies is None else [b for b in bodies if b in ids]
    if sel.org_like is not None and sel.org_like.strip():
        part = sel.org_like.strip()
        ids = sorted({i for name, oids in reg.by_name.items() if part in name for i in oids})
        conds.append(
            or_(parse.c.organization_id.in_(ids), parse.c.organization_printed.contains(part, autoescape=True))
        )
        bodies = ids if bodies is None else [b for b in bodies if b in ids]
    if sel.year is not None:
        conds.append(parse.c.year == sel.year)
    return Scope(tuple(conds), tuple(bodies) if bodies is not None else None, reg)


# ------------------------------------------------------------------------------------------- cell labels


@cache
def cell_order() -> dict[str, int]:
    """Column order of the wide form: the 2021 cells, then the cells only the 2019 format has."""
    order: dict[str, int] = {}
    for fid in ("2021", "2019"):
        for cid in get_format(fid).cell_ids:
            order.setdefault(cid, len(order))
    return order


@cache
def _labels(format_id: str) -> dict[str, tuple[str, str, str]]:
    """cell id -> (table, row label, column label), official Chinese labels of that format."""
    fmt = get_format(format_id)
    out: dict[str, tuple[str, str, str]] = {}
    for row in (*fmt.proactive_rows, *fmt.request_rows):
        row_label = f"{row.caption}/{row.label}" if row.caption else row.label
        for cid, col_label in zip(row.cells, row.column_labels):
            out[cid] = (row.table, row_label, col_label)
    for gid, _, path in fmt.appeals_groups:
        for col, col_label in fmt.appeals_columns:
            out[f"appeals.{gid}.{col}"] = ("appeals", path, col_label)
    return out


def cell_labels(cell_id: str, format_id: str | None = None) -> tuple[str, str | None, str | None]:
    """(table, row label, column label) in the report's format, else in whichever format has the cell."""
    for fid in ((format_id,) if format_id in FORMAT_IDS else ()) + FORMAT_IDS:
        hit = _labels(fid).get(cell_id)
        if hit:
            return hit
    return cell_id.split(".", 1)[0], None, None


# ------------------------------------------------------------------------------------------ stored reports


@dataclass
class StoredCell:
    cell_id: str
    raw: str | None
    meaning: str | None
    value: float | None
    inferred_value: float | None
    line: int | None
    page: int | None

    @property
    def value_or_inferred(self) -> float | None:
        return self.value if self.value is not None else self.inferred_value


@dataclass
class StoredReport:
    parse_id: int
    report_key: str  # the document's sha256
    organization: str | None  # registered name, else as printed
    organization_printed: str | None
    organization_id: int | None
    year: int | None
    format: str | None
    is_rollup: bool
    published: str | None
    source: str | None
    cells: list[StoredCell] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    cross_findings: list[dict] = field(default_factory=list)

    def metadata(self) -> dict[str, Any]:
        return {
            "report_key": self.report_key,
            "parse_id": self.parse_id,
            "organization": self.organization,
            "organization_printed": self.organization_printed,
            "year": self.year,
            "format": self.format,
            "is_rollup": self.is_rollup,
            "published": self.published,
            "source": self.source,
        }


def _stream(conn, stmt):
    # yield_per: server-side cursor on PostgreSQL, fetchmany batches on SQLite; never the whole result
    return conn.execute(stmt.execution_options(yield_per=_BATCH))


def _report_rows(conn, scope: Scope):
    from sqlalchemy import func, select

    from gongkai.store.schema import document, organization, parse

    stmt = (
        select(
            parse.c.id,
            document.c.sha256,
            func.coalesce(organization.c.name, parse.c.organization_printed),
            parse.c.organization_printed,
            parse.c.organization_id,
            parse.c.year,
            parse.c.format,
            parse.c.is_rollup,
            parse.c.published,
            parse.c.source,
        )
        .select_from(
            parse.join(document, parse.c.document_id == document.c.id).outerjoin(
                organization, parse.c.organization_id == organization.c.id
            )
        )
        .where(*scope.conditions)
        .order_by(document.c.sha256, parse.c.id)
    )
    for r in _stream(conn, stmt):
        yield StoredReport(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), r[8], r[9])


def _cell_rows(conn, scope: Scope, cell_ids: Iterable[str] | None = None):
    from sqlalchemy import select

    from gongkai.store.schema import cell, document, parse

    stmt = (
        select(
            cell.c.parse_id,
            cell.c.cell_id,
            cell.c.raw,
            cell.c.meaning,
            cell.c.value,
            cell.c.inferred_value,
            cell.c.line,
            cell.c.page,
            document.c.sha256,
        )
        .select_from(
            cell.join(parse, cell.c.parse_id == parse.c.id).join(document, parse.c.document_id == document.c.id)
        )
        .where(*scope.conditions)
        .order_by(document.c.sha256, cell.c.parse_id)
    )
    if cell_ids is not None:
        stmt = stmt.where(cell.c.cell_id.in_(list(cell_ids)))
    for r in _stream(conn, stmt):
        yield (r[8], r[0]), StoredCell(*r[1:8])


def _finding_rows(conn, scope: Scope, cross: bool):
    """((sha256, parse id), finding dict) in that order, with the review decision joined by (sha256, fingerprint)."""
    from sqlalchemy import and_, literal, select

    from gongkai.store.schema import cross_finding, document, finding, parse, review

    t = cross_finding if cross else finding
    extra = (
        (t.c.related_parse_ids, t.c.computed_at, literal(True))
        if cross
        else (literal(None), literal(None), t.c.assessable)
    )
    stmt = (
        select(
            t.c.parse_id,
            t.c.id,
            t.c.code,
            t.c.category,
            t.c.severity,
            t.c.message,
            t.c.evidence,
            t.c.fingerprint,
            *extra,
            review.c.decision,
            review.c.comment,
            review.c.reviewer,
            review.c.decided_at,
            t.c.key,
            document.c.sha256,
        )
        .select_from(
            t.join(parse, t.c.parse_id == parse.c.id)
            .join(document, parse.c.document_id == document.c.id)
            .outerjoin(
                review, and_(review.c.document_sha256 == document.c.sha256, review.c.fingerprint == t.c.fingerprint)
            )
        )
        .where(*scope.conditions)
        .order_by(document.c.sha256, t.c.parse_id, t.c.key, t.c.id)
    )
    # the other reports of a cross finding by content hash: row ids depend on arrival order
    shas = (
        dict(
            conn.execute(
                select(parse.c.id, document.c.sha256).select_from(
                    parse.join(document, parse.c.document_id == document.c.id)
                )
            ).all()
        )
        if cross
        else {}
    )
    for r in _stream(conn, stmt):
        d: dict[str, Any] = {
            "id": r[1],
            "key": r[15],
            "code": r[2],
            "category": r[3],
            "severity": r[4],
            "message": r[5],
            "evidence": r[6],
            "fingerprint": r[7],
        }
        if cross:
            d["related_parse_ids"] = r[8]
            d["related_reports"] = sorted(shas.get(p, "") for p in r[8] or [])
            d["computed_at"] = r[9]
        else:
            d["assessable"] = bool(r[10])
        d["review"] = (
            {"decision": r[11], "comment": r[12], "reviewer": r[13], "decided_at": r[14]} if r[11] is not None else None
        )
        yield (r[16], r[0]), d


class _Aligned:
    """Items of a stream ordered by (document sha256, parse id), handed out per report in that order: the order of
    content, not of arrival, so the same stored set exports the same bytes however it was ingested."""

    def __init__(self, items: Iterator[tuple[tuple[str, int], Any]]):
        self._it = items
        self._head: tuple[tuple[str, int], Any] | None = next(self._it, None)

    def take(self, key: tuple[str, int]) -> list:
        out = []
        while self._head is not None and self._head[0] <= key:
            if self._head[0] == key:
                out.append(self._head[1])
            self._head = next(self._it, None)
        return out


def iter_reports(
    conn, scope: Scope, *, with_cells: bool = True, with_findings: bool = False, cell_ids: Iterable[str] | None = None
) -> Iterator[StoredReport]:
    """The selected reports in content order (document sha256, then parse id), each with its cells in format order (and findings)."""
    order = cell_order()
    cells = _Aligned(_cell_rows(conn, scope, cell_ids)) if with_cells else None
    found = _Aligned(_finding_rows(conn, scope, cross=False)) if with_findings else None
    cross = _Aligned(_finding_rows(conn, scope, cross=True)) if with_findings else None
    for rep in _report_rows(conn, scope):
        if cells is not None:
            rep.cells = sorted(
                cells.take((rep.report_key, rep.parse_id)), key=lambda c: (order.get(c.cell_id, len(order)), c.cell_id)
            )
        if found is not None and cross is not None:
            rep.findings = found.take((rep.report_key, rep.parse_id))
            rep.cross_findings = cross.take((rep.report_key, rep.parse_id))
        yield rep
