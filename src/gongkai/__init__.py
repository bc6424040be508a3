"""gongkai — read, parse and check 政府信息公开工作年度报告.

    >>> import gongkai
    >>> report = gongkai.check("2024年报.pdf")
    >>> report.cells["requests.received.total"].value, [f.code for f in report.findings]
    >>> with gongkai.open_store("gongkai.db") as store:
    ...     errors = store.findings(severity="错误", year=2024)

See docs/api.md for a walkthrough.

The names below are the public API; everything else is private and may change. They are loaded on first use, so
``import gongkai`` stays cheap for the command line.
"""

from importlib import import_module as _import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# Bumped whenever reading, parsing or checking gives different results for the same file: a stored report
# parsed by another version is re-parsed by `gongkai ingest --reparse` (the old results stay as history).
PARSER_VERSION = "0.1.0+11"

# public name → module that defines it
_EXPORTS = {
    "read": "gongkai._api",
    "parse": "gongkai._api",
    "check": "gongkai._api",
    "Source": "gongkai._api",
    "open_store": "gongkai.store_api",
    "Store": "gongkai.store_api",
    "StoredReport": "gongkai.analysis.stored",
    "StoredCell": "gongkai.analysis.stored",
    "FindingRow": "gongkai.store.review",
    "StatsResult": "gongkai.analysis.stats",
    "StatsRow": "gongkai.analysis.stats",
    "IngestSummary": "gongkai.store.ingest",
    "UnknownChoice": "gongkai.errors",
    "Document": "gongkai.document",
    "Position": "gongkai.document",
    "Report": "gongkai.model",
    "Cell": "gongkai.model",
    "Finding": "gongkai.model",
    "Evidence": "gongkai.model",
    "EvidenceCell": "gongkai.model",
    "Inferred": "gongkai.model",
    "Meaning": "gongkai.model",
    "Severity": "gongkai.model",
    "ReadingReport": "gongkai.reading",
    "Limits": "gongkai.readers.limits",
    "DEFAULT_LIMITS": "gongkai.readers.limits",
    "GongkaiError": "gongkai.errors",
    "UnreadableInput": "gongkai.errors",
    "UnsupportedFormat": "gongkai.errors",
    "NotAnAnnualReport": "gongkai.errors",
    "EmptyInput": "gongkai.errors",
    "InputTooLarge": "gongkai.errors",
    "EncryptedInput": "gongkai.errors",
    "CorruptInput": "gongkai.errors",
    "MissingDependency": "gongkai.errors",
    "TimedOut": "gongkai.errors",
    "ReaderCrashed": "gongkai.errors",
}

__all__ = [
    "__version__",
    "PARSER_VERSION",
    "read",
    "parse",
    "check",
    "Source",
    "open_store",
    "Store",
    "StoredReport",
    "StoredCell",
    "FindingRow",
    "StatsResult",
    "StatsRow",
    "IngestSummary",
    "UnknownChoice",
    "Document",
    "Position",
    "Report",
    "Cell",
    "Finding",
    "Evidence",
    "EvidenceCell",
    "Inferred",
    "Meaning",
    "Severity",
    "Limits",
    "DEFAULT_LIMITS",
    "GongkaiError",
    "UnreadableInput",
    "UnsupportedFormat",
    "NotAnAnnualReport",
    "EmptyInput",
    "InputTooLarge",
    "EncryptedInput",
    "CorruptInput",
    "MissingDependency",
    "TimedOut",
    "ReaderCrashed",
    "ReadingReport",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from gongkai._api import Source, check, parse, read
    from gongkai.analysis.stored import StoredCell, StoredReport
    from gongkai.analysis.stats import StatsResult, StatsRow
    from gongkai.document import Document, Position
    from gongkai.errors import (
        CorruptInput,
        EmptyInput,
        EncryptedInput,
        GongkaiError,
        InputTooLarge,
        MissingDependency,
        NotAnAnnualReport,
        ReaderCrashed,
        TimedOut,
        UnreadableInput,
        UnsupportedFormat,
    )
    from gongkai.model import Cell, Evidence, EvidenceCell, Finding, Inferred, Meaning, Report, Severity
    from gongkai.reading import ReadingReport
    from gongkai.readers.limits import DEFAULT_LIMITS, Limits
    from gongkai.store.ingest import IngestSummary
    from gongkai.store.review import FindingRow
    from gongkai.store_api import Store, open_store
    from gongkai.errors import UnknownChoice


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gongkai' has no attribute {name!r}")
    value = getattr(_import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
