"""``gongkai parse``: read a report and print its cells (raw text, value, meaning, position), without checking."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from gongkai.commands.check import _cell_label, _dump, _error_line, _where
from gongkai.commands.support import EXIT_INPUT, make_console
from gongkai.errors import GongkaiError
from gongkai.vocabulary import MEANING_LABELS


@click.command("parse")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出单元格。")
def parse(file: Path, as_json: bool) -> None:
    """只解析：输出报告各单元格（原文、数值、含义、位置），不做校验。"""
    from gongkai._api import parse as parse_report

    try:
        report = parse_report(file)
    except GongkaiError as err:
        _error_line(make_console(stderr=True), err)
        sys.exit(EXIT_INPUT)
    if as_json:
        click.echo(
            _dump(
                {
                    "source": report.source,
                    "format": report.format,
                    "year": report.year,
                    "organization": report.organization,
                    "reading": report.reading.to_dict() if report.reading else None,
                    "cells": {cid: c.to_dict() for cid, c in report.cells.items()},
                }
            )
        )
        return
    console = make_console()
    console.rule(escape(report.source))
    if report.reading is not None:
        console.print(escape(report.reading.summary_zh()))
    for cid, c in report.cells.items():
        where = _where(c.position)
        raw = "（空白）" if c.raw == "" else c.raw
        console.print(
            f"[dim]{escape(where)}[/] {escape(_cell_label(cid))}：{escape(raw)} [dim]{MEANING_LABELS[c.meaning]}[/]"
        )
