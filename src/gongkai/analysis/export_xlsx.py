"""What an XLSX export shows people (they live in Excel): Chinese column headers above the column ids, Chinese
values for the coded columns, the finding key first when rows carry one, and a wide table that keeps "/" apart
from blank. The workbook writing itself is :class:`gongkai.analysis.export.XlsxBook`; this module decides the
words only, so the CSV/Parquet/JSON exports (for programs) keep their ids and codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gongkai.standard.labels import TABLE_NAMES

HEADER_ROWS = 2  # row 1: Chinese header, row 2: column ids (standard cell ids in the wide table)

COLUMN_TITLES: dict[str, str] = {
    "key": "问题编号",
    "report_key": "报告标识（SHA-256）",
    "parse_id": "解析编号",
    "organization": "机关",
    "organization_printed": "报告所印机关名称",
    "year": "年度",
    "format": "格式版本",
    "is_rollup": "汇总报告",
    "published": "发布日期",
    "source": "文件名/路径",
    "table": "表",
    "cell_id": "单元格编号",
    "row_label": "行",
    "column_label": "列",
    "raw": "原文",
    "meaning": "含义",
    "value": "所填数值",
    "inferred_value": "推算值",
    "value_or_inferred": "数值（所填或推算）",
    "line": "行号",
    "page": "页码",
    "origin": "来源",
    "code": "规则代码",
    "category": "类别",
    "severity": "严重程度",
    "assessable": "可评估",
    "message": "说明",
    "expected": "应为",
    "stated": "所填",
    "difference": "差额",
    "cell_ids": "涉及单元格",
    "related_parse_ids": "相关报告解析编号",
    "fingerprint": "指纹",
    "review_decision": "审核状态",
    "review_comment": "审核意见",
    "reviewer": "审核人",
    "reviewed_at": "审核时间",
    "unit": "单位",
    "value_kind": "数值类型",
    "formats": "所在格式版本",
}

VALUE_WORDS: dict[str, dict[Any, str]] = {
    "severity": {"error": "错误", "warning": "警告", "info": "提示"},
    "review_decision": {None: "待复核", "": "待复核", "confirmed": "已确认", "dismissed": "已驳回"},
    "origin": {"report": "本报告", "cross": "跨报告"},
    "meaning": {
        "number": "数值",
        "zero": "零",
        "blank": "空白",
        "not_applicable": "不适用（/）",
        "text": "文字",
        "unreadable": "无法辨认",
    },
    "table": dict(TABLE_NAMES),
}
_YES_NO = {True: "是", False: "否"}


def column_order(names: Sequence[str]) -> list[int]:
    """Positions of the columns as shown: the finding key first when there is one, the rest as given."""
    first = [i for i, n in enumerate(names) if n == "key"]
    return first + [i for i in range(len(names)) if i not in first]


def column_title(name: str, cell_title: str | None = None) -> str:
    """The Chinese header of a column; a standard cell's column is titled by its 表/行/列 (``cell_title``)."""
    return COLUMN_TITLES.get(name) or cell_title or name


def shown_value(name: str, value: Any) -> Any:
    """The value as a person reads it: coded values in Chinese, booleans 是/否, anything else unchanged."""
    words = VALUE_WORDS.get(name)
    if words is not None and (value is None or isinstance(value, str)) and value in words:
        return words[value]
    if isinstance(value, bool):
        return _YES_NO[value]
    return value


NOT_APPLICABLE_MARK = "/"


def wide_cell(value_or_inferred: float | None, meaning: str | None) -> float | str | None:
    """A wide-table cell for people: the number, else "/" where the report printed "/", else empty (blank,
    text, unreadable or not stated stay empty: their raw text is in the long sheet)."""
    if value_or_inferred is not None:
        return value_or_inferred
    return NOT_APPLICABLE_MARK if meaning == "not_applicable" else None
