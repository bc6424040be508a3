"""`gongkai stats`: sums and rates of stored reports per year or per body, as Chinese tables or JSON.

Exit codes: 0 printed (also when nothing matched: "没有数据"); 2 the database or the selection could not
be used.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import click
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gongkai.commands.export import open_for_reading, selection_options
from gongkai.commands.support import ZhChoice, fail, make_console, print_table
from gongkai.errors import GongkaiError


def _count(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _money(v: float) -> str:
    return f"{v:,.4f}".rstrip("0").rstrip(".")


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _metrics(by_year: bool) -> list[tuple[str, Callable]]:
    """(Chinese heading, row -> text); the per-body table shows the main ones only."""
    rows: list[tuple[str, Callable]] = [
        ("报告数", lambda r: str(r.reports)),
        ("其中2019年版", lambda r: str(r.reports_2019)),
        ("无报告的机关", lambda r: "—" if r.bodies_without_report is None else str(r.bodies_without_report)),
        ("本年新收", lambda r: _count(r.received)),
        ("上年结转", lambda r: _count(r.carried_over)),
        ("办理结果总计", lambda r: _count(r.results_total)),
        ("结转下年度", lambda r: _count(r.carried_forward)),
        ("予以公开", lambda r: _count(r.granted)),
        ("予以公开率", lambda r: _pct(r.granted_share)),
        ("部分公开率", lambda r: _pct(r.partially_granted_share)),
        ("不予公开率", lambda r: _pct(r.withheld_share)),
        ("行政复议", lambda r: _count(r.review.total)),
        ("复议纠正率", lambda r: _pct(r.review.correction_rate)),
        ("直接起诉", lambda r: _count(r.litigation_direct.total)),
        ("直接起诉纠正率", lambda r: _pct(r.litigation_direct.correction_rate)),
        ("复议后起诉", lambda r: _count(r.litigation_after_review.total)),
        ("复议后起诉纠正率", lambda r: _pct(r.litigation_after_review.correction_rate)),
        ("行政诉讼合计", lambda r: _count(r.litigation.total)),
        ("诉讼纠正率", lambda r: _pct(r.litigation.correction_rate)),
        ("收费（万元）", lambda r: _money(r.fees)),
    ]
    if by_year:
        return rows
    keep = {
        "报告数",
        "本年新收",
        "上年结转",
        "办理结果总计",
        "结转下年度",
        "予以公开率",
        "不予公开率",
        "行政复议",
        "复议纠正率",
        "行政诉讼合计",
        "诉讼纠正率",
        "收费（万元）",
    }
    return [m for m in rows if m[0] in keep]


def render(console: Console, result) -> None:
    by_year = result.by == "year"
    metrics = _metrics(by_year)
    scope = f"{result.region}及所属机关，" if result.region else ""
    caption = f"{scope}{result.caption}。比率分母为零时显示“—”；纠正率＝结果纠正÷（总计－尚未审结）。"
    if by_year:
        # metrics down, years across: years are few, metrics many
        table = Table(title="政府信息公开年度报告统计（按年度）", caption=caption, box=box.SIMPLE_HEAVY)
        table.add_column("项目")
        for r in result.rows:
            table.add_column(f"{r.key}年" if r.key.isdigit() else r.key, justify="right")
        if len(result.rows) > 1:
            table.add_column("合计", justify="right", style="bold")
        cols = list(result.rows) + ([result.total] if len(result.rows) > 1 else [])
        for name, get in metrics:
            table.add_row(name, *(get(r) for r in cols))
    else:
        table = Table(title="政府信息公开年度报告统计（按机关）", caption=caption, box=box.SIMPLE_HEAVY)
        table.add_column("机关")
        for name, _ in metrics:
            table.add_column(name, justify="right")
        for r in (*result.rows, result.total):
            table.add_row(escape(r.key), *(get(r) for _, get in metrics), style="bold" if r is result.total else None)
    print_table(console, table)
    for note in result.notes:
        console.print(f"[dim]注：{escape(note)}[/]")
    missing = result.total.bodies_missing if not by_year else ()
    if by_year:
        for r in result.rows:
            if r.bodies_missing:
                console.print(f"[dim]{r.key}年无报告的机关：{escape('、'.join(r.bodies_missing))}[/]")
    elif missing:
        console.print(f"[dim]无报告的机关：{escape('、'.join(missing))}[/]")


@click.command("stats")
@click.option(
    "--by",
    type=ZhChoice({"year": "年度", "org": "机关"}, "分组方式"),
    default="year",
    help="按年度（年度 / year，默认）或按机关（机关 / org）分组。",
)
@click.option(
    "--include-rollups",
    "rollups",
    flag_value="included",
    help="同时统计汇总报告（汇总报告与其成员机关的报告可能重复计算）。",
)
@click.option("--only-rollups", "rollups", flag_value="only", help="只统计汇总报告。")
@click.option(
    "--exclude-rollups",
    "rollups",
    flag_value="excluded",
    default=True,
    help="不含汇总报告（默认，以免与成员机关的报告重复计算）。",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出同样的数字。")
@selection_options
def stats(
    by: str,
    rollups: str,
    as_json: bool,
    org: str | None,
    org_like: str | None,
    region: str | None,
    year: int | None,
    db: str | None,
) -> None:
    """统计数据库中的报告：报告数、新收、上年结转、办理结果、结转下年度、公开比例、行政复议和行政诉讼的纠正率、收费。

    只用每份文件的当前解析结果。2019 年版格式的报告按相同的单元格计入，收费金额除外（2019 年版没有）。"""
    from gongkai.analysis.stored import Selection
    from gongkai.analysis.stats import compute_stats

    try:
        engine = open_for_reading(db)
        try:
            with engine.connect() as conn:
                result = compute_stats(
                    conn, Selection(org=org, region=region, year=year, org_like=org_like), by=by, rollups=rollups
                )
        finally:
            engine.dispose()
    except GongkaiError as exc:
        fail(exc)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    console = make_console()
    if (
        result.total.reports == 0
        and not any(r.bodies_without_report for r in result.rows)
        and not result.total.bodies_without_report
    ):
        console.print("没有数据：没有符合条件的报告" + (f"（{result.caption}）" if result.skipped else ""))
        return
    render(console, result)
