"""The row reader of the standard tables: labels matched to rows in the standard order, and values placed
in columns only with certainty (see :mod:`gongkai.parsing.tables`, which locates the tables and their variants).
"""

from __future__ import annotations


from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz

from gongkai.document import Line
from gongkai.model import Cell, Meaning, ParseIssue, TableInfo
from gongkai.parsing.labels import key, strip_numbering
from gongkai.parsing.line_cells import line_slots
from gongkai.parsing.tokens import Kind, Token
from gongkai.parsing.values import classify
from gongkai.standard import Group, Row

LOOKAHEAD = 8  # how many rows ahead a label may be matched (rows can be missing)
FUZZY_MIN_LEN = 8
FUZZY_SCORE = 85.0


@dataclass(slots=True)
class _Label:
    row: int | None  # index into the rows list, or None for a group label
    group: str | None
    keys: tuple[str, ...]
    official: str
    aliases: frozenset[str]


@dataclass
class TablesResult:
    cells: dict[str, Cell] = field(default_factory=dict)
    tables: dict[str, TableInfo] = field(default_factory=dict)
    issues: list[ParseIssue] = field(default_factory=list)
    cut_inside_table: bool = False
    proactive_variant: str | None = None
    requests_variant: str | None = None
    line_ranges: list[tuple[int, int]] = field(default_factory=list)
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)  # table -> (first line, last line)
    filler_dropped: dict[str, int] = field(default_factory=dict)  # table -> surplus blank cells passed over


def _label_keys(label: str, aliases: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str]]:
    keys: list[str] = []
    alias_keys: set[str] = set()
    for i, text in enumerate((label, *aliases)):
        for k in (key(text), strip_numbering(key(text))):
            if len(k) >= 2 and k not in keys and (k == key(text) or len(k) >= 4):
                keys.append(k)
                if i:
                    alias_keys.add(k)
    return tuple(keys), frozenset(alias_keys)


@cache
def _labels_for(rows: tuple[Row, ...], groups: tuple[Group, ...] = ()) -> tuple[_Label, ...]:
    labels = []
    for i, r in enumerate(rows):
        keys, alias_keys = _label_keys(r.label, r.aliases)
        labels.append(_Label(i, r.group, keys, r.label, alias_keys))
    for g in groups:
        keys, _ = _label_keys(g.label, ())
        labels.append(_Label(None, g.id, keys, g.label, frozenset()))
    return tuple(labels)


def _fits(cells: list[Token], m: int) -> range:
    """Offsets o at which a row of more cells than its m columns leaves only blank filler outside o..o+m."""
    k = len(cells)
    printed = [j for j, t in enumerate(cells) if t.kind is not Kind.BLANK]
    if not printed:
        return range(k - m + 1)
    return range(max(0, printed[-1] - m + 1), min(printed[0], k - m) + 1)


def _unpadded(cells: list[Token], m: int) -> list[Token]:
    """The row's cells without the padding lines at its end (see :attr:`Token.filler`)."""
    while len(cells) > m and cells[-1].filler:
        cells = cells[:-1]
    return cells


def _place(cells: list[Token], m: int, cut_here: bool) -> tuple[list[Token | None], str]:
    """Place a row's printed cells into its m columns; see the module docstring."""
    cells = _unpadded(cells, m)
    k = len(cells)
    if k == m:
        return list(cells), "ok"
    if k > m:
        # The surplus must be blank filler (colspan leftovers, row openers), and every placement that treats
        # it so must put each value in the same column; otherwise the row is ambiguous (its table may tell).
        fits = _fits(cells, m)
        if not fits:
            return [None] * m, "long"
        # two offsets put a printed value in different columns; only an all-blank row reads alike at every one
        if len(fits) == 1 or all(t.kind is Kind.BLANK for t in cells):
            return list(cells[fits[0] : fits[0] + m]), "ok"
        return [None] * m, "ambiguous"
    if cut_here:
        kept = list(cells)
        if kept and not kept[-1].terminated:
            kept.pop()  # the last printed value may itself be cut short
        return kept + [None] * (m - len(kept)), "cut"
    return [None] * m, "short"


def _filler_sides(reader: _RowReader) -> list[str]:
    """Where the blank filler stands in each row of this table that shows it unambiguously: "end" (values
    right after the label, filler after them), "start" (filler between label and values) or "middle"."""
    sides = []
    for idx, toks in reader.row_cells.items():
        m = len(reader.rows[idx].cells)
        toks = _unpadded(toks, m)
        if len(toks) > m and all(t.piped for t in toks):
            fits = _fits(toks, m)
            if len(fits) == 1:
                sides.append("end" if fits[0] == 0 else "start" if fits[0] == len(toks) - m else "middle")
    return sides


def _agreed_side(own: list[str], other: list[str]) -> str | None:
    """The filler side that the rows of this table and of the document's other table (laid out by the same
    hand or tool) agree on: at least two rows, none disagreeing."""
    sides = own + other
    if len(sides) >= 2 and len(set(sides)) == 1 and sides[0] != "middle":
        return sides[0]
    return None


def _filler_choice(cells: list[Token], m: int) -> bool:
    """Whether the placement of the row chose between several ways of passing over surplus blanks, each
    putting the values in other columns (for the reading report: the placement rests on the filler side
    that the document's other rows showed)."""
    cells = _unpadded(cells, m)
    if len(cells) <= m or all(c.kind is Kind.BLANK for c in cells):
        return False
    return len(_fits(cells, m)) > 1


def _make_cell(cell_id: str, tok: Token) -> Cell:
    if tok.kind is Kind.BLANK:
        return Cell(cell_id, "", Meaning.BLANK, None, tok.position)
    cv = classify(tok.raw)
    return Cell(cell_id, tok.raw, cv.meaning, cv.value, tok.position, cv.unit)


class _RowReader:
    """Walks one table region, matching row labels in order and collecting the cells after each."""

    def __init__(self, table: str, rows: tuple[Row, ...], labels: tuple[_Label, ...]):
        self.table = table
        self.rows = rows
        self.labels = labels
        # labels by the last two characters of their keys: a label can only match an accumulated text
        # ending in the same two characters
        self.by_tail: dict[str, list[tuple[_Label, str]]] = {}
        for lab in labels:
            for k in lab.keys:
                self.by_tail.setdefault(k[-2:], []).append((lab, k))
        self.group_last_row = {
            g: max(i for i, r in enumerate(rows) if r.group == g) for g in {r.group for r in rows if r.group}
        }
        self.row_cells: dict[int, list[Token]] = {}
        self.row_label_tok: dict[int, Token] = {}
        self.row_label_cells: dict[int, int] = {}  # piped label cells before the row's values (group labels too)
        self.row_label_end: dict[int, int] = {}  # the line of the label's last token
        self.row_end: dict[int, int] = {}  # the line of the first text after the row's label (None: region end)
        self.group_values: dict[str, list[Token]] = {}
        self.issues: list[ParseIssue] = []
        self.last_row: int | None = None
        self.open_at_end: int | None = None  # the row still collecting cells when the region ended

    def _match(self, acc: list[Token], next_idx: int, fuzzy: bool = False) -> tuple[_Label, bool] | None:
        acc_key = "".join(t.key for t in acc)
        if not acc_key:
            return None
        best: tuple[int, _Label, bool] | None = None
        for lab, k in self.by_tail.get(acc_key[-2:], ()):
            if lab.row is not None and not next_idx <= lab.row < next_idx + LOOKAHEAD:
                continue
            if lab.row is None and self.group_last_row.get(lab.group or "", next_idx) < next_idx:
                continue
            if acc_key.endswith(k) and (best is None or len(k) > best[0]):
                best = (len(k), lab, k in lab.aliases)
        if best or not fuzzy:
            return (best[1], best[2]) if best else None
        # typos: fuzzy match against the next expected rows only, once the label is complete
        for lab in self.labels:
            if lab.row is None or not next_idx <= lab.row < next_idx + 2:
                continue
            k = lab.keys[0]
            if len(k) >= FUZZY_MIN_LEN and len(acc_key) >= len(k) - 2:
                tail = acc_key[-len(k) :]
                if fuzz.ratio(tail, k) >= FUZZY_SCORE:
                    return lab, True
        return None

    def read(self, tokens: list[Token], start: int, end: int) -> None:
        acc: list[Token] = []
        current: int | None = None
        group: str | None = None
        next_idx = 0
        label_cells = 0
        for i in range(start, end):
            tok = tokens[i]
            if tok.kind is Kind.TEXT:
                if self.last_row is not None and self.last_row not in self.row_end:
                    self.row_end[self.last_row] = tok.line
                acc.append(tok)
                label_cells += tok.piped
                hit = self._match(acc, next_idx)
                if hit:
                    current, group, next_idx = self._start(hit, acc, next_idx)
                    if current is not None:
                        self.row_label_cells[current] = label_cells
                        label_cells = 0
                    acc = []
                    continue
                if current is not None and self._text_cell(tok, current):
                    acc.pop()
                    self.row_cells[current].append(tok)
                    continue
                if current is not None and self.row_cells[current]:
                    current = None  # text that is no label ends the row
                continue
            # value or blank cell: a label with a typo is matched now that it is complete
            if acc and tok.kind is Kind.VALUE:
                hit = self._match(acc, next_idx, fuzzy=True)
                if hit:
                    current, group, next_idx = self._start(hit, acc, next_idx)
                    if current is not None:
                        self.row_label_cells[current] = label_cells
            acc = []
            label_cells = 0
            if current is not None:
                self.row_cells[current].append(tok)
            elif group is not None and tok.kind is Kind.VALUE:
                self.group_values.setdefault(group, []).append(tok)
        self.open_at_end = current
        if self.last_row is not None and self.last_row not in self.row_end and end < len(tokens):
            self.row_end[self.last_row] = tokens[end].line

    def _start(self, hit: tuple[_Label, bool], acc: list[Token], next_idx: int) -> tuple[int | None, str | None, int]:
        """A label was recognised: start its row (or enter its group)."""
        lab, variant = hit
        if variant:
            raw = " ".join(t.raw for t in acc)
            self.issues.append(
                ParseIssue(
                    "label_variant",
                    f"非标准标签「{raw}」按「{lab.official}」识别",
                    row=self.rows[lab.row].id if lab.row is not None else lab.group,
                    position=acc[0].position,
                    raw=raw,
                )
            )
        if lab.row is None:
            return None, lab.group, next_idx
        self.row_cells[lab.row] = []
        self.row_label_tok[lab.row] = acc[0]
        self.row_label_end[lab.row] = acc[-1].line
        self.row_end.pop(lab.row, None)
        self.last_row = lab.row
        return lab.row, self.rows[lab.row].group, lab.row + 1

    def _text_cell(self, tok: Token, row: int) -> bool:
        """A piped text in a row still missing cells is a value cell: a short one with a digit ("约300"), or
        any text whose separators fix its column ("无数据" on the row's own line, or on the line right after
        the row's cells when each has a line of its own): dropping it would shift the values after it."""
        cells = self.row_cells[row]
        if not tok.piped or len(cells) >= len(self.rows[row].cells):
            return False
        if len(tok.raw) <= 10 and any(ch.isdigit() for ch in tok.raw):
            return True
        label_line = self.row_label_end[row]
        return tok.line == label_line or (
            tok.line == label_line + len(cells) + 1 and all(c.line == label_line + 1 + i for i, c in enumerate(cells))
        )


def _typical_widths(reader: _RowReader) -> dict[int, int]:
    """For piped rows: the usual printed width (label cells + cells) of rows with m columns. In tables copied
    from HTML every row spans the same number of cells, so a row narrower than its peers lacks a cell."""
    widths: dict[int, list[int]] = {}
    for idx, toks in reader.row_cells.items():
        if toks and all(t.piped for t in toks) and reader.row_label_cells.get(idx):
            widths.setdefault(len(reader.rows[idx].cells), []).append(reader.row_label_cells[idx] + len(toks))
    typical = {}
    for m, ws in widths.items():
        mode = max(set(ws), key=ws.count)
        if ws.count(mode) >= 3:
            typical[m] = mode
    return typical


def _assign_rows(
    reader: _RowReader,
    result: TablesResult,
    cut_at_end: bool,
    cut_row: int | None,
    line_mode: str | None,
    lines: Sequence[Line] | None,
    side: str | None,
) -> bool:
    """Place every row's cells; True when the text ends inside a row that still lacks cells."""
    cut_short = False
    typical = _typical_widths(reader)
    last_printed = max(reader.row_cells, default=None)
    for idx, toks in reader.row_cells.items():
        row = reader.rows[idx]
        m = len(row.cells)
        placed, status = _place(toks, m, cut_here=cut_at_end and idx == cut_row)
        if status == "ambiguous" and side is not None and all(t.piped for t in toks):
            # the table's other rows show on which side the filler stands; this row is read the same way
            cells = _unpadded(toks, m)
            o = 0 if side == "end" else len(cells) - m
            if o in _fits(cells, m):
                placed, status = list(cells[o : o + m]), "ok"
        if status == "short" and line_mode is not None and lines is not None:
            slots = line_slots(toks, reader.row_label_end[idx], reader.row_end.get(idx), m, line_mode, lines)
            if slots is not None:
                placed, status = list(slots), "ok"
        width = reader.row_label_cells.get(idx, 0) + len(toks)
        if (
            status == "ok"
            and len(toks) > m
            and idx != last_printed
            and m in typical
            and width < typical[m]
            and any(t is not None and t.kind is Kind.BLANK for t in placed)
        ):
            # padded with filler like its peers but narrower than them, and a blank would fill a column:
            # a cell is missing, and which one cannot be told; placing the values would shift them
            placed, status = [None] * m, "narrow"
        for cid, tok in zip(row.cells, placed):
            if tok is not None:
                result.cells[cid] = _make_cell(cid, tok)
        if status == "ok" and _filler_choice(toks, m):  # recorded for the reading report
            result.filler_dropped[reader.table] = result.filler_dropped.get(reader.table, 0) + len(toks) - m
        missing = [cid for cid, tok in zip(row.cells, placed) if tok is None]
        cut_short |= status == "cut" and bool(missing)
        label_pos = reader.row_label_tok[idx].position
        printed = " ".join(t.raw or "□" for t in toks)
        if status == "short":
            result.issues.append(
                ParseIssue(
                    "row_short",
                    f"「{row.label}」一行印有{len(toks)}个数值，应为{m}个，无法确定各值所属列",
                    row=row.id,
                    cells=missing,
                    position=label_pos,
                    raw=printed,
                )
            )
        elif status == "narrow":
            result.issues.append(
                ParseIssue(
                    "row_short",
                    f"「{row.label}」一行比同表其他行少了单元格（印有{width}格，其他行{typical[m]}格），"
                    f"无法确定缺的是哪一列",
                    row=row.id,
                    cells=missing,
                    position=label_pos,
                    raw=printed,
                )
            )
        elif status == "long":
            result.issues.append(
                ParseIssue(
                    "row_long",
                    f"「{row.label}」一行印有{len(toks)}个单元格，多于{m}列",
                    row=row.id,
                    cells=missing,
                    position=label_pos,
                    raw=printed,
                )
            )
        elif status == "ambiguous":
            result.issues.append(
                ParseIssue(
                    "row_long",
                    f"「{row.label}」一行印有{len(toks)}个单元格，多于{m}列，多出的空白格可能在数值之前或之后，"
                    f"无法确定各值所属列",
                    row=row.id,
                    cells=missing,
                    position=label_pos,
                    raw=printed,
                )
            )
    return cut_short


def _assign_group_values(reader: _RowReader, result: TablesResult) -> None:
    for group, toks in reader.group_values.items():
        children = [i for i, r in enumerate(reader.rows) if r.group == group]
        if not children or any(reader.row_cells.get(i) for i in children):
            if toks:  # values printed under the group label beside labelled rows: a subtotal row
                result.issues.append(
                    ParseIssue(
                        "row_long", f"分组「{group}」下有额外的合计行（非标准）", row=group, position=toks[0].position
                    )
                )
            continue
        m = len(reader.rows[children[0]].cells)
        need = m * len(children)
        uniform = len({t.raw for t in toks}) == 1
        ids = [cid for i in children for cid in reader.rows[i].cells]
        if len(toks) == need or (len(toks) > need and uniform):
            for cid, tok in zip(ids, toks):
                result.cells[cid] = _make_cell(cid, tok)
            for i in children:
                reader.row_cells.setdefault(i, [])
        result.issues.append(
            ParseIssue(
                "unlabelled_values",
                f"分组下的行标签缺失，印有{len(toks)}个数值（应为{need}个）"
                + (
                    "，各值相同，已按位置读取"
                    if len(toks) >= need and (uniform or len(toks) == need)
                    else "，无法确定所属行列"
                ),
                row=group,
                cells=[] if len(toks) >= need else ids,
                position=toks[0].position,
            )
        )
