"""Uploads: type by content, size and count limits, the CLI's ingest behind them, idempotent."""

from __future__ import annotations

import random
import re
import time

from fastapi.testclient import TestClient

from gongkai.examples.generate import random_spec
from gongkai.render.layouts import render_text
from gongkai.web.app import create_app
from gongkai.web.upload import safe_name
from tests.web.conftest import TOTAL


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _wait(c, upload_id: str) -> dict:
    """The upload's state once the queue has finished it (a bounded wait, not a measurement)."""
    for _ in range(6000):
        status = c.get(f"/api/v1/uploads/{upload_id}").json()
        if status["done"]:
            return status
        time.sleep(0.05)
    raise AssertionError(f"upload {upload_id} did not finish")


def _report_text(seed: int) -> bytes:
    rng = random.Random(seed)
    return render_text(random_spec(rng, "2021", allow_blank=False), "pipe_rows", rng).encode("utf-8")


def test_upload_form_stores_reports_and_refuses_disguised_files(db_url):
    with TestClient(create_app(db_url, secret=b"k" * 32, max_upload_bytes=200_000)) as c:
        token = _csrf(c.get("/upload").text)
        files = [
            ("files", ("new.txt", _report_text(900), "text/plain")),
            ("files", ("../../etc/passwd.pdf", b"\x00\x01\x02 not a pdf at all \xff\xfe" * 10, "application/pdf")),
            ("files", ("empty.docx", b"", "application/octet-stream")),
            ("files", ("huge.txt", b"a" * 200_001, "text/plain")),
        ]
        r = c.post("/upload", files=files, data={"csrf": token}, follow_redirects=False)
        assert r.status_code == 303
        _wait(c, r.headers["location"].rsplit("/", 1)[1])
        page = c.get(r.headers["location"]).text
        assert "new.txt" in page and "已读取" in page and "处理中" not in page
        assert page.count("拒收") == 3
        assert "E-WEB-UPLOAD-TYPE" in page and "E-WEB-UPLOAD-SIZE" in page
        assert c.get("/api/v1/reports").json()["total"] == TOTAL + 1
        again = c.post(
            "/upload",
            files=[("files", ("same-again.txt", _report_text(900), "text/plain"))],
            data={"csrf": token},
            follow_redirects=False,
        )
        status = _wait(c, again.headers["location"].rsplit("/", 1)[1])
        assert [f["state"] for f in status["files"]] == ["unchanged"]
        assert "未重复保存" in c.get(again.headers["location"]).text
        assert c.get("/api/v1/reports").json()["total"] == TOTAL + 1  # same content: stored once


def test_upload_needs_csrf_and_respects_the_count_limit(db_url):
    with TestClient(create_app(db_url, secret=b"k" * 32, max_upload_files=2)) as c:
        files = [("files", (f"r{i}.txt", _report_text(910 + i), "text/plain")) for i in range(3)]
        assert c.post("/upload", files=files[:1], data={"csrf": "forged"}).status_code == 403
        token = _csrf(c.get("/upload").text)
        assert c.post("/upload", files=files, data={"csrf": token}).status_code == 413
        r = c.post("/api/v1/documents", files=files, headers={"X-CSRF-Token": token})
        assert r.status_code == 413
        assert c.post("/api/v1/documents", files=files[:2]).status_code == 403
        r = c.post("/api/v1/documents", files=files[:2], headers={"X-CSRF-Token": token})
        assert r.status_code == 202
        status = _wait(c, r.json()["id"])
        assert status["done"] and [f["state"] for f in status["files"]] == ["stored", "stored"]
        keys = {f["key"] for f in status["files"]}
        assert keys <= {row["key"] for row in c.get("/api/v1/reports", params={"page_size": 100}).json()["reports"]}


def test_file_names_never_leave_the_upload_folder():
    for name in ("../../etc/passwd", "..\\..\\win.ini", "/abs/path.pdf", "", None, "正常的报告.pdf"):
        safe = safe_name(name, 3)
        assert "/" not in safe and "\\" not in safe and not safe.startswith(".")
        assert safe.startswith("003_")
    assert safe_name("正常的报告.pdf", 0) == "000_正常的报告.pdf"


def test_markup_in_an_uploaded_file_name_is_shown_as_text(db_url):
    from tests.web.conftest import XSS_NAME

    with TestClient(create_app(db_url, secret=b"k" * 32)) as c:
        token = _csrf(c.get("/upload").text)
        r = c.post(
            "/upload", files=[("files", (f"{XSS_NAME}.txt", _report_text(920), "text/plain"))], data={"csrf": token}
        )
        assert r.status_code == 200 and XSS_NAME not in r.text
        assert "&lt;img src=x onerror=alert(1)&gt;.txt" in r.text
        _wait(c, str(r.url).rsplit("/", 1)[1])
        for path in ("/findings", "/"):
            assert XSS_NAME not in c.get(path).text


def test_a_pathological_file_fails_alone_in_a_worker_and_the_server_keeps_answering(db_url):
    """A mixed upload: good reports, an HTML page nested far too deep (the reader's E-LIMIT, raised in a worker
    process), a repeated file. The good ones are stored, the bad one shows its code, the server answers."""
    from gongkai.examples.generate import random_spec as spec_for
    from gongkai.render.html import render_html

    rng = random.Random(5)
    page = render_html(spec_for(rng), rng).decode("gb18030")
    at = page.find("<h3")
    deep = (page[:at] + "<div>" * 100_000 + "x" + "</div>" * 100_000 + page[at:]).encode("gb18030")
    with TestClient(create_app(db_url, secret=b"k" * 32, upload_jobs=2)) as c:
        token = _csrf(c.get("/upload").text)
        before = c.get("/api/v1/reports").json()["total"]
        files = [
            ("files", ("good1.txt", _report_text(930), "text/plain")),
            ("files", ("deep.html", deep, "text/html")),
            ("files", ("good2.txt", _report_text(931), "text/plain")),
            ("files", ("good1-copy.txt", _report_text(930), "text/plain")),
        ]
        r = c.post("/api/v1/documents", files=files, headers={"X-CSRF-Token": token})
        assert r.status_code == 202
        assert c.get("/healthz").status_code == 200  # answered while the upload is queued or running
        status = _wait(c, r.json()["id"])
        states = {f["name"]: f for f in status["files"]}
        assert states["good1.txt"]["state"] == "stored" and states["good2.txt"]["state"] == "stored"
        assert states["good1-copy.txt"]["state"] in ("stored", "unchanged")  # same content: stored once
        assert states["deep.html"]["state"] == "failed" and "[E-LIMIT]" in states["deep.html"]["message"]
        assert c.get("/api/v1/reports").json()["total"] == before + 3  # the failed read is kept, with its code
        assert c.get("/healthz").status_code == 200
        page = c.get(f"/uploads/{status['id']}").text
        assert "E-LIMIT" in page and page.count("无法读取") == 1


def test_finished_uploads_are_forgotten_past_the_limit_unfinished_never():
    from gongkai.web.upload import Uploads

    uploads = Uploads(keep=3)
    first = uploads.new("a")  # still running: kept
    done = []
    for _ in range(4):
        up = uploads.new("a")
        up.done = True
        done.append(up)
    assert uploads.get(first.id) is first
    assert [uploads.get(u.id) is not None for u in done] == [False, False, True, True]


def test_an_upload_is_recorded_and_shown_by_the_name_the_user_gave_never_a_server_path(db_url):
    from sqlalchemy import select

    from gongkai.store import schema as t
    from gongkai.store.db import open_store

    with TestClient(create_app(db_url, secret=b"k" * 32)) as c:
        token = _csrf(c.get("/upload").text)
        files = [
            ("files", ("区县/二〇二一年度报告.txt", _report_text(930), "text/plain")),
            ("files", ("../二〇二一年度报告.txt", _report_text(931), "text/plain")),
        ]
        r = c.post("/api/v1/documents", files=files, headers={"X-CSRF-Token": token})
        status = _wait(c, r.json()["id"])
        assert [f["state"] for f in status["files"]] == ["stored", "stored"]
        assert [f["recorded"] for f in status["files"]] == [
            "上传/区县/二〇二一年度报告.txt",
            "上传/二〇二一年度报告.txt",
        ]
        for f in status["files"]:
            detail = c.get(f"/api/v1/reports/{f['key']}").json()
            assert detail["source"] == f["recorded"]
            page = c.get(f"/reports/{f['key']}").text
            assert f"文件：{f['recorded']}" in page and "gongkai-upload-" not in page
        listing = c.get("/", params={"q": "上传/"}).text
        assert "上传/区县/二〇二一年度报告.txt" in listing and "gongkai-upload-" not in listing
    store = open_store(db_url)
    with store.engine.connect() as conn:
        recorded = set(conn.execute(select(t.document_path.c.path)).scalars())
        sources = set(conn.execute(select(t.parse.c.source)).scalars())
    assert {"上传/区县/二〇二一年度报告.txt", "上传/二〇二一年度报告.txt"} <= recorded & sources
    assert not any("gongkai-upload-" in (p or "") for p in recorded | sources)


def test_recorded_names_are_distinct_labels_without_path_tricks():
    from gongkai.web.upload import recorded_name

    taken: set[str] = set()
    names = [
        recorded_name(n, i, taken)
        for i, n in enumerate(["a.pdf", "a.pdf", "..\\..\\x/./a.pdf", "", None, "b\x00c\n.txt", "noext", "noext"])
    ]
    assert names == [
        "上传/a.pdf",
        "上传/a（2）.pdf",
        "上传/x/a.pdf",
        "上传/文件4",
        "上传/文件5",
        "上传/bc.txt",
        "上传/noext",
        "上传/noext（2）",
    ]
