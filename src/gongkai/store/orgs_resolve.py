"""Which registered body a stored report belongs to, during ingest.

The registry's matcher (:mod:`gongkai.orgs.match`) decides exact / alias / former / short / ambiguous. A name
that matches nothing but names its place in full (青禾市桐溪区民政局) becomes a new body (``source='auto'``,
parent derived from the place), so that an assessor without a registry still gets each body's years grouped.
A name that does not say where it is (区民政局, 民政局) is not guessed: it stays unmatched and is reported.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, select

from gongkai.orgs.match import AMBIGUOUS, UNMATCHED, OrgIndex, normalize
from gongkai.store import schema as t
from gongkai.store.db import Store

# a full place at the start of the name: at least two characters before the first place type, and not a
# relative opening (区…/县…/本区…)
_FULL_PLACE = re.compile(
    r"^[^区县市镇乡本我该].{1,}?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|州|盟|区|县|旗|镇|乡)"
)


def names_its_place(name: str) -> bool:
    return _FULL_PLACE.match(normalize(name)) is not None


class OrgMatcher:
    """Resolves printed names for one ingest run; the registry index is loaded once, bodies created on the way
    are remembered."""

    def __init__(self, store: Store):
        self.store = store
        self._index: OrgIndex | None = None
        self.created: dict[str, int] = {}  # bodies this run added (normalized name → id)
        self.ambiguous: list[tuple[str, str, list[str]]] = []  # (path, printed, candidate names); also unmatched

    def index(self, conn: Connection) -> OrgIndex:
        if self._index is None:
            from gongkai.store.orgs import load_index

            self._index = load_index(conn)
        return self._index

    def resolve(
        self, conn: Connection, printed: str | None, year: int | None, hint: str
    ) -> tuple[int | None, str, list[int]]:
        if not printed:
            return None, "none", []
        index = self.index(conn)
        key = normalize(printed)
        if key in self.created:
            return self.created[key], "new", []
        m = index.match(printed, year, hint)
        if m.org_id is not None:
            return m.org_id, m.status, []
        if m.status == AMBIGUOUS:
            self.ambiguous.append((hint, printed, [index.name(c) for c in m.candidates]))
            return None, AMBIGUOUS, list(m.candidates)
        if not names_its_place(printed):
            self.ambiguous.append((hint, printed, []))
            return None, UNMATCHED, []
        from gongkai.store.orgs import ensure_auto_org

        org_id = ensure_auto_org(conn, key, index)
        self.created[key] = org_id
        return org_id, "new", []


def organization_name(conn: Connection, org_id: int) -> str | None:
    return conn.execute(select(t.organization.c.name).where(t.organization.c.id == org_id)).scalar()


def adopt_orphans(conn: Connection) -> int:
    """Give bodies added automatically during an ingest the parent their place names, now that every body of
    the ingest is known (a department may arrive before the government of its district). Returns how many."""
    from sqlalchemy import update

    from gongkai.orgs.match import derive_parent
    from gongkai.store.orgs import load_index

    orphans = conn.execute(
        select(t.organization.c.id, t.organization.c.name).where(
            t.organization.c.source == "auto", t.organization.c.parent_id.is_(None)
        )
    ).all()
    if not orphans:
        return 0
    index = load_index(conn)
    adopted = 0
    for org_id, name in orphans:
        parent = derive_parent(str(name), index)
        if parent is not None and parent != org_id:
            conn.execute(update(t.organization).where(t.organization.c.id == org_id).values(parent_id=parent))
            adopted += 1
    return adopted
