"""What every command shares: exit codes, message codes, the one message style, Chinese choices, --org."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
from rich.console import Console, RenderableType

from gongkai.errors import GongkaiError
from gongkai.model import Severity
from gongkai.vocabulary import SEVERITY_LABELS, choice

# 0 done, no error finding; 1 an error finding (or, for producing commands, a refusal or rows left out);
# 2 a file or the input could not be used; 130 interrupted (Ctrl-C, the shell's convention for SIGINT)
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_REFUSED = EXIT_LEFT_OUT = EXIT_FINDINGS

# codes of what only the command line meets (the library's errors carry theirs, see gongkai.errors)
E_USAGE = "E-USAGE"  # a missing argument, an unknown option, a bad option value
E_NO_INPUT = "E-NO-INPUT"  # nothing to work on: no file given, an empty folder
E_WRITE = "E-WRITE"  # the output file could not be written
E_EXISTS = "E-EXISTS"  # the output file exists and --force was not given
E_REFUSED = "E-REFUSED"  # not produced because of error findings
E_INTERRUPTED = "E-INTERRUPTED"  # Ctrl-C

# name and terminal style of each severity
SEVERITY_NAMES = {
    s: (SEVERITY_LABELS[s], style)
    for s, style in ((Severity.ERROR, "bold red"), (Severity.WARNING, "yellow"), (Severity.INFO, "cyan"))
}


class ZhChoice(click.ParamType):
    """A choice given as its code (error) or its Chinese name (错误); the command gets the code."""

    name = "choice"

    def __init__(self, labels: dict, what: str):
        self.labels = labels
        self.what = what

    def get_metavar(self, param, ctx=None) -> str:  # click ≥8.2 passes ctx
        return "[" + "|".join(self.labels.values()) + "]"

    def convert(self, value, param, ctx):
        try:
            return choice(value, self.labels, self.what)
        except GongkaiError as err:
            self.fail(f"{err.message}", param, ctx)


DB_HELP = (
    "数据库：SQLite 文件路径或 sqlite:///…，或 postgresql://用户@主机/库（默认：当前目录下的 gongkai.db，"
    "或环境变量 GONGKAI_DB）。"
)


def db_option(dest: str = "db_url"):
    """--db, the same in every command that uses the database."""
    return click.option("--db", dest, default=None, metavar="URL", help=DB_HELP)


def org_options(f):
    """--org (exact name, alias; or the printed name of a body not in the registry) and --org-like (part of a
    name): the same in every command that selects by body."""
    f = click.option(
        "--org-like",
        "org_like",
        default=None,
        metavar="文字",
        help="只要名称（名录名称、别名或报告上印的名称）包含该文字的机关。",
    )(f)
    f = click.option(
        "--org",
        default=None,
        metavar="机关",
        help="只要该机关：名录名称或别名（不在名录中的机关用报告上印的名称），须完全一致；部分名称用 --org-like。",
    )(f)
    return f


def message_line(code: str, message: str, hint: str | None = None) -> str:
    """The one message style of the command line: ``[代码] 说明`` and, where there is one, the next step."""
    return f"[{code}] {message}" + (f"\n  {hint}" if hint else "")


def print_error(err: GongkaiError | tuple[str, str], hint: str | None = None) -> None:
    """An error on stderr in the one style: ``[代码] 文件：说明`` (a GongkaiError's own ``str``), then the next step."""
    from rich.markup import escape

    line = str(err) if isinstance(err, GongkaiError) else message_line(*err)
    if hint:
        line += f"\n  {hint}"
    make_console(stderr=True).print(f"[bold red]{escape(line)}[/]", soft_wrap=True)


def fail(err: GongkaiError | tuple[str, str], hint: str | None = None, code: int = EXIT_INPUT) -> NoReturn:
    """Print the error in the one style and exit (2: the input or the database could not be used)."""
    print_error(err, hint)
    sys.exit(code)


def make_console(*, stderr: bool = False) -> Console:
    """A console for a command's output. Written to a file or a pipe, lines are not wrapped at 80 columns."""
    console = Console(highlight=False, stderr=stderr)
    if not console.is_terminal:
        console.soft_wrap = True
    return console


def print_table(console: Console, table: RenderableType) -> None:
    """A table (or tree) whole: on a terminal fitted to its width; to a file or a pipe at its natural width, so
    no column is cut or folded, whatever the width of the terminal that started the command."""
    if console.is_terminal:
        console.print(table)
        return
    from rich.measure import Measurement

    width = Measurement.get(console, console.options.update_width(1_000_000), table).maximum
    shown = console.width
    console.width = max(width, 20)  # print(width=) cannot exceed the console's width
    try:
        console.print(table, soft_wrap=False)
    finally:
        console.width = shown
