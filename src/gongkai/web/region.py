"""区域: for a region (a registered body) and a year, the matrix of its bodies — 已报/未报/逾期/汇总/待复核/有错误 —,
the roll-up state (已汇总 28/30, ROLLUP-MISMATCH) and the key figures over years (`stats`, drawn by ECharts when
JavaScript runs, always as a table).

Nothing here decides a rule: members and their reports come from :func:`gongkai.analysis.rollup.member_reports`,
lateness and roll-up mismatches are the stored cross findings, the figures are :func:`compute_stats`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Connection, select

from gongkai.analysis.stored import Registry, Scope, Selection, StoredReport, iter_reports, load_registry, resolve
from gongkai.errors import NotFound
from gongkai.analysis.rollup import member_reports
from gongkai.analysis.stats import compute_stats
from gongkai.store import schema as t
from gongkai.store.versions import report_key
from gongkai.web import auth, queries
from gongkai.web.pages import render

router = APIRouter()

# (label, how to read it from a StatsRow) for the chart and its table
FIGURES: tuple[tuple[str, str], ...] = (
    ("本年新收申请", "received"),
    ("办理结果总计", "results_total"),
    ("予以公开", "granted"),
    ("不予公开", "withheld"),
    ("行政复议", "review.total"),
    ("行政诉讼", "litigation.total"),
)


@dataclass(frozen=True)
class ReportCell:
    key: str
    is_rollup: bool
    source: str | None


@dataclass
class BodyRow:
    """One body's line of the matrix. ``None`` in a state means unknown ("—")."""

    name: str
    org_id: int
    registered: bool  # in the registry (an ``auto`` body met only in a report is not expected by anyone)
    has_members: bool
    is_region: bool = False  # the region's own body (its report is the roll-up)
    reports: list[ReportCell] = field(default_factory=list)
    late: bool | None = None
    pending: int = 0
    errors: int = 0

    @property
    def reported(self) -> bool:
        return bool(self.reports)

    @property
    def missing(self) -> bool | None:
        """未报: only where the registry says the body should report."""
        if self.reports:
            return False
        return True if self.registered else None

    @property
    def rollup(self) -> bool:
        return any(r.is_rollup for r in self.reports)


@dataclass
class RollupState:
    members: int  # the region's direct members (as the roll-up check counts them)
    with_report: int
    rollup_keys: list[str]  # the region's own roll-up report(s) of the year
    mismatches: int  # stored ROLLUP-MISMATCH findings on them
    incomplete: bool


@dataclass
class RegionMatrix:
    region: str
    region_id: int
    year: int
    years: list[int]
    rows: list[BodyRow]
    expected: int | None  # bodies the registry expects to report; None: no registry says
    rollup: RollupState | None


class Forbidden(Exception):
    """The user's region does not include the requested one."""


def region_id(conn: Connection, region: str, registry: Registry | None = None) -> int:
    """The one registered body called ``region`` (name or alias); NotFound otherwise."""
    reg = registry if registry is not None else load_registry(conn)
    ids = sorted(reg.by_name.get(region.strip(), ()))
    if len(ids) != 1:
        raise NotFound(f"机关名录中没有“{region}”或有重名")
    return ids[0]


def check_access(conn: Connection, user, root: int) -> None:
    allowed = queries.region_org_ids(conn, auth.region_of(user))
    if allowed is not None and root not in allowed:
        raise Forbidden(root)


def _counts(rep: StoredReport) -> tuple[int, int, bool]:
    """(errors not dismissed, error/warning findings not yet reviewed, has a LATE-PUBLICATION finding)."""
    every = [*rep.findings, *rep.cross_findings]
    errors = sum(f["severity"] == "error" and (f["review"] or {}).get("decision") != "dismissed" for f in every)
    pending = sum(f["severity"] in ("error", "warning") and f["review"] is None for f in every)
    late = any(f["code"] == "LATE-PUBLICATION" for f in rep.cross_findings)
    return errors, pending, late


def region_matrix(conn: Connection, region: str, year: int, registry: Registry | None = None) -> RegionMatrix:
    """``registry``: the one this request already read (read here otherwise)."""
    reg = registry if registry is not None else load_registry(conn)
    root = region_id(conn, region, reg)
    # who reported is all the matrix needs of the members' reports: their cells are never read
    name, members = member_reports(conn, region, year, with_cells=False, registry=reg)
    o = t.organization
    ids = [root, *(m.org_id for m in members)]
    info = {r.id: r for r in conn.execute(select(o.c.id, o.c.source).where(o.c.id.in_(ids)))}
    parents: set[int] = set(conn.execute(select(o.c.parent_id).distinct().where(o.c.parent_id.in_(ids))).scalars())
    rows = {
        oid: BodyRow(n, oid, info[oid].source == "registry", oid in parents, is_region=oid == root)
        for oid, n in [(root, name), *((m.org_id, m.name) for m in members)]
    }
    late_known: dict[int, list[bool | None]] = {}
    rollup_keys: list[str] = []
    mismatches = 0
    incomplete = False
    for rep in _reports(conn, ids, year, reg):
        row = rows.get(rep.organization_id)
        if row is None:
            continue
        errors, pending, late = _counts(rep)
        row.reports.append(ReportCell(report_key(rep.report_key), rep.is_rollup, rep.source))
        row.errors += errors
        row.pending += pending
        late_known.setdefault(row.org_id, []).append(True if late else (None if rep.published is None else False))
        if row.is_region and rep.is_rollup:
            rollup_keys.append(report_key(rep.report_key))
            mismatches += sum(f["code"] == "ROLLUP-MISMATCH" for f in rep.cross_findings)
            incomplete |= any(f["code"] == "ROLLUP-INCOMPLETE" for f in rep.cross_findings)
    for oid, states in late_known.items():
        rows[oid].late = True if True in states else (None if None in states else False)
    ordered = [rows[root], *(rows[m.org_id] for m in members)]
    # bodies the registry expects a report from; None when the region has no registered member
    expected = sum(r.registered for r in ordered) if any(r.registered for r in ordered[1:]) else None
    rollup = None
    if members and expected is not None:  # without registered members nobody says what the roll-up must hold
        rollup = RollupState(len(members), sum(bool(m.reports) for m in members), rollup_keys, mismatches, incomplete)
    return RegionMatrix(name, root, year, _years(conn, name, reg), ordered, expected, rollup)


def _reports(conn: Connection, org_ids: list[int], year: int, registry: Registry):
    """The counted reports of the given bodies in ``year``, with their own and cross findings as the matrix
    counts them (code, severity, review decision: :func:`_marks`)."""
    scope = resolve(conn, Selection(year=year), registry)
    scope = Scope(scope.conditions + (t.parse.c.organization_id.in_(org_ids),), None, scope.registry)
    reports = list(iter_reports(conn, scope, with_cells=False))
    marks = _marks(conn, [r.parse_id for r in reports])
    for rep in reports:
        rep.findings, rep.cross_findings = marks[rep.parse_id]
    return reports


_CHUNK = 500  # parse ids per IN list


def _marks(conn: Connection, parse_ids: list[int]) -> dict[int, tuple[list[dict], list[dict]]]:
    """Per report, its own and its cross findings with only what :func:`_counts` reads — the code, the
    severity and the review decision, joined as every findings list joins it (document hash + fingerprint) —
    never the evidence, which is most of a finding's bytes."""
    from sqlalchemy import and_

    out: dict[int, tuple[list[dict], list[dict]]] = {pid: ([], []) for pid in parse_ids}
    for i, table in enumerate((t.finding, t.cross_finding)):
        f = table.c
        for start in range(0, len(parse_ids), _CHUNK):
            q = (
                select(f.parse_id, f.code, f.severity, t.review.c.decision)
                .select_from(
                    table.join(t.parse, t.parse.c.id == f.parse_id)
                    .join(t.document, t.document.c.id == t.parse.c.document_id)
                    .outerjoin(
                        t.review,
                        and_(
                            t.review.c.document_sha256 == t.document.c.sha256, t.review.c.fingerprint == f.fingerprint
                        ),
                    )
                )
                .where(f.parse_id.in_(parse_ids[start : start + _CHUNK]))
            )
            rows: Any = conn.execute(q)  # Row[object, ...] over the untyped schema
            for pid, code, severity, decision in rows:
                out[pid][i].append(
                    {"code": code, "severity": severity, "review": None if decision is None else {"decision": decision}}
                )
    return out


def _years(conn: Connection, region: str, registry: Registry | None = None) -> list[int]:
    scope = resolve(conn, Selection(region=region), registry)
    years: list[int | None] = list(conn.execute(select(t.parse.c.year).distinct().where(*scope.conditions)).scalars())
    return sorted(y for y in years if y is not None)


# ------------------------------------------------------------------------------------------------ figures


def _figure(row, path: str) -> float:
    value = row
    for part in path.split("."):
        value = getattr(value, part)
    return value


@dataclass
class Figures:
    years: list[str]
    series: list[tuple[str, list[float]]]  # label, value per year
    reports: list[int]
    caption: str
    notes: list[str]

    def chart_option(self) -> dict:
        """The ECharts option (plain data: labels are ours, never text from a document)."""
        return {
            "animation": False,
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 60, "right": 20, "top": 40, "bottom": 30},
            "xAxis": {"type": "category", "data": self.years},
            "yAxis": {"type": "value"},
            "series": [{"name": label, "type": "line", "data": values} for label, values in self.series],
        }


def region_figures(conn: Connection, region: str, registry: Registry | None = None) -> Figures:
    """Key figures per year of the region's reports (its members and everything below; roll-ups left out, as
    `gongkai stats --region` counts them)."""
    result = compute_stats(conn, Selection(region=region), by="year", registry=registry)
    rows = [r for r in result.rows if r.key.isdigit()]
    series = [(label, [_number(_figure(r, path)) for r in rows]) for label, path in FIGURES]
    return Figures([r.key for r in rows], series, [r.reports for r in rows], result.caption, list(result.notes))


def _number(v: float) -> float | int:
    return int(v) if float(v).is_integer() else round(v, 4)


# ------------------------------------------------------------------------------------------------ pages


def _denied() -> HTMLResponse:
    return HTMLResponse("[E-WEB-REGION] 无权查看该区域", status_code=403)


@router.get("/regions", response_class=HTMLResponse)
def regions(request: Request):
    """The bodies that have members (a region to open), within the user's region."""
    o = t.organization
    with request.app.state.store.engine.connect() as conn:
        allowed = queries.region_org_ids(conn, auth.region_of(request.state.user))
        parent_ids = select(o.c.parent_id).distinct().where(o.c.parent_id.is_not(None))
        found = conn.execute(select(o.c.id, o.c.name).where(o.c.id.in_(parent_ids)).order_by(o.c.name)).all()
        years = conn.execute(select(t.parse.c.year).distinct().where(t.parse.c.year.is_not(None))).scalars().all()
    latest = max(years, default=None)
    shown = [(name, latest) for oid, name in found if allowed is None or oid in allowed]
    return render(request, "regions.html", regions=shown)


@router.get("/regions/{region}", response_class=HTMLResponse)
def region_latest(request: Request, region: str):
    with request.app.state.store.engine.connect() as conn:
        reg = load_registry(conn)
        try:
            check_access(conn, request.state.user, region_id(conn, region, reg))
        except NotFound as exc:
            return render(request, "region_missing.html", status_code=404, message=str(exc))
        except Forbidden:
            return _denied()
        years = _years(conn, region, reg)
    if not years:
        return render(request, "region_missing.html", status_code=404, message=f"{region}：没有报告")
    from urllib.parse import quote

    return RedirectResponse(f"/regions/{quote(region)}/{years[-1]}", status_code=303)


@router.get("/regions/{region}/{year}", response_class=HTMLResponse)
def region_page(request: Request, region: str, year: int):
    with request.app.state.store.engine.connect() as conn:
        reg = load_registry(conn)  # once per request
        try:
            check_access(conn, request.state.user, region_id(conn, region, reg))
            matrix = region_matrix(conn, region, year, reg)
        except NotFound as exc:
            return render(request, "region_missing.html", status_code=404, message=str(exc))
        except Forbidden:
            return _denied()
        figures = region_figures(conn, matrix.region, reg)
    return render(request, "region.html", m=matrix, fig=figures, option=figures.chart_option())


@router.get("/api/v1/regions/{region}/{year}")
def api_region(request: Request, region: str, year: int):
    """The 区域 matrix as JSON: each body's state (null where unknown) and the roll-up state."""
    from fastapi import HTTPException

    with request.app.state.store.engine.connect() as conn:
        reg = load_registry(conn)
        try:
            check_access(conn, request.state.user, region_id(conn, region, reg))
            m = region_matrix(conn, region, year, reg)
        except NotFound as exc:
            raise HTTPException(404, f"[E-WEB-404] {exc.message}") from None
        except Forbidden:
            raise HTTPException(403, "[E-WEB-REGION] 无权查看该区域") from None
    bodies = [
        {
            "name": r.name,
            "registered": r.registered,
            "is_region": r.is_region,
            "reported": r.reported,
            "missing": r.missing,
            "late": r.late if r.reported else None,
            "rollup": r.rollup,
            "pending": r.pending,
            "errors": r.errors,
            "reports": [c.key for c in r.reports],
        }
        for r in m.rows
    ]
    rollup = (
        None
        if m.rollup is None
        else {
            "members": m.rollup.members,
            "with_report": m.rollup.with_report,
            "reports": m.rollup.rollup_keys,
            "rollup_mismatch": m.rollup.mismatches,
            "incomplete": m.rollup.incomplete,
        }
    )
    return {
        "region": m.region,
        "year": m.year,
        "years": m.years,
        "expected": m.expected,
        "rollup": rollup,
        "bodies": bodies,
    }
