"""报告详情 and 整改通知 in a real browser (Debian's chromium through Playwright): a finding clicked on a PDF
report shows the page with the box at the cell's stored bbox; on an HTML report the highlighted element holds
the value; a notice downloads and reads back; markup from documents never runs. Screenshots of each page go to
test-output/screenshots/."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from gongkai.store.db import open_store
from gongkai.store.ingest import ingest
from tests.web.conftest import XSS, write_corpus
from tests.web.detail_fixtures import write_dom_reports
from tests.web.browser import SCREENSHOTS, chromium_page, serving

PDF, HTML = "application/pdf", "text/html"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def server(pdf_db, tmp_path_factory):
    """One store with the PDF report, the same body's HTML and DOCX versions and the text corpus."""
    from gongkai.web.app import create_app

    folder = tmp_path_factory.mktemp("browser-detail")
    path = folder / "all.db"
    shutil.copy(pdf_db.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    store = open_store(url)
    ingest(store, write_dom_reports(folder / "dom") + write_corpus(folder / "text"))
    store.dispose()
    with serving(create_app(url)) as base:
        yield base


@pytest.fixture(scope="module")
def browser_page(server):
    with chromium_page(downloads=True) as pg:
        yield pg


def _reports(page, server) -> dict[str, dict]:
    out = {}
    for r in page.request.get(f"{server}/api/v1/reports?page_size=100").json()["reports"]:
        d = page.request.get(f"{server}/api/v1/reports/{r['key']}").json()
        out.setdefault(d["media_type"], d)
    return out


def _first_read_cell(finding: dict, cells: dict[str, dict]) -> dict:
    return next(cells[c["id"]] for c in finding["evidence"]["cells"] if cells.get(c["id"], {}).get("raw") is not None)


def test_pdf_finding_shows_the_box_at_the_stored_bbox(server, browser_page):
    page = browser_page
    detail = _reports(page, server)[PDF]
    cells = {c["id"]: c for c in detail["cells"]}
    page.goto(f"{server}/reports/{detail['key']}")
    page.screenshot(path=str(SCREENSHOTS / "detail-pdf.png"), full_page=True)
    assert page.locator("#table-requests td.value.error").count() > 0
    error = next(f for f in detail["findings"] if f["severity"] == "error" and f["evidence"].get("cells"))
    page.locator(f"#finding-{error['key']} a.finding-source").click()
    page.wait_for_load_state()
    target = _first_read_cell(error, cells)
    assert f"finding={error['key']}" in page.url
    rect = page.locator(f'rect[data-cell="{target["id"]}"]')
    assert rect.get_attribute("class") == "selected"
    assert "selected" in page.locator(f'td[id="cell-{target["id"]}"]').get_attribute("class").split()
    assert (
        page.locator("#page-view image")
        .evaluate("img => img.getAttribute('href')")
        .endswith(f"/pages/{target['page']}.png")
    )
    x0, top, x1, bottom = target["position"]["bbox"]
    svg = page.locator("#page-view")
    origin = svg.bounding_box()
    scale = origin["width"] / float(svg.get_attribute("viewBox").split()[2])
    box = rect.bounding_box()
    stroke = 2 * scale  # the bounding rect includes half the stroke on each side
    assert box["x"] == pytest.approx(origin["x"] + x0 * scale, abs=stroke)
    assert box["y"] == pytest.approx(origin["y"] + top * scale, abs=stroke)
    assert box["width"] == pytest.approx((x1 - x0) * scale, abs=2 * stroke)
    assert box["height"] == pytest.approx((bottom - top) * scale, abs=2 * stroke)
    page.locator("#source").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "detail-pdf-finding.png"))
    # a cell clicked in the drawn table selects its own box
    other = next(
        c
        for c in detail["cells"]
        if c["id"] != target["id"] and c["page"] and c["raw"] and (c["position"] or {}).get("bbox")
    )
    page.locator(f'td[id="cell-{other["id"]}"] a.to-source').click()
    page.wait_for_load_state()
    assert page.locator(f'rect[data-cell="{other["id"]}"]').get_attribute("class") == "selected"
    assert page.dialogs == []


def test_html_finding_highlights_the_element_holding_the_value(server, browser_page):
    page = browser_page
    detail = _reports(page, server)[HTML]
    cells = {c["id"]: c for c in detail["cells"]}
    error = next(f for f in detail["findings"] if f["severity"] == "error" and f["evidence"].get("cells"))
    page.goto(f"{server}/reports/{detail['key']}")
    page.locator(f"#finding-{error['key']} a.finding-source").click()
    page.wait_for_load_state()
    target = _first_read_cell(error, cells)
    hl = page.locator("#dom-source .hl")
    assert hl.count() == 1
    assert hl.inner_text().strip() == target["raw"]
    assert hl.get_attribute("data-cell") == target["id"]
    assert hl.get_attribute("data-path") == target["position"]["dom_path"]
    assert hl.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    # the page's own script and image did not come along; its markup-as-text is shown as text
    assert page.locator("#dom-source script, #dom-source img").count() == 0
    assert "本机关<script>alert(2)</script>认真落实。" in page.locator("#dom-source").inner_text()
    hl.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "detail-html-finding.png"))
    page.goto(f"{server}/reports/{detail['key']}#versions")
    page.screenshot(path=str(SCREENSHOTS / "detail-html-versions.png"), full_page=True)
    assert page.locator("#version-table tr").count() == 4  # header + PDF, HTML and DOCX of the same body/year
    assert page.dialogs == []


def test_docx_cell_click_highlights_the_word_table_cell(server, browser_page):
    page = browser_page
    detail = _reports(page, server)[DOCX]
    cell = next(c for c in detail["cells"] if c["id"] == "requests.received.total")
    page.goto(f"{server}/reports/{detail['key']}")
    page.locator(f'td[id="cell-{cell["id"]}"] a.to-source').click()
    page.wait_for_load_state()
    hl = page.locator("#dom-source .hl")
    assert hl.count() == 1 and hl.inner_text().strip() == cell["raw"]
    assert hl.get_attribute("data-path") == cell["position"]["dom_path"]  # body/tbl[n]/tr[r]/tc[c] of the Word file
    hl.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "detail-docx-cell.png"))
    assert page.dialogs == []


def test_text_report_prose_with_script_is_text(server, browser_page):
    page = browser_page
    detail = next(
        d
        for d in (
            page.request.get(f"{server}/api/v1/reports/{r['key']}").json()
            for r in page.request.get(f"{server}/api/v1/reports?q=onerror").json()["reports"]
        )
    )
    cell = next(c for c in detail["cells"] if c["line"] and c["raw"])
    page.goto(f"{server}/reports/{detail['key']}?cell={cell['id']}")
    assert (
        page.locator("#excerpt .here").inner_text().split(None, 1)[1].strip()
        == detail["text"].splitlines()[cell["line"] - 1].strip()
    )
    page.locator("details summary").click()
    assert XSS in page.locator("details pre").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "detail-text.png"), full_page=True)
    assert page.dialogs == []


def test_notice_downloads_and_reads_back(server, browser_page):
    from docx import Document

    page = browser_page
    page.goto(f"{server}/findings")
    page.locator("#to-notices").click()
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOTS / "notices.png"), full_page=True)
    link = page.locator("a.notice-docx").first
    key = link.get_attribute("href").split("/")[-1].removesuffix(".docx")
    with page.expect_download() as info:
        link.click()
    doc = Document(info.value.path())
    listed = {row.cells[1].text: row.cells[4].text for t in doc.tables for row in t.rows[1:]}
    detail = page.request.get(f"{server}/api/v1/reports/{key}").json()
    expected = {
        f["key"] for f in detail["findings"] if f["severity"] in ("error", "warning") and f["decision"] != "dismissed"
    }
    assert set(listed) == expected and expected
    if detail["media_type"] == PDF:  # each problem's place is a page of the original
        assert all(place.startswith("第") for place in listed.values())
    with page.expect_download() as info:
        page.locator("#notices-zip").click()
    names = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())).namelist()
    assert len(names) == page.locator("a.notice-docx").count() and any(key in n for n in names)
    assert page.dialogs == []
