"""Reading a register (CSV or XLSX) into rows of named fields.

A register is a sheet with one header row (possibly below a title or notes) and one row per application or
case. Headers are matched to fields through :mod:`gongkai.tally.mapping` (aliases, full-width forms, spaces
and bracketed remarks ignored); ``overrides`` (the ``--map 列名=字段`` option) take precedence. Cell values
are kept as read (text, numbers, dates); interpreting them is the tally's job, so that a bad cell becomes a
listed row rather than a failed file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from gongkai.errors import RegisterError, os_reason
from gongkai.errors import (
    CorruptInput,
    EmptyInput,
    GongkaiError,
    InputTooLarge,
    UnreadableInput,
    UnsupportedFormat,
)
from gongkai.tally.mapping import header_lookup, norm, strip_remarks
from gongkai.standard.labels import int_if_whole

MAX_BYTES = 100 * 1024 * 1024  # a register of a million applications is well under this
MAX_ROWS = 1_000_000
_HEADER_SCAN = 15  # title and note rows tolerated above the header row

Cell = str | int | float | date | None


@dataclass(frozen=True)
class RegisterRow:
    line: int  # row number as the user sees it (1-based, header rows included)
    values: Mapping[str, Cell]  # field id → cell


@dataclass
class Register:
    source: str
    columns: dict[str, str]  # field id → header as written
    rows: list[RegisterRow]
    ignored_headers: list[str] = field(default_factory=list)


def parse_map(items: tuple[str, ...] | list[str], fields: Mapping[str, tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    """``["收件日=收到日期", "类别=applicant"]`` → {normalised header: field id}. The field may be named by its
    id or by any alias of it."""
    lookup = header_lookup(dict(fields))
    out: dict[str, str] = {}
    for item in items:
        head, sep, target = item.partition("=")
        if not sep or not head.strip() or not target.strip():
            raise RegisterError(f"列映射“{item}”应写成“列名=字段”，例如“收件日=收到日期”")
        fid = lookup.get(norm(target))
        if fid is None:
            names = "、".join(f"{v[0]}（{k}）" for k, v in fields.items())
            raise RegisterError(f"列映射“{item}”中的字段“{target.strip()}”未知，可用字段：{names}")
        out[norm(head)] = fid
    return out


def read_register(
    path: str | Path,
    fields: Mapping[str, tuple[str, tuple[str, ...]]],
    required: tuple[str, ...],
    *,
    sheet: str | None = None,
    overrides: Mapping[str, str] | None = None,
) -> Register:
    """Read a CSV/XLSX register. ``fields``/``required``: the vocabulary of :mod:`gongkai.tally.mapping`
    (``REQUEST_FIELDS`` or ``APPEAL_FIELDS``); ``overrides``: from :func:`parse_map`."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise UnreadableInput(f"无法读取登记表：{os_reason(exc)}", source=str(p)) from None
    if not p.is_file():
        raise UnreadableInput("不是文件", source=str(p))
    if size > MAX_BYTES:
        raise InputTooLarge(
            f"登记表过大（{size // 1024 // 1024} MB，上限 {MAX_BYTES // 1024 // 1024} MB）", source=str(p)
        )
    suffix = p.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            grid = _xlsx_rows(p, sheet)
        elif suffix in (".csv", ".txt", ".tsv"):
            grid = _csv_rows(p.read_bytes(), str(p))
        elif suffix in (".xls", ".et", ".ods"):
            raise UnsupportedFormat("不支持该电子表格格式，请另存为 .xlsx 或 .csv 后再试", source=str(p))
        else:
            head = p.read_bytes()[:4]
            grid = _xlsx_rows(p, sheet) if head == b"PK\x03\x04" else _csv_rows(p.read_bytes(), str(p))
    except GongkaiError as err:
        if err.source is None:
            err.source = str(p)
        raise
    except OSError as exc:
        raise UnreadableInput(f"无法读取登记表：{os_reason(exc)}", source=str(p)) from None
    return _to_register(grid, str(p), fields, required, overrides or {})


def register_from_rows(
    grid: list[list[Cell]],
    fields: Mapping[str, tuple[str, tuple[str, ...]]],
    required: tuple[str, ...],
    *,
    source: str = "<memory>",
    overrides: Mapping[str, str] | None = None,
) -> Register:
    """A register from rows already in memory (first rows: title/header, as in a file)."""
    return _to_register(grid, source, fields, required, overrides or {})


def _to_register(grid: list[list[Cell]], source: str, fields, required, overrides) -> Register:
    lookup = header_lookup(dict(fields))

    def field_of(header: Cell) -> str | None:
        if header is None:
            return None
        text = str(header)
        k = norm(text)
        if k in overrides:
            return overrides[k]
        return lookup.get(k) or lookup.get(norm(strip_remarks(text)))

    best: tuple[int, int, dict[int, str]] | None = None  # (matched count, row index, column → field)
    for i, row in enumerate(grid[:_HEADER_SCAN]):
        cols: dict[int, str] = {}
        for j, h in enumerate(row):
            fid = field_of(h)
            if fid is not None and fid not in cols.values():
                cols[j] = fid
        if cols and (best is None or len(cols) > best[0]):
            best = (len(cols), i, cols)
        if all(f in cols.values() for f in required):
            break
    if not any(any(c not in (None, "") for c in row) for row in grid):
        raise EmptyInput("登记表是空的", source=source)
    found = best[2] if best else {}
    missing = [f for f in required if f not in found.values()]
    if missing:
        names = "、".join(f"“{fields[f][0]}”" for f in missing)
        raise RegisterError(
            f"登记表缺少必需的列 {names}；可在表头使用这些名称或其别名，"
            f"或用 --map 列名=字段 指定（见 docs/register.md）",
            source=source,
        )
    assert best is not None
    header_index = best[1]
    header = grid[header_index]
    columns = {fid: str(header[j]).strip() for j, fid in found.items()}
    ignored = [str(h).strip() for j, h in enumerate(header) if j not in found and h not in (None, "")]
    rows: list[RegisterRow] = []
    for i in range(header_index + 1, len(grid)):
        row = grid[i]
        values = {fid: (row[j] if j < len(row) else None) for j, fid in found.items()}
        values = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}
        if all(v is None for v in values.values()):
            continue  # blank line: not an application
        rows.append(RegisterRow(i + 1, values))
    return Register(source, columns, rows, ignored)


def _decode(data: bytes, source: str) -> str:
    # UTF-8 (with or without BOM) first: a GB18030 file is almost never valid UTF-8, the reverse is common
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnreadableInput("无法识别登记表的文字编码（应为 UTF-8 或 GB18030/GBK）", source=source)


def _csv_rows(data: bytes, source: str) -> list[list[Cell]]:
    if b"\x00" in data[:4096]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
            text = data.decode("utf-16")
        else:
            raise UnreadableInput("登记表不是文本文件（CSV）", source=source)
    else:
        text = _decode(data, source)
    sample = text[:8192]
    delimiter = ","
    if "\t" in sample and sample.count("\t") >= sample.count(","):
        delimiter = "\t"
    elif sample.count("，") > sample.count(",") and sample.count("，") > 0 and "," not in sample.split("\n", 1)[0]:
        delimiter = "，"  # hand-typed files sometimes use the full-width comma
    rows: list[list[Cell]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(list(row))
            if len(rows) > MAX_ROWS:
                raise InputTooLarge(f"登记表超过 {MAX_ROWS} 行", source=source)
    except csv.Error as exc:
        raise UnreadableInput(f"CSV 格式错误（第{len(rows) + 1}行）：{exc}", source=source) from None
    return rows


def _xlsx_rows(path: Path, sheet: str | None) -> list[list[Cell]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise UnreadableInput(f"无法读取登记表：{os_reason(exc)}") from None
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds (zip, XML, KeyError) for a damaged workbook
        raise CorruptInput("无法打开 XLSX 文件（文件损坏、已加密或不是 Excel 工作簿）") from None
    try:
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise RegisterError(f"工作簿中没有名为“{sheet}”的工作表，现有：{'、'.join(wb.sheetnames)}")
            ws = wb[sheet]
        else:
            ws = wb.worksheets[0]
        rows: list[list[Cell]] = []
        filled = 0
        for row in ws.iter_rows(values_only=True):
            cells = [_xlsx_value(v) for v in row]
            if any(c is not None and c != "" for c in cells):
                filled += 1
                if filled > MAX_ROWS:
                    raise InputTooLarge(f"登记表超过 {MAX_ROWS} 行")
                rows.append(cells)
            else:
                rows.append([])  # kept (empty) so that row numbers stay those the user sees in Excel
        return rows
    except GongkaiError:
        raise
    except Exception:  # noqa: BLE001 - damaged sheet XML found while iterating
        raise CorruptInput("XLSX 工作表内容损坏") from None
    finally:
        wb.close()


def _xlsx_value(v: object) -> Cell:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, (date, str, int, float)) or v is None:
        return v
    return str(v)


# --- values --------------------------------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(v: Cell) -> date | None:
    """A register date: a date cell, 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日 (a time after it is
    ignored), 20240305, or an Excel serial number. None for an empty cell; ValueError when unreadable."""
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        # a date cell that lost its format in Excel shows as its serial number
        if 20000 <= v <= 80000:
            return _EXCEL_EPOCH + timedelta(days=int(v))
        raise ValueError(str(v))
    import unicodedata

    s = unicodedata.normalize("NFKC", str(v)).strip()
    if not s:
        return None
    for pat in _DATE_PATTERNS:
        m = pat.match(s)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))  # ValueError for 2024-02-30
    if re.fullmatch(r"\d{5}(?:\.\d+)?", s):
        return parse_date(float(s))
    raise ValueError(s)


def cell_text(v: Cell) -> str:
    if v is None:
        return ""
    return str(int_if_whole(v)).strip()
