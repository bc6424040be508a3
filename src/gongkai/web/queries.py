"""Every store read and write the workbench does, in one place (so a change of keys or versions in the store
is one edit here). Report key = the first 12 hex digits of the document's sha256."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from gongkai.store import schema as t
from gongkai.store.ingest import now_iso
from gongkai.store.versions import KEY_LENGTH, report_key

PAGE_SIZE = 50


@dataclass(frozen=True)
class User:
    name: str
    role: str
    region: str | None
    password_hash: str


@dataclass(frozen=True)
class ReportRow:
    key: str
    source: str | None
    organization: str | None
    year: int | None
    format: str | None
    status: str
    error_code: str | None
    errors: int
    warnings: int


@dataclass
class ReportDetail:
    row: ReportRow
    media_type: str | None
    pages: int | None
    published: str | None
    error_message: str | None
    text: str | None = None  # what the parser read (pipe form for structured formats)
    cells: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    reading: dict[str, Any] | None = None  # the reading report (parse.reading); None for older stores' rows


# ------------------------------------------------------------------------------------------------ users


def user_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(t.web_user)).scalar_one()


def get_user(conn: Connection, name: str) -> User | None:
    r = conn.execute(select(t.web_user).where(t.web_user.c.name == name)).first()
    return User(r.name, r.role, r.region, r.password_hash) if r else None


def add_user(conn: Connection, name: str, role: str, region: str | None, password_hash: str) -> bool:
    """Create or replace the account; True when it is new."""
    values = {"role": role, "region": region, "password_hash": password_hash}
    if get_user(conn, name) is None:
        conn.execute(t.web_user.insert().values(name=name, created_at=now_iso(), **values))
        return True
    conn.execute(t.web_user.update().where(t.web_user.c.name == name).values(**values))
    return False


# ------------------------------------------------------------------------------------------------ reports


def _severity_count(severity: str):
    return (
        select(func.count())
        .select_from(t.finding)
        .where(t.finding.c.parse_id == t.parse.c.id, t.finding.c.severity == severity)
        .scalar_subquery()
    )


def _report_select():
    org = func.coalesce(t.organization.c.name, t.parse.c.organization_printed)
    return (
        select(
            t.document.c.sha256,
            t.parse.c.id.label("parse_id"),
            t.parse.c.source,
            org.label("organization"),
            t.parse.c.year,
            t.parse.c.format,
            t.parse.c.status,
            t.parse.c.error_code,
            t.parse.c.error_message,
            t.parse.c.media_type,
            t.parse.c.pages,
            t.parse.c.published,
            _severity_count("error").label("errors"),
            _severity_count("warning").label("warnings"),
        )
        .select_from(
            t.parse.join(t.document, t.document.c.id == t.parse.c.document_id).outerjoin(
                t.organization, t.organization.c.id == t.parse.c.organization_id
            )
        )
        .where(t.parse.c.is_current.is_(True))
    )


def _row(r) -> ReportRow:
    return ReportRow(
        report_key(r.sha256), r.source, r.organization, r.year, r.format, r.status, r.error_code, r.errors, r.warnings
    )


_SORTS = {"org": "organization", "year": "year", "errors": "errors", "source": "source"}


def list_reports(
    conn: Connection,
    *,
    search: str | None = None,
    year: int | None = None,
    has_errors: bool | None = None,
    sort: str = "org",
    descending: bool = False,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    org_ids: set[int] | None = None,
) -> tuple[list[ReportRow], int]:
    """A page of current reports and the total count matching the filters (within ``org_ids`` if given)."""
    conds: list[ColumnElement[bool]] = []
    if org_ids is not None:
        conds.append(t.parse.c.organization_id.in_(org_ids or {-1}))
    org = func.coalesce(t.organization.c.name, t.parse.c.organization_printed)
    if search:
        like = f"%{search}%"
        conds.append(org.like(like) | t.parse.c.source.like(like))
    if year is not None:
        conds.append(t.parse.c.year == year)
    if has_errors is not None:
        conds.append((t.parse.c.error_findings > 0) if has_errors else (t.parse.c.error_findings == 0))
    stmt = _report_select().where(*conds)
    # the total counts rows only: no per-row finding counts, no document join (a parse has one document)
    total = conn.execute(
        select(func.count())
        .select_from(t.parse.outerjoin(t.organization, t.organization.c.id == t.parse.c.organization_id))
        .where(t.parse.c.is_current.is_(True), *conds)
    ).scalar_one()
    column = stmt.selected_columns[_SORTS.get(sort, "organization")]
    order = column.desc() if descending else column.asc()
    stmt = stmt.order_by(order, t.document.c.sha256).limit(page_size).offset((max(page, 1) - 1) * page_size)
    return [_row(r) for r in conn.execute(stmt)], total


def _by_key(conn: Connection, key: str):
    key = key.lower()
    if len(key) != KEY_LENGTH or any(ch not in "0123456789abcdef" for ch in key):
        return None
    return conn.execute(_report_select().where(t.document.c.sha256.like(f"{key}%"))).first()


def report_detail(conn: Connection, key: str, org_ids: set[int] | None = None) -> ReportDetail | None:
    r = _by_key(conn, key)
    if r is None or not _in_region(conn, r.parse_id, org_ids):
        return None
    p = t.parse.c
    stored: Any = conn.execute(select(p.text, p.reading).where(p.id == r.parse_id)).one()
    text, reading = stored
    detail = ReportDetail(_row(r), r.media_type, r.pages, r.published, r.error_message, text, reading=reading)
    c = t.cell.c
    for cell in conn.execute(select(t.cell).where(c.parse_id == r.parse_id).order_by(c.cell_id)):
        detail.cells.append(
            {
                "id": cell.cell_id,
                "raw": cell.raw,
                "meaning": cell.meaning,
                "value": cell.value,
                "inferred_value": cell.inferred_value,
                "page": cell.page,
                "line": cell.line,
                "position": cell.position,
            }
        )
    rv = t.review.c
    for table in (t.finding, t.cross_finding):
        f = table.c
        stmt = (
            select(f.key, f.code, f.severity, f.message, f.evidence, rv.decision, rv.comment, rv.reviewer)
            .select_from(
                table.outerjoin(t.review, (rv.document_sha256 == r.sha256) & (rv.fingerprint == f.fingerprint))
            )
            .where(f.parse_id == r.parse_id)
            .order_by(f.key)
        )
        for row in conn.execute(stmt):
            detail.findings.append(
                {
                    "key": row.key,
                    "code": row.code,
                    "severity": row.severity,
                    "message": row.message,
                    "evidence": row.evidence,
                    "decision": row.decision,
                    "comment": row.comment,
                    "reviewer": row.reviewer,
                }
            )
    return detail


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    media_type: str | None
    source: str | None


def stored_file(conn: Connection, key: str, org_ids: set[int] | None = None) -> StoredFile | None:
    """The stored file behind a report key (looked up by key only, never by a path), if the user may see it."""
    r = _by_key(conn, key)
    if r is None or not _in_region(conn, r.parse_id, org_ids):
        return None
    return StoredFile(r.sha256, r.media_type, r.source)


def file_content(conn: Connection, sha256: str) -> bytes:
    return conn.execute(select(t.document.c.content).where(t.document.c.sha256 == sha256)).scalar_one()


# ------------------------------------------------------------------------------------------------ regions


def region_org_ids(conn: Connection, region: str | None) -> set[int] | None:
    """The organizations a user with ``region`` may see (the body and everything below it); None: no limit.
    A region naming no known body sees nothing (default deny)."""
    if not region:
        return None
    from gongkai.store.orgs import descendants

    org_id = conn.execute(select(t.organization.c.id).where(t.organization.c.name == region)).scalar()
    if org_id is None:
        return set()
    return {org_id} | {n.id for n in descendants(conn, org_id)}


def _in_region(conn: Connection, parse_id: int, org_ids: set[int] | None) -> bool:
    if org_ids is None:
        return True
    org = conn.execute(select(t.parse.c.organization_id).where(t.parse.c.id == parse_id)).scalar()
    return org in org_ids


# ------------------------------------------------------------------------------------------------ findings


def _finding_filters(
    org_ids: set[int] | None, organization: str | None, year: int | None, severity: str | None, status: str | None
) -> dict[str, Any]:
    """The store's findings filters; a region is a condition on the parse, so the database does the limiting."""
    where = () if org_ids is None else (t.parse.c.organization_id.in_(sorted(org_ids) or [-1]),)
    return {"organization": organization, "year": year, "severity": severity, "status": status, "where": where}


def list_findings(
    conn: Connection,
    *,
    org_ids: set[int] | None = None,
    organization: str | None = None,
    year: int | None = None,
    severity: str | None = None,
    status: str | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """A page of findings of current reports (the CLI's list, in its order), limited to a region's reports."""
    from gongkai.store.review import list_findings as store_findings

    rows = store_findings(
        conn, limit=limit, offset=offset, **_finding_filters(org_ids, organization, year, severity, status)
    )
    return [
        {
            "key": r.key,
            "report": report_key(r.document_sha256),
            "source": r.source,
            "organization": r.organization,
            "year": r.year,
            "code": r.code,
            "category": r.category,
            "severity": r.severity,
            "message": r.message,
            "evidence": r.evidence,
            "decision": r.decision,
            "comment": r.comment,
            "reviewer": r.reviewer,
        }
        for r in rows
    ]


def count_findings(
    conn: Connection,
    *,
    org_ids: set[int] | None = None,
    organization: str | None = None,
    year: int | None = None,
    severity: str | None = None,
    status: str | None = None,
) -> int:
    from gongkai.store.review import count_findings as store_count

    return store_count(conn, **_finding_filters(org_ids, organization, year, severity, status))


def finding_parse_id(conn: Connection, key: str) -> int | None:
    """The parse a finding key (store.rows.finding_key: F-… own, X-… cross) belongs to; the newest parse when
    older parses of the same file carry the same key."""
    key = key.strip().upper()
    table = {"F-": t.finding, "X-": t.cross_finding}.get(key[:2])
    if table is None:
        return None
    return conn.execute(
        select(table.c.parse_id).where(table.c.key == key).order_by(table.c.parse_id.desc()).limit(1)
    ).scalar()


def review_finding(
    conn: Connection, key: str, decision: str, comment: str | None, reviewer: str, org_ids: set[int] | None
) -> bool:
    """Record a decision through the CLI's review function; False when the finding is unknown or outside the
    reviewer's region (the two are not told apart, so a region's findings cannot be probed)."""
    from gongkai.store.review import decide

    parse_id = finding_parse_id(conn, key)
    if parse_id is None or not _in_region(conn, parse_id, org_ids):
        return False
    decide(conn, key, decision, comment or None, reviewer=reviewer)
    return True


def stats(conn: Connection, region: str | None, year: int | None) -> dict[str, Any]:
    from gongkai.analysis.stored import Selection
    from gongkai.analysis.stats import compute_stats

    return compute_stats(conn, Selection(region=region, year=year), by="year").to_dict()


# ------------------------------------------------------------------------------------------------ ingest


def ingest_files(store, paths: list, **options: Any) -> Any:
    """Store uploaded files exactly as `gongkai ingest` does (same limits, idempotent by content hash);
    ``options``: `ingest`'s jobs, limits and progress hook."""
    from gongkai.store.ingest import ingest

    return ingest(store, paths, **options)


def already_stored(conn: Connection, shas: list[str]) -> set[str]:
    """The contents (sha256) already read by this parser version: uploading them again stores nothing."""
    from gongkai import PARSER_VERSION

    q = (
        select(t.document.c.sha256)
        .join(t.parse, t.parse.c.document_id == t.document.c.id)
        .where(t.document.c.sha256.in_(shas), t.parse.c.parser_version == PARSER_VERSION)
    )
    return set(conn.execute(q).scalars())
