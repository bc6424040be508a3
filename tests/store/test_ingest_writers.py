"""Ingest -j 2 into PostgreSQL: the workers write, the parent only counts (issue 15); the database equals a
single-writer ingest of the same files."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from gongkai.examples.generate import random_spec
from gongkai.examples.region import REGISTRY_FILE, generate_region, write_region
from gongkai.orgs.registry import load_registry
from gongkai.render.layouts import render_text
from gongkai.store import schema as t
from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from gongkai.store.orgs import import_registry
from tests.store.corpus import write_reports
from tests.store.test_cluster import _export, _same
from tests.store.test_determinism import _tree


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A small region with its registry, random reports (bodies added automatically or left unmatched), a name
    that says no place (区财政局), a file that is no report, and one content under two names."""
    root = tmp_path_factory.mktemp("writers")
    write_region(generate_region(1, departments=6), root / "region")
    reports = write_reports(root / "random", 16, seed=7)
    rng = random.Random(5)
    spec = random_spec(rng, "2021", organization="区财政局", body_kind="department", year=2024)
    (root / "mirror").mkdir()
    (root / "mirror" / "区财政局2024年报.txt").write_text(render_text(spec, "pipe_rows", rng), encoding="utf-8")
    (root / "random" / "noise.bin").write_bytes(random.Random(9).randbytes(3000))
    shutil.copy(reports[0], root / "random" / "copy-of-first.txt")
    return root


class _ParseInserts:
    """Counts the INSERTs into ``parse`` that one engine (this process's) executes."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO PARSE"):
            self.count += 1


def _ingest(url: str, root: Path, jobs: int):
    s = open_store(url)
    try:
        with s.begin() as conn:
            import_registry(conn, load_registry(root / "region" / REGISTRY_FILE))
        inserts = _ParseInserts(s.engine)
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != REGISTRY_FILE)
        summary = ingest(s, files, jobs=jobs)
        with s.engine.connect() as conn:
            parses = conn.execute(select(func.count()).select_from(t.parse)).scalar_one()
        tree = _tree(s)
    finally:
        s.dispose()
    return summary, inserts.count, parses, tree


def _counts(summary) -> tuple:
    return (
        summary.files,
        summary.stored,
        summary.unchanged,
        sorted(summary.failed),
        sorted((path, printed, sorted(c)) for path, printed, c in summary.ambiguous),
        summary.missing,
    )


def test_workers_write_into_postgresql_and_the_database_equals_a_single_writer_ingest(
    postgres_server, corpus, tmp_path
):
    single_url = postgres_server.new_database(f"w_single_{os.getpid()}")
    workers_url = postgres_server.new_database(f"w_workers_{os.getpid()}")
    single, single_inserts, single_parses, single_tree = _ingest(single_url, corpus, jobs=1)
    workers, workers_inserts, workers_parses, workers_tree = _ingest(workers_url, corpus, jobs=2)

    # the single writer wrote every parse row itself (the counter sees them); with -j 2 the parent wrote none
    assert single_inserts == single_parses == single.stored > 20
    assert workers_inserts == 0
    assert workers_parses == workers.stored == single.stored
    # the corpus does what it was made for: a duplicate, an unreadable file, a name that says no place
    assert single.unchanged == 1
    assert any(path.endswith("noise.bin") for path, _, _ in single.failed)
    assert any(printed == "区财政局" for _, printed, _ in single.ambiguous)
    assert _counts(workers) == _counts(single)
    assert workers_tree == single_tree
    _same(_export(workers_url, tmp_path / "workers"), _export(single_url, tmp_path / "single"))

    # again with -j 2: nothing new, every file already stored
    again, again_inserts, again_parses, _ = _ingest(workers_url, corpus, jobs=2)
    assert (again.stored, again.unchanged, again_parses, again_inserts) == (0, again.files, workers_parses, 0)


def test_write_task_stores_once_and_hands_back_what_it_could_not_write(tmp_path, corpus):
    """The task in this process (SQLite for speed; on PostgreSQL it runs in the workers): the first call stores,
    a second finds the report stored; when the database cannot be written the rows come back to the parent,
    which writes them (or reports the database's error) as on the single-writer path."""
    from gongkai import PARSER_VERSION
    from gongkai.orgs.match import OrgIndex
    from gongkai.readers.limits import DEFAULT_LIMITS
    from gongkai.store.ingest_worker import IngestItem, Job
    from gongkai.store.ingest_writers import Written, WriteTask

    url = f"sqlite:///{tmp_path / 'w.db'}"
    open_store(url).dispose()
    report = str(next((corpus / "random").glob("r*.txt")))
    index = OrgIndex.build([], [])
    task = WriteTask(url, parser_version=PARSER_VERSION, when="2026-12-04T00:00:00+00:00", index=index)
    first, second = (task(Job("a.txt", path=report), DEFAULT_LIMITS) for _ in range(2))
    assert isinstance(first.payload, Written) and isinstance(second.payload, Written)
    assert (first.payload.stored, second.payload.stored, first.payload.status) == (True, False, "ok")
    noise = task(Job("noise.bin", path=str(corpus / "random" / "noise.bin")), DEFAULT_LIMITS)
    assert isinstance(noise.payload, Written) and noise.payload.status == "error" and noise.payload.error_code

    nowhere = WriteTask(
        f"sqlite:///{tmp_path / 'missing' / 'x.db'}", parser_version=PARSER_VERSION, when="x", index=index
    )
    back = nowhere(Job("a.txt", path=report), DEFAULT_LIMITS)
    assert isinstance(back.payload, IngestItem) and back.payload.rows.parse["status"] == "ok"
