"""Link finding on portal pages: pure functions over bytes."""

from __future__ import annotations

import json

from gongkai.fetch.links import decode, is_xml_data, json_links, page_links, printed_provenance, xml_links

BASE = "http://portal.example/zwgk/ndbg/index.html"


def test_both_pagination_styles_and_report_links():
    page = (
        '<html><head><meta charset="gbk"></head><body>'
        '<a href="t1.html">某区2023年政府信息公开工作年度报告</a><a href="other.html">机构设置</a>'
        '<a href="index_3.html">下一页</a><a href="http://elsewhere.example/t.html">某区2023年政府信息公开工作年度报告</a>'
        '<script>createPageHTML(3, 0, "index", "shtml");</script></body></html>'
    ).encode("gbk")
    links = page_links(page, BASE)
    assert [link.url for link in links.reports] == ["http://portal.example/zwgk/ndbg/t1.html"]
    assert [link.url.rsplit("/", 1)[1] for link in links.lists] == ["index_3.html", "index_1.shtml", "index_2.shtml"]


def test_wrong_meta_is_decoded_as_the_html_reader_does():
    page = '<html><head><meta charset="utf-8"></head><body>发布日期：2024-01-20 来源：某区政府</body></html>'
    assert "发布日期" in decode(page.encode("gb18030"))
    assert printed_provenance(page.encode("gb18030")) == ("2024-01-20", "某区政府")


def test_json_endpoint_named_in_script_and_its_records():
    page = b'<html><body><script>$.ajax({url: "/api/list.json?page=1"});</script></body></html>'
    assert [link.url for link in page_links(page, BASE).lists] == ["http://portal.example/api/list.json?page=1"]
    data = {
        "rows": [
            {"docTitle": "某局2023年政府信息公开工作年度报告", "docPubUrl": "/a/t9.html"},
            {"docTitle": "通知", "docPubUrl": "/a/t10.html"},
            {"title": "某局2023年年报附件", "url": "/a/f.pdf"},
        ]
    }
    links = json_links(json.dumps(data, ensure_ascii=False).encode(), BASE)
    assert [link.url for link in links.reports] == ["http://portal.example/a/t9.html"]
    assert [link.url for link in links.attachments] == ["http://portal.example/a/f.pdf"]


def test_every_fetch_code_is_defined_once():
    import re
    from pathlib import Path

    import gongkai
    from gongkai.fetch.net import CODES

    root = Path(gongkai.__file__).parent
    used = set()
    for path in [*(root / "fetch").glob("*.py"), root / "commands" / "fetch.py"]:
        used |= set(re.findall(r"E-FETCH-[A-Z-]*[A-Z]", path.read_text(encoding="utf-8")))
    assert used == set(CODES)


def test_xml_endpoint_and_its_records():
    page = b'<html><body><script>$.ajax({url: "data/list.xml?col=12", dataType: "xml"});</script></body></html>'
    assert [link.url for link in page_links(page, BASE).lists] == [
        "http://portal.example/zwgk/ndbg/data/list.xml?col=12"
    ]
    data = (
        '<?xml version="1.0" encoding="GBK"?><!DOCTYPE r [<!ENTITY x "某局2023年政府信息公开工作年度报告">]>'
        "<records><record><title>某局2023年政府信息公开工作年度报告</title><url>/a/t9.html</url></record>"
        '<record title="某局2023年年报附件" href="/a/f.pdf"/><record><title>&x;</title><url>/a/t10.html</url>'
        "</record><record><title>通知</title><url>/a/t11.html</url></record></records>"
    ).encode("gbk")
    assert is_xml_data(data) and not is_xml_data(b'<?xml version="1.0"?><html><body></body></html>')
    links = xml_links(data, BASE)
    assert [link.url for link in links.reports] == ["http://portal.example/a/t9.html"]  # the entity is not expanded
    assert [link.url for link in links.attachments] == ["http://portal.example/a/f.pdf"]
