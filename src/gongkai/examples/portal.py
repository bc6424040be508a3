"""A generated 政府信息公开年报 column as a portal serves it, for testing `gongkai fetch`: list pages in the
two pagination styles (``index_N.html`` links and a ``createPageHTML`` script), report pages with and without
attachments, lists loaded by script from a JSON and an XML endpoint named in the page, GBK pages, a robots.txt that
forbids a path, and an HTML error page served as ``.pdf``. Reports come from our own generator and renderers."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from gongkai.examples.generate import random_spec
from gongkai.render.docx import render_docx
from gongkai.render.html import render_html

COLUMN = "政府信息公开工作年度报告"


@dataclass
class Portal:
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # path → (content type, bytes)
    reports: dict[str, tuple[str, int]] = field(default_factory=dict)  # path of each report file → (body, year)
    forbidden: set[str] = field(default_factory=set)  # paths robots.txt forbids
    error_as_pdf: set[str] = field(default_factory=set)
    starts: list[str] = field(default_factory=list)  # absolute start addresses (portals served under host names)
    bodies: dict[str, str | None] = field(default_factory=dict)  # path → the registered body it must match


def _list_page(title: str, items: list[tuple[str, str]], extra: str = "", encoding: str = "utf-8") -> bytes:
    lis = "\n".join(
        f'<li><a href="{href}" title="{text}">{text}</a><span>2024-01-1{i}</span></li>'
        for i, (href, text) in enumerate(items)
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>{title}</title></head><body>'
        f'<h2>{title}</h2><ul class="list">{lis}</ul>{extra}</body></html>'
    ).encode(encoding)


def _carrier_page(spec, attachments: list[tuple[str, str]], source: str | None = None) -> bytes:
    """A report page that only links its attachments (no table on the page)."""
    links = "".join(f'<p><a href="{href}">{text}</a></p>' for href, text in attachments)
    name = f"{spec.organization}{spec.year}年政府信息公开工作年度报告"
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}</title></head><body><h1>{name}</h1>'
        f'<div class="info">发布日期：{spec.year + 1}-01-20　来源：{source or spec.organization}</div>'
        f"<p>附件：</p>{links}</body></html>"
    ).encode()


def build_portal(seed: int = 16) -> Portal:
    rng = random.Random(seed)
    portal = Portal()
    specs = [random_spec(random.Random(seed * 100 + i), "2021", year=2023 if i != 3 else 2022) for i in range(6)]

    def report_title(spec) -> str:
        return f"{spec.organization}{spec.year}年{COLUMN}"

    def add(path: str, ctype: str, data: bytes, spec=None) -> None:
        portal.pages[path] = (ctype, data)
        if spec is not None:
            portal.reports[path] = (spec.organization, spec.year)

    html = "text/html; charset=utf-8"
    # style 1: plain pagination links; the second page is GBK
    add("/nb/t1.html", html, render_html(specs[0], random.Random(rng.random()), encoding="utf-8"), specs[0])
    add("/nb/t2.html", html, _carrier_page(specs[1], [("P0201.docx", "附件1.docx"), ("P0202.pdf", "附件2.pdf")]))
    add("/nb/P0201.docx", "application/octet-stream", render_docx(specs[1], random.Random(rng.random())), specs[1])
    add(
        "/nb/P0202.pdf",
        "application/pdf",
        "<html><head><title>404</title></head><body>您访问的页面不存在</body></html>".encode(),
    )
    portal.error_as_pdf.add("/nb/P0202.pdf")
    add(
        "/nb/index.html",
        html,
        _list_page(
            COLUMN,
            [
                ("t1.html", report_title(specs[0])),
                ("t2.html", report_title(specs[1])),
                ("/private/t9.html", report_title(specs[5])),
            ],
            '<div class="page"><a href="index_1.html">下一页</a></div>',
        ),
    )
    portal.forbidden.add("/private/t9.html")
    add("/private/t9.html", html, render_html(specs[5], random.Random(rng.random()), encoding="utf-8"), specs[5])
    add("/nb/t3.html", "text/html", render_html(specs[2], random.Random(rng.random())), specs[2])  # GB18030
    # a GBK page whose meta and Content-Type both say UTF-8
    wrong = random_spec(random.Random(seed * 100 + 8), "2021", year=2023)
    page = render_html(wrong, random.Random(rng.random()), encoding="gbk")
    add("/nb/t6.html", html, page.replace(b"gb2312", b"utf-8"), wrong)
    add(
        "/nb/index_1.html",
        "text/html",
        _list_page(
            COLUMN,
            [
                ("t3.html", report_title(specs[2])),
                ("t8.html", report_title(specs[3])),
                ("t6.html", report_title(wrong)),
            ],
            encoding="gbk",
        ),
    )
    add("/nb/t8.html", html, render_html(specs[3], random.Random(rng.random()), encoding="utf-8"), specs[3])
    # style 2: createPageHTML; its second page's report is answered 429 once (the test server does that)
    script = '<script>createPageHTML(2, 0, "index", "html");</script>'
    add("/zw/index.html", html, _list_page(COLUMN, [("t1.html", "机构设置")], script))
    add("/zw/index_1.html", html, _list_page(COLUMN, [("t4.html", report_title(specs[4]))], script))
    add("/zw/t4.html", html, render_html(specs[4], random.Random(rng.random()), encoding="utf-8"), specs[4])
    add("/zw/t1.html", html, b"<html><body>not a report</body></html>")
    # a list loaded by script from a JSON endpoint
    spec = random_spec(random.Random(seed * 100 + 7), "2021", year=2023)
    add(
        "/js/index.html",
        html,
        (
            '<html><head><meta charset="utf-8"><title>年报</title><script>'
            '$.getJSON("data/list.json", render);</script></head><body><ul id="list"></ul>'
            "</body></html>"
        ).encode(),
    )
    add(
        "/js/data/list.json",
        "application/json",
        json.dumps({"data": [{"title": report_title(spec), "url": "/js/t5.html"}]}, ensure_ascii=False).encode(),
    )
    add("/js/t5.html", html, _carrier_page(spec, [("P0501.docx", "附件.docx")]))
    add("/js/P0501.docx", "application/octet-stream", render_docx(spec, random.Random(rng.random())), spec)
    # a list loaded by script from an XML endpoint
    spec = random_spec(random.Random(seed * 100 + 9), "2021", year=2023)
    add(
        "/xml/index.html",
        html,
        (
            '<html><head><meta charset="utf-8"><title>年报</title><script>'
            '$.ajax({url: "data/list.xml", dataType: "xml"});</script></head><body></body>'
            "</html>"
        ).encode(),
    )
    add(
        "/xml/data/list.xml",
        "application/xml",
        (
            '<?xml version="1.0" encoding="GBK"?><records><record><title>机构设置</title><url>/xml/t0.html</url>'
            f"</record><record><title>{report_title(spec)}</title><url>/xml/t7.html</url></record></records>"
        ).encode("gbk"),
    )
    add("/xml/t7.html", html, render_html(spec, random.Random(rng.random()), encoding="utf-8"), spec)
    add("/robots.txt", "text/plain", b"User-agent: *\nDisallow: /private/\n")
    return portal


# the bodies of :func:`build_site_portal`: one short name, 区城市运行管理中心, in two districts of one city
SITE_REGISTRY = """\
organizations:
  - name: 青禾市人民政府
    sites: [www.qinghe.gov.cn]
    children:
      - name: 青禾市桐溪区人民政府
        sites: [www.tongxi.gov.cn]
        children:
          - name: 青禾市桐溪区城市运行管理中心
      - name: 青禾市梅岭区人民政府
        children:
          - name: 青禾市梅岭区城市运行管理中心
"""
_SHORT = "区城市运行管理中心"


def build_site_portal(seed: int = 17) -> Portal:
    """Two portals under host names (a test serves both from one loopback server): the 桐溪区 site, declared
    in :data:`SITE_REGISTRY`, and the city's site, which holds both districts. Reports print the short name
    区城市运行管理中心; which body each must match is in ``bodies`` (None: nothing tells, it stays ambiguous)."""
    rng = random.Random(seed)
    portal = Portal(starts=["http://www.tongxi.gov.cn/tx/index.html", "http://www.qinghe.gov.cn/qh/index.html"])
    html = "text/html; charset=utf-8"

    def spec(i: int, year: int, organization: str, region: str):
        return random_spec(
            random.Random(seed * 100 + i),
            "2021",
            year=year,
            organization=organization,
            region=region,
            body_kind="department",
        )

    def report(path: str, data: bytes, s, body: str | None) -> None:
        portal.pages[path] = ("application/octet-stream" if path.endswith(".docx") else html, data)
        portal.reports[path] = (s.organization, s.year)
        portal.bodies[path] = body

    def title(s) -> str:
        return f"{s.organization}{s.year}年{COLUMN}"

    tongxi, meiling = "青禾市桐溪区城市运行管理中心", "青禾市梅岭区城市运行管理中心"
    # on the 桐溪区 site: the short name is that district's; a name printed in full stays what it says
    s1, s2 = spec(1, 2023, _SHORT, "青禾市桐溪区"), spec(2, 2022, meiling, "青禾市梅岭区")
    report("/tx/t1.html", render_html(s1, random.Random(rng.random()), encoding="utf-8"), s1, tongxi)
    report("/tx/t2.html", render_html(s2, random.Random(rng.random()), encoding="utf-8"), s2, meiling)
    portal.pages["/tx/index.html"] = (
        html,
        _list_page("政府信息公开年报", [("t1.html", title(s1)), ("t2.html", title(s2))]),
    )
    # on the city's site: the 来源 printed on the report page tells; nothing at all tells for the other
    s3, s4 = spec(3, 2023, _SHORT, "青禾市梅岭区"), spec(4, 2024, _SHORT, "青禾市梅岭区")
    portal.pages["/qh/t3.html"] = (html, _carrier_page(s3, [("P0301.docx", "附件.docx")], source=meiling))
    report("/qh/P0301.docx", render_docx(s3, random.Random(rng.random())), s3, meiling)
    report("/qh/t4.html", render_html(s4, random.Random(rng.random()), encoding="utf-8"), s4, None)
    portal.pages["/qh/index.html"] = (
        html,
        _list_page("政府信息公开年报", [("t3.html", title(s3)), ("t4.html", title(s4))]),
    )
    return portal


__all__ = ["SITE_REGISTRY", "Portal", "build_portal", "build_site_portal"]
