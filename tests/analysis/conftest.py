"""The small database the export and stats tests share (built by tests.analysis.test_export.build_db)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gongkai.store import schema as s


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'gongkai.db'}"
    engine = sa.create_engine(url)
    s.metadata.create_all(engine)
    with engine.begin() as conn:
        from tests.analysis.test_export import build_db

        inserted = build_db(conn)
        from gongkai.store.figures import fill_missing_figures

        fill_missing_figures(conn)  # cells written by hand: their figures as the migration fills them
    yield engine, inserted, url
    engine.dispose()
