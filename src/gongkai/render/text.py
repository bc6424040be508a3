"""The content of an annual report rendered from a :class:`~gongkai.examples.generate.ReportSpec`: its tables
(rows, labels and values, :func:`build_tables`) and its prose (title, metadata, preamble, sections), in the
wording every renderer shares: `gongkai render` (Word, HTML, Markdown, PDF), the producing side and the plain
text layouts of :mod:`gongkai.render.layouts`.
All labels come from :func:`gongkai.standard.get_format`; the prose is our own wording.
Where the spec carries author texts (``ReportSpec.texts``) they replace the generated prose: every renderer
takes its paragraphs from :func:`section_paragraphs` and :func:`preamble_paragraphs`, which in production
(a user's report) never invent the content of sections 一/五/六.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from itertools import groupby

from gongkai.spec import NOT_APPLICABLE, ReportSpec, Value
from gongkai.standard import Format
from gongkai.standard.labels import APPLICANTS_HEADER, CONTENT_HEADER, SECTION_TABLE

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
    rows = [
        TRow((style.label(fmt.request_note), APPLICANTS_HEADER), "header"),
        TRow(tuple(top), "header"),
        TRow(tuple(nested), "header"),
    ]

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
    return Table(
        "appeals",
        (TRow(top, "header"), TRow(tuple(middle), "header"), TRow(tuple(bottom), "header"), TRow(data, "data", 0)),
    )


def build_tables(spec: ReportSpec, style: Style, rng: random.Random, hybrid: bool = False) -> dict[str, Table]:
    fmt = spec.format
    if hybrid:
        from gongkai.render.hybrid import hybrid_proactive_table  # it builds on this module's rows

        proactive = hybrid_proactive_table(spec, style, rng)
    else:
        proactive = proactive_table(fmt, spec, style, rng)
    return {
        "proactive": proactive,
        "requests": requests_table(fmt, spec, style, rng),
        "appeals": appeals_table(fmt, spec),
    }


# ---------------------------------------------------------------------------------------------------- prose


def _local(spec: ReportSpec) -> str:
    """本区 / 本市 / 本县 for the body's region."""
    return "本" + (spec.region[-1] if spec.region else "区")


def _self_name(spec: ReportSpec) -> str:
    return {"department": "我局", "street": "本街道", "town": "本镇", "government": f"{_local(spec)}政府"}.get(
        spec.body_kind, "本机关"
    )


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
    basis = "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和政府信息公开工作年度报告格式的要求，"
    if spec.is_rollup:
        who = f"综合{_local(spec)}各部门、各街道（镇）政府信息公开工作情况，编制本报告。"
    else:
        who = f"{spec.organization}编制本报告。"
    period = f"本报告所列数据的统计期限为{spec.year}年1月1日至{spec.year}年12月31日。"
    return basis + who + period


def preamble(spec: ReportSpec, rng: random.Random) -> str:
    where = rng.choice(
        (
            f"本报告电子版可在{spec.region or spec.organization}人民政府门户网站政府信息公开专栏查阅和下载。",
            "如对本报告有疑问，请与本机关政府信息公开工作机构联系。",
        )
    )
    return preamble_basis(spec) + where


def request_figures_sentence(spec: ReportSpec) -> str:
    f = {t: spec.figure(t) for t in ("received", "carried_over", "closed", "carried_forward", "granted")}
    if not spec.narrative_overrides and not any(f.values()):
        return f"{spec.year}年，{_self_name(spec)}未收到政府信息公开申请，无上年结转申请。"
    return (
        f"本年度新收政府信息公开申请{f['received']}件，上年结转{f['carried_over']}件，"
        f"办结{f['closed']}件，其中予以公开和部分公开{f['granted']}件；"
        f"结转下年度继续办理{f['carried_forward']}件。"
    )


def appeals_sentence(spec: ReportSpec) -> str:
    review, litigation = spec.figure("review"), spec.figure("litigation")
    if not review and not litigation and not {"review", "litigation"} & set(spec.narrative_overrides):
        return "本年度未发生因政府信息公开工作被申请行政复议或提起行政诉讼的情况。"
    return f"本年度因政府信息公开工作被申请行政复议{review}件，被提起行政诉讼{litigation}件。"


def section_one(spec: ReportSpec, rng: random.Random) -> list[str]:
    me = _self_name(spec)
    paras = [
        rng.choice(
            (
                f"{spec.year}年，{me}认真贯彻落实《条例》，围绕年度政务公开工作要点，健全工作机制，规范办理流程，"
                "持续提升政府信息公开工作质量。",
                f"{spec.year}年，{me}坚持以公开为常态、不公开为例外，结合工作实际推进政务公开，主动回应群众关切。",
            )
        )
    ]
    paras.append("（一）主动公开")
    paras.append(
        rng.choice(
            (
                "通过门户网站及时发布机构职能、财政预决算、重点工作进展等信息，做到应公开尽公开。",
                "依托政府网站和政务新媒体发布政策文件和工作动态，确保信息发布准确及时。",
            )
        )
    )
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
    paras.append(
        rng.choice(
            (
                "将政务公开纳入年度工作考核，主动接受社会监督，本年度未发生因政府信息公开工作引起的责任追究。",
                "明确分管领导和具体经办人员的工作职责，定期开展自查，发现问题及时整改。",
            )
        )
    )
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
    problems = (
        "政策解读的形式还比较单一",
        "基层工作人员的业务能力有待提高",
        "部分栏目信息更新不够及时",
        "依申请公开答复文书的规范性还需加强",
    )
    fixes = (
        "丰富图文、视频等解读形式，提高解读的针对性",
        "定期组织业务培训，提升经办人员的专业水平",
        "建立栏目更新提醒机制，落实专人负责",
        "完善答复文书模板，加强法制审核",
    )
    picked = rng.sample(range(len(problems)), 2)
    return [
        f"存在的主要问题：一是{problems[picked[0]]}；二是{problems[picked[1]]}。",
        f"改进措施：一是{fixes[picked[0]]}；二是{fixes[picked[1]]}。",
    ]


def fee_sentence(spec: ReportSpec) -> str:
    if spec.fee_notices == 0:
        return "本年度未发出信息处理费收费通知，未收取信息处理费。"
    collected = format_value(spec.fee_collected)
    return (
        f"本年度依据《政府信息公开信息处理费管理办法》发出收费通知{spec.fee_notices}件，"
        f"实际收取信息处理费{collected}元。"
    )


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
