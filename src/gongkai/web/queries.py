"""Every store read and write the workbench does, in one place (so a change of keys or versions in the store
is one edit here). Report key = the first 12 hex digits of the document's sha256."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from gongkai.store import schema as t
from gongkai.store.ingest import now_iso

KEY_LENGTH = 12
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
    return (select(func.count()).select_from(t.finding)
            .where(t.finding.c.parse_id == t.parse.c.id, t.finding.c.severity == severity).scalar_subquery())


def _report_select():
    org = func.coalesce(t.organization.c.name, t.parse.c.organization_printed)
    return (select(t.document.c.sha256, t.parse.c.id.label("parse_id"), t.parse.c.source, org.label("organization"),
                   t.parse.c.year, t.parse.c.format, t.parse.c.status, t.parse.c.error_code,
                   t.parse.c.error_message, t.parse.c.media_type, t.parse.c.pages, t.parse.c.published,
                   _severity_count("error").label("errors"), _severity_count("warning").label("warnings"))
            .select_from(t.parse.join(t.document, t.document.c.id == t.parse.c.document_id)
                         .outerjoin(t.organization, t.organization.c.id == t.parse.c.organization_id))
            .where(t.parse.c.is_current.is_(True)))


def _row(r) -> ReportRow:
    return ReportRow(r.sha256[:KEY_LENGTH], r.source, r.organization, r.year, r.format, r.status, r.error_code,
                     r.errors, r.warnings)


_SORTS = {"org": "organization", "year": "year", "errors": "errors", "source": "source"}


def list_reports(conn: Connection, *, search: str | None = None, year: int | None = None,
                 has_errors: bool | None = None, sort: str = "org", descending: bool = False, page: int = 1,
                 page_size: int = PAGE_SIZE) -> tuple[list[ReportRow], int]:
    """A page of current reports and the total count matching the filters."""
    stmt = _report_select()
    org = func.coalesce(t.organization.c.name, t.parse.c.organization_printed)
    if search:
        like = f"%{search}%"
        stmt = stmt.where(org.like(like) | t.parse.c.source.like(like))
    if year is not None:
        stmt = stmt.where(t.parse.c.year == year)
    if has_errors is not None:
        stmt = stmt.where((t.parse.c.error_findings > 0) if has_errors else (t.parse.c.error_findings == 0))
    total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    column = stmt.selected_columns[_SORTS.get(sort, "organization")]
    order = column.desc() if descending else column.asc()
    stmt = stmt.order_by(order, t.document.c.sha256).limit(page_size).offset((max(page, 1) - 1) * page_size)
    return [_row(r) for r in conn.execute(stmt)], total


def _by_key(conn: Connection, key: str):
    key = key.lower()
    if len(key) != KEY_LENGTH or any(ch not in "0123456789abcdef" for ch in key):
        return None
    return conn.execute(_report_select().where(t.document.c.sha256.like(f"{key}%"))).first()


def report_detail(conn: Connection, key: str) -> ReportDetail | None:
    r = _by_key(conn, key)
    if r is None:
        return None
    detail = ReportDetail(_row(r), r.media_type, r.pages, r.published, r.error_message,
                          conn.execute(select(t.parse.c.text).where(t.parse.c.id == r.parse_id)).scalar_one())
    c = t.cell.c
    for cell in conn.execute(select(t.cell).where(c.parse_id == r.parse_id).order_by(c.cell_id)):
        detail.cells.append({"id": cell.cell_id, "raw": cell.raw, "meaning": cell.meaning, "value": cell.value,
                             "inferred_value": cell.inferred_value, "page": cell.page, "line": cell.line,
                             "position": cell.position})
    f = t.finding.c
    for row in conn.execute(select(t.finding).where(f.parse_id == r.parse_id).order_by(f.id)):
        detail.findings.append({"key": f"F{row.id}", "code": row.code, "severity": row.severity,
                                "message": row.message, "evidence": row.evidence})
    return detail


def document_content(conn: Connection, key: str) -> tuple[bytes, str | None, str | None] | None:
    """(bytes, media type, source name) of the stored file: looked up by key only, never by a path."""
    r = _by_key(conn, key)
    if r is None:
        return None
    content = conn.execute(select(t.document.c.content).where(t.document.c.sha256 == r.sha256)).scalar_one()
    return content, r.media_type, r.source
