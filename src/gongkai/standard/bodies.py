"""Name endings of reporting bodies (机关的名称后缀), as data for the metadata reader.

A name is read as a body only when it ends in one of these. Longest first, so that an alternation prefers
街道办事处 over 街道 and 人民政府 over 政府.
"""

from __future__ import annotations

__all__ = ["BODY_SUFFIXES", "BROAD_SUFFIXES"]

BODY_SUFFIXES: tuple[str, ...] = (
    "街道办事处",
    "人民政府",
    "管理委员会",
    "委员会",
    "管委会",
    "办事处",
    "办公室",
    "中心",
    "政府",
    "街道",
    "街办",
    "公司",
    "集团",
    "局",
    "镇",
    "乡",
    "委",
    "院",
    "厅",
    "署",
    "处",
    "所",
    "站",
    "队",
    "馆",
    "办",
    "社",
    "部",
    "会",
    "旗",
    "县",
    "区",
    "市",
)
# Endings too common in running prose (本区, 全市, 大会, 各部 …) to mark the subject of a sentence as a body.
BROAD_SUFFIXES: frozenset[str] = frozenset({"区", "县", "市", "旗", "会", "部", "社"})
