"""Errors a user can meet, each with a stable code and a Chinese message.

Every :class:`GongkaiError` subclass is defined here (tests/test_errors.py checks it), so that the codes can be
read in one place. The hierarchy, with each code::

    GongkaiError            E-GENERIC
    ├── UnreadableInput     E-READ              a file that cannot be read
    ├── UnsupportedFormat   E-FORMAT            a format we do not read
    ├── NotAnAnnualReport   E-NOT-REPORT        readable, but not an annual report
    ├── EmptyInput          E-EMPTY
    ├── InputTooLarge       E-LIMIT             over a size, page or decompression limit
    ├── EncryptedInput      E-ENCRYPTED
    ├── CorruptInput        E-CORRUPT
    ├── MissingDependency   E-DEPENDENCY        LibreOffice, the OCR extra, …
    ├── TimedOut            E-TIMEOUT
    ├── ReaderCrashed       E-CRASH
    ├── ClusterUnavailable  E-CLUSTER           `--cluster`
    ├── RegistryError       E-ORGS              the organization registry file
    ├── UnknownChoice       E-CHOICE            a filter value
    ├── FormError           E-FORM              a fill-in form
    ├── RegisterError       E-REGISTER          a register of applications or cases
    ├── NotFound            E-NOT-FOUND         a name not in the registry
    ├── StoreError          E-DB                the database
    ├── ReportKeyError      E-REPORT-KEY        a report key that is malformed or names no report
    ├── ReportKeyAmbiguous  E-REPORT-AMBIGUOUS  a report key that names several
    ├── ReasonRequired      E-REASON-REQUIRED   a decision on report versions without a reason
    ├── DecisionError       E-REPORT-DECISION   a decision on report versions that cannot be made
    └── ReviewError         E-REVIEW            reviewing findings
        ├── ReviewFlagsError   E-REVIEW-FLAGS
        └── ReviewReasonError  E-REVIEW-REASON
"""

from __future__ import annotations

import errno


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


# what the operating system says (in English, as ``strerror``) → what the user reads
_OS_REASONS = {
    errno.ENOENT: "文件或目录不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "只读的文件系统",
    errno.EEXIST: "文件已存在",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EMFILE: "打开的文件太多",
    errno.EIO: "读写错误（设备故障）",
    errno.EFBIG: "文件太大",
    errno.EDQUOT: "超出磁盘配额",
}


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Chinese (the error number only when it is not a known one)."""
    reason = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    return reason or (f"系统错误 {exc.errno}" if exc.errno is not None else "系统错误")


class ClusterUnavailable(GongkaiError):
    """`--cluster` names no reachable Dask scheduler, or the `cluster` extra is not installed."""

    code = "E-CLUSTER"


class RegistryError(GongkaiError):
    """The organization registry file is malformed or contradicts itself."""

    code = "E-ORGS"


class UnknownChoice(GongkaiError):
    """A filter value that is neither a code nor its Chinese name."""

    code = "E-CHOICE"


class ReviewError(GongkaiError):
    code = "E-REVIEW"


class ReviewFlagsError(ReviewError):
    code = "E-REVIEW-FLAGS"


class ReviewReasonError(ReviewError):
    code = "E-REVIEW-REASON"


class ReportKeyError(GongkaiError):
    code = "E-REPORT-KEY"


class ReportKeyAmbiguous(GongkaiError):
    code = "E-REPORT-AMBIGUOUS"


class ReasonRequired(GongkaiError):
    code = "E-REASON-REQUIRED"


class DecisionError(GongkaiError):
    code = "E-REPORT-DECISION"


class StoreError(GongkaiError):
    code = "E-DB"


class RegisterError(GongkaiError):
    """A register whose columns cannot be used (the message names the missing or doubtful column)."""

    code = "E-REGISTER"


class NotFound(GongkaiError):
    """A name given on the command line is not in the registry."""

    code = "E-NOT-FOUND"


class FormError(GongkaiError):
    """A fill-in form that cannot be used as it is (the message says which field and why)."""

    code = "E-FORM"
