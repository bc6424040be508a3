"""Build Reports directly from cell values, and valid value sets for property tests."""

from __future__ import annotations

import random
from typing import Any

from gongkai.document import Position
from gongkai.model import Cell, Meaning, Report, SectionInfo, TableInfo
from gongkai.standard import get_format

UNREADABLE = object()  # marker for an unreadable cell


def make_cell(cid: str, value: Any, line: int = 1) -> Cell:
    pos = Position(line, 1, 0, 1)
    if value is None:
        return Cell(cid, "", Meaning.BLANK, None, pos)
    if value is UNREADABLE:
        return Cell(cid, "#?", Meaning.UNREADABLE, None, pos)
    if isinstance(value, str):
        if value in ("/", "—", "无"):
            return Cell(cid, value, Meaning.NOT_APPLICABLE, None, pos)
        return Cell(cid, value, Meaning.TEXT, None, pos)
    return Cell(cid, str(value), Meaning.ZERO if value == 0 else Meaning.NUMBER, value, pos)


def make_report(
    values: dict[str, Any],
    *,
    fmt: str = "2021",
    year: int | None = 2023,
    organization: str | None = "某某市人民政府",
    sections: bool = True,
    **kw,
) -> Report:
    """A report stating ``values`` (None = blank, "/" = n/a, other str = text); tables for the ids present."""
    report = Report(source="<test>", format=fmt, year=year, organization=organization, **kw)
    report.cells = {cid: make_cell(cid, v, i + 100) for i, (cid, v) in enumerate(values.items())}
    for table in ("proactive", "requests", "appeals"):
        if any(c.startswith(table + ".") for c in values):
            report.tables[table] = TableInfo(table, fmt, Position(1, 1, 0), True)
    if sections:
        report.sections = standard_sections()
    return report


def standard_sections(numbers: list[int] | None = None, canonical: list[int] | None = None) -> list[SectionInfo]:
    f = get_format("2021")
    canonical = canonical or [1, 2, 3, 4, 5, 6]
    numbers = numbers or canonical
    return [
        SectionInfo(
            n,
            c,
            f"{'一二三四五六'[n - 1]}、{f.sections[c - 1].title}",
            Position(10 * i + 1, 1, 0),
            content_chars=20,
            end_line=10 * i + 9,
        )
        for i, (n, c) in enumerate(zip(numbers, canonical))
    ]


def zeros(fmt_id: str = "2021", tables: tuple[str, ...] = ("requests", "appeals")) -> dict[str, Any]:
    f = get_format(fmt_id)
    return {cid: 0 for cid, spec in f.cells.items() if spec.table in tables}


def valid_values(seed: int, fmt_id: str = "2021") -> dict[str, int]:
    """A random value set for tables 三 and 四 where every identity holds."""
    rng = random.Random(seed)
    f = get_format(fmt_id)
    cols = [c for c, _ in f.request_columns if c != "total"]
    out: dict[str, int] = {}
    result_rows = [r.id for r in f.request_rows if r.id not in ("received", "carried_over", "total", "carried_forward")]
    for row in result_rows:
        for c in cols:
            out[f"requests.{row}.{c}"] = rng.choice((0, 0, 0, 1, 2, rng.randint(0, 30)))
    for c in cols:
        total = sum(out[f"requests.{row}.{c}"] for row in result_rows)
        forward = rng.randint(0, 5)
        over = rng.randint(0, total + forward)
        out[f"requests.total.{c}"] = total
        out[f"requests.carried_forward.{c}"] = forward
        out[f"requests.carried_over.{c}"] = over
        out[f"requests.received.{c}"] = total + forward - over
    for row in f.request_rows:
        out[f"requests.{row.id}.total"] = sum(out[f"requests.{row.id}.{c}"] for c in cols)
    for g, _, _ in f.appeals_groups:
        parts = {p: rng.randint(0, 6) for p in ("upheld", "corrected", "other", "pending")}
        for p, v in parts.items():
            out[f"appeals.{g}.{p}"] = v
        out[f"appeals.{g}.total"] = sum(parts.values())
    return out
