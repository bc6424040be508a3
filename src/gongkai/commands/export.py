"""`gongkai export`: stored reports (or their findings) to CSV, XLSX, Parquet or JSON.

Exit codes: 0 written (also when nothing matched: the file then has the header only and "没有数据" is
printed); 2 the database, the selection or the output could not be used (a message, never a traceback).
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from gongkai.errors import GongkaiError, os_reason

from gongkai.commands.support import db_option, E_WRITE, fail, make_console, org_options


def open_for_reading(db: str | None):
    """The engine of an existing store, for reading only (see :func:`gongkai.store.db.open_existing`)."""
    from gongkai.store.db import open_existing

    return open_existing(db).engine


def selection_options(f):
    """--org, --org-like, --region, --year, --db: shared by export and stats."""
    f = db_option("db")(f)
    f = click.option("--year", type=click.IntRange(2000, 2100), default=None, help="只要该年度的报告。")(f)
    f = click.option("--region", default=None, help="只要该机关及其名录中下属全部机关的报告。")(f)
    return org_options(f)


@click.command("export")
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="输出文件；格式由扩展名决定（.csv .xlsx .parquet .json）。",
)
@click.option(
    "--to", type=click.Choice(["csv", "xlsx", "parquet", "json"]), default=None, help="输出格式（默认按扩展名）。"
)
@click.option(
    "--wide",
    is_flag=True,
    help="宽表：每份报告一行，每个单元格一列（只含数值：所填数值，否则推算值）。XLSX 总是同时含长表和宽表。",
)
@click.option("--findings", is_flag=True, help="导出问题清单（含跨报告问题及复核结论），而不是单元格。")
@click.option(
    "--codebook",
    is_flag=True,
    help="导出单元格字典（单元格编号→表/行/列/单位，来自标准格式），.csv 或 .xlsx；不读数据库。",
)
@selection_options
def export(
    out: Path,
    to: str | None,
    wide: bool,
    findings: bool,
    codebook: bool,
    org: str | None,
    org_like: str | None,
    region: str | None,
    year: int | None,
    db: str | None,
) -> None:
    """导出数据库中的报告：长表（每份报告×每个单元格一行）、宽表（--wide）、JSON，或问题清单（--findings）。

    只导出每份文件的当前解析结果（解析成功的）。CSV 为带 BOM 的 UTF-8（Excel 可直接打开）。

    \b
    列名为英文标识：
      报告：report_key（文件 SHA-256）、parse_id、organization（名录名称，否则报告所印）、
            organization_printed、year、format、is_rollup、published、source（读取路径）
      长表另有：table、cell_id、row_label、column_label（格式规定的中文标签）、raw（原文）、
            meaning（number/zero/blank/not_applicable/text/unreadable）、value（所填数值）、
            inferred_value（勾稽推算值）、value_or_inferred、line、page
      宽表：报告各列之后每个单元格编号一列（2021 年版在前，2019 年版独有的在后），“/”和文字不入宽表
    XLSX 含“单元格”（长表，超过 1,048,574 行时续“单元格2”…）和“宽表”两个工作表，供人阅读：第一行中文列名、
    第二行列名标识，数值以外的代码显示为中文（错误/警告/提示、待复核/已确认/已驳回），宽表中“/”照印。"""
    from gongkai.analysis.export import export_findings, export_format, export_reports
    from gongkai.analysis.stored import Selection

    console = make_console()
    err = make_console(stderr=True)
    if codebook:
        from gongkai.analysis.codebook import write_codebook

        try:
            n = write_codebook(out, to)
        except GongkaiError as exc:
            fail(exc)
        except OSError as exc:
            fail((E_WRITE, f"无法写入 {out}：{os_reason(exc)}"))
        console.print(f"已导出单元格字典：{n} 个单元格 → {escape(str(out))}")
        return
    try:
        fmt = export_format(out, to)
        if wide and fmt == "json":
            err.print("[dim]JSON 按报告分组输出，--wide 不起作用[/]")
        engine = open_for_reading(db)
        try:
            with engine.connect() as conn:
                sel = Selection(org=org, region=region, year=year, org_like=org_like)
                if findings:
                    summary = export_findings(conn, out, fmt, selection=sel)
                else:
                    summary = export_reports(conn, out, fmt, wide=wide, selection=sel)
        finally:
            engine.dispose()
    except GongkaiError as exc:
        fail(exc)
    except OSError as exc:
        fail((E_WRITE, f"无法写入 {out}：{os_reason(exc)}"))
    if summary.reports == 0:
        console.print(f"没有数据：没有符合条件的报告（{escape(str(out))} 只有表头）")
        return
    if findings:
        what = f"{summary.rows} 条问题"
    elif fmt == "json":
        what = f"{summary.reports} 份报告"
    elif wide and fmt != "xlsx":
        what = f"{summary.reports} 份报告（宽表）"
    else:
        what = f"{summary.reports} 份报告的 {summary.rows} 个单元格"
    console.print(f"已导出 {what} → {escape(str(out))}")
