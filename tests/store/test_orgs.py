"""The organizations in the database: registry import, index, auto bodies, hierarchy queries."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from gongkai.orgs import load_registry
from gongkai.store import schema as t
from gongkai.store.orgs import (
    ImportResult,
    descendants,
    ensure_auto_org,
    import_registry,
    load_index,
    members,
    org_nodes,
    rematch,
    report_counts,
)
from tests.orgs import SAMPLE


@pytest.fixture
def engine():
    engine = sa.create_engine("sqlite://")
    t.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _ids(conn) -> dict[str, int]:
    return {n.name: n.id for n in org_nodes(conn).values()}


def _aliases(conn) -> set[tuple[str, str, str, int | None]]:
    o, a = t.organization, t.organization_alias
    rows = conn.execute(
        sa.select(o.c.name, a.c.alias, a.c.relation, a.c.until_year).join(o, o.c.id == a.c.organization_id)
    )
    return {tuple(r) for r in rows}


def test_import_sets_hierarchy_aliases_and_is_idempotent(engine):
    entries = load_registry(SAMPLE)
    with engine.begin() as conn:
        assert import_registry(conn, entries) == ImportResult(added=10, updated=0, unchanged=0)
    with engine.begin() as conn:
        assert import_registry(conn, entries) == ImportResult(added=0, updated=0, unchanged=10)
        ids = _ids(conn)
        nodes = org_nodes(conn)
        assert nodes[ids["青禾市桐溪区城市运行管理中心"]].parent_id == ids["青禾市桐溪区人民政府"]
        assert nodes[ids["青禾市人民政府"]].parent_id is None
        assert (nodes[ids["青禾市人民政府"]].kind, nodes[ids["青禾市人民政府"]].level) == ("government", "city")
        assert _aliases(conn) == {
            ("青禾市人民政府", "青禾市政府", "alias", None),
            ("青禾市桐溪区城市运行管理中心", "桐溪区城运中心", "alias", None),
            ("青禾市桐溪区城市运行管理中心", "青禾市桐溪区城市管理局", "former", 2022),
        }
        assert set(conn.execute(sa.select(t.organization.c.source)).scalars()) == {"registry"}
        assert [m.name for m in members(conn, ids["青禾市桐溪区人民政府"])] == [
            "青禾市桐溪区城市运行管理中心",
            "青禾市桐溪区杏林街道办事处",
            "青禾市桐溪区石桥镇人民政府",
        ]
        assert len(descendants(conn, ids["青禾市人民政府"])) == 7
        assert descendants(conn, ids["青禾市民政局"]) == []


def test_reimport_with_changes(engine):
    with engine.begin() as conn:
        import_registry(conn, load_registry(SAMPLE))
    changed = SAMPLE.replace(
        "{name: 青禾市桐溪区城市管理局, until: 2022}", "{name: 青禾市桐溪区城市管理局, until: 2023}"
    ).replace("      - name: 青禾市民政局\n", "      - name: 青禾市民政局\n        aliases: [市民政局]\n")
    with engine.begin() as conn:
        result = import_registry(conn, load_registry(changed))
        assert result == ImportResult(added=0, updated=2, unchanged=8)
        assert ("青禾市桐溪区城市运行管理中心", "青禾市桐溪区城市管理局", "former", 2023) in _aliases(conn)
        assert ("青禾市民政局", "市民政局", "alias", None) in _aliases(conn)
    # a body moved to the top level loses its parent
    flat = "organizations:\n  - name: 青禾市桐溪区杏林街道办事处\n"
    with engine.begin() as conn:
        assert import_registry(conn, load_registry(flat)) == ImportResult(0, 1, 0)
        assert org_nodes(conn)[_ids(conn)["青禾市桐溪区杏林街道办事处"]].parent_id is None


def test_load_index_matches(engine):
    with engine.begin() as conn:
        import_registry(conn, load_registry(SAMPLE))
        index = load_index(conn)
        ids = _ids(conn)
    assert index.match("青禾市桐溪区城市管理局", 2021).status == "former"
    assert index.match("本区城市运行管理中心", 2023, "青禾/桐溪区/a.pdf").org_id == ids["青禾市桐溪区城市运行管理中心"]
    assert index.match("青禾市政府").org_id == ids["青禾市人民政府"]


def test_auto_org_gets_parent_and_kind(engine):
    with engine.begin() as conn:
        import_registry(conn, load_registry(SAMPLE))
        index = load_index(conn)
        ids = _ids(conn)
        new = ensure_auto_org(conn, "青禾市桐溪区民政局", index)
        assert ensure_auto_org(conn, "青禾市桐溪区民政局", index) == new
        row = conn.execute(sa.select(t.organization).where(t.organization.c.id == new)).one()
        assert (row.source, row.kind, row.level, row.parent_id) == (
            "auto",
            "department",
            None,
            ids["青禾市桐溪区人民政府"],
        )
        gov = ensure_auto_org(conn, "青禾市新城区人民政府", index)
        row = conn.execute(sa.select(t.organization).where(t.organization.c.id == gov)).one()
        assert (row.kind, row.level, row.parent_id) == ("government", "district", ids["青禾市人民政府"])
        lone = ensure_auto_org(conn, "远山县民政局", index)
        assert org_nodes(conn)[lone].parent_id is None
        assert ensure_auto_org(conn, "青禾市民政局", index) == ids["青禾市民政局"]  # a registered body stays


def test_registry_takes_over_auto_body(engine):
    with engine.begin() as conn:
        index = load_index(conn)
        auto = ensure_auto_org(conn, "青禾市桐溪区城市管理局", index)  # met in a 2021 report before the registry
        same = ensure_auto_org(conn, "青禾市民政局", index)
        result = import_registry(conn, load_registry(SAMPLE))
        assert result == ImportResult(added=8, updated=2, unchanged=0)
        ids = _ids(conn)
        assert ids["青禾市桐溪区城市运行管理中心"] == auto  # renamed: its reports follow
        assert ids["青禾市民政局"] == same
        assert "青禾市桐溪区城市管理局" not in ids
        assert set(conn.execute(sa.select(t.organization.c.source)).scalars()) == {"registry"}
        assert org_nodes(conn)[same].parent_id == ids["青禾市人民政府"]


def _add_parse(conn, printed: str, year: int, source: str, org_id=None, match=None, sha="0") -> int:
    doc = conn.execute(
        sa.insert(t.document)
        .values(sha256=sha * 64, size=1, content=b"x", first_seen="2024")
        .returning(t.document.c.id)
    ).scalar_one()
    return conn.execute(
        sa.insert(t.parse)
        .values(
            document_id=doc,
            parser_version="test",
            is_current=True,
            parsed_at="2024",
            status="ok",
            source=source,
            year=year,
            organization_printed=printed,
            organization_id=org_id,
            organization_match=match,
        )
        .returning(t.parse.c.id)
    ).scalar_one()


def test_rematch_and_report_counts(engine):
    with engine.begin() as conn:
        p1 = _add_parse(conn, "区城市运行管理中心", 2023, "/d/梅岭区/a.pdf", match="unmatched", sha="1")
        p2 = _add_parse(conn, "区城市运行管理中心", 2023, "/d/a.pdf", match="unmatched", sha="2")
        p3 = _add_parse(conn, "青禾市桐溪区城市管理局", 2021, "/d/b.pdf", match="unmatched", sha="3")
        import_registry(conn, load_registry(SAMPLE))
        assert rematch(conn) == 3
        assert rematch(conn) == 0
        ids = _ids(conn)
        rows = {r.id: r for r in conn.execute(sa.select(t.parse))}
        assert (rows[p1].organization_id, rows[p1].organization_match) == (ids["青禾市梅岭区城市运行管理中心"], "short")
        assert rows[p2].organization_match == "ambiguous" and len(rows[p2].organization_candidates) == 2
        assert (rows[p3].organization_id, rows[p3].organization_match) == (
            ids["青禾市桐溪区城市运行管理中心"],
            "former",
        )
        assert report_counts(conn) == {ids["青禾市梅岭区城市运行管理中心"]: 1, ids["青禾市桐溪区城市运行管理中心"]: 1}


def test_ensure_auto_org_when_another_process_inserted_first(store_url):
    """The race itself: our look-up finds nothing, then another connection commits the same name before our
    insert, which hits the unique constraint; we must return that row and keep our transaction usable."""
    from gongkai.store.db import open_store

    store = open_store(store_url)
    try:
        with store.engine.begin() as conn:
            index = load_index(conn)
        real_execute = sa.Connection.execute
        raced: list[bool] = []

        with store.write_engine.connect() as mine, store.write_engine.connect() as other:

            def execute(self, stmt, *args, **kwargs):
                if self is mine and not raced and isinstance(stmt, sa.Select):
                    raced.append(True)
                    with other.begin():  # the other process wins the race …
                        real_execute(other, sa.insert(t.organization).values(name="青禾市水务局", source="auto"))
                    stmt = sa.select(t.organization.c.id).where(sa.false())  # … after our look-up found nothing
                return real_execute(self, stmt, *args, **kwargs)

            sa.Connection.execute = execute
            try:
                got = ensure_auto_org(mine, "青禾市水务局", index)
            finally:
                sa.Connection.execute = real_execute
            assert raced
            again = ensure_auto_org(mine, "青禾市供电局", index)  # still usable (PostgreSQL: savepoint)
            mine.commit()
        with store.engine.connect() as conn:
            ids = _ids(conn)
        assert got == ids["青禾市水务局"] and again == ids["青禾市供电局"]
    finally:
        store.dispose()


def test_ensure_auto_org_concurrently(store_url):
    from gongkai.store.db import open_store

    store = open_store(store_url)
    try:
        with store.engine.begin() as conn:
            index = load_index(conn)
        names = [f"青禾市第{i}办公室" for i in range(5)]
        barrier = threading.Barrier(2)
        results: list[list[int]] = [[], []]
        errors: list[BaseException] = []

        def work(slot: int) -> None:
            try:
                barrier.wait()
                for name in names:
                    with store.begin() as conn:  # a writer: on SQLite it takes the write lock at BEGIN
                        results[slot].append(ensure_auto_org(conn, name, index))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        assert not errors, errors
        assert results[0] == results[1] and len(set(results[0])) == 5
        with store.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(t.organization)).scalar() == 5
    finally:
        store.dispose()


def test_orgs_commands(tmp_path):
    from click.testing import CliRunner

    from gongkai.commands.orgs import orgs
    from gongkai.store.db import open_store

    registry = tmp_path / "机关名录.yaml"
    registry.write_text(SAMPLE, "utf-8")
    url = f"sqlite:///{tmp_path / 'gongkai.db'}"
    runner = CliRunner()
    result = runner.invoke(orgs, ["list", "--db", url])  # no database yet: said so, nothing created
    assert result.exit_code == 2 and "数据库文件不存在" in result.output
    assert not (tmp_path / "gongkai.db").exists()
    result = runner.invoke(orgs, ["import", str(registry), "--db", url])
    assert result.exit_code == 0, result.output
    assert "新增 10，更新 0，未变 0" in result.output
    assert "新增 0，更新 0，未变 10" in runner.invoke(orgs, ["import", str(registry), "--db", url]).output

    store = open_store(url)
    try:
        with store.engine.begin() as conn:
            ids = _ids(conn)
            _add_parse(conn, "区城市运行管理中心", 2023, "/d/a.pdf", match="ambiguous", sha="1")
            conn.execute(
                sa.update(t.parse).values(
                    organization_candidates=[ids["青禾市桐溪区城市运行管理中心"], ids["青禾市梅岭区城市运行管理中心"]]
                )
            )
            _add_parse(conn, "青禾市民政局", 2023, "/d/b.pdf", org_id=ids["青禾市民政局"], match="exact", sha="2")
    finally:
        store.dispose()
    result = runner.invoke(orgs, ["list", "--db", url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("青禾市人民政府") < out.index("青禾市桐溪区人民政府") < out.index("青禾市桐溪区杏林街道办事处")
    assert "青禾市政府" in out and "曾用名 青禾市桐溪区城市管理局（至2022）" in out and "报告 1 份" in out
    result = runner.invoke(orgs, ["unmatched", "--db", url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "区城市运行管理中心" in result.output and "青禾市梅岭区城市运行管理中心" in result.output
    assert "有多个候选" in result.output and "/d/b.pdf" not in result.output

    bad = tmp_path / "bad.yaml"
    bad.write_text("organizations:\n  - kind: department\n", "utf-8")
    result = runner.invoke(orgs, ["import", str(bad), "--db", url])
    assert result.exit_code == 2 and "E-ORGS" in result.output and "organizations[0]" in result.output
