"""The workbench over HTTP: pages and API, default deny, CSRF, escaping of document text."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from gongkai.web import auth
from gongkai.web.app import create_app
from tests.web.conftest import XSS, XSS_NAME, add_user


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _login(client, name="alice", password="correct horse"):
    token = _csrf(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf": token}, follow_redirects=False)


def test_open_on_loopback_without_users_lists_and_shows_reports(client):
    data = client.get("/api/v1/reports").json()
    assert data["total"] == 4 and len(data["reports"]) == 4
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
    assert client.get("/api/v1/reports", params={"page_size": 3}).json()["reports"].__len__() == 3
    second = client.get("/api/v1/reports", params={"page_size": 3, "page": 2}).json()
    assert second["total"] == 4 and len(second["reports"]) == 1
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
        for path in ("/api/v1/reports", f"/api/v1/reports/{key}", "/api/docs", "/api/openapi.json"):
            assert c.get(path).status_code == 401, path
        for path in ("/", f"/reports/{key}", f"/reports/{key}/original"):
            r = c.get(path, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"] == "/login", path
        assert _login(c, password="wrong password").status_code == 401
        r = _login(c)
        assert r.status_code == 303
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert c.get("/api/v1/reports").json()["total"] == 4
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
    r = CliRunner().invoke(main, ["users", "add", "bob", "--role", "reviewer", "--region", "某区", "--db", url],
                           input="long enough pw\n")
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
