"""The deterministic end of every ingest, re-parse and registry import.

Whatever order, chunking, interruption or concurrency the files arrived in, the stored set of documents and
bodies is the same; everything derived from *relations* between them is recomputed here from that set alone,
once, in one serialised write transaction: the parents of automatically created bodies, every current parse's
match against the registry, and the cross-report findings. A killed run leaves the derived state stale; the next
run's settle repairs it (ingest calls settle even when nothing new was stored).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from gongkai.store import schema as t
from gongkai.store.db import Store
from gongkai.store.versions import choose_versions


@dataclass(frozen=True, slots=True)
class Settled:
    reparented: int  # automatically created bodies whose parent changed
    rematched: int  # current parses whose organization changed
    cross_findings: int  # cross findings written (the table is replaced)


def reparent_auto_bodies(conn: Connection) -> int:
    """Give every automatically created body the government of its place named by its own name (the longest
    registered or auto-created place that prefixes it), computed from the stored set only — not from which
    bodies existed when it was first seen. Returns how many parents changed."""
    from gongkai.store.orgs import load_index

    o = t.organization
    index = load_index(conn)
    changed = 0
    rows: Any = conn.execute(select(o.c.id, o.c.name, o.c.parent_id).where(o.c.source == "auto").order_by(o.c.name))
    for org_id, name, parent_id in rows.all():
        parent = index.parent_for(name)
        if parent == org_id:
            parent = None
        if parent is None:
            parent = parent_id if parent_id != org_id else None  # keep a parent set by hand; never self
        if parent != parent_id:
            conn.execute(update(o).where(o.c.id == org_id).values(parent_id=parent))
            changed += 1
    return changed


def settle(store: Store) -> Settled:
    """Recompute everything derived from the stored set, in one serialised write transaction."""
    from gongkai.store.cross import write_cross_findings
    from gongkai.store.orgs import rematch

    with store.begin() as conn:
        store.exclusive(conn)
        reparented = reparent_auto_bodies(conn)
        rematched = rematch(conn)
        # the current report per (body, year): after matching (it needs the bodies), before the cross findings
        # (they use current versions only)
        choose_versions(conn)
        cross = write_cross_findings(conn)
    return Settled(reparented, rematched, cross)


__all__ = ["Settled", "reparent_auto_bodies", "settle"]
