"""Realistic registers of applications and of 复议/诉讼 cases, with the truth behind every row.

A generated register is what an office keeps: a title line, a header row (with varying aliases of the
column names), dates written in several styles, applicant types and results written as people write them
(official labels with or without numbering, short forms), blank lines — and, on purpose, some defective
rows (unreadable dates, unknown types, a reply before the receipt …). Each data row has a truth record
(dates, column and row ids, the defect if any) so a test can count independently of the tally.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from gongkai.standard import get_format
from gongkai.tally.mapping import (
    APPEAL_FIELDS,
    APPEAL_KIND_ALIASES,
    APPEAL_RESULT_ALIASES,
    APPLICANT_ALIASES,
    REQUEST_FIELDS,
    RESULT_ALIASES,
)

Cell = str | int | date | None

APPLICANT_WEIGHTS = {
    "natural_person": 70,
    "commercial_enterprise": 12,
    "research_institution": 3,
    "social_welfare_org": 3,
    "legal_service_org": 7,
    "other_org": 5,
}
REQUEST_DEFECTS = (
    "bad_received",
    "missing_received",
    "unknown_applicant",
    "unknown_result",
    "group_only",
    "reply_before_receipt",
    "closed_no_result",
    "result_no_close",
    "bad_closed",
)
APPEAL_DEFECTS = (
    "bad_received",
    "unknown_kind",
    "bare_litigation",
    "unknown_outcome",
    "closed_before_received",
    "pending_with_close",
)


@dataclass(frozen=True)
class TrueRow:
    line: int  # row number in the sheet (title and header included)
    received: date | None
    closed: date | None
    group: str  # applications: applicant column id; cases: table 四 group id
    outcome: str | None  # applications: table 三 result row id (2021 ids); cases: upheld/corrected/other/None
    defect: str | None = None  # one of REQUEST_DEFECTS / APPEAL_DEFECTS when written wrong on purpose


@dataclass
class GeneratedRegister:
    header: list[str]
    rows: list[list[Cell]]  # the sheet below the header, blank lines included
    truth: list[TrueRow]
    title: str | None = None
    fields: list[str] = field(default_factory=list)  # field id of each header column

    def grid(self) -> list[list[Cell]]:
        """The whole sheet: title, header, rows."""
        title: list[list[Cell]] = [[self.title]] if self.title else []
        return title + [list(self.header)] + [list(r) for r in self.rows]


# --- how people write things ------------------------------------------------------------------------------


def _date_text(rng: random.Random, d: date, allow_object: bool = True) -> Cell:
    style = rng.randrange(6 if allow_object else 5)
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{d.year}/{d.month}/{d.day}"
    if style == 2:
        return f"{d.year}年{d.month}月{d.day}日"
    if style == 3:
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if style == 4:
        return f"{d.year}-{d.month:02d}-{d.day:02d} {rng.randrange(8, 18):02d}:{rng.randrange(60):02d}"
    return d  # a real date cell (XLSX); CSV writes it as ISO text


def _header(rng: random.Random, fields: dict, order: list[str]) -> list[str]:
    out = []
    for f in order:
        name = rng.choice(fields[f][1])
        decoration = rng.randrange(4)
        if decoration == 1:
            name = " ".join(name)  # "收 到 日 期": spaced-out headers are common
        elif decoration == 2 and f in ("received", "closed"):
            name += "（年月日）"
        out.append(name)
    return out


def _result_text(rng: random.Random, row_id: str, format_id: str) -> str:
    fmt = get_format(format_id)
    row = next(r for r in fmt.request_rows if r.id == row_id)
    group = next((g.label for g in fmt.request_groups if g.id == row.group and g.parent), None)
    style = rng.randrange(4)
    if style == 0:
        return row.label
    if style == 1 and group:
        return f"{group} {row.label}"
    if style == 2 and group:
        bare = row.label.split(".", 1)[-1]
        return f"{group.split('）', 1)[-1]}-{bare}"
    alias_key = row_id if row_id != "other_handling" else "other.other"
    return rng.choice(RESULT_ALIASES.get(alias_key, (row.label,)))


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# --- applications ------------------------------------------------------------------------------------------


def random_applications(
    rng: random.Random,
    year: int,
    n: int = 3000,
    *,
    defect_rate: float = 0.03,
    format_id: str = "2021",
    with_id: bool = True,
    title: bool = True,
) -> GeneratedRegister:
    """A register of about ``n`` applications received from 1 January of the year before ``year`` to 31
    December of ``year``, exported on 1 March after it (replies up to then are recorded)."""
    fmt = get_format(format_id)
    results = [r.id for r in fmt.request_rows if r.group is not None and r.id != "total"]
    start = date(year - 1, 1, 1)
    span = (date(year, 12, 31) - start).days + 1
    exported = date(year + 1, 3, 1)
    order = (["id"] if with_id else []) + ["received", "applicant", "result", "closed"]
    rng.shuffle(order)
    header = _header(rng, REQUEST_FIELDS, order)
    line0 = 3 if title else 2
    rows: list[list[Cell]] = []
    truth: list[TrueRow] = []
    for i in range(n):
        if rng.random() < 0.005:
            rows.append([None] * len(order))  # a blank line in the middle
        received = start + timedelta(days=rng.randrange(span))
        applicant = _weighted(rng, APPLICANT_WEIGHTS)
        # most replies within the 20 working-day limit, some extended, a few very late
        days = rng.choice((rng.randrange(1, 30), rng.randrange(20, 45), rng.randrange(30, 150)))
        closed: date | None = received + timedelta(days=days)
        if (closed is not None and closed > exported) or rng.random() < 0.01:
            closed = None
        result = rng.choice(results) if closed is not None else None
        cells: dict[str, Cell] = {
            "id": f"SQ{i + 1:05d}",
            "received": _date_text(rng, received),
            "applicant": rng.choice(APPLICANT_ALIASES[applicant]),
            "result": _result_text(rng, result, format_id) if result else None,
            "closed": _date_text(rng, closed) if closed else None,
        }
        defect = None
        if rng.random() < defect_rate:
            defect, received, closed, result = _request_defect(rng, cells, year, received, closed, result, format_id)
        line = line0 + len(rows)
        rows.append([cells[f] for f in order])
        truth.append(TrueRow(line, received, closed, applicant, result, defect))
    return GeneratedRegister(header, rows, truth, f"{year}年政府信息公开申请登记表" if title else None, order)


def _request_defect(
    rng: random.Random,
    cells: dict[str, Cell],
    year: int,
    received: date,
    closed: date | None,
    result: str | None,
    format_id: str,
):
    """Spoil one row so that it matters for ``year``: the row is moved into the year where needed."""
    defect = rng.choice(REQUEST_DEFECTS)
    in_year = date(year, 1, 1) + timedelta(days=rng.randrange(300))
    replied = in_year + timedelta(days=rng.randrange(1, 40))
    fmt_results = [r.id for r in get_format(format_id).request_rows if r.group is not None and r.id != "total"]
    ok_result = rng.choice(fmt_results)
    cells["received"], cells["closed"] = _date_text(rng, in_year), _date_text(rng, replied)
    cells["result"] = _result_text(rng, ok_result, format_id)
    received, closed, result = in_year, replied, ok_result
    if defect == "bad_received":
        cells["received"] = rng.choice(("2024-13-45", "去年三月", "3月5日", "待补", f"{year}-02-30"))
    elif defect == "bad_closed":
        cells["closed"] = rng.choice(("已答复", "次日", f"{year}/13/1"))
    elif defect == "missing_received":
        cells["received"] = None
    elif defect == "unknown_applicant":
        cells["applicant"] = rng.choice(("外星人", "不详", "匿名", "？"))
    elif defect == "unknown_result":
        cells["result"] = rng.choice(("已处理", "已办结", "见附件", "同意"))
    elif defect == "group_only":
        cells["result"] = rng.choice(("不予公开", "（四）无法提供", "不予处理"))
    elif defect == "reply_before_receipt":
        closed = in_year - timedelta(days=rng.randrange(1, 30))
        cells["closed"] = _date_text(rng, closed)
    elif defect == "closed_no_result":
        cells["result"] = None
    elif defect == "result_no_close":
        cells["closed"] = None
        closed = None
    return defect, received, closed, result


# --- 复议/诉讼 cases -------------------------------------------------------------------------------------------

KIND_WEIGHTS = {"review": 60, "litigation_direct": 25, "litigation_after_review": 15}
OUTCOME_WEIGHTS = {"upheld": 60, "corrected": 15, "other": 25}


def random_appeals(
    rng: random.Random, year: int, n: int = 200, *, defect_rate: float = 0.05, title: bool = True
) -> GeneratedRegister:
    """A register of about ``n`` cases received over the year before ``year`` and ``year``."""
    start = date(year - 1, 1, 1)
    span = (date(year, 12, 31) - start).days + 1
    exported = date(year + 1, 3, 1)
    order = ["id", "kind", "received", "result", "closed"]
    rng.shuffle(order)
    header = _header(rng, APPEAL_FIELDS, order)
    line0 = 3 if title else 2
    rows: list[list[Cell]] = []
    truth: list[TrueRow] = []
    for i in range(n):
        received = start + timedelta(days=rng.randrange(span))
        kind = _weighted(rng, KIND_WEIGHTS)
        closed: date | None = received + timedelta(days=rng.randrange(20, 240))
        outcome: str | None = _weighted(rng, OUTCOME_WEIGHTS)
        if closed is not None and closed > exported:
            closed, outcome = None, None
        cells: dict[str, Cell] = {
            "id": f"FY{received.year}-{i + 1:04d}",
            "kind": rng.choice(APPEAL_KIND_ALIASES[kind]),
            "received": _date_text(rng, received),
            "result": rng.choice(APPEAL_RESULT_ALIASES[outcome])
            if outcome
            else rng.choice((None, "尚未审结", "审理中")),
            "closed": _date_text(rng, closed) if closed else None,
        }
        defect = None
        if rng.random() < defect_rate:
            defect = rng.choice(APPEAL_DEFECTS)
            received = date(year, 1, 1) + timedelta(days=rng.randrange(300))
            cells["received"] = _date_text(rng, received)
            closed = received + timedelta(days=rng.randrange(1, 30))
            cells["closed"] = _date_text(rng, closed)
            cells["result"] = "维持"
            outcome = "upheld"
            if defect == "bad_received":
                cells["received"] = "立案待定"
            elif defect == "unknown_kind":
                cells["kind"] = rng.choice(("信访", "仲裁"))
            elif defect == "bare_litigation":
                cells["kind"] = "行政诉讼"
            elif defect == "unknown_outcome":
                cells["result"] = rng.choice(("胜诉", "已结"))
            elif defect == "closed_before_received":
                closed = received - timedelta(days=5)
                cells["closed"] = _date_text(rng, closed)
            elif defect == "pending_with_close":
                cells["result"] = "尚未审结"
        rows.append([cells[f] for f in order])
        truth.append(TrueRow(line0 + len(rows) - 1, received, closed, kind, outcome, defect))
    return GeneratedRegister(
        header, rows, truth, f"{year}年政府信息公开行政复议、行政诉讼案件登记" if title else None, order
    )


# --- files ---------------------------------------------------------------------------------------------------


def write_csv(reg: GeneratedRegister, path: str | Path, encoding: str = "utf-8-sig") -> None:
    """CSV as Excel writes it (UTF-8 with BOM, or GB18030 as a Chinese Windows Excel does)."""
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        for row in reg.grid():
            w.writerow(["" if c is None else c.isoformat() if isinstance(c, date) else c for c in row])


def write_xlsx(reg: GeneratedRegister, path: str | Path, sheet: str = "登记表") -> None:
    """XLSX with real date cells where the register has date objects."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    try:
        ws = wb.add_worksheet(sheet)
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        bold = wb.add_format({"bold": True})
        for r, row in enumerate(reg.grid()):
            for c, v in enumerate(row):
                if isinstance(v, date):
                    ws.write_datetime(r, c, v, date_fmt)
                elif v is not None:
                    ws.write(r, c, v, bold if r < (2 if reg.title else 1) else None)
    finally:
        wb.close()


def demo_registers(out_dir: str | Path, year: int, seed: int = 2024) -> tuple[Path, Path]:
    """Write a demo register of applications (XLSX) and of cases (CSV) for ``year``; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    apps, cases = out / "申请登记.xlsx", out / "复议诉讼.csv"
    write_xlsx(random_applications(rng, year, 600, defect_rate=0.01), apps)
    write_csv(random_appeals(rng, year, 40, defect_rate=0.0), cases)
    return apps, cases
