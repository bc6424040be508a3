"""Table 二 whose blocks are in different formats (issue 11 class 2): （一） in the 2019 columns but
（五）（六）（八） in the 2021 shape. Each 第二十条第（X）项 block is read by its own column header."""

from __future__ import annotations

import re

from gongkai.parsing.tokens import Kind, Token
from gongkai.standard import Format, Row

# 第二十条第（一）项 and its variants (第二十条(一)项, 第二十条  第(一)项) as a label key
CAPTION = re.compile(r"第二十条第?[一五六八九]项")
# a block's own column header tells its shape: the 2019 columns of （五）（六）（八） carry 上一年项目数量 and
# 本年增/减; the 2021 ones only 处理决定数量 or 收费金额
_BLOCK_2019 = ("本年新制作", "本年新公开", "对外公开总数", "上一年项目数量", "本年增减", "采购项目数量", "采购总金额")
_BLOCK_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "处理决定数量", "收费金额")


def block_variants(tokens: list[Token], start: int, end: int) -> list[tuple[str, str | None]]:
    """(item, variant) for each 第二十条第（X）项 block of table 二 in order, the variant read from the block's
    own column header: "2019" (a column only 2019 has; 处理决定数量 is in both), "2021" or None (no column
    named)."""
    blocks: list[list] = []  # [item, names a 2019 column, names a 2021 column]
    for i in range(start, end):
        t = tokens[i]
        if t.kind is not Kind.TEXT:
            continue
        m = CAPTION.search(t.key)
        if m:
            blocks.append([m.group()[-2], False, False])
        elif blocks:
            old = any(k in t.key for k in _BLOCK_2019)
            blocks[-1][1] |= old
            blocks[-1][2] |= not old and any(k in t.key for k in _BLOCK_2021)
    return [(item, "2019" if old else "2021" if new else None) for item, old, new in blocks]


def hybrid_rows(blocks: list[tuple[str, str | None]], f19: Format, f21: Format) -> tuple[Row, ...] | None:
    """The rows of a table 二 whose blocks are in different formats (（一） in the 2019 columns, （五）（六）（八）
    in the 2021 ones): each block's rows in its own format. None unless every block's header is clear and
    both formats occur."""
    variants = [v for _, v in blocks]
    if None in variants or len(set(variants)) < 2:
        return None
    rows: list[Row] = []
    for item, variant in blocks:
        fmt = f19 if variant == "2019" else f21
        block = [r for r in fmt.proactive_rows if r.caption and f"（{item}）" in r.caption]
        if not block:
            return None
        rows.extend(block)
    return tuple(rows)


__all__ = ["CAPTION", "block_variants", "hybrid_rows"]
