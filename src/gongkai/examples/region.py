"""A generated district: one city government, one district government and its member bodies over several years,
with cross-report errors planted where we know exactly what the cross-report checks must find.

Every member body reports every year; the district government publishes one roll-up report a year whose
request and appeal tables are the sums of its members' tables. Each body's 上年结转 equals its previous year's
结转下年度继续办理 column by column, every report's own identities hold, every report has its own prose
(sections 一/五/六) and is published before its deadline. With ``plant`` (the default) the region also holds:

* 3 carry-over mismatches in member reports (+d on 上年结转 of one applicant column, balanced inside the report
  by +d on 予以公开 and the results total): two columns differ each (the applicant column and 总计). The error
  propagates into the district's roll-up (its 上年结转 is the sum of its members'), so the roll-up shows the
  same carry-over mismatch in that year: both are expected, as the rules report both.
* 2 roll-up mismatches (the roll-up states other values than the sum, its own identities kept): one in the
  request table (6 cells), one in the appeal table (2 cells), in years other than the last;
* 2 late publications (a department after 1月31日, the roll-up government after 3月31日);
* 1 duplicate: a department's last-year prose copied from the year before;
* one member's report missing in the last year: its roll-up states the full sum (the missing member
  included), which is never less than the partial sum, so only ROLLUP-INCOMPLETE is expected for that year;
* one report printed under a body's former name and one under a short alias: these must match the registry
  and produce nothing.

:func:`~gongkai.examples.region_expected.expected_findings` is an independent reading of the cross-report rules
over the specs; the tests check that it agrees with the plan of planted errors (``Region.planted``), so ``Region.expected`` is exact.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise
from pathlib import Path

from gongkai.spec import ReportSpec
from gongkai.standard.layout import request_layout
from gongkai.spec import request_cell as _req
from gongkai.examples.generate import random_spec
from gongkai.standard import get_format
from gongkai.examples.region_content import (
    FORMAT_ID,
    _forward,
    _numbers,
    _prose,
    _published,
    _rebalance,
    _row_totals,
    summed_cells,
)
from gongkai.examples.region_expected import ExpectedFinding, _order, expected_findings

__all__ = [
    "REGISTRY_FILE",
    "Body",
    "Region",
    "generate_region",
    "write_region",
]

REGISTRY_FILE = "机关名录.yaml"
CITY = "青禾市"
DISTRICT = "桐溪区"
REGION = CITY + DISTRICT

_DEPARTMENTS = (
    "民政局",
    "教育局",
    "卫生健康局",
    "市场监督管理局",
    "住房和城乡建设局",
    "人力资源和社会保障局",
    "城市运行管理中心",
    "发展和改革局",
    "财政局",
    "司法局",
    "农业农村局",
    "生态环境分局",
    "文化和旅游局",
    "商务局",
    "科学技术局",
    "应急管理局",
    "退役军人事务局",
    "统计局",
    "审计局",
    "医疗保障局",
    "交通运输局",
    "水务局",
    "体育局",
    "林业局",
    "档案馆",
    "信访局",
    "数据资源局",
    "国防动员办公室",
)
_STREETS = ("杏林", "枫桥", "柳塘", "石泉", "槐荫", "雁栖", "竹园", "东篱")
_TOWNS = ("青石", "梅岭", "双溪", "苇塘", "龙湾")
# the bodies that carry aliases and the reorganisation (see _registry_bodies)
_ALIASED = {
    "民政局": ("桐溪区民政局", "区民政局"),
    "市场监督管理局": ("桐溪区市场监督管理局", "区市场监管局"),
    "城市运行管理中心": ("桐溪区城市运行管理中心", "区城市运行管理中心"),
}
_RENAMED = ("城市运行管理中心", "城市管理局")  # (current, former)
_SHORT_ALIAS = "区民政局"  # printed instead of the full name in one year


@dataclass(frozen=True, slots=True)
class Body:
    name: str  # registered full name
    kind: str  # government | department | street | town
    level: str | None = None
    aliases: tuple[str, ...] = ()
    former: tuple[tuple[str, int], ...] = ()  # (name, last report year under it)


@dataclass
class Region:
    registry_yaml: str
    files: dict[str, bytes]  # relative file name → rendered report
    specs: dict[str, ReportSpec]  # file name → the spec it was rendered from (organization = the printed name)
    expected: list[ExpectedFinding]
    organizations: dict[str, str] = field(default_factory=dict)  # file name → registered full name
    planted: list[ExpectedFinding] = field(default_factory=list)  # the plan: what the planted errors must give
    city: str = CITY + "人民政府"
    district: str = REGION + "人民政府"
    members: tuple[Body, ...] = ()
    missing: tuple[tuple[str, int], ...] = ()  # (member, year) without a report
    unpublished: dict[tuple[str, int], ReportSpec] = field(default_factory=dict)  # their specs, summed in the roll-up


# ---------------------------------------------------------------------------------------------------- registry


def _members(n: int, renamed_until: int) -> tuple[Body, ...]:
    streets = max(1, n // 6)
    towns = max(1, n // 10)
    departments = n - streets - towns
    if departments > len(_DEPARTMENTS) or streets > len(_STREETS) or towns > len(_TOWNS) or departments < 4:
        raise ValueError(f"departments must be between 6 and 36, not {n}")
    out = []
    for d in _DEPARTMENTS[:departments]:
        former = ((REGION + _RENAMED[1], renamed_until),) if d == _RENAMED[0] else ()
        out.append(Body(REGION + d, "department", aliases=_ALIASED.get(d, ()), former=former))
    out += [Body(f"{REGION}{s}街道办事处", "street") for s in _STREETS[:streets]]
    out += [Body(f"{REGION}{t}镇人民政府", "town") for t in _TOWNS[:towns]]
    return tuple(out)


def _registry_yaml(members: tuple[Body, ...]) -> str:
    import yaml

    def member(b: Body) -> dict:
        node: dict = {"name": b.name}
        if b.kind == "department":  # streets and towns leave kind to the guess from the name
            node["kind"] = b.kind
        if b.aliases:
            node["aliases"] = list(b.aliases)
        if b.former:
            node["former"] = [{"name": n, "until": until} for n, until in b.former]
        return node

    tree = {
        "organizations": [
            {
                "name": CITY + "人民政府",
                "kind": "government",
                "level": "city",
                "aliases": [CITY + "政府"],
                "children": [
                    {
                        "name": REGION + "人民政府",
                        "kind": "government",
                        "level": "district",
                        "aliases": [DISTRICT + "人民政府", DISTRICT + "政府"],
                        "children": [member(b) for b in members],
                    }
                ],
            }
        ]
    }
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=200)


# ---------------------------------------------------------------------------------------------------- region


@dataclass
class _Report:
    body: Body
    spec: ReportSpec  # organization = the printed name
    fmt_to: str = "md"


def _member_spec(rng: random.Random, body: Body, year: int, activity: str, printed: str) -> ReportSpec:
    spec = random_spec(
        rng,
        FORMAT_ID,
        body_kind=body.kind,
        year=year,
        activity=activity,
        organization=printed,
        region=REGION,
        is_rollup=False,
    )
    return replace(spec, published=_published(rng, year, body.kind), state_figures=False)


def _rollup_spec(rng: random.Random, district: Body, year: int, members: list[ReportSpec]) -> ReportSpec:
    fmt = get_format(FORMAT_ID)
    spec = random_spec(
        rng,
        FORMAT_ID,
        body_kind="government",
        year=year,
        activity="busy",
        allow_blank=False,
        organization=district.name,
        region=REGION,
        is_rollup=True,
        state_figures=False,
    )
    values = dict(spec.values)
    for cid in summed_cells(fmt):
        values[cid] = sum(_numbers(m.values, cid) for m in members)
    for row in fmt.proactive_rows:  # a district government cannot make 规章
        if row.id == "regulations":
            for cid in row.cells:
                values[cid] = 0
    return replace(
        spec,
        values=values,
        published=_published(rng, year, "government"),
        fee_notices=sum(m.fee_notices for m in members),
        fee_collected=float(sum(m.fee_collected for m in members)),
    )


def _plant_carry_over(
    rng: random.Random,
    reports: dict[tuple[str, int], _Report],
    bodies: list[Body],
    years: tuple[int, ...],
    district: str,
) -> list[ExpectedFinding]:
    """+d on 上年结转 of one applicant column in three member reports, balanced inside each report by +d on
    予以公开 and the results total: that column and 总计 differ from last year's 结转下年度. The district's roll-up
    sums its members' 上年结转, so it differs from its own last year in the same columns."""
    lay = request_layout(get_format(FORMAT_ID))
    out: list[ExpectedFinding] = []
    propagated: set[tuple[int, str]] = set()
    for body, year in zip(bodies, (years[1], years[-1], rng.choice(years[1:]))):
        r = reports[(body.name, year)]
        col, d = rng.choice(lay.applicant_columns[:2]), rng.randint(1, 4)
        values = dict(r.spec.values)
        for row in (lay.carried_over, lay.result_rows[0], lay.results_total):
            values[_req(row, col)] = _numbers(values, _req(row, col)) + d
        _row_totals(values, r.spec.format)
        r.spec = replace(r.spec, values=values)
        for c in (col, lay.total_column):
            out.append(ExpectedFinding("CARRY-OVER-MISMATCH", body.name, year, _req(lay.carried_over, c)))
            propagated.add((year, _req(lay.carried_over, c)))
    out += [ExpectedFinding("CARRY-OVER-MISMATCH", district, year, cid) for year, cid in sorted(propagated)]
    return out


def _plant_late_member(
    rng: random.Random, reports: dict[tuple[str, int], _Report], body: Body, years: tuple[int, ...]
) -> list[ExpectedFinding]:
    year = rng.choice(years)
    r = reports[(body.name, year)]
    r.spec = replace(r.spec, published=date(year + 1, 2, rng.randint(1, 27)))
    return [ExpectedFinding("LATE-PUBLICATION", body.name, year)]


def _plant_rollups(
    rng: random.Random, rollups: dict[int, _Report], years: tuple[int, ...], district: str
) -> list[ExpectedFinding]:
    """Two roll-ups state other values than their members' sums (own identities kept: 新收 and 予以公开 move
    together, so the balance holds and 结转下年度 — next year's 上年结转 — is untouched; in the appeal table a
    result and its total), in years other than the last (the incomplete one); the roll-up of the year before
    the last is published after 3月31日."""
    lay = request_layout(get_format(FORMAT_ID))
    review = next(i for i in get_format(FORMAT_ID).identities if i.rule == "appeals.group_total")
    plan = [
        (
            years[0],
            tuple(
                _req(row, c)
                for row in (lay.received, lay.result_rows[0], lay.results_total)
                for c in (lay.applicant_columns[0], lay.total_column)
            ),
        ),
        (years[1], (review.rhs[1], review.lhs[0])),
    ]
    out = []
    for year, cells in plan:
        r = rollups[year]
        values = dict(r.spec.values)
        d = rng.randint(1, 5)
        for cid in cells:
            values[cid] = _numbers(values, cid) + d
        r.spec = replace(r.spec, values=values)
        out += [ExpectedFinding("ROLLUP-MISMATCH", district, year, cid) for cid in cells]
    late = years[-2]
    rollups[late].spec = replace(rollups[late].spec, published=date(late + 1, 4, rng.randint(1, 30)))
    out.append(ExpectedFinding("LATE-PUBLICATION", district, late))
    return out


def generate_region(seed: int = 0, *, departments: int = 30, years=(2022, 2023, 2024), plant: bool = True) -> Region:
    """A district with ``departments`` member bodies reporting over ``years`` (consecutive), deterministic for
    ``seed``; with ``plant``, the errors listed in the module docstring."""
    years = tuple(years)
    if not years or any(b != a + 1 for a, b in pairwise(years)):
        raise ValueError("years must be consecutive")
    if plant and len(years) < 3:
        raise ValueError("planting errors needs at least three years")
    rng = random.Random(seed)
    fmt = get_format(FORMAT_ID)
    members = _members(departments, years[0])
    district = Body(REGION + "人民政府", "government", "district")

    def printed(body: Body, year: int) -> str:
        if body.former and year <= body.former[0][1]:
            return body.former[0][0]
        if plant and _SHORT_ALIAS in body.aliases and year == years[1]:
            return _SHORT_ALIAS
        return body.name

    # ---- members: consistent year to year
    reports: dict[tuple[str, int], _Report] = {}
    for body in members:
        activity = rng.choices(("none", "low", "busy"), weights=(2, 4, 4))[0]
        last: dict[str, int] | None = None
        for year in years:
            spec = _member_spec(rng, body, year, activity, printed(body, year))
            values = dict(spec.values)
            _rebalance(values, fmt, last)
            last = _forward(values, fmt)
            reports[(body.name, year)] = _Report(body, replace(spec, values=values))

    # ---- plants in members (before the roll-ups are summed, so the roll-ups include them)
    planted: list[ExpectedFinding] = []
    missing: list[tuple[str, int]] = []
    dup_body: Body | None = None
    if plant:
        special = {b.name for b in members if b.aliases or b.former}
        plain = [b for b in members if b.kind == "department" and b.name not in special]
        order = rng.sample(plain, len(plain))
        dup_body = order[0]
        planted += _plant_carry_over(rng, reports, order[2:5], years, district.name)
        planted += _plant_late_member(rng, reports, order[1], years)
        missing.append((rng.choice([b for b in members if b.kind != "department"]).name, years[-1]))
    # ---- prose (after the plants: the fee statement and names are final)
    for r in reports.values():
        r.spec = replace(r.spec, texts=_prose(rng, r.spec, r.body.kind))
    if dup_body is not None:
        src, dst = reports[(dup_body.name, years[-2])], reports[(dup_body.name, years[-1])]
        dst.spec = replace(dst.spec, texts={k: list(v) for k, v in src.spec.texts.items()})
        planted.append(ExpectedFinding("DUPLICATE-CONTENT", dup_body.name, years[-1]))
    # ---- the district's roll-ups: the full sums (a dropped member's report is summed, then not published)
    rollups: dict[int, _Report] = {}
    for year in years:
        spec = _rollup_spec(rng, district, year, [reports[(b.name, year)].spec for b in members])
        rollups[year] = _Report(district, spec)
    unpublished = {key: reports.pop(key).spec for key in missing}
    if plant:
        planted += _plant_rollups(rng, rollups, years, district.name)
        planted.append(ExpectedFinding("ROLLUP-INCOMPLETE", district.name, years[-1]))
    for r in rollups.values():
        r.spec = replace(r.spec, texts=_prose(rng, r.spec, "government"))

    # ---- files
    all_reports = [*reports.values(), *rollups.values()]
    files: dict[str, bytes] = {}
    specs: dict[str, ReportSpec] = {}
    organizations: dict[str, str] = {}
    from gongkai.produce import render_spec

    for i, r in enumerate(sorted(all_reports, key=lambda r: (r.spec.year, r.body.name))):
        to = "html" if i % 9 == 4 else "docx" if i % 15 == 7 else "md"
        name = f"{r.spec.year}/{r.spec.organization}.{to}"
        files[name] = render_spec(r.spec, to)
        specs[name] = r.spec
        organizations[name] = r.body.name
    registry = _registry_yaml(members)
    bodies = {b.name: b for b in (*members, district)}
    expected = expected_findings(
        [(bodies[organizations[n]], s) for n, s in specs.items()], {district.name: [b.name for b in members]}
    )
    return Region(
        registry,
        files,
        specs,
        expected,
        organizations,
        sorted(planted, key=_order),
        members=members,
        missing=tuple(missing),
        unpublished=unpublished,
    )


# ---------------------------------------------------------------------------------------------------- files


def write_region(region: Region, out_dir: Path) -> list[Path]:
    """Write the region's report files (``<year>/<printed name>.<ext>``) and the registry ``机关名录.yaml`` under
    ``out_dir``; returns the paths written, the registry last."""
    out_dir = Path(out_dir)
    paths = []
    for name, data in region.files.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    registry = out_dir / REGISTRY_FILE
    registry.write_text(region.registry_yaml, encoding="utf-8")
    paths.append(registry)
    return paths
