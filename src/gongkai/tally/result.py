"""What a tally returns: the table's values, and every register row that was not counted, with why."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LeftOut:
    """A register row that could not be classified: not counted, always reported."""

    line: int  # row number in the register as the user sees it
    reason: str  # Chinese, says which cell and what is wrong
    ident: str = ""  # the row's application/case number when the register has one


@dataclass
class TallyResult:
    table: str  # requests | appeals
    year: int
    format_id: str
    values: dict[str, int]  # every cell id of the table → count
    left_out: list[LeftOut] = field(default_factory=list)
    counted: int = 0  # rows that went into the table
    outside_year: int = 0  # well-formed rows that belong to other years (closed before, received after)
    source: str = ""

    @property
    def rows_read(self) -> int:
        return self.counted + self.outside_year + len(self.left_out)

    def to_dict(self) -> dict:
        return {
            "table": self.table,
            "year": self.year,
            "format": self.format_id,
            "source": self.source,
            "values": dict(self.values),
            "counted": self.counted,
            "outside_year": self.outside_year,
            "left_out": [{"line": r.line, "ident": r.ident, "reason": r.reason} for r in self.left_out],
        }
