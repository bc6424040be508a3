"""The producing commands (render, template --from, tally --into) on forms a user or a script wrote: every
issue-12 reproducer ends in its code with a Chinese message and exit status, never a traceback."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from gongkai.cli import main

BASE = "organization: 某某县人民政府\nyear: 2024\nformat: '2021'\n"


def _bomb(levels: int = 12, width: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


FORMS = {
    "invalid date": BASE + "published: 2025-02-30\n",
    "integer published": BASE + "published: 20250126\n",
    "year .inf": "organization: 某局\nyear: .inf\n",
    "deep YAML": BASE + "texts:\n  '1': " + "[" * 10_000 + "]" * 10_000 + "\n",
    "1e400": BASE + "values:\n  proactive.regulations.made: 1.0e400\n",
    "5000 digits": BASE + "values:\n  proactive.regulations.made: " + "9" * 5000 + "\n",
    "hex integer": BASE + "region: 0x" + "f" * 5000 + "\n",
    "alias bomb": BASE + "texts:\n  x: 1\n" + _bomb(),
    "python tag": BASE + "region: !!python/object/apply:os.system ['true']\n",
}


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    import random

    from gongkai.examples.registers import random_applications, write_csv

    p = tmp_path_factory.mktemp("reg") / "申请.csv"
    write_csv(random_applications(random.Random(1), 2024, n=20), p)
    return p


@pytest.mark.parametrize("what", sorted(FORMS))
@pytest.mark.parametrize("command", ["render", "tally", "template"])
def test_hostile_form_ends_in_a_code_on_the_command_line(tmp_path, register, what, command):
    form = tmp_path / "form.yaml"
    form.write_text(FORMS[what], "utf-8")
    before = form.read_bytes()
    out = tmp_path / "out.md"
    args = {
        "render": ["render", str(form), "-o", str(out)],
        "tally": ["tally", str(register), "--year", "2024", "--into", str(form)],
        # a form given where last year's report belongs is read as a document
        "template": ["template", "--year", "2025", "--from", str(form), "-o", str(tmp_path / "t.xlsx")],
    }[command]
    result = CliRunner().invoke(main, args)
    assert result.exit_code not in (0, None), result.output
    assert isinstance(result.exception, (SystemExit, type(None))), repr(result.exception)
    assert "Traceback" not in result.output and "Error" not in result.output
    assert re.search(r"\[E-FORM\]" if command != "template" else r"\[E-[A-Z-]+\]", result.output), result.output
    assert not out.exists() and not (tmp_path / "t.xlsx").exists()
    assert form.read_bytes() == before  # tally --into never rewrites a form it could not read
