"""Store reads for the 报告详情 page and the 整改通知 beyond :mod:`gongkai.web.queries`: a report's versions
and their audit log, the one-report JSON/XLSX downloads (through the exporters of :mod:`gongkai.analysis.export`,
so a download is what `gongkai export` writes for that report), and the findings of a body or region.
Version decisions go through :func:`gongkai.store.versions.decide` and :func:`gongkai.store.settle.settle`,
exactly as the `gongkai reports` command does."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, exists, func, or_, select

from gongkai.store import schema as t
from gongkai.store.versions import KEY_LENGTH, report_key

STATE_NAMES = {
    "current": "现行（计入统计）",
    "superseded": "已被取代",
    "withdrawn": "已撤回",
    "not_counted": "不计入统计",
}
ACTION_NAMES = {"supersede": "取代", "withdraw": "撤回", "restore": "恢复"}


@dataclass(frozen=True)
class Version:
    key: str
    source: str | None
    published: str | None
    state: str  # current | superseded | withdrawn | not_counted
    reason: str | None
    superseded_by: str | None  # report key

    @property
    def state_name(self) -> str:
        return STATE_NAMES[self.state]


@dataclass(frozen=True)
class AuditEntry:
    at: str
    by: str
    action: str
    target: str  # report key
    related: str | None
    reason: str

    @property
    def action_name(self) -> str:
        return ACTION_NAMES.get(self.action, self.action)


@dataclass
class Versions:
    this: Version | None  # None: the report could not be read (no version of a body/year)
    others: list[Version] = field(default_factory=list)  # the same body, year and roll-up flag
    log: list[AuditEntry] = field(default_factory=list)


def _state(decision: str | None, counts: bool) -> str:
    from gongkai.analysis.versions import SUPERSEDED, WITHDRAWN

    if decision == WITHDRAWN:
        return "withdrawn"
    if decision == SUPERSEDED:
        return "superseded"
    return "current" if counts else "not_counted"


def _parse_of(conn: Connection, sha256: str):
    p, d = t.parse.c, t.document.c
    return conn.execute(
        select(
            p.id,
            p.organization_id,
            p.year,
            p.is_rollup,
            p.status,
            p.source,
            p.published,
            p.counts,
            p.version_reason,
            d.decision,
            d.superseded_by,
            d.sha256,
        )
        .select_from(t.parse.join(t.document, t.document.c.id == p.document_id))
        .where(d.sha256 == sha256, p.is_current.is_(True))
    ).first()


def _version(r) -> Version:
    return Version(
        report_key(r.sha256),
        r.source,
        r.published,
        _state(r.decision, bool(r.counts)),
        r.version_reason,
        report_key(r.superseded_by) if r.superseded_by else None,
    )


def report_versions(conn: Connection, sha256: str) -> Versions:
    """The report's version state, the other reports of its body and year, and the decisions about them."""
    r = _parse_of(conn, sha256)
    if r is None or r.status != "ok":
        return Versions(None)
    out = Versions(_version(r))
    shas = [sha256]
    if r.organization_id is not None and r.year is not None:
        p, d = t.parse.c, t.document.c
        rows = conn.execute(
            select(p.source, p.published, p.counts, p.version_reason, d.decision, d.superseded_by, d.sha256)
            .select_from(t.parse.join(t.document, t.document.c.id == p.document_id))
            .where(
                p.is_current.is_(True),
                p.status == "ok",
                p.organization_id == r.organization_id,
                p.year == r.year,
                p.is_rollup == r.is_rollup,
                d.sha256 != sha256,
            )
            .order_by(d.sha256)
        ).all()
        out.others = [_version(o) for o in rows]
        shas += [o.sha256 for o in rows]
    a = t.audit_log.c
    for e in conn.execute(select(t.audit_log).where(or_(a.target.in_(shas), a.related.in_(shas))).order_by(a.id)):
        out.log.append(
            AuditEntry(
                e.at, e.by, e.action, report_key(e.target), report_key(e.related) if e.related else None, e.reason
            )
        )
    return out


DECISION_NAMES = {"confirmed": "确认", "dismissed": "驳回", "undone": "撤销审核"}


@dataclass(frozen=True)
class ReviewStep:
    at: str
    reviewer: str | None
    decision: str  # confirmed | dismissed | undone
    comment: str | None

    @property
    def decision_name(self) -> str:
        return DECISION_NAMES.get(self.decision, self.decision)


def review_histories(conn: Connection, sha256: str) -> dict[str, list[ReviewStep]]:
    """Every review decision on the report's findings, oldest first, by finding key (the same history as
    `gongkai review history`; a key is derived from the document and the finding, so it is stable)."""
    e = t.review_event.c
    out: dict[str, list[ReviewStep]] = {}
    for r in conn.execute(
        select(e.finding_key, e.decided_at, e.reviewer, e.decision, e.comment)
        .where(e.document_sha256 == sha256)
        .order_by(e.id)
    ):
        out.setdefault(r.finding_key, []).append(ReviewStep(r.decided_at, r.reviewer, r.decision, r.comment))
    return out


def decide_version(store, key: str, action: str, reason: str, by: str, by_report: str | None) -> str:
    """Record a supersede / withdraw / restore as `gongkai reports` does; the target's sha256. Raises the
    store's GongkaiError ([E-REASON-REQUIRED], [E-REPORT-DECISION], [E-REPORT-KEY] …) on a refused decision."""
    from gongkai.store.settle import settle
    from gongkai.store.versions import decide

    with store.begin() as conn:
        d = decide(conn, key, action, reason, by, by_report=by_report or None)
    settle(store)
    return d.target


# ------------------------------------------------------------------------------------------------ downloads


def _one_report(conn: Connection, parse_id: int):
    from gongkai.analysis.stored import Scope, iter_reports, load_registry

    scope = Scope((t.parse.c.id == parse_id,), None, load_registry(conn))
    return next(iter_reports(conn, scope, with_findings=True), None)


def parse_id_of(conn: Connection, sha256: str) -> int | None:
    return conn.execute(
        select(t.parse.c.id)
        .select_from(t.parse.join(t.document, t.document.c.id == t.parse.c.document_id))
        .where(t.document.c.sha256 == sha256, t.parse.c.is_current.is_(True))
    ).scalar()


def report_json_bytes(conn: Connection, parse_id: int) -> bytes | None:
    """The report as `gongkai export --to json` writes each report (metadata, cells, findings)."""
    from gongkai.analysis.export import report_json

    rep = _one_report(conn, parse_id)
    return None if rep is None else json.dumps(report_json(rep), ensure_ascii=False, indent=1).encode()


def report_xlsx_bytes(conn: Connection, parse_id: int) -> bytes | None:
    """The report as the XLSX export writes it: 单元格 (long), 宽表 (wide) and 问题 (findings) sheets."""
    from gongkai.analysis.export import (
        FINDING_COLUMNS,
        LONG_COLUMNS,
        XlsxBook,
        finding_rows,
        long_rows,
        wide_columns,
        wide_row_for_people,
    )

    rep = _one_report(conn, parse_id)
    if rep is None:
        return None
    with tempfile.TemporaryDirectory(prefix="gongkai-web-") as tmp:
        path = Path(tmp) / "report.xlsx"
        book = XlsxBook(path)
        try:
            cells, wide, problems = (
                book.sheet("单元格", LONG_COLUMNS),
                book.sheet("宽表", wide_columns()),
                book.sheet("问题", FINDING_COLUMNS),
            )
            for row in long_rows(rep):
                cells.write(row)
            wide.write(wide_row_for_people(rep))
            for row in finding_rows(rep):
                problems.write(row)
        finally:
            book.close()
        return path.read_bytes()


# ------------------------------------------------------------------------------------------------ notices


@dataclass
class BodyReport:
    """One current report of a body with the cells and findings a notice lists."""

    key: str
    organization: str
    year: int | None
    source: str | None
    media_type: str | None
    cells: dict[str, dict]  # cell id -> {raw, page, line, position}
    findings: list[dict]  # own and cross findings with their review decision


def body_reports(
    conn: Connection,
    *,
    org_ids: set[int] | None,
    organization: str | None = None,
    year: int | None = None,
    key: str | None = None,
    severities: tuple[str, ...] = ("error", "warning"),
) -> list[BodyReport]:
    """Current reports (counted versions) with at least one finding of ``severities``, by body name then key;
    within ``org_ids`` when given (a reviewer's region or a chosen region); only report ``key`` if given."""
    from gongkai.store.versions import counted

    p, d = t.parse.c, t.document.c
    org = func.coalesce(t.organization.c.name, p.organization_printed)
    has_findings = or_(
        *(exists().where(f.c.parse_id == p.id, f.c.severity.in_(severities)) for f in (t.finding, t.cross_finding))
    )
    stmt = (
        select(p.id, d.sha256, org.label("organization"), p.year, p.source, p.media_type)
        .select_from(
            t.parse.join(t.document, t.document.c.id == p.document_id).outerjoin(
                t.organization, t.organization.c.id == p.organization_id
            )
        )
        .where(counted(), p.status == "ok", has_findings)
        .order_by(org, p.year, d.sha256)
    )
    if key is not None:
        if len(key) != KEY_LENGTH or any(ch not in "0123456789abcdef" for ch in key):
            return []
        stmt = stmt.where(d.sha256.like(f"{key}%"))
    if org_ids is not None:
        stmt = stmt.where(p.organization_id.in_(org_ids or {-1}))
    if organization:
        stmt = stmt.where(org == organization)
    if year is not None:
        stmt = stmt.where(p.year == year)
    out = []
    for r in conn.execute(stmt).all():
        findings = _findings_of(conn, r.id, r.sha256)
        if not findings:
            continue
        c = t.cell.c
        cells = {
            x.cell_id: {"raw": x.raw, "page": x.page, "line": x.line, "position": x.position}
            for x in conn.execute(select(c.cell_id, c.raw, c.page, c.line, c.position).where(c.parse_id == r.id))
        }
        out.append(
            BodyReport(
                report_key(r.sha256),
                r.organization or "（未能确定机关）",
                r.year,
                r.source,
                r.media_type,
                cells,
                findings,
            )
        )
    return out


def _findings_of(conn: Connection, parse_id: int, sha256: str) -> list[dict]:
    rv = t.review.c
    out = []
    for table in (t.finding, t.cross_finding):
        f = table.c
        stmt = (
            select(f.key, f.code, f.severity, f.message, f.evidence, rv.decision, rv.comment)
            .select_from(table.outerjoin(t.review, (rv.document_sha256 == sha256) & (rv.fingerprint == f.fingerprint)))
            .where(f.parse_id == parse_id)
            .order_by(f.key)
        )
        out += [dict(r._mapping) for r in conn.execute(stmt)]
    return out


__all__ = [
    "ACTION_NAMES",
    "AuditEntry",
    "BodyReport",
    "STATE_NAMES",
    "Version",
    "Versions",
    "body_reports",
    "decide_version",
    "parse_id_of",
    "review_histories",
    "report_json_bytes",
    "report_versions",
    "report_xlsx_bytes",
]
