"""Security sweep over every route the app has (enumerated from ``app.routes``, so a new route is covered
without editing this file): markup placed in every field a document or a registry can fill renders as text on
every page and API answer (no alert fires in the browser); with one user defined nothing but the login, the
health check and the static files answers without a session; every POST without its CSRF token gets 403."""

from __future__ import annotations

import json
import random
import re
import shutil
from urllib.parse import quote

import pytest
from fastapi import params
from fastapi.testclient import TestClient

from gongkai.orgs.registry import load_registry
from gongkai.render.layouts import render_text
from gongkai.store import schema as t
from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from gongkai.store.orgs import import_registry
from gongkai.web.app import create_app
from tests.web.conftest import add_user
from tests.web.detail_fixtures import wrong_total_spec
from tests.web.browser import SCREENSHOTS, chromium_page, serving

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'  # no "/": fits a file name and a URL path segment
# registry names lose their white space, and a region's name is a URL path segment (no "/")
REG_IMG = '"><img/src=x/onerror=alert(3)>'
BODY = f"清漪区民政局{REG_IMG}"  # registry names: the body the report is matched to, and its region
DISTRICT = "清漪区'\"><b>测试"
# any of these, unescaped, in an HTML answer would be markup from a document or a registry
RAW = ("<script>alert(", "<img src=x onerror=", "<img/src=x/onerror=", "<b>测试")
ESCAPED = ("&lt;script&gt;alert(", "&lt;img src=x onerror=", "&lt;img/src=x/onerror=", "&lt;b&gt;测试")
PRINTED = "清漪区民政局"  # what the document prints (readers keep only the CJK run of a name)
PUBLIC = ("/login", "/healthz", "/static")
HOSTILE_CELL = "requests.received.total"


def _routes(app) -> list[tuple[str, str, object]]:
    """(method, path, route) for every route of the app, through included routers."""
    out = []

    def walk(routes, prefix=""):
        for r in routes:
            inner = getattr(r, "original_router", None)
            if inner is not None:
                walk(inner.routes, prefix + r.include_context.prefix)
                continue
            for m in sorted(getattr(r, "methods", None) or ()):
                if m != "HEAD":
                    out.append((m, prefix + r.path, r))

    walk(app.routes)
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A store whose report carries the payload in its title, prose, a cell's raw text and its file name, and
    whose registry names (the region, the body) carry it too."""
    folder = tmp_path_factory.mktemp("sweep")
    spec = wrong_total_spec(11)  # a printed total off by 3: findings name cells
    text = render_text(spec, "pipe_rows", random.Random(11))
    title = text.splitlines()[0]
    assert spec.organization in title
    text = text.replace(spec.organization, PRINTED)
    text = text.replace(
        title.replace(spec.organization, PRINTED), title.replace(spec.organization, PRINTED) + f"（{SCRIPT}）", 1
    )
    text = text.replace("一、总体情况\n", f"一、总体情况\n本机关{SCRIPT}{IMG}认真落实。\n", 1)
    name = folder / f"r{IMG}.txt"
    name.write_text(text, encoding="utf-8")
    registry = {
        "organizations": [
            {
                "name": DISTRICT,
                "kind": "government",
                "level": "district",
                "children": [{"name": BODY, "kind": "department", "aliases": [PRINTED]}],
            }
        ]
    }
    url = f"sqlite:///{folder / 'sweep.db'}"
    store = open_store(url)
    with store.begin() as conn:
        import_registry(conn, load_registry(json.dumps(registry, ensure_ascii=False)))
    summary = ingest(store, [name])
    assert summary.failed == []
    with store.begin() as conn:
        # our readers keep no markup in a cell today; a stored cell may still hold any text (another reader,
        # an older store), so one is written here as a hostile store would hold it
        changed = conn.execute(
            t.cell.update()
            .where(t.cell.c.cell_id == HOSTILE_CELL)
            .values(raw=f"{SCRIPT}{IMG}", meaning="text", value=None)
        ).rowcount
        assert changed == 1
    store.dispose()
    return url, folder


def _hostile_key(listing: dict) -> str:
    """The hostile report's key (another test may have uploaded a file into the same store)."""
    return next(r["key"] for r in listing["reports"] if r["organization"] == BODY)


def _urls(client, app, url_key: str, upload_id: str) -> list[str]:
    """A GET URL for every GET route (path parameters filled with the hostile report's), plus the reflecting
    query strings of the filter forms."""
    values = {
        "key": url_key,
        "n": "1",
        "upload_id": upload_id,
        "region": quote(DISTRICT, safe=""),
        "year": "2021",
        "finding": "F-AAAAAAAAAA",
    }
    urls = []
    for method, path, _ in _routes(app):
        if method != "GET" or path.startswith(PUBLIC):
            continue
        urls.append(re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path))
    q = quote(f"{SCRIPT}{IMG}")
    urls += [
        f"/?q={q}",
        f"/findings?org={q}",
        f"/fill?organization={q}&year=2021",
        f"/notices?org={q}",
        f"/reports/{url_key}?cell={q}&finding={q}",
        f"/api/v1/reports?q={q}",
    ]
    return urls


def test_payloads_render_as_text_on_every_route(hostile):
    url, _ = hostile
    app = create_app(url, secret=b"k" * 32)
    with TestClient(app) as c:
        key = _hostile_key(c.get("/api/v1/reports").json())
        detail = c.get(f"/api/v1/reports/{key}").json()
        # the payload really is in the stored fields (else the sweep would prove nothing)
        assert detail["organization"] == BODY and IMG in detail["source"] and SCRIPT in detail["text"]
        assert {c["id"]: c["raw"] for c in detail["cells"]}[HOSTILE_CELL] == f"{SCRIPT}{IMG}" and detail["findings"]
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/upload").text).group(1)
        up = c.post(
            "/api/v1/documents",
            files=[("files", (f"u{IMG}.txt", b"not a report", "text/plain"))],
            headers={"X-CSRF-Token": token},
        ).json()
        shown = {}
        for u in _urls(c, app, key, up["id"]):
            r = c.get(u)
            assert r.status_code < 500, u
            kind = r.headers.get("content-type", "")
            if kind.startswith("text/html"):
                assert not any(raw in r.text for raw in RAW), u
                shown[u.split("?")[0]] = any(e in r.text for e in ESCAPED)
            else:  # JSON, images, DOCX, XLSX: never served as a page a browser would run
                assert not kind.startswith(("text/html", "application/xhtml")), u
                if kind.startswith("application/json"):
                    assert r.json() is not None
        # the 整改通知 holds the names as Word text (python-docx reads them back unchanged)
        import io

        from docx import Document

        notice = Document(io.BytesIO(c.get(f"/notices/{key}.docx").content))
        assert BODY in "\n".join(p.text for p in notice.paragraphs)
        # where the payload is shown at all, it is shown escaped
        for page in (
            "/",
            f"/reports/{key}",
            "/findings",
            "/regions",
            f"/uploads/{up['id']}",
            f"/regions/{quote(DISTRICT, safe='')}/2021",
            f"/reports/{key}/compare",
            "/fill",
            "/notices",
        ):
            assert shown.get(page), page


def test_no_alert_fires_on_any_page_in_the_browser(hostile):
    url, _ = hostile
    app = create_app(url)
    with serving(app) as base, chromium_page() as page:
        key = _hostile_key(page.request.get(f"{base}/api/v1/reports").json())
        visited = 0
        for u in _urls(None, app, key, "0" * 16):
            r = page.request.get(base + u)
            if not r.headers.get("content-type", "").startswith("text/html"):
                continue
            page.goto(base + u)
            page.wait_for_load_state("load")
            visited += 1
        assert visited >= 10
        page.goto(f"{base}/reports/{key}")
        assert BODY in page.locator("h1").inner_text()  # the registry name, as text
        page.locator("details summary").click()  # the text as read, with the hostile prose
        assert f"本机关{SCRIPT}{IMG}认真落实。" in page.locator("details pre").inner_text()
        assert page.locator(f'td[id="cell-{HOSTILE_CELL}"]').inner_text().strip() == f"{SCRIPT}{IMG}"
        page.screenshot(path=str(SCREENSHOTS / "sweep-report.png"), full_page=True)
        assert page.dialogs == []


@pytest.fixture
def guarded(hostile, tmp_path):
    """A copy of the hostile store with one user defined."""
    url, _ = hostile
    path = tmp_path / "guarded.db"
    shutil.copy(url.removeprefix("sqlite:///"), path)
    guarded_url = f"sqlite:///{path}"
    add_user(guarded_url)
    return guarded_url


def _fill(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: {"n": "1", "year": "2021"}.get(m.group(1), "x"), path)


def test_with_one_user_every_route_needs_a_session(guarded):
    app = create_app(guarded, secret=b"k" * 32)
    routes = [(m, p) for m, p, _ in _routes(app) if not p.startswith(PUBLIC)]
    paths = {p for _, p in routes}
    assert {"/", "/reports/{key}", "/api/v1/reports/{key}", "/api/v1/documents", "/fill/check"} <= paths
    with TestClient(app) as c:
        for method, path in routes:
            r = c.request(method, _fill(path), follow_redirects=False)
            if path.startswith("/api/"):
                assert r.status_code == 401, (method, path, r.status_code)
            else:
                assert r.status_code in (302, 303, 307) and r.headers["location"] == "/login", (method, path)
        assert c.get("/healthz").status_code == 200 and c.get("/login").status_code == 200


def _post_without_csrf(c, path: str, route) -> int:
    """Every declared field of the route filled (files, form fields, JSON body) except the CSRF token."""
    files, data, body = [], {}, {}
    for f in route.dependant.body_params:
        info = f.field_info
        if isinstance(info, params.File):
            files.append((f.alias, ("a.txt", b"x", "text/plain")))
        elif f.alias in ("csrf",):
            continue
        elif isinstance(info, params.Form):
            data[f.alias] = {"decision": "confirmed", "action": "withdraw"}.get(f.alias, "1")
        else:
            body[f.alias] = {"decision": "confirmed"}.get(f.alias, "1")
    if body:
        return c.post(path, json=body, follow_redirects=False).status_code
    return c.post(
        path, data=data or {"organization": "某局", "year": "2021"}, files=files or None, follow_redirects=False
    ).status_code


def test_every_post_without_its_csrf_token_is_refused(guarded):
    app = create_app(guarded, secret=b"k" * 32)
    posts = [(p, r) for m, p, r in _routes(app) if m == "POST"]
    assert {"/upload", "/fill/render", "/api/v1/findings/{key}/review", "/reports/{key}/versions"} <= {
        p for p, _ in posts
    }
    with TestClient(app) as c:
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
        assert (
            c.post(
                "/login", data={"name": "alice", "password": "correct horse", "csrf": token}, follow_redirects=False
            ).status_code
            == 303
        )
        key = _hostile_key(c.get("/api/v1/reports").json())
        for path, route in posts:
            filled = re.sub(r"\{(\w+)\}", lambda m: {"key": key, "finding": "F-AAAAAAAAAA"}.get(m.group(1), "x"), path)
            assert _post_without_csrf(c, filled, route) == 403, path
        # the same session with its token is let through (the 403s above were the missing token)
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/upload").text).group(1)
        assert c.post("/fill/check", data={"csrf": token, "organization": "某局", "year": "2021"}).status_code == 200
        assert c.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
