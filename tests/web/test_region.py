"""区域 page: the matrix of a generated district's bodies against what the generator planted, the roll-up state,
"—" where no registry says what to expect, the figures over years, escaping, and access across regions."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from gongkai.analysis.stats import cell_ids
from gongkai.store import schema as t
from gongkai.store.db import open_store
from gongkai.web.app import create_app
from gongkai.web.region import FIGURES, region_figures, region_matrix
from tests.web.conftest import XSS, add_user
from tests.web.regionfix import built_region
from tests.web.test_web import _login


@pytest.fixture(scope="module")
def region():
    return built_region()


@pytest.fixture
def region_copy(region, tmp_path):
    """A private copy of the region's database (for tests that add to it)."""
    url, gen, folder = region
    shutil.copy(folder / "region.db", tmp_path / "r.db")
    return f"sqlite:///{tmp_path / 'r.db'}", gen


def _client(url):
    return TestClient(create_app(url, secret=b"k" * 32))


def test_matrix_shows_what_the_generator_planted(region):
    url, gen, _ = region
    expected = Counter((e.code, e.organization, e.year) for e in gen.expected)
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            for year in sorted({s.year for s in gen.specs.values()}):
                m = region_matrix(conn, gen.district, year)
                rows = {r.name: r for r in m.rows}
                assert set(rows) == {gen.district, *(b.name for b in gen.members)}
                missing = {name for name, y in gen.missing if y == year}
                for b in gen.members:
                    row = rows[b.name]
                    assert row.reported == (b.name not in missing), (b.name, year)
                    assert row.missing == (b.name in missing)
                    late = expected[("LATE-PUBLICATION", b.name, year)] > 0
                    assert row.late in ((True,) if late else (False, None)), (b.name, year)
                own = rows[gen.district]
                assert (
                    own.is_region
                    and own.rollup
                    and own.late in ((True,) if expected[("LATE-PUBLICATION", gen.district, year)] else (False, None))
                )
                assert m.rollup.members == len(gen.members)
                assert m.rollup.with_report == len(gen.members) - len(missing)
                assert m.rollup.mismatches == expected[("ROLLUP-MISMATCH", gen.district, year)]
                assert m.rollup.incomplete == bool(expected[("ROLLUP-INCOMPLETE", gen.district, year)])
                assert m.expected == len(gen.members) + 1
                # a body with errors among its cross findings shows them
                for b in gen.members:
                    if expected[("CARRY-OVER-MISMATCH", b.name, year)]:
                        assert rows[b.name].errors >= expected[("CARRY-OVER-MISMATCH", b.name, year)]
    finally:
        store.dispose()


def test_region_page_prints_the_state_and_links(region):
    url, gen, _ = region
    last = max(s.year for s in gen.specs.values())
    with _client(url) as c:
        assert gen.district in c.get("/regions").text
        r = c.get(f"/regions/{quote(gen.district)}/{last}")
        assert r.status_code == 200
        n = len(gen.members)
        gone = sum(y == last for _, y in gen.missing)
        assert f"已汇总 {n - gone}/{n}" in r.text
        assert r.text.count('class="missing">未报') == gone
        first = min(s.year for s in gen.specs.values())
        mism = sum(e.code == "ROLLUP-MISMATCH" and e.year == first for e in gen.expected)
        assert f"ROLLUP-MISMATCH {mism} 处" in c.get(f"/regions/{quote(gen.district)}/{first}").text
        # the region's own page without a year goes to the latest year
        latest = c.get(f"/regions/{quote(gen.district)}", follow_redirects=False)
        assert latest.status_code == 303 and latest.headers["location"].endswith(f"/{last}")
        # a body without members: no roll-up expected, shown as "—"
        leaf = gen.members[0].name
        page = c.get(f"/regions/{quote(leaf)}/{last}").text
        assert "汇总：—" in page and "应报 — 个机关" in page
        assert c.get(f"/regions/{quote('没有这个机关')}/{last}").status_code == 404


def test_body_outside_the_registry_is_shown_with_dashes(region_copy):
    url, gen = region_copy
    store = open_store(url)
    with store.begin() as conn:
        district = conn.execute(select(t.organization.c.id).where(t.organization.c.name == gen.district)).scalar()
        conn.execute(
            insert(t.organization).values(
                name="青禾市桐溪区档案馆", kind="department", parent_id=district, source="auto"
            )
        )
        leaf = conn.execute(select(t.organization.c.id).where(t.organization.c.name == gen.members[0].name)).scalar()
        conn.execute(insert(t.organization).values(name="某某科", kind="other", parent_id=leaf, source="auto"))
    store.dispose()
    last = max(s.year for s in gen.specs.values())
    with _client(url) as c:
        html = c.get(f"/regions/{quote(gen.district)}/{last}").text
    row = re.search(r"<tr[^>]*>\s*<td>青禾市桐溪区档案馆（名录外）</td>(.*?)</tr>", html, re.S)
    assert row, "the auto body has a row"
    assert '<td class="missing">—</td>' in row.group(1)  # nobody said it must report
    assert f"应报 {len(gen.members) + 1} 个机关" in html  # and it is not counted as expected
    with _client(url) as c:
        only_auto = c.get(f"/regions/{quote(gen.members[0].name)}/{last}").text
    assert "某某科（名录外）" in only_auto and "汇总：—" in only_auto and "应报 — 个机关" in only_auto


def test_figures_over_years_are_the_members_sums(region):
    url, gen, _ = region
    ids = cell_ids()
    members = {b.name for b in gen.members}
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            fig = region_figures(conn, gen.district)
    finally:
        store.dispose()
    label = next(lab for lab, path in FIGURES if path == "received")
    received = dict(fig.series)[label]
    for year, value in zip(fig.years, received):
        specs = [s for name, s in gen.specs.items() if int(year) == s.year and gen.organizations[name] in members]
        assert value == sum(s.number(ids.received) for s in specs), year
    with _client(url) as c:
        html = c.get(f"/regions/{quote(gen.district)}/{fig.years[-1]}").text
    assert '<script src="/static/echarts.min.js"' in html and 'id="figures"' in html  # table for no-JS readers
    assert c.get("/static/echarts.min.js").status_code == 200


def test_markup_in_a_body_name_is_text(region_copy):
    url, gen = region_copy
    store = open_store(url)
    with store.begin() as conn:
        district = conn.execute(select(t.organization.c.id).where(t.organization.c.name == gen.district)).scalar()
        conn.execute(
            insert(t.organization).values(
                name=f"桐溪区{XSS}局", kind="department", parent_id=district, source="registry"
            )
        )
    store.dispose()
    last = max(s.year for s in gen.specs.values())
    with _client(url) as c:
        html = c.get(f"/regions/{quote(gen.district)}/{last}").text
        assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert XSS not in c.get("/regions").text


def test_a_reviewer_sees_only_his_region(region_copy):
    url, gen = region_copy
    add_user(url, "rev", role="reviewer", region=gen.district)
    leaf = gen.members[0].name
    add_user(url, "leaf", role="viewer", region=leaf)
    last = max(s.year for s in gen.specs.values())
    with _client(url) as c:
        assert c.get(f"/regions/{quote(gen.district)}/{last}", follow_redirects=False).status_code == 303
        _login(c, "rev")
        assert c.get(f"/regions/{quote(gen.district)}/{last}").status_code == 200
        assert c.get(f"/regions/{quote(leaf)}/{last}").status_code == 200
        assert c.get(f"/regions/{quote(gen.city)}/{last}").status_code == 403
        assert gen.city not in c.get("/regions").text
    with _client(url) as c:
        _login(c, "leaf")
        assert c.get(f"/regions/{quote(gen.district)}/{last}").status_code == 403
        assert c.get(f"/regions/{quote(leaf)}/{last}").status_code == 200


def test_region_as_json(region_copy):
    url, gen = region_copy
    last = max(s.year for s in gen.specs.values())
    add_user(url, "leaf", role="viewer", region=gen.members[0].name)
    with _client(url) as c:
        assert c.get(f"/api/v1/regions/{quote(gen.district)}/{last}").status_code == 401
    add_user(url, "admin")
    with _client(url) as c:
        _login(c, "admin")
        data = c.get(f"/api/v1/regions/{quote(gen.district)}/{last}").json()
        assert c.get(f"/api/v1/regions/{quote('没有这个机关')}/{last}").status_code == 404
    gone = {n for n, y in gen.missing if y == last}
    assert {b["name"] for b in data["bodies"] if b["missing"]} == gone
    assert data["rollup"]["with_report"] == len(gen.members) - len(gone)
    with _client(url) as c:
        _login(c, "leaf")
        assert c.get(f"/api/v1/regions/{quote(gen.district)}/{last}").status_code == 403
