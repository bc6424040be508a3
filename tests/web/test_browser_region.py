"""区域, 对比 and 填报 in a real browser (Debian's chromium through Playwright, never `playwright install`):
the chart is drawn from the vendored ECharts, the live check answers through htmx; screenshots of each page."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.web.regionfix import built_region
from tests.web.browser import SCREENSHOTS, chromium_page, serving


@pytest.fixture(scope="module")
def served():
    from gongkai.web.app import create_app

    url, gen, _ = built_region()
    with serving(create_app(url)) as base:
        yield base, gen


@pytest.fixture(scope="module")
def page(served):
    with chromium_page() as pg:
        yield pg


def test_region_page_draws_its_chart_and_leads_to_compare(served, page):
    base, gen = served
    year = max(s.year for s in gen.specs.values())
    page.goto(f"{base}/regions")
    page.screenshot(path=str(SCREENSHOTS / "regions.png"), full_page=True)
    page.get_by_role("link", name=gen.district).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/{quote(gen.district)}/{year}")
    page.wait_for_selector("#figures-chart[data-drawn='1'] svg")
    # the chart's series are the table's rows: one line per figure
    assert page.locator("#figures-chart svg path").count() >= 6
    assert page.locator("#matrix tr").count() == len(gen.members) + 2
    page.screenshot(path=str(SCREENSHOTS / "region.png"), full_page=True)
    page.locator("a.compare").nth(1).click()
    page.wait_for_load_state()
    assert "/compare" in page.url and page.locator("#carry tr").count() == 8
    page.screenshot(path=str(SCREENSHOTS / "compare.png"), full_page=True)


def test_fill_checks_live_through_htmx(served, page):
    base, gen = served
    body = next(b for b in gen.members if not b.aliases and not b.former)
    year = max(s.year for s in gen.specs.values()) + 1
    page.goto(f"{base}/fill?organization={quote(body.name)}&year={year}")
    assert page.locator("td.carried").count() == 7
    page.fill('textarea[name="text1"]', "本机关认真贯彻条例。")
    page.locator('textarea[name="text1"]').dispatch_event("change")
    page.wait_for_selector("#balance")
    # carried-over applications with nothing else entered cannot balance; zero them and it does
    carried = page.locator("td.carried input")
    values = [carried.nth(i).input_value() for i in range(carried.count())]
    expected = "勾稽关系：平衡" if all(v in ("", "0") for v in values) else "勾稽关系：不平衡"
    page.wait_for_function("t => document.querySelector('#balance').textContent.includes(t)", arg=expected)
    for i in range(carried.count()):
        carried.nth(i).fill("0")
    carried.nth(0).dispatch_event("change")
    page.wait_for_function("() => document.querySelector('#balance').textContent.includes('勾稽关系：平衡')")
    page.screenshot(path=str(SCREENSHOTS / "fill.png"), full_page=True)
