"""The YAML fill-in form: every cell id of the format with a Chinese comment naming its row and column, the
texts as block scalars, readable by :func:`gongkai.forms.load_form`.

YAML is for people who script their report (or keep it under version control); the XLSX template
(:mod:`gongkai.forms.xlsx`) is for everyone else. Both carry the same :class:`~gongkai.forms.ReportForm`.
A YAML form has no formulas: totals are written as numbers and the checks report any that do not add up.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from gongkai.spec import Value
from gongkai.forms.model import BODY_KINDS, SECTION_KEYS, ReportForm
from gongkai.standard import Format, get_format
from gongkai.standard.labels import TABLE_SECTION, numeral, section_heading

BODY_KIND_NAMES: dict[str, str] = {
    "department": "部门",
    "government": "人民政府",
    "street": "街道办事处",
    "town": "乡镇人民政府",
}

# what each part of the text should say (shown in both templates)
TEXT_HINTS: dict[str, str] = {
    "preamble": "报告开头的说明：编制依据、统计期限、查阅方式等",
    "1": "必填：本年度工作的总体情况，可按（一）主动公开（二）依申请公开（三）政府信息管理（四）平台建设（五）监督保障分段",
    "2": "可选：表二前的说明文字（数据填在表格中）",
    "3": "可选：表三前的说明文字（数据填在表格中）",
    "4": "可选：表四前的说明文字（数据填在表格中）",
    "5": "必填：上年度问题的整改情况，本年度存在的主要问题和改进措施",
    "6": (
        "必填：须说明依据《政府信息公开信息处理费管理办法》收取信息处理费的情况（发出收费通知的件数和总金额、"
        "实际收取的总金额；未收取的也应写明），以及其他需要报告的事项"
    ),
}


def section_name(fmt: Format, key: str) -> str:
    """前言 / 一、总体情况 … for a key of ``ReportForm.texts``."""
    if key == "preamble":
        return "前言"
    return section_heading(fmt, int(key))


def cell_title(fmt: Format, cell_id: str) -> str:
    """A cell's row and column as a reader of the official table names them, e.g.
    ``三、本年度办理结果/（三）不予公开/1.属于国家秘密/法人或其他组织/商业企业`` — unambiguous where the
    official short label (``1.属于国家秘密/商业企业``) is not."""
    spec = fmt.cells[cell_id]
    if spec.table != "requests":
        return spec.label
    row_id, col_id = cell_id.removeprefix("requests.").rsplit(".", 1)
    row = fmt.request_row(row_id)
    chain = [g.label for g in fmt.group_chain(row.group)]
    col = fmt.column_label(col_id)
    for group_label, cols in fmt.request_column_groups:
        if col_id in cols:
            col = f"{group_label}/{col}"
    return "/".join([*chain, row.label, col])


def sum_definitions(fmt: Format) -> dict[str, tuple[str, ...]]:
    """The cells that are sums of other cells, with the cells they sum: an identity with one cell on its
    left defines that cell (row totals, （七）总计, the 复议/诉讼 totals). The balance identity (two cells on
    each side) defines nothing. Where two identities define the same cell (（七）总计 of the 总计 column),
    the first in the format's order is used; both give the same number when the others hold."""
    out: dict[str, tuple[str, ...]] = {}
    for ident in fmt.identities:
        if len(ident.lhs) == 1 and ident.lhs[0] not in out:
            out[ident.lhs[0]] = ident.rhs
    return out


def template_values(fmt: Format, form: ReportForm | None) -> dict[str, Value]:
    """Every cell of the format: the form's value where it has one, else 0 (a YAML form is filled by editing)."""
    given = form.values if form is not None else {}
    return {cid: given.get(cid, 0) for cid in fmt.cell_ids}


def _scalar(v: object) -> str:
    """One YAML scalar as flow text (JSON is valid YAML and quotes what needs quoting)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return _quoted(str(v))


def _quoted(text: str) -> str:
    """A double-quoted YAML scalar; PyYAML escapes what YAML cannot carry literally (NUL, \\r, U+2028 …)."""
    out = yaml.safe_dump(text, allow_unicode=True, default_style='"', width=1 << 30)
    return out.removesuffix("\n").removesuffix("\n...").strip()


# characters that YAML reads as line breaks, or cannot hold unescaped: such paragraphs are quoted
_UNSAFE = re.compile("[\r\x85\u2028\u2029\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _block(paragraph: str, indent: str) -> list[str]:
    """A paragraph as a ``|-`` block scalar item; a leading space or odd line would need YAML escapes, so
    such paragraphs fall back to a quoted scalar."""
    lines = paragraph.split("\n")
    if _UNSAFE.search(paragraph) or any(line != line.strip() or not line for line in lines):
        return [f"{indent}- {_scalar(paragraph)}"]
    return [f"{indent}- |-", *(f"{indent}  {line}" for line in lines)]


def yaml_template_text(year: int, format_id: str = "2021", form: ReportForm | None = None) -> str:
    """The YAML form as text (see :func:`write_yaml_template`)."""
    fmt = get_format(format_id)
    org = form.organization if form else ""
    kinds = "、".join(f"{k}（{BODY_KIND_NAMES[k]}）" for k in BODY_KINDS)
    out = [
        f"# {year}年政府信息公开工作年度报告 填报表单（{fmt.source}）",
        '# 填写后运行 gongkai render 生成报告。数值：没有发生的填 0，不适用的填 "/"，空白写 null。',
        "# 合计（总计）须等于各项之和，生成报告时会检查勾稽关系。",
        f"organization: {_scalar(org)}  # 机关名称（必填），如“某市某区财政局”",
        f"year: {year}  # 报告年度",
        f"format: {_scalar(format_id)}  # 年报格式：2021 或 2019，决定表格的行和列",
        (
            f"published: {_scalar(form.published.isoformat() if form and form.published else None)}"
            "  # 发布日期，如 2025-01-20，可留空"
        ),
        f"body_kind: {_scalar(form.body_kind if form else 'department')}  # 机关类型：{kinds}",
        f"is_rollup: {_scalar(form.is_rollup if form else False)}  # 是否为汇总本地区各部门情况的政府报告",
        f"region: {_scalar(form.region if form else '')}  # 所属地区，如“某市某区”，可留空",
        "texts:  # 正文：每段一项（- |- 后换行缩进书写）",
    ]
    texts = form.texts if form else {}
    for key in SECTION_KEYS:
        paras = texts.get(key) or []
        out.append(f"  # {section_name(fmt, key)}：{TEXT_HINTS[key]}")
        if not paras:
            out.append(f"  {_scalar(key)}: []")
            continue
        out.append(f"  {_scalar(key)}:")
        for p in paras:
            out.extend(_block(p, "    "))
    out.append("values:  # 表格数据，按单元格编号")
    values = template_values(fmt, form)
    sums = sum_definitions(fmt)
    current = None
    for cid in fmt.cell_ids:
        table = fmt.cells[cid].table
        if table != current:
            current = table
            no = TABLE_SECTION[table]
            out.append(f"  # 表{numeral(no)}  {section_name(fmt, str(no))}")
        title, unit = cell_title(fmt, cid), fmt.cells[cid].unit
        note = (f"（单位：{unit}）" if unit and unit not in title else "") + (
            "（合计：须等于各项之和）" if cid in sums else ""
        )
        out.append(f"  {cid}: {_scalar(values[cid])}  # {title}{note}")
    origins = {cid: o for cid, o in (form.origins if form else {}).items() if o != "entered"}
    if origins:
        out.append("origins:  # 数据来源：last_year 上年报告，tally 登记簿统计，formula 公式（修改数值后可删除对应行）")
        out.extend(f"  {cid}: {_scalar(o)}" for cid, o in origins.items())
    return "\n".join(out) + "\n"


def write_yaml_template(path: str | Path, year: int, format_id: str = "2021", form: ReportForm | None = None) -> Path:
    """Write the YAML form for ``year``: every cell id of ``format_id`` with a comment naming its row and
    column, pre-filled from ``form`` when given (else 0), the texts as block scalars."""
    p = Path(path)
    text = yaml_template_text(year, format_id, form)
    yaml.safe_load(text)  # our own output must parse; a failure here is a bug, not a user error
    p.write_text(text, "utf-8")
    return p
