"""Table 二 whose blocks are in different formats (issue 11 class 2): （一） in the 2019 columns but
（五）（六）（八） in the 2021 shape. Each 第二十条第（X）项 block is read by its own column header."""

from __future__ import annotations

from typing import Any

from gongkai.parsing.tokens import Kind, Token
from gongkai.standard import Format, Row
from gongkai.standard.labels import ARTICLE_20_KEY, PROACTIVE_2019_BLOCK_COLUMNS, PROACTIVE_2021_BLOCK_COLUMNS

CAPTION = ARTICLE_20_KEY  # 第二十条第（一）项 and its variants as a label key
_BLOCK_2019 = PROACTIVE_2019_BLOCK_COLUMNS
_BLOCK_2021 = PROACTIVE_2021_BLOCK_COLUMNS


def block_variants(tokens: list[Token], start: int, end: int) -> list[tuple[str, str | None]]:
    """(item, variant) for each 第二十条第（X）项 block of table 二 in order, the variant read from the block's
    own column header: "2019" (a column only 2019 has; 处理决定数量 is in both), "2021" or None (no column
    named)."""
    blocks: list[list[Any]] = []  # [item, names a 2019 column, names a 2021 column]
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
