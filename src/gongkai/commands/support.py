"""What every command shares: exit codes and the Chinese names of severities."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from gongkai.errors import GongkaiError
from gongkai.model import Severity
from gongkai.vocabulary import SEVERITY_LABELS, choice

# 0 done, no error finding; 1 an error finding (or, for producing commands, a refusal or rows left out);
# 2 a file or the input could not be used; 130 interrupted (Ctrl-C, the shell's convention for SIGINT)
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_REFUSED = EXIT_LEFT_OUT = EXIT_FINDINGS

# name and terminal style of each severity
SEVERITY_NAMES = {s: (SEVERITY_LABELS[s], style) for s, style in
                  ((Severity.ERROR, "bold red"), (Severity.WARNING, "yellow"), (Severity.INFO, "cyan"))}


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


def org_options(f):
    """--org (exact name, alias; or the printed name of a body not in the registry) and --org-like (part of a
    name): the same in every command that selects by body."""
    f = click.option("--org-like", "org_like", default=None, metavar="文字",
                     help="只要名称（名录名称、别名或报告上印的名称）包含该文字的机关。")(f)
    f = click.option("--org", default=None, metavar="机关",
                     help="只要该机关：名录名称或别名（不在名录中的机关用报告上印的名称），须完全一致；部分名称用 --org-like。")(f)
    return f


def message_line(code: str, message: str, hint: str | None = None) -> str:
    """The one message style of the command line: ``[代码] 说明`` and, where there is one, the next step."""
    return f"[{code}] {message}" + (f"\n  {hint}" if hint else "")


def print_error(err: GongkaiError | tuple[str, str], hint: str | None = None) -> None:
    """An error on stderr in the one style (markup escaped: document text and paths are printed as they are)."""
    from rich.console import Console
    from rich.markup import escape

    code, message = (err.code, err.message) if isinstance(err, GongkaiError) else err
    if isinstance(err, GongkaiError) and err.source and err.source not in message:
        message = f"{err.source}：{message}"
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]{escape(message_line(code, message, hint))}[/]")


def fail(err: GongkaiError | tuple[str, str], hint: str | None = None, code: int = EXIT_INPUT) -> NoReturn:
    """Print the error in the one style and exit (2: the input or the database could not be used)."""
    print_error(err, hint)
    sys.exit(code)
