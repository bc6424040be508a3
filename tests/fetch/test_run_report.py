"""The run report: what was found, fetched, skipped and why — in the crawl's result, in Chinese and as
`gongkai fetch --json` — checked against the server's own request log."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from gongkai.cli import main
from gongkai.examples.portal import build_portal
from gongkai.fetch.crawl import crawl
from gongkai.fetch.net import Client, Policy
from gongkai.store.db import open_store
from tests.fetch.server import PortalServer

BIG = 300_000  # above the limit the tests set, far above every other page of the portal


@pytest.fixture
def server():
    portal = build_portal()
    # the same attachment under a second address; a report page with neither table nor attachment; a file too
    # large; a list page whose host answers 403 after the first page
    docx = portal.pages["/nb/P0201.docx"]
    portal.pages["/cp/copy.docx"] = docx
    portal.pages["/cp/t.html"] = (
        "text/html",
        '<html><head><meta charset="utf-8"><title>某区2023年政府信息公开工作年度报告'
        "</title></head><body><h1>某区2023年政府信息公开工作年度报告</h1>"
        '<a href="copy.docx">附件</a><a href="big.pdf">附件二</a></body></html>'.encode(),
    )
    portal.pages["/cp/big.pdf"] = ("application/pdf", b"%PDF-1.4\n" + b"0" * BIG)
    portal.pages["/cp/empty.html"] = (
        "text/html",
        '<html><head><meta charset="utf-8"><title>某局2023年政府信息公开'
        "工作年度报告</title></head><body>见纸质版</body></html>".encode(),
    )
    srv = PortalServer(portal, busy_once={"/zw/t4.html"})
    yield srv
    srv.close()


def _starts(srv) -> list[str]:
    return [
        srv.base + p
        for p in (
            "/nb/index.html",
            "/zw/index.html",
            "/js/index.html",
            "/xml/index.html",
            "/cp/t.html",
            "/cp/empty.html",
        )
    ]


def test_every_outcome_is_reported_with_its_reason(server, tmp_path):
    store = open_store(tmp_path / "f.db")
    client = Client(Policy(delay=0.01, allow_private=True, max_bytes=BIG // 2))
    try:
        result = crawl(store, _starts(server), client)
    finally:
        client.close()
    base = len(server.base)
    log = Counter(e.path for e in server.log)
    # the two pagination styles and the JS data endpoint were followed
    for path in ("/nb/index_1.html", "/zw/index_1.html", "/js/data/list.json"):
        assert log[path] == 1, path
    refused = {url[base:]: code for url, code, _ in result.refused}
    # links of the generated report pages to other years: the server has none of them
    missing = {path for path, code in refused.items() if code == "E-FETCH-STATUS"}
    assert missing and all(e.status == 404 for e in server.log if e.path in missing)
    assert {k: v for k, v in refused.items() if k not in missing} == {
        "/private/t9.html": "E-FETCH-ROBOTS",
        "/nb/P0202.pdf": "E-FETCH-NOT-FILE",
        "/cp/big.pdf": "E-FETCH-SIZE",
    }
    assert "/private/t9.html" not in log and log["/nb/P0202.pdf"] == 1 and log["/cp/big.pdf"] == 1
    # one of the two addresses of one file is stored, the other is reported as its duplicate
    copies = {"/nb/P0201.docx", "/cp/copy.docx"}
    assert len(copies & {u[base:] for u in result.stored}) == 1
    assert len(result.duplicates) == 1 and result.duplicates[0][base:] in copies
    skipped = {url[base:]: code for url, code, _ in result.skipped}
    assert skipped["/cp/empty.html"] == "S-FETCH-NO-TABLE" and skipped["/nb/t2.html"] == "S-FETCH-NO-TABLE"
    assert any("既没有表格也没有附件" in why for url, _, why in result.skipped if url.endswith("/cp/empty.html"))
    # the 429 and the wait before its retry
    assert [(u[base:], s) for u, s, _ in result.backoffs] == [("/zw/t4.html", 429)]
    assert [e.status for e in server.log if e.path == "/zw/t4.html"] == [429, 200]
    # fetched: every page answered 200 and read to the end (the file too large was cut off)
    assert result.fetched == sum(1 for e in server.log if e.status == 200 and e.path != "/robots.txt") - 1
    assert result.found == len({e.path for e in server.log if e.path != "/robots.txt"}) + 1  # + robots-forbidden
    data = result.as_json()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert {e["code"] for e in data["refused"]} == {
        "E-FETCH-ROBOTS",
        "E-FETCH-NOT-FILE",
        "E-FETCH-SIZE",
        "E-FETCH-STATUS",
    }


def test_fetch_json_and_chinese_report(server, tmp_path):
    db = str(tmp_path / "f.db")
    args = ["fetch", *_starts(server), "--db", db, "--delay", "0.01", "--allow-private", "--max-size", "0.2"]
    shown = CliRunner().invoke(main, args)
    assert shown.exit_code == 2, shown.output  # a file over the size limit leaves the run incomplete
    assert "与其他地址内容相同 1 份" in shown.output
    assert "服务器要求放慢（429/503）1 次" in shown.output
    assert "[S-FETCH-NO-TABLE]" in shown.output and "E-FETCH-ROBOTS" in shown.output
    assert "E-FETCH-SIZE" in shown.output
    requests = len(server.log)
    again = CliRunner().invoke(main, [*args, "--json"])
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    assert report["stored"] == [] and report["fetched"] == 0 and report["complete"] is True
    codes = Counter(e["code"] for e in report["skipped"])
    assert codes["S-FETCH-DONE"] >= 10
    not_found = {e.path for e in server.log if e.status == 404}
    retry = {e["url"][len(server.base) :] for e in report["skipped"] if e["code"] == "S-FETCH-DONE-FAILED"}
    assert retry == {"/private/t9.html", "/cp/big.pdf"} | not_found  # robots, size, 404: --refresh tries again
    assert len(server.log) == requests  # the rerun asked the server nothing
