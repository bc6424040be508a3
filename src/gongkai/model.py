"""The report data model shared by the parser, the checks, the renderer and the CLI.

Source truth and derived truth are kept apart: :class:`Cell` is what the document states (raw text,
meaning, position), :class:`Inferred` is what the identities determine for a cell the document does not
state usably. Nothing ever overwrites a stated cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from gongkai.document import Position
from gongkai.reading import ReadingReport

Number = int | float


class Meaning(str, Enum):
    """What a cell's text means. Blank, 0, "/" and unreadable are different things."""

    NUMBER = "number"  # a count or amount other than zero
    ZERO = "zero"  # printed 0
    BLANK = "blank"  # printed empty
    NOT_APPLICABLE = "not_applicable"  # "/", "—", "无" and the like
    TEXT = "text"  # something that is not a value, e.g. "约300"
    UNREADABLE = "unreadable"  # garbled or cut off

    @property
    def is_numeric(self) -> bool:
        return self in (Meaning.NUMBER, Meaning.ZERO)


@dataclass(slots=True)
class Cell:
    id: str
    raw: str
    meaning: Meaning
    value: Number | None = None
    position: Position | None = None
    unit: str | None = None  # a unit printed in the cell, e.g. 元 in "709455.9元"

    @property
    def numeric(self) -> Number | None:
        # value is only ever set for number/zero cells
        return self.value

    def gold_value(self) -> Any:
        """The value in the vocabulary of the gold files: number, None for blank, "n/a", or the text."""
        if self.meaning.is_numeric:
            return self.value
        if self.meaning is Meaning.BLANK:
            return None
        if self.meaning is Meaning.NOT_APPLICABLE:
            return "n/a"
        return self.raw

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"raw": self.raw, "meaning": self.meaning.value, "value": self.value}
        if self.unit:
            d["unit"] = self.unit
        d["position"] = self.position.to_dict() if self.position else None
        return d


@dataclass(slots=True)
class Inferred:
    """A value the identities determine for a cell that is missing, blank or unreadable in the document."""

    id: str
    value: Number
    rule: str  # identity rule that determined it, e.g. requests.row_total
    because: str  # Chinese explanation

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "rule": self.rule, "because": self.because}


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


CATEGORIES = (
    "identity_violation",
    "cell_missing",
    "cell_invalid",
    "table_missing",
    "table_layout",
    "old_format",
    "section_missing",
    "section_empty",
    "section_numbering",
    "narrative_mismatch",
    "implausible_value",
    "fee_statement_missing",
    "metadata_missing",
    "carry_over_mismatch",
    "rollup_mismatch",
    "late_publication",
    "duplicate_content",
    "duplicate_report",
)


@dataclass(slots=True)
class EvidenceCell:
    id: str
    raw: str | None
    value: Any
    position: Position | None
    inferred: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "raw": self.raw,
            "value": self.value,
            "inferred": self.inferred,
            "position": self.position.to_dict() if self.position else None,
        }


@dataclass(slots=True)
class Evidence:
    cells: list[EvidenceCell] = field(default_factory=list)
    expected: Any = None
    stated: Any = None
    difference: Any = None
    text: str | None = None  # a text span quoted from the document
    position: Position | None = None
    formula: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if self.formula:
            d["formula"] = self.formula
        if self.cells:
            d["cells"] = [c.to_dict() for c in self.cells]
        for k in ("expected", "stated", "difference", "text"):
            v = getattr(self, k)
            if v is not None:
                d[k] = v
        if self.position:
            d["position"] = self.position.to_dict()
        return d


@dataclass(slots=True)
class Finding:
    code: str  # stable rule code, e.g. IDN-BALANCE
    category: str  # one of CATEGORIES
    severity: Severity
    message: str  # Chinese, for the user
    evidence: Evidence = field(default_factory=Evidence)
    assessable: bool = True  # False: the check could not be assessed (inputs blank/unreadable)

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown finding category {self.category!r}")

    @property
    def cell_ids(self) -> list[str]:
        return [c.id for c in self.evidence.cells]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "category": self.category,
            "severity": self.severity.value,
            "message": self.message,
            "assessable": self.assessable,
            "evidence": self.evidence.to_dict(),
        }


@dataclass(slots=True)
class SectionInfo:
    number_printed: int | None  # the numeral as printed (一 → 1), None when unnumbered
    canonical: int  # which of the six standard sections the heading names
    heading: str
    position: Position
    content_chars: int = 0  # non-space characters between this heading and the next one
    end_line: int = 0


@dataclass(slots=True)
class TableInfo:
    name: str  # proactive | requests | appeals
    variant: str | None  # '2021' | '2019' | None when undecided
    position: Position | None
    complete: bool  # every row of the standard table was seen
    rows_seen: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ParseIssue:
    """Something the parser noticed about the source layout; the checks turn these into findings."""

    code: str
    message: str
    row: str | None = None
    cells: list[str] = field(default_factory=list)
    position: Position | None = None
    raw: str | None = None
    reader_made: bool = False  # the text it is about was assembled by our reader, not printed as one piece


@dataclass(slots=True)
class NarrativeFigure:
    """A figure stated in the text, e.g. 新收 17件."""

    term: str  # received | carried_over | closed | carried_forward | granted | ... (see parse.narrative)
    value: Number
    text: str
    position: Position


@dataclass
class Report:
    source: str
    format: str = "unknown"  # '2021' | '2019' | 'mixed' | 'unknown'
    year: int | None = None
    organization: str | None = None
    is_rollup: bool = False
    published: str | None = None  # ISO date when printed
    truncated: bool = False
    cut_at: Position | None = None
    cells: dict[str, Cell] = field(default_factory=dict)
    inferred: dict[str, Inferred] = field(default_factory=dict)
    sections: list[SectionInfo] = field(default_factory=list)
    tables: dict[str, TableInfo] = field(default_factory=dict)
    narrative: list[NarrativeFigure] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    metadata_positions: dict[str, Position] = field(default_factory=dict)
    media_type: str = "text/plain"  # what the original file was (text/html, application/pdf …)
    pages: int | None = None  # pages of the original, where it has pages
    notes: list[str] = field(default_factory=list)  # remarks from the reader (Chinese), e.g. pages read by OCR
    reading: ReadingReport | None = None  # how the document was read (reader, tables, repairs, confidence)
    text: str = field(default="", repr=False)

    def value(self, cell_id: str) -> Number | None:
        """The stated numeric value, or None when the cell is absent, blank, n/a, text or unreadable."""
        cell = self.cells.get(cell_id)
        return cell.numeric if cell else None

    def gold_cells(self) -> dict[str, Any]:
        """Cells in the gold-file vocabulary: stated cells, and inferred values for cells not usably stated."""
        out = {cid: c.gold_value() for cid, c in self.cells.items()}
        for cid, inf in self.inferred.items():
            out[cid] = inf.value
        return out

    def cells_frame(self) -> Any:
        """The cells as a pandas DataFrame, one row per cell id in report order, then cells only inferred:
        ``cell_id, raw, meaning, value`` (as stated), ``inferred_value`` (from the identities, beside the
        stated value, never over it), ``unit, line, column, page``. Needs pandas (``pip install
        'gongkai[pandas]'``); without it raises :class:`gongkai.MissingDependency` (E-DEPENDENCY)."""
        try:
            import pandas as pd
        except ImportError:
            from gongkai.errors import MissingDependency

            raise MissingDependency(
                "生成数据表需要 pandas：请运行 pip install 'gongkai[pandas]'", source=self.source
            ) from None
        rows = []
        for cid in [*self.cells, *(i for i in self.inferred if i not in self.cells)]:
            cell, inf = self.cells.get(cid), self.inferred.get(cid)
            pos = cell.position if cell else None
            rows.append(
                {
                    "cell_id": cid,
                    "raw": cell.raw if cell else None,
                    "meaning": cell.meaning.value if cell else None,
                    "value": cell.value if cell else None,
                    "inferred_value": inf.value if inf else None,
                    "unit": cell.unit if cell else None,
                    "line": pos.line if pos else None,
                    "column": pos.column if pos else None,
                    "page": pos.page if pos else None,
                }
            )
        columns = ["cell_id", "raw", "meaning", "value", "inferred_value", "unit", "line", "column", "page"]
        frame = pd.DataFrame(rows, columns=columns)
        for col in ("value", "inferred_value"):
            frame[col] = frame[col].astype("Float64")
        for col in ("line", "column", "page"):
            frame[col] = frame[col].astype("Int64")
        return frame

    def to_dict(self, include_findings: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "source": self.source,
            "media_type": self.media_type,
            "pages": self.pages,
            "format": self.format,
            "year": self.year,
            "organization": self.organization,
            "is_rollup": self.is_rollup,
            "published": self.published,
            "truncated": self.truncated,
            "cut_at": self.cut_at.to_dict() if self.cut_at else None,
            "metadata_positions": {k: p.to_dict() for k, p in self.metadata_positions.items()},
            "notes": list(self.notes),
            "reading": self.reading.to_dict() if self.reading else None,
            "cells": {cid: c.to_dict() for cid, c in self.cells.items()},
            "inferred": {cid: i.to_dict() for cid, i in self.inferred.items()},
        }
        if include_findings:
            d["sections"] = [
                {
                    "printed": s.number_printed,
                    "standard": s.canonical,
                    "heading": s.heading,
                    "position": s.position.to_dict(),
                    "content_chars": s.content_chars,
                }
                for s in self.sections
            ]
            d["tables"] = {
                k: {
                    "variant": t.variant,
                    "complete": t.complete,
                    "position": t.position.to_dict() if t.position else None,
                }
                for k, t in self.tables.items()
            }
            d["narrative"] = [
                {"term": n.term, "value": n.value, "text": n.text, "position": n.position.to_dict()}
                for n in self.narrative
            ]
            d["findings"] = [f.to_dict() for f in self.findings]
        return d
