"""`gongkai serve` (the web workbench), `gongkai users add` (its accounts) and `users token` (API tokens).

Exit codes: 0 done; 2 the database, the options or the password could not be used.
"""

from __future__ import annotations

import sys

import click

from gongkai.commands.support import EXIT_INPUT, db_option


@click.command(help="启动网页工作台（默认仅本机 http://127.0.0.1:8000；有用户或对外监听时须登录）。")
@db_option("db")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址；非本机地址时必须登录")
@click.option("--port", default=8000, show_default=True, type=int, help="端口")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="读取上传文件的进程数（默认：CPU 核数的一半，至少 1）；每个文件的时间和内存限制与 gongkai ingest 相同。",
)
def serve(db: str | None, host: str, port: int, jobs: int | None) -> None:
    try:
        import uvicorn

        from gongkai.web.app import create_app
    except ImportError:
        click.echo("[E-WEB-DEPS] 未安装网页工作台所需的组件，请运行 pip install 'gongkai[web]'", err=True)
        sys.exit(EXIT_INPUT)
    from gongkai.errors import GongkaiError

    try:
        app = create_app(db, host=host, upload_jobs=jobs)
    except GongkaiError as exc:
        click.echo(f"[{exc.code}] {exc.message}", err=True)
        sys.exit(EXIT_INPUT)
    click.echo(f"工作台：http://{host}:{port}/ （按 Ctrl-C 停止）")
    uvicorn.run(app, host=host, port=port, log_level="warning")


@click.group(help="管理网页工作台的用户。")
def users() -> None:
    pass


@users.command("add", help="添加或更新用户；密码从提示输入，非终端时从标准输入读取一行。")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "reviewer", "uploader", "viewer"]),
    help="角色：admin 管理员、reviewer 审核、uploader 上传、viewer 只读",
)
@click.option("--region", default=None, help="审核员负责的区域（机关名称），只能看到该区域的报告")
@db_option("db")
def users_add(name: str, role: str, region: str | None, db: str | None) -> None:
    try:
        from gongkai.web.auth import hash_password
    except ImportError:
        click.echo("[E-WEB-DEPS] 未安装网页工作台所需的组件，请运行 pip install 'gongkai[web]'", err=True)
        sys.exit(EXIT_INPUT)
    from gongkai.errors import GongkaiError
    from gongkai.store.db import open_store
    from gongkai.web import queries

    if sys.stdin.isatty():
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        click.echo("[E-WEB-PASSWORD] 密码至少 8 个字符", err=True)
        sys.exit(EXIT_INPUT)
    try:
        store = open_store(db)
    except GongkaiError as exc:
        click.echo(f"[{exc.code}] {exc.message}", err=True)
        sys.exit(EXIT_INPUT)
    with store.begin() as conn:
        new = queries.add_user(conn, name, role, region, hash_password(password))
    store.dispose()
    click.echo(f"{'已添加' if new else '已更新'}用户 {name}（{role}{'，区域 ' + region if region else ''}）")


def _open(db: str | None):
    from gongkai.errors import GongkaiError
    from gongkai.store.db import open_store

    try:
        return open_store(db)
    except GongkaiError as exc:
        click.echo(f"[{exc.code}] {exc.message}", err=True)
        sys.exit(EXIT_INPUT)


@users.command("token", help="为脚本生成 API 令牌（Authorization: Bearer …，仅用于 /api/v1）；令牌只显示这一次。")
@click.argument("name")
@click.option("--label", default=None, help="用途说明（如脚本名称）")
@click.option("--db", default=None, help="数据库：文件路径或 postgresql://…（默认 ./gongkai.db）")
def users_token(name: str, label: str | None, db: str | None) -> None:
    from gongkai.web import tokens

    store = _open(db)
    try:
        with store.begin() as conn:
            token = tokens.new_token(conn, name, label)
    except tokens.UnknownUser:
        click.echo(f"[E-WEB-USER] 没有用户 {name}（先用 gongkai users add 添加）", err=True)
        sys.exit(EXIT_INPUT)
    finally:
        store.dispose()
    click.echo(token)
    click.echo(f"（令牌只显示这一次，请妥善保存；撤销：gongkai users revoke-token {token.split('_')[1]}）", err=True)


@users.command("tokens", help="列出 API 令牌（只显示编号，不显示令牌本身）。")
@click.argument("name", required=False)
@click.option("--db", default=None, help="数据库：文件路径或 postgresql://…（默认 ./gongkai.db）")
def users_tokens(name: str | None, db: str | None) -> None:
    from gongkai.web import tokens

    store = _open(db)
    with store.engine.connect() as conn:
        rows = tokens.list_tokens(conn, name)
    store.dispose()
    for r in rows:
        state = f"已撤销 {r.revoked_at}" if r.revoked_at else "有效"
        click.echo(f"{r.prefix}\t{r.user}\t{r.created_at}\t{state}\t{r.label or ''}")


@users.command("revoke-token", help="撤销一个 API 令牌（按编号，即令牌 gk_ 之后、下一个 _ 之前的部分）。")
@click.argument("prefix")
@click.option("--db", default=None, help="数据库：文件路径或 postgresql://…（默认 ./gongkai.db）")
def users_revoke_token(prefix: str, db: str | None) -> None:
    from gongkai.web import tokens

    store = _open(db)
    with store.begin() as conn:
        done = tokens.revoke(conn, prefix)
    store.dispose()
    if not done:
        click.echo(f"[E-WEB-TOKEN-UNKNOWN] 没有编号为 {prefix} 的有效令牌", err=True)
        sys.exit(EXIT_INPUT)
    click.echo(f"已撤销令牌 {prefix}")
