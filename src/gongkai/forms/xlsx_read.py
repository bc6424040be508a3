"""Reading a filled XLSX fill-in file (written by :mod:`gongkai.forms.xlsx`) back into a :class:`~gongkai.forms.ReportForm`.

Reading goes through the hidden ``_cells`` sheet only, so it does not depend on the layout. Reading a formula
cell: we compute it from the cells it references; a result saved by Excel, WPS or LibreOffice that differs
from ours is kept (see :mod:`gongkai.forms.xlsx`).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from gongkai.errors import FormError, os_reason
from gongkai.spec import NOT_APPLICABLE, Value
from gongkai.forms.model import BODY_KINDS, ReportForm, form_value
from gongkai.forms.xlsx import CELLS_SHEET, META_SHEET, Slot, _numeric, _parse_a1, _prefill_text, _same, _tidy, a1
from gongkai.forms.yaml_template import BODY_KIND_NAMES
from gongkai.standard import FORMAT_IDS, Format, get_format
from gongkai.standard.labels import int_if_whole

_MAX_SLOT_ROWS = 10_000  # rows of the hidden cells sheet: one per cell id of the format, a few hundred
_MAX_RANGE = 5000  # cells a formula range may cover; a whole-column SUM is not one of our formulas
_MAX_FORMULA_DEPTH = 100  # formulas referring to formulas; our template's totals nest 3 deep


@dataclass
class XlsxRead:
    form: ReportForm
    notes: list[str] = field(default_factory=list)  # Chinese remarks, e.g. a saved total kept over our sum


def read_xlsx_form(path: str | Path) -> ReportForm:
    """Read a filled workbook written by :func:`write_xlsx_template` (see :func:`read_xlsx`)."""
    return read_xlsx(path).form


def read_xlsx(path: str | Path) -> XlsxRead:
    """Read a filled workbook through its ``_cells`` map.

    Values: blank → None, "/" → "n/a", numbers as numbers, anything else kept as typed (``validate`` then
    names the cell). Formula cells are computed from the cells they reference (see the module docstring
    for saved results). The form is not validated here: a half-filled form can still be inspected."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FormError(f"无法读取文件：{os_reason(exc)}", source=str(p)) from None
    wb = _open(data, str(p), data_only=False)
    saved = _open(data, str(p), data_only=True)
    slots = _read_slots(wb, str(p))
    book = _Book(wb, saved, str(p))
    meta = {s.key.removeprefix("meta."): s for s in slots.values() if s.kind == "meta"}

    format_id = _text(book.raw(meta["format"])) if "format" in meta else ""
    format_id = format_id.removesuffix(".0")
    if format_id not in FORMAT_IDS:
        raise FormError(f"{META_SHEET} 中的年报格式“{format_id}”无效（应为 2021 或 2019）", source=str(p))
    fmt = get_format(format_id)
    form = ReportForm(
        organization=_text(book.raw(meta["organization"])) if "organization" in meta else "",
        year=_year(book.raw(meta["year"]), str(p)) if "year" in meta else 0,
        format_id=format_id,
        published=_published(book.raw(meta["published"]), str(p)) if "published" in meta else None,
        body_kind=_body_kind(book.raw(meta["body_kind"]), str(p)) if "body_kind" in meta else "department",
        is_rollup=_flag(book.raw(meta["is_rollup"]), str(p)) if "is_rollup" in meta else False,
        region=_text(book.raw(meta["region"])) if "region" in meta else "",
    )
    form.places = {key: s.address for key, s in slots.items()}
    for s in slots.values():
        if s.kind == "text":
            raw = book.raw(s)
            paras = [line.strip() for line in _text(raw).replace("\r\n", "\n").split("\n")]
            if any(paras):
                form.texts[s.key.removeprefix("text.")] = [q for q in paras if q]

    notes: list[str] = []
    for cid in fmt.cell_ids:
        cell_slot = slots.get(cid)
        if cell_slot is None:
            continue  # validate / the checks report missing cells as blank
        s = cell_slot
        raw = book.raw(s)
        if isinstance(raw, str) and raw.startswith("="):
            form.values[cid] = book.formula_value(s, fmt, notes)
            form.origins[cid] = "formula"
            continue
        value = _cell_value(raw, fmt.cells[cid].decimal)
        if isinstance(value, str) and value != NOT_APPLICABLE:
            notes.append(f"{s.address}（{s.name}）的值“{value}”不是数字（没有发生的填 0，不适用的填 /）")
        form.values[cid] = value
        form.origins[cid] = s.origin if s.origin and _prefill_text(value) == s.prefill else "entered"
    return XlsxRead(form, notes)


def _open(data: bytes, source: str, data_only: bool):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not data.startswith(b"PK"):
        hint = "（旧版 .xls 请在 Excel/WPS 中另存为 .xlsx）" if data.startswith(b"\xd0\xcf\x11\xe0") else ""
        raise FormError(f"不是 Excel（.xlsx）文件{hint}", source=source)
    if not data_only:  # once per file: the package is checked before openpyxl parses it
        from gongkai.forms.xlsx_safety import check_package

        check_package(data, source)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)
    # IndexError/AttributeError: a damaged part refers to an entry openpyxl does not have (the references
    # checked above are the common ones; style parts hold many more)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        TypeError,
        OSError,
        IndexError,
        AttributeError,
    ):
        raise FormError("无法打开 Excel 文件（文件可能已损坏）", source=source) from None


def _read_slots(wb, source: str) -> dict[str, Slot]:
    if CELLS_SHEET not in wb.sheetnames:
        raise FormError(
            f"缺少隐藏工作表 {CELLS_SHEET}：这不是 gongkai template 生成的填报文件，"
            "或该工作表被删除（请重新生成模板后填写）",
            source=source,
        )
    sheet_of_cells = wb[CELLS_SHEET]
    # one row per cell id (a few hundred); a stray far-away cell makes openpyxl's extent a million rows, each
    # materialised by iter_rows: refuse before walking it
    if sheet_of_cells.max_row > _MAX_SLOT_ROWS:
        raise FormError(
            f"隐藏工作表 {CELLS_SHEET} 有 {sheet_of_cells.max_row} 行，远超模板的单元格数，文件可能已损坏",
            source=source,
            code="E-LIMIT",
        )
    slots: dict[str, Slot] = {}
    for i, row in enumerate(sheet_of_cells.iter_rows(min_row=2, max_col=6, values_only=True), start=2):
        row = tuple(row) + (None,) * 6
        key, address, kind = (str(x).strip() if x is not None else "" for x in row[:3])
        if not key:
            continue
        sheet, _, ref = address.rpartition("!")
        try:
            r, c = _parse_a1(ref)
        except ValueError:
            raise FormError(f"{CELLS_SHEET} 第{i}行的位置“{address}”无效", source=source) from None
        if sheet not in wb.sheetnames:
            raise FormError(f"找不到工作表“{sheet}”（请勿重命名或删除模板中的工作表）", source=source)
        if key in slots:
            raise FormError(f"{CELLS_SHEET} 中编号 {key} 出现了两次", source=source)
        name, origin, prefill = (str(x) if x is not None else "" for x in row[3:6])
        slots[key] = Slot(key, sheet, r, c, kind, name, origin, prefill)
    if "meta.format" not in slots:
        raise FormError(f"{CELLS_SHEET} 中缺少年报格式（meta.format）", source=source)
    return slots


class _Book:
    """Cell access and formula evaluation over the workbook (formulas) and its saved results."""

    def __init__(self, wb, saved, source: str):
        self.wb, self.saved, self.source = wb, saved, source
        self.memo: dict[tuple[str, int, int], Any] = {}
        self.busy: set[tuple[str, int, int]] = set()

    def raw(self, s: Slot) -> Any:
        return self.wb[s.sheet].cell(row=s.row + 1, column=s.col + 1).value

    def formula_value(self, s: Slot, fmt: Format, notes: list[str]) -> Value:
        ours = self._eval(s.sheet, s.row, s.col)
        cached = self.saved[s.sheet].cell(row=s.row + 1, column=s.col + 1).value
        where = f"{s.sheet}!{a1(s.row, s.col)}（{s.name}）"
        if ours is _UNKNOWN:
            if cached is None or cached == "":
                raise FormError(f"{where} 的公式无法计算：请改为数字或各项之和（如 =SUM(B5:G5)）", source=self.source)
            return _cell_value(cached, fmt.cells[s.key].decimal)
        if _numeric(cached) and not _same(cached, ours):
            notes.append(
                f"{where}：按公式计算为 {'空白' if ours is None else ours}，文件中保存的结果为 {cached}，按保存的结果读取"
            )
            return _tidy(cached)
        if isinstance(cached, str) and cached.startswith("#"):  # a spreadsheet error (#VALUE! …) is what it shows
            notes.append(f"{where}：文件中保存的结果为错误值 {cached}")
            return cached
        return ours

    def _value_at(self, sheet: str, r: int, c: int) -> Any:
        v = self.wb[sheet].cell(row=r + 1, column=c + 1).value
        if isinstance(v, str) and v.startswith("="):
            return self._eval(sheet, r, c)
        return v

    def _eval(self, sheet: str, r: int, c: int) -> Any:
        key = (sheet, r, c)
        if key in self.memo:
            return self.memo[key]
        if key in self.busy:
            raise FormError(f"{sheet}!{a1(r, c)} 的公式存在循环引用", source=self.source)
        if len(self.busy) >= _MAX_FORMULA_DEPTH:  # checked before recursing deeper, never a RecursionError
            raise FormError(
                f"{sheet}!{a1(r, c)} 的公式引用链过长（超过 {_MAX_FORMULA_DEPTH} 层）",
                source=self.source,
                code="E-LIMIT",
            )
        self.busy.add(key)
        try:
            result = self._compute(sheet, str(self.wb[sheet].cell(row=r + 1, column=c + 1).value))
        finally:
            self.busy.discard(key)
        self.memo[key] = result
        return result

    def _compute(self, sheet: str, formula: str) -> Any:
        parsed = _parse_sum(formula, sheet)
        if parsed is None:
            return _UNKNOWN
        refs, blank_aware = parsed
        nums = []
        for ref_sheet, (r1, c1), (r2, c2) in refs:
            if ref_sheet not in self.wb.sheetnames:
                return _UNKNOWN
            if (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1) > _MAX_RANGE:
                return _UNKNOWN
            for r in range(min(r1, r2), max(r1, r2) + 1):
                for c in range(min(c1, c2), max(c1, c2) + 1):
                    v = self._value_at(ref_sheet, r, c)
                    if v is _UNKNOWN:
                        return _UNKNOWN
                    if _numeric(v):
                        nums.append(v)
        if not nums:
            return None if blank_aware else 0
        return _tidy(sum(nums))


_UNKNOWN = object()  # a formula we do not evaluate (not a sum of cells)
_REF = re.compile(
    r"(?<![A-Za-z0-9_.])(?:(?:'((?:[^']|'')+)'|([^\s'!(),=+:\"]+))!)?(\$?[A-Za-z]{1,3}\$?\d+)(?::(\$?[A-Za-z]{1,3}\$?\d+))?"
)
_SUM_ARGS = r"SUM\(R(?:,R)*\)"
_TERM = rf"(?:{_SUM_ARGS}|R)"
_PLAIN = re.compile(rf"{_TERM}(?:\+{_TERM})*")
_BLANK_AWARE = re.compile(rf'IF\(COUNT\(R(?:,R)*\)=0,"",({_TERM}(?:\+{_TERM})*)\)')


def _parse_sum(formula: str, sheet: str):
    """The references of a formula that only adds cells — ``=SUM(…)``, ``=A1+B2``, or our blank-aware
    ``=IF(COUNT(…)=0,"",SUM(…))`` — with whether it is blank-aware; None for any other formula."""
    body = re.sub(r"_xlfn\.|_xlws\.", "", formula.strip().lstrip("="))
    refs: list[tuple[str, tuple[int, int], tuple[int, int]]] = []

    def grab(m: re.Match) -> str:
        name = (m.group(1) or "").replace("''", "'") or m.group(2) or sheet
        start = _parse_a1(m.group(3))
        end = _parse_a1(m.group(4)) if m.group(4) else start
        refs.append((name, start, end))
        return "R"

    shape = _REF.sub(grab, body).replace(" ", "").upper()  # spaces only matter inside quoted sheet names
    m = _BLANK_AWARE.fullmatch(shape)
    if m:
        # only the SUM part adds; recount its references (they follow the COUNT's in order)
        n_count = shape[: shape.index('=0,""')].count("R")
        return refs[n_count:], True
    if _PLAIN.fullmatch(shape):
        return refs, False
    return None


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    return str(int_if_whole(raw)).strip()


def _cell_value(raw: Any, decimal: bool) -> Value | str:
    """A table cell in the form's vocabulary; text that is not a value is kept as typed."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if _numeric(raw):
        if decimal:
            return float(raw)
        return int(raw) if float(raw).is_integer() else float(raw)
    if isinstance(raw, (datetime, date)):
        return raw.isoformat()
    v = form_value(str(raw))
    if decimal and isinstance(v, int):
        return float(v)
    return v


def _year(raw: Any, source: str) -> int:
    if _numeric(raw) and float(raw).is_integer():
        return int(raw)
    m = re.fullmatch(r"\s*(\d{4})\s*年?\s*", str(raw or ""))
    if m:
        return int(m.group(1))
    shown = "（空白）" if raw is None or str(raw).strip() == "" else f"“{raw}”"
    raise FormError(f"{META_SHEET} 中的年度{shown}应为四位数字的年份，如 2024", source=source)


def _published(raw: Any, source: str) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if _numeric(raw):  # a date typed into a cell without a date format: the spreadsheet's day number
        from openpyxl.utils.datetime import from_excel

        try:
            return from_excel(raw).date()
        except (ValueError, OverflowError, AttributeError):
            pass
    text = str(raw).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise FormError(f"{META_SHEET} 中的发布日期“{text}”无法识别，请写成 2025-01-20 的形式或留空", source=source)


def _body_kind(raw: Any, source: str) -> str:
    text = _text(raw)
    if not text:
        return "department"
    by_name = {v: k for k, v in BODY_KIND_NAMES.items()}
    if text in by_name:
        return by_name[text]
    if text in BODY_KINDS:
        return text
    raise FormError(
        f"{META_SHEET} 中的机关类型“{text}”无效，应为 {'、'.join(BODY_KIND_NAMES.values())} 之一", source=source
    )


def _flag(raw: Any, source: str) -> bool:
    if raw is None or isinstance(raw, bool):
        return bool(raw)
    text = _text(raw).lower()
    if text in ("是", "yes", "y", "true", "1", "汇总"):
        return True
    if text in ("否", "no", "n", "false", "0", ""):
        return False
    raise FormError(f"{META_SHEET} 中的“是否汇总报告”应填“是”或“否”，而不是“{text}”", source=source)
