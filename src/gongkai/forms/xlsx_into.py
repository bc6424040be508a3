"""Writing tallied cells into a workbook made by ``gongkai template`` (``gongkai tally --into 年报.xlsx``).

Only the tallied input cells change (their value, and their origin in ``_cells`` so that reading the workbook
back marks them ``tally``); formulas, texts, metadata and every other cell stay as they were. A cell that is a
formula in the workbook (a total) is left to its formula."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from gongkai.errors import os_reason
from gongkai.spec import NOT_APPLICABLE, Value
from gongkai.errors import FormError
from gongkai.forms.xlsx import CELLS_SHEET, _numeric, _prefill_text
from gongkai.forms.xlsx_read import _open, _read_slots, _year


@dataclass(frozen=True, slots=True)
class IntoResult:
    written: list[str]  # cell ids written
    kept_formulas: list[str]  # tallied cells that are formulas in the workbook (left to compute)


def write_into_xlsx(
    path: str | Path, values: dict[str, Value], *, year: int, format_id: str | None, origin: str = "tally"
) -> IntoResult:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FormError(f"无法读取文件：{os_reason(exc)}", source=str(p)) from None
    wb = _open(data, str(p), data_only=False)
    slots = _read_slots(wb, str(p))
    fmt_slot = slots["meta.format"]
    book_format = str(wb[fmt_slot.sheet].cell(fmt_slot.row + 1, fmt_slot.col + 1).value or "").removesuffix(".0")
    if format_id and book_format != format_id:
        raise FormError(
            f"表单使用 {book_format} 年版格式（{fmt_slot.address}），与 --format {format_id} 不一致", source=str(p)
        )
    if "meta.year" in slots:
        ys = slots["meta.year"]
        book_year = _year(wb[ys.sheet].cell(ys.row + 1, ys.col + 1).value, str(p))
        if book_year != year:
            raise FormError(f"表单的年度为 {book_year} 年（{ys.address}），与 --year {year} 不一致", source=str(p))
    rows = {str(r[0].value): r for r in wb[CELLS_SHEET].iter_rows(min_row=2) if r and r[0].value}
    written, kept = [], []
    for cid, v in values.items():
        s = slots.get(cid)
        if s is None:
            raise FormError(f"填报文件中没有单元格 {cid}（请用 gongkai template 重新生成）", source=str(p))
        cell = wb[s.sheet].cell(s.row + 1, s.col + 1)
        if s.kind == "formula" or (isinstance(cell.value, str) and cell.value.startswith("=")):
            kept.append(cid)
            continue
        if s.kind != "input":
            raise FormError(f"{s.address} 不是可填写的单元格（{cid}）", source=str(p))
        cell.value = "/" if v == NOT_APPLICABLE else v if v is None or _numeric(v) else str(v)
        meta_row = rows.get(cid)
        if meta_row is not None and len(meta_row) >= 6:
            meta_row[4].value = origin
            meta_row[5].value = _prefill_text(v)
        written.append(cid)
    buf = io.BytesIO()
    wb.save(buf)
    try:
        p.write_bytes(buf.getvalue())
    except OSError as exc:
        raise FormError(f"无法写入文件：{os_reason(exc)}", source=str(p)) from None
    return IntoResult(written, kept)
