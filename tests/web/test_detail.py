"""报告详情: the official-layout tables, the HTML/DOCX source rebuilt with the element highlighted, versions with
their forms and audit log, and the JSON/XLSX downloads."""

from __future__ import annotations

import io
import json
import re

import pytest
from fastapi.testclient import TestClient

from gongkai.standard import get_format
from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from gongkai.web.app import create_app
from gongkai.web.official import shown_tables
from tests.web.conftest import DEFECT_ERRORS, add_user
from tests.web.detail_fixtures import ESCAPED_CELL, IMG, SCRIPT, write_dom_reports

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def dom_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dom")
    url = f"sqlite:///{folder / 'dom.db'}"
    store = open_store(url)
    ingest(store, write_dom_reports(folder / "in"))
    store.dispose()
    return url


@pytest.fixture
def dom_client(dom_url, tmp_path):
    # each test gets its own copy: version decisions change the store
    import shutil

    path = tmp_path / "copy.db"
    shutil.copy(dom_url.removeprefix("sqlite:///"), path)
    with TestClient(create_app(f"sqlite:///{path}", secret=b"k" * 32)) as c:
        yield c


def _reports(client) -> dict[str, dict]:
    """media type -> the report's API detail."""
    out = {}
    for r in client.get("/api/v1/reports").json()["reports"]:
        d = client.get(f"/api/v1/reports/{r['key']}").json()
        out[d["media_type"]] = d
    return out


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _tds(html: str) -> dict[str, tuple[str, str]]:
    """cell id -> (class, inner html) of the value positions of the drawn tables."""
    return {
        m.group(1): (m.group(2), m.group(3))
        for m in re.finditer(r'<td id="cell-([^"]+)" data-cell="[^"]+" class="([^"]*)"[^>]*>(.*?)</td>', html, re.S)
    }


def test_tables_follow_the_official_layout_with_every_value_as_read(client):
    key = client.get("/api/v1/reports", params={"has_errors": True}).json()["reports"][0]["key"]
    detail = client.get(f"/api/v1/reports/{key}").json()
    assert detail["source"].endswith(DEFECT_ERRORS)
    html = client.get(f"/reports/{key}").text
    tds = _tds(html)
    fmt = get_format(detail["format"])
    assert set(tds) == set(fmt.cell_ids)  # every cell of the format has its place, read or not
    # table 三's merged header as the official form: 申请人情况 over the 7 columns, 法人或其他组织 over 5
    requests = html[html.index('id="table-requests"') : html.index('id="table-appeals"')]
    assert re.search(r'<th class="header" colspan="7">申请人情况</th>', requests)
    assert re.search(r'<th class="header" colspan="5">法人或其他组织</th>', requests)
    appeals = html[html.index('id="table-appeals"') :]
    assert re.search(r'<th class="header" colspan="10">行政诉讼</th>', appeals)
    stored = {c["id"]: c for c in detail["cells"]}
    for cid, c in stored.items():
        text = re.sub(r"<[^>]+>", "", tds[cid][1])
        expected = "（空白）" if c["raw"] == "" else c["raw"]
        assert text.startswith(expected), (cid, text, c["raw"])
    for cid in set(fmt.cell_ids) - set(stored):
        assert "missing" in tds[cid][0] and "未读出" in tds[cid][1]
    named = {c["id"] for f in detail["findings"] if f["severity"] == "error" for c in f["evidence"].get("cells", [])}
    assert named, "the defect report has identity errors naming cells"
    for cid in named & set(fmt.cell_ids):
        assert "error" in tds[cid][0].split(), cid


def test_inferred_and_missing_cells_are_marked_apart():
    cells = [
        {
            "id": "requests.received.total",
            "raw": None,
            "meaning": None,
            "value": None,
            "inferred_value": 7.0,
            "page": None,
            "line": None,
            "position": None,
        },
        {
            "id": "requests.received.natural_person",
            "raw": "/",
            "meaning": "not_applicable",
            "value": None,
            "inferred_value": None,
            "page": None,
            "line": 3,
            "position": None,
        },
    ]
    findings = [{"severity": "warning", "evidence": {"cells": [{"id": "requests.received.natural_person"}]}}]
    shown = {c.cell_id: c for t in shown_tables("2021", cells, findings) for row in t.rows for c in row if c.cell_id}
    assert shown["requests.received.total"].classes.split() == ["value", "missing", "inferred"]
    assert shown["requests.received.natural_person"].classes.split() == ["value", "warning"]
    assert shown["requests.received.natural_person"].raw == "/" and shown["requests.received.natural_person"].located
    assert shown["requests.carried_over.total"].classes.split() == ["value", "missing"]


@pytest.mark.parametrize("media_type", ["text/html", DOCX])
def test_dom_source_highlights_the_element_holding_the_value(dom_client, media_type):
    detail = _reports(dom_client)[media_type]
    error = next(f for f in detail["findings"] if f["severity"] == "error" and f["evidence"].get("cells"))
    cells = {c["id"]: c for c in detail["cells"]}
    cell = cells[error["evidence"]["cells"][0]["id"]]
    assert cell["position"]["dom_path"]
    for params in ({"cell": cell["id"]}, {"finding": error["key"]}):
        html = dom_client.get(f"/reports/{detail['key']}", params=params).text
        m = re.search(r'<td[^>]*id="src-selected"[^>]*>(.*?)</td>', html)
        assert m, params
        tag = m.group(0)
        assert 'class="error hl"' in tag and f'data-path="{cell["position"]["dom_path"]}"' in tag
        assert m.group(1) == cell["raw"]
        assert html.count('id="src-selected"') == 1
    # the other cells named by errors are marked in the rebuilt page, each under its own id
    other = error["evidence"]["cells"][1]["id"]
    assert re.search(rf'<td[^>]*id="src-{re.escape(other)}"[^>]*class="error"', html)


def test_dom_source_is_rebuilt_without_scripts_or_external_loads(dom_client):
    detail = _reports(dom_client)["text/html"]
    html = dom_client.get(f"/reports/{detail['key']}", params={"cell": detail["cells"][0]["id"]}).text
    source = html[html.index('id="dom-source"') : html.index("</div>", html.index('id="dom-source"'))]
    assert "<script" not in source and "<img" not in source and "evil.example" not in source
    assert "onerror" not in source and "style=" not in source
    assert set(re.findall(r"<(\w+)", source)) <= {"p", "table", "tr", "td", "br"}
    # markup the page printed as text stays text, escaped once
    assert "本机关&lt;script&gt;alert(2)&lt;/script&gt;认真落实。" in source
    assert SCRIPT not in html and IMG not in html and "alert(2)</script>" not in html
    assert ESCAPED_CELL.replace("&", "&amp;") not in html  # not escaped twice


def test_text_source_shows_the_lines_around_the_cell(client):
    key = client.get("/api/v1/reports", params={"has_errors": True}).json()["reports"][0]["key"]
    detail = client.get(f"/api/v1/reports/{key}").json()
    cell = next(c for c in detail["cells"] if c["line"] and c["raw"])
    html = client.get(f"/reports/{key}", params={"cell": cell["id"]}).text
    here = re.search(r'<span class="here" id="excerpt-(\d+)">\s*\d+  (.*?)</span>', html)
    assert here and int(here.group(1)) == cell["line"]
    line = detail["text"].splitlines()[cell["line"] - 1]
    assert cell["raw"] in line and here.group(2) == line.replace("&", "&amp;").replace("<", "&lt;").replace(
        ">", "&gt;"
    ).replace('"', "&#34;").replace("'", "&#39;")
    assert f'id="excerpt-{cell["line"] - 3}"' in html and f'id="excerpt-{cell["line"] + 4}"' not in html


def test_versions_withdraw_restore_and_supersede_through_the_store_with_an_audit_log(dom_client):
    reports = _reports(dom_client)
    html_key, docx_key = reports["text/html"]["key"], reports[DOCX]["key"]
    page = dom_client.get(f"/reports/{html_key}").text
    assert 'id="version-table"' in page and docx_key in page  # the same body and year: the other version
    token = _csrf(page)
    assert (
        dom_client.post(f"/reports/{html_key}/versions", data={"action": "withdraw", "reason": "x"}).status_code == 403
    )  # no CSRF token
    r = dom_client.post(f"/reports/{html_key}/versions", data={"action": "withdraw", "reason": "", "csrf": token})
    assert r.status_code == 400 and "E-REASON-REQUIRED" in r.text
    r = dom_client.post(
        f"/reports/{html_key}/versions",
        data={"action": "withdraw", "reason": "发布错误", "csrf": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = dom_client.get(f"/reports/{html_key}").text
    assert '<span id="version-state">已撤回</span>' in page
    assert re.search(r"<td>本机用户</td><td>撤回</td><td>" + html_key + r"</td><td></td><td>发布错误</td>", page)
    dom_client.post(f"/reports/{html_key}/versions", data={"action": "restore", "reason": "误撤", "csrf": token})
    dom_client.post(
        f"/reports/{html_key}/versions",
        data={"action": "supersede", "by_report": docx_key, "reason": "以 Word 版为准", "csrf": token},
    )
    page = dom_client.get(f"/reports/{html_key}").text
    assert '<span id="version-state">已被取代</span>' in page and f'由 <a href="/reports/{docx_key}">' in page
    assert [m for m in re.findall(r"<td>(撤回|恢复|取代)</td>", page)] == ["撤回", "恢复", "取代"]
    other = dom_client.get(f"/reports/{docx_key}").text
    assert '<span id="version-state">现行（计入统计）</span>' in other
    # the same audit log the `gongkai reports log` command reads
    from gongkai.store.versions import audit_entries

    store = dom_client.app.state.store
    with store.engine.connect() as conn:
        assert [e.action for e in audit_entries(conn)] == ["withdraw", "restore", "supersede"]


def test_versions_need_a_reviewer(dom_url, tmp_path):
    import shutil

    path = tmp_path / "v.db"
    shutil.copy(dom_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    add_user(url, "vera", "pw-viewer-1", role="viewer")
    with TestClient(create_app(url, secret=b"k" * 32)) as c:
        token = _csrf(c.get("/login").text)
        c.post("/login", data={"name": "vera", "password": "pw-viewer-1", "csrf": token})
        key = c.get("/api/v1/reports").json()["reports"][0]["key"]
        page = c.get(f"/reports/{key}").text
        assert 'id="version-form"' not in page
        r = c.post(f"/reports/{key}/versions", data={"action": "withdraw", "reason": "x", "csrf": _csrf(page)})
        assert r.status_code == 403 and "E-WEB-ROLE" in r.text


def test_json_and_xlsx_downloads_are_the_export_of_this_report(dom_client):
    from openpyxl import load_workbook

    detail = _reports(dom_client)["text/html"]
    key = detail["key"]
    r = dom_client.get(f"/reports/{key}/report.json")
    assert r.status_code == 200 and f'filename="{key}.json"' in r.headers["content-disposition"]
    data = json.loads(r.content)
    assert data["report_key"].startswith(key) and data["organization"] == detail["organization"]
    stored = {c["id"]: c["raw"] for c in detail["cells"]}
    assert {k: v["raw"] for k, v in data["cells"].items()} == stored
    assert {f["key"] for f in data["findings"]} == {f["key"] for f in detail["findings"] if f["key"].startswith("F-")}
    x = dom_client.get(f"/reports/{key}/report.xlsx")
    assert x.status_code == 200
    book = load_workbook(io.BytesIO(x.content), read_only=True)
    assert book.sheetnames == ["单元格", "宽表", "问题"]
    rows = list(book["单元格"].iter_rows(values_only=True))
    ids = rows[1]
    cell_col, raw_col = ids.index("cell_id"), ids.index("raw")
    assert {r[cell_col]: r[raw_col] for r in rows[2:]} == {k: (v if v != "" else None) for k, v in stored.items()}
    problems = list(book["问题"].iter_rows(values_only=True))
    assert {r[0] for r in problems[2:]} == {f["key"] for f in detail["findings"]}
    for bad in ("000000000000", "..%2F..%2Fx"):
        assert dom_client.get(f"/reports/{bad}/report.json").status_code == 404
        assert dom_client.get(f"/reports/{bad}/report.xlsx").status_code == 404


def test_a_finding_without_cells_highlights_its_own_text(dom_client):
    detail = _reports(dom_client)[DOCX]
    finding = next(
        f
        for f in detail["findings"]
        if not (f["evidence"] or {}).get("cells") and ((f["evidence"] or {}).get("position") or {}).get("dom_path")
    )
    path = finding["evidence"]["position"]["dom_path"]
    html = dom_client.get(f"/reports/{detail['key']}", params={"finding": finding["key"]}).text
    m = re.search(r'<(td|p)[^>]*data-path="([^"]+)"[^>]*id="src-selected"[^>]*>(.*?)</\1>', html)
    assert m and m.group(2) == path
    assert finding["evidence"]["text"].split("\n")[0] in m.group(3).replace("<br>", "\n")


def test_pdf_finding_on_prose_shows_its_own_box(pdf_db):
    with TestClient(create_app(pdf_db, secret=b"k" * 32)) as c:
        key = c.get("/api/v1/reports").json()["reports"][0]["key"]
        detail = c.get(f"/api/v1/reports/{key}").json()
        own = [f for f in detail["findings"] if ((f["evidence"] or {}).get("position") or {}).get("bbox")]
        assert own, "the wrong total contradicts the prose's figure: a narrative finding with its own box"
        pos = own[0]["evidence"]["position"]
        html = c.get(f"/reports/{key}", params={"finding": own[0]["key"]}).text
    assert f"<h3>原文第 {pos['page']} / {detail['pages']} 页</h3>" in html
    x0, top, x1, bottom = pos["bbox"]
    m = re.search(r'<rect id="box-finding" x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"', html)
    assert m and tuple(float(v) for v in m.groups()) == pytest.approx((x0, top, x1 - x0, bottom - top))


def test_versions_notices_and_downloads_on_each_database(store_url, tmp_path):
    store = open_store(store_url)
    ingest(store, write_dom_reports(tmp_path / "in"))
    store.dispose()
    with TestClient(create_app(store_url, secret=b"k" * 32)) as c:
        reports = _reports(c)
        html_key, docx_key = reports["text/html"]["key"], reports[DOCX]["key"]
        token = _csrf(c.get(f"/reports/{html_key}").text)
        r = c.post(
            f"/reports/{docx_key}/versions",
            data={"action": "withdraw", "reason": "重复报送", "csrf": token},
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert '<span id="version-state">已撤回</span>' in c.get(f"/reports/{docx_key}").text
        assert '<span id="version-state">现行（计入统计）</span>' in c.get(f"/reports/{html_key}").text
        notices = c.get("/notices").text
        assert f"/notices/{html_key}.docx" in notices and f"/notices/{docx_key}.docx" not in notices
        assert c.get(f"/notices/{docx_key}.docx").status_code == 404  # a withdrawn report gets no notice
        assert c.get(f"/notices/{html_key}.docx").status_code == 200
        assert json.loads(c.get(f"/reports/{docx_key}/report.json").content)["cells"]
        c.app.state.store.dispose()


def test_the_2019_format_is_drawn_from_its_own_data():
    fmt = get_format("2019")
    tables = shown_tables("2019", [], [])
    ids = [c.cell_id for t in tables for row in t.rows for c in row if c.cell_id]
    assert sorted(ids) == sorted(fmt.cell_ids) and len(ids) == len(set(ids))
    assert [t.title.split("、")[0] for t in tables] == ["二", "三", "四"]


def test_a_file_that_could_not_be_read_shows_its_error_not_empty_tables(tmp_path):
    (tmp_path / "in").mkdir()
    bad = tmp_path / "in" / "notes.txt"
    bad.write_text("会议纪要\n今天讨论了食堂菜单。\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'bad.db'}"
    store = open_store(url)
    ingest(store, [bad])
    store.dispose()
    with TestClient(create_app(url, secret=b"k" * 32)) as c:
        row = c.get("/api/v1/reports").json()["reports"][0]
        assert row["status"] != "ok"
        html = c.get(f"/reports/{row['key']}").text
    assert f"[{row['error_code']}]" in html and 'id="table-requests"' not in html
    assert "本报告未能读取，不参与版本选择。" in html


def test_with_a_user_the_new_routes_need_a_session(dom_url, tmp_path):
    import shutil

    from sqlalchemy import select

    from gongkai.store import schema as t
    from gongkai.store.versions import audit_entries

    path = tmp_path / "deny.db"
    shutil.copy(dom_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    add_user(url)
    with TestClient(create_app(url, secret=b"k" * 32)) as c:
        store = c.app.state.store
        with store.engine.connect() as conn:
            key = conn.execute(select(t.document.c.sha256)).scalars().first()[:12]
        for route in (
            f"/reports/{key}",
            f"/reports/{key}/report.json",
            f"/reports/{key}/report.xlsx",
            "/notices",
            "/notices.zip",
            f"/notices/{key}.docx",
        ):
            r = c.get(route, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"] == "/login", route
        r = c.post(f"/reports/{key}/versions", data={"action": "withdraw", "reason": "x"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
        with store.engine.connect() as conn:
            assert audit_entries(conn) == []
