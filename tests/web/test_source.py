"""A PDF report's page rendered server-side with every cell's stored box drawn over it in PDF points."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient

from gongkai.web.app import create_app
from gongkai.web.source import SCALE


@pytest.fixture
def pdf_client(pdf_db):
    with TestClient(create_app(pdf_db, secret=b"k" * 32)) as c:
        yield c


def _rects(html: str) -> dict[str, tuple[float, float, float, float]]:
    out = {}
    for m in re.finditer(
        r'<rect id="box-([^"]+)" data-cell="[^"]+" x="([^"]+)" y="([^"]+)" width="([^"]+)" '
        r'height="([^"]+)"',
        html,
    ):
        out[m.group(1)] = tuple(float(v) for v in m.groups()[1:])
    return out


def test_marked_cell_boxes_are_the_stored_bboxes_on_the_rendered_page(pdf_client):
    from PIL import Image

    report = pdf_client.get("/api/v1/reports").json()["reports"][0]
    detail = pdf_client.get(f"/api/v1/reports/{report['key']}").json()
    assert detail["media_type"] == "application/pdf" and detail["pages"] >= 2
    errors = [f for f in detail["findings"] if f["severity"] == "error" and f["evidence"]["cells"]]
    assert errors, "the wrong total must give an error finding that names cells"
    cells = {c["id"]: c for c in detail["cells"]}
    target = next(
        cells[c["id"]]
        for c in errors[0]["evidence"]["cells"]
        if cells.get(c["id"], {}).get("position") and cells[c["id"]]["position"].get("bbox")
    )
    page = target["page"]
    html = pdf_client.get(f"/reports/{report['key']}", params={"page": page, "cell": target["id"]}).text
    rects = _rects(html)
    x0, top, x1, bottom = target["position"]["bbox"]
    assert rects[target["id"]] == pytest.approx((x0, top, x1 - x0, bottom - top))
    assert 'class="selected"' in html and 'stroke="blue"' in html
    # every box drawn belongs to a cell stored on this page, and each stored box on it is drawn
    on_page = {c["id"] for c in detail["cells"] if c["page"] == page and (c["position"] or {}).get("bbox")}
    assert set(rects) == on_page
    m = re.search(r'<svg id="page-view" viewBox="0 0 ([\d.]+) ([\d.]+)"', html)
    width_pt, height_pt = float(m.group(1)), float(m.group(2))
    png = pdf_client.get(f"/reports/{report['key']}/pages/{page}.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.size == (pytest.approx(width_pt * SCALE, abs=1), pytest.approx(height_pt * SCALE, abs=1))
    assert 0 <= x0 < x1 <= width_pt and 0 <= top < bottom <= height_pt
    # the box encloses ink: the printed value is inside it on the rendered page
    grey = image.convert("L").crop(
        (int(x0 * SCALE) + 2, int(top * SCALE) + 2, int(x1 * SCALE) - 2, int(bottom * SCALE) - 2)
    )
    assert grey.getextrema()[0] < 128, "the cell's box holds no printed text"
    api_png = pdf_client.get(f"/api/v1/reports/{report['key']}/pages/{page}.png")
    assert api_png.content == png.content
    assert pdf_client.get(f"/reports/{report['key']}/pages/{detail['pages'] + 1}.png").status_code == 404


def test_previous_and_next_page_links(pdf_client):
    key = pdf_client.get("/api/v1/reports").json()["reports"][0]["key"]
    first = pdf_client.get(f"/reports/{key}", params={"page": 1}).text
    assert "?page=2" in first and "上一页" not in first
    last_no = pdf_client.get(f"/api/v1/reports/{key}").json()["pages"]
    last = pdf_client.get(f"/reports/{key}", params={"page": last_no}).text
    assert f"?page={last_no - 1}" in last and "下一页" not in last
