"""The Alembic migrations create exactly the schema the code declares, on SQLite and PostgreSQL, and opening
a database twice (or from two processes) migrates once."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from gongkai.store.db import current_revision, head_revision, normalize_url, open_store
from gongkai.store.schema import metadata


def test_migrations_match_the_declared_schema(store_url):
    store = open_store(store_url)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
        assert current_revision(conn) == head_revision()
    store.dispose()
    again = open_store(store_url)  # already at head: nothing to do, nothing fails
    assert set(metadata.tables) <= set(inspect(again.engine).get_table_names())
    again.dispose()


def test_urls_from_what_users_type():
    assert normalize_url("reports.db") == "sqlite:///reports.db"
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:////abs/x.db") == "sqlite:////abs/x.db"


def test_unreachable_database_is_a_clear_error(tmp_path):
    import pytest

    from gongkai.errors import StoreError

    with pytest.raises(StoreError) as e:
        open_store(f"sqlite:///{tmp_path}/missing-dir/x.db")
    assert e.value.code == "E-DB" and "无法打开数据库" in e.value.message
    with pytest.raises(StoreError):
        open_store("postgresql://nobody@127.0.0.1:1/none")
