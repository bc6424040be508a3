"""The workbench in a real browser: Debian's chromium driven by Playwright (never `playwright install`).
Skips when Playwright or chromium is absent, unless CI=true."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = REPO / "test-output" / "screenshots"


def _need(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def server(pdf_db):
    import uvicorn

    from gongkai.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(pdf_db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(500):  # waits for start-up, not a timing assertion
        if srv.started:
            break
        time.sleep(0.02)
    assert srv.started
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def page(server):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    _need(sync_playwright is not None, "playwright (pip) not installed")
    _need(Path(CHROMIUM).exists(), "chromium not installed")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update", "--no-first-run"])
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield pg
        browser.close()


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
    for name, path in (("findings", "/findings"), ("upload", "/upload"), ("login", "/login"),
                       ("api-docs", "/api/docs")):
        page.goto(server + path)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 0
