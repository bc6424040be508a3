"""Errors a user can meet, each with a stable code and a Chinese message."""

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
_OS_REASONS = {errno.ENOENT: "文件或目录不存在", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
               errno.EISDIR: "这是一个目录，不是文件", errno.ENOTDIR: "路径中有一段不是目录", errno.ENOSPC: "磁盘空间不足",
               errno.EROFS: "只读的文件系统", errno.EEXIST: "文件已存在", errno.ENAMETOOLONG: "文件名太长",
               errno.EMFILE: "打开的文件太多", errno.EIO: "读写错误（设备故障）", errno.EFBIG: "文件太大",
               errno.EDQUOT: "超出磁盘配额"}


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Chinese (the error number only when it is not a known one)."""
    reason = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    return reason or (f"系统错误 {exc.errno}" if exc.errno is not None else "系统错误")


class ClusterUnavailable(GongkaiError):
    """`--cluster` names no reachable Dask scheduler, or the `cluster` extra is not installed."""

    code = "E-CLUSTER"
