"""Text cells on a piped value row without a label (table 四's one row of fifteen cells).

A piped line fixes each cell's column by its separators, so a text cell printed where a value stands ("无数据")
holds that column: dropping it would shift every value after it. Text between the row's value cells is
always one of its cells. Text at either end of the line may be a cell or a label/remark beside the row;
:func:`value_row_spans` gives every reading, and the caller places the row only when those that fit agree.
"""

from __future__ import annotations

from gongkai.parsing.tokens import Kind, Token


def _on_line(tok: Token, line: int) -> bool:
    return tok.piped and tok.line == line


def value_row_spans(tokens: list[Token], start: int, end: int, a: int, first: int, b: int) -> list[tuple[int, int]]:
    """Candidate spans of the value row tokens[a:b] (cells from the first value up to the first text):
    the span widened over piped text cells between cells of the same line first, then with and without
    the piped text cells at each end of that line. The first span is the row without end texts. ``first``
    is the row's first value: its line is the row's line (blanks before it may stand on the line above)."""
    if first >= b or not tokens[first].piped:
        return [(a, b)]
    line = tokens[first].line
    while True:  # text cells inside the row: cells followed by more of the row's cells on the line
        c = b
        while c < end and tokens[c].kind is Kind.TEXT and _on_line(tokens[c], line):
            c += 1
        if c == b or c >= end or tokens[c].kind is Kind.TEXT or tokens[c].line != line:
            break
        b = c
        while b < end and tokens[b].kind is not Kind.TEXT:
            b += 1
    la = a
    while (
        la > start
        and _on_line(tokens[la - 1], line)
        and not tokens[la - 1].filler
        and tokens[la - 1].kind in (Kind.TEXT, Kind.BLANK)
    ):
        la -= 1
    while la < a and tokens[la].kind is Kind.BLANK:  # blanks before the text were already a's choice
        la += 1
    tb = b
    while tb < end and tokens[tb].kind is not Kind.VALUE and _on_line(tokens[tb], line):
        tb += 1
    spans = [(a, b)]
    for span in ((la, b), (a, tb), (la, tb)):
        if span not in spans:
            spans.append(span)
    return spans


__all__ = ["value_row_spans"]
