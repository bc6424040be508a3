"""`gongkai ingest`: files and folders into the database."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from gongkai.commands.support import (
    E_INTERRUPTED,
    E_NO_INPUT,
    E_USAGE,
    EXIT_INTERRUPTED,
    db_option,
    fail,
    make_console,
    message_line,
)

DB_OPTION = db_option()


def open_or_exit(db_url: str | None, *, existing: bool = False):
    """The store (created or upgraded, unless ``existing``: then it must be there), or a Chinese message and
    exit 2."""
    from gongkai.errors import GongkaiError
    from gongkai.store.db import open_existing, open_store

    try:
        return open_existing(db_url) if existing else open_store(db_url)
    except GongkaiError as err:
        fail(err)


def open_with_registry(db_url: str | None, registry: Path | None):
    """The store with ``registry`` imported into it: the registry is read and checked first, so a bad file
    creates no database. Returns (store, what the import did, or None without a registry)."""
    from gongkai.errors import GongkaiError

    entries = None
    if registry is not None:
        from gongkai.orgs.registry import load_registry

        try:
            entries = load_registry(registry)
        except GongkaiError as e:
            fail(e)
    store = open_or_exit(db_url)
    imported = None
    if entries is not None:
        from gongkai.commands.orgs import import_file

        try:
            imported = import_file(store, entries)
        except GongkaiError as e:
            fail(e)
    return store, imported


@click.command()
@click.argument("paths", nargs=-1, required=False, type=click.Path(path_type=Path))
@DB_OPTION
@click.option(
    "-j", "--jobs", type=click.IntRange(1, 64), default=None, help="并行处理的进程数（默认：CPU 核数，最多 8）。"
)
@click.option("--timeout", type=click.FloatRange(1, 3600), default=None, help="单个文件的处理时限（秒，默认 120）。")
@click.option(
    "--orgs",
    "registry",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="先导入机关名录（YAML/JSON，见 docs/organizations.md），再导入报告。",
)
@click.option("--reparse", is_flag=True, help="用当前解析器版本重新解析库中由旧版本解析的文件（旧结果保留为历史）。")
@click.option("--progress/--no-progress", default=None, help="显示进度条（默认：在终端中时显示）。")
@click.option(
    "--cluster",
    "cluster",
    default=None,
    metavar="ADDRESS",
    help="在 Dask 集群上解析和校验：tcp://调度器主机:8786，或 local[:N]（本机 N 个进程）；"
    "写库仍在本机。需要 pip install 'gongkai[cluster]'。",
)
@click.option("--ship", is_flag=True, help="与 --cluster 一起用：把文件内容发给工作节点（各机器看不到同一路径时）。")
def ingest(
    paths: tuple[Path, ...],
    db_url: str | None,
    jobs: int | None,
    timeout: float | None,
    registry: Path | None,
    reparse: bool,
    progress: bool | None,
    cluster: str | None,
    ship: bool,
) -> None:
    """导入报告（文件或文件夹，递归）到数据库：解析、校验、匹配机关，然后重新计算跨报告问题。

    按内容哈希去重：再次导入相同文件不会产生任何变化。无法处理的文件也会保存（连同原因），退出码为2。"""
    import dataclasses
    import os

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from gongkai import PARSER_VERSION
    from gongkai.errors import GongkaiError
    from gongkai.readers.limits import DEFAULT_LIMITS
    from gongkai.store.ingest import ingest as run_ingest

    console = make_console()
    err = make_console(stderr=True)
    if not paths and not reparse and registry is None:
        fail((E_NO_INPUT, "请给出要导入的文件或文件夹"), "或用 --reparse 重新解析库中的文件。")
    if ship and cluster is None:
        fail((E_USAGE, "--ship 只能与 --cluster 一起使用"))
    # what cannot work is refused before a database is created or opened
    if paths and not reparse and registry is None and not any(p.exists() for p in paths):
        fail(
            ("E-READ", f"文件或文件夹不存在：{'、'.join(str(p) for p in paths[:5])}" + ("……" if len(paths) > 5 else ""))
        )
    store, imported = open_with_registry(db_url, registry)
    if imported is not None:
        console.print(imported)
    limits = DEFAULT_LIMITS if timeout is None else dataclasses.replace(DEFAULT_LIMITS, seconds_per_file=timeout)
    jobs = jobs or max(1, min(os.cpu_count() or 1, 8))
    show = progress if progress is not None else err.is_terminal
    bar = Progress(
        TextColumn("[bold]导入中"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.description}"),
        console=err,
        disable=not show,
        transient=True,
    )
    seen = [0, 0]  # files done, files in all: what an interrupted run reports

    try:
        with bar:
            task = bar.add_task("", total=None)

            def hook(label: str, done: int, total: int) -> None:
                seen[:] = [done, total]
                bar.update(task, completed=done, total=total, description=Path(label).name)

            if cluster is None:
                summary = run_ingest(store, paths, jobs=jobs, limits=limits, reparse=reparse, progress=hook)
            else:
                from gongkai.store.cluster import ingest_on_cluster

                def connected(client) -> None:
                    link = getattr(client, "dashboard_link", None)
                    err.print(
                        f"已连接集群：{sum(client.nthreads().values())} 个工作线程"
                        + (f"，进度面板 {escape(link)}" if link else "")
                    )

                try:
                    summary = ingest_on_cluster(
                        store,
                        paths,
                        cluster,
                        limits=limits,
                        ship=ship,
                        reparse=reparse,
                        progress=hook,
                        on_connect=connected,
                    )
                except GongkaiError as e:
                    fail(e)
    except KeyboardInterrupt:  # the workers ignore Ctrl-C; what was written stays, a new run goes on from there
        store.dispose()
        fail(
            (E_INTERRUPTED, f"已中断（Ctrl-C）：已读取 {seen[0]} / {seen[1]} 个文件"),
            "已提交到数据库的报告保留；再次运行同一命令会跳过它们，继续导入其余文件。",
            code=EXIT_INTERRUPTED,
        )
    console.rule("[bold]导入完成")
    console.print(f"数据库：{escape(store.display_url())}（解析器版本 {PARSER_VERSION}）")
    console.print(
        f"共 {summary.files} 个文件，用时 {summary.seconds:.1f} 秒：新入库 {summary.stored}，"
        f"已在库中且未变 {summary.unchanged}"
        + (f"，重新解析 {summary.reparsed}" if reparse else "")
        + f"，无法处理 {len(summary.failed) + len(summary.missing)}。"
    )
    console.print(
        f"跨报告问题（上年结转、汇总、发布时间、内容重复）：{summary.cross_findings} 条"
        "（用 gongkai findings --cross 查看）"
    )
    for path, code, message in summary.failed:
        console.print(f"  [bold red]●[/] {escape(message_line(code, f'{path}: {message}'))}")
    for path, message in summary.missing:
        console.print(f"  [bold red]●[/] {escape(message_line('E-READ', f'{path}: {message}'))}")
    if summary.ambiguous:
        console.print(
            f"[yellow]{len(summary.ambiguous)} 份报告的机关无法唯一确定[/]（gongkai orgs unmatched 查看，"
            "在机关名录中补充别名后重新导入即可）："
        )
        for path, printed, candidates in summary.ambiguous[:20]:
            cand = "、".join(candidates) if candidates else "名录中无对应机关"
            console.print(f"  [yellow]●[/] {escape(path)}：“{escape(printed)}” → {escape(cand)}")
        if len(summary.ambiguous) > 20:
            console.print(f"  ……另有 {len(summary.ambiguous) - 20} 份")
    store.dispose()
    sys.exit(2 if summary.failed or summary.missing else 0)
