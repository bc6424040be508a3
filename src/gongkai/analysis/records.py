"""The light view of a stored report that cross-report checks work on (no database types here).

The store streams these in small groups (one body's years, one roll-up with its members), so memory does
not grow with the number of reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# a cell in the gold vocabulary: number, None (printed blank), "n/a" ("/", "—", "无"), or the text printed
CellValue = Any


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """One current parse of a stored report."""

    parse_id: int
    document_sha256: str
    source: str  # the path it was read from, for messages
    organization_id: int | None
    organization: str  # registered name when matched, else as printed
    year: int | None
    format: str  # '2021' | '2019' | 'mixed' | 'unknown'
    is_rollup: bool = False
    published: date | None = None
    body_kind: str | None = None  # the registry's kind of the body
    body_level: str | None = None  # the registry's level of the body (governments)
    # stated cells (gold vocabulary) with inferred values for cells not usably stated
    cells: Mapping[str, CellValue] = field(default_factory=dict)
    # cell id -> position dict as stored ({"line":…, "page":…, "bbox":…}); may be empty
    positions: Mapping[str, dict] = field(default_factory=dict)
    prose: frozenset[int] = frozenset()  # sampled shingle hashes of the prose sections (一、五、六)
