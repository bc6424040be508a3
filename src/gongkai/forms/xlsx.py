"""The XLSX fill-in file an agency fills in, and reading it back into a :class:`~gongkai.forms.ReportForm`.

The workbook has a sheet 基本信息 (who, which year), a sheet 正文 (preamble and sections), the three
standard tables laid out as in the official format (sheets 表二/表三/表四, merged exactly as
:func:`gongkai.render.grid.official` merges them for the rendered report) and a hidden sheet ``_cells``
that maps every cell id (and every metadata field and text) to its ``sheet!A1`` address. Reading goes
through ``_cells`` only, so it does not depend on the layout.

Totals are formulas (derived from the format's identities, see :func:`sum_definitions`), written
``=IF(COUNT(refs)=0,"",SUM(refs))``: a total whose cells are all blank is blank, not 0 (blank and 0 are
different things in a report). Input cells start at 0 (agencies type only what happened).

Reading a formula cell: we compute it from the cells it references (XlsxWriter and openpyxl save no
result, so there may be nothing else to read). When the file also holds a result saved by Excel, WPS or
LibreOffice and it differs from ours, **the saved result is kept**: it is what the user saw and printed,
and a difference (e.g. a number typed as text, which SUM skips and we would too) is then reported by the
checks instead of being silently repaired. A total the user overwrote with a number is read as typed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeGuard

from gongkai.errors import os_reason
from gongkai.spec import NOT_APPLICABLE, ReportSpec, Value
from gongkai.forms.model import BODY_KINDS, SECTION_KEYS, ReportForm
from gongkai.errors import FormError
from gongkai.forms.yaml_template import (
    BODY_KIND_NAMES,
    TEXT_HINTS,
    cell_title,
    section_name,
    sum_definitions,
)
from gongkai.render.grid import Grid, official
from gongkai.render.text import Style, build_tables
from gongkai.standard import Format, get_format
from gongkai.standard.labels import TABLE_NAMES, TABLE_SECTION, int_if_whole

CELLS_SHEET = "_cells"
META_SHEET = "基本信息"
TEXT_SHEET = "正文"
TABLE_SHEETS: dict[str, str] = dict(TABLE_NAMES)
_TOP = 3  # first row of a table's grid on its sheet (title, hint and unit lines above it)
_YES, _NO = "是", "否"

# (key, label, hint) of the metadata fields on 基本信息
_META: tuple[tuple[str, str, str], ...] = (
    ("organization", "机关名称", "必填，与报告标题中的机关名称一致，如“某市某区财政局”"),
    ("year", "年度", "报告年度，统计期限为该年1月1日至12月31日"),
    ("format", "年报格式", "由模板决定，请勿修改（换格式请重新生成模板）"),
    ("published", "发布日期", "可留空，如 2025-01-20"),
    ("body_kind", "机关类型", "从下拉列表中选择，决定报告中的自称（我局、本街道……）"),
    ("is_rollup", "是否汇总报告", "政府汇总本地区各部门、街道（乡镇）情况的报告选“是”"),
    ("region", "所属地区", "可选，如“某市某区”"),
)


@dataclass(frozen=True)
class Slot:
    """One entry of ``_cells``: where a field lives and what it is."""

    key: str  # a cell id, meta.<field> or text.<section key>
    sheet: str
    row: int  # 0-based
    col: int  # 0-based
    kind: str  # input | formula | meta | text
    name: str = ""  # Chinese description
    origin: str = ""  # origin of a pre-filled value other than typed (last_year, tally …)
    prefill: str = ""  # that value as text: if the cell still holds it, the origin still applies

    @property
    def address(self) -> str:
        return f"{self.sheet}!{a1(self.row, self.col)}"


def a1(row: int, col: int) -> str:
    """0-based (row, col) → ``A1``."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def _parse_a1(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)", ref.strip().upper())
    if not m:
        raise ValueError(ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


# ---------------------------------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class TablePlan:
    name: str  # proactive | requests | appeals
    sheet: str
    grid: Grid
    positions: dict[str, tuple[int, int]]  # cell id → (row, col) on the sheet


def table_plans(fmt: Format) -> dict[str, TablePlan]:
    """Where every cell of the three tables goes: the official grid (from the renderer) shifted below the
    sheet's title lines; value positions are matched to cell ids row by row in the format's order."""
    blank = ReportSpec(fmt.id, 2000, "", "department", False, None, {cid: None for cid in fmt.cell_ids})
    tables = build_tables(blank, Style(), random.Random(0))
    rows_of = {
        "proactive": [r.cells for r in fmt.proactive_rows],
        "requests": [r.cells for r in fmt.request_rows],
        "appeals": [tuple(fmt.appeals_cell_ids)],
    }
    plans = {}
    for name, table in tables.items():
        grid = official(table, fmt)
        cols_of_rows = [sorted(c.col for c in row if c.kind == "value") for row in grid.rows()]
        value_rows = [(r, cols) for r, cols in enumerate(cols_of_rows) if cols]
        ids = rows_of[name]
        if len(value_rows) != len(ids) or any(len(cols) != len(i) for (_, cols), i in zip(value_rows, ids)):
            raise AssertionError(f"{name}: the rendered grid does not match the format's rows")  # a bug
        positions = {cid: (_TOP + r, c) for (r, cols), row_ids in zip(value_rows, ids) for c, cid in zip(cols, row_ids)}
        plans[name] = TablePlan(name, TABLE_SHEETS[name], grid, positions)
    return plans


def _ranges(cells: list[tuple[int, int]]) -> str:
    """Positions as a comma list of A1 ranges, runs along a row or a column merged."""
    runs: list[list[tuple[int, int]]] = []
    for pos in sorted(set(cells)):
        if runs:
            last = runs[-1][-1]
            if (pos[0] == last[0] and pos[1] == last[1] + 1 and all(p[0] == pos[0] for p in runs[-1])) or (
                pos[1] == last[1] and pos[0] == last[0] + 1 and all(p[1] == pos[1] for p in runs[-1])
            ):
                runs[-1].append(pos)
                continue
        runs.append([pos])
    return ",".join(a1(*run[0]) if len(run) == 1 else f"{a1(*run[0])}:{a1(*run[-1])}" for run in runs)


def sum_formula(refs: list[tuple[int, int]]) -> str:
    """A blank-aware sum: blank while none of the cells holds a number."""
    r = _ranges(refs)
    return f'=IF(COUNT({r})=0,"",SUM({r}))'


def _numeric(v: Any) -> TypeGuard[int | float]:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _tidy(x: float) -> int | float:
    return int_if_whole(float(round(x, 6)))


def form_totals(fmt: Format, values: dict[str, Value]) -> dict[str, Value]:
    """What each total's formula shows for ``values`` (spreadsheet semantics: numbers add up, "/" and text
    are skipped, blank when no cell holds a number)."""
    sums = sum_definitions(fmt)
    memo: dict[str, Value] = {}

    def value(cid: str) -> Value:
        if cid not in sums:
            return values.get(cid)
        if cid not in memo:
            parts = [value(d) for d in sums[cid]]
            nums = [p for p in parts if _numeric(p)]
            memo[cid] = _tidy(sum(nums)) if nums else None
        return memo[cid]

    return {cid: value(cid) for cid in sums}


# ---------------------------------------------------------------------------------------------------- writing


def _prefill_text(v: Any) -> str:
    return "" if v is None else repr(v) if _numeric(v) else str(v)


def write_xlsx_template(path: str | Path, year: int, format_id: str = "2021", form: ReportForm | None = None) -> Path:
    """Write the fill-in workbook for ``year`` in ``format_id``, pre-filled from ``form`` when given.

    Input cells the form does not mention (all of them without a form) start at 0; a cell the form leaves
    blank (None) stays blank. A total the form states differently from the sum of its cells is written as
    the stated number, not as a formula (the checks will report it; we never repair a stated number)."""
    import xlsxwriter

    fmt = get_format(format_id)
    p = Path(path)
    wb = xlsxwriter.Workbook(
        str(p), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    wb.set_properties({"title": f"{year}年政府信息公开工作年度报告填报表", "comments": "gongkai template"})
    st = _styles(wb)
    slots: list[Slot] = []
    slots += _meta_sheet(wb, st, fmt, year, form)
    slots += _text_sheet(wb, st, fmt, form)
    sums = sum_definitions(fmt)
    stated = dict(form.values) if form else {}
    # input cells the form does not mention start at 0, as in the YAML form: agencies type only what happened
    values = {cid: stated.get(cid, 0) for cid in fmt.cell_ids if cid not in sums}
    totals = form_totals(fmt, values)
    origins = dict(form.origins) if form else {}
    for plan in table_plans(fmt).values():
        slots += _table_sheet(wb, st, fmt, plan, values, stated, origins, totals, sums)
    _cells_sheet(wb, st, fmt, slots)
    try:
        wb.close()
    except OSError as exc:
        raise FormError(f"无法写入文件：{os_reason(exc)}", source=str(p)) from None
    return p


def _styles(wb) -> dict[str, Any]:
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
    box = {**base, "border": 1, "text_wrap": True}
    return {
        "title": wb.add_format({**base, "bold": True, "font_size": 14}),
        "hint": wb.add_format({**base, "font_color": "#595959", "text_wrap": True}),
        "unit": wb.add_format({**base, "align": "right"}),
        "header": wb.add_format({**box, "bold": True, "align": "center", "bg_color": "#F2F2F2"}),
        "label": wb.add_format({**box, "align": "left"}),
        "input": wb.add_format({**box, "align": "center", "locked": False, "bg_color": "#FFF2CC"}),
        "formula": wb.add_format({**box, "align": "center", "bold": True, "bg_color": "#DDEBF7"}),
        "meta_label": wb.add_format({**box, "bold": True, "bg_color": "#F2F2F2"}),
        "meta_input": wb.add_format({**box, "locked": False, "bg_color": "#FFF2CC"}),
        "meta_fixed": wb.add_format({**box, "bg_color": "#F2F2F2"}),
        "meta_date": wb.add_format({**box, "locked": False, "bg_color": "#FFF2CC", "num_format": "yyyy-mm-dd"}),
        "text": wb.add_format({**box, "valign": "top", "locked": False, "bg_color": "#FFF2CC"}),
        "check": wb.add_format({**box, "align": "center", "font_color": "#595959"}),
        "bad": wb.add_format({"bg_color": "#F8CBAD", "font_color": "#9C0006"}),
        "plain": wb.add_format(base),
    }


def _protect(ws) -> None:
    # no password: the protection guards against slips (typing over a label or a formula), not against users
    ws.protect(
        "", {"format_columns": True, "format_rows": True, "select_locked_cells": True, "select_unlocked_cells": True}
    )


def _meta_sheet(wb, st, fmt: Format, year: int, form: ReportForm | None) -> list[Slot]:
    ws = wb.add_worksheet(META_SHEET)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 2, 60)
    ws.merge_range(0, 0, 0, 2, f"{year}年政府信息公开工作年度报告 填报表", st["title"])
    ws.merge_range(
        1,
        0,
        1,
        2,
        "黄色单元格为填报项；蓝色单元格为自动计算的合计（公式），一般不要改写，改写后以所填数字为准并在检查时报告。"
        "表格中没有发生的填 0，不适用的填 /。填好后运行 gongkai render 生成报告。",
        st["hint"],
    )
    ws.set_row(1, 32)
    kinds = [BODY_KIND_NAMES[k] for k in BODY_KINDS]
    current = {
        "organization": form.organization if form else "",
        "year": year,
        "format": fmt.id,
        "published": form.published if form else None,
        "body_kind": BODY_KIND_NAMES[form.body_kind if form and form.body_kind in BODY_KIND_NAMES else "department"],
        "is_rollup": _YES if form and form.is_rollup else _NO,
        "region": form.region if form else "",
    }
    slots = []
    for i, (key, label, hint) in enumerate(_META):
        r = 3 + i
        ws.write_string(r, 0, label, st["meta_label"])
        ws.write_string(r, 2, hint if key != "format" else f"{hint}。{fmt.source}", st["hint"])
        v = current[key]
        if key == "format":
            ws.write_string(r, 1, v, st["meta_fixed"])
        elif key == "year":
            ws.write_number(r, 1, v, st["meta_input"])
            ws.data_validation(
                r,
                1,
                r,
                1,
                {
                    "validate": "integer",
                    "criteria": "between",
                    "minimum": 2008,
                    "maximum": 2100,
                    "error_title": "年度",
                    "error_message": "请填写四位数字的年份，如 2024",
                },
            )
        elif key == "published":
            if isinstance(v, date):
                ws.write_datetime(r, 1, datetime(v.year, v.month, v.day), st["meta_date"])
            else:
                ws.write_blank(r, 1, None, st["meta_date"])
        elif key == "body_kind":
            ws.write_string(r, 1, v, st["meta_input"])
            ws.data_validation(
                r,
                1,
                r,
                1,
                {
                    "validate": "list",
                    "source": kinds,
                    "error_title": "机关类型",
                    "error_message": "请从下拉列表中选择：" + "、".join(kinds),
                },
            )
        elif key == "is_rollup":
            ws.write_string(r, 1, v, st["meta_input"])
            ws.data_validation(r, 1, r, 1, {"validate": "list", "source": [_YES, _NO]})
        else:
            ws.write_string(r, 1, v, st["meta_input"])
        slots.append(Slot(f"meta.{key}", META_SHEET, r, 1, "meta", label))
    ws.activate()
    _protect(ws)
    return slots


def _text_sheet(wb, st, fmt: Format, form: ReportForm | None) -> list[Slot]:
    ws = wb.add_worksheet(TEXT_SHEET)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 36)
    ws.set_column(2, 2, 90)
    ws.merge_range(0, 0, 0, 2, "正文", st["title"])
    ws.merge_range(
        1,
        0,
        1,
        2,
        "每段一行：在单元格内换行（Excel 按 Alt+Enter，WPS/LibreOffice 按 Ctrl+Enter）。"
        "一、五、六为必填；二、三、四的数据填在表二、表三、表四，此处只填表格前的说明文字（可不填）。",
        st["hint"],
    )
    ws.set_row(1, 32)
    for c, head in enumerate(("部分", "填写说明", "内容")):
        ws.write_string(2, c, head, st["header"])
    texts = form.texts if form else {}
    slots = []
    for i, key in enumerate(SECTION_KEYS):
        r = 3 + i
        name = section_name(fmt, key)
        ws.write_string(r, 0, name, st["meta_label"])
        ws.write_string(r, 1, TEXT_HINTS[key], st["label"])
        ws.write_string(r, 2, "\n".join(texts.get(key) or []), st["text"])
        ws.set_row(r, 48 if key in ("2", "3", "4") else 120)
        slots.append(Slot(f"text.{key}", TEXT_SHEET, r, 2, "text", name))
    _protect(ws)
    return slots


def _input_rule(fmt: Format, cid: str) -> tuple[str, str]:
    """A custom validation formula (relative to the cell itself) and its message."""
    spec = fmt.cells[cid]
    if spec.decimal:
        return "AND(ISNUMBER({c}),{c}>=0)", "请填写非负数（可带小数）"
    if spec.signed:
        return "AND(ISNUMBER({c}),INT({c})={c})", "请填写整数（减少填负数）"
    return "AND(ISNUMBER({c}),{c}>=0,INT({c})={c})", "请填写非负整数"


def _table_sheet(
    wb,
    st,
    fmt: Format,
    plan: TablePlan,
    values: dict[str, Value],
    stated: dict[str, Value],
    origins: dict[str, str],
    totals: dict[str, Value],
    sums: dict[str, tuple[str, ...]],
) -> list[Slot]:
    """One table sheet. ``values``: the input cells; ``stated``: the form's own values, whose totals are
    written as numbers where they differ from the formula's result."""
    ws = wb.add_worksheet(plan.sheet)
    grid = plan.grid
    no = TABLE_SECTION[plan.name]
    last_col = grid.n_cols - 1
    ws.merge_range(0, 0, 0, last_col, section_name(fmt, str(no)), st["title"])
    ws.merge_range(
        1,
        0,
        1,
        last_col,
        "黄色单元格为填报项（没有发生的填 0，不适用的填 /）；蓝色单元格为合计，自动计算。",
        st["hint"],
    )
    units = sorted({s.unit for s in fmt.cells.values() if s.table == plan.name and s.unit})
    unit_text = f"金额单位：{'、'.join(units)}" if units else ("单位：件" if plan.name != "proactive" else "")
    if unit_text:
        ws.merge_range(2, 0, 2, last_col, unit_text, st["unit"])
    # column widths: label columns narrow except the row label column; values ~10 characters
    if plan.name == "requests":
        for c in range(grid.n_labels - 1):
            ws.set_column(c, c, 6)
        ws.set_column(grid.n_labels - 1, grid.n_labels - 1, 34)
        ws.set_column(grid.n_labels, last_col, 10)
    elif plan.name == "proactive":
        ws.set_column(0, 0, 22)
        ws.set_column(1, last_col, 16)
    else:
        ws.set_column(0, last_col, 8)
    for cell in grid.cells:
        if cell.kind == "value":
            continue
        r, c = _TOP + cell.row, cell.col
        style = st["header"] if cell.kind == "header" else st["label"]
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_range(r, c, r + cell.rowspan - 1, c + cell.colspan - 1, cell.text, style)
        else:
            ws.write_string(r, c, cell.text, style)
    for r in range(_TOP, _TOP + grid.n_rows):
        ws.set_row(r, 30 if plan.name != "requests" else 22)

    pos = plan.positions
    slots = []
    for cid, (r, c) in pos.items():
        title = cell_title(fmt, cid)
        v = stated[cid] if cid in sums and cid in stated else values.get(cid)
        stated_total = cid in sums and cid in stated and not _same(v, totals.get(cid))
        if cid in sums and not stated_total:
            shown = totals.get(cid)
            ws.write_formula(
                r, c, sum_formula([pos[d] for d in sums[cid]]), st["formula"], "" if shown is None else shown
            )
            slots.append(Slot(cid, plan.sheet, r, c, "formula", title))
            continue
        _write_value(ws, r, c, v, st["input"])
        formula, message = _input_rule(fmt, cid)
        ref = a1(r, c)
        ws.data_validation(
            r,
            c,
            r,
            c,
            {
                "validate": "custom",
                "value": f'=OR({ref}="/",' + formula.format(c=ref) + ")",
                "ignore_blank": True,
                "error_title": "填写有误",
                "error_message": f"{message}；不适用的填 /",
                "input_message": title[:250],
            },
        )
        origin = origins.get(cid, "")
        kind = "formula" if cid in sums else "input"
        slots.append(
            Slot(
                cid,
                plan.sheet,
                r,
                c,
                kind,
                title,
                origin if origin not in ("", "entered") else "",
                _prefill_text(v) if origin else "",
            )
        )
    _marks(ws, st, fmt, plan, sums)
    _protect(ws)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.freeze_panes(_TOP + (grid.n_head if plan.name != "proactive" else 0), grid.n_labels)
    return slots


def _same(a: Value, b: Value) -> bool:
    if _numeric(a) and _numeric(b):
        return abs(a - b) < 1e-9
    return a == b


def _write_value(ws, r: int, c: int, v: Any, style) -> None:
    if v is None:
        ws.write_blank(r, c, None, style)
    elif v == NOT_APPLICABLE:
        ws.write_string(r, c, "/", style)
    elif _numeric(v):
        ws.write_number(r, c, v, style)
    else:
        ws.write_string(r, c, str(v), style)


def _marks(ws, st, fmt: Format, plan: TablePlan, sums: dict[str, tuple[str, ...]]) -> None:
    """Conditional formatting: a total that differs from its cells (typed over), and — table 三 — each
    column whose 第一项＋第二项 differs from 第三项＋第四项, with a check line under the table."""
    pos = plan.positions
    for cid, deps in sums.items():
        if cid in pos:
            ref = a1(*pos[cid])
            ws.conditional_format(
                ref,
                {
                    "type": "formula",
                    "format": st["bad"],
                    "criteria": f"=N({ref})<>SUM({_ranges([pos[d] for d in deps])})",
                },
            )
    balance = [i for i in fmt.identities if i.rule == "requests.balance"]
    if plan.name != "requests" or not balance:
        return
    last = _TOP + plan.grid.n_rows + 1
    n_labels = plan.grid.n_labels
    ws.merge_range(last, 0, last, n_labels - 1, "勾稽检查：第一项＋第二项＝第三项＋第四项", st["label"])
    for ident in balance:
        lhs = ",".join(a1(*pos[c]) for c in ident.lhs)
        rhs = ",".join(a1(*pos[c]) for c in ident.rhs)
        col = pos[ident.lhs[0]][1]
        ws.write_formula(last, col, f'=IF(SUM({lhs})=SUM({rhs}),"平衡","不平衡")', st["check"], "平衡")
        for cid in ident.cells:
            ref = a1(*pos[cid])
            ws.conditional_format(ref, {"type": "formula", "format": st["bad"], "criteria": f"=SUM({lhs})<>SUM({rhs})"})
    ws.conditional_format(
        last,
        n_labels,
        last,
        plan.grid.n_cols - 1,
        {"type": "text", "criteria": "containing", "value": "不平衡", "format": st["bad"]},
    )
    note = (
        "勾稽关系："
        + "；".join(dict.fromkeys(i.label for i in fmt.identities if i.rule.startswith("requests.")))
        + "。"
    )
    ws.merge_range(last + 1, 0, last + 1, plan.grid.n_cols - 1, note, st["hint"])
    ws.set_row(last + 1, 30)


def _cells_sheet(wb, st, fmt: Format, slots: list[Slot]) -> None:
    ws = wb.add_worksheet(CELLS_SHEET)
    for c, head in enumerate(("编号", "位置", "类型", "名称", "预填来源", "预填值")):
        ws.write_string(0, c, head)
    for r, s in enumerate(slots, start=1):
        for c, text in enumerate((s.key, s.address, s.kind, s.name, s.origin, s.prefill)):
            ws.write_string(r, c, text)
    ws.set_column(0, 0, 48)
    ws.set_column(1, 1, 12)
    ws.set_column(3, 3, 60)
    ws.hide()
    _protect(ws)
