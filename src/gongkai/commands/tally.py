"""`gongkai tally`: tables 三 and 四 counted from registers, shown in Chinese and optionally written into a form.

Exit codes: 0 every row was classified; 1 some rows were left out (listed; the tables count the rest);
2 a register or the form could not be read.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gongkai.errors import GongkaiError, os_reason
from gongkai.standard import get_format
from gongkai.standard.labels import table_heading

if TYPE_CHECKING:
    from gongkai.tally import TallyResult

from gongkai.commands.support import EXIT_LEFT_OUT, EXIT_OK, E_NO_INPUT, fail, make_console, print_table

# column headers broken in two lines so the table fits an 80-column terminal
_APPLICANT_SHORT = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业\n企业",
    "research_institution": "科研\n机构",
    "social_welfare_org": "社会公益\n组织",
    "legal_service_org": "法律服务\n机构",
    "other_org": "其他",
    "total": "总计",
}
_REMARK = re.compile(r"[（(][^（）()]*[）)]$")  # the trailing remark of （二）部分公开（区分处理的…）


@click.command("tally")
@click.argument("register", required=False, type=click.Path(path_type=Path))
@click.option("--year", type=click.IntRange(2008, 2100), required=True, help="统计的年度，如 2024。")
@click.option(
    "--appeals",
    "appeals_path",
    type=click.Path(path_type=Path),
    default=None,
    help="行政复议、行政诉讼案件登记表（CSV/XLSX），用于统计表四。",
)
@click.option(
    "--into",
    "form_path",
    type=click.Path(path_type=Path),
    default=None,
    help="把统计结果写入（或新建）填报表单（.yaml/.yml/.json），或写入 gongkai template 生成的 .xlsx"
    "（只改统计的单元格），来源标记为 tally。",
)
@click.option(
    "--format",
    "format_id",
    type=click.Choice(["2021", "2019"]),
    default=None,
    help="年报格式（默认：表单中的格式，否则 2021）。",
)
@click.option("--sheet", default=None, help="申请登记表所在的工作表名称（XLSX，默认第一个）。")
@click.option("--appeals-sheet", default=None, help="案件登记表所在的工作表名称（XLSX，默认第一个）。")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="列名=字段",
    help="指定申请登记表的列对应的字段，如 --map 收件日=收到日期（可多次使用）。",
)
@click.option(
    "--appeals-map",
    "appeals_mapping",
    multiple=True,
    metavar="列名=字段",
    help="指定案件登记表的列对应的字段，如 --appeals-map 案由=类型。",
)
@click.option("--org", "organization", default=None, help="新建表单时的机关名称。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出统计结果和未能分类的行。")
def tally(
    register: Path | None,
    year: int,
    appeals_path: Path | None,
    form_path: Path | None,
    format_id: str | None,
    sheet: str | None,
    appeals_sheet: str | None,
    mapping: tuple[str, ...],
    appeals_mapping: tuple[str, ...],
    organization: str | None,
    as_json: bool,
) -> None:
    """根据申请登记表统计表三（收到和处理政府信息公开申请情况），根据案件登记表统计表四（行政复议、行政诉讼情况）。

    登记表的列名和取值写法见 docs/register.md。无法分类的行会逐行列出（行号和原因），不计入统计。
    """
    if register is None and appeals_path is None:
        fail((E_NO_INPUT, "请给出申请登记表，或用 --appeals 给出案件登记表"))
    into_xlsx = form_path is not None and form_path.suffix.lower() == ".xlsx"
    try:
        if into_xlsx and form_path is not None and not form_path.exists():
            from gongkai.errors import FormError

            raise FormError("Excel 填报文件不存在：请先用 gongkai template 生成", source=str(form_path))
        form = _open_form(form_path, year, format_id, organization) if form_path and not into_xlsx else None
        if into_xlsx and form_path is not None and format_id is None:
            from gongkai.forms.xlsx_read import read_xlsx_form

            format_id = read_xlsx_form(form_path).format_id
        fmt_id = format_id or (form.format_id if form else "2021")
        # the register readers are imported when a register is read, not at every start of the CLI
        from gongkai.tally import (
            read_appeals,
            read_applications,
            tally_appeals,
            tally_requests,
        )

        results: list[TallyResult] = []
        if register is not None:
            results.append(tally_requests(read_applications(register, sheet=sheet, mapping=mapping), year, fmt_id))
        if appeals_path is not None:
            results.append(
                tally_appeals(read_appeals(appeals_path, sheet=appeals_sheet, mapping=appeals_mapping), year, fmt_id)
            )
        if form is not None and form_path is not None:
            _update_form(form, results, form_path)
        if into_xlsx and form_path is not None:
            from gongkai.forms.xlsx_into import write_into_xlsx

            write_into_xlsx(
                form_path, {cid: v for r in results for cid, v in r.values.items()}, year=year, format_id=format_id
            )
    except GongkaiError as err:
        fail(err)
    left_out = sum(len(r.left_out) for r in results)
    if as_json:
        out = {"year": year, "format": fmt_id, "form": str(form_path) if form_path else None}
        out.update({r.table: r.to_dict() for r in results})
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        console = make_console()
        for r in results:
            _show(console, r)
        if form_path:
            console.print(
                f"已写入表单 {escape(str(form_path))}（{sum(len(r.values) for r in results)} 个单元格，来源标记为 tally）"
                + ("；[yellow]有未计入的行，请核对后重新统计[/]" if left_out else "")
            )
    sys.exit(EXIT_LEFT_OUT if left_out else EXIT_OK)


def _open_form(path: Path, year: int, format_id: str | None, organization: str | None):
    from gongkai.forms import ReportForm, load_form
    from gongkai.errors import FormError

    if not path.exists():
        return ReportForm(organization=organization or "（请填写机关名称）", year=year, format_id=format_id or "2021")
    form = load_form(path)
    if form.year != year:
        raise FormError(f"表单的年度为 {form.year} 年，与 --year {year} 不一致", source=str(path))
    if format_id and form.format_id != format_id:
        raise FormError(f"表单使用 {form.format_id} 年版格式，与 --format {format_id} 不一致", source=str(path))
    if organization:
        form.organization = organization
    return form


def _update_form(form, results: list[TallyResult], path: Path) -> None:
    from gongkai.forms import dump_form

    for r in results:
        for cid, v in r.values.items():
            form.values[cid] = v
            form.origins[cid] = "tally"
    form.validate()
    try:
        dump_form(form, path)
    except OSError as exc:
        from gongkai.errors import FormError

        raise FormError(f"无法写入表单：{os_reason(exc)}", source=str(path)) from None


def _show(console: Console, r: TallyResult) -> None:
    fmt = get_format(r.format_id)
    if r.table == "requests":
        console.rule(f"[bold]{table_heading(fmt, r.table)}（{r.year}年）")
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        # the seven number columns and the padding take about 62 cells; the labels get the rest of the terminal
        table.add_column("项目", no_wrap=True, overflow="ellipsis", max_width=max(16, console.width - 62))
        cols = [c for c, _ in fmt.request_columns]
        chars = 40
        for c in cols:
            head = _APPLICANT_SHORT.get(c, c)
            table.add_column(head, justify="right", no_wrap=True, min_width=max(len(x) for x in head.split("\n")) * 2)
        for row in fmt.request_rows:
            label = (
                _short(row.label, chars)
                if row.group is None or row.id == "total"
                else "　" + _short(row.label, chars - 1)
            )
            table.add_row(
                escape(label),
                *(str(r.values[f"requests.{row.id}.{c}"]) for c in cols),
                style="bold" if row.id in ("total", "received", "carried_over", "carried_forward") else None,
            )
    else:
        console.rule(f"[bold]{table_heading(fmt, r.table)}（{r.year}年）")
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        table.add_column("类型")
        cols = [c for c, _ in fmt.appeals_columns]
        for _column, label in fmt.appeals_columns:
            table.add_column(label, justify="right")
        for gid, _, path in fmt.appeals_groups:
            table.add_row(escape(path.replace("/", "：")), *(str(r.values[f"appeals.{gid}.{c}"]) for c in cols))
    print_table(console, table)
    what = "申请" if r.table == "requests" else "案件"
    console.print(
        f"{escape(r.source)}：读取 {r.rows_read} 行{what}，计入 {r.counted} 行，属于其他年度 {r.outside_year} 行，"
        + (f"[bold yellow]未能分类 {len(r.left_out)} 行（未计入）[/]" if r.left_out else "未能分类 0 行")
    )
    for lo in r.left_out:
        ident = f"（编号 {escape(lo.ident)}）" if lo.ident else ""
        console.print(f"  [yellow]●[/] 第 {lo.line} 行{ident}：{escape(lo.reason)}")


def _short(label: str, chars: int) -> str:
    """A row label for the terminal: without its bracketed remark, cut to ``chars`` characters."""
    bare = _REMARK.sub("", label).replace("政府信息公开申请数量", "申请数").replace("相关政府信息", "相关信息") or label
    return bare if len(bare) <= chars else bare[: chars - 1] + "…"
