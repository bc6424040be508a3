"""区域, 对比 and API tokens on SQLite and PostgreSQL alike (the store queries they add are portable)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

from fastapi.testclient import TestClient

from gongkai.examples.region import REGISTRY_FILE, generate_region, write_region
from gongkai.orgs.registry import load_registry
from gongkai.reading import READER_NAMES
from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from gongkai.store.orgs import import_registry
from gongkai.web import tokens
from gongkai.web.app import create_app
from tests.web.conftest import add_user
from tests.web.regionfix import DEPARTMENTS
from tests.web.test_web import _login


def test_region_compare_and_tokens(store_url, tmp_path):
    gen = generate_region(0, departments=DEPARTMENTS)
    write_region(gen, tmp_path)
    store = open_store(store_url)
    with store.begin() as conn:
        import_registry(conn, load_registry(tmp_path / REGISTRY_FILE))
    ingest(store, sorted(p for p in tmp_path.iterdir() if p.is_dir()))
    add_user(store_url, "script", role="viewer", region=gen.district)
    with store.begin() as conn:
        token = tokens.new_token(conn, "script", "测试")
    store.dispose()
    last = max(s.year for s in gen.specs.values())
    gone = sum(y == last for _, y in gen.missing)
    carry = Counter((e.organization, e.year) for e in gen.expected if e.code == "CARRY-OVER-MISMATCH")
    org, year = next(k for k in sorted(carry) if k[0] != gen.district)
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(store_url, secret=b"k" * 32)) as c:
        reports = c.get("/api/v1/reports", headers=auth, params={"q": org, "year": year}).json()["reports"]
        key = next(r["key"] for r in reports if r["organization"] == org)
        # the reading report comes back from the JSON column as the stored object on both databases
        reading = c.get(f"/api/v1/reports/{key}", headers=auth).json()["reading"]
        assert reading["summary"].startswith(f"读取：{READER_NAMES[reading['reader']]} · ")
        _login(c, "script")  # pages take a session, not a token
        page = c.get(f"/regions/{quote(gen.district)}/{last}")
        assert page.status_code == 200
        assert f"已汇总 {len(gen.members) - gone}/{len(gen.members)}" in page.text
        assert c.get(f"/reports/{key}/compare").text.count(">不一致") == carry[(org, year)]
    store = open_store(store_url)
    with store.begin() as conn:
        assert tokens.revoke(conn, token.split("_")[1])
    store.dispose()
    with TestClient(create_app(store_url, secret=b"k" * 32)) as c:
        assert c.get("/api/v1/reports", headers=auth).status_code == 401
