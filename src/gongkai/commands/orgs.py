"""`gongkai orgs`: import the organization registry, show the hierarchy, list reports whose body is unclear.

Exit codes: 0 done; 2 the registry file or the database could not be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from rich.markup import escape

from gongkai.errors import GongkaiError

from gongkai.commands.support import db_option, EXIT_INPUT, fail, make_console, print_table


def _open(url: str | None, *, existing: bool = True):
    from gongkai.commands.ingest import open_or_exit

    return open_or_exit(url, existing=existing)


def import_file(store, file: Path | list, *, rematch_reports: bool = True) -> str:
    """Load the registry ``file`` (or its entries, already loaded) into ``store`` (and match stored reports
    again); the summary line. Raises RegistryError for a bad file."""
    from gongkai.orgs.registry import load_registry
    from gongkai.store.orgs import import_registry
    from gongkai.store.settle import settle

    entries = file if isinstance(file, list) else load_registry(file)
    with store.begin() as conn:
        result = import_registry(conn, entries)
    changed = settle(store).rematched if rematch_reports else 0
    return f"机关名录已导入：新增 {result.added}，更新 {result.updated}，未变 {result.unchanged}" + (
        f"；重新匹配后机关有变化的报告 {changed} 份" if changed else ""
    )


def _fail(exc: GongkaiError) -> NoReturn:
    fail(exc, code=EXIT_INPUT)


@click.group("orgs")
def orgs() -> None:
    """机关名录：导入名录（别名、曾用名、上下级），查看层级，列出未能确定机关的报告。名录格式见 docs/organizations.md。"""


@orgs.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@db_option()
@click.option("--no-rematch", is_flag=True, help="导入后不重新匹配已入库报告的机关。")
def import_cmd(file: Path, db_url: str | None, no_rematch: bool) -> None:
    """导入（或更新）机关名录文件（YAML 或 JSON）。按名称更新，重复导入不产生变化。"""
    from gongkai.orgs.registry import load_registry

    try:
        entries = load_registry(file)  # a bad file is refused before any database is created
    except GongkaiError as exc:
        _fail(exc)
    store = _open(db_url, existing=False)
    try:
        make_console().print(import_file(store, entries, rematch_reports=not no_rematch))
    except GongkaiError as exc:
        _fail(exc)
    finally:
        store.dispose()


@orgs.command("list")
@db_option()
def list_cmd(db_url: str | None) -> None:
    """以树形列出机关：名称、类型、别名和已入库报告数。"""
    from rich.tree import Tree
    from sqlalchemy import select

    from gongkai.orgs.registry import KIND_NAMES, LEVEL_NAMES
    from gongkai.store import schema as t
    from gongkai.store.orgs import org_nodes, report_counts

    console = make_console()
    store = _open(db_url)
    try:
        with store.engine.connect() as conn:
            nodes = org_nodes(conn)
            counts = report_counts(conn)
            sources = dict(conn.execute(select(t.organization.c.id, t.organization.c.source)).all())
            aliases: dict[int, list[str]] = {}
            for r in conn.execute(select(t.organization_alias).order_by(t.organization_alias.c.id)):
                shown_alias = (
                    r.alias
                    if r.relation == "alias"
                    else f"网站 {r.alias}"
                    if r.relation == "site"
                    else f"曾用名 {r.alias}" + (f"（至{r.until_year}）" if r.until_year else "")
                )
                aliases.setdefault(r.organization_id, []).append(shown_alias)
    finally:
        store.dispose()
    if not nodes:
        console.print("数据库中还没有机关。用 gongkai orgs import 名录.yaml 导入机关名录。")
        return
    children: dict[int | None, list[int]] = {}
    for node in nodes.values():
        parent = node.parent_id if node.parent_id in nodes else None
        children.setdefault(parent, []).append(node.id)

    def label(org_id: int) -> str:
        node = nodes[org_id]
        kind = KIND_NAMES.get(node.kind, node.kind) + (
            f"·{LEVEL_NAMES[node.level]}" if node.level in LEVEL_NAMES else ""
        )
        text = f"[bold]{escape(node.name)}[/] [dim]{escape(kind)}[/]"
        if org_id in aliases:
            text += f" [cyan]别名：{escape('、'.join(aliases[org_id]))}[/]"
        n = counts.get(org_id, 0)
        text += f" 报告 {n} 份" if n else " [dim]无报告[/]"
        if sources.get(org_id) == "auto":
            text += " [yellow]（来自报告，未在名录中）[/]"
        return text

    tree = Tree(f"机关 {len(nodes)} 个，已匹配报告 {sum(counts.values())} 份")
    # registry order (ids follow it); iterative, so a deep or (hand-edited) cyclic hierarchy cannot overflow the stack
    stack = [(tree, org_id) for org_id in sorted(children.get(None, []), reverse=True)]
    shown: set[int] = set()
    while stack:
        branch, org_id = stack.pop()
        if org_id in shown:
            continue
        shown.add(org_id)
        sub = branch.add(label(org_id))
        for child in sorted(children.get(org_id, []), reverse=True):
            stack.append((sub, child))
    for org_id in sorted(set(nodes) - shown):  # only a parent cycle leaves bodies unreached
        tree.add(label(org_id) + " [red]（上级关系成环）[/]")
    print_table(console, tree)


@orgs.command("unmatched")
@db_option()
def unmatched_cmd(db_url: str | None) -> None:
    """列出机关无法确定（名录中没有或有多个候选）的已入库报告及候选机关。"""
    from rich.table import Table
    from sqlalchemy import select

    from gongkai.store import schema as t
    from gongkai.store.orgs import org_nodes

    console = make_console()
    store = _open(db_url)
    p = t.parse
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(
                select(
                    p.c.source, p.c.organization_printed, p.c.year, p.c.organization_match, p.c.organization_candidates
                )
                .where(
                    p.c.is_current.is_(True),
                    p.c.status == "ok",
                    p.c.organization_match.in_(["ambiguous", "unmatched", "none"]),
                )
                .order_by(p.c.organization_printed, p.c.year, p.c.source)
            ).all()
            nodes = org_nodes(conn) if rows else {}
    finally:
        store.dispose()
    if not rows:
        console.print("所有已入库报告的机关都已确定。")
        return
    table = Table(title=f"机关未能确定的报告 {len(rows)} 份", show_lines=False)
    for col in ("文件", "报告中的机关名称", "年度", "情况", "候选机关"):
        table.add_column(col, overflow="fold")
    status_names = {"ambiguous": "有多个候选", "unmatched": "名录中没有", "none": "未读出机关名称"}
    for r in rows:
        candidates = "、".join(nodes[i].name if i in nodes else f"#{i}" for i in (r.organization_candidates or []))
        table.add_row(
            escape(r.source or ""),
            escape(r.organization_printed or "（未读出）"),
            str(r.year) if r.year else "",
            status_names.get(r.organization_match, r.organization_match),
            escape(candidates),
        )
    print_table(console, table)
    console.print("[dim]在机关名录中补充别名或上级机关后，用 gongkai orgs import 重新导入即可重新匹配。[/]")
