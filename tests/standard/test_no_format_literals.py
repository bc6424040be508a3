"""standard/ is the only place that knows the format: the rest of the package writes none of its spellings.

The scan reads the string and number literals of every module outside ``gongkai/standard/`` (docstrings and
comments may name the format; code may not spell it) and looks for the facts that live in the format data and
``standard/labels.py``: the 第二十条 captions, the 文号, the section titles, the identities' wording, the numeral
tables, the not-applicable marks, table → section maps and "the 2021 format applies from 2021" comparisons.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import gongkai
from gongkai.standard import FORMAT_IDS, get_format
from gongkai.standard.labels import NUMERALS, TABLES
from gongkai.standard.values import NOT_APPLICABLE_MARKS

PACKAGE = Path(gongkai.__file__).parent
YEARS = {get_format(f).applies_from_year for f in FORMAT_IDS}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "standard" not in p.relative_to(PACKAGE).parts[:1])


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _strings(tree: ast.AST) -> list[ast.Constant]:
    skip = _docstrings(tree)
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip]


def _forbidden_texts() -> dict[str, str]:
    """Text that may appear only in standard/, with why."""
    out = {
        "第二十条": "the 第二十条 captions (labels.ARTICLE_20_CAPTION / ARTICLE_20_KEY)",
        "国办公开办函": "a format's 文号 (Format.document_no)",
        "年试行版": "a format's name (Format.name)",
        NUMERALS[1:5]: "a numeral table (labels.NUMERALS / NUMERAL_CHARS)",
        "〇一二": "a numeral table (labels.NUMERALS / YEAR_DIGIT_CHARS)",
        "零一二": "a numeral table (labels.NUMERALS / YEAR_DIGIT_CHARS)",
    }
    for format_id in FORMAT_IDS:
        fmt = get_format(format_id)
        for section in fmt.sections:
            if len(section.title) >= 6:  # 总体情况 alone is also an ordinary phrase
                out[section.title] = f"section {section.no}'s title (Format.sections)"
        for idn in fmt.identities:
            out[idn.label] = f"the wording of identity {idn.rule} (Format.identities)"
        for rule, sides in fmt.identity_sides.items():
            for side in sides:
                if len(side) >= 6:
                    out[side] = f"a side of identity {rule} (Format.identity_sides)"
    return out


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    where = path.relative_to(PACKAGE.parent) if path.is_relative_to(PACKAGE.parent) else path.name
    out = []
    forbidden = _forbidden_texts()
    for node in _strings(tree):
        for text, why in forbidden.items():
            # a section title inside a sentence (本年度无其他需要报告的事项) is prose, not the heading
            if re.search(rf"(?<![\u4e00-\u9fff]){re.escape(text)}", node.value):
                out.append(f"{where}:{node.lineno}: {text!r} is {why}")
    for node in ast.walk(tree):
        # a set of not-applicable marks written again
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            marks = [e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in NOT_APPLICABLE_MARKS]
            if len(set(marks)) >= 3:
                out.append(f"{where}:{node.lineno}: not-applicable marks {marks} (values.NOT_APPLICABLE_MARKS)")
        # a table → section number / numeral map
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            values = [v.value for v in node.values if isinstance(v, ast.Constant)]
            if len(values) != len(node.values):
                continue
            if (
                set(TABLES) <= keys
                and values
                and all(
                    isinstance(v, int) or (isinstance(v, str) and any(n in v for n in NUMERALS[2:5])) for v in values
                )
            ):
                out.append(f"{where}:{node.lineno}: a table → section map (labels.TABLE_SECTION / TABLE_NAMES)")
            if set(TABLE_SECTION_NUMBERS) <= keys and all(isinstance(v, str) and v in TABLES for v in values):
                out.append(f"{where}:{node.lineno}: a section → table map (labels.SECTION_TABLE)")
        # which format a year uses: `year < 2021`
        if isinstance(node, ast.Compare):
            consts = [c.value for c in (node.left, *node.comparators) if isinstance(c, ast.Constant)]
            if any(isinstance(c, int) and (c in YEARS or c + 1 in YEARS) for c in consts) and any(
                isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in node.ops
            ):
                out.append(
                    f"{where}:{node.lineno}: a year compared with a format's first year (labels.format_for_year)"
                )
    return out


TABLE_SECTION_NUMBERS = (2, 3, 4)


def test_the_package_outside_standard_spells_no_format_fact():
    problems = [p for path in _modules() for p in _problems(path)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "source, expected",
    [
        ('X = "第二十条第（一）项"', 1),
        ('"""第二十条 in a docstring is fine."""\nX = 1', 0),
        ('MARKS = ("/", "—", "无")', 1),
        ('M = {"proactive": 2, "requests": 3, "appeals": 4}', 1),
        ('T = {2: "proactive", 3: "requests", 4: "appeals"}', 1),
        ('def f(year):\n    return "2019" if year < 2021 else "2021"', 1),
        ('N = "〇一二三四五六七八九十"', 1),
        ('T = "表三　收到和处理政府信息公开申请情况"', 1),
        ('T = "本年度无其他需要报告的事项。"', 0),
        ('R = "各列：（七）总计等于（一）至（六）各项之和"', 1),
        ('NAME = "2019年试行版（国办公开办函〔2019〕60号）"', 1),
    ],
)
def test_the_scan_finds_a_planted_literal(tmp_path, source, expected):
    planted = tmp_path / "planted.py"
    planted.write_text(source, "utf-8")
    assert bool(_problems(planted)) == bool(expected)
