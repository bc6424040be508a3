"""`gongkai findings` (list the stored findings) and `gongkai review` (confirm / dismiss one)."""

from __future__ import annotations

import json
import sys

import click
from rich.markup import escape
from rich.table import Table

from gongkai.commands.ingest import DB_OPTION, open_or_exit
from gongkai.commands.support import ZhChoice, fail, make_console, org_options, print_error, print_table
from gongkai.vocabulary import CATEGORY_LABELS, SEVERITY_LABELS, STATUS_LABELS


@click.command()
@DB_OPTION
@org_options
@click.option("--region", default=None, help="只要该机关及其名录中下属全部机关的问题。")
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="报告年度。")
@click.option(
    "--category",
    type=ZhChoice(CATEGORY_LABELS, "问题类别"),
    default=None,
    help="问题类别，中文名或代码，如 上年结转不符（carry_over_mismatch）、汇总不符（rollup_mismatch）。",
)
@click.option("--code", default=None, help="规则代码，如 IDN-BALANCE（gongkai rules 列出全部）。")
@click.option(
    "--severity",
    type=ZhChoice(SEVERITY_LABELS, "严重程度"),
    default=None,
    help="严重程度：错误、警告、提示（或 error、warning、info）。",
)
@click.option("--cross/--own", "cross", default=None, help="只看跨报告问题 / 只看单份报告的问题。")
@click.option(
    "--status",
    type=ZhChoice(STATUS_LABELS, "审核状态"),
    default=None,
    help="审核状态：待审核、已确认、已驳回（或 pending、confirmed、dismissed）。",
)
@click.option("--limit", type=click.IntRange(0), default=200, show_default=True, help="最多列出多少条（0 为不限）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（含证据）。")
def findings(db_url, org, org_like, region, year, category, code, severity, cross, status, limit, as_json) -> None:
    """列出库中报告的问题（含跨报告问题）及审核状态；第一列的编号供 gongkai review 使用。"""
    from gongkai.commands.support import SEVERITY_NAMES
    from gongkai.errors import GongkaiError
    from gongkai.model import Severity
    from gongkai.store.review import DECISION_NAMES
    from gongkai.store_api import Store

    with Store(open_or_exit(db_url, existing=True)) as store:
        try:
            rows = store.findings(
                org=org,
                org_like=org_like,
                region=region,
                year=year,
                category=category,
                code=code,
                severity=severity,
                cross=cross,
                status=status,
                limit=limit or None,
            )
        except GongkaiError as err:
            fail(err)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "key": r.key,
                        "document_sha256": r.document_sha256,
                        "source": r.source,
                        "organization": r.organization,
                        "year": r.year,
                        "code": r.code,
                        "category": r.category,
                        "severity": r.severity,
                        "message": r.message,
                        "evidence": r.evidence,
                        "fingerprint": r.fingerprint,
                        "review": {"decision": r.decision, "comment": r.comment, "reviewer": r.reviewer}
                        if r.decision
                        else None,
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    console = make_console()
    if not rows:
        console.print("没有符合条件的问题。")
        return
    table = Table(show_lines=False, header_style="bold")
    for col in ("编号", "机关", "年度", "级别", "规则", "说明", "审核"):
        table.add_column(col, overflow="fold")
    for r in rows:
        name, style = SEVERITY_NAMES[Severity(r.severity)]
        verdict = DECISION_NAMES.get(r.decision, r.decision)
        if r.comment:
            verdict += f"：{r.comment}"
        table.add_row(
            r.key,
            escape(r.organization or "（未识别）"),
            str(r.year or ""),
            f"[{style}]{name}[/]",
            r.code,
            escape(r.message),
            escape(verdict),
        )
    print_table(console, table)
    if limit and len(rows) >= limit:
        console.print(f"[dim]只列出前 {limit} 条；用 --limit 0 列出全部，或用 --org/--year/--category 筛选。[/]")


@click.command()
@click.argument("keys", nargs=-1, required=True)
@DB_OPTION
@click.option("--confirm", is_flag=True, help="确认：这是报告中的真实问题。")
@click.option("--dismiss", is_flag=True, help="驳回：不是问题（必须用 -m 说明理由）。")
@click.option("--undo", is_flag=True, help="撤销已有的审核结论（历史记录保留）。")
@click.option("--history", is_flag=True, help="列出该问题的全部审核记录。")
@click.option("--comment", "-m", default=None, help="审核意见（驳回时必填）；不会覆盖以前的意见。")
@click.option("--reviewer", default=None, help="审核人。")
def review(keys, db_url, confirm, dismiss, undo, history, comment, reviewer) -> None:
    """审核问题：确认（--confirm）或驳回（--dismiss -m 理由）gongkai findings 列出的问题（编号如 F-XXXXXXXXXX）。

    编号由文件内容和问题特征算出：重新导入、重新解析或重新计算后不变。每次审核都记入历史（--history 查看）。"""
    from gongkai.errors import GongkaiError
    from gongkai.store.review import DECISION_NAMES, decide
    from gongkai.errors import ReviewFlagsError
    from gongkai.store.review import history as review_history
    from gongkai.store.review import undo as undo_review

    chosen = [
        name
        for name, on in (("--confirm", confirm), ("--dismiss", dismiss), ("--undo", undo), ("--history", history))
        if on
    ]
    if len(chosen) != 1:
        e = ReviewFlagsError(
            "请只指定 --confirm、--dismiss、--undo、--history 之一"
            + (f"（给出了 {'、'.join(chosen)}）" if chosen else "")
        )
        fail(e)
    store = open_or_exit(db_url, existing=True)
    console = make_console()
    names = {**DECISION_NAMES, "undone": "撤销"}
    code = 0
    for key in keys:
        try:
            with store.begin() as conn:
                if history:
                    events = review_history(conn, key)
                    console.print(f"{key}：" + ("没有审核记录" if not events else f"{len(events)} 条审核记录"))
                    for ev in events:
                        console.print(
                            f"  {ev.decided_at} {names.get(ev.decision, ev.decision)}"
                            + (f" {escape(ev.reviewer)}" if ev.reviewer else "")
                            + (f"：{escape(ev.comment)}" if ev.comment else "")
                        )
                elif undo:
                    done = undo_review(conn, key, reviewer)
                    console.print(f"{key}：{'已撤销审核结论' if done else '没有审核结论可撤销'}")
                else:
                    decision = "confirmed" if confirm else "dismissed"
                    decide(conn, key, decision, comment, reviewer)
                    console.print(f"{key}：{DECISION_NAMES[decision]}" + (f"（{escape(comment)}）" if comment else ""))
        except GongkaiError as e:
            print_error(e)
            code = 2
    store.dispose()
    sys.exit(code)
