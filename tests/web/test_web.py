"""The workbench over HTTP: pages and API, default deny, CSRF, escaping of document text."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from gongkai.web import auth
from gongkai.web.app import create_app
from tests.web.conftest import TOTAL, XSS, XSS_NAME, add_user


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _login(client, name="alice", password="correct horse"):
    token = _csrf(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf": token}, follow_redirects=False)


def test_open_on_loopback_without_users_lists_and_shows_reports(client):
    data = client.get("/api/v1/reports").json()
    assert data["total"] == TOTAL and len(data["reports"]) == TOTAL
    key = data["reports"][0]["key"]
    assert re.fullmatch(r"[0-9a-f]{12}", key)
    detail = client.get(f"/api/v1/reports/{key}").json()
    assert detail["key"] == key and detail["cells"]
    assert all("id" in c and "raw" in c for c in detail["cells"])
    page = client.get(f"/reports/{key}")
    assert page.status_code == 200 and "单元格" in page.text
    assert client.get("/").status_code == 200
    assert client.get("/healthz").json() == {"status": "ok"}


def test_filters_and_paging(client):
    first = client.get("/api/v1/reports", params={"page_size": 4}).json()["reports"]
    second = client.get("/api/v1/reports", params={"page_size": 4, "page": 2}).json()
    assert len(first) == 4 and second["total"] == TOTAL and len(second["reports"]) == TOTAL - 4
    assert not {r["key"] for r in first} & {r["key"] for r in second["reports"]}
    errors = client.get("/api/v1/reports", params={"has_errors": True}).json()["reports"]
    assert [r["organization"] for r in errors] == ["白芷县东篱街道办事处"] and errors[0]["errors"] >= 3
    hit = client.get("/api/v1/reports", params={"q": "onerror"}).json()
    assert hit["total"] == 1 and XSS_NAME in hit["reports"][0]["source"]
    assert client.get("/api/v1/reports", params={"q": "不存在的机关名"}).json()["total"] == 0


def test_markup_in_prose_and_file_name_is_shown_as_text(client):
    # the organization parser accepts Han names only, so a document carries markup in its prose and file name
    row = client.get("/api/v1/reports", params={"q": "onerror"}).json()["reports"][0]
    assert XSS_NAME in row["source"]
    assert XSS in client.get(f"/api/v1/reports/{row['key']}").json()["text"]  # the stored text holds it
    listing = client.get("/").text
    assert XSS_NAME not in listing and "&lt;img src=x onerror=alert(1)&gt;" in listing
    html = client.get(f"/reports/{row['key']}").text
    assert XSS not in html and XSS_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_original_file_downloads_by_key_only(client):
    key = client.get("/api/v1/reports").json()["reports"][0]["key"]
    r = client.get(f"/reports/{key}/original")
    assert r.status_code == 200 and len(r.content) > 100
    assert f'filename="{key}"' in r.headers["content-disposition"]
    for bad in ("..%2F..%2Fetc%2Fpasswd", "000000000000", "zzzzzzzzzzzz"):
        assert client.get(f"/reports/{bad}/original").status_code == 404


def test_with_a_user_every_route_needs_a_session(db_url):
    add_user(db_url)
    with TestClient(create_app(db_url, secret=b"k" * 32)) as c:
        key = "0" * 12
        for path in (
            "/api/v1/reports",
            f"/api/v1/reports/{key}",
            "/api/docs",
            "/api/openapi.json",
            "/api/v1/findings",
            "/api/v1/stats",
        ):
            assert c.get(path).status_code == 401, path
        assert c.post("/api/v1/findings/F1/review", json={"decision": "confirmed"}).status_code == 401
        for path in ("/", f"/reports/{key}", f"/reports/{key}/original", "/findings"):
            r = c.get(path, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"] == "/login", path
        assert _login(c, password="wrong password").status_code == 401
        r = _login(c)
        assert r.status_code == 303
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert c.get("/api/v1/reports").json()["total"] == TOTAL
        assert c.get("/").status_code == 200


def test_beyond_loopback_requires_login_even_without_users(db_url):
    with TestClient(create_app(db_url, host="0.0.0.0", secret=b"k" * 32)) as c:
        assert c.get("/api/v1/reports").status_code == 401
        assert c.get("/", follow_redirects=False).status_code == 303


def test_forms_without_a_valid_csrf_token_are_refused(db_url):
    add_user(db_url)
    with TestClient(create_app(db_url, secret=b"k" * 32)) as c:
        c.get("/login")
        for token in ("", "forged"):
            r = c.post("/login", data={"name": "alice", "password": "correct horse", "csrf": token})
            assert r.status_code == 403 and "E-WEB-CSRF" in r.text
        _login(c)
        assert c.post("/logout", data={"csrf": "forged"}).status_code == 403
        assert c.post("/logout", data={"csrf": _csrf(c.get("/").text)}, follow_redirects=False).status_code == 303


def test_session_cookie_cannot_be_forged_or_reused_after_expiry():
    secret = b"s" * 32
    cookie = auth.make_session(secret, "alice", now=1000)
    assert auth.read_session(secret, cookie, now=1001) == "alice"
    assert auth.read_session(b"x" * 32, cookie, now=1001) is None
    body, sig = cookie.rsplit(".", 1)
    assert auth.read_session(secret, body + "." + sig[:-1] + ("A" if sig[-1] != "A" else "B"), now=1001) is None
    assert auth.read_session(secret, cookie, now=1000 + auth.SESSION_SECONDS + 1) is None
    assert auth.verify_password(auth.hash_password("pässwort!"), "pässwort!")
    assert not auth.verify_password(auth.hash_password("pässwort!"), "passwort!")


def test_htmx_is_vendored_not_fetched(client):
    r = client.get("/static/htmx.min.js")
    assert r.status_code == 200 and b"htmx" in r.content
    key = client.get("/api/v1/reports").json()["reports"][0]["key"]
    for path in ("/", f"/reports/{key}", "/login"):
        html = client.get(path).text
        assert '<script src="/static/htmx.min.js"' in html
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html), path


def test_users_add_reads_the_password_from_stdin(tmp_path):
    from click.testing import CliRunner

    from gongkai.cli import main
    from gongkai.store.db import open_store
    from gongkai.web import queries

    url = f"sqlite:///{tmp_path / 'u.db'}"
    r = CliRunner().invoke(
        main, ["users", "add", "bob", "--role", "reviewer", "--region", "某区", "--db", url], input="long enough pw\n"
    )
    assert r.exit_code == 0, r.output
    short = CliRunner().invoke(main, ["users", "add", "eve", "--role", "viewer", "--db", url], input="short\n")
    assert short.exit_code == 2 and "E-WEB-PASSWORD" in short.output
    store = open_store(url)
    with store.engine.connect() as conn:
        bob = queries.get_user(conn, "bob")
        assert queries.get_user(conn, "eve") is None
    store.dispose()
    assert bob.role == "reviewer" and bob.region == "某区" and "long enough pw" not in bob.password_hash
    assert auth.verify_password(bob.password_hash, "long enough pw")


def _report(client, org):
    return next(
        r
        for r in client.get("/api/v1/reports", params={"page_size": 100}).json()["reports"]
        if r["organization"] == org
    )


def test_review_on_the_page_uses_the_cli_review_store(client, db_url):
    key = _report(client, "白芷县东篱街道办事处")["key"]
    page = client.get(f"/reports/{key}").text
    finding = next(f for f in client.get(f"/api/v1/reports/{key}").json()["findings"] if f["severity"] == "error")
    assert f'id="finding-{finding["key"]}"' in page and "待审核" in page
    url = f"/reports/{key}/findings/{finding['key']}/review"
    assert client.post(url, data={"decision": "dismissed", "comment": "x", "csrf": "bad"}).status_code == 403
    r = client.post(
        url,
        data={"decision": "dismissed", "comment": "已核实，<b>原文</b>无误", "csrf": _csrf(page)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    from gongkai.store.db import open_store
    from gongkai.store.review import list_findings

    store = open_store(db_url)
    with store.engine.connect() as conn:
        stored = {f.key: f for f in list_findings(conn)}[finding["key"]]
    store.dispose()
    assert stored.decision == "dismissed" and stored.comment == "已核实，<b>原文</b>无误"
    html = client.get(f"/reports/{key}").text
    assert "已驳回" in html and "&lt;b&gt;原文&lt;/b&gt;" in html
    listed = client.get("/api/v1/findings", params={"status": "dismissed"}).json()["findings"]
    assert [f["key"] for f in listed] == [finding["key"]]
    assert "已驳回" in client.get("/findings", params={"status": "dismissed"}).text


def test_api_review_needs_the_csrf_header(client):
    key = _report(client, "澄湾市清漪区民政局")["key"]
    fkey = client.get(f"/api/v1/reports/{key}").json()["findings"][0]["key"]
    url = f"/api/v1/findings/{fkey}/review"
    assert client.post(url, json={"decision": "confirmed"}).status_code == 403
    token = _csrf(client.get(f"/reports/{key}").text)
    r = client.post(url, json={"decision": "confirmed", "comment": "确认"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200
    assert client.get(f"/api/v1/reports/{key}").json()["findings"][0]["decision"] == "confirmed"
    assert (
        client.post(
            "/api/v1/findings/F999999/review", json={"decision": "confirmed"}, headers={"X-CSRF-Token": token}
        ).status_code
        == 404
    )


def test_reviewer_sees_and_reviews_only_his_region(db_url):
    add_user(db_url, "rev", "reviewer pw", role="reviewer", region="澄湾市清漪区民政局")
    add_user(db_url, "view", "viewer pw!", role="viewer")
    with TestClient(create_app(db_url, secret=b"k" * 32)) as admin_view:
        add_user(db_url, "root", "admin pw!!", role="admin")
        _login(admin_view, "root", "admin pw!!")
        other = _report(admin_view, "白芷县东篱街道办事处")["key"]
        other_finding = admin_view.get(f"/api/v1/reports/{other}").json()["findings"][0]["key"]
    with TestClient(create_app(db_url, secret=b"k" * 32)) as c:
        assert _login(c, "rev", "reviewer pw").status_code == 303
        reports = c.get("/api/v1/reports").json()["reports"]
        assert [r["organization"] for r in reports] == ["澄湾市清漪区民政局"]
        assert c.get(f"/api/v1/reports/{other}").status_code == 404
        assert c.get(f"/reports/{other}").status_code == 404
        assert c.get(f"/reports/{other}/original").status_code == 404
        assert all(f["organization"] == "澄湾市清漪区民政局" for f in c.get("/api/v1/findings").json()["findings"])
        token = _csrf(c.get("/").text)
        r = c.post(
            f"/api/v1/findings/{other_finding}/review", json={"decision": "dismissed"}, headers={"X-CSRF-Token": token}
        )
        assert r.status_code == 404
        r = c.post(f"/reports/{other}/findings/{other_finding}/review", data={"decision": "dismissed", "csrf": token})
        assert r.status_code == 404
    with TestClient(create_app(db_url, secret=b"k" * 32)) as v:
        _login(v, "view", "viewer pw!")
        mine = _report(v, "澄湾市清漪区民政局")["key"]
        fkey = v.get(f"/api/v1/reports/{mine}").json()["findings"][0]["key"]
        assert "确认</button>" not in v.get(f"/reports/{mine}").text
        r = v.post(
            f"/reports/{mine}/findings/{fkey}/review", data={"decision": "dismissed", "csrf": _csrf(v.get("/").text)}
        )
        assert r.status_code == 403 and "E-WEB-ROLE" in r.text


def test_stats_are_the_cli_stats_and_api_docs_are_offline(client, db_url):
    import json

    from click.testing import CliRunner

    from gongkai.cli import main

    stats = client.get("/api/v1/stats").json()
    cli = CliRunner().invoke(main, ["stats", "--json", "--db", db_url])
    assert cli.exit_code == 0 and stats == json.loads(cli.output)
    assert 0 < stats["total"]["reports"] <= TOTAL
    docs = client.get("/api/docs").text
    assert "/api/v1/reports/{key}" in docs and "cdn" not in docs.lower()
    assert "/api/v1/findings/{key}/review" in client.get("/api/openapi.json").json()["paths"]
