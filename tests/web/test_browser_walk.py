"""Issue 14's acceptance walk, in one go, in a real browser (Debian's chromium through Playwright, never
`playwright install`): upload a mixed folder through 上传 and see each file's outcome; open the PDF report,
click a finding and check the box over the printed value against the stored bbox; confirm it with a comment and
see it in the finding's history; open the region matrix and 对比; download a 整改通知 and read it back with
python-docx; fill a report on 填报 until 平衡. A screenshot of every page: test-output/screenshots/walk-*.png."""

from __future__ import annotations

import random
import shutil
import time
from urllib.parse import quote

import pytest

from gongkai.examples.generate import random_spec
from gongkai.render.docx import render_docx
from gongkai.render.layouts import render_text
from gongkai.spec import request_cell
from gongkai.standard import get_format
from gongkai.standard.layout import request_layout
from tests.web.detail_fixtures import hostile_html, wrong_total_spec
from tests.web.regionfix import built_region
from tests.web.browser import SCREENSHOTS, chromium_page, serving

PDF = "application/pdf"
BROKEN = "broken.pdf"  # says PDF by its first bytes, then nothing a PDF reader can open


def _pdf_bytes(url: str) -> bytes:
    """The PDF our renderer made for the session's PDF store (DOCX → LibreOffice), as stored."""
    from sqlalchemy import select

    from gongkai.store import schema as t
    from gongkai.store.db import open_store

    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            return conn.execute(select(t.document.c.content).where(t.document.c.media_type == PDF)).scalar_one()
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def walk(pdf_db, tmp_path_factory):
    """A server on a copy of the generated district (registry, members, two years), and the mixed folder."""
    from gongkai.web.app import create_app

    region_url, gen, _ = built_region()
    folder = tmp_path_factory.mktemp("walk")
    db = folder / "walk.db"
    shutil.copy(region_url.removeprefix("sqlite:///"), db)
    mixed = folder / "报告"
    mixed.mkdir()
    # other bodies than the PDF's (seed 7), so each report is its body's current one and has a 整改通知
    (mixed / "report.html").write_bytes(hostile_html(wrong_total_spec(8)))
    (mixed / "report.docx").write_bytes(render_docx(wrong_total_spec(9), random.Random(1)))
    rng = random.Random(41)
    (mixed / "report.txt").write_text(
        render_text(random_spec(rng, "2021", allow_blank=False), "pipe_rows", rng), encoding="utf-8"
    )
    (mixed / "report.pdf").write_bytes(_pdf_bytes(pdf_db))
    (mixed / BROKEN).write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<\n" + b"\x00\xff" * 300)
    with serving(create_app(f"sqlite:///{db}")) as base:
        yield base, gen, mixed


@pytest.fixture(scope="module")
def page(walk):
    with chromium_page(downloads=True) as pg:
        yield pg


def _shot(page, name: str, full: bool = True) -> None:
    path = SCREENSHOTS / f"walk-{name}.png"
    page.screenshot(path=str(path), full_page=full)
    assert path.stat().st_size > 0


def _upload_outcomes(page) -> dict[str, tuple[str, str, str | None]]:
    """file name → (outcome, message, report link) from the upload page, reloaded until every file is done
    (the ingest runs in the background; the loop waits for it, it does not time it)."""
    for _ in range(900):
        if "处理中" not in page.locator("h1").inner_text():
            break
        time.sleep(0.2)
        page.reload()
    assert "处理中" not in page.locator("h1").inner_text()
    out = {}
    rows = page.locator("#upload-files tr")
    for i in range(1, rows.count()):
        tds = rows.nth(i).locator("td")
        link = tds.nth(2).locator("a")
        out[tds.nth(0).inner_text().strip()] = (
            tds.nth(1).inner_text().strip(),
            tds.nth(2).inner_text().strip(),
            link.get_attribute("href") if link.count() else None,
        )
    return out


def _one(outcomes: dict, suffix: str) -> tuple[str, str, str | None]:
    found = [v for name, v in outcomes.items() if name.endswith(suffix)]
    assert len(found) == 1, (suffix, outcomes)
    return found[0]


def test_the_whole_workbench_walked(walk, page):
    base, gen, mixed = walk
    # 1. 上传: the mixed folder through the folder input; each file's outcome
    page.goto(f"{base}/upload")
    _shot(page, "01-upload")
    page.locator('input[name="files"][webkitdirectory]').set_input_files(mixed)
    page.get_by_role("button", name="上传").click()
    page.wait_for_load_state()
    assert "/uploads/" in page.url
    outcomes = _upload_outcomes(page)
    _shot(page, "02-upload-outcomes")
    assert len(outcomes) == 5
    for suffix in ("report.txt", "report.html", "report.docx", "report.pdf"):
        state, _, link = _one(outcomes, suffix)
        assert state == "已读取" and link and link.startswith("/reports/"), (suffix, outcomes)
    state, message, _ = _one(outcomes, BROKEN)  # stored as a failure, with the code and reason in Chinese
    assert state == "无法读取" and "[E-CORRUPT] PDF 文件已损坏" in message

    # 2. the PDF report: its reading, its tables; a finding clicked shows the box over the printed value
    page.goto(base + _one(outcomes, "report.pdf")[2])
    key = page.url.split("/reports/")[1][:12]
    detail = page.request.get(f"{base}/api/v1/reports/{key}").json()
    assert detail["media_type"] == PDF
    assert "PDF文字层" in page.locator("#reading-summary").inner_text()
    assert detail["reading"]["reader"] == "pdf"
    _shot(page, "03-report-pdf")
    cells = {c["id"]: c for c in detail["cells"]}
    error = next(f for f in detail["findings"] if f["severity"] == "error" and f["evidence"].get("cells"))
    page.locator(f"#finding-{error['key']} a.finding-source").click()
    page.wait_for_load_state()
    target = next(cells[c["id"]] for c in error["evidence"]["cells"] if cells.get(c["id"], {}).get("raw"))
    rect = page.locator(f'rect[data-cell="{target["id"]}"]')
    assert rect.get_attribute("class") == "selected"
    assert page.locator("#page-view image").get_attribute("href").endswith(f"/pages/{target['page']}.png")
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
    size = page.evaluate("""async () => { const img = new Image();
        img.src = document.querySelector('#page-view image').getAttribute('href');
        await img.decode(); return [img.naturalWidth, img.naturalHeight]; }""")
    assert size[0] > 0 and size[1] > 0
    page.locator("#source").scroll_into_view_if_needed()
    _shot(page, "04-finding-on-pdf-page", full=False)

    # 3. review: confirm with a comment; the decision and the comment are in the finding's history
    finding = page.locator(f"#finding-{error['key']}")
    finding.locator('input[name="comment"]').fill("已核对原文，确认<总计>有误")
    finding.locator('button[value="confirmed"]').click()
    page.wait_for_load_state()
    finding = page.locator(f"#finding-{error['key']}")
    assert "已确认" in finding.locator(".decision").inner_text()
    steps = finding.locator(f'ol[id="history-{error["key"]}"] li')
    assert steps.count() == 1
    assert steps.first.inner_text().endswith("本机用户 确认：已核对原文，确认<总计>有误")
    finding.scroll_into_view_if_needed()
    _shot(page, "05-finding-reviewed", full=False)

    # 4. 整改通知 from the report page, read back: the body's open problems, each at its page
    from docx import Document

    with page.expect_download() as info:
        page.locator("#dl-notice").click()
    doc = Document(info.value.path())
    listed = {row.cells[1].text: row.cells[4].text for t in doc.tables for row in t.rows[1:]}
    expected = {f["key"] for f in detail["findings"] if f["severity"] in ("error", "warning")}
    assert set(listed) == expected and error["key"] in listed
    assert all(place.startswith("第") for place in listed.values())
    assert detail["organization"] in "\n".join(p.text for p in doc.paragraphs)

    # 5. 对比 from the report page (no earlier year of this body stored: said so)
    page.locator("#link-compare").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/reports/{key}/compare")
    assert page.locator("#no-previous").count() == 1
    _shot(page, "06-compare-none")

    # 6. 区域: the district's matrix, then 对比 of a member against its previous year
    year = max(s.year for s in gen.specs.values())
    page.goto(f"{base}/regions")
    _shot(page, "07-regions")
    page.get_by_role("link", name=gen.district).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/{quote(gen.district)}/{year}")
    assert page.locator("#matrix tr").count() == len(gen.members) + 2
    page.wait_for_selector("#figures-chart[data-drawn='1'] svg")
    _shot(page, "08-region-matrix")
    page.locator("a.compare").nth(1).click()
    page.wait_for_load_state()
    assert "/compare" in page.url and page.locator("#carry tr").count() == 8
    _shot(page, "09-compare")

    # 7. 填报 for a member's next year: 上年结转 pre-filled; new requests make it 不平衡, their results 平衡
    body = next(b for b in gen.members if not b.aliases and not b.former)
    page.goto(f"{base}/fill?organization={quote(body.name)}&year={year + 1}")
    _shot(page, "10-fill")
    lay = request_layout(get_format("2021"))
    columns = [*lay.applicant_columns, lay.total_column]
    carried = {
        c: int(page.locator(f'input[name="v.{request_cell(lay.carried_over, c)}"]').input_value() or 0) for c in columns
    }
    received = {c: 0 for c in columns}
    received[columns[0]] = received[lay.total_column] = 2
    for c in (columns[0], lay.total_column):
        page.fill(f'input[name="v.{request_cell(lay.received, c)}"]', "2")
    page.locator(f'input[name="v.{request_cell(lay.received, lay.total_column)}"]').dispatch_event("change")
    page.wait_for_function("() => document.querySelector('#balance')?.textContent.includes('勾稽关系：不平衡')")
    _shot(page, "11-fill-unbalanced")
    for c in columns:  # every application of the year answered: granted
        done = str(received[c] + carried[c])
        page.fill(f'input[name="v.{request_cell("granted", c)}"]', done)
        page.fill(f'input[name="v.{request_cell(lay.results_total, c)}"]', done)
    page.locator(f'input[name="v.{request_cell(lay.results_total, lay.total_column)}"]').dispatch_event("change")
    page.wait_for_function("() => document.querySelector('#balance')?.textContent.includes('勾稽关系：平衡')")
    _shot(page, "12-fill-balanced")

    # the remaining pages, for the record
    for name, path in (
        ("13-reports", "/"),
        ("14-findings", "/findings"),
        ("15-notices", "/notices"),
        ("16-api-docs", "/api/docs"),
    ):
        page.goto(base + path)
        _shot(page, name)
    assert page.dialogs == []
