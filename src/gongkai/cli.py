"""The `gongkai` command line: the group and its commands, registered here; each command lives in
:mod:`gongkai.commands`, one module per job.

Exit codes: 0 all reports read, no error findings; 1 at least one report has an error finding;
2 at least one file could not be read or is not an annual report (the others are still processed).
"""

from __future__ import annotations

import click

from gongkai.commands.zh import ChineseGroup


@click.group(cls=ChineseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongkai", message="%(prog)s，版本 %(version)s", help="显示版本并退出。")
def main() -> None:
    """gongkai（公开）：读取、解析、校验政府信息公开工作年度报告。"""


def _register_commands() -> None:
    """Every command lives in gongkai.commands, one module per job."""
    from gongkai.commands.check import check
    from gongkai.commands.examples import examples
    from gongkai.commands.export import export
    from gongkai.commands.fetch import fetch
    from gongkai.commands.ingest import ingest
    from gongkai.commands.orgs import orgs
    from gongkai.commands.parse import parse
    from gongkai.commands.render import render
    from gongkai.commands.reports import reports
    from gongkai.commands.review import findings, review
    from gongkai.commands.rules import rules
    from gongkai.commands.stats import stats
    from gongkai.commands.tally import tally
    from gongkai.commands.template import template

    main.add_command(check)
    main.add_command(parse)
    main.add_command(examples)
    main.add_command(rules)
    main.add_command(template)
    main.add_command(tally)
    main.add_command(render)
    main.add_command(ingest)
    main.add_command(findings)
    main.add_command(review)
    main.add_command(orgs)
    main.add_command(export)
    main.add_command(stats)
    main.add_command(reports)
    main.add_command(fetch)
    from gongkai.commands.serve import serve, users

    main.add_command(serve)
    main.add_command(users)


_register_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
