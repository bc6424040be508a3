"""Versions of one report in the store: forms and revisions count once, different reports are a finding."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from sqlalchemy import select

from gongkai.analysis.stored import Selection
from gongkai.analysis.stats import compute_stats
from gongkai.examples.generate import random_spec
from gongkai.render.docx import render_docx
from gongkai.render.html import render_html
from gongkai.render.layouts import render_text
from gongkai.store import schema as t
from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from gongkai.store.versions import audit_entries, decide, resolve_key
from gongkai.errors import ReasonRequired, ReportKeyAmbiguous, ReportKeyError
from gongkai.store.settle import settle

ORG = "青禾市桐溪区民政局"


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.dispose()


def _spec(seed: int):
    spec = random_spec(
        random.Random(seed), "2021", body_kind="department", year=2023, allow_blank=False, activity="busy"
    )
    return replace(spec, organization=ORG, region="青禾市桐溪区")


def _forms(folder, spec) -> list:
    folder.mkdir(parents=True, exist_ok=True)
    txt = render_text(spec, "pipe_rows", random.Random(1))
    paths = {
        "a.txt": txt.encode("utf-8"),
        "b.html": render_html(spec, random.Random(2)),
        "c.docx": render_docx(spec, random.Random(3)),
    }
    # a corrected resubmission: one sentence added to the prose, the tables unchanged
    first = txt.index("。") + 1
    paths["d-revised.txt"] = (txt[:first] + "本报告根据有关意见作了文字修订。" + txt[first:]).encode("utf-8")
    out = []
    for name, data in paths.items():
        (folder / name).write_bytes(data)
        out.append(folder / name)
    return out


def _counting(store) -> list[tuple[str, bool, str]]:
    with store.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(t.document.c.sha256, t.parse.c.counts, t.parse.c.version_group)
                .join(t.document, t.document.c.id == t.parse.c.document_id)
                .where(t.parse.c.is_current)
                .order_by(t.document.c.sha256)
            )
        ]


def _received(store) -> float:
    with store.engine.connect() as conn:
        return compute_stats(conn, Selection()).total.received


def _duplicates(store) -> int:
    with store.engine.connect() as conn:
        return len(conn.execute(select(t.cross_finding.c.id).where(t.cross_finding.c.code == "DUPLICATE-REPORT")).all())


def test_forms_and_a_revision_are_one_report_counted_once(store, tmp_path):
    spec = _spec(7)
    paths = _forms(tmp_path / "in", spec)
    ingest(store, paths)
    rows = _counting(store)
    assert len(rows) == 4
    assert sum(c for _, c, _ in rows) == 1 and len({g for *_, g in rows}) == 1
    assert _duplicates(store) == 0
    with store.engine.connect() as conn:
        assert compute_stats(conn, Selection()).total.reports == 1
    # stats adds the report once: the same total as the report alone
    alone = open_store(f"sqlite:///{tmp_path / 'alone.db'}")
    ingest(alone, paths[:1])
    assert _received(store) == _received(alone) and _received(alone) > 0
    alone.dispose()


def test_ingest_order_does_not_change_the_current_version(store_url, tmp_path):
    paths = _forms(tmp_path / "in", _spec(7))
    first = open_store(store_url)
    ingest(first, paths)
    expected = _counting(first)
    first.dispose()
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    for p in reversed(paths):
        ingest(other, [p])
    assert _counting(other) == expected
    other.dispose()


def test_two_different_reports_are_a_finding_until_one_is_withdrawn(store, tmp_path):
    a, b = _spec(7), _spec(8)
    assert a.values != b.values
    (tmp_path / "in").mkdir()
    pa, pb = tmp_path / "in" / "a.txt", tmp_path / "in" / "b.txt"
    pa.write_text(render_text(a, "pipe_rows", random.Random(1)), encoding="utf-8")
    pb.write_text(render_text(b, "pipe_rows", random.Random(1)), encoding="utf-8")
    ingest(store, [pa, pb])
    assert _duplicates(store) == 2
    rows = _counting(store)
    key = rows[1][0][:12]
    with store.begin() as conn:
        with pytest.raises(ReasonRequired):
            decide(conn, key, "withdraw", " ", "tester")
        decide(conn, key, "withdraw", "重复报送", "tester")
    settle(store)
    assert _duplicates(store) == 0
    assert [c for _, c, _ in _counting(store)] == [True, False]
    with store.begin() as conn:
        decide(conn, key, "restore", "误撤回", "tester")
        decide(conn, rows[0][0][:12], "supersede", "更正版", "tester", by_report=key)
    settle(store)
    assert [c for _, c, _ in _counting(store)] == [False, True]
    with store.engine.connect() as conn:
        log = audit_entries(conn)
    assert [(e.action, e.reason, e.by) for e in log] == [
        ("withdraw", "重复报送", "tester"),
        ("restore", "误撤回", "tester"),
        ("supersede", "更正版", "tester"),
    ]
    assert log[2].target == rows[0][0] and log[2].related == rows[1][0]


def test_report_keys(store, tmp_path):
    paths = _forms(tmp_path / "in", _spec(7))
    ingest(store, paths[:1])
    sha = _counting(store)[0][0]
    twins = ["abcd1234" + "0" * 56, "abcd5678" + "0" * 56]
    with store.begin() as conn:  # two stored files whose keys share a prefix
        conn.execute(
            t.document.insert(), [{"sha256": s, "size": 1, "content": b"x", "first_seen": "2026-01-01"} for s in twins]
        )
    with store.engine.connect() as conn:
        assert resolve_key(conn, sha[:12]) == sha and resolve_key(conn, sha[:12].upper()) == sha
        with pytest.raises(ReportKeyError):
            resolve_key(conn, "zzzz")
        with pytest.raises(ReportKeyError):
            resolve_key(conn, "abc")
        assert resolve_key(conn, "abcd1") == twins[0]
        with pytest.raises(ReportKeyAmbiguous):
            resolve_key(conn, "abcd")


def test_reports_commands(tmp_path):
    from click.testing import CliRunner

    from gongkai.cli import main

    a, b = _spec(7), _spec(8)
    (tmp_path / "in").mkdir()
    for name, spec in (("a.txt", a), ("b.txt", b)):
        (tmp_path / "in" / name).write_text(render_text(spec, "pipe_rows", random.Random(1)), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'g.db'}"
    run = CliRunner(env={"COLUMNS": "250"}).invoke
    assert run(main, ["ingest", str(tmp_path / "in"), "--db", db]).exit_code == 0
    store = open_store(db)
    key = _counting(store)[0][0][:12]
    out = run(main, ["reports", "versions", "--db", db, "--year", "2023"])
    assert out.exit_code == 0 and key in out.output and out.output.count("是") >= 2
    out = run(main, ["reports", "withdraw", key, "--db", db])
    assert out.exit_code == 2 and "E-REASON-REQUIRED" in out.output
    out = run(main, ["reports", "withdraw", "ffffffffffff", "-m", "重复", "--db", db])
    assert out.exit_code == 2 and "E-REPORT-KEY" in out.output
    assert _duplicates(store) == 2
    out = run(main, ["reports", "withdraw", key, "-m", "重复报送", "--by", "张三", "--db", db])
    assert out.exit_code == 0, out.output
    assert _duplicates(store) == 0 and [c for _, c, _ in _counting(store)] == [False, True]
    out = run(main, ["reports", "log", "--db", db])
    assert out.exit_code == 0 and "张三" in out.output and "重复报送" in out.output and key in out.output
    store.dispose()
