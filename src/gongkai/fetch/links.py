"""What a portal page links to: report pages, attachments, further list pages (``index_N.html`` and
``createPageHTML`` pagination) and list data a page loads from a JSON or XML endpoint it names; plus a report page's
printed 发布日期 and 来源. Pure functions over bytes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html

ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
_REPORT_WORDS = ("政府信息公开工作年度报告", "政府信息公开年度报告", "政务公开工作年度报告", "信息公开年报")
_YEAR = re.compile(r"(20\d\d)\s*年")
_PAGED = re.compile(r"(?:^|/)index_(\d+)\.s?html?$")
_CREATE_PAGE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([\w-]+)[\"']\s*,\s*[\"'](\w+)[\"']")
_ENDPOINT = re.compile(r"[\"']([^\"'\s]+\.(?:json|xml)(?:\?[^\"'\s]*)?)[\"']")
_TITLE_KEYS = ("title", "name", "doctitle", "bt")
_ADDRESS_KEYS = ("url", "link", "href", "docpuburl", "path")
_PUBLISHED = re.compile(r"发布(?:日期|时间)\s*[:：]\s*(\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}\s*日?)")
_SOURCE = re.compile(r"来源\s*[:：]\s*([^\s|｜　<]{1,60})")


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    title: str
    kind: str  # report | attachment | list


@dataclass(slots=True)
class PageLinks:
    reports: list[Link] = field(default_factory=list)
    attachments: list[Link] = field(default_factory=list)
    lists: list[Link] = field(default_factory=list)  # pagination and JSON endpoints


def decode(content: bytes, headers: dict[str, str] | None = None) -> str:
    """Text of a page decoded as the HTML reader decodes it (GBK/GB18030, a wrong meta); for bodies the reader
    refuses (JSON, odd types) the header's charset, else UTF-8, else GB18030 (a superset of GBK)."""
    from gongkai.errors import GongkaiError
    from gongkai.readers.html_encoding import decode_html

    if content.lstrip()[:1] not in (b"{", b"["):
        try:
            return decode_html(content)[0]
        except GongkaiError:
            pass
    m = re.search(r"charset=([\w-]+)", (headers or {}).get("content-type", ""), re.I)
    for enc in ([m.group(1)] if m else []) + ["utf-8", "gb18030"]:
        try:
            return content.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("utf-8", "replace")


def is_report_title(title: str) -> bool:
    t = re.sub(r"\s+", "", title)
    return any(w in t for w in _REPORT_WORDS) or ("年报" in t and "公开" in t)


def title_year(title: str) -> int | None:
    m = _YEAR.search(title)
    return int(m.group(1)) if m else None


def is_attachment(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(ATTACHMENT_SUFFIXES)


def _same_site(a: str, b: str) -> bool:
    return urlsplit(a).netloc.lower() == urlsplit(b).netloc.lower()


def page_links(content: bytes, base: str, headers: dict[str, str] | None = None) -> PageLinks:
    """Links of an HTML page (absolute, in page order, each once); JSON bodies go to :func:`json_links`."""
    text = decode(content, headers)
    out = PageLinks()
    seen: set[str] = set()

    def add(bucket: list[Link], url: str, title: str, kind: str) -> None:
        url = url.split("#")[0]
        if url and url not in seen and urlsplit(url).scheme in ("http", "https"):
            seen.add(url)
            bucket.append(Link(url, title, kind))

    try:
        root = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError):
        return out
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:")):
            continue
        url = urljoin(base, href)
        title = " ".join((a.get("title") or a.text_content() or "").split())
        if is_attachment(url):
            add(out.attachments, url, title, "attachment")
        elif is_report_title(title) and _same_site(url, base):
            add(out.reports, url, title, "report")
        elif (_PAGED.search(urlsplit(url).path) or title in ("下一页", "下页", "尾页")) and _same_site(url, base):
            add(out.lists, url, title, "list")
    scripts = "\n".join(s.text or "" for s in root.iter("script"))
    for total, _current, stem, suffix in _CREATE_PAGE.findall(scripts):
        # the TRS convention: page 0 is index.html, page n is index_n.html
        for n in range(1, int(total)):
            add(out.lists, urljoin(base, f"{stem}_{n}.{suffix}"), f"第{n + 1}页", "list")
    for endpoint in _ENDPOINT.findall(scripts):
        add(out.lists, urljoin(base, endpoint), "列表数据", "list")
    return out


def json_links(content: bytes, base: str) -> PageLinks:
    """Report links in list data loaded by script: any object with a title-like and an address-like string."""
    out = PageLinks()
    try:
        data = json.loads(decode(content))
    except ValueError:
        return out
    stack = [data]
    while stack:
        node = stack.pop(0)
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            _record_link(out, {k.lower(): v for k, v in node.items() if isinstance(v, str)}, base)
            stack.extend(v for v in node.values() if isinstance(v, (list, dict)))
    return out


def is_xml_data(content: bytes) -> bool:
    """List data in XML (``<?xml …?><records>…``), not an (X)HTML page."""
    head = content.lstrip()[:400].lower()
    return head.startswith(b"<?xml") and b"<html" not in head


def xml_links(content: bytes, base: str) -> PageLinks:
    """Report links in XML list data: any element whose children or attributes give a title and an address
    (``<record><title>…</title><url>…</url></record>``). No entities, DTDs or network: the data is untrusted."""
    from lxml import etree

    out = PageLinks()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError:
        return out
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        fields = {k.lower(): v for k, v in node.attrib.items()}
        for child in node:
            if isinstance(child.tag, str) and len(child) == 0 and (child.text or "").strip():
                fields.setdefault(etree.QName(child).localname.lower(), child.text.strip())
        _record_link(out, fields, base)
    return out


def _record_link(out: PageLinks, fields: dict[str, str], base: str) -> None:
    title = next((fields[k] for k in _TITLE_KEYS if fields.get(k)), "")
    href = next((fields[k] for k in _ADDRESS_KEYS if fields.get(k)), "")
    if title and href:
        url = urljoin(base, href.strip())
        if is_attachment(url):
            out.attachments.append(Link(url, title, "attachment"))
        elif is_report_title(title):
            out.reports.append(Link(url, title, "report"))


def printed_provenance(content: bytes, headers: dict[str, str] | None = None) -> tuple[str | None, str | None]:
    """The page's printed 发布日期 and 来源, as printed (None when not printed)."""
    try:
        # text nodes apart: block elements must not run into each other
        text = "\n".join(lxml.html.document_fromstring(decode(content, headers)).itertext())
    except (ValueError, lxml.etree.ParserError):
        return None, None
    pub = _PUBLISHED.search(text)
    src = _SOURCE.search(text)
    return (re.sub(r"\s+", "", pub.group(1)) if pub else None), (src.group(1) if src else None)


def page_title(content: bytes, headers: dict[str, str] | None = None) -> str:
    """The page's own title: its ``<title>``, else its first heading ("" when it has neither)."""
    try:
        root = lxml.html.document_fromstring(decode(content, headers))
    except (ValueError, lxml.etree.ParserError):
        return ""
    for path in (".//title", ".//h1", ".//h2"):
        node = root.find(path)
        if node is not None:
            text = " ".join(node.text_content().split())
            if text:
                return text[:200]
    return ""
