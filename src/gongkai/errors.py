"""Errors a user can meet, each with a stable code and a Chinese message."""

from __future__ import annotations


class GongkaiError(Exception):
    """An input problem reported to the user (never a traceback)."""

    code = "E-GENERIC"

    def __init__(self, message: str, *, source: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.source = source
        if code is not None:  # an error carried across a process boundary keeps its code
            self.code = code

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"[{self.code}] {where}{self.message}"


class UnreadableInput(GongkaiError):
    code = "E-READ"


class UnsupportedFormat(GongkaiError):
    code = "E-FORMAT"


class NotAnAnnualReport(GongkaiError):
    code = "E-NOT-REPORT"


class EmptyInput(GongkaiError):
    code = "E-EMPTY"


class InputTooLarge(GongkaiError):
    """Over a size, page or decompression limit (see :class:`gongkai.readers.limits.Limits`)."""

    code = "E-LIMIT"


class EncryptedInput(GongkaiError):
    code = "E-ENCRYPTED"


class CorruptInput(GongkaiError):
    """The file claims a format but its content is damaged."""

    code = "E-CORRUPT"


class MissingDependency(GongkaiError):
    """A format needs an optional component that is not installed (LibreOffice, the OCR extra)."""

    code = "E-DEPENDENCY"


class TimedOut(GongkaiError):
    code = "E-TIMEOUT"


class ReaderCrashed(GongkaiError):
    """The process reading the file died (a native library crashed or memory ran out)."""

    code = "E-CRASH"


class ClusterUnavailable(GongkaiError):
    """`--cluster` names no reachable Dask scheduler, or the `cluster` extra is not installed."""

    code = "E-CLUSTER"
