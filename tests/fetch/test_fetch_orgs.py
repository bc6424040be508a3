"""Fetched reports are matched to registered bodies with the help of their address and page, never across the
place the printed name allows; the same whether the crawl ran at once or was interrupted and resumed."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from gongkai.examples.portal import SITE_REGISTRY, build_site_portal
from gongkai.fetch.crawl import crawl
from gongkai.fetch.net import Client, Policy
from gongkai.orgs import load_registry
from gongkai.store import schema as t
from gongkai.store.db import open_store
from gongkai.store.orgs import import_registry
from tests.fetch.server import PortalServer


@pytest.fixture
def server():
    srv = PortalServer(build_site_portal())
    yield srv
    srv.close()


def _store(path):
    store = open_store(path)
    with store.begin() as conn:
        import_registry(conn, load_registry(SITE_REGISTRY))
    return store


def _crawl(srv, store, **kw):
    # the portal's host names resolve to loopback here (the client connects to the addresses it checked)
    client = Client(
        Policy(delay=0.01, allow_private=True), transport=srv.transport(), resolve=lambda host: ["127.0.0.1"]
    )
    try:
        return crawl(store, srv.portal.starts, client, **kw)
    finally:
        client.close()


def _matches(store) -> dict[str, tuple[str | None, str]]:
    """path of each stored document → (registered body, how it was matched)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.document_path.c.path, t.organization.c.name, t.parse.c.organization_match)
            .join(t.parse, t.parse.c.document_id == t.document_path.c.document_id)
            .outerjoin(t.organization, t.organization.c.id == t.parse.c.organization_id)
            .where(t.parse.c.is_current.is_(True))
        ).all()
    return {urlsplit(path).path: (name, how) for path, name, how in rows}


def test_host_and_printed_source_choose_among_same_named_bodies(server, store_url):
    store = _store(store_url)
    result = _crawl(server, store)
    matches = _matches(store)
    assert set(matches) == set(server.portal.bodies)
    for path, body in server.portal.bodies.items():
        assert matches[path][0] == body, path
    assert matches["/tx/t1.html"][1] == "short"  # by the declared site of 桐溪区
    assert matches["/tx/t2.html"][1] == "exact"  # printed in full: the other district's site does not move it
    assert matches["/qh/P0301.docx"][1] == "short"  # by the 来源 printed on the page that links it
    assert matches["/qh/t4.html"][1] == "ambiguous"  # the city's site holds both districts: not guessed
    # both portals were visited under their own host names, robots.txt once per host
    hosts = {(e.host.split(":")[0], e.path) for e in server.log}
    assert ("www.tongxi.gov.cn", "/tx/t1.html") in hosts and ("www.qinghe.gov.cn", "/qh/P0301.docx") in hosts
    robots = [e.host for e in server.log if e.path == "/robots.txt"]
    assert sorted(robots) == ["www.qinghe.gov.cn", "www.tongxi.gov.cn"]
    assert len(result.stored) == 4


@pytest.mark.parametrize("steps", [1, 3, 5])
def test_interrupted_crawl_matches_as_an_uninterrupted_one(server, tmp_path, steps):
    whole = _store(tmp_path / "whole.db")
    _crawl(server, whole)
    server.log.clear()
    parts = _store(tmp_path / "parts.db")
    for _ in range(20):  # runs of a few requests each, until a run has nothing left to fetch
        if not any(code == "S-FETCH-LIMIT" for _, code, _ in _crawl(server, parts, max_pages=steps).skipped):
            break
    assert _matches(parts) == _matches(whole)
    fetched = Counter((e.host, e.path) for e in server.log if e.path != "/robots.txt")
    assert max(fetched.values()) == 1  # nothing fetched twice across the runs


def test_registry_imported_after_the_crawl_and_later_settles_match_the_same(server, tmp_path):
    from gongkai.commands.orgs import import_file
    from gongkai.store.settle import settle

    first = _store(tmp_path / "first.db")
    _crawl(server, first)
    later = open_store(tmp_path / "later.db")
    _crawl(server, later)
    assert _matches(later)["/tx/t1.html"][0] is None  # no registry yet: nothing to choose from
    import_file(later, load_registry(SITE_REGISTRY))  # re-matches the stored reports
    settle(first)  # what any later ingest does
    # the same bodies (a body first made from the full printed name keeps its 'new' mark: the store's rule)
    assert {p: m[0] for p, m in _matches(later).items()} == {p: m[0] for p, m in _matches(first).items()}
    assert _matches(later)["/tx/t1.html"] == ("青禾市桐溪区城市运行管理中心", "short")
    assert _matches(first)["/qh/P0301.docx"] == ("青禾市梅岭区城市运行管理中心", "short")


def test_a_late_page_date_is_the_evidence_when_the_file_prints_none(tmp_path):
    import dataclasses
    import random

    from gongkai.examples.generate import random_spec
    from gongkai.examples.portal import Portal
    from gongkai.render.docx import render_docx

    spec = dataclasses.replace(random_spec(random.Random(5), "2021", year=2023), published=None)
    title = f"{spec.organization}2023年政府信息公开工作年度报告"
    portal = Portal()
    portal.pages["/a/t.html"] = (
        "text/html",
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f"<h1>{title}</h1><div>发布日期：2024年5月6日　来源：{spec.organization}</div>"
        '<a href="f.docx">附件</a></body></html>'.encode(),
    )
    portal.pages["/a/f.docx"] = ("application/octet-stream", render_docx(spec, random.Random(5)))
    srv = PortalServer(portal)
    store = open_store(tmp_path / "f.db")
    client = Client(Policy(delay=0.01, allow_private=True))
    try:
        crawl(store, [srv.base + "/a/t.html"], client)
    finally:
        client.close()
        srv.close()
    with store.engine.connect() as conn:
        published = conn.execute(
            select(t.parse.c.published).where(t.parse.c.source == srv.base + "/a/f.docx")
        ).scalar_one()
        late = conn.execute(
            select(t.cross_finding.c.message, t.cross_finding.c.evidence).where(
                t.cross_finding.c.code == "LATE-PUBLICATION"
            )
        ).all()
    assert published is None  # the file itself prints no date: the stored parse says so
    assert len(late) == 1 and late[0].evidence["stated"] == "2024-05-06" and spec.organization in late[0].message
