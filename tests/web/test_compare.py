"""对比 page: a report against the same body's previous year — cell differences, carry-over per column as the
cross check decides it, repeated prose marked — checked against the generated district's specs and plants."""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient

from gongkai.analysis.prose import repeated_spans
from gongkai.store.db import open_store
from gongkai.web.app import create_app
from gongkai.web.compare import compare
from tests.web.conftest import add_user
from tests.web.regionfix import built_region
from tests.web.test_web import _login


@pytest.fixture(scope="module")
def region():
    return built_region()


def _key(client, org, year):
    rows = client.get("/api/v1/reports", params={"q": org, "year": year, "page_size": 50}).json()["reports"]
    return next(r["key"] for r in rows if r["organization"] == org)


def test_repeated_spans_mark_exactly_the_copied_passage():
    copied = "本机关坚持以公开为常态、不公开为例外"
    text = f"今年新增了三项便民措施。{copied}，效果良好。"
    other = f"去年的内容完全不同，{copied}！"
    spans = repeated_spans(text, other)
    assert [text[a:b] for a, b in spans] == [copied]
    assert repeated_spans("完全不一样的一段话", other) == []
    # digits and whitespace do not break a repeated passage (as in the fingerprint)
    spaced = "本机关坚持以公开 为常态2024"
    assert [spaced[a:b] for a, b in repeated_spans(spaced, copied)] == ["本机关坚持以公开 为常态"]


def test_carry_over_per_column_is_the_cross_check(region):
    url, gen, _ = region
    mismatches = {(e.organization, e.year): set() for e in gen.expected if e.code == "CARRY-OVER-MISMATCH"}
    for e in gen.expected:
        if e.code == "CARRY-OVER-MISMATCH":
            mismatches[(e.organization, e.year)].add(e.cell_id)
    assert mismatches
    member_names = {b.name for b in gen.members}
    (org, year), cells = next((k, v) for k, v in sorted(mismatches.items()) if k[0] in member_names)
    store = open_store(url)
    try:
        with TestClient(create_app(url, secret=b"k" * 32)) as c:
            key = _key(c, org, year)
            html = c.get(f"/reports/{key}/compare").text
        with store.engine.connect() as conn:
            result = compare(conn, key, None)
    finally:
        store.dispose()
    assert {k.this_cell for k in result.carry if k.state == "不一致"} == cells
    assert all(k.state == "一致" for k in result.carry if k.this_cell not in cells)
    assert html.count(">不一致") == len(cells)


def test_cell_differences_are_those_of_the_specs(region):
    url, gen, _ = region
    body = next(b for b in gen.members if not b.aliases and not b.former)
    years = sorted(s.year for n, s in gen.specs.items() if gen.organizations[n] == body.name)
    specs = {s.year: s for n, s in gen.specs.items() if gen.organizations[n] == body.name}
    this, last = specs[years[-1]], specs[years[-2]]
    store = open_store(url)
    try:
        with TestClient(create_app(url, secret=b"k" * 32)) as c:
            key = _key(c, body.name, years[-1])
        with store.engine.connect() as conn:
            result = compare(conn, key, None)
    finally:
        store.dispose()
    assert result.last_key is not None and result.year == years[-1]
    numbers = [d for d in result.cells if isinstance(d.this, (int, float)) and isinstance(d.last, (int, float))]
    assert len(numbers) > 100
    for d in numbers:
        if d.cell_id in this.values and d.cell_id in last.values:
            assert d.changed == (this.number(d.cell_id) != last.number(d.cell_id)), d.cell_id
    assert result.changed == sum(d.changed for d in result.cells) > 0


def test_copied_prose_is_marked_and_new_prose_is_not(region):
    url, gen, _ = region
    dup = next(e for e in gen.expected if e.code == "DUPLICATE-CONTENT")
    other = next(b.name for b in gen.members if b.name != dup.organization and not b.aliases and not b.former)
    store = open_store(url)
    try:
        with TestClient(create_app(url, secret=b"k" * 32)) as c:
            dup_key, other_key = _key(c, dup.organization, dup.year), _key(c, other, dup.year)
            html = c.get(f"/reports/{dup_key}/compare").text
        with store.engine.connect() as conn:
            copied, fresh = compare(conn, dup_key, None), compare(conn, other_key, None)
    finally:
        store.dispose()
    assert copied.similarity >= 0.8 and copied.passages
    assert sum(p.repeated_chars for p in copied.passages) > 0.8 * sum(p.chars for p in copied.passages)
    assert sum(p.repeated_chars for p in fresh.passages) < 0.5 * sum(p.chars for p in fresh.passages)
    assert '<mark class="repeated">' in html


def test_first_year_has_nothing_to_compare_and_regions_are_kept(region, tmp_path):
    url, gen, folder = region
    shutil.copy(folder / "region.db", tmp_path / "r.db")
    url = f"sqlite:///{tmp_path / 'r.db'}"
    first = min(s.year for s in gen.specs.values())
    a, b = gen.members[0].name, gen.members[1].name
    add_user(url, "leaf", role="viewer", region=a)
    with TestClient(create_app(url, secret=b"k" * 32)) as c:
        _login(c, "leaf")
        key = _key(c, a, first)
        page = c.get(f"/reports/{key}/compare")
        assert page.status_code == 200 and 'id="no-previous"' in page.text
        assert c.get("/api/v1/reports", params={"q": b}).json()["total"] == 0
    add_user(url, "admin", role="admin")
    with TestClient(create_app(url, secret=b"k" * 32)) as c:
        _login(c, "admin")
        other = _key(c, b, first + 1)
    with TestClient(create_app(url, secret=b"k" * 32)) as c:
        _login(c, "leaf")
        assert re.fullmatch(r"[0-9a-f]{12}", other)
        assert c.get(f"/reports/{other}/compare").status_code == 404  # another body's report: not found


def test_only_differing_cells_are_listed_unless_all_are_asked_for(region):
    url, gen, _ = region
    body = next(b for b in gen.members if not b.aliases and not b.former)
    year = max(s.year for n, s in gen.specs.items() if gen.organizations[n] == body.name)
    with TestClient(create_app(url, secret=b"k" * 32)) as c:
        key = _key(c, body.name, year)
        some, every = c.get(f"/reports/{key}/compare").text, c.get(f"/reports/{key}/compare?all=1").text
    changed = int(re.search(r"表格数值（(\d+) 处不同，共 (\d+) 个单元格", some).group(1))
    total = int(re.search(r"共 (\d+) 个单元格", some).group(1))
    assert some.count('<tr class="warning changed"') == changed
    assert len(re.findall(r"<tr class=\"[^\"]*\" data-cell=", every)) == total > changed


def test_markup_in_prose_is_text_on_the_compare_page(region, tmp_path):
    from dataclasses import replace

    from gongkai.produce import render_spec
    from gongkai.store.ingest import ingest
    from tests.web.conftest import XSS

    _, gen, _ = region
    body = next(b for b in gen.members if not b.aliases and not b.former)
    specs = sorted((s for n, s in gen.specs.items() if gen.organizations[n] == body.name), key=lambda s: s.year)
    paths = []
    for spec in specs[-2:]:
        texts = {**spec.texts, "1": [f"本机关{XSS}认真落实条例，持续推进政务公开。"]}
        path = tmp_path / f"{spec.year}.md"
        path.write_bytes(render_spec(replace(spec, texts=texts), "md"))
        paths.append(path)
    url = f"sqlite:///{tmp_path / 'x.db'}"
    store = open_store(url)
    ingest(store, paths)
    store.dispose()
    with TestClient(create_app(url, secret=b"k" * 32)) as c:
        key = _key(c, body.name, specs[-1].year)
        html = c.get(f"/reports/{key}/compare").text
    assert 'id="no-previous"' not in html
    assert XSS not in html and "&lt;script&gt;" in html
    assert re.search(r'<mark class="repeated">[^<]*&lt;script&gt;', html)  # the repeated passage holds it, as text
