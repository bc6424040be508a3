"""Small portable SQL helpers (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Connection, Table


def insert_ignore(conn: Connection, table: Table, values: dict[str, Any], conflict: list[str],
                  returning: Column | None = None) -> Any:
    """INSERT … ON CONFLICT (conflict) DO NOTHING; with ``returning``, the new row's column or None when the
    row already existed."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(**values).on_conflict_do_nothing(index_elements=conflict)
    if returning is not None:
        return conn.execute(stmt.returning(returning)).scalar()
    conn.execute(stmt)
    return None
