"""Where the report is in a portal page, and what around it is boilerplate.

A published report sits inside a portal page: navigation, breadcrumb, a sidebar listing other years'
reports, share/print links, previous/next links and a footer with the ICP number. Those carry other
years and other bodies' names, so they must not reach the parser. The report itself is found by its
anchors — the section headings (一、总体情况 …) and the statistics tables — and the content container is
the smallest element holding all of them. Nothing that holds an anchor is ever dropped: ASP.NET pages wrap
everything in a ``<form>``, old portals in layout tables, and a site may put the article in a ``class="main-nav"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from gongkai.standard.labels import SECTION_HEADING_LINE, TABLE_MARKERS

SECTION_HEADING = SECTION_HEADING_LINE
_TABLE_MARKERS = TABLE_MARKERS  # texts that only a statistics table of the standard format holds

DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "nav",
        "header",
        "footer",
        "aside",
        "iframe",
        "form",
        "button",
        "select",
        "input",
        "textarea",
        "object",
        "embed",
        "svg",
        "template",
        "head",
        "map",
        "audio",
        "video",
        "canvas",
    }
)
# class/id words of page furniture: matched anywhere in the attribute
_STRONG_WORDS = re.compile(
    r"nav|menu|footer|breadcrumb|crumb|share|sidebar|copyright|friendlink|topbar|toolbar|qrcode|gotop|"
    r"backtop|prevnext|prev-next|pagenav|bdshare|jiathis|sitemap|skip-link|xglj|relat",
    re.IGNORECASE,
)
# weaker words: only as a whole word of the attribute (``side`` must not match ``inside``)
_WEAK_WORDS = re.compile(
    r"(?:^|[\s_-])(?:print|close|position|location|dqwz|weizhi|pager|search|login|links?|tools?|fenxiang|dayin|"
    r"guanbi|lm_title|article-tools|foot)(?:$|[\s_\d-])",
    re.IGNORECASE,
)
# page-layout words: furniture only when the report's anchors were not found and the whole body is read
# (inside a found content container a ``<p class="right">`` is the signature, not a sidebar)
_LAYOUT_WORDS = re.compile(r"(?:^|[\s_-])(?:side|left|right|head|header|top|bottom)(?:$|[\s_\d-])", re.IGNORECASE)
_PHRASES = (
    "相关链接",
    "分享到",
    "打印本页",
    "关闭窗口",
    "上一篇",
    "下一篇",
    "ICP备",
    "网站地图",
    "网站标识码",
    "主办单位",
    "当前位置",
    "您现在的位置",
    "您的位置",
    "字号：",
    "字体：",
    "扫一扫",
    "联系我们",
    "公网安备",
    "【打印】",
    "【关闭】",
    "返回顶部",
    "收藏本页",
)
_PHRASE_MAX_CHARS = 160  # a block this short that names page furniture is page furniture
_LINK_LIST_MIN_LINKS = 2
_LINK_DENSITY = 0.6
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_TITLE_HINT = re.compile(r"title|tit|bt|biaoti|heading", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||-{1,2}|—+|–|::)\s*")
_REPORT_WORD = "年度报告"


def tag_of(el: etree._Element) -> str:
    """Lower-case tag name; '' for comments and processing instructions."""
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _text(el: etree._Element) -> str:
    return re.sub(r"\s+", "", el.text_content()) if tag_of(el) else ""


@dataclass
class PageMap:
    """What the content finder learned about the page."""

    root: etree._Element
    body: etree._Element
    content: etree._Element  # the smallest element holding every anchor (or the body)
    anchors: list[etree._Element]
    protected: set = field(default_factory=set)  # the anchors and all their ancestors: never dropped
    found: bool = False  # whether the report's anchors were found at all

    def is_boilerplate(self, el: etree._Element) -> bool:
        if el in self.protected:
            return False
        tag = tag_of(el)
        if not tag:
            return True
        if tag in DROP_TAGS or ":" in tag and tag.startswith(("v:", "w:", "m:", "xml")):
            return True
        style = el.get("style")
        if style and _HIDDEN.search(style):
            return True
        attrs = " ".join(filter(None, (el.get("class"), el.get("id"))))
        if attrs and (
            _STRONG_WORDS.search(attrs) or _WEAK_WORDS.search(attrs) or (not self.found and _LAYOUT_WORDS.search(attrs))
        ):
            return True
        if tag in ("div", "p", "ul", "ol", "table", "td", "tr", "section", "dl", "span", "li", "center", "h3", "h4"):
            return _furniture_text(el)
        return False


def _furniture_text(el: etree._Element) -> bool:
    text = _text(el)
    if not text:
        return False
    if len(text) <= _PHRASE_MAX_CHARS and any(p in text for p in _PHRASES):
        return True
    links = [a for a in el.iter("a")]
    if len(links) >= _LINK_LIST_MIN_LINKS:
        linked = sum(len(_text(a)) for a in links)
        return linked >= _LINK_DENSITY * len(text)
    return False


def _heading_elements(body: etree._Element) -> list[etree._Element]:
    """Block elements whose text opens with a section heading of the report."""
    out: list[etree._Element] = []
    seen: set = set()
    for node in body.xpath(
        ".//text()[contains(., '、') or contains(., '．') or contains(., '.')]"
        "[not(ancestor::script) and not(ancestor::style) and not(ancestor::a)]"
    ):
        # a tail's getparent() is the element (or comment) before it, not the one holding the text
        el = node.getparent()
        if el is not None and node.is_tail:
            el = el.getparent()
        if el is None:
            continue
        # climb out of inline wrappers (<strong>, <span>, <font>) to the block that holds the heading
        while tag_of(el) in ("span", "strong", "b", "font", "em", "i", "u", "o:p") and el.getparent() is not None:
            el = el.getparent()
        if el in seen:
            continue
        seen.add(el)
        text = el.text_content()
        if len(text) < 80 and SECTION_HEADING.match(text.replace("\u3000", " ")):
            out.append(el)
    return out


def _report_tables(body: etree._Element) -> list[etree._Element]:
    hits = []
    for t in body.iter("table"):
        text = _text(t)
        if sum(m in text for m in _TABLE_MARKERS) >= 1 and not any(
            sum(m in _text(inner) for m in _TABLE_MARKERS) >= 1 for inner in t.iter("table") if inner is not t
        ):
            hits.append(t)
    return hits


def _ancestors(el: etree._Element) -> list[etree._Element]:
    out = []
    while el is not None:
        out.append(el)
        el = el.getparent()
    return out


def _common_ancestor(elements: list[etree._Element]) -> etree._Element:
    chains = [list(reversed(_ancestors(e))) for e in elements]
    common = chains[0][0]
    for level in zip(*chains):
        if all(x is level[0] for x in level):
            common = level[0]
        else:
            break
    return common


def map_page(root: etree._Element) -> PageMap:
    body = root.find("body")
    if body is None:
        body = root
    headings = _heading_elements(body)
    tables = _report_tables(body)
    anchors = headings + tables
    protected: set = set()
    for a in anchors:
        protected.update(_ancestors(a))
    found = len(headings) >= 2 or bool(headings and tables) or len(tables) >= 2
    content = _common_ancestor(anchors) if found else body
    while tag_of(content) in ("tbody", "thead", "tfoot", "tr") and content.getparent() is not None:
        content = content.getparent()  # anchors in cells of one layout table: the walker descends into it
    return PageMap(root, body, content, anchors, protected, bool(found))


# ---------------------------------------------------------------------------------------------------- title


def _clean_title(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u3000", " ")).strip()


def find_title(page: PageMap) -> etree._Element | None:
    """The element holding the report title outside the content container: the nearest heading-like element
    before it whose text names a 年度报告 (not a link, not page furniture); else the page's ``<title>``."""
    order = {el: i for i, el in enumerate(page.root.iter())}
    # before the report's first anchor: an <h1> in an article <header> inside the container counts too
    start = min((order.get(a, 0) for a in page.anchors), default=order.get(page.content, 0))
    best = None
    for el in page.body.iter():
        tag = tag_of(el)
        if not tag or order.get(el, 0) >= start:
            continue
        if not (
            tag in ("h1", "h2", "h3", "h4")
            or _TITLE_HINT.search(" ".join(filter(None, (el.get("class"), el.get("id")))))
        ):
            continue
        text = _clean_title(el.text_content())
        if _REPORT_WORD not in text or len(text) > 100:
            continue
        if any(_in_link_list(a) for a in _ancestors(el)):
            continue
        if el.find(".//a") is not None:
            continue
        best = el
    if best is not None:
        return best
    t = page.root.find(".//title")
    if t is not None and _REPORT_WORD in (t.text or ""):
        return t
    return None


def _in_link_list(el: etree._Element) -> bool:
    tag = tag_of(el)
    if tag in ("a", "nav", "aside", "footer", "li", "ul", "ol", "marquee"):
        return True
    attrs = " ".join(filter(None, (el.get("class"), el.get("id"))))
    return bool(attrs and _STRONG_WORDS.search(attrs))


def title_text(el: etree._Element) -> str:
    text = _clean_title(el.text_content())
    if tag_of(el) == "title":
        # "X2023年…年度报告_X人民政府" : keep the part that is the report title
        parts = [p for p in _TITLE_SEPARATORS.split(text) if _REPORT_WORD in p]
        if parts:
            text = parts[0]
    return text


__all__ = ["SECTION_HEADING", "PageMap", "find_title", "map_page", "tag_of", "title_text"]
