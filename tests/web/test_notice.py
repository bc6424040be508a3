"""整改通知: a DOCX per body read back (every finding's key, its page or place, the evidence), one ZIP for a
region and year, reviewers' dismissals respected, regions kept apart."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from fastapi.testclient import TestClient

from gongkai.web.app import create_app
from tests.web.conftest import add_user

ERRORS_BODY, WARNINGS_BODY = "白芷县东篱街道办事处", "澄湾市清漪区民政局"


def _docx_rows(data: bytes) -> tuple[str, list[list[str]]]:
    """The document's paragraphs joined, and the rows of its table."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    return "\n".join(p.text for p in doc.paragraphs), rows


def _report(client, organization: str) -> dict:
    row = next(r for r in client.get("/api/v1/reports").json()["reports"] if r["organization"] == organization)
    return client.get(f"/api/v1/reports/{row['key']}").json()


def _listed(detail: dict) -> set[str]:
    return {
        f["key"] for f in detail["findings"] if f["severity"] in ("error", "warning") and f["decision"] != "dismissed"
    }


def test_notice_lists_every_problem_with_its_place_and_evidence(client):
    detail = _report(client, ERRORS_BODY)
    page = client.get("/notices").text
    assert ERRORS_BODY in page and WARNINGS_BODY in page
    assert f'href="/notices/{detail["key"]}.docx"' in page
    r = client.get(f"/notices/{detail['key']}.docx")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    text, rows = _docx_rows(r.content)
    assert ERRORS_BODY in text and detail["key"] in text
    assert rows[0] == ["序号", "问题编号", "类别", "问题说明", "位置", "证据"]
    by_key = {row[1]: row for row in rows[1:]}
    assert set(by_key) == _listed(detail) and by_key
    for f in detail["findings"]:
        if f["key"] not in by_key:
            assert f["severity"] == "info"
            continue
        row = by_key[f["key"]]
        assert f["code"] in row[3] and f["message"] in row[3]
        ev = f["evidence"] or {}
        for c in ev.get("cells") or []:
            assert c["id"] and (c["raw"] is None or f"：{c['raw'] or '（空白）'}" in row[5]), (f["key"], c)
        if ev.get("expected") is not None:
            assert f"应为 {ev['expected']:g}" in row[5] or f"应为 {ev['expected']}" in row[5]
        lines = sorted(
            {
                cell["line"]
                for cell in detail["cells"]
                for c in ev.get("cells") or []
                if cell["id"] == c["id"] and cell["line"]
            }
        )
        for line in lines:  # a text report has no pages: the place is the line read
            assert f"第{line}行" in row[4] and f"第{line}行" in row[5]


def test_dismissed_findings_are_left_out(client):
    detail = _report(client, ERRORS_BODY)
    target = sorted(_listed(detail))[0]
    token = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/reports/{detail['key']}").text).group(1)
    client.post(
        f"/reports/{detail['key']}/findings/{target}/review",
        data={"decision": "dismissed", "comment": "已核实无误", "csrf": token},
    )
    _, rows = _docx_rows(client.get(f"/notices/{detail['key']}.docx").content)
    keys = {row[1] for row in rows[1:]}
    assert target not in keys and keys == _listed(detail) - {target}


def test_zip_holds_one_notice_per_body_of_the_region_and_year(client):
    detail = _report(client, ERRORS_BODY)
    z = zipfile.ZipFile(io.BytesIO(client.get("/notices.zip").content))
    names = sorted(z.namelist())
    assert len(names) == 2 and all(n.endswith(".docx") and "/" not in n for n in names)
    assert any(n.startswith(f"{ERRORS_BODY}-{detail['year']}-{detail['key']}") for n in names)
    for n in names:
        _, rows = _docx_rows(z.read(n))
        assert len(rows) > 1
    one = zipfile.ZipFile(io.BytesIO(client.get("/notices.zip", params={"region": ERRORS_BODY}).content))
    assert [n.split("-")[0] for n in one.namelist()] == [ERRORS_BODY]
    assert client.get("/notices.zip", params={"year": 1990}).status_code == 404
    assert client.get("/notices.zip", params={"region": "没有这个机关"}).status_code == 404
    assert client.get("/notices.zip").content == client.get("/notices.zip").content  # same findings, same bytes


def test_reviewer_gets_only_notices_of_his_region(db_url):
    add_user(db_url, "rita", "pw-reviewer-1", role="reviewer", region=WARNINGS_BODY)
    with TestClient(create_app(db_url, secret=b"k" * 32)) as c:
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
        c.post("/login", data={"name": "rita", "password": "pw-reviewer-1", "csrf": token})
        page = c.get("/notices").text
        assert WARNINGS_BODY in page and ERRORS_BODY not in page
        z = zipfile.ZipFile(io.BytesIO(c.get("/notices.zip").content))
        assert [n.split("-")[0] for n in z.namelist()] == [WARNINGS_BODY]
        assert c.get("/notices.zip", params={"region": ERRORS_BODY}).status_code == 404
    with TestClient(create_app(db_url, secret=b"k" * 32)) as c:  # no session: no notices
        assert c.get("/notices", follow_redirects=False).status_code == 303


def test_pdf_notice_names_the_page_of_each_problem(pdf_db):
    with TestClient(create_app(pdf_db, secret=b"k" * 32)) as c:
        key = c.get("/api/v1/reports").json()["reports"][0]["key"]
        detail = c.get(f"/api/v1/reports/{key}").json()
        _, rows = _docx_rows(c.get(f"/notices/{key}.docx").content)
    by_key = {row[1]: row for row in rows[1:]}
    assert set(by_key) == _listed(detail)
    pages = {cell["id"]: cell["page"] for cell in detail["cells"]}
    checked = 0
    for f in detail["findings"]:
        if f["key"] in by_key and (f["evidence"] or {}).get("cells"):
            expected = {pages[c["id"]] for c in f["evidence"]["cells"] if pages.get(c["id"])}
            own = (f["evidence"].get("position") or {}).get("page")  # the finding's own text, e.g. prose
            expected = sorted(expected | ({own} if own else set()))
            assert expected and by_key[f["key"]][4] == "、".join(f"第{p}页" for p in expected)
            checked += 1
    assert checked, "the wrong total gives findings naming cells"


@pytest.mark.parametrize("path", ["/notices/zzzzzzzzzzzz.docx", "/notices/..%2F..%2Fetc.docx"])
def test_unknown_notice_is_404(client, path):
    assert client.get(path).status_code == 404


def test_empty_form_fields_mean_any(client):
    # a GET form sends "year=" when the field is left empty
    assert client.get("/notices", params={"region": "", "year": ""}).status_code == 200
    assert client.get("/notices.zip", params={"region": "", "year": ""}).status_code == 200


def test_notice_survives_control_characters_from_a_damaged_file():
    from gongkai.web.notice import notice_docx
    from gongkai.web.report_store import BodyReport

    report = BodyReport(
        "abcdef012345",
        "某某县人民政府",
        2021,
        "x\x01.txt",
        "text/plain",
        {"requests.received.total": {"raw": "3\x0b", "page": None, "line": 7, "position": None}},
        [
            {
                "key": "F-AAAAAAAAAA",
                "code": "IDN-BALANCE",
                "severity": "error",
                "message": "不平衡\x00",
                "evidence": {"cells": [{"id": "requests.received.total"}], "text": "原文\x1f"},
                "decision": None,
                "comment": None,
            }
        ],
    )
    _, rows = _docx_rows(notice_docx(report))
    assert rows[1][1] == "F-AAAAAAAAAA" and rows[1][4] == "第7行" and "\ufffd" in rows[1][5]


def test_same_findings_same_notice_bytes(client, monkeypatch):
    import time

    key = _report(client, ERRORS_BODY)["key"]
    first = client.get(f"/notices/{key}.docx").content
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86400 * 400)  # saved "a year later"
    assert client.get(f"/notices/{key}.docx").content == first


def test_html_notice_places_problems_by_table_row_and_column(tmp_path):
    from gongkai.store.db import open_store
    from gongkai.store.ingest import ingest
    from tests.web.detail_fixtures import write_dom_reports

    url = f"sqlite:///{tmp_path / 'n.db'}"
    store = open_store(url)
    ingest(store, write_dom_reports(tmp_path / "in"))
    store.dispose()
    with TestClient(create_app(url, secret=b"k" * 32)) as c:
        key = re.search(r'href="/notices/([0-9a-f]{12})\.docx"', c.get("/notices").text).group(1)
        detail = c.get(f"/api/v1/reports/{key}").json()
        _, rows = _docx_rows(c.get(f"/notices/{key}.docx").content)
    assert detail["media_type"] in (
        "text/html",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    by_key = {row[1]: row for row in rows[1:]}
    balance = next(f for f in detail["findings"] if f["code"] == "IDN-BALANCE")
    # four cells: the first three named by 表/行/列, then how many there are
    assert by_key[balance["key"]][4] == (
        "表三 一、本年新收政府信息公开申请数量/总计；表三 二、上年结转政府信息公开申请数量/总计；"
        "表三 （七）总计/总计 等4个单元格"
    )


def test_markup_in_a_registered_body_name_stays_text(db_url):
    from gongkai.orgs.registry import RegistryEntry
    from gongkai.store.db import open_store
    from gongkai.store.orgs import import_registry
    from gongkai.store.settle import settle

    hostile = "<script>alert(9)</script>东篱街道"
    store = open_store(db_url)
    with store.begin() as conn:  # a registry file renames the body its reports were filed under
        import_registry(conn, [RegistryEntry(hostile, "street", aliases=(ERRORS_BODY,))])
    settle(store)
    store.dispose()
    with TestClient(create_app(db_url, secret=b"k" * 32)) as c:
        detail = _report(c, hostile)
        for page in (c.get(f"/reports/{detail['key']}").text, c.get("/notices").text):
            assert hostile not in page and "&lt;script&gt;alert(9)&lt;/script&gt;东篱街道" in page
        text, _ = _docx_rows(c.get(f"/notices/{detail['key']}.docx").content)
        assert f"关于{hostile}" in text  # Word holds it as text
        names = zipfile.ZipFile(io.BytesIO(c.get("/notices.zip").content)).namelist()
        assert f"_script_alert(9)__script_东篱街道-{detail['year']}-{detail['key']}.docx" in names


def test_filter_forms_left_empty_are_not_refused(client):
    # the 报告 and 问题清单 forms send every field, "year=" when it is left empty
    assert client.get("/", params={"q": "", "year": "", "errors": "", "sort": "org"}).status_code == 200
    assert client.get("/findings", params={"org": "", "year": "", "severity": "", "status": ""}).status_code == 200
    listed = client.get("/findings", params={"year": "", "severity": "error"}).text
    assert ERRORS_BODY in listed
