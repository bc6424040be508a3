"""``gongkai rules``: list every check rule (code, category, severity, description)."""

from __future__ import annotations

import click
from rich.markup import escape

from gongkai.commands.support import make_console
from gongkai.vocabulary import CATEGORY_LABELS, SEVERITY_LABELS


@click.command("rules")
def rules() -> None:
    """列出全部校验规则（代码、类别、严重程度、说明）。"""
    from gongkai.checks import RULES

    console = make_console()
    for rule in RULES:
        kind = f"{CATEGORY_LABELS.get(rule.category, rule.category)} · {SEVERITY_LABELS[rule.severity]}"
        console.print(f"[bold]{rule.code}[/]  [dim]{kind}[/]  {escape(rule.description)}")
