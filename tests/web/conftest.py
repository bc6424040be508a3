"""A store with generated reports (our own generator) and a TestClient over the workbench."""

from __future__ import annotations

import dataclasses
import random

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

from fastapi.testclient import TestClient  # noqa: E402

from gongkai.examples.bundled import example_texts  # noqa: E402
from gongkai.examples.generate import random_spec  # noqa: E402
from gongkai.spec import request_cell as _req  # noqa: E402
from gongkai.standard.layout import request_layout  # noqa: E402
from gongkai.render.layouts import render_text  # noqa: E402
from gongkai.store.db import open_store  # noqa: E402
from gongkai.store.ingest import ingest  # noqa: E402
from gongkai.web import auth, queries  # noqa: E402
from gongkai.web.app import create_app  # noqa: E402

DEFECT_ERRORS = "10_defect_street_rules_and_total.txt"  # 白芷县东篱街道办事处, identity errors
DEFECT_WARNINGS = "11_defect_narrative_and_fee.txt"  # 澄湾市清漪区民政局, warnings
TOTAL = 6
XSS = "<script>alert(1)</script>"
XSS_NAME = "<img src=x onerror=alert(1)>"  # a file name can hold markup too (no "/" possible)


def write_corpus(folder, n=4):
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        rng = random.Random(100 + i)
        spec = random_spec(rng, "2021", allow_blank=False)
        text = render_text(spec, "pipe_rows", rng)
        name = f"r{i}.txt"
        if i == 0:  # hostile prose and file name, as a publisher could make them
            assert "一、总体情况\n" in text
            text = text.replace("一、总体情况\n", f"一、总体情况\n本机关{XSS}认真落实。\n", 1)
            name = f"r{i}{XSS_NAME}.txt"
        p = folder / name
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    texts = example_texts()  # two bundled reports with errors and warnings, for review and region tests
    for name in (DEFECT_ERRORS, DEFECT_WARNINGS):
        p = folder / name
        p.write_text(texts[name], encoding="utf-8")
        paths.append(p)
    return paths


@pytest.fixture
def db_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'web.db'}"
    store = open_store(url)
    ingest(store, write_corpus(tmp_path / "in"))
    store.dispose()
    return url


def add_user(url, name="alice", password="correct horse", role="admin", region=None):
    store = open_store(url)
    with store.begin() as conn:
        queries.add_user(conn, name, role, region, auth.hash_password(password))
    store.dispose()


@pytest.fixture
def client(db_url):
    with TestClient(create_app(db_url, secret=b"k" * 32)) as c:
        yield c


@pytest.fixture(scope="session")
def pdf_db(tmp_path_factory):
    """A store holding one PDF made by our renderer (DOCX → LibreOffice), with a wrong total so a finding
    points at cells; skips without LibreOffice."""
    from gongkai.errors import MissingDependency
    from gongkai.readers.libreoffice import find_soffice
    from gongkai.render.pdf import render_pdfs

    if find_soffice() is None:
        pytest.skip("LibreOffice not installed: PDF fixtures cannot be made")
    folder = tmp_path_factory.mktemp("pdf")
    rng = random.Random(7)
    spec = random_spec(rng, "2021", activity="busy", allow_blank=False, allow_na=False)
    values = dict(spec.values)
    lay = request_layout(spec.format)
    total = _req(lay.results_total, lay.total_column)
    values[total] = spec.number(total) + 3  # one printed number off: identities fail, the finding names cells
    spec = dataclasses.replace(spec, values=values)
    try:
        paths = render_pdfs([(spec, rng)], folder / "in")
    except MissingDependency as exc:
        pytest.skip(str(exc))
    url = f"sqlite:///{folder / 'pdf.db'}"
    store = open_store(url)
    ingest(store, paths)
    store.dispose()
    return url
