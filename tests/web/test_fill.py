"""填报: the official layout as inputs, the checks of `gongkai render` on every change, 上年结转 from last year's
stored report, XLSX upload, DOCX download (refused on errors unless forced), CSRF and escaping."""

from __future__ import annotations

import io
import random
import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from gongkai.checks.carry import carry_pairs
from gongkai.examples.generate import random_spec
from gongkai.forms.model import ReportForm
from gongkai.produce import check_form
from gongkai.render.text import format_value
from gongkai.spec import request_cell
from gongkai.standard import get_format
from gongkai.standard.layout import request_layout
from gongkai.web.app import create_app
from gongkai.web.fill import form_layout
from tests.web.conftest import XSS
from tests.web.regionfix import built_region


@pytest.fixture(scope="module")
def region():
    return built_region()


@pytest.fixture
def client(region):
    with TestClient(create_app(region[0], secret=b"k" * 32)) as c:
        yield c


def _csrf(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _fields(spec, csrf, **extra):
    values = {f"v.{cid}": format_value(v) for cid, v in spec.values.items()}
    return {
        "csrf": csrf,
        "organization": spec.organization,
        "year": str(spec.year),
        "format": spec.format_id,
        "body_kind": "department",
        "text1": "本机关认真贯彻条例。",
        "text5": "存在的问题及改进。",
        "text6": "本年度未收取信息处理费。",
        **values,
        **extra,
    }


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_every_cell_has_one_input_in_the_official_layout(format_id):
    layout = form_layout(format_id)
    ids = [c.cell_id for rows in layout.values() for row in rows for c in row if c.cell_id]
    assert sorted(ids) == sorted(get_format(format_id).cell_ids)
    # merged as in the official form: 申请人情况 spans the value columns of table 三
    head = layout["requests"][0]
    assert any(c.colspan > 1 and "申请人情况" in c.text for c in head)
    assert any(c.rowspan > 1 for c in head)


def test_carry_over_is_prefilled_from_last_years_stored_report(region, client):
    _, gen, _ = region
    body = next(b for b in gen.members if not b.aliases and not b.former)
    last = max((s for n, s in gen.specs.items() if gen.organizations[n] == body.name), key=lambda s: s.year)
    html = client.get("/fill", params={"organization": body.name, "year": last.year + 1}).text
    carried = re.search(r'name="carried" value="([^"]*)"', html).group(1).split(",")
    pairs = carry_pairs("2021", "2021")
    assert sorted(carried) == sorted(p.this_cell for p in pairs)
    for p in pairs:
        shown = re.search(rf'name="v\.{re.escape(p.this_cell)}" value="([^"]*)"', html).group(1)
        assert shown == format_value(last.values[p.last_cell]), p.this_cell
    nothing = client.get("/fill", params={"organization": body.name, "year": last.year + 5}).text
    assert "需手工填写" in nothing


def test_live_check_is_the_render_check(client):
    rng = random.Random(3)
    spec = random_spec(rng, "2021", allow_blank=False)
    csrf = _csrf(client.get("/fill").text)
    ok = client.post("/fill/check", data=_fields(spec, csrf), headers={"HX-Request": "true"})
    assert ok.status_code == 200 and "勾稽关系：平衡" in ok.text and "<html" not in ok.text
    lay = request_layout(spec.format)
    total = request_cell(lay.results_total, lay.total_column)
    broken = _fields(spec, csrf, **{f"v.{total}": str(spec.number(total) + 2)})
    bad = client.post("/fill/check", data=broken, headers={"HX-Request": "true"})
    assert "勾稽关系：不平衡" in bad.text
    form = ReportForm(
        spec.organization,
        spec.year,
        values={**spec.values, total: spec.number(total) + 2},
        texts={"1": ["本机关认真贯彻条例。"], "5": ["存在的问题及改进。"], "6": ["本年度未收取信息处理费。"]},
    )
    expected = sorted(f.code for f in check_form(form).findings if f.severity.value != "info")
    assert sorted(re.findall(r'data-code="([^"]+)"', bad.text)) == expected and "IDN-RESULTS-TOTAL" in expected
    # without JavaScript the same check answers with the whole page
    page = client.post("/fill/check", data=broken)
    assert "<html" in page.text and "勾稽关系：不平衡" in page.text
    typo = client.post("/fill/check", data=_fields(spec, csrf, **{f"v.{total}": "十二"}))
    assert "无法检查" in typo.text and "[E-FORM]" in typo.text


def test_docx_is_rendered_and_refused_on_errors_unless_forced(client):
    from gongkai.pipeline import check_document
    from gongkai.readers import read_bytes

    rng = random.Random(4)
    spec = random_spec(rng, "2021", allow_blank=False)
    csrf = _csrf(client.get("/fill").text)
    r = client.post("/fill/render", data={**_fields(spec, csrf), "to": "docx"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert quote(spec.organization) in r.headers["content-disposition"]
    back = check_document(read_bytes(r.content, "x.docx"))
    assert back.organization == spec.organization
    lay = request_layout(spec.format)
    received = request_cell(lay.received, lay.total_column)
    assert back.cells[received].value == spec.number(received)
    broken = _fields(spec, csrf, **{f"v.{received}": str(spec.number(received) + 1)})
    refused = client.post("/fill/render", data={**broken, "to": "docx"})
    assert refused.status_code == 422 and "未生成报告" in refused.text
    forced = client.post("/fill/render", data={**broken, "to": "docx", "force": "1"})
    assert forced.status_code == 200 and forced.content[:2] == b"PK"


def test_xlsx_template_round_trip(client, tmp_path):
    from gongkai.forms.xlsx import write_xlsx_template

    rng = random.Random(5)
    spec = random_spec(rng, "2021", allow_blank=False)
    form = ReportForm(spec.organization, spec.year, values=dict(spec.values))
    path = write_xlsx_template(tmp_path / "f.xlsx", spec.year, "2021", form)
    csrf = _csrf(client.get("/fill").text)
    r = client.post(
        "/fill/upload",
        data={"csrf": csrf},
        files={"file": ("../../etc/evil.xlsx", path.read_bytes(), "application/octet-stream")},
    )
    assert r.status_code == 200 and "已读入上传的 Excel 表单" in r.text
    lay = request_layout(spec.format)
    received = request_cell(lay.received, lay.total_column)
    assert f'name="v.{received}" value="{format_value(spec.values[received])}"' in r.text
    assert "勾稽关系：平衡" in r.text
    junk = client.post("/fill/upload", data={"csrf": csrf}, files={"file": ("a.xlsx", io.BytesIO(b"not a zip"))})
    assert junk.status_code == 422 and "[E-" in junk.text
    blank = client.get("/fill/template.xlsx", params={"year": 2025})
    assert blank.status_code == 200 and blank.content[:2] == b"PK"


def test_csrf_and_escaping(client):
    rng = random.Random(6)
    spec = random_spec(rng, "2021", allow_blank=False)
    data = _fields(spec, "forged")
    assert client.post("/fill/check", data=data).status_code == 403
    assert client.post("/fill/render", data={**data, "to": "docx"}).status_code == 403
    csrf = _csrf(client.get("/fill").text)
    page = client.post("/fill/check", data=_fields(spec, csrf, organization=f"某局{XSS}")).text
    assert XSS not in page and "&lt;script&gt;" in page
    assert XSS not in client.get("/fill", params={"organization": XSS}).text


def test_last_years_report_is_read_once_per_file():
    from gongkai.web.fill import ReadCache

    reads = []
    cache = ReadCache(size=2)
    for sha in ("a", "b", "a", "c", "a", "b"):
        cache.get(sha, lambda sha=sha: reads.append(sha) or sha.upper())
    assert reads == ["a", "b", "c", "b"]  # "a" stays (used again), "b" was evicted when "c" came
    assert cache.get("a", lambda: "never") == "A"


def test_pdf_when_libreoffice_is_there(client):
    from gongkai.readers.libreoffice import find_soffice

    if find_soffice() is None:
        pytest.skip("LibreOffice not installed")
    rng = random.Random(8)
    spec = random_spec(rng, "2021", allow_blank=False)
    page = client.get("/fill").text
    assert 'value="pdf"' in page
    r = client.post("/fill/render", data={**_fields(spec, _csrf(page)), "to": "pdf"})
    assert r.status_code == 200 and r.content[:5] == b"%PDF-" and r.headers["content-type"] == "application/pdf"
