"""A report page and the same report attached to it as PDF, fetched together, become versions of one report:
one group, one counting version, no DUPLICATE-REPORT (store/versions.py's equal-cells rule)."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from gongkai.examples.generate import random_spec
from gongkai.examples.portal import build_portal
from gongkai.fetch.crawl import crawl
from gongkai.fetch.net import Client, Policy
from gongkai.render.html import render_html
from gongkai.store import schema as t
from gongkai.store.db import open_store
from tests.fetch.server import PortalServer


@pytest.fixture(scope="module")
def pdf_and_page(tmp_path_factory):
    from gongkai.readers.libreoffice import find_soffice
    from gongkai.render.pdf import render_pdfs

    if not find_soffice():
        pytest.skip("the PDF attachment is rendered with LibreOffice")
    spec = random_spec(random.Random(1601), "2021", year=2023)
    (pdf,) = render_pdfs([(spec, random.Random(2))], tmp_path_factory.mktemp("pdf"))
    page = render_html(spec, random.Random(3), encoding="utf-8").decode("utf-8")
    link = f'<p>附件：<a href="P0901.pdf">{spec.organization}{spec.year}年政府信息公开工作年度报告.pdf</a></p>'
    page = page.replace("</body>", link + "</body>", 1)
    return spec, page.encode("utf-8"), pdf.read_bytes()


def _parses(store):
    with store.engine.connect() as conn:
        rows = (
            conn.execute(
                select(
                    t.document_path.c.path,
                    t.parse.c.organization_printed,
                    t.parse.c.year,
                    t.parse.c.counts,
                    t.parse.c.version_group,
                    t.parse.c.version_reason,
                )
                .join(t.document, t.document.c.id == t.document_path.c.document_id)
                .join(t.parse, t.parse.c.document_id == t.document.c.id)
                .where(t.parse.c.is_current)
            )
            .mappings()
            .all()
        )
        codes = conn.execute(select(t.cross_finding.c.code)).scalars().all()
    return {r["path"].rsplit("/", 1)[1]: r for r in rows}, codes


def test_report_page_and_its_pdf_attachment_are_versions_of_one_report(pdf_and_page, tmp_path):
    spec, page, pdf = pdf_and_page
    portal = build_portal()
    portal.pages["/bz/t9.html"] = ("text/html; charset=utf-8", page)
    portal.pages["/bz/P0901.pdf"] = ("application/pdf", pdf)
    server = PortalServer(portal)
    store = open_store(tmp_path / "v.db")
    client = Client(Policy(delay=0.0, allow_private=True))
    try:
        result = crawl(store, [server.base + "/bz/t9.html"], client, depth=1)
    finally:
        client.close()
        server.close()
    assert sorted(result.stored) == [server.base + "/bz/P0901.pdf", server.base + "/bz/t9.html"]
    parses, codes = _parses(store)
    assert set(parses) == {"t9.html", "P0901.pdf"}
    html, pdf_row = parses["t9.html"], parses["P0901.pdf"]
    assert html["year"] == pdf_row["year"] == spec.year
    # one group, exactly one of the two counts
    assert html["version_group"] == pdf_row["version_group"] is not None
    assert sorted([html["counts"], pdf_row["counts"]]) == [False, True]
    assert "DUPLICATE-REPORT" not in codes
