"""``gongkai check``: read and check reports (files or whole folders), one summary or JSON document each.

Exit codes: 0 all reports read, no error findings; 1 at least one report has an error finding;
2 at least one file could not be read or is not an annual report (the others are still processed).
"""

from __future__ import annotations

import functools
import json
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import click
from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.control import STRIP_CONTROL_CODES, strip_control_codes
from rich.markup import escape
from rich.text import Text

from gongkai.commands.support import (
    E_INTERRUPTED,
    E_NO_INPUT,
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    SEVERITY_NAMES,
    fail,
    make_console,
    message_line,
)
from gongkai.errors import GongkaiError
from gongkai.model import Report, Severity
from gongkai.standard.labels import cell_label, format_name

_MEDIA_NAMES = {
    "text/plain": "纯文本",
    "text/html": "网页（HTML）",
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word（.docx）",
    "application/msword": "Word/WPS（经 LibreOffice 转换）",
    "image/png": "图片（PNG，文字识别）",
    "image/jpeg": "图片（JPEG，文字识别）",
    "image/tiff": "图片（TIFF，文字识别）",
}


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode  # made once: it is made per call


def _dump(obj, levels: int = 2, depth: int = 0) -> str:
    """JSON with the outer ``levels`` of objects and lists one entry per line (a cell, a finding, a field of
    the report) and each entry on its line. Fully indented JSON goes through Python's slow encoder and is
    mostly white space (47 KB for one report, more time than checking it); this goes through the C encoder."""
    if depth >= levels or not isinstance(obj, (dict, list)) or not obj:
        return _ENCODE(obj)
    pad = " " * (depth + 1)
    if isinstance(obj, dict):
        entries = [f"{pad}{_ENCODE(str(k))}: {_dump(v, levels, depth + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(entries) + "\n" + pad[:-1] + "}"
    entries = [pad + _dump(v, levels, depth + 1) for v in obj]
    return "[\n" + ",\n".join(entries) + "\n" + pad[:-1] + "]"


def _cell_label(cell_id: str) -> str:
    return cell_label(cell_id)


_CONTROL_CODES = re.compile("[" + "".join(map(chr, STRIP_CONTROL_CODES)) + "]")

# a line of the summary: (text, rich style or None) segments; document text goes in as it is, never as markup
Segment = tuple[str, str | None]


def _summary(console: Console, report: Report) -> None:
    _print_rule(console, report.source)
    _print_lines(console, _summary_lines(report))


def _summary_lines(report: Report) -> list[list[Segment]]:
    lines: list[list[Segment]] = []
    org = report.organization or "（未能确定）"
    year = f"{report.year}年" if report.year else "（未能确定）"
    head: list[Segment] = [(f"机关：{org}　年度：{year}　格式：{format_name(report.format)}", None)]
    if report.is_rollup:
        head.append(("　汇总报告", "magenta"))
    if report.published:
        head.append((f"　发布日期：{report.published}", None))
    lines.append(head)
    kind = _MEDIA_NAMES.get(report.media_type, report.media_type)
    lines.append([(f"来源：{kind}" + (f"，共 {report.pages} 页" if report.pages else ""), "dim")])
    lines.extend([(f"　{note}", "dim")] for note in report.notes)
    if report.reading is not None:
        lines.append([(report.reading.summary_zh(), None)])
    stated = sum(1 for c in report.cells.values() if c.meaning.is_numeric)
    cells: list[Segment] = [
        (f"单元格：读取 {len(report.cells)} 个（其中数值 {stated} 个），由勾稽关系推算 {len(report.inferred)} 个", None)
    ]
    if report.truncated:
        cells.append(("　文本不完整（截断）", "yellow"))
    lines.append(cells)
    by_severity: dict[Severity, list] = {s: [] for s in Severity}
    for f in report.findings:
        by_severity[f.severity].append(f)
    counts: list[Segment] = []
    for s, (name, style) in SEVERITY_NAMES.items():
        if counts:
            counts.append(("　", None))
        counts.append((f"{name} {len(by_severity[s])}", style))
    lines.append(counts)
    for sev, (name, style) in SEVERITY_NAMES.items():
        group = by_severity[sev]
        if not group:
            continue
        lines.append([(name, style)])
        for f in group:
            lines.append([("  ", None), ("●", style), (" ", None), (f.code, "dim"), (f" {f.message}", None)])
            ev = f.evidence
            if ev.expected is not None or ev.stated is not None:
                lines.append(
                    [
                        (
                            f"      应为 {ev.expected}，实际为 {ev.stated}"
                            + (f"，相差 {ev.difference}" if ev.difference is not None else ""),
                            None,
                        )
                    ]
                )
            for c in ev.cells[:8]:
                raw = "（空白）" if c.raw == "" else (c.raw if c.raw is not None else "未印出")
                extra = f"，推算为 {c.value}" if c.inferred else ""
                lines.append(
                    [("      ", None), (_where(c.position), "dim"), (f" {_cell_label(c.id)}：{raw}{extra}", None)]
                )
            if len(ev.cells) > 8:
                lines.append([(f"      ……另有 {len(ev.cells) - 8} 个单元格", "dim")])
            if ev.text:
                where = f"{_where(ev.position)}：" if ev.position else ""
                lines.append([("      ", None), (where, "dim"), (f"“{ev.text}”", None)])
    return lines


def _plain(console: Console) -> bool:
    """Output without colours or terminal (a file or a pipe, the batch case): printed as plain text, exactly as
    rich would print it, at a fraction of rich's cost (which would otherwise be a third of the check's)."""
    return console.color_system is None and not console.is_terminal and not console.record


def _print_rule(console: Console, title: str) -> None:
    line = _plain_rule(title, console.width) if _plain(console) and console.encoding.startswith("utf") else None
    if line is None:
        console.rule(Text(title, style="bold"))
    else:
        console.file.write(line + "\n")


def _plain_rule(title: str, width: int) -> str | None:
    """rich's centred ``Rule`` as plain text, or None where rich would first change the title (tabs, line
    breaks, control codes, a title too wide for the line) or draws no title."""
    if not title or any(ch in title for ch in "\t\n\r\x07\x08\x0b\x0c") or cell_len(title) > width - 4:
        return None
    size = cell_len(title)
    side = (width - size) // 2
    left = "─" * (side - 1)
    right = "─" * min(side + 1, width - (side - 1) - size)
    return set_cell_size(f"{left} {title} {right}", width)


def _print_lines(console: Console, lines: list[list[Segment]]) -> None:
    """Each line of segments, as ``console.print`` of its ``Text`` prints it. Plain output (see ``_plain``) is
    written directly, wrapped by rich's own wrapping when a line is wider than the console (unless the console
    soft-wraps); colour output goes through rich."""
    if not _plain(console):
        console.print(Text("\n").join(Text.assemble(*((text, style or "") for text, style in line)) for line in lines))
        return
    width = console.width
    out: list[str] = []
    for line in lines:
        plain = "".join(text for text, _ in line)
        if _CONTROL_CODES.search(plain):  # Text strips them (a check first: translate is slow on long text)
            plain = strip_control_codes(plain)
        if "\t" in plain:
            console.file.write("".join(out))
            out.clear()
            console.print(Text(plain))
        elif not console.soft_wrap and cell_len(plain) > width:  # rich's own wrapping, on the plain text
            out.extend(part.plain + "\n" for part in Text(plain).wrap(console, width))
        else:
            out.append(plain + "\n")
    console.file.write("".join(out))


def _where(pos) -> str:
    """Where a cell or text is in the original, in words: page for PDFs and scans, element for web pages and
    Word files, line and column for text."""
    if pos is None:
        return "（未印出）"
    if pos.page is not None:
        where = f"第{pos.page}页"
        if pos.bbox is not None:
            where += f"（{pos.bbox[0]:.0f},{pos.bbox[1]:.0f}）"
    elif pos.dom_path is not None:
        where = pos.dom_path if len(pos.dom_path) <= 40 else "…" + pos.dom_path[-39:]
    else:
        where = f"第{pos.line}行第{pos.column}列"
    if pos.confidence is not None:
        where += f" 识别置信度{pos.confidence:.2f}"
    return where


def _error_line(console: Console, err: GongkaiError) -> None:
    console.print(f"[bold red]{escape(str(err))}[/]")


def _in_order(outcomes, paths: list[str]):
    """Outcomes re-ordered to the input order (workers finish in any order); only the out-of-order ones wait."""
    index = {p: i for i, p in enumerate(paths)}
    waiting: dict[int, object] = {}
    nxt = 0
    for o in outcomes:
        waiting[index[o.path]] = o
        while nxt in waiting:
            yield waiting.pop(nxt)
            nxt += 1


def _batch_summary(console: Console, total: int, failed: list, with_errors: int, seconds: float) -> None:
    console.rule("[bold]汇总")
    console.print(
        f"共处理 {total} 个文件，用时 {seconds:.1f} 秒：读取成功 {total - len(failed)} 份"
        f"（其中 {with_errors} 份有错误级问题），无法处理 {len(failed)} 个。"
    )
    for o in failed:
        line = message_line(o.error_code or "E-READ", f"{o.path}: {o.error_message or ''}")
        console.print(f"  [bold red]●[/] {escape(line)}")


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出完整 JSON（单元格原文、数值、含义、位置；问题及其类别）。")
@click.option(
    "-j", "--jobs", type=click.IntRange(1, 64), default=None, help="并行处理的进程数（默认：CPU 核数，最多 8）。"
)
@click.option(
    "--timeout",
    type=click.FloatRange(1, 3600),
    default=None,
    help="单个文件的处理时限（秒，默认 120）；超时的文件被跳过并报告。",
)
@click.option("--progress/--no-progress", default=None, help="显示进度条（默认：处理多个文件且在终端中时显示）。")
def check(
    paths: tuple[Path, ...], as_json: bool, jobs: int | None, timeout: float | None, progress: bool | None
) -> None:
    """校验报告（文件或整个文件夹，格式不限：文本、网页、PDF、Word、WPS、扫描件）。

    逐份输出机关、年度、格式和按严重程度分组的问题。有错误时退出码为1，有文件无法处理时为2。"""
    import dataclasses
    import os
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    import gongkai.pipeline  # noqa: F401 - imported before the workers start, so that no worker imports it again
    from gongkai.batch import collect
    from gongkai.batch_pages import run_pages
    from gongkai.readers.limits import DEFAULT_LIMITS

    console = make_console()
    err_console = make_console(stderr=True)
    files = [str(p) for p in collect(paths)]
    if not files:
        fail((E_NO_INPUT, "没有找到任何文件（文件夹为空，或只有隐藏文件）"))
    limits = DEFAULT_LIMITS if timeout is None else dataclasses.replace(DEFAULT_LIMITS, seconds_per_file=timeout)
    jobs = jobs or max(1, min(os.cpu_count() or 1, 8))
    show_progress = progress if progress is not None else (len(files) > 1 and err_console.is_terminal)
    bar = Progress(
        TextColumn("[bold]读取中"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.description}"),
        console=err_console,
        disable=not show_progress,
        transient=True,
    )
    failed, with_errors, code = [], 0, EXIT_OK
    started = time.perf_counter()
    single = len(files) == 1 and not any(p.is_dir() for p in paths)
    json_out = _JsonStream(single) if as_json else None
    # workers render what is printed (the summary, or the report's JSON): the parent only writes text
    task = functools.partial(_checked_task, as_json=as_json, style=_ConsoleStyle.of(console))
    done, interrupted = 0, False
    try:
        with bar:
            progress_task = bar.add_task("", total=len(files))
            for outcome in _in_order(run_pages(files, jobs=jobs, limits=limits, task=task), files):
                bar.update(progress_task, advance=1, description=Path(outcome.path).name)
                done += 1
                checked: _Checked | None = outcome.payload
                if checked is None:
                    code = EXIT_INPUT
                    failed.append(outcome)
                    if json_out is not None:
                        json_out.add(
                            _dump(
                                {
                                    "source": outcome.path,
                                    "error": {"code": outcome.error_code, "message": outcome.error_message},
                                }
                            )
                        )
                    shown = GongkaiError(outcome.error_message or "", source=outcome.path, code=outcome.error_code)
                    if single or as_json:
                        _error_line(err_console, shown)
                    else:
                        bar.console.print(f"[bold red]{escape(str(shown))}[/]")
                    continue
                if checked.has_errors:
                    with_errors += 1
                    if code == EXIT_OK:
                        code = EXIT_FINDINGS
                if json_out is not None:
                    json_out.add(checked.text)
                else:
                    console.file.write(checked.text)
    except KeyboardInterrupt:  # the workers ignore Ctrl-C; run() ends them when its loop is left
        interrupted = True
    if json_out is not None:
        json_out.close()  # after Ctrl-C too: what was written stays valid JSON
    if interrupted:
        if not as_json and not single:
            _batch_summary(console, done, failed, with_errors, time.perf_counter() - started)
        fail(
            (
                E_INTERRUPTED,
                f"已中断（Ctrl-C）：已处理 {done} / {len(files)} 个文件，其余 {len(files) - done} 个未处理",
            ),
            code=EXIT_INTERRUPTED,
        )
    if not as_json and not single:
        _batch_summary(console, len(files), failed, with_errors, time.perf_counter() - started)
    sys.exit(code)


@dataclass(frozen=True, slots=True)
class _ConsoleStyle:
    """How the parent's console writes, so that a worker renders exactly what the parent would print."""

    width: int
    color_system: str | None
    terminal: bool
    soft_wrap: bool

    @classmethod
    def of(cls, console: Console) -> _ConsoleStyle:
        return cls(console.width, console.color_system, console.is_terminal, console.soft_wrap)

    def console(self, file) -> Console:
        return Console(
            file=file,
            width=self.width,
            color_system=self.color_system,  # type: ignore[arg-type]
            force_terminal=self.terminal,
            highlight=False,
            legacy_windows=False,
            soft_wrap=self.soft_wrap,
        )


@dataclass(frozen=True, slots=True)
class _Checked:
    """A checked report as the parent needs it: the text to print and whether it has an error finding."""

    text: str
    has_errors: bool


def _checked_task(path: str, limits, *, as_json: bool, style: _ConsoleStyle):
    """Worker side of `check`: check one file and render its summary or JSON (compact: text, not a Report)."""
    import io

    from gongkai import batch

    outcome = batch.check_one(path, limits)
    report = outcome.report
    if report is None:
        return outcome
    if as_json:
        text = _dump(report.to_dict())
    else:
        buf = io.StringIO()
        _summary(style.console(buf), report)
        text = buf.getvalue()
    outcome.payload = _Checked(text, any(f.severity is Severity.ERROR for f in report.findings))
    outcome.report = None
    return outcome


class _JsonStream:
    """``--json`` output as the reports come: one object for a single file, else a list written item by item
    (the items are ``_dump``s made by the workers), so memory stays flat over any number of files."""

    def __init__(self, single: bool):
        self.single = single
        self.count = 0

    def add(self, item: str) -> None:
        if self.single:
            click.echo(item)
        else:
            click.echo(("[\n" if self.count == 0 else ",\n") + textwrap.indent(item, " "), nl=False)
        self.count += 1

    def close(self) -> None:
        if not self.single:
            click.echo("[]" if self.count == 0 else "\n]")
