"""API tokens: made by `gongkai users token`, printed once, stored hashed, accepted as Bearer on /api/v1 only,
acting as their user (region kept), and dead once revoked."""

from __future__ import annotations

import hashlib

from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select

from gongkai.cli import main
from gongkai.store import schema as t
from gongkai.store.db import open_store
from gongkai.web.app import create_app
from tests.web.conftest import add_user


def _token(url, name, *extra):
    r = CliRunner().invoke(main, ["users", "token", name, "--db", url, *extra])
    assert r.exit_code == 0, r.output
    return r.stdout.strip().splitlines()[0]


def test_token_is_printed_once_and_stored_hashed(db_url):
    add_user(db_url)
    token = _token(db_url, "alice", "--label", "夜间导出")
    assert token.startswith("gk_") and len(token) > 40
    store = open_store(db_url)
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.api_token)).all()
    store.dispose()
    assert len(rows) == 1 and rows[0].token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(v) for v in rows[0])  # never the token itself
    listed = CliRunner().invoke(main, ["users", "tokens", "--db", db_url])
    assert rows[0].prefix in listed.output and token not in listed.output and "夜间导出" in listed.output
    unknown = CliRunner().invoke(main, ["users", "token", "nobody", "--db", db_url])
    assert unknown.exit_code == 2 and "[E-WEB-USER]" in unknown.output


def test_bearer_works_on_the_api_only_and_not_after_revocation(db_url):
    add_user(db_url)
    token = _token(db_url, "alice")
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(db_url, secret=b"k" * 32)) as c:
        assert c.get("/api/v1/reports").status_code == 401
        r = c.get("/api/v1/reports", headers=auth)
        assert r.status_code == 200 and r.json()["total"] > 0
        assert c.get("/api/v1/stats", headers=auth).json()["rows"]
        # pages do not take tokens: still a redirect to the login page
        page = c.get("/", headers=auth, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login"
        # a write with the token needs no CSRF header (a browser never sends the token by itself)
        key = c.get("/api/v1/findings", headers=auth).json()["findings"][0]["key"]
        w = c.post(f"/api/v1/findings/{key}/review", headers=auth, json={"decision": "confirmed", "comment": "脚本"})
        assert w.status_code == 200, w.text
        bad = c.get("/api/v1/reports", headers={"Authorization": f"Bearer {token[:-2]}xx"})
        assert bad.status_code == 401 and bad.json()["error"] == "E-WEB-TOKEN"
        prefix = token.split("_")[1]
        r = CliRunner().invoke(main, ["users", "revoke-token", prefix, "--db", db_url])
        assert r.exit_code == 0, r.output
        assert c.get("/api/v1/reports", headers=auth).status_code == 401
    again = CliRunner().invoke(main, ["users", "revoke-token", prefix, "--db", db_url])
    assert again.exit_code == 2 and "[E-WEB-TOKEN-UNKNOWN]" in again.output


def test_a_token_keeps_its_users_region(db_url):
    add_user(db_url, "admin")
    add_user(db_url, "rev", role="reviewer", region="没有这个区")  # a region naming no body sees nothing
    with TestClient(create_app(db_url, secret=b"k" * 32)) as c:
        everything = c.get("/api/v1/reports", headers={"Authorization": f"Bearer {_token(db_url, 'admin')}"})
        limited = c.get("/api/v1/reports", headers={"Authorization": f"Bearer {_token(db_url, 'rev')}"})
    assert everything.json()["total"] > 0 and limited.json()["total"] == 0


def test_openapi_lists_the_stats_route(client):
    spec = client.get("/api/openapi.json").json()
    assert "/api/v1/stats" in spec["paths"]
    assert "/api/v1/stats" in client.get("/api/docs").text
