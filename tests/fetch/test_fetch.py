"""`gongkai fetch` against a generated portal on loopback, asserted from the server's own request log."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy import select

from gongkai.examples.portal import build_portal
from gongkai.fetch.crawl import crawl
from gongkai.fetch.net import Client, Policy, Refused
from gongkai.store import schema as t
from gongkai.store.db import open_store
from tests.fetch.server import PortalServer

DELAY = 0.05


@pytest.fixture
def server():
    srv = PortalServer(build_portal(), busy_once={"/zw/t4.html"}, forbidden_paths={"/blocked/index.html"})
    yield srv
    srv.close()


def _starts(srv: PortalServer) -> list[str]:
    return [srv.base + p for p in ("/nb/index.html", "/zw/index.html", "/js/index.html", "/xml/index.html")]


def _run(srv, store, **kw):
    client = Client(Policy(delay=DELAY, allow_private=True))
    try:
        return crawl(store, _starts(srv), client, **kw)
    finally:
        client.close()


def _stored_paths(store) -> dict[str, str]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.document_path.c.path, t.document.c.sha256).join(
                t.document, t.document.c.id == t.document_path.c.document_id
            )
        ).all()
    return {path: sha for path, sha in rows}


def test_crawl_stores_each_report_once_with_provenance_and_is_polite(server, tmp_path):
    store = open_store(tmp_path / "f.db")
    result = _run(server, store)
    portal = server.portal
    expected = {server.base + p for p in portal.reports if p not in portal.forbidden}
    stored = _stored_paths(store)
    assert set(stored) == expected
    assert len(set(stored.values())) == len(expected)
    # robots: the forbidden report was never requested, and said why
    assert "/private/t9.html" not in server.paths()
    assert any(code == "E-FETCH-ROBOTS" for _, code, _ in result.refused)
    # the HTML error page served as .pdf is recognised and not stored
    assert any(url.endswith("/nb/P0202.pdf") and code == "E-FETCH-NOT-FILE" for url, code, _ in result.refused)
    # 429 then success
    assert [e.status for e in server.log if e.path == "/zw/t4.html"] == [429, 200]
    # one request at a time (none starts before the previous one ended on the server), and at least DELAY between
    # the starts of two requests (all to one host). The client waits DELAY after it has read a response; the server
    # logs its end only after writing, a few ms later on a busy machine, so end-to-start is not measured here.
    log = sorted(server.log, key=lambda e: e.started)
    for before, after in zip(log, log[1:]):
        assert after.started >= before.ended
        assert after.started - before.started >= DELAY
    # each page requested once (the 429 retry aside)
    counts = Counter(p for p in server.paths() if p != "/zw/t4.html")
    assert max(counts.values()) == 1
    # provenance: list page, final address, headers, printed 发布日期/来源
    with store.engine.connect() as conn:
        row = (
            conn.execute(select(t.fetch_page).where(t.fetch_page.c.url == server.base + "/js/P0501.docx"))
            .mappings()
            .one()
        )
        page = (
            conn.execute(select(t.fetch_page).where(t.fetch_page.c.url == server.base + "/js/t5.html")).mappings().one()
        )
    assert row["list_url"] == server.base + "/js/t5.html" and row["status"] == 200
    assert row["media_kind"] == "docx" and row["sha256"] == stored[server.base + "/js/P0501.docx"]
    assert "content-type" in json.loads(row["headers"]) and row["fetched_at"]
    assert page["list_url"] == server.base + "/js/data/list.json"
    org, year = server.portal.reports["/js/P0501.docx"]
    assert page["published_printed"] == f"{year + 1}-01-20" and page["source_printed"] == org
    assert (row["published_printed"], row["source_printed"]) == (page["published_printed"], org)  # its page's
    # every stored report was read as printed, the GBK pages (one declaring UTF-8) included
    with store.engine.connect() as conn:
        printed = dict(
            conn.execute(
                select(t.document_path.c.path, t.parse.c.organization_printed).join(
                    t.parse, t.parse.c.document_id == t.document_path.c.document_id
                )
            ).all()
        )
    assert {p: printed[server.base + p] for p in portal.reports if p not in portal.forbidden} == {
        p: org for p, (org, _) in portal.reports.items() if p not in portal.forbidden
    }
    gbk = [e for e in server.log if e.path in ("/nb/index_1.html", "/nb/t3.html", "/nb/t6.html")]
    assert [(e.path, e.status) for e in gbk] == [("/nb/index_1.html", 200), ("/nb/t3.html", 200), ("/nb/t6.html", 200)]
    # both pagination styles and the list data a page loads by script
    assert {"/nb/index_1.html", "/zw/index_1.html", "/js/data/list.json", "/xml/data/list.xml"} <= set(server.paths())
    assert "/xml/t0.html" not in server.paths()  # listed, but not titled as a report


def test_rerun_and_interrupted_run_fetch_nothing_twice(server, tmp_path):
    store = open_store(tmp_path / "f.db")
    # interrupted: only a few requests in the first run
    _run(server, store, max_pages=4)
    first = Counter(server.paths())
    _run(server, store)
    _run(server, store)
    counts = Counter(p for p in server.paths() if p != "/robots.txt")
    assert counts["/zw/t4.html"] == 2  # 429 then 200
    assert max(n for p, n in counts.items() if p != "/zw/t4.html") == 1
    assert sum(first.values()) > 0
    expected = {server.base + p for p in server.portal.reports if p not in server.portal.forbidden}
    assert set(_stored_paths(store)) == expected


def test_refresh_refetches_but_stores_nothing_new(server, tmp_path):
    store = open_store(tmp_path / "f.db")
    _run(server, store)
    before = _stored_paths(store)
    result = _run(server, store, refresh=True)
    assert result.stored == [] and len(result.unchanged) == len(before)
    assert _stored_paths(store) == before


def test_year_filter_skips_other_years(server, tmp_path):
    store = open_store(tmp_path / "f.db")
    result = _run(server, store, year=2023)
    assert "/nb/t8.html" not in server.paths()  # its title says 2022
    assert ("/nb/t8.html", "S-FETCH-YEAR") in [(url[len(server.base) :], code) for url, code, _ in result.skipped]


def test_403_stops_the_host(server, tmp_path):
    store = open_store(tmp_path / "f.db")
    client = Client(Policy(delay=DELAY, allow_private=True))
    result = crawl(store, [server.base + "/blocked/index.html", server.base + "/nb/index.html"], client)
    client.close()
    assert result.refused[0][1] == "E-FETCH-FORBIDDEN"
    assert "/nb/index.html" not in server.paths()
    assert [(e.path, e.status) for e in server.log] == [("/robots.txt", 200), ("/blocked/index.html", 403)]
    assert result.refused[1] == (
        server.base + "/nb/index.html",
        "E-FETCH-STOPPED",
        "已停止访问该站点（服务器拒绝访问（403））",
    )
    assert _stored_paths(store) == {}


def test_private_addresses_are_refused_by_default(server):
    client = Client(Policy(delay=DELAY))
    with pytest.raises(Refused) as err:
        client.get(server.base + "/nb/index.html")
    client.close()
    assert err.value.code == "E-FETCH-PRIVATE"
    assert server.log == []


def test_size_limit(server):
    client = Client(Policy(delay=DELAY, allow_private=True, max_bytes=100))
    with pytest.raises(Refused) as err:
        client.get(server.base + "/nb/P0201.docx")
    client.close()
    assert err.value.code == "E-FETCH-SIZE"


def test_redirects_are_checked_at_every_hop_and_limited():
    portal = build_portal()
    portal.pages["/cap/index.html"] = ("text/html", "<html><body><form>请输入验证码</form></body></html>".encode())
    loop = {f"/loop/{i}": f"/loop/{i + 1}" for i in range(10)}
    srv = PortalServer(portal, redirects={"/go/r.html": "/private/t9.html", "/go/ok.html": "/nb/t1.html", **loop})
    client = Client(Policy(delay=0.0, allow_private=True, max_redirects=3))
    try:
        assert client.get(srv.base + "/go/ok.html").final_url == srv.base + "/nb/t1.html"
        codes = []
        for path in ("/go/r.html", "/loop/0", "/cap/index.html", "/nb/t1.html"):
            with pytest.raises(Refused) as err:
                client.get(srv.base + path)
            codes.append(err.value.code)
    finally:
        client.close()
        srv.close()
    # robots.txt applies to the redirect target; redirects are limited; a captcha page stops the host
    assert codes == ["E-FETCH-ROBOTS", "E-FETCH-REDIRECTS", "E-FETCH-CAPTCHA", "E-FETCH-STOPPED"]
    assert "/private/t9.html" not in srv.paths()
    assert sorted(p for p in srv.paths() if p.startswith("/loop/")) == ["/loop/0", "/loop/1", "/loop/2", "/loop/3"]


def test_start_at_a_report_page_takes_its_attachments_and_resumes(server, tmp_path):
    store = open_store(tmp_path / "f.db")
    client = Client(Policy(delay=DELAY, allow_private=True))
    try:
        first = crawl(store, [server.base + "/js/t5.html"], client, depth=1)
        requests = len(server.log)
        second = crawl(store, [server.base + "/js/t5.html"], client, depth=1)
    finally:
        client.close()
    assert first.stored == [server.base + "/js/P0501.docx"]
    assert second.stored == [] and len(server.log) == requests
    assert (server.base + "/js/P0501.docx", "S-FETCH-DONE", "此前已抓取") in second.skipped


class _Interrupt(BaseException):
    """Stands for Ctrl-C: not an Exception, so nothing on the way catches it."""


@pytest.mark.parametrize("after", [2, 5, 9])
def test_interrupted_between_requests_and_rerun_fetches_nothing_twice(server, tmp_path, after):
    store = open_store(tmp_path / "f.db")
    calls = {"n": 0}

    def sleep_then_interrupt(seconds: float) -> None:  # the client sleeps before each request but a host's first
        calls["n"] += 1
        if calls["n"] % after == 0:
            raise _Interrupt

    for _ in range(30):
        client = Client(Policy(delay=DELAY, allow_private=True), sleep=sleep_then_interrupt)
        try:
            crawl(store, _starts(server), client)
            break
        except _Interrupt:
            continue
        finally:
            client.close()
    else:
        pytest.fail("the crawl never finished")
    counts = Counter(p for p in server.paths() if p not in ("/robots.txt", "/zw/t4.html"))
    assert max(counts.values()) == 1
    assert [e.status for e in server.log if e.path == "/zw/t4.html"] == [429, 200]
    expected = {server.base + p for p in server.portal.reports if p not in server.portal.forbidden}
    assert set(_stored_paths(store)) == expected


def test_503_backs_off_then_succeeds_and_gives_up_after_the_retries():
    srv = PortalServer(build_portal(), busy_once={"/nb/t1.html"}, always_busy={"/nb/t3.html"}, busy_status=503)
    waits: list[float] = []
    client = Client(Policy(delay=0.0, allow_private=True, retries=2), sleep=waits.append)
    try:
        assert client.get(srv.base + "/nb/t1.html").status == 200
        with pytest.raises(Refused) as err:
            client.get(srv.base + "/nb/t3.html")
    finally:
        client.close()
        srv.close()
    assert err.value.code == "E-FETCH-BUSY"
    assert [(e.path, e.status) for e in srv.log if e.path != "/robots.txt"] == [
        ("/nb/t1.html", 503),
        ("/nb/t1.html", 200),
    ] + [("/nb/t3.html", 503)] * 3
    assert [(url[len(srv.base) :], status) for url, status, _ in client.backoffs] == [
        ("/nb/t1.html", 503),
        ("/nb/t3.html", 503),
        ("/nb/t3.html", 503),
    ]


def test_a_comment_form_asking_for_a_captcha_is_not_a_captcha_page():
    import random

    from gongkai.examples.generate import random_spec
    from gongkai.fetch.net import looks_like_captcha
    from gongkai.render.html import render_html

    page = render_html(random_spec(random.Random(3), "2021", year=2023), random.Random(3), encoding="utf-8")
    form = '<form>留言：<textarea></textarea>请输入验证码<img src="/captcha.jpg"></form></body>'.encode()
    assert not looks_like_captcha(page.replace(b"</body>", form))
    assert looks_like_captcha("<html><body><form>请输入验证码</form></body></html>".encode())
    assert looks_like_captcha(
        "<html><body><script>var a='x'.repeat(9000)</script>请输入验证码</body></html>".encode("gbk")
    )


def test_robots_crawl_delay_lengthens_the_delay():
    portal = build_portal()
    srv = PortalServer(portal)
    waits: list[list[float]] = []
    try:
        for robots in (b"User-agent: *\nDisallow: /private/\n", b"User-agent: *\nCrawl-delay: 5\n"):
            portal.pages["/robots.txt"] = ("text/plain", robots)
            sleeps: list[float] = []
            client = Client(Policy(delay=0.0, allow_private=True), sleep=sleeps.append)
            try:
                for path in ("/nb/t1.html", "/nb/t3.html", "/nb/t8.html"):
                    client.get(srv.base + path)
            finally:
                client.close()
            waits.append(sleeps)
    finally:
        srv.close()
    assert waits[0] == []  # no delay asked for: none made
    assert len(waits[1]) == 3 and all(0 < w <= 5 for w in waits[1])  # robots.txt itself came first
