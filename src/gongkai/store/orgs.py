"""The organizations in the database: importing the registry, the match index, bodies met only in reports.

SQLAlchemy Core over :mod:`gongkai.store.schema`, portable between SQLite and PostgreSQL. Every function
works in the caller's connection/transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from gongkai.orgs.registry import OrgNode
from gongkai.orgs.match import OrgIndex, derive_parent
from gongkai.orgs.registry import RegistryEntry, guess_kind
from gongkai.store import schema as t


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def import_registry(conn: Connection, entries: Iterable[RegistryEntry]) -> ImportResult:
    """Upsert every entry by name (parent from nesting, aliases and former names replaced by the file's).

    Idempotent: importing the same file again changes nothing. A body first met in a report (``auto``) that
    the registry now names becomes a registry body — under its current name or, when the registry lists the
    auto body's name as an alias or former name, renamed to the registered name so its reports follow.
    Bodies missing from the file are kept (stored reports may point at them).
    """
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    existing = {row.name: row for row in conn.execute(select(t.organization))}
    alias_rows: dict[int, set[tuple[str, str, int | None]]] = defaultdict(set)
    for row in conn.execute(select(t.organization_alias)):
        alias_rows[row.organization_id].add((row.alias, row.relation, row.until_year))

    def visit(entry: RegistryEntry, parent_id: int | None) -> None:
        wanted = {
            "kind": entry.kind,
            "level": entry.level,
            "parent_id": parent_id,
            "source": "registry",
            "note": entry.note,
        }
        row = existing.get(entry.name) or _auto_to_take_over(entry, existing)
        if row is None:
            org_id: int = conn.execute(
                insert(t.organization).values(name=entry.name, **wanted).returning(t.organization.c.id)
            ).scalar_one()
            changed, outcome = True, "added"
        else:
            org_id = row.id
            current = {k: getattr(row, k) for k in wanted}
            changed = current != wanted or row.name != entry.name
            if changed:
                conn.execute(
                    update(t.organization).where(t.organization.c.id == org_id).values(name=entry.name, **wanted)
                )
                existing.pop(row.name, None)
            outcome = "updated" if changed else "unchanged"
        aliases = (
            {(a, "alias", None) for a in entry.aliases}
            | {(n, "former", u) for n, u in entry.former}
            | {(site, "site", None) for site in entry.sites}
        )  # declared web sites ride in the alias table
        if aliases != alias_rows.get(org_id, set()):
            _replace_aliases(conn, org_id, aliases, alias_rows.get(org_id, set()))
            outcome = "updated" if outcome == "unchanged" else outcome
        counts[outcome] += 1
        for child in entry.children:
            visit(child, org_id)

    for top in entries:
        visit(top, None)
    return ImportResult(**counts)


def _auto_to_take_over(entry: RegistryEntry, existing: dict):
    """An auto body whose name the registry gives as this entry's alias or former name (first one found)."""
    for other in (*entry.aliases, *(n for n, _ in entry.former)):  # names only, never a site
        row = existing.get(other)
        if row is not None and row.source == "auto":
            return row
    return None


def _replace_aliases(conn: Connection, org_id: int, wanted: set, current: set) -> None:
    a = t.organization_alias
    # (org, alias) is unique: delete every changed name first, then insert, so an until change is one row
    gone = {name for name, _, _ in current - wanted}
    if gone:
        conn.execute(delete(a).where(a.c.organization_id == org_id, a.c.alias.in_(sorted(gone))))
    keep = {row for row in current if row[0] not in gone}
    new = [
        {"organization_id": org_id, "alias": n, "relation": r, "until_year": u}
        for n, r, u in sorted(wanted - keep, key=lambda x: x[0])
    ]
    if new:
        conn.execute(insert(a), new)


def org_nodes(conn: Connection) -> dict[int, OrgNode]:
    o = t.organization
    return {
        r.id: OrgNode(r.id, r.name, r.kind, r.level, r.parent_id)
        for r in conn.execute(select(o.c.id, o.c.name, o.c.kind, o.c.level, o.c.parent_id).order_by(o.c.id))
    }


def load_index(conn: Connection) -> OrgIndex:
    a = t.organization_alias
    aliases = [
        (r.organization_id, r.alias, r.relation, r.until_year)
        for r in conn.execute(select(a.c.organization_id, a.c.alias, a.c.relation, a.c.until_year))
    ]
    return OrgIndex.build(org_nodes(conn).values(), aliases)


@cache
def _auto_org_statements() -> tuple[Any, Any, Any]:
    """Built once: ensure_auto_org runs for nearly every report of an ingest without a registry."""
    o = t.organization
    return (
        select(o.c.id).where(o.c.name == bindparam("name")),
        select(o.c.id).where(o.c.id == bindparam("id")),
        insert(o)
        .values(
            name=bindparam("name"),
            kind=bindparam("kind"),
            level=bindparam("level"),
            parent_id=bindparam("parent_id"),
            source="auto",
        )
        .returning(o.c.id),
    )


def ensure_auto_org(conn: Connection, name: str, index: OrgIndex) -> int:
    """The id of the body called ``name``, inserting it (``source='auto'``, kind guessed, parent derived from
    its place) when absent. Two processes inserting the same name at once both get the one row: the loser's
    unique violation is caught inside a savepoint (so a PostgreSQL transaction stays usable) and re-selected."""
    by_name, by_id, add = _auto_org_statements()
    found = conn.execute(by_name, {"name": name}).scalar()
    if found is not None:
        return found
    kind, level = guess_kind(name)
    parent = derive_parent(name, index)
    if parent is not None and conn.execute(by_id, {"id": parent}).scalar() is None:
        parent = None  # the index is older than the table (the parent was deleted since)
    values = {"name": name, "kind": kind, "level": level, "parent_id": parent}
    try:
        with conn.begin_nested():
            return conn.execute(add, values).scalar_one()
    except IntegrityError:
        return conn.execute(by_name, {"name": name}).scalar_one()


def members(conn: Connection, org_id: int) -> list[OrgNode]:
    """The direct children of a body (the members of its roll-up report), by name."""
    o = t.organization
    rows = conn.execute(
        select(o.c.id, o.c.name, o.c.kind, o.c.level, o.c.parent_id).where(o.c.parent_id == org_id).order_by(o.c.name)
    )
    return [OrgNode(r.id, r.name, r.kind, r.level, r.parent_id) for r in rows]


def descendants(conn: Connection, org_id: int) -> list[OrgNode]:
    """Every body below ``org_id``, level by level (a cycle in hand-edited data cannot loop)."""
    o = t.organization
    seen = {org_id}
    out: list[OrgNode] = []
    frontier = [org_id]
    while frontier:
        rows = conn.execute(
            select(o.c.id, o.c.name, o.c.kind, o.c.level, o.c.parent_id)
            .where(o.c.parent_id.in_(frontier))
            .order_by(o.c.name)
        ).all()
        frontier = []
        for r in rows:
            if r.id not in seen:
                seen.add(r.id)
                frontier.append(r.id)
                out.append(OrgNode(r.id, r.name, r.kind, r.level, r.parent_id))
    return out


def report_counts(conn: Connection) -> dict[int, int]:
    """Number of current parses per organization."""
    p = t.parse
    rows: Any = conn.execute(
        select(p.c.organization_id, func.count())
        .where(p.c.is_current.is_(True), p.c.organization_id.is_not(None))
        .group_by(p.c.organization_id)
    )
    return {org_id: n for org_id, n in rows}


def rematch(conn: Connection, index: OrgIndex | None = None) -> int:
    """Match every current parse's printed organization again (after a registry import); returns how many
    parses changed. A parse that stays unmatched keeps its auto body if it had one."""
    index = index or load_index(conn)
    p = t.parse
    rows = conn.execute(
        select(
            p.c.id,
            p.c.organization_printed,
            p.c.year,
            p.c.source,
            p.c.organization_id,
            p.c.organization_match,
            p.c.organization_candidates,
        )
        .where(p.c.is_current.is_(True), p.c.status == "ok")
        # streamed (never every parse in memory); the updates below touch no column this query filters by
        .execution_options(yield_per=2000)
    )
    from gongkai.store.fetched import FetchHints

    hints = FetchHints(conn)  # a fetched report is matched again with the hint it was first matched with
    changed = 0
    for r in rows:
        if not r.organization_printed:
            continue
        m = index.match(r.organization_printed, r.year, hints.hint(r.source) or r.source or "")
        if r.organization_id is not None and (
            m.status == "unmatched"
            or (m.org_id == r.organization_id and r.organization_match == "new" and m.status == "exact")
        ):
            continue  # the auto body made for this report: still the best we have, and still 'new'

        values = {
            "organization_id": m.org_id,
            "organization_match": m.status,
            "organization_candidates": list(m.candidates) if m.status == "ambiguous" else None,
        }
        if (r.organization_id, r.organization_match, r.organization_candidates) != tuple(values.values()):
            conn.execute(update(p).where(p.c.id == r.id).values(**values))
            changed += 1
    return changed


__all__ = [
    "ImportResult",
    "descendants",
    "ensure_auto_org",
    "import_registry",
    "load_index",
    "members",
    "org_nodes",
    "rematch",
    "report_counts",
]
