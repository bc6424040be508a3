"""``gongkai examples``: write the bundled example reports (made by the project's own generator)."""

from __future__ import annotations

from pathlib import Path

import click

from gongkai.commands.support import E_WRITE, fail
from gongkai.errors import os_reason


@click.command("examples")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("examples-out"),
    show_default=True,
    help="写入示例报告的目录。",
)
def examples(out_dir: Path) -> None:
    """生成内置示例报告（由本项目的生成器写出，含几份故意出错的报告）。"""
    from gongkai.examples.bundled import write_examples

    try:
        paths = write_examples(out_dir)
    except OSError as exc:
        fail((E_WRITE, f"无法写入 {out_dir}：{os_reason(exc)}"))
    for p in paths:
        click.echo(str(p))
