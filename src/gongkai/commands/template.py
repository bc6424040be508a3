"""``gongkai template``: write the fill-in file for a year (XLSX by default, YAML or JSON for scripting),
optionally pre-filled from last year's report (organization, body kind, 上年结转 = last year's 结转下年度).

Register with ``main.add_command(template)`` in :mod:`gongkai.cli`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from gongkai.errors import GongkaiError, os_reason
from gongkai.spec import NOT_APPLICABLE, Value
from gongkai.forms.model import ReportForm, dump_form
from gongkai.errors import FormError
from gongkai.forms.yaml_template import (
    BODY_KIND_NAMES,
    cell_title,
    template_values,
    write_yaml_template,
)
from gongkai.model import Report, Severity
from gongkai.standard import FORMAT_IDS, get_format
from gongkai.standard.labels import format_for_year

from gongkai.commands.support import E_EXISTS, E_USAGE, E_WRITE, fail

_KINDS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}


def guess_body_kind(organization: str) -> str:
    """The body kind a name suggests: 街道办事处 → street, 镇/乡人民政府 → town, 人民政府 → government,
    anything else a department."""
    name = organization.strip()
    if name.endswith(("街道办事处", "街道", "街道办")):
        return "street"
    if name.endswith(("镇人民政府", "乡人民政府", "镇政府", "乡政府")):
        return "town"
    if name.endswith(("人民政府", "政府")):
        return "government"
    return "department"


def default_format(year: int) -> str:
    """The 2021 format applies from the 2021 reports on; 2019 and 2020 used the 2019 (试行) format."""
    return format_for_year(year)


def form_from_last_year(
    report: Report, year: int, format_id: str, organization: str = ""
) -> tuple[ReportForm, list[str]]:
    """A form for ``year`` pre-filled from last year's report: organization (unless given), body kind,
    rollup, and 上年结转 = last year's 结转下年度继续办理 per applicant column (origin ``last_year``).
    Returns the form and warnings (Chinese)."""
    fmt = get_format(format_id)
    warnings: list[str] = []
    if report.year is None:
        warnings.append(f"未能确定上年报告的年度，请确认它是{year - 1}年的报告")
    elif report.year != year - 1:
        warnings.append(f"上年报告是{report.year}年的，而不是{year - 1}年的；上年结转数据请核对")
    org = organization or report.organization or ""
    if not org:
        warnings.append("上年报告中未能读到机关名称，请在模板中填写")
    form = ReportForm(
        organization=org,
        year=year,
        format_id=format_id,
        body_kind=guess_body_kind(org),
        is_rollup=bool(report.is_rollup),
    )
    gold = report.gold_cells()
    missing = []
    for col, _ in fmt.request_columns:
        src, dst = f"requests.carried_forward.{col}", f"requests.carried_over.{col}"
        if src not in gold:
            missing.append(fmt.column_label(col))
            continue
        v: Value = gold[src]
        if v is not None and v != NOT_APPLICABLE and not isinstance(v, (int, float)):
            warnings.append(f"上年报告中“{cell_title(fmt, src)}”为“{v}”，不是数字，未预填")
            continue
        form.values[dst] = v
        form.origins[dst] = "last_year"
        if src in report.inferred:
            warnings.append(f"上年报告未写明“{cell_title(fmt, src)}”，预填的 {v} 是由勾稽关系推算的")
    if missing:
        warnings.append(f"上年报告中未读到结转下年度继续办理（{'、'.join(missing)}），对应的上年结转未预填")
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    if errors:
        warnings.append(f"上年报告有 {len(errors)} 个错误（运行 gongkai check 查看），预填数据请核对")
    return form, warnings


def _fail(code: str, message: str, hint: str | None = None) -> NoReturn:
    fail((code, message), hint)


def _file_part(name: str) -> str:
    """An organization name as part of a default file name: no directory parts, no characters Windows
    refuses; the name stays readable ("../X" becomes "X")."""
    cleaned = "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in name)
    return cleaned.strip(" ._") or "机关"


@click.command("template", help="生成年度报告填报文件（XLSX 表格，或用于脚本的 YAML/JSON 表单）。")
@click.option("--year", "year_text", metavar="年度", help="报告年度，如 2024（必填）")
@click.option(
    "--format", "format_id", metavar="格式", default=None, help="年报格式：2021 或 2019（默认按年度：2021年起为 2021）"
)
@click.option("--org", default="", metavar="机关名称", help="机关名称，如“某市某区财政局”")
@click.option(
    "--from",
    "last_year",
    metavar="上年报告",
    default=None,
    help="上年度的年报（PDF、Word、网页等任何可读格式），用于预填机关名称和上年结转",
)
@click.option("-o", "--output", metavar="文件", default=None, help="输出文件：.xlsx（默认）、.yaml/.yml 或 .json")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖")
@click.option(
    "--rollup",
    "rollup_region",
    metavar="地区",
    default=None,
    help="生成该地区（名录中的机关）的汇总报告 .xlsx：表三、表四按下属机关库中报告求和，表二只在各报告都填了时求和；"
    "工作表“汇总来源”列出每格计入的机关和没有报告的机关",
)
@click.option("--db", default=None, help="--rollup 读取的数据库（默认 gongkai.db 或环境变量 GONGKAI_DB）")
def template(
    year_text: str | None,
    format_id: str | None,
    org: str,
    last_year: str | None,
    output: str | None,
    force: bool,
    rollup_region: str | None,
    db: str | None,
) -> None:
    if not year_text:
        _fail(E_USAGE, "请用 --year 指定报告年度", "如 --year 2024。")
    try:
        year = int(str(year_text).strip().removesuffix("年"))
    except ValueError:
        _fail(E_USAGE, f"年度“{year_text}”应为四位数字，如 2024")
    if not 2008 <= year <= 2100:
        _fail(E_USAGE, f"年度“{year}”不合理（应在 2008 至 2100 之间）")
    format_id = format_id or default_format(year)
    if format_id not in FORMAT_IDS:
        _fail("E-FORMAT", f"未知的年报格式“{format_id}”，应为 {' 或 '.join(FORMAT_IDS)}")
    if format_id != default_format(year):
        click.echo(f"提示：{year}年度的报告通常使用 {default_format(year)} 格式，此处按 {format_id} 格式生成", err=True)

    if rollup_region:
        _write_rollup(rollup_region, year, format_id, output, force, db)
        return
    org = org.strip()
    form = ReportForm(organization=org, year=year, format_id=format_id, body_kind=guess_body_kind(org))
    if last_year:
        from gongkai.pipeline import check_path

        try:
            report = check_path(last_year)
        except GongkaiError as err:
            fail(err, "上年报告（--from）无法读取：请换一个文件，或不用 --from。")
        form, warnings = form_from_last_year(report, year, format_id, org)
        for w in warnings:
            click.echo(f"警告：{w}", err=True)

    target = (
        Path(output) if output else Path(f"{_file_part(form.organization)}{year}年政府信息公开工作年度报告填报表.xlsx")
    )
    kind = _KINDS.get(target.suffix.lower())
    if kind is None:
        _fail("E-FORMAT", f"不支持的输出类型“{target.suffix or target.name}”", "请用 .xlsx、.yaml/.yml 或 .json。")
    if target.exists() and not force:
        _fail(E_EXISTS, f"文件“{target}”已存在（可能已填写）", "如要覆盖请加 --force。")
    if not target.parent.is_dir():
        _fail(E_WRITE, f"目录“{target.parent}”不存在")

    try:
        if kind == "xlsx":
            from gongkai.forms.xlsx import (
                write_xlsx_template,  # XlsxWriter only when an XLSX is asked for
            )

            write_xlsx_template(target, year, format_id, form)
        elif kind == "yaml":
            write_yaml_template(target, year, format_id, form)
        else:
            form.values = template_values(get_format(format_id), form)
            dump_form(form, target)
    except FormError as err:
        fail(err)
    except OSError as err:
        _fail(E_WRITE, f"无法写入“{target}”：{os_reason(err)}")

    click.echo(f"已生成填报文件：{target}（{year}年度，{format_id} 格式）")
    if form.organization:
        click.echo(f"机关名称：{form.organization}（机关类型：{BODY_KIND_NAMES[form.body_kind]}，可在文件中修改）")
    carried = {cid: v for cid, v in form.values.items() if form.origins.get(cid) == "last_year"}
    if carried:
        click.echo(
            f"已按上年报告预填上年结转 {len(carried)} 格"
            + (
                f"（总计 {carried.get('requests.carried_over.total')} 件）"
                if "requests.carried_over.total" in carried
                else ""
            )
        )
    if kind == "xlsx":
        click.echo("请在黄色单元格中填写；蓝色单元格为自动合计。填好后运行 gongkai render 生成报告。")


def _write_rollup(region: str, year: int, format_id: str, output: str | None, force: bool, db: str | None) -> None:
    from gongkai.analysis.rollup import build_rollup, write_rollup_xlsx
    from gongkai.commands.export import open_for_reading

    target = Path(output) if output else Path(f"{region}{year}年政府信息公开工作年度报告（汇总）填报表.xlsx")
    if target.suffix.lower() != ".xlsx":
        _fail("E-FORMAT", "汇总报告只能生成 .xlsx")
    if target.exists() and not force:
        _fail(E_EXISTS, f"文件“{target}”已存在（可能已填写）", "如要覆盖请加 --force。")
    try:
        engine = open_for_reading(db)
        try:
            with engine.connect() as conn:
                r = build_rollup(conn, region, year, format_id)
        finally:
            engine.dispose()
        write_rollup_xlsx(r, target)
    except GongkaiError as err:
        fail(err)
    except OSError as err:
        _fail(E_WRITE, f"无法写入“{target}”：{os_reason(err)}")
    click.echo(
        f"已生成汇总报告填报文件：{target}（{r.region}，{year}年度，预填 {len(r.values)} 格，来源见工作表“汇总来源”）"
    )
    if r.without_report:
        click.echo(f"没有{year}年度报告的下属机关（{len(r.without_report)}）：{'、'.join(r.without_report)}")
    if r.several_reports:
        click.echo(f"有多份报告、未计入的下属机关：{'、'.join(r.several_reports)}", err=True)
