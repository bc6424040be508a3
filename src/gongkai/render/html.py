"""Render a :class:`~gongkai.examples.generate.ReportSpec` as the HTML page a government site publishes.

The rows, labels and prose come from :mod:`gongkai.render.text`, the tables' cells and merges from
:mod:`gongkai.render.grid`; this module only decides the markup.
Table styles seen on real sites (:data:`HTML_STYLES`):

* ``rowspan`` — the official grid: group labels as rowspan cells, the three-level headers with colspan;
* ``flat`` — no spans at all: the ``unmerged`` grid, spanned positions empty or repeating the group label;
* ``word`` — Word's "save as HTML": MsoNormalTable, ``<p class=MsoNormal><span>…<o:p></o:p></span></p>`` in
  every cell, width attributes, ``&nbsp;`` blanks, a hidden spacer row and source lines wrapped mid-text;
* ``th_header`` — ``<thead>`` of ``<th>`` header rows, then ``<tbody>``.

With ``portal=True`` the report sits inside a portal page (navigation, breadcrumb, a sidebar of other
years' reports, share/print links, previous/next links, footer with ICP number) — the boilerplate the
reader must strip — and the page declares ``gb2312`` when it is encoded as GB18030, as real sites do.
"""

from __future__ import annotations

import html
import random
import re

from gongkai.spec import ReportSpec
from gongkai.render.grid import Grid, GridCell, layout_tables
from gongkai.standard.labels import numbered_heading
from gongkai.render.text import (
    TABLE_OF,
    Style,
    build_tables,
    metadata_lines,
    preamble_paragraphs,
    section_paragraphs,
    title,
)

HTML_STYLES: tuple[str, ...] = ("rowspan", "flat", "word", "th_header")

_CJK_PAIR = re.compile(r"(?<=[\u4e00-\u9fff])(?=[\u4e00-\u9fff])")


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


# ---------------------------------------------------------------------------------------------------- markup


def _maybe_break(text: str, rng: random.Random, rate: float) -> str:
    """Escape ``text``, sometimes with a ``<br>`` between two CJK characters of a long label."""
    if len(text) > 8 and rng.random() < rate:
        cuts = [m.start() for m in _CJK_PAIR.finditer(text)]
        if cuts:
            at = rng.choice(cuts)
            return _esc(text[:at]) + "<br>" + _esc(text[at:])
    return _esc(text)


def _span_attrs(c: GridCell) -> str:
    out = ""
    if c.rowspan > 1:
        out += f' rowspan="{c.rowspan}"'
    if c.colspan > 1:
        out += f' colspan="{c.colspan}"'
    return out


def _table_plain(grid: Grid, rng: random.Random, *, th: bool) -> str:
    n_head = grid.n_head
    blank = rng.choice(("", "&nbsp;", " "))
    wrap_p = rng.random() < 0.4
    lines = [
        (
            '<table border="1" cellspacing="0" cellpadding="0" width="100%" '
            'style="border-collapse:collapse;text-align:center">'
        )
    ]
    if th:
        lines.append("<thead>")
    for i, row in enumerate(grid.rows()):
        if th and i == n_head:
            lines += ["</thead>", "<tbody>"]
        tag = "th" if th and i < n_head else "td"
        cells = []
        for c in row:
            body = _maybe_break(c.text, rng, 0.15) if c.text else blank
            if wrap_p and c.text:
                body = f"<p><span>{body}</span></p>"
            cells.append(f"<{tag}{_span_attrs(c)}>{body}</{tag}>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    if th:
        lines.append("</tbody>")
    lines.append("</table>")
    return "\n".join(lines)


def _word_wrap(text: str, rng: random.Random) -> str:
    """Word wraps its HTML source at about 76 columns, newlines falling between CJK characters."""
    if len(text) > 12 and rng.random() < 0.3:
        at = rng.randint(4, len(text) - 4)
        if _CJK_PAIR.match(text, at):
            return text[:at] + "\n" + text[at:]
    return text


def _word_cell_body(text: str, rng: random.Random, bold: bool) -> str:
    if not text:
        return "<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"
    inner = _esc(_word_wrap(text, rng))
    if re.fullmatch(r"[\d./-]+", text):
        inner = f"<span lang=EN-US>{inner}</span>"
    if bold:
        inner = f"<b style='mso-bidi-font-weight:normal'>{inner}</b>"
    return (
        "<p class=MsoNormal align=center style='text-align:center;mso-pagination:widow-orphan'>"
        f"<span style='font-size:10.5pt;font-family:宋体;mso-bidi-font-family:宋体;mso-font-kerning:0pt'>"
        f"{inner}<o:p></o:p></span></p>"
    )


def _table_word(grid: Grid, rng: random.Random) -> str:
    n_head = grid.n_head
    col_w = rng.choice((45, 52, 60))
    lines = [
        "<div align=center>",
        (
            "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=600 "
            "style='width:450.0pt;border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
            "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>"
        ),
    ]
    for i, row in enumerate(grid.rows()):
        cells = []
        for c in row:
            w = col_w * c.colspan
            cells.append(
                f"<td width={w}{_span_attrs(c).replace(chr(34), '')} valign=center "
                f"style='width:{w * 0.75:.1f}pt;border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;"
                f"padding:0cm 5.4pt 0cm 5.4pt'>\n{_word_cell_body(c.text, rng, i < n_head)}\n</td>"
            )
        lines.append(f"<tr style='mso-yfti-irow:{i};height:20.0pt'>\n" + "\n".join(cells) + "\n</tr>")
    # Word's hidden row that fixes the column widths for browsers without table support
    lines.append(
        "<![if !supportMisc]>\n<tr height=0>\n"
        + "".join(f"<td width={col_w} style='border:none'></td>" for _ in range(grid.n_cols))
        + "\n</tr>\n<![endif]>"
    )
    lines += ["</table>", "</div>"]
    return "\n".join(lines)


def _render_table(grid: Grid, style: str, rng: random.Random) -> str:
    if style == "word":
        return _table_word(grid, rng)
    return _table_plain(grid, rng, th=style == "th_header")


def _para(text: str, style: str, rng: random.Random, *, heading: bool = False) -> str:
    if style == "word":
        body = _esc(_word_wrap(text, rng))
        body = re.sub(r"(\d+)", r"<span lang=EN-US>\1</span>", body)
        size = "16.0pt" if not heading else "16.0pt;font-family:黑体"
        inner = f"<span style='font-size:{size};mso-bidi-font-family:宋体'>{body}<o:p></o:p></span>"
        if heading:
            inner = f"<b>{inner}</b>"
        return f"<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt'>{inner}</p>"
    if heading:
        return rng.choice(
            (
                f"<h3>{_esc(text)}</h3>",
                f"<p><strong>{_esc(text)}</strong></p>",
                f'<p style="text-indent:2em"><b><span>{_esc(text)}</span></b></p>',
            )
        )
    return f'<p style="text-indent:2em">{_esc(text)}</p>'


def _date_text(spec: ReportSpec) -> str:
    d = spec.published
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def report_body(spec: ReportSpec, rng: random.Random, style: str, *, with_title: bool) -> str:
    """The report itself: title (optional), preamble, the six sections with their tables, signature."""
    if style not in HTML_STYLES:
        raise ValueError(f"unknown HTML style {style!r}; choose one of {', '.join(HTML_STYLES)}")
    text_style = Style.draw(rng)
    repeat = rng.random() < 0.5  # only flat uses it; drawn always so that every style draws the same sequence
    layout = "unmerged" if style == "flat" else "official"
    grids = layout_tables(build_tables(spec, text_style, rng), spec.format, layout, repeat_group_labels=repeat)
    parts: list[str] = []
    if with_title:
        t = _esc(title(spec))
        parts.append(
            rng.choice(
                (
                    f'<p align="center"><strong>{t}</strong></p>',
                    f"<h2>{t}</h2>",
                    f'<div style="text-align:center;font-size:22px">{t}</div>',
                )
            )
        )
    if rng.random() < 0.6 or spec.is_rollup:
        parts += [_para(p, style, rng) for p in preamble_paragraphs(spec, rng)]
    for section in spec.format.sections:
        parts.append(_para(numbered_heading(section.no, section.title), style, rng, heading=True))
        parts += [_para(p, style, rng) for p in section_paragraphs(spec, section.no, rng)]
        if section.no in TABLE_OF:
            parts.append(_render_table(grids[TABLE_OF[section.no]], style, rng))
    if spec.published is not None and rng.random() < 0.7:
        parts.append(f'<p align="right">{_esc(spec.organization)}</p>')
        parts.append(f'<p align="right">{_date_text(spec)}</p>')
    if style == "word":
        return "<div class=WordSection1 style='layout-grid:15.6pt'>\n" + "\n".join(parts) + "\n</div>"
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------------- page


def _meta(encoding: str, rng: random.Random) -> str:
    label = "gb2312" if encoding.lower().replace("-", "") in ("gb18030", "gbk", "gb2312") else encoding
    if rng.random() < 0.5:
        return f'<meta charset="{label}">'
    return f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'


def _other_title(spec: ReportSpec, year: int) -> str:
    return f"{spec.organization}{year}年政府信息公开工作年度报告"


def _portal(spec: ReportSpec, rng: random.Random, body: str, title_place: str) -> str:
    site = f"{spec.region or spec.organization}人民政府"
    t = _esc(title(spec))
    related = "".join(
        f'<li><a href="/zwgk/ndbg/{y}.html" title="{_esc(_other_title(spec, y))}">'
        f"{_esc(_other_title(spec, y))}</a><span>{y + 1}-01-2{y % 10}</span></li>"
        for y in (spec.year - 1, spec.year - 2, spec.year - 3)
    )
    nav = (
        "<ul>"
        + "".join(
            f'<li><a href="/{i}/">{n}</a></li>'
            for i, n in enumerate(("首页", "政务公开", "政务服务", "互动交流", "走进" + site[:2]))
        )
        + "</ul>"
    )
    crumb = '当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/ndbg/">年度报告</a>'
    heading = f'<div class="article-title"><h1>{t}</h1></div>' if title_place == "h1" else ""
    meta_rows = metadata_lines(spec, rng)
    info = (
        '<table class="xxgk-info" width="100%"><tr>'
        + "".join(f"<td>{_esc(m)}</td>" for m in meta_rows)
        + "</tr></table>"
    )
    date = spec.published.isoformat() if spec.published else f"{spec.year + 1}-01-15"
    share = (
        '<div class="bdsharebuttonbox">分享到：<a class="bds_weixin">微信</a><a class="bds_tsina">微博</a></div>'
        '<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a>'
        '<a href="javascript:window.close()">【关闭窗口】</a></div>'
    )
    prevnext = (
        f'<div class="prev-next"><p>上一篇：<a href="/p.html">{_esc(_other_title(spec, spec.year - 1))}</a></p>'
        f'<p>下一篇：<a href="/n.html">关于公布{spec.year}年度部门预算的公告</a></p></div>'
    )
    footer = (
        f"<p>主办单位：{_esc(site)}办公室　承办：{_esc(site)}大数据中心</p>"
        f'<p>网站标识码：{rng.randint(1000000000, 9999999999)}　<a href="https://beian.miit.gov.cn">'
        f'京ICP备{rng.randint(10000000, 99999999)}号</a>　<a href="/sitemap.html">网站地图</a></p>'
    )
    script = "<script>var _hmt = _hmt || []; (function(){ var s='一、总体情况'; })();</script>"
    content = f'<div class="TRS_Editor" id="zoom">{body}</div>'
    if rng.random() < 0.5:
        page = f"""<body>
<div class="header"><div class="logo">{_esc(site)}</div><div class="nav">{nav}</div></div>
<div class="breadcrumb">{crumb}</div>
<div class="container">
<div class="sidebar"><h3>相关链接</h3><ul>{related}</ul></div>
<div class="main">{heading}
<div class="info">发布时间：{date}　来源：{_esc(spec.organization)}　【字号：大 中 小】</div>
{info}
{content}
{share}
{prevnext}
</div></div>
<div class="footer">{footer}</div>
{script}
</body>"""
    else:  # an older portal laid out entirely in tables
        page = f"""<body>
<table width="1000" border="0" cellspacing="0" cellpadding="0" align="center">
<tr><td class="top">{_esc(site)}</td></tr>
<tr><td class="menu">{nav}</td></tr>
<tr><td>
<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>
<td width="220" valign="top"><table width="100%"><tr><td class="lm_title">相关链接</td></tr>
<tr><td><ul>{related}</ul></td></tr></table></td>
<td valign="top">
<table width="100%"><tr><td class="dqwz">{crumb}</td></tr>
<tr><td align="center">{heading}</td></tr>
<tr><td>{info}</td></tr>
<tr><td>{content}</td></tr>
<tr><td>{share}{prevnext}</td></tr></table>
</td></tr></table>
</td></tr>
<tr><td class="bottom">{footer}</td></tr>
</table>
</body>"""
    return page


# ---------------------------------------------------------------------------------------------------- production

_PRINT_CSS = """
body { font-family: "Noto Serif CJK SC", "FangSong", "仿宋", "SimSun", serif; font-size: 16pt; line-height: 1.75;
       max-width: 48em; margin: 2em auto; padding: 0 1em; color: #000; background: #fff; }
h1 { font-family: "Noto Serif CJK SC", "SimSun", serif; font-size: 22pt; text-align: center; margin: 1em 0; }
h2 { font-family: "Noto Sans CJK SC", "SimHei", "黑体", sans-serif; font-size: 16pt; font-weight: bold;
     text-indent: 2em; margin: 0.8em 0 0.4em; }
p { text-indent: 2em; margin: 0; text-align: justify; }
p.signature { text-align: right; text-indent: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1em; font-size: 10.5pt; line-height: 1.4;
        page-break-inside: auto; }
th, td { border: 1px solid #000; padding: 3px 4px; text-align: center; vertical-align: middle; font-weight: normal; }
td.label { text-align: left; }
tr { page-break-inside: avoid; }
@media print {
  body { margin: 0; max-width: none; font-size: 16pt; }
  @page { size: A4; margin: 3.7cm 2.7cm 3.5cm 2.8cm; }
  h2 { page-break-after: avoid; }
  table { page-break-before: auto; }
}
""".strip()


def _official_table(grid: Grid) -> str:
    n_head = grid.n_head
    lines = ["<table>", "<thead>"]
    for i, row in enumerate(grid.rows()):
        if i == n_head:
            lines += ["</thead>", "<tbody>"]
        cells = []
        for c in row:
            tag = "th" if i < n_head or c.kind == "header" else "td"
            cls = ' class="label"' if c.kind == "label" else ""
            cells.append(f"<{tag}{_span_attrs(c)}{cls}>{_esc(c.text)}</{tag}>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines += ["</tbody>" if n_head < grid.n_rows else "</thead>", "</table>"]
    return "\n".join(lines)


def production_body(spec: ReportSpec) -> str:
    """The report as an agency publishes it, the same every time: title, preamble, the six sections with their
    headings and the tables in the official merged layout, organisation and date; only author texts as prose."""
    rng = random.Random(0)  # official labels draw nothing that matters; the builders want an rng
    grids = layout_tables(build_tables(spec, Style(), rng), spec.format, "official")
    parts = [f"<h1>{_esc(title(spec))}</h1>"]
    parts += [f"<p>{_esc(p)}</p>" for p in preamble_paragraphs(spec, rng, production=True)]
    for section in spec.format.sections:
        parts.append(f"<h2>{_esc(numbered_heading(section.no, section.title))}</h2>")
        parts += [f"<p>{_esc(p)}</p>" for p in section_paragraphs(spec, section.no, rng, production=True)]
        if section.no in TABLE_OF:
            parts.append(_official_table(grids[TABLE_OF[section.no]]))
    parts.append(f'<p class="signature">{_esc(spec.organization)}</p>')
    if spec.published is not None:
        parts.append(f'<p class="signature">{_date_text(spec)}</p>')
    return "\n".join(parts)


def render_html_production(spec: ReportSpec) -> bytes:
    """A clean standalone UTF-8 page of the report with a simple print stylesheet."""
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title(spec))}</title>\n<style>\n{_PRINT_CSS}\n</style>\n</head>\n"
        f'<body>\n<main class="report">\n{production_body(spec)}\n</main>\n</body>\n</html>\n'
    ).encode()


def render_html(
    spec: ReportSpec,
    rng: random.Random | None = None,
    *,
    style: str = "rowspan",
    portal: bool = True,
    encoding: str = "gb18030",
    production: bool = False,
) -> bytes:
    """The report as the bytes of an HTML page in ``encoding``. Deterministic for a given spec and rng state.

    The report title is in the report body, in an ``<h1>`` above it (portal only) or only in the page
    ``<title>``: readers must find the organization and year in each case.
    ``production``: :func:`render_html_production` (a user's report; ``rng``, ``style``, ``portal`` and
    ``encoding`` are not used).
    """
    if production:
        return render_html_production(spec)
    if rng is None:
        raise ValueError("render_html needs an rng unless production=True")
    places = ("body", "h1", "title_only") if portal else ("body", "title_only")
    title_place = rng.choice(places)
    body = report_body(spec, rng, style, with_title=title_place == "body")
    declare = portal or rng.random() < 0.7
    meta = _meta(encoding, rng) if declare else ""
    if portal:
        head = _portal_head(spec, meta)
        inner = _portal(spec, rng, body, title_place)
    else:
        head = f"<head>{meta}<title>{_esc(title(spec))}</title></head>"
        inner = f"<body>\n{body}\n</body>"
    if style == "word":
        doc_open = (
            '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">'
        )
    else:
        doc_open = "<!DOCTYPE html>\n<html>"
    text = f"{doc_open}\n{head}\n{inner}\n</html>\n"
    return text.encode(encoding)


def _portal_head(spec: ReportSpec, meta: str) -> str:
    site = f"{spec.region or spec.organization}人民政府"
    return (
        f"<head>{meta}<title>{_esc(title(spec))}_{_esc(site)}</title>"
        '<style type="text/css">.nav li{float:left} td{font-size:14px}</style>'
        "<script>var _hmt = _hmt || []; (function(){ var s='一、总体情况'; })();</script></head>"
    )


__all__ = ["HTML_STYLES", "production_body", "render_html", "render_html_production", "report_body"]
