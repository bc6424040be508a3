"""The stored state after ingesting a set of files does not depend on how they arrived."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from gongkai.examples.generate import random_spec
from gongkai.render.layouts import render_text
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
    spec = random_spec(rng, "2021", organization=organization, body_kind=body_kind, year=2023, region="青禾市桐溪区")
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(render_text(spec, "pipe_rows", rng), encoding="utf-8")
    return p


def _tree(store) -> dict[str, str | None]:
    with store.engine.connect() as conn:
        nodes = org_nodes(conn)
    return {n.name: nodes[n.parent_id].name if n.parent_id in nodes else None for n in nodes.values()}


THREE = (
    ("city.txt", "青禾市人民政府", "government"),
    ("dept.txt", "青禾市桐溪区民政局", "department"),
    ("county.txt", "青禾市桐溪区人民政府", "government"),
)


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
    assert tree == {
        "青禾市人民政府": None,
        "青禾市桐溪区人民政府": "青禾市人民政府",
        "青禾市桐溪区民政局": "青禾市桐溪区人民政府",
    }


# ------------------------------------------------------------------- a generated region, ingested four ways

import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from gongkai.cli import main  # noqa: E402
from gongkai.examples.region import REGISTRY_FILE, generate_region, write_region  # noqa: E402
from gongkai.orgs.registry import load_registry  # noqa: E402
from gongkai.store.orgs import import_registry  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def region_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("region")
    region = generate_region(0, departments=8)
    write_region(region, root)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != REGISTRY_FILE)
    return region, root, files


def _registry(url: str, root: Path) -> None:
    s = open_store(url)
    try:
        with s.begin() as conn:
            import_registry(conn, load_registry(root / REGISTRY_FILE))
    finally:
        s.dispose()


def _cmd(url: str, paths: list[Path]) -> list[str]:
    return [sys.executable, "-m", "gongkai.cli", "ingest", *map(str, paths), "--db", url, "--no-progress"]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


def _state(url: str, tmp_path: Path) -> tuple[list[str], dict]:
    """The findings export, byte for byte, and the organization tree."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "findings.json"
    result = CliRunner().invoke(main, ["export", "--findings", "--db", url, "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = out.read_text("utf-8").splitlines()
    s = open_store(url)
    try:
        tree = _tree(s)
    finally:
        s.dispose()
    return rows, tree


def _one_run(url, root, files, tmp_path):
    s = open_store(url)
    try:
        ingest(s, files)
    finally:
        s.dispose()


def _halves_reversed(url, root, files, tmp_path):
    s = open_store(url)
    try:
        half = len(files) // 2
        ingest(s, list(reversed(files[half:])))
        ingest(s, list(reversed(files[:half])))
    finally:
        s.dispose()


def _killed_then_rerun(url, root, files, tmp_path):
    """SIGKILL a subprocess ingest at a random moment (seeded), then run again."""
    import time

    rng = random.Random(len(files))
    shuffled = files[:]
    rng.shuffle(shuffled)
    proc = subprocess.Popen(
        _cmd(url, shuffled), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    time.sleep(rng.uniform(0.5, 4.0))  # waiting, not timing: any moment must converge
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(60)
    s = open_store(url)
    try:
        ingest(s, files)
    finally:
        s.dispose()


def _concurrent(url, root, files, tmp_path):
    procs = [
        subprocess.Popen(_cmd(url, order), env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for order in (files, list(reversed(files)))
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs


WAYS = {
    "one_run": _one_run,
    "halves_reversed": _halves_reversed,
    "killed_then_rerun": _killed_then_rerun,
    "concurrent": _concurrent,
}


def test_region_ingested_four_ways_gives_the_same_findings_and_tree(store_url, tmp_path, region_files, request):
    region, root, files = region_files
    states = {}
    for i, (name, way) in enumerate(WAYS.items()):
        if i == 0:
            url = store_url
        elif store_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / (name + '.db')}"
        else:
            url = request.getfixturevalue("postgres_server").new_database(
                f"t_{abs(hash(request.node.nodeid)) % 10**8}_{name}"
            )
        _registry(url, root)
        way(url, root, files, tmp_path)
        states[name] = _state(url, tmp_path / name)
    first = states["one_run"]
    assert first[0], "the region has planted findings"
    for name, state in states.items():
        assert state[0] == first[0], name
        assert state[1] == first[1], name


# ------------------------------------------------------------------------------ keys, review, mirror sites


def _cli(*args) -> "object":
    return CliRunner().invoke(main, [str(a) for a in args])


def _planted_keys(url: str) -> dict[tuple, str]:
    from gongkai.store.review import list_findings

    s = open_store(url)
    try:
        with s.engine.connect() as conn:
            return {(f.code, f.organization, f.year, f.fingerprint): f.key for f in list_findings(conn, cross=True)}
    finally:
        s.dispose()


def test_keys_are_stable_and_review_keeps_history(tmp_path, region_files):
    region, root, files = region_files
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    for url, order in ((a, files), (b, list(reversed(files)))):
        _registry(url, root)
        _one_run(url, root, order, tmp_path)
    keys = _planted_keys(a)
    assert keys and keys == _planted_keys(b)
    assert all(k.startswith("X-") and len(k) == 12 for k in keys.values())
    _one_run(a, root, files, tmp_path)  # re-ingest: the same keys
    assert _planted_keys(a) == keys

    key = next(k for (code, *_), k in sorted(keys.items()) if code == "LATE-PUBLICATION")
    r = _cli("review", key, "--confirm", "--dismiss", "-m", "x", "--db", a)
    assert r.exit_code == 2 and "[E-REVIEW-FLAGS]" in r.output
    r = _cli("review", key, "--dismiss", "--db", a)
    assert r.exit_code == 2 and "[E-REVIEW-REASON]" in r.output
    assert _cli("review", key, "--dismiss", "-m", "系统故障，已报备", "--reviewer", "甲", "--db", a).exit_code == 0
    assert _cli("review", key, "--confirm", "--reviewer", "乙", "--db", a).exit_code == 0
    shown = json.loads(_cli("findings", "--json", "--cross", "--limit", "0", "--db", a).output)
    mine = [f for f in shown if f["key"] == key]
    assert len(mine) == 1 and mine[0]["review"]["decision"] == "confirmed"
    assert mine[0]["review"]["comment"] == "系统故障，已报备"  # the confirmation brought no comment: kept
    history = _cli("review", key, "--history", "--db", a)
    assert history.exit_code == 0 and "2 条审核记录" in history.output and "系统故障，已报备" in history.output
    assert history.output.index("已驳回") < history.output.index("已确认")
    r = _cli("review", "X13", "--confirm", "--db", a)  # an old row-number key is refused, not guessed
    assert r.exit_code == 2 and "[E-REVIEW]" in r.output


def test_mirror_site_short_name_is_not_matched_across_places(tmp_path, region_files):
    """A 区财政局 report from an unrelated place (a mirror site) is not matched to the registry's
    青禾市桐溪区财政局 and gives no carry-over finding against it."""
    region, root, files = region_files
    url = f"sqlite:///{tmp_path / 'm.db'}"
    _registry(url, root)
    _one_run(url, root, files, tmp_path)
    before = _planted_keys(url)
    rng = random.Random(3)
    mirror = tmp_path / "mirror" / "某省某县" / "2024"
    spec = random_spec(rng, "2021", organization="区财政局", body_kind="department", year=2024)
    mirror.mkdir(parents=True)
    (mirror / "区财政局2024年报.txt").write_text(render_text(spec, "pipe_rows", rng), encoding="utf-8")
    s = open_store(url)
    try:
        summary = ingest(s, [mirror])
        from sqlalchemy import select

        from gongkai.store import schema as t

        with s.engine.connect() as conn:
            row = conn.execute(
                select(t.parse.c.organization_id, t.parse.c.organization_match).where(
                    t.parse.c.organization_printed == "区财政局"
                )
            ).one()
    finally:
        s.dispose()
    assert row.organization_id is None and row.organization_match in ("unmatched", "ambiguous")
    assert any(printed == "区财政局" for _, printed, _ in summary.ambiguous)
    assert _planted_keys(url) == before  # no new cross finding (no carry-over against 桐溪区财政局)
