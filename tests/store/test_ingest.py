"""Ingest into SQLite and PostgreSQL: the same cells as `gongkai check`, idempotent, history on re-parse,
errors kept, reviews surviving, two concurrent ingests and a killed one losing nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gongkai.batch import check_one
from gongkai.store import schema as t
from gongkai.store.cross import _gold
from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from gongkai.store.review import decide, list_findings
from gongkai.store.rows import position_dict
from tests.store.corpus import write_reports

REPO = Path(__file__).resolve().parents[2]


def counts(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            tbl.name: conn.execute(select(func.count()).select_from(tbl)).scalar_one()
            for tbl in (t.document, t.document_path, t.parse, t.cell, t.finding, t.organization)
        }


def stored_cells(store, path: str) -> dict:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.cell.c.cell_id, t.cell.c.raw, t.cell.c.meaning, t.cell.c.value, t.cell.c.inferred_value)
            .select_from(
                t.cell.join(t.parse, t.parse.c.id == t.cell.c.parse_id).join(
                    t.document_path, t.document_path.c.document_id == t.parse.c.document_id
                )
            )
            .where(t.document_path.c.path == path, t.parse.c.is_current)
        ).all()
    return {r.cell_id: _gold(r.raw, r.meaning, r.value, r.inferred_value) for r in rows}


def raw_cells(store, path: str) -> dict:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                t.cell.c.cell_id,
                t.cell.c.raw,
                t.cell.c.meaning,
                t.cell.c.line,
                t.cell.c.col,
                t.cell.c.text_offset,
                t.cell.c.text_length,
                t.cell.c.page,
                t.cell.c.position,
            )
            .select_from(
                t.cell.join(t.parse, t.parse.c.id == t.cell.c.parse_id).join(
                    t.document_path, t.document_path.c.document_id == t.parse.c.document_id
                )
            )
            .where(t.document_path.c.path == path, t.parse.c.is_current, t.cell.c.raw.is_not(None))
        ).all()
    return {r.cell_id: (r.raw, r.meaning, position_dict(*r[3:])) for r in rows}


def expected_raw_cells(report) -> dict:
    return {
        cid: (c.raw, c.meaning.value, c.position.to_dict() if c.position else None) for cid, c in report.cells.items()
    }


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.dispose()


def test_ingest_equals_check_and_is_idempotent(store, tmp_path):
    paths = write_reports(tmp_path / "in", 24, seed=1)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "noise.bin").write_bytes(os.urandom(3000))
    summary = ingest(store, [tmp_path / "in"], jobs=2)
    assert summary.stored == 26 and summary.unchanged == 0
    assert {code for _, code, _ in summary.failed} >= {"E-EMPTY"} and len(summary.failed) == 2
    for p in paths:
        report = check_one(str(p)).report
        assert stored_cells(store, str(p)) == report.gold_cells()
        assert raw_cells(store, str(p)) == expected_raw_cells(report)
    before = counts(store)
    assert before["document"] == 26 and before["parse"] == 26
    again = ingest(store, [tmp_path / "in"], jobs=2)
    assert again.stored == 0 and again.unchanged == 26
    assert counts(store) == before


def test_same_content_at_two_paths_is_one_document(store, tmp_path):
    [p] = write_reports(tmp_path / "a", 1, seed=2)
    copy = tmp_path / "b" / "copy.txt"
    copy.parent.mkdir()
    copy.write_bytes(p.read_bytes())
    summary = ingest(store, [tmp_path / "a", tmp_path / "b"])
    assert summary.stored == 1 and summary.unchanged == 1
    c = counts(store)
    assert (c["document"], c["parse"], c["document_path"]) == (1, 1, 2)


def test_reparse_keeps_history_and_reviews_survive(store, tmp_path):
    write_reports(tmp_path / "in", 6, seed=3)
    ingest(store, [tmp_path / "in"], parser_version="old")
    with store.engine.begin() as conn:
        own = list_findings(conn, cross=False)
        assert own, "generated reports give at least some info findings"
        target = own[0]
        decide(conn, target.key, "dismissed", "原件如此", "测试")
    n_cells = counts(store)["cell"]
    ingest(store, [], parser_version="new", reparse=True)
    c = counts(store)
    assert c["document"] == 6 and c["parse"] == 12 and c["cell"] == 2 * n_cells
    with store.engine.connect() as conn:
        versions = dict(
            conn.execute(
                select(t.parse.c.parser_version, func.count())
                .where(t.parse.c.is_current)
                .group_by(t.parse.c.parser_version)
            ).all()
        )
        assert versions == {"new": 6}
        after = [
            f
            for f in list_findings(conn, cross=False)
            if f.fingerprint == target.fingerprint and f.document_sha256 == target.document_sha256
        ]
    assert len(after) == 1 and after[0].decision == "dismissed" and after[0].comment == "原件如此"
    assert after[0].key == target.key  # a new row, the same finding: the same key, and the decision followed it
    # reparse again with the same version: nothing to do
    assert ingest(store, [], parser_version="new", reparse=True).reparsed == 0


def test_changed_file_is_a_new_document_without_the_old_review(store, tmp_path):
    write_reports(tmp_path / "in", 5, seed=4)
    ingest(store, [tmp_path / "in"])
    with store.engine.begin() as conn:
        target = list_findings(conn, cross=False)[0]
        decide(conn, target.key, "confirmed")
    p = Path(target.source)
    p.write_text(p.read_text("utf-8") + "\n（修订版）\n", encoding="utf-8")
    ingest(store, [p])
    with store.engine.connect() as conn:
        decided = [f for f in list_findings(conn) if f.decision]
        assert counts(store)["document"] == 6
        # both versions are current parses of their own documents; only the old one carries the decision
        shas = {f.document_sha256 for f in decided}
    assert len(shas) == 1


def _ingest_cmd(folder: Path, url: str, jobs: int = 1) -> list[str]:
    return [sys.executable, "-m", "gongkai.cli", "ingest", str(folder), "--db", url, "-j", str(jobs), "--no-progress"]


def test_two_concurrent_ingests_store_everything_once(store_url, tmp_path):
    write_reports(tmp_path / "in", 60, seed=5)
    open_store(store_url).dispose()  # schema first, so both processes race only on the reports
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    procs = [
        subprocess.Popen(
            _ingest_cmd(tmp_path / "in", store_url), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    store = open_store(store_url)
    c = counts(store)
    store.dispose()
    assert c["document"] == 60 and c["parse"] == 60 and c["document_path"] == 60
    assert c["cell"] == 60 * 200 or c["cell"] > 60 * 150  # every report's cells, once
    with open_store(store_url).engine.connect() as conn:
        dup = conn.execute(
            select(t.cell.c.parse_id, t.cell.c.cell_id, func.count())
            .group_by(t.cell.c.parse_id, t.cell.c.cell_id)
            .having(func.count() > 1)
        ).all()
    assert dup == []


def test_killed_ingest_restarts_and_completes(store_url, tmp_path):
    write_reports(tmp_path / "in", 300, seed=6)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(
        _ingest_cmd(tmp_path / "in", store_url),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        try:
            s = open_store(store_url, migrate_schema=False)
            with s.engine.connect() as conn:
                stored = conn.execute(select(func.count()).select_from(t.parse)).scalar_one()
            s.dispose()
        except Exception:  # schema not there yet
            stored = 0
        if stored >= 30:
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert 0 < stored < 300, "the kill must land midway for this test to mean anything"
    s = open_store(store_url)
    partial = counts(s)["parse"]
    assert partial < 300
    summary = ingest(s, [tmp_path / "in"], jobs=2)
    c = counts(s)
    assert summary.stored == 300 - partial and summary.unchanged == partial
    assert c["document"] == 300 and c["parse"] == 300 and c["document_path"] == 300
    with s.engine.connect() as conn:
        per_parse = conn.execute(select(func.count()).select_from(t.cell).group_by(t.cell.c.parse_id)).scalars().all()
    assert len(per_parse) == 300 and min(per_parse) >= 150
    s.dispose()


def test_bodies_without_a_registry_are_grouped_under_their_place(tmp_path):
    """No registry: bodies are added as they come; a department stored before its district's government still
    ends up under it, and a name that does not say where it is stays unmatched and is reported."""
    import random

    from gongkai.examples.generate import random_spec
    from gongkai.render.layouts import render_text

    rng = random.Random(7)
    names = {
        "a.txt": ("青禾市桐溪区民政局", "department"),
        "b.txt": ("青禾市桐溪区人民政府", "government"),
        "c.txt": ("区财政局", "department"),
    }
    folder = tmp_path / "in"
    folder.mkdir()
    for file, (org, kind) in names.items():
        spec = random_spec(rng, "2021", organization=org, body_kind=kind, year=2023, allow_blank=False)
        (folder / file).write_text(render_text(spec, "pipe_rows", rng), encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    summary = ingest(store, [folder])
    with store.engine.connect() as conn:
        orgs = {r.name: r for r in conn.execute(select(t.organization))}
        matches = dict(conn.execute(select(t.parse.c.organization_printed, t.parse.c.organization_match)).all())
    store.dispose()
    assert set(orgs) == {"青禾市桐溪区民政局", "青禾市桐溪区人民政府"}
    assert orgs["青禾市桐溪区民政局"].parent_id == orgs["青禾市桐溪区人民政府"].id
    assert orgs["青禾市桐溪区人民政府"].kind == "government" and orgs["青禾市桐溪区人民政府"].source == "auto"
    assert matches["区财政局"] == "unmatched"
    assert [printed for _, printed, _ in summary.ambiguous] == ["区财政局"]
