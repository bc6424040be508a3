"""Rows of one cell per line, where the blank lines hold the positions (portal pages copied as text).

Two shapes: "dense" — the cells follow the row label on consecutive lines and an empty cell is a blank
line; "separator" — every label and cell line is followed by one blank line, and an empty cell is a blank
line too. The blank lines fix the columns only when every row of the table shows the same shape.
"""

from __future__ import annotations

from collections.abc import Sequence

from gongkai.document import Line
from gongkai.parsing.tokens import Kind, Token

# "dense": the cells follow the label on consecutive lines, an empty cell is a blank line.
# "separator": every label and cell line is followed by one blank line; an empty cell is a blank line too.
LINE_MODES = ("dense", "separator")


def line_slots(
    toks: list[Token], label_end: int, end_line: int | None, m: int, mode: str, lines: Sequence[Line]
) -> list[Token] | None:
    """The row's m cells read from the lines between its label and the next text, or None when the lines do
    not have exactly the shape of ``mode`` (each cell line holds one value or nothing)."""
    if end_line is None or any(t.piped or t.kind is not Kind.VALUE for t in toks):
        return None
    dense = mode == "dense"
    if end_line - label_end - 1 != (m if dense else 2 * m + 1):
        return None
    by_line: dict[int, Token] = {}
    for t in toks:
        if t.line in by_line:
            return None
        by_line[t.line] = t

    def blank(no: int) -> bool:
        return no not in by_line and 0 < no <= len(lines) and not lines[no - 1].text.strip()

    if not dense and not all(blank(label_end + 1 + 2 * j) for j in range(m + 1)):
        return None
    placed: list[Token] = []
    for j in range(m):
        no = label_end + 1 + j if dense else label_end + 2 + 2 * j
        if no in by_line:
            placed.append(by_line.pop(no))
        elif blank(no):
            line = lines[no - 1]
            placed.append(Token(Kind.BLANK, "", line.offset, no, 1))
        else:
            return None
    return placed if not by_line else None


def line_mode(rows: list[tuple[list[Token], int, int, int]], lines: Sequence[Line] | None) -> str | None:
    """The line mode every row of a table agrees with (at least two rows), or None. ``rows``: each row's
    cells, the line its label ends on, the line of the next text and its number of columns. One row that
    does not fit (cells dropped rather than left blank, a wrapped value) makes the blank lines meaningless."""
    if lines is None or len(rows) < 2:
        return None
    for mode in LINE_MODES:
        if all(line_slots(toks, label_end, end, m, mode, lines) is not None for toks, label_end, end, m in rows):
            return mode
    return None


__all__ = ["LINE_MODES", "line_mode", "line_slots"]
