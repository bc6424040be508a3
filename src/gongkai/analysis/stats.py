"""Sums and rates over stored reports, per year or per body (`gongkai stats`).

Figures come from the current ``ok`` parses: each cell's stated value, else the value the identities
infer; a blank or "/" cell counts 0; a cell neither usable nor inferable (text, unreadable, missing)
counts 0 and marks the report incomplete (counted in ``reports_incomplete``).

Cell ids are read from the 2021 format. The cells used here have the same ids in the 2019 format, so
2019-format reports are summed alike; only the fee amount (第二十条第（八）项, 万元) has no 2019 counterpart,
so 2019-format reports are left out of the fee sum (``fee_reports`` says how many were summed).

Roll-up reports (a government's report that includes its departments) would count the members twice in a
region, so they are left out by default (``rollups="excluded"``); ``"included"`` counts them with the others,
``"only"`` counts only roll-ups.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from gongkai.analysis.stored import Registry, Scope, Selection, resolve
from gongkai.store.figures import FEE_CELL, _Ids, cell_ids, usable_value


def _rate(num: float, den: float) -> float | None:
    return num / den if den else None


@dataclass(frozen=True)
class AppealStats:
    """行政复议 or 行政诉讼 cases: 结果维持, 结果纠正, 其他结果, 尚未审结, 总计."""

    upheld: float = 0
    corrected: float = 0
    other: float = 0
    pending: float = 0
    total: float = 0

    @property
    def decided(self) -> float:
        return self.total - self.pending

    @property
    def correction_rate(self) -> float | None:
        """纠正率 = 结果纠正 ÷ (总计 − 尚未审结); None when nothing was decided."""
        return _rate(self.corrected, self.decided)

    def __add__(self, other: AppealStats) -> AppealStats:
        return AppealStats(
            self.upheld + other.upheld,
            self.corrected + other.corrected,
            self.other + other.other,
            self.pending + other.pending,
            self.total + other.total,
        )

    def to_dict(self) -> dict:
        return {**asdict(self), "correction_rate": self.correction_rate}


@dataclass(frozen=True)
class StatsRow:
    key: str  # the year, or the body's name
    reports: int = 0
    reports_2019: int = 0  # of which in the 2019 format
    reports_incomplete: int = 0  # with a needed cell neither usable nor inferable (counted 0)
    bodies_without_report: int | None = None  # bodies of the selected region with no report (None: no region)
    bodies_missing: tuple[str, ...] = ()
    received: float = 0  # 本年新收
    carried_over: float = 0  # 上年结转
    results_total: float = 0  # 办理结果总计
    carried_forward: float = 0  # 结转下年度继续办理
    granted: float = 0  # 予以公开
    partially_granted: float = 0  # 部分公开
    withheld: float = 0  # 不予公开 (the eight reasons together)
    review: AppealStats = field(default_factory=AppealStats)
    litigation_direct: AppealStats = field(default_factory=AppealStats)
    litigation_after_review: AppealStats = field(default_factory=AppealStats)
    fees: float = 0  # 行政事业性收费 amount, 万元 (2021 format only)
    fee_reports: int = 0  # reports whose fee amount was summed

    @property
    def litigation(self) -> AppealStats:
        return self.litigation_direct + self.litigation_after_review

    @property
    def granted_share(self) -> float | None:
        return _rate(self.granted, self.results_total)

    @property
    def partially_granted_share(self) -> float | None:
        return _rate(self.partially_granted, self.results_total)

    @property
    def withheld_share(self) -> float | None:
        return _rate(self.withheld, self.results_total)

    def to_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if not isinstance(v, dict)}
        d["bodies_missing"] = list(self.bodies_missing)
        d["fees"] = round(self.fees, 4)
        d.update(
            granted_share=self.granted_share,
            partially_granted_share=self.partially_granted_share,
            withheld_share=self.withheld_share,
        )
        for name in ("review", "litigation_direct", "litigation_after_review", "litigation"):
            d[name] = getattr(self, name).to_dict()
        return d


@dataclass(frozen=True)
class StatsResult:
    by: str  # year | org
    rollups: str  # excluded | included | only
    skipped: int  # reports not counted because of the roll-up choice
    rows: tuple[StatsRow, ...]
    total: StatsRow
    region: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def caption(self) -> str:
        if self.rollups == "only":
            what = "只统计汇总报告"
            skip = f"（另有 {self.skipped} 份本级报告未计入）" if self.skipped else ""
        elif self.rollups == "included":
            what, skip = "含汇总报告（汇总报告与其成员机关的报告可能重复计算）", ""
        else:
            what = "不含汇总报告（汇总报告与其成员机关的报告会重复计算）"
            skip = f"：{self.skipped} 份汇总报告未计入" if self.skipped else ""
        return what + skip

    def to_dict(self) -> dict:
        return {
            "by": self.by,
            "rollups": self.rollups,
            "skipped": self.skipped,
            "region": self.region,
            "caption": self.caption,
            "notes": list(self.notes),
            "rows": [r.to_dict() for r in self.rows],
            "total": self.total.to_dict(),
        }


@dataclass
class _Part:
    """Reports added up in the database: how many, and each needed cell's sum (a cell counted 0 where it is
    not usable; the fee cell summed over 2021-format reports only)."""

    reports: int = 0
    reports_2019: int = 0
    reports_incomplete: int = 0
    fee_reports: int = 0
    sums: dict[str, float] = field(default_factory=lambda: defaultdict(float))


# Sums are rounded to this many decimals. The database adds floats in the order their rows lie on disk, and a
# different order can change the last binary digit of a sum of amounts (fees in 万元, stated to a few decimals):
# rounded, the same reports give the same numbers whatever wrote them and in what order.
SUM_DECIMALS = 6


class _Acc:
    """Running sums for one row (mutable while counting, frozen into a StatsRow at the end)."""

    def __init__(self) -> None:
        self.n: dict[str, float] = defaultdict(float)
        self.appeals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def add(self, part: _Part, ids: _Ids) -> None:
        def get(cid: str) -> float:
            return float(part.sums.get(cid, 0.0))

        for name in ("reports", "reports_2019", "reports_incomplete"):
            self.n[name] += getattr(part, name)
        if part.fee_reports:
            self.n["fee_reports"] += part.fee_reports
        for name in ("received", "carried_over", "results_total", "carried_forward", "granted", "partially_granted"):
            self.n[name] += get(getattr(ids, name))
        self.n["withheld"] += sum(get(c) for c in ids.withheld)
        for group, cols in ids.appeals.items():
            for col, cid in cols.items():
                self.appeals[group][col] += get(cid)
        if part.fee_reports:  # only 2019-format reports: no fee figure at all
            self.n["fees"] += get(FEE_CELL)

    def freeze(self, key: str, **extra: Any) -> StatsRow:
        ints = ("reports", "reports_2019", "reports_incomplete", "fee_reports")
        nums: dict[str, Any] = {k: (int(v) if k in ints else round(v, SUM_DECIMALS)) for k, v in self.n.items()}
        appeals: dict[str, Any] = {
            g: AppealStats(**{c: round(v, SUM_DECIMALS) for c, v in cols.items()}) for g, cols in self.appeals.items()
        }
        return StatsRow(key=key, **nums, **appeals, **extra)


def _group_column(by: str):
    from sqlalchemy import func

    from gongkai.store.schema import organization, parse

    return parse.c.year if by == "year" else func.coalesce(organization.c.name, parse.c.organization_printed)


def _group_key(by: str, raw) -> str:
    if by == "year":
        return str(raw) if raw is not None else "未知年度"
    return raw or "（未知机关）"


def _parts(conn, scope: Scope, by: str, rollups: str, ids: _Ids, figures=None):
    """(parts by row key, bodies with any report by year, reports skipped by the roll-up choice): the
    reports' cells are summed in the database, never loaded."""
    from sqlalchemy import case, func, select

    from gongkai.store.schema import organization, parse, stats_figure

    needed = ids.all()
    fig = stats_figure if figures is None else figures  # written at ingest by store.figures.usable_value
    source = parse.outerjoin(organization, parse.c.organization_id == organization.c.id)
    group = _group_column(by)
    # each report's usable needed cells, the fee cell apart (the 2019 format has none)
    usable_ok = conn.execute(
        select(
            fig.c.parse_id,
            func.count(case((fig.c.figure != FEE_CELL, fig.c.value))),
            func.count(case((fig.c.figure == FEE_CELL, fig.c.value))),
        )
        .select_from(fig.join(parse, fig.c.parse_id == parse.c.id))
        .where(*scope.conditions, fig.c.figure.in_(needed))
        .group_by(fig.c.parse_id)
    ).all()
    ok = {pid: n for pid, n, _ in usable_ok}
    fee_ok = {pid for pid, _, fee in usable_ok if fee}
    n_needed = len(needed) - 1
    parts: dict[str, _Part] = {}
    present: dict[int | None, set[int]] = defaultdict(set)
    skipped = 0
    rows = conn.execute(
        select(parse.c.id, parse.c.year, parse.c.organization_id, parse.c.format, parse.c.is_rollup, group.label("grp"))
        .select_from(source)
        .where(*scope.conditions)
    )
    for r in rows:
        if r.organization_id is not None:
            present[r.year].add(r.organization_id)
        if rollups != "included" and bool(r.is_rollup) != (rollups == "only"):
            skipped += 1
            continue
        part = parts.setdefault(_group_key(by, r.grp), _Part())
        part.reports += 1
        part.reports_2019 += r.format == "2019"
        part.fee_reports += r.format != "2019"
        part.reports_incomplete += ok.get(r.id, 0) < n_needed or (r.format != "2019" and r.id not in fee_ok)
    counted_rows = (
        []
        if rollups == "included"
        else [parse.c.is_rollup.is_(True) if rollups == "only" else parse.c.is_rollup.is_(False)]
    )
    is_2019 = func.coalesce(parse.c.format == "2019", False)
    sums = conn.execute(
        select(group.label("grp"), is_2019.label("f2019"), fig.c.figure, func.sum(func.coalesce(fig.c.value, 0.0)))
        .select_from(fig.join(source, fig.c.parse_id == parse.c.id))
        .where(*scope.conditions, *counted_rows, fig.c.figure.in_(needed))
        .group_by(group, is_2019, fig.c.figure)
    )
    for grp, f2019, cid, total in sums:
        if cid == FEE_CELL and f2019:
            continue
        parts[_group_key(by, grp)].sums[cid] += float(total or 0.0)
    return parts, present, skipped


ROLLUP_MODES = ("excluded", "included", "only")


def compute_stats(
    conn,
    selection: Selection | None = None,
    *,
    by: str = "year",
    rollups: str = "excluded",
    registry: Registry | None = None,
    figures=None,
) -> StatsResult:
    """Sums and rates of the selected reports per year (``by="year"``) or per body (``by="org"``); roll-up
    reports ``rollups`` = excluded (default) | included | only. ``figures``: where the figures are read (columns
    parse_id, figure, value; default the ``stats_figure`` table stored at ingest — a test passes
    :func:`gongkai.store.figures.cell_figures`, the same rule over every cell)."""
    if by not in ("year", "org"):
        raise ValueError(by)
    if rollups not in ROLLUP_MODES:
        raise ValueError(rollups)
    selection = selection or Selection()
    ids = cell_ids()
    scope: Scope = resolve(conn, selection, registry)
    parts, present, skipped = _parts(conn, scope, by, rollups, ids, figures)
    accs: dict[str, _Acc] = {}
    total = _Acc()
    for key, part in parts.items():
        accs.setdefault(key, _Acc()).add(part, ids)
        total.add(part, ids)

    names = scope.registry.names
    bodies = set(scope.bodies) if scope.bodies is not None and selection.region is not None else None
    rows: list[StatsRow] = []
    if by == "year":
        keys = sorted(accs, key=lambda k: (not k.isdigit(), k))
        if selection.year is not None and str(selection.year) not in keys:
            keys.append(str(selection.year))
        if bodies is not None:  # a year in which only roll-ups or nothing was counted still shows its gaps
            keys += sorted({str(y) for y in present if y is not None} - set(keys))
        for key in keys:
            extra = {}
            if bodies is not None:
                missing = bodies - present.get(int(key) if key.isdigit() else None, set())
                extra = {
                    "bodies_without_report": len(missing),
                    "bodies_missing": tuple(sorted(names[b] for b in missing)),
                }
            rows.append(accs.get(key, _Acc()).freeze(key, **extra))
        total_extra = {}
        if bodies is not None and len(keys) == 1:
            total_extra = {
                "bodies_without_report": rows[0].bodies_without_report,
                "bodies_missing": rows[0].bodies_missing,
            }
    else:
        if bodies is not None:  # every body of the region has a row, reported or not
            for b in bodies:
                accs.setdefault(names[b], _Acc())
        rows = [accs[k].freeze(k) for k in sorted(accs)]
        total_extra = {}
        if bodies is not None:
            reported = set().union(*present.values()) if present else set()
            missing = bodies - reported
            total_extra = {
                "bodies_without_report": len(missing),
                "bodies_missing": tuple(sorted(names[b] for b in missing)),
            }
    total_row = total.freeze("合计", **total_extra)
    notes = []
    if total_row.reports_2019:
        notes.append(
            f"其中 {total_row.reports_2019} 份为 2019 年版格式：各项按相同的单元格计入；"
            "2019 年版没有“行政事业性收费金额”，这些报告不计入收费合计"
        )
    if total_row.reports_incomplete:
        notes.append(f"{total_row.reports_incomplete} 份报告有单元格既未填数值也无法推算（如文字、无法识别），按 0 计")
    return StatsResult(
        by=by,
        rollups=rollups,
        skipped=skipped,
        rows=tuple(rows),
        total=total_row,
        region=selection.region,
        notes=tuple(notes),
    )


__all__ = [
    "FEE_CELL",
    "ROLLUP_MODES",
    "AppealStats",
    "StatsResult",
    "StatsRow",
    "cell_ids",
    "compute_stats",
    "usable_value",
]
