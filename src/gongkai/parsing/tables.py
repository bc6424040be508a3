"""Read the three standard tables out of the token stream.

Rows are found by their labels, in the standard order, wherever the layout put them; the values that
follow a label belong to that row. Values are placed in columns only with certainty: when a row prints
more cells than it has columns, the surplus must be blank filler and every placement that treats it so
must agree, or the document's other rows must show on which side of the values its filler stands; when it
prints fewer, nothing is placed, unless blank lines hold the positions (one cell per line, where every row
of the table shows that shape) or the document is cut off inside that row (the printed values are the
leading ones). Everything else is reported, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence


from gongkai.document import Line
from gongkai.model import ParseIssue, TableInfo
from gongkai.parsing.hybrid import block_variants, hybrid_rows
from gongkai.parsing.labels import key
from gongkai.parsing.line_cells import line_mode as shown_line_mode
from gongkai.parsing.line_cells import line_slots
from gongkai.parsing.piped import value_row_spans
from gongkai.parsing.table_rows import (
    TablesResult,
    _agreed_side,
    _assign_group_values,
    _assign_rows,
    _filler_choice,
    _filler_sides,
    _labels_for,
    _make_cell,
    _place,
    _RowReader,
    _unpadded,
)
from gongkai.parsing.tokens import Kind, Token
from gongkai.standard import Format, Group, Row, get_format
from gongkai.standard.labels import (
    APPEALS_ANCHORS,
    ARTICLE_20_KEY,
    PROACTIVE_2019_MARKERS,
    PROACTIVE_2021_MARKERS,
    REQUESTS_2021_MARKERS,
    REQUESTS_ANCHORS,
)

_T2_2019_MARKERS = PROACTIVE_2019_MARKERS
_T2_2021_MARKERS = PROACTIVE_2021_MARKERS
_CAPTION = ARTICLE_20_KEY  # 第二十条第（一）项 and its variants as a label key
_T3_ANCHORS = REQUESTS_ANCHORS
_T4_ANCHORS = APPEALS_ANCHORS
_T3_2021_MARKERS = REQUESTS_2021_MARKERS


def _first(tokens: list[Token], start: int, end: int, needles: tuple[str, ...]) -> int | None:
    for i in range(start, end):
        t = tokens[i]
        if t.kind is Kind.TEXT and any(n in t.key for n in needles):
            return i
    return None


def _variant_t2(tokens: list[Token], start: int, end: int) -> str:
    old = new = 0
    for i in range(start, end):
        t = tokens[i]
        if t.kind is Kind.TEXT:
            k = t.key
            old += any(m in k for m in _T2_2019_MARKERS) or k in ("本年新",)
            new += any(m in k for m in _T2_2021_MARKERS)
    return "2019" if old > new else "2021"


def _variant_t3(tokens: list[Token], start: int, end: int) -> str | None:
    for i in range(start, end):
        t = tokens[i]
        if t.kind is Kind.TEXT:
            if any(m in t.key for m in _T3_2021_MARKERS):
                return "2021"
            # 2019: （六）其他处理 is a row, followed by its values or (all its cells blank lines) by （七）总计
            if (
                t.key.endswith("六其他处理")
                and i + 1 < end
                and (tokens[i + 1].kind is not Kind.TEXT or "总计" in tokens[i + 1].key)
            ):
                return "2019"
    return None


def parse_tables(
    tokens: list[Token], section_starts: dict[int, int], lines: Sequence[Line] | None = None
) -> TablesResult:
    """``section_starts`` maps a standard section number to the token index of its heading; ``lines`` (the
    document's lines) let blank lines stand for empty cells where every row of a table shows that layout."""
    result = TablesResult()
    n = len(tokens)
    f21, f19 = get_format("2021"), get_format("2019")

    def sec(no: int) -> int | None:
        return section_starts.get(no)

    t2 = next((i for i, t in enumerate(tokens) if t.kind is Kind.TEXT and _CAPTION.search(t.key)), None)
    t3 = _first(tokens, t2 or 0, n, _T3_ANCHORS)
    if t3 is None:
        t3 = _first(tokens, t2 or 0, n, (key(f21.request_rows[0].label),))
    after3 = t3 if t3 is not None else (t2 or 0)
    t4 = _first(tokens, after3, n, _T4_ANCHORS)
    ends = [i for i in (sec(5), sec(6)) if i is not None and i > (t4 if t4 is not None else after3)]
    end = min(ends) if ends else n

    modes: list[str | None] = []  # the line mode each labelled table showed
    sides2: list[str] = []  # where table 二's rows put their blank filler
    # ---- 二、主动公开 ----
    if t2 is not None:
        stops = [i for i in (t3, sec(3), t4, sec(4), end) if i is not None and i > t2]
        t2_end = min(stops) if stops else n
        variant: str | None = _variant_t2(tokens, t2, t2_end)
        rows2 = (f19 if variant == "2019" else f21).proactive_rows
        hybrid = hybrid_rows(block_variants(tokens, t2, t2_end), f19, f21)
        if hybrid is not None:  # each block read by its own column header
            variant, rows2 = "mixed", hybrid
        mode, sides2 = _read_rows(tokens, t2, t2_end, "proactive", variant, rows2, (), result, lines, [])
        modes.append(mode)
        result.proactive_variant = variant

    # ---- 三、依申请 ----
    start3 = t3
    if start3 is None:
        # no anchor: look for the first row label itself
        start3 = _first(tokens, after3, n, (key(f21.request_rows[0].label), key(f21.request_rows[1].label)))
    if start3 is not None:
        stops = [i for i in (t4, sec(4), end) if i is not None and i > start3]
        t3_end = min(stops) if stops else n
        variant = _variant_t3(tokens, start3, t3_end)
        fmt = f19 if variant == "2019" else f21
        mode, _ = _read_rows(
            tokens, start3, t3_end, "requests", variant, fmt.request_rows, fmt.request_groups, result, lines, sides2
        )
        modes.append(mode)
        result.requests_variant = variant

    # ---- 四、复议诉讼 ----
    start4 = t4
    s4 = sec(4)
    if start4 is None and s4 is not None and (start3 is None or s4 > start3):
        start4 = s4
    if start4 is not None:
        # the value row of 四 has no label to confirm a line mode: it takes the mode the other tables showed
        shown = {mode for mode in modes if mode}
        # a table split by group has its first group label (行政复议) before the anchor: look from the heading
        head = s4 if s4 is not None and (start3 is None or s4 > start3) and s4 < start4 else start4
        _read_appeals(tokens, start4, end, f21, result, shown.pop() if len(shown) == 1 else None, lines, head)
    return result


def _read_rows(
    tokens: list[Token],
    start: int,
    end: int,
    table: str,
    variant: str | None,
    rows: tuple[Row, ...],
    groups: tuple[Group, ...],
    result: TablesResult,
    lines: Sequence[Line] | None,
    other_sides: list[str],
) -> tuple[str | None, list[str]]:
    """Read one labelled-rows table (二 or 三) from tokens[start:end] into ``result``; returns its line mode
    and where its rows put their filler."""
    reader = _RowReader(table, rows, _labels_for(rows, groups))
    reader.read(tokens, start, end)
    cut = end == len(tokens)
    rows_seen = [
        (reader.row_cells[i], reader.row_label_end[i], reader.row_end[i], len(rows[i].cells))
        for i in reader.row_cells
        if i in reader.row_end
    ]  # a row cut off by the end of the text cannot tell
    line_mode = shown_line_mode(rows_seen, lines)
    sides = _filler_sides(reader)
    cut_short = _assign_rows(
        reader, result, cut, reader.open_at_end, line_mode, lines, _agreed_side(sides, other_sides)
    )
    _assign_group_values(reader, result)
    result.issues.extend(reader.issues)
    seen = [rows[i].id for i in sorted(reader.row_cells)]
    complete = len(seen) == len(rows)
    result.tables[table] = TableInfo(table, variant, tokens[start].position, complete, seen)
    _absent(result, rows, reader, cut)
    result.cut_inside_table |= cut and (cut_short or not complete)
    result.line_ranges.append((tokens[start].line, tokens[end - 1].line))
    result.ranges[table] = result.line_ranges[-1]
    return line_mode, sides


def _absent(result: TablesResult, rows: tuple[Row, ...], reader: _RowReader, cut: bool) -> None:
    last = reader.last_row if reader.last_row is not None else -1
    for i, row in enumerate(rows):
        if i in reader.row_cells or (cut and i > last):
            continue
        result.issues.append(ParseIssue("row_absent", f"未找到「{row.label}」一行", row=row.id, cells=list(row.cells)))


def _split_appeals(tokens: list[Token], start: int, end: int, fmt: Format) -> tuple[int, dict[str, list[Token]]] | None:
    """Table 四 printed as three tables, one per group (a transcript's split): each group label (行政复议,
    未经复议直接起诉, 复议后起诉), then text only (its column headers), then exactly its five cells. The index
    of the first group label and the cells of each group by group id, or None when not laid out so."""
    labels = {key(label): gid for gid, label, _ in fmt.appeals_groups}
    n_cols = len(fmt.appeals_columns)
    runs: dict[str, list[Token]] = {}
    first: int | None = None
    i = start
    while i < end:
        gid = labels.get(tokens[i].key) if tokens[i].kind is Kind.TEXT else None
        i += 1
        if gid is None:
            continue
        first = i - 1 if first is None else first
        while i < end and tokens[i].kind is Kind.TEXT and tokens[i].key not in labels:
            i += 1
        run: list[Token] = []
        while i < end and tokens[i].kind is not Kind.TEXT:
            run.append(tokens[i])
            i += 1
        run = _unpadded(run, n_cols)
        if gid in runs or len(run) != n_cols:
            return None
        runs[gid] = run
    return (first, runs) if first is not None and len(runs) == len(labels) else None


def _read_appeals(
    tokens: list[Token],
    start: int,
    end: int,
    fmt: Format,
    result: TablesResult,
    line_mode: str | None,
    lines: Sequence[Line] | None,
    head: int,
) -> None:
    ids = fmt.appeals_cell_ids
    split = _split_appeals(tokens, head, end, fmt)
    if split is not None:  # one table per group: each group's own five cells
        head, runs = split
        for gid, run in runs.items():
            for (col, _), tok in zip(fmt.appeals_columns, run):
                cid = f"appeals.{gid}.{col}"
                result.cells[cid] = _make_cell(cid, tok)
        result.tables["appeals"] = TableInfo("appeals", None, tokens[head].position, True, ["appeals"])
        result.line_ranges.append((tokens[head].line, tokens[end - 1].line))
        result.ranges["appeals"] = result.line_ranges[-1]
        return
    first_value = next((i for i in range(start, end) if tokens[i].kind is Kind.VALUE), None)
    if first_value is None and line_mode is not None and lines is not None and end < len(tokens):
        # every cell a blank line: the blank lines between the header and what follows hold the fifteen
        slots = line_slots([], tokens[end - 1].line, tokens[end].line, len(ids), line_mode, lines)
        if slots is not None:
            for cid, tok in zip(ids, slots):
                result.cells[cid] = _make_cell(cid, tok)
            result.tables["appeals"] = TableInfo("appeals", None, tokens[start].position, True, ["appeals"])
            result.line_ranges.append((tokens[start].line, tokens[end - 1].line))
            result.ranges["appeals"] = result.line_ranges[-1]
            return
    if first_value is None:
        result.tables["appeals"] = TableInfo("appeals", None, tokens[start].position, False)
        if end == len(tokens):
            result.cut_inside_table = True
        else:
            result.issues.append(
                ParseIssue(
                    "row_absent", "复议诉讼表未印有数值", row="appeals", cells=ids, position=tokens[start].position
                )
            )
        return
    a = first_value
    while a > start and tokens[a - 1].kind is Kind.BLANK and not tokens[a - 1].filler:
        a -= 1
    b = first_value
    while b < end and tokens[b].kind is not Kind.TEXT:
        b += 1
    spans = value_row_spans(tokens, start, end, a, first_value, b)  # piped text cells keep their columns
    a, b = spans[0]
    run = tokens[a:b]
    cut = b == len(tokens)
    placed, status = _place(run, len(ids), cut_here=cut)
    if not cut and len(spans) > 1:
        fitting = {}
        for sa, sb in spans:
            p, st = _place(tokens[sa:sb], len(ids), cut_here=False)
            if st == "ok":
                fitting[tuple(id(t) for t in p)] = (sa, sb, p)
        if len(fitting) == 1:
            a, b, placed = next(iter(fitting.values()))
            run, status = tokens[a:b], "ok"
        elif len(fitting) > 1:  # a text at the line's end may or may not be a cell: the columns differ
            placed, status = [None] * len(ids), "ambiguous"
    if status == "ok" and _filler_choice(run, len(ids)):  # recorded for the reading report
        result.filler_dropped["appeals"] = len(run) - len(ids)
    if status == "short" and line_mode is not None and lines is not None and a > start:
        slots = line_slots(
            run, tokens[a - 1].line, tokens[b].line if b < len(tokens) else None, len(ids), line_mode, lines
        )
        if slots is not None:
            placed, status = list(slots), "ok"
    for cid, placed_tok in zip(ids, placed):
        if placed_tok is not None:
            result.cells[cid] = _make_cell(cid, placed_tok)
    missing = [cid for cid, placed_tok in zip(ids, placed) if placed_tok is None]
    complete = status == "ok"
    result.tables["appeals"] = TableInfo(
        "appeals", None, tokens[start].position, complete or status != "cut", ["appeals"]
    )
    if status == "cut":
        result.cut_inside_table = bool(missing)
    elif status == "short":
        result.issues.append(
            ParseIssue(
                "row_short",
                f"复议诉讼表印有{len(run)}个数值，应为15个，无法确定各值所属列",
                row="appeals",
                cells=missing,
                position=run[0].position,
                raw=" ".join(t.raw or "□" for t in run),
            )
        )
    elif status in ("long", "ambiguous"):
        result.issues.append(
            ParseIssue(
                "row_long",
                f"复议诉讼表印有{len(run)}个单元格，多于15列"
                + ("，无法确定各值所属列" if status == "ambiguous" else ""),
                row="appeals",
                cells=missing,
                position=run[0].position,
            )
        )
    result.line_ranges.append((tokens[start].line, tokens[b - 1].line))
    result.ranges["appeals"] = result.line_ranges[-1]
