"""Report versions in the store: which stored report of each (body, year) counts, and people's decisions.

``choose_versions`` recomputes, from the stored set alone, the versions of every (body, year, roll-up flag)
group with :func:`gongkai.analysis.versions.choose` and writes ``parse.counts`` / ``version_group`` /
``version_reason`` — so the result does not depend on arrival order. ``counted()`` is the filter every
query that adds reports up must use. ``decide`` records supersede / withdraw / restore on the document (never
deleting anything) and in ``audit_log``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, and_, select, update

from gongkai.analysis.versions import SUPERSEDED, WITHDRAWN, Candidate, choose, duplicate_findings
from gongkai.errors import DecisionError, ReasonRequired, ReportKeyAmbiguous, ReportKeyError
from gongkai.store import schema as t

KEY_LENGTH = 12
ACTIONS = ("supersede", "withdraw", "restore")


def counted():
    """The parses that count (current parser version, current report version, not withdrawn)."""
    return and_(t.parse.c.is_current, t.parse.c.counts)


def report_key(sha256: str) -> str:
    """A report's KEY: the first 12 hex characters of its document's sha256."""
    return sha256[:KEY_LENGTH]


def resolve_key(conn: Connection, key: str) -> str:
    """The document sha256 a (prefix of a) KEY names; [E-REPORT-KEY] unknown, [E-REPORT-AMBIGUOUS] several."""
    k = key.strip().lower()
    if len(k) < 4 or any(ch not in "0123456789abcdef" for ch in k):
        raise ReportKeyError(f"报告编号“{key}”无效：应为文件 sha256 的前几位十六进制字符（至少4位）")
    found: Sequence[str] = (
        conn.execute(
            select(t.document.c.sha256).where(t.document.c.sha256.like(f"{k}%")).order_by(t.document.c.sha256).limit(3)
        )
        .scalars()
        .all()
    )
    if not found:
        raise ReportKeyError(f"没有编号为“{key}”的报告（见 gongkai reports versions）")
    if len(found) > 1:
        raise ReportKeyAmbiguous(f"编号“{key}”对应多份报告（{'、'.join(report_key(s) for s in found)}…），请多给几位")
    return found[0]


_ROWS = (
    t.parse.c.id,
    t.document.c.sha256,
    t.parse.c.source,
    t.parse.c.organization_id,
    t.parse.c.organization_printed,
    t.parse.c.year,
    t.parse.c.is_rollup,
    t.parse.c.published,
    t.parse.c.prose,
    t.document.c.decision,
    t.document.c.superseded_by,
)


def _stmt():
    return (
        select(*_ROWS)
        .select_from(t.parse.join(t.document, t.document.c.id == t.parse.c.document_id))
        .where(t.parse.c.is_current, t.parse.c.status == "ok")
    )


def _grouped(conn: Connection) -> Iterator[list]:
    """Current parses grouped by (body, year, roll-up); unmatched bodies or unknown years each alone."""
    stmt = _stmt().order_by(t.parse.c.organization_id, t.parse.c.year, t.parse.c.is_rollup, t.document.c.sha256)
    # streamed (never every parse in memory); the caller's updates touch no column this query filters or sorts by
    rows = conn.execute(stmt.execution_options(yield_per=2000))
    for key, same_key in itertools.groupby(rows, key=lambda r: (r.organization_id, r.year, bool(r.is_rollup))):
        group = list(same_key)
        if key[0] is None or key[1] is None:
            for r in group:
                yield [r]
        else:
            yield group


def _row_record(r, orgs: dict, cells=None, prose=None):
    """The cross-check record of one row of :func:`_stmt` (what the version rule and DUPLICATE-REPORT compare)."""
    from gongkai.store.cross import _record

    row = (r.id, r.sha256, r.source, r.organization_id, r.organization_printed, r.year, None, r.is_rollup, r.published)
    return _record(row, orgs, cells, prose=prose)


def _candidates(conn: Connection, group: list, orgs: dict) -> list[Candidate]:
    from gongkai.store.cross import _cells

    cells = _cells(conn, [r.id for r in group], None) if len(group) > 1 else {r.id: ({}, {}) for r in group}
    out = []
    for r in group:
        rec = _row_record(r, orgs, cells[r.id][0], prose=r.prose)
        out.append(
            Candidate(
                sha256=r.sha256,
                source=rec.source,
                organization=rec.organization,
                year=rec.year,
                published=rec.published,
                cells=rec.cells,
                prose=rec.prose,
                decision=r.decision,
                superseded_by=r.superseded_by,
            )
        )
    return out


def choose_versions(conn: Connection) -> int:
    """Recompute every group's current version from the stored set; the number of parses that count."""
    from gongkai.store.cross import _org_nodes

    orgs = _org_nodes(conn)
    counting = 0
    for group in _grouped(conn):
        choices = {v.sha256: v for v in choose(_candidates(conn, group, orgs))}
        for r in group:
            v = choices[r.sha256]
            counting += v.current
            conn.execute(
                update(t.parse)
                .where(t.parse.c.id == r.id)
                .values(counts=v.current, version_group=v.group, version_reason=v.reason)
            )
    return counting


def duplicate_report_findings(conn: Connection, orgs: dict) -> Iterator[tuple]:
    """(record, DUPLICATE-REPORT, related records) for (body, year)s with more than one counting report."""
    from gongkai.analysis.versions import VersionChoice

    stmt = (
        _stmt()
        .add_columns(t.parse.c.counts, t.parse.c.version_group)
        .where(counted(), t.parse.c.organization_id.is_not(None), t.parse.c.year.is_not(None))
        .order_by(t.parse.c.organization_id, t.parse.c.year, t.parse.c.is_rollup, t.document.c.sha256)
    )
    rows = conn.execute(stmt.execution_options(yield_per=2000))  # streamed: memory stays flat
    for _, same_key in itertools.groupby(rows, key=lambda r: (r.organization_id, r.year, bool(r.is_rollup))):
        group = list(same_key)
        if len(group) < 2:
            continue
        recs = {r.sha256: _row_record(r, orgs) for r in group}
        cands = [
            Candidate(sha256=s, source=rec.source, organization=rec.organization, year=rec.year)
            for s, rec in recs.items()
        ]
        choices = [VersionChoice(s, s, True, "") for s in recs]
        for sha, f in duplicate_findings(cands, choices):
            yield recs[sha], f, [rec for s, rec in recs.items() if s != sha]


@dataclass(frozen=True, slots=True)
class Decision:
    action: str
    target: str
    related: str | None
    reason: str
    by: str
    at: str


def decide(
    conn: Connection,
    key: str,
    action: str,
    reason: str | None,
    by: str,
    *,
    by_report: str | None = None,
    when: str | None = None,
) -> Decision:
    """Record ``action`` (supersede | withdraw | restore) on the report ``key`` with its reason in the audit
    log; the versions are recomputed by the caller (``choose_versions``)."""
    from gongkai.store.ingest import now_iso

    if action not in ACTIONS:
        raise DecisionError(f"未知操作“{action}”")
    if not reason or not reason.strip():
        raise ReasonRequired("必须用 -m 说明理由")
    sha = resolve_key(conn, key)
    related = None
    values: dict = {"decision": None, "superseded_by": None}
    if action == "supersede":
        if not by_report:
            raise DecisionError("取代操作必须用 --by-report 指定取代它的报告")
        related = resolve_key(conn, by_report)
        if related == sha:
            raise DecisionError("报告不能取代自己")
        if not _same_body_year(conn, sha, related):
            raise DecisionError("只能由同一机关同一年度的报告取代")
        values = {"decision": SUPERSEDED, "superseded_by": related}
    elif action == "withdraw":
        values = {"decision": WITHDRAWN, "superseded_by": None}
    conn.execute(update(t.document).where(t.document.c.sha256 == sha).values(**values))
    d = Decision(action, sha, related, reason.strip(), by, when or now_iso())
    conn.execute(
        t.audit_log.insert().values(
            at=d.at, by=d.by, action=d.action, target=d.target, related=d.related, reason=d.reason
        )
    )
    return d


def _same_body_year(conn: Connection, a: str, b: str) -> bool:
    rows = conn.execute(_stmt().where(t.document.c.sha256.in_([a, b]))).all()
    keys = {r.sha256: (r.organization_id, r.year, bool(r.is_rollup)) for r in rows}
    return a in keys and b in keys and keys[a] == keys[b] and keys[a][0] is not None and keys[a][1] is not None


def audit_entries(conn: Connection) -> list:
    return list(conn.execute(select(t.audit_log).order_by(t.audit_log.c.id)).all())


__all__ = [
    "ACTIONS",
    "Decision",
    "KEY_LENGTH",
    "audit_entries",
    "choose_versions",
    "counted",
    "decide",
    "duplicate_report_findings",
    "report_key",
    "resolve_key",
]
