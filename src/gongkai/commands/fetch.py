"""`gongkai fetch`: from portal addresses (年报专栏 list pages or report pages) to stored reports."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.markup import escape

from gongkai.commands.ingest import DB_OPTION, open_with_registry
from gongkai.commands.support import fail, make_console, message_line

_PORTAL_STATE = {"E-FETCH-STATUS", "E-FETCH-ROBOTS", "E-FETCH-NOT-FILE", "E-FETCH-STOPPED"}


@click.command()
@click.argument("urls", nargs=-1, required=False)
@click.option(
    "--from",
    "from_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="从文本文件读取起始地址（每行一个，# 开头为注释）。",
)
@DB_OPTION
@click.option(
    "--depth",
    type=click.IntRange(0, 10),
    default=2,
    show_default=True,
    help="从起始页向下跟随链接的层数（翻页不计层数）：1 只取报告页，2 还取报告页的附件。",
)
@click.option("--year", type=click.IntRange(2007, 2100), default=None, help="只抓取标题中年度为该年的报告。")
@click.option(
    "--delay",
    type=click.FloatRange(0, 600),
    default=2.0,
    show_default=True,
    help="对同一站点两次请求之间的间隔（秒）。",
)
@click.option(
    "--max-size",
    type=click.FloatRange(0.01, 4096),
    default=50.0,
    show_default=True,
    help="单个文件的大小上限（MB），超过的不下载。",
)
@click.option("--allow-private", is_flag=True, help="允许访问本机和内网地址（默认只访问公网地址）。")
@click.option("--refresh", is_flag=True, help="重新抓取此前已抓取的地址；内容未变的不会重复入库。")
@click.option(
    "--orgs",
    "registry",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="先导入机关名录（YAML/JSON，可为机关写明网站 sites，见 docs/organizations.md），再抓取。",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出抓取报告（每个地址的结果和原因）。")
def fetch(
    urls: tuple[str, ...],
    from_file: Path | None,
    db_url: str | None,
    depth: int,
    year: int | None,
    delay: float,
    max_size: float,
    allow_private: bool,
    refresh: bool,
    registry: Path | None,
    as_json: bool,
) -> None:
    """从政府网站抓取年报：从年报专栏列表页或报告页出发，找到报告页及其附件，下载后解析、校验并入库，
    同时保存来源地址、所在列表页、抓取时间、HTTP 头和页面上印出的发布日期、来源。

    遵守 robots.txt，对每个站点一次只发一个请求并保持间隔；遇到 403 或验证码页面即停止访问该站点。
    可中断：再次运行时跳过已抓取的地址。"""
    from gongkai.fetch.crawl import crawl
    from gongkai.fetch.net import Client, Policy

    starts = list(urls)
    if from_file is not None:
        for line in from_file.read_text(encoding="utf-8-sig").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                starts.append(line)
    if not starts:
        fail(("E-FETCH-NO-URL", "请给出至少一个起始地址"), "或用 --from 指定地址列表文件。")
    store, imported = open_with_registry(db_url, registry)
    if imported is not None and not as_json:
        make_console().print(imported)
    client = Client(Policy(delay=delay, allow_private=allow_private, max_bytes=int(max_size * 1024 * 1024)))
    try:
        result = crawl(store, starts, client, depth=depth, year=year, refresh=refresh)
    finally:
        client.close()
    # a broken link, a robots.txt rule or an error page served as a file is the portal's state, reported;
    # a host we had to stop at, a network failure or a stored file we cannot read makes the run incomplete
    incomplete = any(code not in _PORTAL_STATE for _, code, _ in result.refused) or result.failed
    if as_json:
        click.echo(
            json.dumps(
                {"database": store.display_url(), **result.as_json(), "complete": not incomplete},
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        _print_report(result, store.display_url())
    store.dispose()
    sys.exit(2 if incomplete else 0)


def _print_report(result, database: str) -> None:
    console = make_console()
    console.rule("[bold]抓取完成")
    console.print(f"数据库：{escape(database)}")
    console.print(
        f"发现地址 {result.found} 个，实际下载 {result.fetched} 个；新入库 {len(result.stored)} 份，"
        f"已在库中且未变 {len(result.unchanged)} 份，与其他地址内容相同 {len(result.duplicates)} 份，"
        f"跳过 {len(result.skipped)} 个，未能抓取 {len(result.refused)} 个，"
        f"入库但无法读取 {len(result.failed)} 个。"
    )
    if result.backoffs:
        waited = sum(seconds for _, _, seconds in result.backoffs)
        console.print(f"服务器要求放慢（429/503）{len(result.backoffs)} 次，共等待 {waited:g} 秒后重试。")
    for url in result.stored:
        console.print(f"  [green]●[/] 入库 {escape(url)}")
    for url in result.duplicates:
        console.print(f"  [dim]●[/] 内容与另一地址已入库的文件相同 {escape(url)}")
    for url, code, why in result.refused:
        console.print(f"  [bold red]●[/] {escape(message_line(code, f'{url}: {why}'))}")
    for url, code, why in result.failed:
        console.print(f"  [yellow]●[/] {escape(message_line(code, f'{url}: {why}'))}")
    reasons: dict[tuple[str, str], int] = {}
    for _, code, why in result.skipped:
        reasons[(code, why)] = reasons.get((code, why), 0) + 1
    for (code, why), n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:20]:
        console.print(f"  [dim]跳过 {n} 个：{escape(message_line(code, why))}[/]")
