"""Random but valid report specifications, for property tests, demos and the bundled examples.

A :class:`ReportSpec` holds everything a renderer needs to print a complete annual report: who wrote it, for
which year, and a value for every cell id of the standard format. :func:`random_spec` draws one that satisfies
every identity of the format (``Format.identities``), with blank cells and "/" cells counting as 0.

The table structure (which rows are results, which column is the total, ...) is read from the identities of
the format, so nothing here hard-codes a row label.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from gongkai.spec import NOT_APPLICABLE, ReportSpec, Value, request_cell
from gongkai.standard import Format, Identity, get_format
from gongkai.standard.layout import request_layout

if TYPE_CHECKING:  # pragma: no cover
    from hypothesis.strategies import SearchStrategy

BODY_KINDS = ("department", "street", "town", "government")
ACTIVITY_LEVELS = ("none", "low", "busy")

# Fictional place names and common department names (the departments exist everywhere; the places do not).
_CITIES = ("青禾市", "云泽市", "岚川市", "澄湾市", "北澜市", "栖梧市")
_DISTRICTS = ("桐溪区", "望岳区", "兰汀区", "清漪区", "南畈区", "鹤鸣区", "松陵县", "白芷县")
_STREETS = ("杏林", "枫桥", "柳塘", "石泉", "槐荫", "雁栖", "竹园", "东篱")
_TOWNS = ("青石", "梅岭", "苇塘", "双溪", "龙湾", "桃坪", "稻香", "云岗")
_DEPARTMENTS = (
    "民政局",
    "教育局",
    "卫生健康局",
    "市场监督管理局",
    "住房和城乡建设局",
    "人力资源和社会保障局",
    "城市管理执法局",
    "自然资源和规划局",
    "司法局",
    "财政局",
    "农业农村局",
    "生态环境分局",
)


# ---------------------------------------------------------------------------------------------------- drawing


def _count(rng: random.Random, level: str, scale: int) -> int:
    """A count that is mostly 0 for quiet bodies and skewed for busy ones."""
    if level == "none":
        return 0
    if level == "low":
        return rng.choice((0, 0, 0, 1, 1, 2, 3)) if scale > 1 else rng.choice((0, 0, 0, 1))
    # A power law from random() alone: hypothesis' randoms() override the distribution methods freely.
    u = min(max(rng.random(), 1e-3), 1.0)
    return min(scale * 50, int(scale * (u ** (-1 / 1.3) - 1))) + rng.choice((0, 0, 1, 2))


def _draw_requests(rng: random.Random, fmt: Format, level: str) -> dict[str, int]:
    lay = request_layout(fmt)
    values: dict[str, int] = {}
    # Most requests come from natural persons; other applicant columns are usually empty.
    col_scale = {c: (40 if i == 0 else rng.choice((0, 0, 0, 2, 5))) for i, c in enumerate(lay.applicant_columns)}
    # A few result rows carry most of the cases.
    hot = set(rng.sample(lay.result_rows, k=min(len(lay.result_rows), rng.randint(1, 6))))
    for col in lay.applicant_columns:
        col_level = level if col_scale[col] else ("low" if level == "busy" and rng.random() < 0.2 else "none")
        for row in lay.result_rows:
            if row in hot:
                values[request_cell(row, col)] = _count(rng, col_level, col_scale[col] or 1)
            elif rng.random() < 0.15:
                values[request_cell(row, col)] = _count(rng, col_level, 1)
            else:
                values[request_cell(row, col)] = 0
        closed = sum(values[request_cell(r, col)] for r in lay.result_rows)
        values[request_cell(lay.results_total, col)] = closed
        forward = rng.randint(0, max(0, closed // 5)) if col_level != "none" else 0
        values[request_cell(lay.carried_forward, col)] = forward
        over = rng.randint(0, closed + forward) if rng.random() < 0.4 else min(closed + forward, rng.randint(0, 2))
        values[request_cell(lay.carried_over, col)] = over
        values[request_cell(lay.received, col)] = closed + forward - over
    for req_row in fmt.request_rows:
        values[request_cell(req_row.id, lay.total_column)] = sum(
            values[request_cell(req_row.id, c)] for c in lay.applicant_columns
        )
    return values


def _draw_appeals(rng: random.Random, fmt: Format, level: str) -> dict[str, int]:
    values: dict[str, int] = {}
    for ident in (i for i in fmt.identities if i.rule == "appeals.group_total"):
        active = level == "busy" or (level == "low" and rng.random() < 0.2)
        for cid in ident.rhs:
            values[cid] = rng.choice((0, 0, 0, 1, 1, 2, 3, 5)) if active else 0
        values[ident.lhs[0]] = sum(values[c] for c in ident.rhs)
    return values


_STOCK_COLUMNS = ("in_force", "total_published", "items_last_year")


def _draw_proactive(rng: random.Random, fmt: Format, level: str, body_kind: str) -> dict[str, int | float]:
    values: dict[str, int | float] = {}
    row_scale = {
        "regulations": 2,
        "normative_documents": 4,
        "licensing": 300,
        "other_services": 20,
        "penalty": 80,
        "coercion": 10,
        "fees": 50,
        "procurement": 15,
    }
    for row in fmt.proactive_rows:
        scale = row_scale.get(row.id, 5)
        no_rules = row.id == "regulations" and body_kind != "government"
        for cid in row.cells:
            spec = fmt.cells[cid]
            col = cid.rsplit(".", 1)[1]
            if no_rules or level == "none" and rng.random() < 0.7:
                values[cid] = 0.0 if spec.decimal else 0
            elif spec.decimal:
                values[cid] = round(rng.random() * scale * rng.choice((0, 1, 1, 10)), rng.choice((0, 1, 2, 4)))
            elif spec.signed:
                values[cid] = rng.randint(-3, 3)
            elif col in _STOCK_COLUMNS:
                values[cid] = rng.randint(0, scale * 3)
            else:
                values[cid] = rng.randint(0, scale) if rng.random() < 0.6 else 0
    return values


def _blank_zeros(rng: random.Random, fmt: Format, values: dict[str, Value]) -> None:
    """Some reports leave zero cells of the request table empty."""
    share = rng.choice((0.3, 0.7, 1.0))
    for cid in fmt.cells_of("requests"):
        if values[cid] == 0 and rng.random() < share:
            values[cid] = None


def _mark_not_applicable(fmt: Format, values: dict[str, Value]) -> None:
    """Bodies that cannot make 规章 sometimes print "/" in that row."""
    for row in fmt.proactive_rows:
        if row.id == "regulations":
            for cid in row.cells:
                values[cid] = NOT_APPLICABLE


def _organization(rng: random.Random, body_kind: str) -> tuple[str, str]:
    city, district = rng.choice(_CITIES), rng.choice(_DISTRICTS)
    region = city + district
    if body_kind == "department":
        return region + rng.choice(_DEPARTMENTS), region
    if body_kind == "street":
        return district + rng.choice(_STREETS) + "街道办事处", region
    if body_kind == "town":
        return district + rng.choice(_TOWNS) + "镇人民政府", region
    if rng.random() < 0.3:
        return city + "人民政府", city
    return region + "人民政府", region


def _published(rng: random.Random, year: int, body_kind: str) -> date | None:
    if rng.random() < 0.1:
        return None
    last_month = 3 if body_kind == "government" else 1
    month = rng.randint(1, last_month)
    return date(year + 1, month, rng.randint(5, 28 if month != 1 else 31))


def random_spec(rng: random.Random, format_id: str = "2021", **overrides: Any) -> ReportSpec:
    """Draw a valid report spec: every identity of the format holds and every value is non-negative
    (except the signed 本年增/减 cells of the 2019 format).

    Besides any :class:`ReportSpec` field, ``overrides`` may hold the drawing parameters
    ``activity`` ('none' | 'low' | 'busy'), ``allow_blank`` (default True: some specs print zero cells blank)
    and ``allow_na`` (default True: some non-government specs print "/" in the 规章 row).
    ``body_kind`` and ``year`` overrides are used while drawing, so the values fit them.
    """
    fmt = get_format(format_id)
    activity = overrides.pop("activity", None) or rng.choices(ACTIVITY_LEVELS, weights=(4, 3, 3))[0]
    allow_blank = overrides.pop("allow_blank", True)
    allow_na = overrides.pop("allow_na", True)
    body_kind = overrides.pop("body_kind", None) or rng.choice(BODY_KINDS)
    if body_kind not in BODY_KINDS:
        raise ValueError(f"unknown body_kind {body_kind!r}")
    years = range(2021, 2025) if format_id == "2021" else range(2019, 2021)
    year = overrides.pop("year", None) or rng.choice(years)
    organization, region = _organization(rng, body_kind)

    values: dict[str, Value] = {}
    # only provincial and city governments may make 规章; a district/county government draws none
    rule_maker = body_kind == "government" and not organization.endswith(("区人民政府", "县人民政府"))
    values.update(_draw_proactive(rng, fmt, activity, "government" if rule_maker else "body"))
    values.update(_draw_requests(rng, fmt, activity))
    values.update(_draw_appeals(rng, fmt, activity))
    if allow_blank and rng.random() < 0.15:
        _blank_zeros(rng, fmt, values)
    if allow_na and body_kind != "government" and rng.random() < 0.15:
        _mark_not_applicable(fmt, values)
    values = {cid: values[cid] for cid in fmt.cell_ids}  # format order

    spec = ReportSpec(
        format_id=format_id,
        year=year,
        organization=organization,
        body_kind=body_kind,
        is_rollup=body_kind == "government" and rng.random() < 0.5,
        published=_published(rng, year, body_kind),
        values=values,
        region=region,
        state_figures=rng.random() < 0.85,
    )
    lay = request_layout(fmt)
    unpaid = [r for r in lay.result_rows if r.startswith("other.fee")]
    if unpaid:  # requests dropped for an unpaid fee imply fee notices were sent
        lapsed = int(sum(spec.number(request_cell(r, c)) for r in unpaid for c in lay.applicant_columns))
        paid = rng.choice((0, 0, 1, 2)) if activity == "busy" else 0
        spec.fee_notices = lapsed + paid
        spec.fee_collected = float(paid * rng.choice((100, 200, 300)))
    return replace(spec, **overrides)


def identity_violations(spec: ReportSpec) -> list[Identity]:
    """The identities of the format that the spec's values break (blank/"/" count as 0)."""
    return [
        i for i in spec.format.identities if sum(spec.number(c) for c in i.lhs) != sum(spec.number(c) for c in i.rhs)
    ]


def report_specs(format_id: str | None = "2021", allow_blank: bool = True) -> "SearchStrategy[ReportSpec]":
    """A hypothesis strategy for valid specs (``format_id=None`` draws both formats)."""
    from hypothesis import strategies as st

    formats = st.sampled_from(("2021", "2019")) if format_id is None else st.just(format_id)
    return st.builds(
        lambda r, f: random_spec(r, f, allow_blank=allow_blank),
        st.randoms(note_method_calls=False, use_true_random=False),
        formats,
    )
