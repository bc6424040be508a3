"""The 读取情况 block of the report page and `reading` in GET /api/v1/reports/{key}: reader, tables and how,
rows placed and not placed with reasons, repairs, confidence — from the reading report stored with the parse."""

from __future__ import annotations

import html
import random
import re

import pytest
from fastapi.testclient import TestClient

from gongkai.examples.generate import random_spec
from gongkai.reading import ReadingReport, Repair, RowNotPlaced, TableReading
from gongkai.render.layouts import render_text
from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from gongkai.web.app import create_app
from gongkai.web.reading_view import reading_view

DROPPED = "（二）部分公开"  # the row removed from the second report: it cannot be placed


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reading")
    rng = random.Random(100)
    text = render_text(random_spec(rng, "2021", allow_blank=False), "pipe_rows", rng)
    assert any(line.startswith(DROPPED) for line in text.splitlines())
    whole = folder / "whole.txt"
    whole.write_text(text, encoding="utf-8")
    cut = folder / "missing_row.txt"
    cut.write_text("\n".join(line for line in text.splitlines() if not line.startswith(DROPPED)), encoding="utf-8")
    url = f"sqlite:///{folder / 'r.db'}"
    store = open_store(url)
    ingest(store, [whole, cut])
    store.dispose()
    with TestClient(create_app(url, secret=b"k" * 32)) as c:
        yield c


def _by_source(client) -> dict[str, dict]:
    out = {}
    for r in client.get("/api/v1/reports").json()["reports"]:
        out[r["source"].rsplit("/", 1)[-1]] = client.get(f"/api/v1/reports/{r['key']}").json()
    return out


def _block(page: str) -> str:
    m = re.search(r'<div id="reading-report".*?</div>', page, re.S)
    assert m, "no 读取情况 block"
    return html.unescape(m.group(0))


def test_api_carries_the_stored_reading_report(client):
    reports = _by_source(client)
    whole, cut = reports["whole.txt"]["reading"], reports["missing_row.txt"]["reading"]
    assert whole["reader"] == "text" and whole["confidence"] == "high"
    assert [t["placed"] == t["rows"] for t in whole["tables"]] == [True, True, True]
    assert cut["confidence"] == "low"
    requests = next(t for t in cut["tables"] if t["table"] == "requests")
    assert requests["not_placed"] == [{"row": "partially_granted", "reason": "row_absent"}]
    assert requests["placed"] == requests["rows"] - 1
    # the API's reading is the stored report itself: it round-trips to the same summary
    assert ReadingReport.from_dict(cut).summary_zh() == cut["summary"]


def test_report_page_shows_the_reading_in_chinese(client):
    reports = _by_source(client)
    whole = _block(client.get(f"/reports/{reports['whole.txt']['key']}").text)
    assert "读取：纯文本" in whole and 'id="reading-confidence">高<' in whole
    assert "未定位的行及原因" in whole and "部分公开" not in whole
    cut_page = client.get(f"/reports/{reports['missing_row.txt']['key']}").text
    cut = _block(cut_page)
    assert 'id="reading-confidence">低<' in cut
    row = re.search(r'<tr id="reading-requests">.*?</tr>', cut, re.S).group(0)
    # the official label of the row not placed and the reason in Chinese, rows counted
    assert "部分公开" in row and "未找到该行" in row
    total = reports["missing_row.txt"]["reading"]["tables"][1]["rows"]
    assert f"{total - 1}/{total}" in row
    assert '<h2 id="reading">读取情况</h2>' in cut_page


def test_report_page_links_to_the_comparison_with_last_year(client):
    key = _by_source(client)["whole.txt"]["key"]
    page = client.get(f"/reports/{key}").text
    assert f'<a id="link-compare" href="/reports/{key}/compare">与上年对比</a>' in page
    assert client.get(f"/reports/{key}/compare").status_code == 200


def test_repairs_ocr_and_missing_tables_are_told():
    reading = ReadingReport(
        "pdf_mixed",
        [
            TableReading(
                "proactive",
                True,
                "lattice",
                ocr=True,
                rows=6,
                placed=6,
                repairs=[Repair("spans_restored", 2), Repair("labels_joined", 1, "行政许可")],
            ),
            TableReading(
                "requests",
                True,
                "stream",
                rows=25,
                placed=24,
                not_placed=[RowNotPlaced("granted", "row_short")],
                assembled_labels=3,
            ),
            TableReading("appeals", False, rows=1),
        ],
        ocr_pages=[2, 3],
        inferred=4,
    )
    view = reading_view(reading.to_dict(), "2021")
    assert view.confidence == "low" and view.confidence_zh == "低"
    assert view.reader == "PDF文字层＋文字识别" and view.ocr_pages == (2, 3) and view.inferred == 4
    proactive, requests, appeals = view.tables
    assert proactive.how == "格线（文字识别）"
    assert proactive.repairs == ("恢复合并单元格 2 处", "拼合行名（行政许可）")
    assert requests.how == "文字对齐" and requests.placed == 24
    assert [(r.label, r.reason) for r in requests.not_placed] == [("（一）予以公开", "数值少于列数")]
    assert requests.repairs == ("拼合行名 3 个（由分开印出的文字拼成）",)
    assert not appeals.found
    assert reading_view(None, "2021") is None


def test_finding_review_history_is_listed_under_the_finding(client):
    report = _by_source(client)["missing_row.txt"]
    assert report["findings"], "a report with a row not placed has findings"
    fkey = report["findings"][0]["key"]
    url = f"/reports/{report['key']}"
    assert f'id="history-{fkey}"' not in client.get(url).text
    token = re.search(r'name="csrf" value="([^"]+)"', client.get(url).text).group(1)
    for decision, comment in (("confirmed", "初审<b>确认</b>"), ("dismissed", "复核后驳回")):
        r = client.post(
            f"{url}/findings/{fkey}/review",
            data={"decision": decision, "comment": comment, "csrf": token},
            follow_redirects=False,
        )
        assert r.status_code == 303
    page = client.get(url).text
    history = re.search(rf'<ol class="review-history" id="history-{fkey}">(.*?)</ol>', page, re.S).group(1)
    steps = re.findall(r"<li>(.*?)</li>", history)
    # both decisions, oldest first, the comment escaped
    assert len(steps) == 2
    assert steps[0].endswith("本机用户 确认：初审&lt;b&gt;确认&lt;/b&gt;")
    assert steps[1].endswith("本机用户 驳回：复核后驳回")
