"""click in Chinese: usage errors, help boilerplate and Ctrl-C, for the `gongkai` command line only.

click marks its messages for gettext (``from gettext import gettext as _`` in each module) but ships no
translations, and a gettext catalogue would follow the user's LANG. The CLI's language is Chinese whatever the
locale, so :func:`install` points click's message functions at the table below. It is called by the CLI's entry
point, never on ``import gongkai``: library users keep click as they found it.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from gongkai.commands.support import E_INTERRUPTED, E_USAGE, EXIT_INPUT, EXIT_INTERRUPTED, message_line


MESSAGES: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 “{command} {option}” 查看帮助。",
    "Aborted!": "已中断。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Missing command.": "缺少命令。",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "required": "必填",
    "Do you want to continue?": "是否继续？",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Confirm the action without prompting.": "不提示，直接确认。",
    "Value must be an iterable.": "值必须是可迭代的。",
    "unknown error": "未知错误",
}

PLURALS: dict[str, str] = {
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Did you mean {possibility}?": "是否要用 {possibility}？",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个值，只给了 {len_value} 个。",
}
# the plural forms say the same in Chinese
PLURALS.update(
    {
        "Got unexpected extra arguments ({args})": PLURALS["Got unexpected extra argument ({args})"],
        "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
        "(Did you mean one of: {possibilities}?)": "（是否要用其中之一：{possibilities}？）",
        "{value!r} is not one of {choices}.": "{value!r} 不是以下之一：{choices}。",
        "{value!r} does not match the formats {formats}.": "{value!r} 不符合以下任一格式：{formats}。",
        "{len_type} values are required, but {len_value} were given.": "需要 {len_type} 个值，给了 {len_value} 个。",
    }
)

_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return PLURALS.get(chosen, chosen)


def install() -> None:
    """Make click speak Chinese in this process (idempotent)."""
    for name in _CLICK_MODULES:
        module: Any = sys.modules.get(f"click.{name}") or __import__(f"click.{name}", fromlist=["_"])
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


# what a positional argument is called in usage lines and in "缺少参数 …" (click would print PATHS..., KEY)
ARGUMENT_NAMES = {
    "paths": "文件或文件夹",
    "file": "文件",
    "key": "报告编号",
    "keys": "问题编号",
    "urls": "起始地址",
    "name": "用户名",
    "register": "申请登记表",
}


_PATH_NAMES = {"file": "文件", "directory": "目录", "path": "路径"}


def _chinese_metavars(cmd: click.Command) -> None:
    if cmd.options_metavar == "[OPTIONS]":
        cmd.options_metavar = "[选项]"
    for param in cmd.params:
        if isinstance(param.type, click.Path) and param.type.name in _PATH_NAMES:
            # named when the option was declared, before install(): "File 'x' 不存在"
            param.type.name = _PATH_NAMES[param.type.name]
        if isinstance(param, click.Argument) and param.metavar is None and param.name in ARGUMENT_NAMES:
            param.metavar = ARGUMENT_NAMES[param.name] + ("..." if param.nargs != 1 else "")
    if isinstance(cmd, click.Group):
        if cmd.subcommand_metavar in (None, "COMMAND [ARGS]..."):
            cmd.subcommand_metavar = "命令 [参数]..."
        for sub in cmd.commands.values():
            _chinese_metavars(sub)


def usage_message(err: click.ClickException, prog: str = "gongkai") -> str:
    """A usage error in the one message style, with the help command as the next step (the command's help
    when click knows the command, else the program's)."""
    ctx = getattr(err, "ctx", None)
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        hint = f"运行 “{ctx.command_path} {ctx.help_option_names[0]}” 查看帮助。"
    else:
        hint = f"运行 “{prog} -h” 查看帮助。"
    # one line: click lists a choice's values on tab-indented lines of their own
    message = " ".join(part.strip() for part in err.format_message().splitlines() if part.strip())
    if message.endswith("."):  # click ends some sentences with an English full stop
        message = message[:-1] + "。"
    return message_line(E_USAGE, message, hint)


class ChineseGroup(click.Group):
    """The top-level group: Chinese messages, and Ctrl-C ends quietly with exit 130 instead of a traceback."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _chinese_metavars(cmd)
        super().add_command(cmd, name)

    def main(self, *args, **kwargs):
        install()
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.Exit as exit_:
            sys.exit(exit_.exit_code)
        except click.ClickException as err:
            prog = kwargs.get("prog_name") or os.path.basename(sys.argv[0] or "gongkai")
            click.echo(usage_message(err, prog), err=True)
            sys.exit(err.exit_code)
        except (click.Abort, KeyboardInterrupt, EOFError):
            click.echo("\n" + message_line(E_INTERRUPTED, "已中断（Ctrl-C）。"), err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:  # the reader of a pipe went away (`gongkai findings | head`): nothing to say
            sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stderr once more at exit
            sys.exit(0)
        except Exception as exc:
            if os.environ.get("GONGKAI_DEBUG"):
                raise
            click.echo(
                message_line(
                    "E-INTERNAL",
                    f"程序内部错误（{type(exc).__name__}）",
                    "这是 gongkai 的缺陷，请报告；设置环境变量 GONGKAI_DEBUG=1 可显示详细信息。",
                ),
                err=True,
            )
            sys.exit(EXIT_INPUT)
        sys.exit(result if isinstance(result, int) else 0)
