"""对比 `/reports/{key}/compare`: a body's report against its previous year's current version — the table cells
that differ, the carry-over per column (the cross check's own comparison, :func:`carry_over_findings`), and the
prose sections (一、五、六) with the passages repeated from last year's marked (:func:`repeated_spans`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection, select

from gongkai.analysis.crosscheck import NOT_ASSESSABLE, carry_over_findings, count_value, similarity
from gongkai.analysis.stored import cell_labels, cell_order
from gongkai.analysis.prose import PROSE_SECTIONS, repeated_spans
from gongkai.analysis.records import ReportRecord
from gongkai.checks.carry import carry_pairs, format_or_default
from gongkai.store import schema as t
from gongkai.store.cross import stored_records
from gongkai.store.versions import counted, report_key
from gongkai.web import auth, queries
from gongkai.web.pages import render

router = APIRouter()


@dataclass(frozen=True)
class CellDiff:
    cell_id: str
    table: str
    row: str | None
    column: str | None
    last: Any  # gold vocabulary: number, None (blank), "n/a", text; absent cells are ABSENT
    this: Any
    changed: bool


@dataclass(frozen=True)
class CarryColumn:
    column: str
    this_cell: str
    last_cell: str
    this: Any
    last: Any
    state: str  # 一致 | 不一致 | 无法比较
    message: str | None = None


@dataclass
class Passage:
    section: int
    heading: str
    parts: list[tuple[str, bool]]  # (text, repeated from last year)

    @property
    def repeated_chars(self) -> int:
        return sum(len(s) for s, r in self.parts if r)

    @property
    def chars(self) -> int:
        return sum(len(s) for s, _ in self.parts)


@dataclass
class Comparison:
    this_key: str
    last_key: str | None
    organization: str
    year: int | None
    others: list[str] = field(default_factory=list)  # further current reports of the previous year
    cells: list[CellDiff] = field(default_factory=list)
    carry: list[CarryColumn] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    similarity: float | None = None  # the DUPLICATE-CONTENT measure on the stored fingerprints

    @property
    def changed(self) -> int:
        return sum(c.changed for c in self.cells)


ABSENT = object()  # the cell is not in that report (its table or row was not found)


def _previous(conn: Connection, parse_id: int) -> tuple[Any, list]:
    """This parse's row and the current reports of the same body (same roll-up flag) in the year before."""
    p = t.parse.c
    this = conn.execute(
        select(p.id, p.organization_id, p.organization_printed, p.year, p.is_rollup, p.text, p.structure).where(
            p.id == parse_id
        )
    ).one()
    if this.year is None:
        return this, []
    body = (
        p.organization_id == this.organization_id
        if this.organization_id is not None
        else (p.organization_id.is_(None) & (p.organization_printed == this.organization_printed))
    )
    last = conn.execute(
        select(p.id, t.document.c.sha256, p.text, p.structure)
        .select_from(t.parse.join(t.document, t.document.c.id == p.document_id))
        .where(counted(), p.status == "ok", body, p.year == this.year - 1, p.is_rollup == this.is_rollup)
        .order_by(t.document.c.sha256)
    ).all()
    return this, list(last)


def _sections(text: str | None, structure: dict | None) -> dict[int, tuple[str, str]]:
    """Standard section number → (heading, body) for the prose sections: the lines after the heading up to the
    next heading, split at "\\n" (the stretch :func:`gongkai.analysis.prose.prose_text` fingerprints)."""
    if not text or not structure:
        return {}
    lines = text.split("\n")
    secs = sorted(
        (s for s in structure.get("sections") or [] if (s.get("position") or {}).get("line")),
        key=lambda s: s["position"]["line"],
    )
    out: dict[int, tuple[str, str]] = {}
    for i, s in enumerate(secs):
        if s.get("standard") not in PROSE_SECTIONS or s["standard"] in out:
            continue
        end = secs[i + 1]["position"]["line"] - 1 if i + 1 < len(secs) else len(lines)
        out[s["standard"]] = (s.get("heading") or "", "\n".join(lines[s["position"]["line"] : end]))
    return out


def _marked(text: str, other: str) -> list[tuple[str, bool]]:
    parts, at = [], 0
    for start, end in repeated_spans(text, other):
        if start > at:
            parts.append((text[at:start], False))
        parts.append((text[start:end], True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return parts


def _carry(this: ReportRecord, last: ReportRecord) -> list[CarryColumn]:
    mismatched = {f.evidence.cells[0].id: f.message for f in carry_over_findings(this, last)}
    out = []
    pairs = carry_pairs(format_or_default(this.format, this.year).id, format_or_default(last.format, last.year).id)
    for pair in pairs:
        mine, prev = this.cells.get(pair.this_cell, ABSENT), last.cells.get(pair.last_cell, ABSENT)
        if pair.this_cell in mismatched:
            state = "不一致"
        elif ABSENT in (mine, prev) or NOT_ASSESSABLE in (
            count_value(mine) if mine is not ABSENT else None,
            count_value(prev) if prev is not ABSENT else None,
        ):
            state = "无法比较"
        else:
            state = "一致"
        out.append(
            CarryColumn(
                pair.column_label, pair.this_cell, pair.last_cell, mine, prev, state, mismatched.get(pair.this_cell)
            )
        )
    return out


def compare(conn: Connection, key: str, org_ids: set[int] | None) -> Comparison | None:
    """None when the report is unknown or outside ``org_ids``."""
    detail = queries.report_detail(conn, key, org_ids)
    if detail is None:
        return None
    stored = queries.stored_file(conn, key, org_ids)
    if stored is None:  # the report was just found: only a withdrawal in between gets here
        return None
    sha = stored.sha256
    parse_id: int = conn.execute(
        select(t.parse.c.id)
        .join(t.document, t.document.c.id == t.parse.c.document_id)
        .where(t.document.c.sha256 == sha, t.parse.c.is_current)
    ).scalar_one()
    this_row, last_rows = _previous(conn, parse_id)
    out = Comparison(detail.row.key, None, detail.row.organization or "", detail.row.year)
    if not last_rows:
        return out
    last_row = last_rows[0]
    out.last_key = report_key(last_row.sha256)
    out.others = [report_key(r.sha256) for r in last_rows[1:]]
    records = stored_records(conn, [parse_id, last_row.id])
    this, last = records[parse_id], records[last_row.id]
    order = cell_order()
    for cid in sorted(set(this.cells) | set(last.cells), key=lambda c: (order.get(c, len(order)), c)):
        a, b = last.cells.get(cid, ABSENT), this.cells.get(cid, ABSENT)
        table, row, column = cell_labels(cid, this.format)
        out.cells.append(CellDiff(cid, table, row, column, a, b, not _same(a, b)))
    out.carry = _carry(this, last)
    mine, prev = _sections(this_row.text, this_row.structure), _sections(last_row.text, last_row.structure)
    last_prose = "\n".join(body for _, body in prev.values())  # text moved between sections is still repeated
    for no in PROSE_SECTIONS:
        if no in mine:
            heading, body = mine[no]
            out.passages.append(Passage(no, heading, _marked(body, last_prose)))
    out.similarity = similarity(this.prose, last.prose)
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 1e-9
    return a == b


def shown(value: Any) -> str:
    if value is ABSENT:
        return "（无此单元格）"
    if value is None:
        return "（空白）"
    if value == "n/a":
        return "/"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@router.get("/reports/{key}/compare", response_class=HTMLResponse)
def compare_page(request: Request, key: str, all: bool = False):
    with request.app.state.store.engine.connect() as conn:
        result = compare(conn, key, queries.region_org_ids(conn, auth.region_of(request.state.user)))
    if result is None:
        return render(request, "missing.html", status_code=404, key=key)
    return render(request, "compare.html", c=result, shown=shown, show_all=all)
