"""The workbench in a real browser: Debian's chromium driven by Playwright (never `playwright install`).
Skips when Playwright or chromium is absent, unless CI=true."""

from __future__ import annotations


import pytest

from tests.web.browser import SCREENSHOTS, chromium_page, serving


@pytest.fixture(scope="module")
def server(pdf_db):
    from gongkai.web.app import create_app

    with serving(create_app(pdf_db)) as base:
        yield base


@pytest.fixture(scope="module")
def page(server):
    with chromium_page() as pg:
        yield pg


def test_finding_shows_its_box_on_the_pdf_page_and_can_be_reviewed(server, page):
    page.goto(server + "/")
    page.screenshot(path=str(SCREENSHOTS / "reports.png"), full_page=True)
    page.locator("table a").first.click()
    page.wait_for_load_state()
    assert "/reports/" in page.url
    key = page.url.split("/reports/")[1][:12]
    detail = page.request.get(f"{server}/api/v1/reports/{key}").json()
    cells = {c["id"]: c for c in detail["cells"]}
    link = page.locator("a.finding-cell").first
    cell_id = link.get_attribute("data-cell")
    link.click()
    page.wait_for_load_state()
    stored = cells[cell_id]
    rect = page.locator(f'rect[data-cell="{cell_id}"]')
    assert rect.get_attribute("class") == "selected"
    x0, top, x1, bottom = stored["position"]["bbox"]
    # the drawn box in screen pixels = the stored box in points × the SVG's scale, offset by the SVG's origin
    svg = page.locator("#page-view").bounding_box()
    view_w = float(page.locator("#page-view").get_attribute("viewBox").split()[2])
    scale = svg["width"] / view_w
    box = rect.bounding_box()
    stroke = 2 * scale  # the box's bounding rect includes half the stroke on each side
    assert box["x"] == pytest.approx(svg["x"] + x0 * scale, abs=stroke)
    assert box["y"] == pytest.approx(svg["y"] + top * scale, abs=stroke)
    assert box["width"] == pytest.approx((x1 - x0) * scale, abs=2 * stroke)
    assert box["height"] == pytest.approx((bottom - top) * scale, abs=2 * stroke)
    image_loaded = page.evaluate("""async () => { const img = new Image();
        img.src = document.querySelector('#page-view image').getAttribute('href');
        await img.decode(); return [img.naturalWidth, img.naturalHeight]; }""")
    assert image_loaded[0] > 0
    page.screenshot(path=str(SCREENSHOTS / "report-pdf.png"), full_page=True)
    finding = page.locator("li.error").first
    fkey = finding.get_attribute("id").removeprefix("finding-")
    finding.locator('input[name="comment"]').fill("浏览器中确认")
    finding.locator('button[value="confirmed"]').click()
    page.wait_for_load_state()
    assert "已确认" in page.locator(f"#finding-{fkey}").inner_text()
    reviewed = page.request.get(f"{server}/api/v1/reports/{key}").json()["findings"]
    assert next(f for f in reviewed if f["key"] == fkey)["comment"] == "浏览器中确认"
    for name, path in (
        ("findings", "/findings"),
        ("upload", "/upload"),
        ("login", "/login"),
        ("api-docs", "/api/docs"),
    ):
        page.goto(server + path)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 0
