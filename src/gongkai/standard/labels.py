"""How the standard format names things in print: Chinese numerals, "一、title" section headings, table titles and
the texts that mark a statistics table, the 第二十条 captions, format names and which format a year uses.

The facts themselves are in the format data (``data/*.json``); this module holds the few spellings the data does
not (numerals, marker words) and the helpers every layer uses instead of writing them again.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TypeVar

from gongkai.standard.formats import FORMAT_IDS, Format, find_cell, get_format

TABLES = ("proactive", "requests", "appeals")
CURRENT_FORMAT = FORMAT_IDS[0]  # the format in force ("2021")

# index = value; 〇 for 0 so that numeral(0) is still one character
NUMERALS = "〇一二三四五六七八九十"
NUMERAL_CHARS = NUMERALS[1:]  # 一 … 十, for regex character classes
NUMERAL_VALUES: MappingProxyType[str, int] = MappingProxyType({c: i for i, c in enumerate(NUMERALS) if i})
# the digits of a year written in Chinese (二〇二一年, 二○二一年, 二零二一年)
YEAR_DIGIT_CHARS = "〇○零一二三四五六七八九"
YEAR_DIGITS: MappingProxyType[str, int] = MappingProxyType(
    {**{c: i for i, c in enumerate(NUMERALS[:10])}, "○": 0, "零": 0}
)

# table -> number of its section, and back (the same in every format; tests/standard checks it)
TABLE_SECTION: MappingProxyType[str, int] = MappingProxyType(dict(get_format(CURRENT_FORMAT).table_sections))
SECTION_TABLE: MappingProxyType[int, str] = MappingProxyType({no: t for t, no in TABLE_SECTION.items()})

# the items of 第二十条 that have a table block in some format
_ARTICLE_20_ITEMS = "一五六八九"
# 第二十条第（一）项 and its printed variants (第二十条(一)项, 第二十条  第( 一 )项)
ARTICLE_20_CAPTION = re.compile(rf"第二十条\s*第?\s*[（(]\s*[{_ARTICLE_20_ITEMS}]\s*[)）]\s*项")
# the same caption as a label key (parsing.labels.key drops brackets and spaces)
ARTICLE_20_KEY = re.compile(rf"第二十条第?[{_ARTICLE_20_ITEMS}]项")

# texts that only a statistics table of the standard format holds (a reader keeps the element that has one)
TABLE_MARKERS = ("申请人情况", "第二十条第", "结果维持", "本年新收", "信息内容")
# header words of table 二 in each format: which variant a table follows
PROACTIVE_2019_MARKERS = (
    "本年新制作",
    "本年新公开",
    "对外公开总数",
    "上一年项目数量",
    "本年增减",
    "采购项目数量",
    "采购总金额",
    "政府集中采购",
    "其他对外管理服务事项",
    "第二十条第九项",
    "第二十条九项",
)
PROACTIVE_2021_MARKERS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额")
# the column header of one 第二十条 block of table 二 tells its shape (a table may mix them, issue 11 class 2):
# the 2019 columns of （五）（六）（八） carry 上一年项目数量 and 本年增/减; the 2021 ones only 处理决定数量 or 收费金额
PROACTIVE_2019_BLOCK_COLUMNS = (
    "本年新制作",
    "本年新公开",
    "对外公开总数",
    "上一年项目数量",
    "本年增减",
    "采购项目数量",
    "采购总金额",
)
PROACTIVE_2021_BLOCK_COLUMNS = ("本年制发件数", "本年废止件数", "现行有效件数", "处理决定数量", "收费金额")
REQUESTS_ANCHORS = ("勾稽关系", "申请人情况")
APPEALS_ANCHORS = ("复议后起诉", "未经复议直接起诉")
REQUESTS_2021_MARKERS = ("逾期不补正", "逾期未按收费通知")
# a line that is one of the six section headings as web pages print them (一、总体情况 …)
SECTION_HEADING_LINE = re.compile(
    r"^\s*[一二三四五六七八][、.．]\s*(?:总体情况|主动公开|收到和处理|政府信息公开行政复议|.{0,6}行政复议|"
    r"存在的主要问题|其他需要报告|其他需报告)"
)
# header cells the official tables print above the labels
APPLICANTS_HEADER = "申请人情况"
CONTENT_HEADER = "信息内容"

# names of the parser's format outcomes that are not a format
_OUTCOME_NAMES = {"mixed": "新旧格式混用", "unknown": "无法判断"}


def numeral(n: int) -> str:
    """一 for 1 … 十 for 10; other numbers in digits."""
    return NUMERALS[n] if 0 <= n <= 10 else str(n)


# the short name of each table: 表二, 表三, 表四
TABLE_NAMES: MappingProxyType[str, str] = MappingProxyType({t: f"表{numeral(no)}" for t, no in TABLE_SECTION.items()})


def numbered_heading(no: int, title: str) -> str:
    """一、总体情况: a section heading as the format numbers it."""
    return f"{numeral(no)}、{title}"


def section_heading(fmt: Format, no: int) -> str:
    """一、总体情况 for section 1."""
    return numbered_heading(no, next(s.title for s in fmt.sections if s.no == no))


def table_title(fmt: Format, table: str) -> str:
    """The heading of the section that holds a table: 三、收到和处理政府信息公开申请情况."""
    return section_heading(fmt, TABLE_SECTION[table])


def table_heading(fmt: Format, table: str) -> str:
    """表三　收到和处理政府信息公开申请情况: a table's short name and its section's title."""
    no = TABLE_SECTION[table]
    return f"{TABLE_NAMES[table]}　{next(s.title for s in fmt.sections if s.no == no)}"


def cell_label(cell_id: str, format_id: str | None = None) -> str:
    """A cell's official path label (第二十条第（一）项/规章/本年制发件数), the id itself for an unknown cell. With
    ``format_id`` only that format is asked; without, the current format and then the other one."""
    spec = get_format(format_id).cells.get(cell_id) if format_id else find_cell(cell_id)
    return spec.label if spec is not None else cell_id


def format_for_year(year: int | None) -> str:
    """The format a report of ``year`` must use (the newest one when the year is not known)."""
    for format_id in FORMAT_IDS:
        if year is None or year >= get_format(format_id).applies_from_year:
            return format_id
    return FORMAT_IDS[-1]


def other_format(format_id: str) -> str:
    """The other of the two formats."""
    return next(f for f in FORMAT_IDS if f != format_id)


def format_name(format_id: str) -> str:
    """2021年版（国办公开办函〔2021〕30号）; 新旧格式混用 / 无法判断 for the parser's other outcomes."""
    if format_id in FORMAT_IDS:
        return get_format(format_id).full_name
    return _OUTCOME_NAMES.get(format_id, format_id)


def chinese_number(text: str) -> int | None:
    """二〇二四 → 2024 (digit by digit), 十二 → 12, 二十六 → 26; None for anything else."""
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = YEAR_DIGITS.get(head, -1) if head else 1
        ones = YEAR_DIGITS.get(tail, -1) if tail else 0
        if tens < 0 or ones < 0:
            return None
        return tens * 10 + ones
    out = 0
    for c in text:
        if c not in YEAR_DIGITS:
            return None
        out = out * 10 + YEAR_DIGITS[c]
    return out


_V = TypeVar("_V")


def int_if_whole(value: _V) -> _V | int:
    """A float that is a whole number as an int (2.0 → 2); every other value unchanged."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
