"""The stored state after ingesting a set of files does not depend on how they arrived."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from gongkai.examples.generate import random_spec
from gongkai.render.text import render_text
from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from gongkai.store.orgs import org_nodes


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.dispose()


def _write(folder: Path, name: str, organization: str, body_kind: str, seed: int) -> Path:
    rng = random.Random(seed)
    spec = random_spec(rng, "2021", organization=organization, body_kind=body_kind, year=2023,
                       region="青禾市桐溪区")
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(render_text(spec, "pipe_rows", rng), encoding="utf-8")
    return p


def _tree(store) -> dict[str, str | None]:
    with store.engine.connect() as conn:
        nodes = org_nodes(conn)
    return {n.name: nodes[n.parent_id].name if n.parent_id in nodes else None for n in nodes.values()}


THREE = (("city.txt", "青禾市人民政府", "government"), ("dept.txt", "青禾市桐溪区民政局", "department"),
         ("county.txt", "青禾市桐溪区人民政府", "government"))


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_department_seen_before_its_county_government_gets_the_county(store_url, tmp_path, order):
    """Three reports, one ingest each, in every order: the department ends under its district's government,
    never under the city, whichever of them was stored first."""
    s = open_store(store_url)
    try:
        for i in order:
            name, org, kind = THREE[i]
            ingest(s, [_write(tmp_path / name, name, org, kind, seed=i)])
        tree = _tree(s)
    finally:
        s.dispose()
    assert tree == {"青禾市人民政府": None, "青禾市桐溪区人民政府": "青禾市人民政府",
                    "青禾市桐溪区民政局": "青禾市桐溪区人民政府"}
