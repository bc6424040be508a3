"""Render a :class:`~gongkai.examples.generate.ReportSpec` as the plain text of a complete annual report.

The text imitates what readers get from real reports: web pages copied as text (``pipe_rows``,
``markdown``, ``cell_per_line``, ``row_opener``, ``blank_line_cells``, ``line_cells``), transcripts that
split tables 三 and 四 into small markdown tables (``split_tables``) and PDF text extraction (``pdf_text``). Every layout prints every cell of the format in the standard row and column order.
All labels come from :func:`gongkai.standard.get_format`; the prose is our own wording.
Where the spec carries author texts (``ReportSpec.texts``) they replace the generated prose: every renderer
takes its paragraphs from :func:`section_paragraphs` and :func:`preamble_paragraphs`, which in production
(a user's report) never invent the content of sections 一/五/六.

Blank cells (``None``) print as empty cells: in ``blank_line_cells`` (every cell followed by a blank line) an
empty cell is one more blank line and its separator; in ``line_cells`` (one cell per line, no blank lines
otherwise) it is one blank line. ``pdf_text`` cannot show an empty cell (it would simply vanish), so it refuses
specs with blank cells: see :data:`BLANK_CAPABLE`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from itertools import groupby

from gongkai.spec import NOT_APPLICABLE, ReportSpec, Value
from gongkai.standard import Format
from gongkai.standard.labels import APPLICANTS_HEADER, CONTENT_HEADER, NUMERAL_CHARS, SECTION_TABLE, numbered_heading

LAYOUTS: tuple[str, ...] = ("pipe_rows", "markdown", "cell_per_line", "row_opener", "blank_line_cells", "pdf_text",
                             "line_cells", "split_tables")
BLANK_CAPABLE: frozenset[str] = frozenset({"pipe_rows", "markdown", "cell_per_line", "row_opener",
                                           "blank_line_cells", "line_cells", "split_tables"})

TABLE_OF = SECTION_TABLE  # section number → its table


# ---------------------------------------------------------------------------------------------------- style

@dataclass(frozen=True)
class Style:
    """Label variants seen in the wild, chosen once per document."""

    half_brackets: bool = False  # (一) instead of （一）
    number_sep: str = "."  # 1. / 1、 / 1．
    quotes: tuple[str, str] = ("“", "”")
    alias_rate: float = 0.0  # chance that a row prints one of its aliases

    @classmethod
    def draw(cls, rng: random.Random) -> Style:
        return cls(
            half_brackets=rng.random() < 0.5,
            number_sep=rng.choice((".", ".", "、", "．")),
            quotes=rng.choice((("“", "”"), ("“", "”"), ('"', '"'))),
            alias_rate=rng.choice((0.0, 0.0, 0.1, 0.3)),
        )

    def label(self, text: str) -> str:
        if self.half_brackets:
            text = text.replace("（", "(").replace("）", ")")
        if self.number_sep != ".":
            text = re.sub(r"^(\d+)\.", rf"\g<1>{self.number_sep}", text)
        if self.quotes != ("“", "”"):
            text = text.replace("“", self.quotes[0]).replace("”", self.quotes[1])
        return text


def _row_label(label: str, aliases: tuple[str, ...], style: Style, rng: random.Random) -> str:
    if aliases and rng.random() < style.alias_rate:
        label = rng.choice(aliases)
    return style.label(label)


def format_value(v: Value) -> str:
    """How a cell value is printed: blank → '', "n/a" → '/', floats without trailing zeros."""
    if v is None:
        return ""
    if v == NOT_APPLICABLE:
        return "/"
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") or "0"
    return str(v)


# ---------------------------------------------------------------------------------------------------- tables

@dataclass(frozen=True)
class TRow:
    cells: tuple[str, ...]
    kind: str  # caption | header | data
    n_labels: int = 0  # leading label cells: group labels (HTML rowspan cells) then the row label
    spans: tuple[int, ...] = ()  # for each leading group label: how many data rows it spans


@dataclass(frozen=True)
class Table:
    name: str  # proactive | requests | appeals
    rows: tuple[TRow, ...]

    @property
    def width(self) -> int:
        return max(len(r.cells) for r in self.rows)


def proactive_table(fmt: Format, spec: ReportSpec, style: Style, rng: random.Random) -> Table:
    rows: list[TRow] = []
    for caption, rows_of_block in groupby(fmt.proactive_rows, key=lambda r: r.caption):
        block = list(rows_of_block)
        rows.append(TRow((style.label(caption or ""),), "caption"))
        rows.append(TRow((CONTENT_HEADER, *(style.label(c) for c in block[0].column_labels)), "header"))
        for row in block:
            label = _row_label(row.label, row.aliases, style, rng)
            rows.append(TRow((label, *(format_value(spec.values[c]) for c in row.cells)), "data", 1))
    return Table("proactive", tuple(rows))


def _group_chain(fmt: Format, group_id: str | None) -> list[str]:
    """The group ids from the outermost to ``group_id``."""
    return [g.id for g in fmt.group_chain(group_id)]


def requests_table(fmt: Format, spec: ReportSpec, style: Style, rng: random.Random) -> Table:
    groups = fmt.request_column_groups
    grouped = {c: label for label, cols in groups for c in cols}
    top: list[str] = []
    for cid, clabel in fmt.request_columns:
        name = grouped.get(cid, clabel)
        if name not in top:
            top.append(name)
    nested = [clabel for cid, clabel in fmt.request_columns if cid in grouped]
    rows = [TRow((style.label(fmt.request_note), APPLICANTS_HEADER), "header"),
            TRow(tuple(top), "header"), TRow(tuple(nested), "header")]

    labels = {g.id: g.label for g in fmt.request_groups}
    span = {g.id: sum(1 for r in fmt.request_rows if g.id in _group_chain(fmt, r.group)) for g in fmt.request_groups}
    seen: set[str] = set()
    for row in fmt.request_rows:
        starts = [g for g in _group_chain(fmt, row.group) if g not in seen]
        seen.update(starts)
        prefix = tuple(style.label(labels[g]) for g in starts)
        label = _row_label(row.label, row.aliases, style, rng)
        cells = (*prefix, label, *(format_value(spec.values[c]) for c in row.cells))
        rows.append(TRow(cells, "data", len(prefix) + 1, tuple(span[g] for g in starts)))
    return Table("requests", tuple(rows))


def appeals_table(fmt: Format, spec: ReportSpec) -> Table:
    col_labels = tuple(label for _, label in fmt.appeals_columns)
    parts = [(path.split("/")[0], "/" in path, label) for _, label, path in fmt.appeals_groups]
    top = tuple(dict.fromkeys(p[0] for p in parts))
    middle: list[str] = []
    bottom: list[str] = []
    for _, is_nested, label in parts:
        if is_nested:
            middle.append(label)
            bottom.extend(col_labels)
        else:
            middle.extend(col_labels)
    data = tuple(format_value(spec.values[c]) for c in fmt.appeals_cell_ids)
    return Table("appeals", (TRow(top, "header"), TRow(tuple(middle), "header"), TRow(tuple(bottom), "header"),
                             TRow(data, "data", 0)))


def build_tables(spec: ReportSpec, style: Style, rng: random.Random, hybrid: bool = False) -> dict[str, Table]:
    fmt = spec.format
    if hybrid:
        from gongkai.render.hybrid import hybrid_proactive_table  # it builds on this module's rows

        proactive = hybrid_proactive_table(spec, style, rng)
    else:
        proactive = proactive_table(fmt, spec, style, rng)
    return {"proactive": proactive, "requests": requests_table(fmt, spec, style, rng),
            "appeals": appeals_table(fmt, spec)}


# ---------------------------------------------------------------------------------------------------- layouts
# Each table renderer returns blocks: lists of lines that belong together (a page break never splits one).

Blocks = list[list[str]]


def _pipe_rows(table: Table, rng: random.Random) -> Blocks:
    width = table.width + rng.choice((0, 0, 1))
    out = []
    for row in table.rows:
        filler = width - len(row.cells)
        out.append([" | ".join(row.cells) + " |" + (" " + "|" * filler if filler > 0 else "")])
    return out


def _markdown(table: Table, rng: random.Random) -> Blocks:
    out = []
    for i, row in enumerate(table.rows):
        out.append(["| " + " | ".join(row.cells) + " |"])
        if i == 0:
            out[-1].append("|" + "---|" * len(row.cells))
    return out


def _cell_per_line(table: Table, rng: random.Random) -> Blocks:
    filler_rate = rng.choice((0.0, 0.5, 1.0))
    out = []
    for row in table.rows:
        lines = [f"{c} |" if c else "|" for c in row.cells]
        if len(row.cells) < table.width and rng.random() < filler_rate:
            lines.append("||")
        out.append(lines)
    return out


def _row_opener(table: Table, rng: random.Random) -> Blocks:
    return [["|", *(f"{c} |" if c else " |" for c in row.cells)] for row in table.rows]


def _blank_line_cells(table: Table, rng: random.Random) -> Blocks:
    out = []
    for row in table.rows:
        lines: list[str] = []
        for c in row.cells:
            lines.extend((c, ""))
        out.append(lines)
    return out


def _line_cells(table: Table, rng: random.Random) -> Blocks:
    """One cell per line and nothing else: an empty cell is an empty line (a portal page copied as text)."""
    return [list(row.cells) for row in table.rows]


def _md_row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_table(header: list[str], rows: list[tuple[str, ...]]) -> list[str]:
    return [_md_row(header), "|" + "---|" * len(header), *(_md_row(r) for r in rows)]


def _split_tables(table: Table, rng: random.Random) -> Blocks:
    """Tables 三 and 四 as a transcript splits them: 三 one small table per result group (the group label as
    a title line, the columns headed 数据1… or by their names again), 四 one table per group."""
    if table.name == "proactive":
        return _markdown(table, rng)
    if table.name == "appeals":
        columns = list(table.rows[2].cells[:5])
        groups = [table.rows[0].cells[0], *(c for c in table.rows[1].cells if c not in columns)]
        values = table.rows[3].cells
        return [[g, *_md_table(columns, [values[5 * i:5 * i + 5]])] for i, g in enumerate(groups)]
    headers = [r for r in table.rows if r.kind == "header"]
    top, nested = headers[1].cells, headers[2].cells
    names = [top[0], *nested, top[-1]]
    numbered = rng.random() < 0.5
    head = ["情形", *(f"数据{i}" for i in range(1, len(names) + 1))] if numbered else ["情形", *names]
    out: Blocks = [_markdown(Table(table.name, tuple(headers)), rng)[0]]
    first = True
    segment: list[tuple[str, ...]] = []
    titles: list[str] = []
    for row in (r for r in table.rows if r.kind == "data"):
        if row.n_labels > 1 or first:
            if segment:
                out.append([*titles, *_md_table(head, segment)])
            titles, segment, first = list(row.cells[:row.n_labels - 1]), [], False
        segment.append(row.cells[row.n_labels - 1:])
    out.append([*titles, *_md_table(head, segment)])
    return out


def _chunks(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def _vertical(label: str, rng: random.Random) -> list[str]:
    """A rowspan label as a narrow PDF column prints it: an enumerator line, then two or three characters a line."""
    m = re.match(rf"^([（(][{NUMERAL_CHARS}]+[）)])(.*)$", label)
    size = rng.choice((2, 3))
    if m:
        return [m.group(1), *_chunks(m.group(2), size)]
    return [label[:3], *_chunks(label[3:], size)] if len(label) > 3 else [label]


def _pdf_header(table: Table, row: TRow, rng: random.Random) -> list[str]:
    if table.name == "proactive":
        return [" ".join(row.cells)]
    if table.name == "appeals":
        result_columns = set(table.rows[2].cells)
        lines: list[str] = []
        words: list[str] = []
        for c in row.cells:
            if c in result_columns:  # a result column header: one character a line
                if words:
                    lines.append(" ".join(words))
                    words = []
                lines.extend(c)
            else:
                words.append(c)
        if words:
            lines.append(" ".join(words))
        return lines
    lines = []
    for c in row.cells:
        lines.extend(_chunks(c, 20) if len(c) > 12 else _chunks(c, 2) if len(c) > 3 else [c])
    return lines


def _pdf_rows(table: Table, rng: random.Random) -> Blocks:
    wrap = rng.choice((14, 16, 18))
    values_own_line = rng.random() < 0.6
    out: Blocks = []
    held: list[tuple[int, str]] = []  # (data rows to go, chunk): a vertical label's tail printed beside a later row
    for row in table.rows:
        if row.kind != "data":
            out.append(_pdf_header(table, row, rng) if row.kind == "header" else list(row.cells))
            continue
        lines: list[str] = []
        groups = row.cells[:max(0, row.n_labels - 1)]
        due = [chunk for n, chunk in held if n == 0]
        held = [(n - 1, chunk) for n, chunk in held if n > 0]
        if groups:  # a new group starts: print any held tail on its own line first
            lines.extend(due)
            due = []
        for group, span in zip(groups, row.spans):
            chunks = _vertical(group, rng)
            if span >= 3 and len(chunks) > 2 and rng.random() < 0.3:
                held.append((1, chunks.pop()))
            lines.extend(chunks)
        values = " ".join(row.cells[row.n_labels:])
        label = row.cells[row.n_labels - 1] if row.n_labels else None
        if label is None:
            row_lines = [values]
        elif len(label) <= wrap:
            row_lines = [f"{label} {values}"]
        else:
            parts = _chunks(label, wrap)
            row_lines = parts + [values] if values_own_line else parts[:-1] + [f"{parts[-1]} {values}"]
        if due:
            row_lines[0] = " ".join(due) + " " + row_lines[0]
        out.append(lines + row_lines)
    return out


_TABLE_RENDERERS = {"pipe_rows": _pipe_rows, "markdown": _markdown, "cell_per_line": _cell_per_line,
                    "row_opener": _row_opener, "blank_line_cells": _blank_line_cells, "pdf_text": _pdf_rows,
                    "line_cells": _line_cells, "split_tables": _split_tables}


# ---------------------------------------------------------------------------------------------------- prose

def _local(spec: ReportSpec) -> str:
    """本区 / 本市 / 本县 for the body's region."""
    return "本" + (spec.region[-1] if spec.region else "区")


def _self_name(spec: ReportSpec) -> str:
    return {"department": "我局", "street": "本街道", "town": "本镇", "government": f"{_local(spec)}政府"}.get(
        spec.body_kind, "本机关")


def title(spec: ReportSpec) -> str:
    return f"{spec.organization}{spec.year}年政府信息公开工作年度报告"


def _date_text(d, rng: random.Random) -> str:
    return d.isoformat() if rng.random() < 0.5 else f"{d.year}年{d.month}月{d.day}日"


def metadata_lines(spec: ReportSpec, rng: random.Random) -> list[str]:
    code = f"{rng.randint(10000000, 99999999)}X/{spec.year + 1}-{rng.randint(1, 999):05d}"
    lines = [f"索引号：{code}", f"发布机构：{spec.organization}"]
    if rng.random() < 0.5:
        lines.append("主题分类：政务公开")
    if spec.published is not None:
        lines.append(f"发布日期：{_date_text(spec.published, rng)}")
    return lines


def preamble_basis(spec: ReportSpec) -> str:
    """The factual part of the preamble: the legal basis, who compiled the report, the statistical period."""
    basis = ("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和政府信息公开工作年度报告格式的要求，")
    if spec.is_rollup:
        who = f"综合{_local(spec)}各部门、各街道（镇）政府信息公开工作情况，编制本报告。"
    else:
        who = f"{spec.organization}编制本报告。"
    period = f"本报告所列数据的统计期限为{spec.year}年1月1日至{spec.year}年12月31日。"
    return basis + who + period


def preamble(spec: ReportSpec, rng: random.Random) -> str:
    where = rng.choice((f"本报告电子版可在{spec.region or spec.organization}人民政府门户网站政府信息公开专栏查阅和下载。",
                        "如对本报告有疑问，请与本机关政府信息公开工作机构联系。"))
    return preamble_basis(spec) + where


def request_figures_sentence(spec: ReportSpec) -> str:
    f = {t: spec.figure(t) for t in ("received", "carried_over", "closed", "carried_forward", "granted")}
    if not spec.narrative_overrides and not any(f.values()):
        return f"{spec.year}年，{_self_name(spec)}未收到政府信息公开申请，无上年结转申请。"
    return (f"本年度新收政府信息公开申请{f['received']}件，上年结转{f['carried_over']}件，"
            f"办结{f['closed']}件，其中予以公开和部分公开{f['granted']}件；"
            f"结转下年度继续办理{f['carried_forward']}件。")


def appeals_sentence(spec: ReportSpec) -> str:
    review, litigation = spec.figure("review"), spec.figure("litigation")
    if not review and not litigation and not {"review", "litigation"} & set(spec.narrative_overrides):
        return "本年度未发生因政府信息公开工作被申请行政复议或提起行政诉讼的情况。"
    return f"本年度因政府信息公开工作被申请行政复议{review}件，被提起行政诉讼{litigation}件。"


def section_one(spec: ReportSpec, rng: random.Random) -> list[str]:
    me = _self_name(spec)
    paras = [rng.choice((
        f"{spec.year}年，{me}认真贯彻落实《条例》，围绕年度政务公开工作要点，健全工作机制，规范办理流程，"
        "持续提升政府信息公开工作质量。",
        f"{spec.year}年，{me}坚持以公开为常态、不公开为例外，结合工作实际推进政务公开，主动回应群众关切。",
    ))]
    paras.append("（一）主动公开")
    paras.append(rng.choice((
        "通过门户网站及时发布机构职能、财政预决算、重点工作进展等信息，做到应公开尽公开。",
        "依托政府网站和政务新媒体发布政策文件和工作动态，确保信息发布准确及时。",
    )))
    paras.append("（二）依申请公开")
    if spec.state_figures:
        paras.append(request_figures_sentence(spec) + appeals_sentence(spec))
    else:
        paras.append("严格依照《条例》规定的程序和时限办理政府信息公开申请，答复内容规范完整。")
    paras.append("（三）政府信息管理")
    paras.append("落实信息发布前的保密审查和内容审核，定期清理行政规范性文件，动态更新公开目录。")
    paras.append("（四）政府信息公开平台建设")
    paras.append("加强门户网站政府信息公开专栏的日常维护，规范栏目设置，提升信息检索的便利程度。")
    paras.append("（五）监督保障")
    paras.append(rng.choice((
        "将政务公开纳入年度工作考核，主动接受社会监督，本年度未发生因政府信息公开工作引起的责任追究。",
        "明确分管领导和具体经办人员的工作职责，定期开展自查，发现问题及时整改。",
    )))
    return paras


def section_two(spec: ReportSpec, rng: random.Random) -> list[str]:
    return [rng.choice(("本年度主动公开政府信息情况如下：", "主动公开情况统计如下表。"))] if rng.random() < 0.6 else []


def section_three(spec: ReportSpec, rng: random.Random) -> list[str]:
    if spec.state_figures and rng.random() < 0.5:
        return [request_figures_sentence(spec)]
    return []


def section_four(spec: ReportSpec, rng: random.Random) -> list[str]:
    return [appeals_sentence(spec)] if rng.random() < 0.6 else []


def section_five(spec: ReportSpec, rng: random.Random) -> list[str]:
    problems = ("政策解读的形式还比较单一", "基层工作人员的业务能力有待提高", "部分栏目信息更新不够及时",
                "依申请公开答复文书的规范性还需加强")
    fixes = ("丰富图文、视频等解读形式，提高解读的针对性", "定期组织业务培训，提升经办人员的专业水平",
             "建立栏目更新提醒机制，落实专人负责", "完善答复文书模板，加强法制审核")
    picked = rng.sample(range(len(problems)), 2)
    return [f"存在的主要问题：一是{problems[picked[0]]}；二是{problems[picked[1]]}。",
            f"改进措施：一是{fixes[picked[0]]}；二是{fixes[picked[1]]}。"]


def fee_sentence(spec: ReportSpec) -> str:
    if spec.fee_notices == 0:
        return "本年度未发出信息处理费收费通知，未收取信息处理费。"
    collected = format_value(spec.fee_collected)
    return (f"本年度依据《政府信息公开信息处理费管理办法》发出收费通知{spec.fee_notices}件，"
            f"实际收取信息处理费{collected}元。")


def section_six(spec: ReportSpec, rng: random.Random) -> list[str]:
    if not spec.fee_statement:
        return ["本年度无其他需要报告的事项。"]
    proposals = "本年度承办的人大代表建议和政协提案办理结果已按要求公开。"
    if rng.random() < 0.5:
        return ["（一）信息处理费收取情况。" + fee_sentence(spec), "（二）建议提案办理结果公开情况。" + proposals]
    return [fee_sentence(spec) + (proposals if rng.random() < 0.5 else "")]


# ---------------------------------------------------------------------------------------------------- author texts

_PROSE = {1: section_one, 2: section_two, 3: section_three, 4: section_four, 5: section_five, 6: section_six}
# Sections whose content only the author can state (the year's work, problems, fees): production never invents them.
AUTHOR_SECTIONS: tuple[int, ...] = (1, 5, 6)


def section_paragraphs(spec: ReportSpec, no: int, rng: random.Random, *, production: bool = False) -> list[str]:
    """The paragraphs of section ``no`` (1–6): the author's text when the spec has it, else generated prose.

    In production no prose is generated: sections 一/五/六 without author text stay empty (the checks flag
    them) and sections 二/三/四 carry their tables. Generated prose is drawn only when used, so a spec
    without texts draws the same random sequence as before author texts existed.
    """
    given = spec.texts.get(str(no))
    if given is not None:
        return [p for p in given if p.strip()]
    if production:
        return []
    return _PROSE[no](spec, rng)


def preamble_paragraphs(spec: ReportSpec, rng: random.Random, *, production: bool = False) -> list[str]:
    """The preamble: the author's text when given, else generated (in production: only the factual basis)."""
    given = spec.texts.get("preamble")
    if given is not None:
        return [p for p in given if p.strip()]
    return [preamble_basis(spec)] if production else [preamble(spec, rng)]


# ---------------------------------------------------------------------------------------------------- document

def _prose_blocks(paras: list[str], layout: str, pdf: PdfStyle | None) -> Blocks:
    if pdf is not None:
        return [pdf.paragraph(p) for p in paras]
    if layout == "blank_line_cells":
        return [[p, ""] for p in paras]
    return [[p] for p in paras]


@dataclass(frozen=True)
class PdfStyle:
    width: int
    spaced_numbers: bool  # "2023 年": PDF extraction often puts spaces around numbers
    blank_between: bool  # an empty line after every prose line

    def paragraph(self, text: str) -> list[str]:
        if self.spaced_numbers:
            text = re.sub(r"(?<=[^\d\s.])(\d+(?:\.\d+)?)(?=[^\d.])", r" \1 ", text)
        lines = _chunks(text, self.width)
        if self.blank_between:
            return [x for line in lines for x in (line, "")]
        return lines


def _footer(spec: ReportSpec, rng: random.Random) -> str:
    host = f"{spec.region or spec.organization}人民政府办公室"
    return f"主办：{host}  联系电话：0{rng.randint(100, 999)}-{rng.randint(10000000, 99999999)}"


def _paginate(blocks: Blocks, spec: ReportSpec, rng: random.Random) -> list[str]:
    """Insert page numbers (and sometimes a site footer) between blocks every 30-45 lines."""
    pages: list[list[str]] = [[]]
    limit = rng.randint(30, 45)
    for block in blocks:
        if len(pages[-1]) + len(block) > limit and pages[-1]:
            pages.append([])
        pages[-1].extend(block)
    total, style = len(pages), rng.choice(("dash", "of"))
    footer = _footer(spec, rng) if rng.random() < 0.7 else None
    out: list[str] = []
    for no, page in enumerate(pages, start=1):
        out.extend(page)
        if no == total:
            break
        if footer and no % 2 == 1:
            out.append(footer)
        out.append(f"- {no} -" if style == "dash" else f"第 {no} 页 共 {total} 页")
    return out


def render_text(spec: ReportSpec, layout: str, rng: random.Random | None = None,
                variants: bool | None = None, hybrid_proactive: bool = False) -> str:
    """The full text of a report in ``layout``. Deterministic for a given spec and rng state.

    ``variants`` (default: on when ``rng`` is given) prints label variants seen in the wild: half-width
    brackets, 1、/1． numbering, straight quotes and the aliases the format lists. ``hybrid_proactive`` (a
    2019 spec only) prints table 二 as :func:`gongkai.render.hybrid.hybrid_proactive_table`, with
    :func:`gongkai.render.hybrid.hybrid_proactive_values` instead of the spec's proactive cells.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if layout not in BLANK_CAPABLE and spec.has_blanks:
        raise ValueError(f"layout {layout!r} cannot show blank cells; draw the spec with allow_blank=False")
    use_variants = rng is not None if variants is None else variants
    rng = rng or random.Random(0)
    style = Style.draw(rng) if use_variants else Style()
    pdf = PdfStyle(rng.choice((24, 26, 28)), rng.random() < 0.5, rng.random() < 0.4) if layout == "pdf_text" else None
    tables = build_tables(spec, style, rng, hybrid_proactive)
    table_renderer = _TABLE_RENDERERS[layout]
    sep = [""] if layout == "blank_line_cells" else []

    blocks: Blocks = []
    has_title = rng.random() < 0.85
    has_meta = rng.random() < 0.4 or not has_title
    if has_title:
        if pdf is not None and rng.random() < 0.5:
            blocks.append([spec.organization, "", f"{spec.year}年政府信息公开工作年度报告", ""])
        else:
            blocks.append([title(spec), *sep])
    if has_meta:
        blocks.append([line for m in metadata_lines(spec, rng) for line in (m, *sep)])
    if rng.random() < 0.6 or not has_title or spec.is_rollup:
        blocks.extend(_prose_blocks(preamble_paragraphs(spec, rng), layout, pdf))

    for section in spec.format.sections:
        blocks.append([numbered_heading(section.no, section.title), *sep])
        blocks.extend(_prose_blocks(section_paragraphs(spec, section.no, rng), layout, pdf))
        if section.no in TABLE_OF:
            blocks.extend(table_renderer(tables[TABLE_OF[section.no]], rng))
    if spec.published is not None and rng.random() < 0.5:
        blocks.extend(_prose_blocks([spec.organization, _date_text(spec.published, rng)], layout, None))

    lines = _paginate(blocks, spec, rng) if pdf is not None else [line for b in blocks for line in b]
    return "\n".join(lines).rstrip("\n") + "\n"
