"""Small portable SQL helpers (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Connection, Table


def insert_ignore(
    conn: Connection, table: Table, values: dict[str, Any], conflict: list[str], returning: Column | None = None
) -> Any:
    """INSERT … ON CONFLICT (conflict) DO NOTHING; with ``returning``, the new row's column or None when the
    row already existed."""
    stmt: Any  # PostgreSQL's and SQLite's INSERT … ON CONFLICT are two classes with one API
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(table).values(**values).on_conflict_do_nothing(index_elements=conflict)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).values(**values).on_conflict_do_nothing(index_elements=conflict)
    if returning is not None:
        return conn.execute(stmt.returning(returning)).scalar()
    conn.execute(stmt)
    return None


class RawInsert:
    """An INSERT prepared once per dialect and run through the driver directly: the ingest hot path writes
    hundreds of cells per report, where building SQLAlchemy statements per row costs more than the database.
    JSON columns take text already serialised (in the worker processes)."""

    def __init__(
        self,
        dialect: str,
        table: Table,
        columns: list[str],
        *,
        conflict: list[str] | None = None,
        returning: str | None = None,
    ):
        from sqlalchemy import JSON

        json_cols = {c.name for c in table.columns if isinstance(c.type, JSON)}
        if dialect == "postgresql":
            named = [f"%({c})s" + ("::json" if c in json_cols else "") for c in columns]
            positional = ["%s" + ("::json" if c in json_cols else "") for c in columns]
        else:
            named = [f":{c}" for c in columns]
            positional = ["?"] * len(columns)
        head = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
        tail = ""
        if conflict:
            tail += f" ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
        if returning:
            tail += f" RETURNING {returning}"
        self.sql = f"{head}({', '.join(named)}){tail}"
        self.positional_sql = f"{head}({', '.join(positional)}){tail}"
        self.columns = columns
        self.returns = returning is not None

    def one(self, conn: Connection, params: dict[str, Any]) -> Any:
        """Insert one row; the RETURNING value (None when the row existed), or None without RETURNING."""
        result = conn.exec_driver_sql(self.sql, params)
        return result.scalar() if self.returns else None

    def many(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        if rows:
            conn.exec_driver_sql(self.sql, rows)

    def tuples(self, conn: Connection, rows: list[tuple]) -> None:
        """Insert rows given as tuples in column order (no dict per row: the ingest writer's hot path)."""
        if rows:
            conn.exec_driver_sql(self.positional_sql, rows)
