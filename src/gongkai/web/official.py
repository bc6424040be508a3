"""The three standard tables of a stored report drawn in the official layout, for the 报告详情 page.

The layout is not written down here: the grids come from :func:`gongkai.render.grid.layout_tables` (the one
place the official merged form is decided, from the format data in :mod:`gongkai.standard`). They are built
once per format with each value position holding its own cell id, so every value position maps back to the
stored cell it shows."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from typing import Any

from gongkai.render.grid import Grid, layout_tables
from gongkai.render.text import TABLE_OF, Style, build_tables
from gongkai.standard import FORMAT_IDS, get_format
from gongkai.standard.labels import numbered_heading

SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


@dataclass(frozen=True)
class _IdsAsValues:
    """Duck-types the two fields :func:`build_tables` reads from a report spec: every value is its cell id."""

    format_id: str

    @property
    def format(self):
        return get_format(self.format_id)

    @property
    def values(self) -> dict[str, str]:
        return {cid: cid for cid in get_format(self.format_id).cell_ids}


@cache
def official_grids(format_id: str) -> dict[str, Grid]:
    """The official grids of ``format_id``; a value position's text is the id of the cell printed there."""
    spec = _IdsAsValues(format_id)
    # Style() draws no label variant; the rng is only consulted for aliases, which it never prints
    tables = build_tables(spec, Style(), random.Random(0))  # type: ignore[arg-type]  # duck-typed spec, see above
    return layout_tables(tables, spec.format, "official")


@dataclass(frozen=True)
class ShownCell:
    """One position of a drawn table: a header/label text, or a value position with the stored cell."""

    text: str
    kind: str  # header | label | value
    rowspan: int
    colspan: int
    cell_id: str | None = None
    raw: str | None = None  # as read; None: the cell was not read (missing)
    meaning: str | None = None
    value: Any = None
    inferred: Any = None
    severity: str | None = None  # the worst finding naming this cell
    page: int | None = None
    located: bool = False  # the source position is known (box, DOM element or line)

    @property
    def classes(self) -> str:
        if self.kind != "value":
            return self.kind
        out = ["value"]
        if self.raw is None:
            out.append("missing")
        if self.inferred is not None:
            out.append("inferred")
        if self.severity:
            out.append(self.severity)
        return " ".join(out)


@dataclass(frozen=True)
class ShownTable:
    name: str
    title: str
    rows: list[list[ShownCell]]


def cell_severity(findings: list[dict]) -> dict[str, str]:
    """Each cell id named in a finding's evidence, with the worst severity among those findings."""
    worst: dict[str, str] = {}
    for f in findings:
        for c in (f.get("evidence") or {}).get("cells") or []:
            cid, sev = c.get("id"), f.get("severity")
            if cid and sev and SEVERITY_RANK.get(sev, 0) > SEVERITY_RANK.get(worst.get(cid, ""), 0):
                worst[cid] = sev
    return worst


def shown_tables(format_id: str | None, cells: list[dict], findings: list[dict]) -> list[ShownTable]:
    """The report's tables in the official layout of its format (2021 when the format was not recognised)."""
    fid = format_id if format_id in FORMAT_IDS else FORMAT_IDS[0]
    stored = {c["id"]: c for c in cells}
    severity = cell_severity(findings)
    titles = {s.no: numbered_heading(s.no, s.title) for s in get_format(fid).sections}
    out = []
    for no, name in TABLE_OF.items():
        grid = official_grids(fid)[name]
        rows = []
        for row in grid.rows():
            shown = []
            for g in row:
                if g.kind != "value":
                    shown.append(ShownCell(g.text, g.kind, g.rowspan, g.colspan))
                    continue
                c = stored.get(g.text, {})
                pos = c.get("position") or {}
                shown.append(
                    ShownCell(
                        g.text,
                        "value",
                        g.rowspan,
                        g.colspan,
                        cell_id=g.text,
                        raw=c.get("raw"),
                        meaning=c.get("meaning"),
                        value=c.get("value"),
                        inferred=c.get("inferred_value"),
                        severity=severity.get(g.text),
                        page=c.get("page"),
                        located=bool(pos.get("bbox") or pos.get("dom_path") or c.get("line")),
                    )
                )
            rows.append(shown)
        out.append(ShownTable(name, titles.get(no, name), rows))
    return out


def shown_raw(raw: str | None) -> str:
    """The cell's text as read, with blank and not-read told apart from "0", "/", "—" and "无"."""
    if raw is None:
        return "未读出"
    if raw.strip() == "":
        return "（空白）"
    return raw


__all__ = ["SEVERITY_RANK", "ShownCell", "ShownTable", "cell_severity", "official_grids", "shown_raw", "shown_tables"]
