"""Recomputing the cross-report findings from the current parses, group by group (memory stays bounded).

Pass 1 walks the reports ordered by body and year: carry-over and duplicate prose against the previous year,
late publication. Pass 2 walks (parent, year) groups: prose copied between sibling bodies. Pass 3 takes each
roll-up with its members' reports of the same year. The whole recomputation is one transaction, serialised
against concurrent ingests, replacing the previous cross findings.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache

from typing import Any

from sqlalchemy import Connection, Select, delete, select

from gongkai.analysis.crosscheck import (
    carry_over_findings,
    duplicate_finding,
    late_publication_finding,
    rollup_findings,
)
from gongkai.analysis.records import ReportRecord
from gongkai.orgs.registry import OrgNode
from gongkai.checks.carry import carry_pairs
from gongkai.model import Finding
from gongkai.standard.formats import FORMAT_IDS
from gongkai.store import schema as t
from gongkai.store.db import Store
from gongkai.store.ingest import now_iso
from gongkai.store.rows import finding_key, fingerprint, position_dict
from gongkai.store.versions import counted, duplicate_report_findings
from gongkai.standard.labels import int_if_whole

_META = (
    t.parse.c.id,
    t.document.c.sha256,
    t.parse.c.source,
    t.parse.c.organization_id,
    t.parse.c.organization_printed,
    t.parse.c.year,
    t.parse.c.format,
    t.parse.c.is_rollup,
    t.parse.c.published,
)


@cache
def carry_cell_ids() -> tuple[str, ...]:
    """The cells the carry-over check reads, in either format."""
    pairs = [p for a in FORMAT_IDS for b in FORMAT_IDS for p in carry_pairs(a, b)]
    return tuple(dict.fromkeys(c for p in pairs for c in (p.this_cell, p.last_cell)))


def _gold(raw, meaning, value, inferred_value):
    """A stored cell in the gold vocabulary (as Report.gold_cells gives it)."""
    if inferred_value is not None:
        return _number(inferred_value)
    if meaning in ("number", "zero"):
        return _number(value)
    if meaning == "blank":
        return None
    if meaning == "not_applicable":
        return "n/a"
    return raw


def _number(v):
    return int_if_whole(v)


def _cells(
    conn: Connection, parse_ids: list[int], cell_ids: Iterable[str] | None, prefixes: tuple[str, ...] = ()
) -> dict[int, tuple[dict, dict]]:
    out: dict[int, tuple[dict, dict]] = {pid: ({}, {}) for pid in parse_ids}
    q = select(
        t.cell.c.parse_id,
        t.cell.c.cell_id,
        t.cell.c.raw,
        t.cell.c.meaning,
        t.cell.c.value,
        t.cell.c.inferred_value,
        t.cell.c.line,
        t.cell.c.col,
        t.cell.c.text_offset,
        t.cell.c.text_length,
        t.cell.c.page,
        t.cell.c.position,
    ).where(t.cell.c.parse_id.in_(parse_ids))
    if cell_ids is not None:
        q = q.where(t.cell.c.cell_id.in_(list(cell_ids)))
    result: Any = conn.execute(q)
    for pid, cid, raw, meaning, value, inferred, *where in result:
        if prefixes and not cid.startswith(prefixes):
            continue
        cells, positions = out[pid]
        cells[cid] = _gold(raw, meaning, value, inferred)
        position = position_dict(*where)
        if position:
            positions[cid] = position
    return out


def _record(row, orgs: dict[int, OrgNode], cells=None, positions=None, prose=None) -> ReportRecord:
    pid, sha, source, org_id, printed, year, fmt, is_rollup, published = row[:9]
    node = orgs.get(org_id) if org_id is not None else None
    try:
        pub = date.fromisoformat(published) if published else None
    except ValueError:
        pub = None
    return ReportRecord(
        parse_id=pid,
        document_sha256=sha,
        source=source or "",
        organization_id=org_id,
        organization=node.name if node else (printed or ""),
        year=year,
        format=fmt or "unknown",
        is_rollup=bool(is_rollup),
        published=pub,
        body_kind=node.kind if node else None,
        body_level=node.level if node else None,
        cells=cells or {},
        positions=positions or {},
        prose=frozenset(prose or ()),
    )


def stored_records(conn: Connection, parse_ids: list[int]) -> dict[int, ReportRecord]:
    """The records the cross checks see for the given parses, every cell included (the workbench's 对比 page
    shows the same comparison the checks make)."""
    rows = conn.execute(
        select(*_META, t.parse.c.prose)
        .select_from(t.parse.join(t.document, t.document.c.id == t.parse.c.document_id))
        .where(t.parse.c.id.in_(parse_ids))
    ).all()
    cells = _cells(conn, [r.id for r in rows], None)
    orgs = _org_nodes(conn)
    return {r.id: _record(r, orgs, *cells[r.id], prose=r.prose) for r in rows}


def _current(order_by: Iterable[Any]) -> Select[Any]:
    return (
        select(*_META, t.parse.c.prose)
        .select_from(t.parse.join(t.document, t.document.c.id == t.parse.c.document_id))
        .where(counted(), t.parse.c.status == "ok")
        .order_by(*order_by)
    )


def _groups(conn: Connection, stmt, key, *, slice_unkeyed: bool = False) -> Iterator[list]:
    """Consecutive rows with the same ``key``; with ``slice_unkeyed``, rows whose key is None (compared with no
    other row) come in slices of at most 500, so that e.g. thousands of unmatched reports are never all held."""
    rows = conn.execute(stmt.execution_options(yield_per=2000))
    for k, group in itertools.groupby(rows, key=key):
        if slice_unkeyed and k is None:
            while part := list(itertools.islice(group, 500)):
                yield part
        else:
            yield list(group)


def _org_nodes(conn: Connection) -> dict[int, OrgNode]:
    return {
        r.id: OrgNode(r.id, r.name, r.kind, r.level, r.parent_id)
        for r in conn.execute(
            select(
                t.organization.c.id,
                t.organization.c.name,
                t.organization.c.kind,
                t.organization.c.level,
                t.organization.c.parent_id,
            )
        )
    }


def _pass_bodies(
    conn: Connection, orgs: dict[int, OrgNode]
) -> Iterator[tuple[ReportRecord, Finding, list[ReportRecord]]]:
    """Per body: late publication; carry-over and prose against the previous year (same roll-up flag)."""
    from gongkai.store.fetched import page_dates

    dates = page_dates(conn)  # a fetched report that prints no date: its page's printed 发布日期
    stmt = _current((t.parse.c.organization_id, t.parse.c.year, t.parse.c.id))
    for group in _groups(conn, stmt, key=lambda r: r.organization_id, slice_unkeyed=True):
        records_cells = _cells(conn, [r.id for r in group], carry_cell_ids())
        records = [_record(r, orgs, *records_cells[r.id], prose=r.prose) for r in group]
        for rec in records:
            if rec.published is None and rec.source in dates:
                rec = dataclasses.replace(rec, published=dates[rec.source])
            late = late_publication_finding(rec)
            if late is not None:
                yield rec, late, []
        if group[0].organization_id is None:
            continue  # unmatched bodies: no history to compare with
        by_year: dict[tuple[int, bool], list[ReportRecord]] = {}
        for rec in records:
            if rec.year is not None:
                by_year.setdefault((rec.year, rec.is_rollup), []).append(rec)
        for (year, rollup), recs in by_year.items():
            for last in by_year.get((year - 1, rollup), []):
                for rec in recs:
                    for f in carry_over_findings(rec, last):
                        yield rec, f, [last]
                    dup = duplicate_finding(rec, last, "previous_year")
                    if dup is not None:
                        yield rec, dup, [last]


def _pass_siblings(
    conn: Connection, orgs: dict[int, OrgNode]
) -> Iterator[tuple[ReportRecord, Finding, list[ReportRecord]]]:
    """Per (parent, year): prose copied between two different bodies."""
    stmt = (
        select(*_META, t.parse.c.prose, t.organization.c.parent_id)
        .select_from(
            t.parse.join(t.document, t.document.c.id == t.parse.c.document_id).join(
                t.organization, t.organization.c.id == t.parse.c.organization_id
            )
        )
        .where(
            counted(), t.parse.c.status == "ok", t.organization.c.parent_id.is_not(None), t.parse.c.year.is_not(None)
        )
        .order_by(t.organization.c.parent_id, t.parse.c.year, t.parse.c.id)
    )
    for group in _groups(conn, stmt, key=lambda r: (r.parent_id, r.year)):
        records = [_record(r, orgs, prose=r.prose) for r in group if r.prose]
        for a, b in itertools.combinations(records, 2):
            if a.organization_id == b.organization_id:
                continue
            for this, other in ((a, b), (b, a)):
                f = duplicate_finding(this, other, "sibling")
                if f is not None:
                    yield this, f, [other]


def _pass_rollups(
    conn: Connection, orgs: dict[int, OrgNode]
) -> Iterator[tuple[ReportRecord, Finding, list[ReportRecord]]]:
    children: dict[int, list[OrgNode]] = {}
    for node in orgs.values():
        if node.parent_id is not None:
            children.setdefault(node.parent_id, []).append(node)
    rollups = conn.execute(  # streamed, like the other passes
        _current((t.parse.c.id,))
        .where(t.parse.c.is_rollup, t.parse.c.organization_id.is_not(None), t.parse.c.year.is_not(None))
        .execution_options(yield_per=2000)
    )
    prefixes = tuple(f"{name}." for name in ("requests", "appeals"))
    for row in rollups:
        # by name, and a member's report by content hash: ids follow arrival order, the findings must not
        members = sorted(children.get(row.organization_id, []), key=lambda n: (n.name, n.id))
        if not members:
            continue
        member_rows = conn.execute(
            _current((t.parse.c.organization_id, t.parse.c.is_rollup.desc(), t.document.c.sha256)).where(
                t.parse.c.year == row.year, t.parse.c.organization_id.in_([m.id for m in members])
            )
        ).all()
        chosen: dict[int, Any] = {}
        for r in member_rows:  # per member: its roll-up first, then the smallest content hash
            chosen.setdefault(r.organization_id, r)
        ids = [row.id] + [r.id for r in chosen.values()]
        cells = _cells(conn, ids, None, prefixes)
        rollup = _record(row, orgs, *cells[row.id])
        reports = {oid: _record(r, orgs, *cells[r.id]) for oid, r in chosen.items()}
        for f in rollup_findings(rollup, members, reports):
            yield rollup, f, list(reports.values())


def _cross_fingerprint(rec: ReportRecord, f: Finding, related: list[ReportRecord]) -> str:
    ev = f.evidence
    return fingerprint(
        f.code, f.cell_ids, ev.stated, ev.expected, ev.text, f.message, extra=sorted(r.document_sha256 for r in related)
    )


def compute_cross_findings(conn: Connection) -> Iterator[tuple[ReportRecord, Finding, list[ReportRecord]]]:
    orgs = _org_nodes(conn)
    yield from _pass_bodies(conn, orgs)
    yield from _pass_siblings(conn, orgs)
    yield from _pass_rollups(conn, orgs)
    yield from duplicate_report_findings(conn, orgs)


def _keys(conn: Connection, items: list[tuple[str, str]]) -> list[str]:
    """The key of each (document sha256, fingerprint) about to be written, in order: identical findings of one
    report are numbered (the n-th from 0) by the keys already in the table and earlier in ``items`` — the table
    remembers what was written, so memory stays flat however many findings there are."""
    c = t.cross_finding.c
    firsts = [finding_key(True, sha, fp) for sha, fp in items]
    taken = set(conn.execute(select(c.key).where(c.key.in_(firsts))).scalars())
    out = []
    for (sha, fp), key in zip(items, firsts):
        n = 0
        while key in taken or (n and conn.execute(select(c.id).where(c.key == key)).first() is not None):
            n += 1
            key = finding_key(True, sha, fp, n)
        taken.add(key)
        out.append(key)
    return out


def _insert(conn: Connection, found: list[tuple[ReportRecord, Finding, list[ReportRecord], str]], when: str) -> int:
    keys = _keys(conn, [(rec.document_sha256, fp) for rec, _, _, fp in found])
    conn.execute(
        t.cross_finding.insert(),
        [
            {
                "parse_id": rec.parse_id,
                "related_parse_ids": [r.parse_id for r in related],
                "code": f.code,
                "category": f.category,
                "severity": f.severity.value,
                "message": f.message,
                "evidence": f.evidence.to_dict(),
                "fingerprint": fp,
                "key": key,
                "computed_at": when,
            }
            for (rec, f, related, fp), key in zip(found, keys)
        ],
    )
    return len(found)


def write_cross_findings(conn: Connection) -> int:
    """Replace every cross finding by a fresh computation over the current parses, inside the caller's
    (serialised) transaction; the number written."""
    when = now_iso()
    count = 0
    conn.execute(delete(t.cross_finding))
    batch: list[tuple[ReportRecord, Finding, list[ReportRecord], str]] = []
    for rec, f, related in compute_cross_findings(conn):
        batch.append((rec, f, related, _cross_fingerprint(rec, f, related)))
        if len(batch) >= 500:
            count += _insert(conn, batch, when)
            batch = []
    if batch:
        count += _insert(conn, batch, when)
    return count


def recompute_cross_findings(store: Store) -> int:
    """Replace every cross finding by a fresh computation over the current parses; the number written."""
    with store.begin() as conn:
        store.exclusive(conn)
        return write_cross_findings(conn)
