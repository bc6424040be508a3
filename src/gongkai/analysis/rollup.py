"""A region's 汇总 (roll-up) report pre-filled from its members' stored reports: tables 三 and 四 summed, table 二
only where every member with a report states the cell (a row that adds up), the members without a report listed,
and every pre-filled cell's origin kept (which reports it sums)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.analysis.stored import Registry, Selection, StoredReport, iter_reports, load_registry, resolve
from gongkai.errors import NotFound
from gongkai.standard import get_format
from gongkai.standard.labels import int_if_whole


@dataclass
class RollupMember:
    org_id: int
    name: str
    reports: list[StoredReport] = field(default_factory=list)


@dataclass
class Rollup:
    region: str
    year: int
    format_id: str
    values: dict[str, float] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)  # cell id → members summed into it
    unstated: dict[str, list[str]] = field(default_factory=dict)  # cell id → members whose report leaves it empty
    without_report: list[str] = field(default_factory=list)
    several_reports: list[str] = field(default_factory=list)  # not summed: which one counts is not ours to guess


def member_reports(
    conn, region: str, year: int, *, with_cells: bool = True, registry: Registry | None = None
) -> tuple[str, list[RollupMember]]:
    """The region's registered name and its direct members with their stored reports of ``year`` (without
    their cells when only who reported matters).

    The one place members' reports are read (so that it can be restricted to current versions)."""
    from gongkai.store.orgs import members

    reg = registry if registry is not None else load_registry(conn)
    roots = sorted(reg.by_name.get(region.strip(), ()))
    if len(roots) != 1:
        raise NotFound(f"机关名录中没有“{region}”或有重名，无法确定其下属机关（可用 gongkai orgs 查看名录）")
    out = [RollupMember(m.id, m.name) for m in members(conn, roots[0])]
    by_id = {m.org_id: m for m in out}
    scope = resolve(conn, Selection(region=region, year=year), reg)
    for rep in iter_reports(conn, scope, with_cells=with_cells):
        m = by_id.get(rep.organization_id) if rep.organization_id is not None else None
        if m is not None and not rep.is_rollup:
            m.reports.append(rep)
    return reg.names[roots[0]], out


def build_rollup(conn, region: str, year: int, format_id: str = "2021") -> Rollup:
    name, members = member_reports(conn, region, year)
    fmt = get_format(format_id)
    r = Rollup(name, year, format_id)
    counted: list[tuple[str, dict[str, float | None]]] = []
    for m in members:
        if not m.reports:
            r.without_report.append(m.name)
        elif len(m.reports) > 1:
            r.several_reports.append(m.name)
        else:
            counted.append((m.name, {c.cell_id: c.value for c in m.reports[0].cells}))
    if not counted:
        return r
    for cid, spec in fmt.cells.items():
        stated = [(n, x) for n, v in counted if (x := v.get(cid)) is not None]
        missing = [n for n, v in counted if v.get(cid) is None]
        if not stated or (spec.table == "proactive" and missing):
            continue
        total = sum(float(v) for _, v in stated)
        r.values[cid] = round(total, 4) if spec.decimal else total
        r.sources[cid] = [n for n, _ in stated]
        if missing:
            r.unstated[cid] = missing
    return r


ORIGIN_SHEET = "汇总来源"


def write_rollup_xlsx(r: Rollup, path) -> None:
    """The template of ``gongkai template`` with the roll-up pre-filled (origin ``rollup``) and a side sheet
    汇总来源: each pre-filled cell's place, value and the members summed; members without a report."""
    import openpyxl

    from gongkai.forms import ReportForm
    from gongkai.forms.xlsx import CELLS_SHEET, write_xlsx_template

    form = ReportForm(organization=r.region, year=r.year, format_id=r.format_id, body_kind="government", is_rollup=True)
    form.values = {cid: int_if_whole(float(v)) for cid, v in r.values.items()}
    form.origins = {cid: "rollup" for cid in r.values}
    write_xlsx_template(path, r.year, r.format_id, form)
    wb = openpyxl.load_workbook(path)
    places = {row[0]: row[1] for row in wb[CELLS_SHEET].iter_rows(min_row=2, values_only=True) if row and row[0]}
    ws = wb.create_sheet(ORIGIN_SHEET)
    ws.append(["单元格编号", "位置", "汇总值", "计入的成员（报告）", "报告中未填的成员"])
    for cid, _v in r.values.items():
        ws.append(
            [cid, places.get(cid, ""), form.values[cid], "、".join(r.sources[cid]), "、".join(r.unstated.get(cid, []))]
        )
    ws.append([])
    ws.append(["没有该年度报告的成员", "、".join(r.without_report) or "（无）"])
    if r.several_reports:
        ws.append(["有多份报告、未计入的成员", "、".join(r.several_reports)])
    ws.freeze_panes = "A2"
    wb.save(path)
