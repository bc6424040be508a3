"""The Chinese names of the finding vocabulary — severities, categories, review states, cell meanings — which the command
line and the workbench print, and which every filter accepts beside the codes (错误 or error)."""

from __future__ import annotations

from gongkai.errors import UnknownChoice
from gongkai.model import Meaning, Severity

# Chinese names of the finding vocabulary; the CLI's tables print them, and filters accept them
SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
CATEGORY_LABELS = {
    "identity_violation": "勾稽关系不符",
    "cell_missing": "单元格缺失",
    "cell_invalid": "单元格内容无效",
    "table_missing": "表格缺失",
    "table_layout": "表格格式不符",
    "old_format": "使用旧格式",
    "section_missing": "章节缺失",
    "section_empty": "章节无内容",
    "section_numbering": "章节编号错误",
    "narrative_mismatch": "正文与表格不符",
    "implausible_value": "数值不合常理",
    "fee_statement_missing": "未说明收费",
    "metadata_missing": "机关或年度不明",
    "carry_over_mismatch": "上年结转不符",
    "rollup_mismatch": "汇总不符",
    "late_publication": "逾期发布",
    "duplicate_content": "内容重复",
    "duplicate_report": "重复报告",
}
MEANING_LABELS = {
    Meaning.NUMBER: "数值",
    Meaning.ZERO: "零",
    Meaning.BLANK: "空白",
    Meaning.NOT_APPLICABLE: "不适用",
    Meaning.TEXT: "文字",
    Meaning.UNREADABLE: "无法识别",
}
STATUS_LABELS = {"pending": "待审核", "confirmed": "已确认", "dismissed": "已驳回"}
ROLLUP_LABELS = {"excluded": "不含", "included": "包含", "only": "只含"}


def choice(value: str | None, labels: dict, what: str) -> str | None:
    """The code of ``value``, given as the code (any case) or its Chinese name; None stays None."""
    if value is None:
        return None
    text = str(value.value if isinstance(value, Severity) else value).strip()
    for code, label in labels.items():
        key = code.value if isinstance(code, Severity) else code
        if text.lower() == key or text == label:
            return key
    names = "、".join(
        f"{label}（{code.value if isinstance(code, Severity) else code}）" for code, label in labels.items()
    )
    raise UnknownChoice(f"{what}应为 {names} 之一，而不是“{text}”")


__all__ = ["CATEGORY_LABELS", "MEANING_LABELS", "ROLLUP_LABELS", "SEVERITY_LABELS", "STATUS_LABELS", "choice"]
