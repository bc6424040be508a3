"""Findings of stored reports, and the reviewer's decisions on them.

A decision is stored against the document's content hash and the finding's fingerprint (rule, cells, values —
see :func:`gongkai.store.rows.fingerprint`), not against a row id: re-ingesting or re-parsing an unchanged file
gives findings with the same fingerprints, so the decision still applies; a changed file is a new document and
its findings start undecided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, literal, select, union_all

from gongkai.errors import ReviewError, ReviewReasonError
from gongkai.store import schema as t
from gongkai.store.ingest import now_iso
from gongkai.store.sql import insert_ignore

DECISIONS = ("confirmed", "dismissed")
DECISION_NAMES = {"confirmed": "已确认", "dismissed": "已驳回", None: "待审核"}


@dataclass(frozen=True, slots=True)
class FindingRow:
    key: str  # F-… (a report's own finding) or X-… (a cross-report finding): store.rows.finding_key
    parse_id: int
    document_sha256: str
    source: str | None
    organization: str | None
    year: int | None
    code: str
    category: str
    severity: str
    message: str
    evidence: Any
    fingerprint: str
    decision: str | None
    comment: str | None
    reviewer: str | None


def _tables(cross: bool | None):
    return [
        (prefix, table)
        for kind, table, prefix in (("report", t.finding, "F"), ("cross", t.cross_finding, "X"))
        if cross is None or cross == (kind == "cross")
    ]


def _query(cross: bool | None, slim: bool = False):
    """One SELECT per findings table; ``slim``: only the columns the filters use (for counting)."""
    org_name = t.organization.c.name
    parts = []
    for prefix, table in _tables(cross):
        wide = (
            ()
            if slim
            else (
                t.document.c.sha256,
                t.parse.c.source,
                table.c.message,
                table.c.evidence,
                table.c.fingerprint,
                t.review.c.comment,
                t.review.c.reviewer,
            )
        )
        parts.append(
            select(
                literal(prefix).label("prefix"),
                table.c.id,
                table.c.key,
                table.c.parse_id,
                org_name.label("org"),
                t.parse.c.organization_printed,
                t.parse.c.year,
                table.c.code,
                table.c.category,
                table.c.severity,
                t.review.c.decision,
                *wide,
            )
            .select_from(
                table.join(t.parse, t.parse.c.id == table.c.parse_id)
                .join(t.document, t.document.c.id == t.parse.c.document_id)
                .outerjoin(t.organization, t.organization.c.id == t.parse.c.organization_id)
                .outerjoin(
                    t.review,
                    and_(
                        t.review.c.document_sha256 == t.document.c.sha256, t.review.c.fingerprint == table.c.fingerprint
                    ),
                )
            )
            .where(t.parse.c.is_current)
        )
    return parts


def list_findings(
    conn: Connection,
    *,
    organization: str | None = None,
    year: int | None = None,
    category: str | None = None,
    code: str | None = None,
    severity: str | None = None,
    cross: bool | None = None,
    status: str | None = None,
    limit: int | None = None,
    where: Sequence[Any] = (),
    offset: int = 0,
) -> list[FindingRow]:
    """Findings of the current parses, filtered; ``status`` is pending | confirmed | dismissed; ``organization``
    is part of a name; ``where`` are further conditions on the ``parse`` table (body, region: see
    :func:`gongkai.analysis.stored.select_bodies`); ``offset``/``limit`` page through them in list order."""
    stmt = _filtered(
        organization=organization,
        year=year,
        category=category,
        code=code,
        severity=severity,
        cross=cross,
        status=status,
        where=where,
    )
    if stmt is None:
        return []
    # (sorting only slim rows and reading the page's in full afterwards was measured slower: with a LIMIT the
    # database keeps just the top rows while sorting)
    sel = select(stmt).order_by(*_order(stmt))
    if limit:
        sel = sel.limit(limit)
    if offset:
        sel = sel.offset(offset)
    rows = conn.execute(sel)
    return [
        FindingRow(
            r.key or f"{r.prefix}{r.id}",
            r.parse_id,
            r.sha256,
            r.source,
            r.org or r.organization_printed,
            r.year,
            r.code,
            r.category,
            r.severity,
            r.message,
            r.evidence,
            r.fingerprint,
            r.decision,
            r.comment,
            r.reviewer,
        )
        for r in rows
    ]


def _order(stmt) -> tuple:
    return stmt.c.org, stmt.c.year, stmt.c.parse_id, stmt.c.prefix, stmt.c.key, stmt.c.id


def count_findings(conn: Connection, **filters: Any) -> int:
    """How many findings :func:`list_findings` lists with the same filters (without ``limit``/``offset``)."""
    stmt = _filtered(**filters, slim=True)
    return 0 if stmt is None else conn.execute(select(func.count()).select_from(stmt)).scalar_one()


def _filtered(
    *,
    organization: str | None = None,
    year: int | None = None,
    category: str | None = None,
    code: str | None = None,
    severity: str | None = None,
    cross: bool | None = None,
    status: str | None = None,
    where: Sequence[Any] = (),
    slim: bool = False,
):
    parts = []
    for q in _query(cross, slim):
        q = q.where(*where)
        c = q.selected_columns
        if organization:
            like = f"%{organization}%"
            q = q.where((c.org.like(like)) | (c.organization_printed.like(like)))
        if year is not None:
            q = q.where(c.year == year)
        if category:
            q = q.where(c.category == category)
        if code:
            q = q.where(c.code == code)
        if severity:
            q = q.where(c.severity == severity)
        if status == "pending":
            q = q.where(c.decision.is_(None))
        elif status in DECISIONS:
            q = q.where(c.decision == status)
        parts.append(q)
    if not parts:
        return None
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()


@dataclass(frozen=True, slots=True)
class ReviewEvent:
    key: str
    decision: str  # confirmed | dismissed | undone
    comment: str | None
    reviewer: str | None
    decided_at: str


def _resolve(conn: Connection, key: str) -> tuple[str, str, str]:
    """(document sha256, fingerprint, key) of the current finding called ``key`` (F-…/X-…)."""
    key = key.strip().upper()
    table = {"F-": t.finding, "X-": t.cross_finding}.get(key[:2])
    if table is None or len(key) != 12:
        raise ReviewError(f"问题编号“{key}”无效：应为 F- 或 X- 加 10 个字符（见 gongkai findings 的第一列）")
    row = conn.execute(
        select(t.document.c.sha256, table.c.fingerprint)
        .select_from(
            table.join(t.parse, t.parse.c.id == table.c.parse_id).join(
                t.document, t.document.c.id == t.parse.c.document_id
            )
        )
        .where(table.c.key == key)
        .order_by(t.parse.c.is_current.desc())
    ).first()
    if row is None:
        raise ReviewError(f"找不到问题 {key}（请运行 gongkai findings 查看现有问题的编号）")
    return row.sha256, row.fingerprint, key


def _event(
    conn: Connection, key: str, sha: str, fp: str, decision: str, comment: str | None, reviewer: str | None, when: str
) -> None:
    conn.execute(
        t.review_event.insert().values(
            finding_key=key,
            document_sha256=sha,
            fingerprint=fp,
            decision=decision,
            comment=comment,
            reviewer=reviewer,
            decided_at=when,
        )
    )


def decide(
    conn: Connection, key: str, decision: str, comment: str | None = None, reviewer: str | None = None
) -> tuple[str, str]:
    """Record the decision on finding ``key`` (a dismissal needs a reason); returns (document sha256,
    fingerprint). Every decision is kept in the history; the current one keeps the earlier comment when this
    one brings none."""
    if decision not in DECISIONS:
        raise ReviewError(f"审核结论应为 confirmed（确认）或 dismissed（驳回），而不是“{decision}”")
    comment = (comment or "").strip() or None
    if decision == "dismissed" and comment is None:
        raise ReviewReasonError("驳回问题须用 -m 说明理由")
    sha, fp, key = _resolve(conn, key)
    when = now_iso()
    _event(conn, key, sha, fp, decision, comment, reviewer, when)
    values = {"decision": decision, "reviewer": reviewer, "decided_at": when}
    if comment is not None:
        values["comment"] = comment
    if (
        insert_ignore(
            conn,
            t.review,
            {"document_sha256": sha, "fingerprint": fp, "comment": comment, **values},
            ["document_sha256", "fingerprint"],
            returning=t.review.c.id,
        )
        is None
    ):
        conn.execute(
            t.review.update().where(t.review.c.document_sha256 == sha, t.review.c.fingerprint == fp).values(**values)
        )
    return sha, fp


def undo(conn: Connection, key: str, reviewer: str | None = None) -> bool:
    sha, fp, key = _resolve(conn, key)
    res = conn.execute(t.review.delete().where(t.review.c.document_sha256 == sha, t.review.c.fingerprint == fp))
    if res.rowcount > 0:
        _event(conn, key, sha, fp, "undone", None, reviewer, now_iso())
    return res.rowcount > 0


def history(conn: Connection, key: str) -> list[ReviewEvent]:
    """Every decision taken on finding ``key`` (by its document and fingerprint), oldest first."""
    sha, fp, key = _resolve(conn, key)
    e = t.review_event
    rows = conn.execute(
        select(e.c.finding_key, e.c.decision, e.c.comment, e.c.reviewer, e.c.decided_at)
        .where(e.c.document_sha256 == sha, e.c.fingerprint == fp)
        .order_by(e.c.id)
    )
    return [ReviewEvent(*r) for r in rows]
