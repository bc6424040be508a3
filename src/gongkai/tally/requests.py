"""Table 三 from a register of applications.

For a year Y, an application (received R, replied C, C empty = not closed):
- 本年新收 when R is in Y; 上年结转 when R is before Y and it was not closed before 1 January (C empty or ≥ 1/1);
- its result row when C is in Y; 结转下年度继续办理 when R ≤ 31/12 and not closed by then (C empty or > 31/12);
- rows closed before Y or received after Y belong to other years and are only counted as such.
Each counted application adds 1 to its applicant column, and the 总计 column and （七）总计 row are sums, so
every identity of the format holds by construction. A row that cannot be classified is listed with its
row number and the reason and is not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from gongkai.standard import get_format
from gongkai.standard.labels import NUMERAL_CHARS
from gongkai.tally.mapping import (
    RESULT_GROUPS,
    applicant_candidates,
    applicant_lookup,
    norm,
    result_candidates,
    result_lookup,
    result_rows,
)
from gongkai.tally.register import Cell, Register, RegisterRow, cell_text, parse_date
from gongkai.tally.result import LeftOut, TallyResult

FIRST_PLAUSIBLE_YEAR = 2008  # the regulation took effect on 1 May 2008
APPLICANT_COLUMNS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
)


@dataclass(frozen=True)
class Application:
    line: int
    ident: str
    received: date
    closed: date | None
    applicant: str | None  # column id; None only when not needed (row outside the year)
    result: str | None  # row id; None when not closed in the year


@lru_cache(maxsize=4096)  # a register repeats a handful of spellings thousands of times
def classify_applicant(text: str) -> str | None:
    """Column id of table 三 for what is written in 申请人类型, or None."""
    lookup = applicant_lookup()
    return next((lookup[c] for c in applicant_candidates(text) if c in lookup), None)


@lru_cache(maxsize=4096)
def classify_result(text: str, format_id: str = "2021") -> tuple[str | None, str]:
    """(row id, "") for a handling result as written, or (None, reason)."""
    lookup = result_lookup(format_id)
    for cand in result_candidates(text):
        if cand in lookup:
            return lookup[cand], ""
    k = norm(text)
    for group in RESULT_GROUPS:
        if k.lstrip(NUMERAL_CHARS + "0123456789") == norm(group):
            return None, f"办理结果“{text}”只写了大类，需注明具体情形（如“{group}-…”）"
    return None, f"办理结果“{text}”无法对应到表三的任何一项"


def read_date(v: Cell, name: str, year: int) -> tuple[date | None, str]:
    try:
        d = parse_date(v)
    except ValueError:
        return None, f"{name}“{cell_text(v)}”无法识别为日期"
    if d is not None and not FIRST_PLAUSIBLE_YEAR <= d.year <= year + 5:
        return None, f"{name}“{cell_text(v)}”不合理"
    return d, ""


def row_dates(row: RegisterRow, year: int, received_name: str, closed_name: str) -> tuple[date, date | None] | LeftOut:
    """The row's received and closing dates, or why they cannot be used (missing, unreadable, out of order)."""
    v = row.values
    ident = cell_text(v.get("id"))
    received, why = read_date(v.get("received"), received_name, year)
    if why:
        return LeftOut(row.line, why, ident)
    if received is None:
        return LeftOut(row.line, f"未填{received_name}", ident)
    closed, why = read_date(v.get("closed"), closed_name, year)
    if why:
        return LeftOut(row.line, why, ident)
    if closed is not None and closed < received:
        return LeftOut(row.line, f"{closed_name} {closed} 早于{received_name} {received}", ident)
    return received, closed


def classify_application(row: RegisterRow, year: int, format_id: str = "2021") -> Application | LeftOut | None:
    """The application on a register row as it counts for ``year``; None when it belongs to other years
    only; a :class:`LeftOut` when something needed for the year's table is missing or wrong."""
    v = row.values
    ident = cell_text(v.get("id"))
    dates = row_dates(row, year, "收到日期", "答复日期")
    if isinstance(dates, LeftOut):
        return dates
    received, closed = dates
    start, end = date(year, 1, 1), date(year, 12, 31)
    if received > end or (closed is not None and closed < start):
        return None
    applicant_text = cell_text(v.get("applicant"))
    if not applicant_text:
        return LeftOut(row.line, "未填申请人类型", ident)
    applicant = classify_applicant(applicant_text)
    if applicant is None:
        return LeftOut(
            row.line,
            f"申请人类型“{applicant_text}”无法识别（应为自然人、商业企业、科研机构、社会公益组织、法律服务机构或其他）",
            ident,
        )
    result_text = cell_text(v.get("result"))
    result: str | None = None
    if closed is not None and closed <= end:
        if not result_text:
            return LeftOut(row.line, f"已于 {closed} 答复但未填办理结果", ident)
        result, why = classify_result(result_text, format_id)
        if result is None:
            return LeftOut(row.line, why, ident)
    elif closed is None and result_text:
        # a result without a reply date: closed on an unknown day, so neither closed nor open is certain
        return LeftOut(row.line, f"填写了办理结果“{result_text}”但未填答复日期，无法判断是否已办结", ident)
    return Application(row.line, ident, received, closed, applicant, result)


def tally_requests(
    rows: Register | Iterable[RegisterRow | Mapping[str, Cell]], year: int, format_id: str = "2021"
) -> TallyResult:
    """Table 三 for ``year``: every request cell id of the format → count, plus the rows left out.
    ``rows``: a :class:`Register`, its rows, or plain mappings of field id → cell (numbered from 2, as
    below a header row)."""
    fmt = get_format(format_id)
    source = rows.source if isinstance(rows, Register) else ""
    items = rows.rows if isinstance(rows, Register) else rows
    values = {cid: 0 for cid in fmt.cells_of("requests")}
    out = TallyResult("requests", year, format_id, values, source=source)
    start, end = date(year, 1, 1), date(year, 12, 31)
    for n, item in enumerate(items, start=2):
        row = item if isinstance(item, RegisterRow) else RegisterRow(n, item)
        app = classify_application(row, year, format_id)
        if app is None:
            out.outside_year += 1
            continue
        if isinstance(app, LeftOut):
            out.left_out.append(app)
            continue
        out.counted += 1
        col = app.applicant
        if app.received >= start:
            values[f"requests.received.{col}"] += 1
        else:
            values[f"requests.carried_over.{col}"] += 1
        if app.result is not None:
            values[f"requests.{app.result}.{col}"] += 1
        if app.closed is None or app.closed > end:
            values[f"requests.carried_forward.{col}"] += 1
    _fill_totals(values, format_id)
    return out


def _fill_totals(values: dict[str, int], format_id: str) -> None:
    """（七）总计 = sum of the result rows; 总计 column = sum of the applicant columns (both by definition of
    the format, so the identities hold for whatever was counted)."""
    fmt = get_format(format_id)
    results = result_rows(format_id)
    for col in APPLICANT_COLUMNS:
        values[f"requests.total.{col}"] = sum(values[f"requests.{r}.{col}"] for r in results)
    for row in fmt.request_rows:
        values[f"requests.{row.id}.total"] = sum(values[f"requests.{row.id}.{c}"] for c in APPLICANT_COLUMNS)
