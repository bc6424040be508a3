"""The standard report formats as typed data.

The JSON files in ``data/`` are the single place where sections, tables, rows, columns, labels,
aliases and identities are written down. The parser, the checks, the renderer and the exports all
read them through :func:`get_format`; nothing else hard-codes a label or an identity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from importlib import resources

FORMAT_IDS = ("2021", "2019")


@dataclass(frozen=True, slots=True)
class Section:
    no: int
    title: str
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CellSpec:
    """One numeric cell of a standard table."""

    id: str
    table: str  # proactive | requests | appeals
    label: str  # official path label, e.g. 第二十条第（一）项/规章/本年制发件数
    decimal: bool = False
    signed: bool = False
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """A labelled row: the label the parser looks for and the cells it carries, in column order."""

    id: str
    table: str
    label: str
    aliases: tuple[str, ...]
    cells: tuple[str, ...]
    group: str | None = None
    caption: str | None = None  # for proactive rows: the 第二十条第（X）项 block caption
    column_labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    label: str
    parent: str | None


@dataclass(frozen=True, slots=True)
class Identity:
    """One concrete linear identity: sum(lhs) == sum(rhs)."""

    rule: str  # e.g. requests.balance
    key: str  # which column/row/group it is about, e.g. natural_person
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    label: str

    @property
    def cells(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@dataclass(frozen=True)
class Format:
    id: str
    name: str  # 2021年版
    document_no: str  # 国办公开办函〔2021〕30号
    applies_from_year: int  # the first report year the format is required for
    source: str
    sections: tuple[Section, ...]
    proactive_rows: tuple[Row, ...]
    proactive_captions: tuple[str, ...]
    request_rows: tuple[Row, ...]
    request_groups: tuple[Group, ...]
    request_columns: tuple[tuple[str, str], ...]  # (id, label)
    request_note: str
    appeals_groups: tuple[tuple[str, str, str], ...]  # (id, label, path)
    appeals_columns: tuple[tuple[str, str], ...]
    identities: tuple[Identity, ...]
    table_sections: dict[str, int]  # table -> number of the section that holds it
    request_column_groups: tuple[tuple[str, tuple[str, ...]], ...]  # (group label, its column ids)
    identity_codes: dict[str, str]  # identity rule -> finding code
    identity_sides: dict[str, tuple[str, str]]  # identity rule -> Chinese names of its two sides
    cells: dict[str, CellSpec] = field(repr=False)

    @property
    def full_name(self) -> str:
        """2021年版（国办公开办函〔2021〕30号）"""
        return f"{self.name}（{self.document_no}）"

    @property
    def cell_ids(self) -> list[str]:
        return list(self.cells)

    def cells_of(self, table: str) -> list[str]:
        return [c for c, s in self.cells.items() if s.table == table]

    def request_row(self, row_id: str) -> Row:
        return next(r for r in self.request_rows if r.id == row_id)

    def group_chain(self, group_id: str | None) -> list["Group"]:
        """The request groups from the outermost down to ``group_id`` (empty for a row outside any group)."""
        groups = {g.id: g for g in self.request_groups}
        chain: list[Group] = []
        while group_id is not None:
            chain.insert(0, groups[group_id])
            group_id = groups[group_id].parent
        return chain

    @property
    def appeals_cell_ids(self) -> list[str]:
        return [f"appeals.{g}.{c}" for g, _, _ in self.appeals_groups for c, _ in self.appeals_columns]

    def column_label(self, column_id: str) -> str:
        return dict(self.request_columns)[column_id]

    def row_label(self, table: str, row_id: str) -> str:
        rows = self.request_rows if table == "requests" else self.proactive_rows
        return next(r.label for r in rows if r.id == row_id)


def _expand(pattern: str, row_ids: list[str]) -> list[str]:
    if pattern.endswith(".*"):
        prefix = pattern[:-1]
        return [r for r in row_ids if r.startswith(prefix)]
    return [pattern]


def _identities(
    raw: dict[str, Any], request_rows: list[str], request_cols: list[str], appeals_groups: list[str]
) -> tuple[Identity, ...]:
    out: list[Identity] = []
    for spec in raw["identities"]:
        kind, label = spec["kind"], spec["label"]
        if kind == "per_column":
            lhs_rows = [r for p in spec["lhs"] for r in _expand(p, request_rows)]
            rhs_rows = [r for p in spec["rhs"] for r in _expand(p, request_rows)]
            for c in request_cols:
                out.append(
                    Identity(
                        spec["id"],
                        c,
                        tuple(f"requests.{r}.{c}" for r in lhs_rows),
                        tuple(f"requests.{r}.{c}" for r in rhs_rows),
                        label,
                    )
                )
        elif kind == "per_row":
            for r in request_rows:
                out.append(
                    Identity(
                        spec["id"],
                        r,
                        tuple(f"requests.{r}.{c}" for c in spec["lhs"]),
                        tuple(f"requests.{r}.{c}" for c in spec["rhs"]),
                        label,
                    )
                )
        elif kind == "per_group":
            for g in appeals_groups:
                out.append(
                    Identity(
                        spec["id"],
                        g,
                        tuple(f"appeals.{g}.{c}" for c in spec["lhs"]),
                        tuple(f"appeals.{g}.{c}" for c in spec["rhs"]),
                        label,
                    )
                )
        else:  # pragma: no cover - data error
            raise ValueError(f"unknown identity kind {kind!r}")
    return tuple(out)


@cache
def get_format(format_id: str) -> Format:
    """Load a standard format ('2021' or '2019')."""
    if format_id not in FORMAT_IDS:
        raise KeyError(format_id)
    text = resources.files("gongkai.standard").joinpath(f"data/format-{format_id}.json").read_text("utf-8")
    raw = json.loads(text)
    cells: dict[str, CellSpec] = {}

    proactive_rows: list[Row] = []
    captions = []
    for block in raw["proactive"]["blocks"]:
        captions.append(block["caption"])
        for row in block["rows"]:
            ids = []
            for col in block["columns"]:
                cid = f"proactive.{row['id']}.{col['id']}"
                ids.append(cid)
                cells[cid] = CellSpec(
                    cid,
                    "proactive",
                    f"{block['caption']}/{row['label']}/{col['label']}",
                    decimal=col.get("decimal", False),
                    signed=col.get("signed", False),
                    unit=col.get("unit"),
                )
            proactive_rows.append(
                Row(
                    row["id"],
                    "proactive",
                    row["label"],
                    tuple(row["aliases"]),
                    tuple(ids),
                    caption=block["caption"],
                    column_labels=tuple(c["label"] for c in block["columns"]),
                )
            )

    req = raw["requests"]
    columns = [(c["id"], c["label"]) for c in req["columns"]]
    request_rows: list[Row] = []
    for row in req["rows"]:
        row_cells = tuple(f"requests.{row['id']}.{c}" for c, _ in columns)
        for (_column, clabel), cid in zip(columns, row_cells):
            cells[cid] = CellSpec(cid, "requests", f"{row['label']}/{clabel}")
        request_rows.append(
            Row(
                row["id"],
                "requests",
                row["label"],
                tuple(row["aliases"]),
                row_cells,
                group=row["group"],
                column_labels=tuple(label for _, label in columns),
            )
        )

    app = raw["appeals"]
    groups = [(g["id"], g["label"], g["path"]) for g in app["groups"]]
    app_cols = [(c["id"], c["label"]) for c in app["columns"]]
    for gid, _, path in groups:
        for c, clabel in app_cols:
            cid = f"appeals.{gid}.{c}"
            cells[cid] = CellSpec(cid, "appeals", f"{path}/{clabel}")

    return Format(
        id=raw["format"],
        name=raw["name"],
        document_no=raw["document_no"],
        applies_from_year=raw["applies_from_year"],
        source=raw["source"],
        sections=tuple(Section(s["no"], s["title"], tuple(s["keywords"])) for s in raw["sections"]),
        proactive_rows=tuple(proactive_rows),
        proactive_captions=tuple(captions),
        request_rows=tuple(request_rows),
        request_groups=tuple(Group(g["id"], g["label"], g["parent"]) for g in req["groups"]),
        request_columns=tuple(columns),
        request_note=req["note"],
        appeals_groups=tuple(groups),
        appeals_columns=tuple(app_cols),
        identities=_identities(raw, [r.id for r in request_rows], [c for c, _ in columns], [g for g, _, _ in groups]),
        table_sections={table: raw[table]["section"] for table in ("proactive", "requests", "appeals")},
        request_column_groups=tuple((g["label"], tuple(g["columns"])) for g in req.get("column_groups", ())),
        identity_codes={i["id"]: i["code"] for i in raw["identities"]},
        identity_sides={i["id"]: (i["sides"][0], i["sides"][1]) for i in raw["identities"]},
        cells=cells,
    )


def find_cell(cell_id: str, prefer: str = "2021") -> CellSpec | None:
    """A cell's spec in the preferred format, else in the other one (2019-only ids live only there)."""
    for format_id in (prefer, *(f for f in FORMAT_IDS if f != prefer)):
        spec = get_format(format_id).cells.get(cell_id)
        if spec is not None:
            return spec
    return None
