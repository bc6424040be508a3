"""API tokens for scripts: ``Authorization: Bearer gk_<prefix>_<secret>`` on /api/v1 only.

A token is printed once when made; the store keeps its SHA-256 (32 random bytes need no slow hash) and its
public ``prefix``, by which it is listed and revoked. A token acts as its user (same role and region)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from gongkai.store import schema as t
from gongkai.store.ingest import now_iso
from gongkai.web import queries

PREFIX = "gk_"


class UnknownUser(LookupError):
    pass


@dataclass(frozen=True)
class TokenInfo:
    prefix: str
    user: str
    label: str | None
    created_at: str
    revoked_at: str | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(conn: Connection, user: str, label: str | None = None) -> str:
    """Make a token for ``user`` and return it (the only time it is seen)."""
    uid = conn.execute(select(t.web_user.c.id).where(t.web_user.c.name == user)).scalar()
    if uid is None:
        raise UnknownUser(user)
    prefix = secrets.token_hex(6)
    token = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    conn.execute(
        t.api_token.insert().values(
            user_id=uid, prefix=prefix, token_hash=_hash(token), label=label, created_at=now_iso()
        )
    )
    return token


def user_for_token(conn: Connection, token: str) -> queries.User | None:
    """The user a valid, unrevoked token stands for; None otherwise."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    a, u = t.api_token.c, t.web_user.c
    name = conn.execute(
        select(u.name)
        .select_from(t.api_token.join(t.web_user, t.web_user.c.id == a.user_id))
        .where(a.token_hash == _hash(token), a.revoked_at.is_(None))
    ).scalar()
    return queries.get_user(conn, name) if name else None


def revoke(conn: Connection, prefix: str) -> bool:
    """Revoke the token with this prefix (the part after ``gk_`` up to ``_``); False when none is active."""
    prefix = prefix.strip().removeprefix(PREFIX).split("_", 1)[0]
    done = conn.execute(
        update(t.api_token)
        .where(t.api_token.c.prefix == prefix, t.api_token.c.revoked_at.is_(None))
        .values(revoked_at=now_iso())
    )
    return done.rowcount > 0


def list_tokens(conn: Connection, user: str | None = None) -> list[TokenInfo]:
    a, u = t.api_token.c, t.web_user.c
    stmt = (
        select(a.prefix, u.name, a.label, a.created_at, a.revoked_at)
        .select_from(t.api_token.join(t.web_user, t.web_user.c.id == a.user_id))
        .order_by(a.created_at, a.id)
    )
    if user is not None:
        stmt = stmt.where(u.name == user)
    rows: Any = conn.execute(stmt)  # Row[object, ...] over the untyped schema
    return [TokenInfo(*r) for r in rows]
