"""Turn a document into a stream of cell tokens that know where they came from.

Published text comes in many shapes: pipes between cells on one line, one cell per line ending in "|",
markdown rows, cells separated by blank lines, or space-separated rows from PDF text. One rule covers them
all: "|" terminates a cell, so an empty stretch between two pipes is a blank cell; text outside pipes is
split into words, and words that are values (numbers, "/", "—") become value tokens while the words
between them are joined back into label text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import Enum

from gongkai.document import Document, Position
from gongkai.parsing.labels import key
from gongkai.parsing.values import NOT_APPLICABLE_MARKS, looks_like_value

_WORDS = re.compile(r"\S+")
_PIPE = re.compile(r"\|")
# a line without any of these characters holds no value word: it is one run of label text
_VALUE_CHARS = re.compile(r"[0-9０-９/／\\\-—–－□■�?？▯◻×*]|N/?A|n/a")
# Lines that are page furniture, not report content: page numbers and site chrome. They can fall between
# the rows (or inside a row) of a table copied from a PDF or a web page; the tokenizer passes over them.
_NOISE = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3}|[Pp]age\s*\d{1,3}(?:\s*of\s*\d{1,3})?)\s*$"
    r"|主办(?:单位)?[:：]|承办(?:单位)?[:：]|ICP备|版权所有|Copyright|网站标识码|网站识别码|技术支持[:：]|公网安备|网站地图"
)


# the same pattern over a whole text: a quick test that most documents have no noise line at all
_NOISE_ANYWHERE = re.compile(_NOISE.pattern, re.MULTILINE)


def is_noise_line(text: str) -> bool:
    return _NOISE.search(text) is not None


class Kind(str, Enum):
    TEXT = "text"
    VALUE = "value"
    BLANK = "blank"  # an empty cell between two pipes


@dataclass(slots=True)
class Token:
    kind: Kind
    raw: str
    offset: int  # in the document text
    line: int  # 1-based
    column: int  # 1-based
    piped: bool = False  # delimited by "|" (a real table cell)
    terminated: bool = True  # something (space, newline, pipe) follows it; False only for a cut-off tail
    filler: bool = False  # a blank from a line of pipes only after a one-cell line: row-end padding, no cell

    @property
    def key(self) -> str:
        return key(self.raw)

    @property
    def position(self) -> Position:
        return Position(self.line, self.column, self.offset, len(self.raw))


def _without_noise(doc: Document) -> str:
    """The text with noise lines replaced by spaces of the same length, so every offset stays true."""
    if not _NOISE_ANYWHERE.search(doc.text) or not any(is_noise_line(ln.text) for ln in doc.lines):
        return doc.text
    return "\n".join(" " * len(ln.text) if is_noise_line(ln.text) else ln.text for ln in doc.lines)


def _opens_row(text: str, piece: str, pipe: int) -> bool:
    """The pipe at ``pipe`` opens a row of pipe cells ("|0|||5|" on a line after another row): the stretch
    between the previous line's closing pipe and it is a line break, not a blank cell. (A line holding only
    "|" is a blank cell of a one-cell-per-line copy and still counts.)"""
    if "\n" not in piece:
        return False
    line_end = text.find("\n", pipe)
    rest = text[pipe + 1 : line_end if line_end >= 0 else len(text)]
    return "|" in rest


def _is_filler_line(text: str, ls: int) -> bool:
    """The line starting at ``ls`` holds pipes only ("||", "|||") and follows a line holding one cell
    ("0 |"): in a copy with one cell per line such a line pads the row to the table's width; a blank cell
    of that copy is a line with one pipe."""
    le = text.find("\n", ls)
    line = text[ls : le if le >= 0 else len(text)].strip()
    if line.count("|") < 2 or line.strip("|"):
        return False
    prev_end = ls - 1
    while prev_end > 0:
        ps = text.rfind("\n", 0, prev_end) + 1
        prev = text[ps:prev_end].strip()
        if prev:
            return prev.endswith("|") and prev.count("|") == 1
        prev_end = ps - 1
    return False


def tokenize(doc: Document, start: int = 0) -> list[Token]:
    """Tokens of the text from offset ``start`` (a line start) to the end."""
    text = _without_noise(doc)
    starts = [ln.offset for ln in doc.lines]
    tokens: list[Token] = []

    def make(kind: Kind, raw: str, offset: int, piped: bool) -> Token:
        i = bisect_right(starts, offset) - 1
        return Token(kind, raw, offset, i + 1, offset - starts[i] + 1, piped)

    def emit_words(seg_start: int, segment: str, piped: bool) -> None:
        # Words of one line segment: values stand alone, runs of text words are joined back.
        pending: list[re.Match[str]] = []

        def flush() -> None:
            if pending:
                a, b = pending[0].start(), pending[-1].end()
                tokens.append(make(Kind.TEXT, segment[a:b], seg_start + a, piped))
                pending.clear()

        stripped = segment.strip()
        if stripped in NOT_APPLICABLE_MARKS:  # a cell of its own: "无", "—"
            a = segment.index(stripped)
            tokens.append(make(Kind.VALUE, stripped, seg_start + a, piped))
            return
        if " " not in stripped and "\t" not in stripped and "\u3000" not in stripped:  # one word
            a = segment.index(stripped)
            kind = Kind.VALUE if looks_like_value(stripped) else Kind.TEXT
            tokens.append(make(kind, stripped, seg_start + a, piped))
            return
        if not _VALUE_CHARS.search(segment):
            a = len(segment) - len(segment.lstrip())
            b = len(segment.rstrip())
            tokens.append(make(Kind.TEXT, segment[a:b], seg_start + a, piped))
            return
        words = list(_WORDS.finditer(segment))
        if piped and words and not all(looks_like_value(w.group()) for w in words):
            # a pipe cell with label text: one token, spaces inside kept ("结果 纠正")
            a, b = words[0].start(), words[-1].end()
            tokens.append(make(Kind.TEXT, segment[a:b], seg_start + a, True))
            return
        for w in words:
            if looks_like_value(w.group()):
                flush()
                tokens.append(make(Kind.VALUE, w.group(), seg_start + w.start(), piped))
            else:
                pending.append(w)
        flush()

    # Split on pipes; each piece is split into its lines.
    piece_start = start
    n = len(text)
    pipe_positions = [m.start() for m in _PIPE.finditer(text, start)]
    bounds = pipe_positions + [n]
    prev_was_pipe = False
    filler_lines: dict[int, bool] = {}
    cur_line = text.rfind("\n", 0, start) + 1  # start of the line holding the current pipe
    for end in bounds:
        piece = text[piece_start:end]
        closed = end < n  # the piece is terminated by a pipe
        has_content = False
        line_start = piece_start
        for seg in piece.split("\n"):
            if seg.strip():
                has_content = True
                # a segment is a pipe cell only when a pipe closes it on the same line, or opens it
                same_line_pipe = closed and text.find("\n", line_start, end) < 0
                emit_words(line_start, seg, piped=same_line_pipe or (prev_was_pipe and line_start == piece_start))
            line_start += len(seg) + 1
        if closed and not has_content and prev_was_pipe and not _opens_row(text, piece, end):
            tokens.append(make(Kind.BLANK, "", end, True))
            if "\n" not in piece:  # judged once per line: a long line of pipes stays linear
                if cur_line not in filler_lines:
                    filler_lines[cur_line] = _is_filler_line(text, cur_line)
                tokens[-1].filler = filler_lines[cur_line]
        prev_was_pipe = closed
        nl = piece.rfind("\n")
        if nl >= 0:
            cur_line = piece_start + nl + 1
        piece_start = end + 1

    # A value-looking text in a cell the reader placed in a table's label area (left of its value columns,
    # e.g. "无" of a vertical 无法提供) is label text, never a value.
    trace = doc.reading
    if trace is not None and trace.label_cells:
        for tok in tokens:
            if tok.kind is Kind.VALUE and trace.in_label_area(tok.offset, tok.offset + len(tok.raw)):
                tok.kind = Kind.TEXT

    # A value at the very end of the text with nothing after it may be cut off ("1" of "12").
    if tokens and tokens[-1].kind is Kind.VALUE:
        last = tokens[-1]
        last.terminated = last.offset + len(last.raw) < len(text)
    return tokens
