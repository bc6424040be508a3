"""The `gongkai` command line: a thin shell over the pipeline.

Exit codes: 0 all reports read, no error findings; 1 at least one report has an error finding;
2 at least one file could not be read or is not an annual report (the others are still processed).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from gongkai.errors import GongkaiError
from gongkai.model import Report, Severity
from gongkai.standard import find_cell

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
_FORMAT_NAMES = {"2021": "2021年版（国办公开办函〔2021〕30号）", "2019": "2019年试行版（国办公开办函〔2019〕60号）",
                 "mixed": "新旧格式混用", "unknown": "无法判断"}
_SEVERITY_NAMES = {Severity.ERROR: ("错误", "bold red"), Severity.WARNING: ("警告", "yellow"),
                   Severity.INFO: ("提示", "cyan")}


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1)


def _cell_label(cell_id: str) -> str:
    spec = find_cell(cell_id)
    return spec.label if spec else cell_id


def _summary(console: Console, report: Report) -> None:
    console.rule(f"[bold]{escape(report.source)}")
    org = report.organization or "（未能确定）"
    year = f"{report.year}年" if report.year else "（未能确定）"
    console.print(f"机关：{escape(org)}　年度：{year}　格式：{_FORMAT_NAMES.get(report.format, report.format)}"
                  + ("　[magenta]汇总报告[/]" if report.is_rollup else "")
                  + (f"　发布日期：{report.published}" if report.published else ""))
    stated = sum(1 for c in report.cells.values() if c.meaning.is_numeric)
    console.print(f"单元格：读取 {len(report.cells)} 个（其中数值 {stated} 个），由勾稽关系推算 {len(report.inferred)} 个"
                  + ("　[yellow]文本不完整（截断）[/]" if report.truncated else ""))
    counts = {s: sum(1 for f in report.findings if f.severity is s) for s in Severity}
    console.print("　".join(f"[{style}]{name} {counts[s]}[/]" for s, (name, style) in _SEVERITY_NAMES.items()))
    for sev, (name, style) in _SEVERITY_NAMES.items():
        group = [f for f in report.findings if f.severity is sev]
        if not group:
            continue
        console.print(f"[{style}]{name}[/]")
        for f in group:
            console.print(f"  [{style}]●[/] [dim]{f.code}[/] {escape(f.message)}")
            ev = f.evidence
            if ev.expected is not None or ev.stated is not None:
                console.print(f"      应为 {ev.expected}，实际为 {ev.stated}"
                              + (f"，相差 {ev.difference}" if ev.difference is not None else ""))
            for c in ev.cells[:8]:
                where = f"第{c.position.line}行第{c.position.column}列" if c.position else "（未印出）"
                raw = "（空白）" if c.raw == "" else (c.raw if c.raw is not None else "未印出")
                extra = f"，推算为 {c.value}" if c.inferred else ""
                console.print(f"      [dim]{where}[/] {escape(_cell_label(c.id))}：{escape(str(raw))}{extra}")
            if len(ev.cells) > 8:
                console.print(f"      [dim]……另有 {len(ev.cells) - 8} 个单元格[/]")
            if ev.text:
                where = f"第{ev.position.line}行：" if ev.position else ""
                console.print(f"      [dim]{where}[/]“{escape(ev.text)}”")


def _error_line(console: Console, err: GongkaiError) -> None:
    console.print(f"[bold red]无法处理[/] {escape(str(err))}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongkai")
def main() -> None:
    """gongkai（公开）：读取、解析、校验政府信息公开工作年度报告。"""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出完整 JSON（单元格原文、数值、含义、位置；问题及其类别）。")
def check(files: tuple[Path, ...], as_json: bool) -> None:
    """校验报告：逐份输出机关、年度、格式和按严重程度分组的问题。有错误时退出码为1，文件无法读取时为2。"""
    from gongkai.pipeline import check_path

    console = Console(highlight=False, stderr=False)
    err_console = Console(stderr=True, highlight=False)
    outputs, code = [], EXIT_OK
    for path in files:
        try:
            report = check_path(path)
        except GongkaiError as err:
            code = EXIT_INPUT
            if as_json:
                outputs.append({"source": str(path), "error": {"code": err.code, "message": err.message}})
            _error_line(err_console, err)
            continue
        if any(f.severity is Severity.ERROR for f in report.findings) and code == EXIT_OK:
            code = EXIT_FINDINGS
        if as_json:
            outputs.append(report.to_dict())
        else:
            _summary(console, report)
    if as_json:
        click.echo(_dump(outputs[0] if len(files) == 1 and outputs else outputs))
    sys.exit(code)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出单元格。")
def parse(file: Path, as_json: bool) -> None:
    """只解析：输出报告各单元格（原文、数值、含义、位置），不做校验。"""
    from gongkai.parse import parse_document
    from gongkai.readers import read_path

    try:
        report = parse_document(read_path(file))
    except GongkaiError as err:
        _error_line(Console(stderr=True, highlight=False), err)
        sys.exit(EXIT_INPUT)
    if as_json:
        click.echo(_dump({"source": report.source, "format": report.format, "year": report.year,
                          "organization": report.organization,
                          "cells": {cid: c.to_dict() for cid, c in report.cells.items()}}))
        return
    console = Console(highlight=False)
    console.rule(escape(report.source))
    for cid, c in report.cells.items():
        where = f"第{c.position.line}行" if c.position else ""
        raw = "（空白）" if c.raw == "" else c.raw
        console.print(f"[dim]{where:>8}[/] {escape(_cell_label(cid))}：{escape(raw)} [dim]{c.meaning.value}[/]")


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("examples-out"), show_default=True,
              help="写入示例报告的目录。")
def examples(out_dir: Path) -> None:
    """生成内置示例报告（由本项目的生成器写出，含几份故意出错的报告）。"""
    from gongkai.examples.bundled import write_examples

    paths = write_examples(out_dir)
    for p in paths:
        click.echo(str(p))


@main.command()
def rules() -> None:
    """列出全部校验规则（代码、类别、严重程度、说明）。"""
    from gongkai.checks import RULES

    console = Console(highlight=False)
    for rule in RULES:
        console.print(f"[bold]{rule.code}[/]  [dim]{rule.category} · {rule.severity.value}[/]  {escape(rule.description)}")


if __name__ == "__main__":  # pragma: no cover
    main()
