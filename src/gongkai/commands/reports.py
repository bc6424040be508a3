"""`gongkai reports`: the versions of each body's yearly report, and people's decisions about them."""

from __future__ import annotations

import getpass

import click
from rich.markup import escape
from rich.table import Table

from gongkai.commands.ingest import DB_OPTION, open_or_exit
from gongkai.commands.support import fail, make_console, org_options, print_table

_DECISION_NAMES = {None: "", "superseded": "已被取代", "withdrawn": "已撤回"}
_ACTION_NAMES = {"supersede": "取代", "withdraw": "撤回", "restore": "恢复"}


@click.group()
def reports() -> None:
    """同一机关同一年度报告的各个版本：哪一份计入统计、为什么，以及人工的取代 / 撤回 / 恢复。

    现行版本规则：同一报告的各版本中，发布日期最新者；日期相同取读出单元格最多者；再相同取 sha256 排序最前者。"""


@reports.command()
@DB_OPTION
@org_options
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="报告年度。")
def versions(db_url, org, org_like, year) -> None:
    """列出各机关各年度的报告版本：编号、是否现行（计入统计）、原因。"""
    from sqlalchemy import func, select

    from gongkai.analysis.stored import Selection, select_bodies
    from gongkai.store import schema as t

    store = open_or_exit(db_url, existing=True)
    body = t.organization
    name = func.coalesce(body.c.name, t.parse.c.organization_printed)
    stmt = (
        select(
            name.label("name"),
            t.parse.c.year,
            t.parse.c.is_rollup,
            t.document.c.sha256,
            t.parse.c.source,
            t.parse.c.published,
            t.parse.c.counts,
            t.parse.c.version_group,
            t.parse.c.version_reason,
            t.document.c.decision,
        )
        .select_from(
            t.parse.join(t.document, t.document.c.id == t.parse.c.document_id).outerjoin(
                body, body.c.id == t.parse.c.organization_id
            )
        )
        .where(t.parse.c.is_current, t.parse.c.status == "ok")
        .order_by(name, t.parse.c.year, t.parse.c.is_rollup, t.parse.c.version_group, t.document.c.sha256)
    )
    with store.engine.connect() as conn:
        scope = select_bodies(conn, Selection(org=org, org_like=org_like, year=year))
        rows = conn.execute(stmt.where(*scope.conditions)).all()
    store.dispose()
    console = make_console()
    if not rows:
        console.print("没有符合条件的报告。")
        return
    table = Table(header_style="bold")
    for col in ("编号", "机关", "年度", "版本组", "现行", "人工决定", "原因", "文件"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            r.sha256[:12],
            escape(r.name or "（未识别）") + ("（汇总）" if r.is_rollup else ""),
            str(r.year or ""),
            (r.version_group or "")[:12],
            "是" if r.counts else "否",
            _DECISION_NAMES.get(r.decision, r.decision),
            escape(r.version_reason or ""),
            escape(r.source or ""),
        )
    print_table(console, table)


def _decide(db_url, key, action, reason, by, by_report=None) -> None:
    from gongkai.errors import GongkaiError
    from gongkai.store.settle import settle
    from gongkai.store.versions import decide

    store = open_or_exit(db_url, existing=True)
    try:
        with store.begin() as conn:
            d = decide(conn, key, action, reason, by or getpass.getuser(), by_report=by_report)
    except GongkaiError as e:
        store.dispose()
        fail(e)
    settle(store)
    store.dispose()
    extra = f"，由 {d.related[:12]} 取代" if d.related else ""
    make_console().print(f"{d.target[:12]}：已{_ACTION_NAMES[action]}{extra}（{escape(d.reason)}，{escape(d.by)}）")


_REASON = click.option("--message", "-m", "reason", default=None, help="理由（必填）。")
_BY = click.option("--by", "by", default=None, help="决定人（默认为当前系统用户）。")


@reports.command()
@click.argument("key")
@click.option("--by-report", "by_report", required=True, help="取代它的报告编号。")
@_REASON
@_BY
@DB_OPTION
def supersede(key, by_report, reason, by, db_url) -> None:
    """标记报告 KEY 已被同一机关同一年度的报告 --by-report 取代（不删除任何内容）。"""
    _decide(db_url, key, "supersede", reason, by, by_report)


@reports.command()
@click.argument("key")
@_REASON
@_BY
@DB_OPTION
def withdraw(key, reason, by, db_url) -> None:
    """撤回报告 KEY：保留原文件，但不再计入统计、导出和跨报告核对。"""
    _decide(db_url, key, "withdraw", reason, by)


@reports.command()
@click.argument("key")
@_REASON
@_BY
@DB_OPTION
def restore(key, reason, by, db_url) -> None:
    """撤销对报告 KEY 的取代或撤回，由现行版本规则重新决定。"""
    _decide(db_url, key, "restore", reason, by)


@reports.command()
@DB_OPTION
def log(db_url) -> None:
    """列出取代、撤回、恢复的记录（谁、何时、何事、理由）。"""
    from gongkai.store.versions import audit_entries

    store = open_or_exit(db_url, existing=True)
    with store.engine.connect() as conn:
        entries = audit_entries(conn)
    store.dispose()
    console = make_console()
    if not entries:
        console.print("没有记录。")
        return
    table = Table(header_style="bold")
    for col in ("时间", "决定人", "操作", "报告", "取代它的报告", "理由"):
        table.add_column(col, overflow="fold")
    for e in entries:
        table.add_row(
            e.at,
            escape(e.by),
            _ACTION_NAMES.get(e.action, e.action),
            e.target[:12],
            (e.related or "")[:12],
            escape(e.reason),
        )
    print_table(console, table)
