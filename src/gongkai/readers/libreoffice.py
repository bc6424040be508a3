"""LibreOffice in headless mode: legacy Word files (.doc, .wps, RTF) in, DOCX or PDF out.

Old binary formats are not worth a parser of our own: LibreOffice reads them well, so a .doc or .wps file is
converted to DOCX and read by :mod:`gongkai.readers.docx`. Each conversion runs in a fresh temporary
directory with its own user profile, so conversions can run in parallel (one profile can only be used by
one soffice process at a time), and in its own process group, so a timeout kills soffice and its helpers.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from glob import glob
from pathlib import Path

from gongkai.errors import (
    CorruptInput,
    EmptyInput,
    EncryptedInput,
    InputTooLarge,
    MissingDependency,
    TimedOut,
    UnsupportedFormat,
)
from gongkai.readers.blocks import Layout
from gongkai.readers.docx import read_docx
from gongkai.readers.limits import DEFAULT_LIMITS, Limits

LEGACY_WORD_MEDIA_TYPE = "application/msword"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RTF_MAGIC = b"{\\rtf"
_KNOWN_SUFFIXES = frozenset({".doc", ".wps", ".rtf", ".docx", ".dot", ".wpt", ".odt", ".docm"})
_INSTALL_HINT = "请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui）后重试"


def find_soffice() -> str | None:
    """The soffice executable, or None when LibreOffice is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    candidates = [
        "/usr/bin/soffice",
        "/usr/lib/libreoffice/program/soffice",
        *sorted(glob("/opt/libreoffice*/program/soffice"), reverse=True),
    ]
    return next((c for c in candidates if os.access(c, os.X_OK)), None)


def _require_soffice(source: str | None = None) -> str:
    exe = find_soffice()
    if exe is None:
        raise MissingDependency(f"读取此类文件需要 LibreOffice，但未找到 soffice 程序；{_INSTALL_HINT}", source=source)
    return exe


def _suffix(data: bytes, source: str) -> str:
    """The input file's extension: LibreOffice picks its import filter partly by extension."""
    suffix = Path(source).suffix.lower()
    if suffix in _KNOWN_SUFFIXES:
        return suffix
    if data.startswith(_RTF_MAGIC):
        return ".rtf"
    return ".doc"


def _run(
    exe: str, files: Sequence[Path], outdir: Path, to: str, profile: Path, timeout: float, source: str | None
) -> None:
    cmd = [
        exe,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        "--nologo",
        "--convert-to",
        to,
        "--outdir",
        str(outdir),
        *(str(f) for f in files),
    ]
    env = dict(os.environ, HOME=str(profile.parent))  # some filters write to $HOME; keep it in our temp dir
    # a session of its own: on timeout the whole group (soffice.bin and its helpers) is killed
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True
    )
    try:
        proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise TimedOut(f"LibreOffice 转换超过 {timeout:g} 秒仍未完成，已中止", source=source) from None


def _out_name(path: Path, to: str) -> str:
    return path.stem + "." + to.split(":", 1)[0]


def convert(data: bytes, source: str, to: str = "docx", limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Convert one file with LibreOffice and return the converted bytes (``to``: an extension such as
    "docx" or "pdf", optionally with a filter, e.g. "docx:MS Word 2007 XML")."""
    if len(data) > limits.max_bytes:
        raise InputTooLarge(f"文件大小超过上限（{limits.max_bytes // (1024 * 1024)} MB）", source=source)
    exe = _require_soffice(source)
    with tempfile.TemporaryDirectory(prefix="gongkai-lo-") as tmp:
        root = Path(tmp)
        indir, outdir = root / "in", root / "out"
        indir.mkdir()
        outdir.mkdir()
        infile = indir / ("input" + _suffix(data, source))  # our own name: the source may hold any characters
        infile.write_bytes(data)
        _run(exe, [infile], outdir, to, root / "profile", limits.conversion_seconds, source)
        out = outdir / _out_name(infile, to)
        if not out.is_file() or out.stat().st_size == 0:
            raise CorruptInput("LibreOffice 无法转换此文件（文件可能已损坏、已加密或不是 Word 文档）", source=source)
        return out.read_bytes()


def convert_many(
    paths: Sequence[str | Path], outdir: str | Path, to: str = "pdf", limits: Limits = DEFAULT_LIMITS
) -> list[Path]:
    """Convert many files with one soffice call (start-up dominates: ~1.5 s per call, ~0.2 s per file).

    Returns the output paths in input order. Inputs must have distinct stems (outputs are named after them).
    """
    files = [Path(p).resolve() for p in paths]
    if not files:
        return []
    stems = [f.stem for f in files]
    if len(set(stems)) != len(stems):
        raise ValueError("convert_many needs inputs with distinct file names (outputs are named after them)")
    out = Path(outdir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    exe = _require_soffice()
    with tempfile.TemporaryDirectory(prefix="gongkai-lo-") as tmp:
        timeout = limits.conversion_seconds + 5.0 * len(files)
        _run(exe, files, out, to, Path(tmp) / "profile", timeout, None)
    results = [out / _out_name(f, to) for f in files]
    missing = [r.name for r in results if not r.is_file() or r.stat().st_size == 0]
    if missing:
        raise CorruptInput(f"LibreOffice 无法转换以下文件：{'、'.join(missing)}")
    return results


def read_legacy_word(data: bytes, source: str, limits: Limits = DEFAULT_LIMITS) -> Layout:
    """.doc / .wps (OLE compound files), RTF and Word web pages saved as .doc: converted to DOCX by
    LibreOffice, then read as DOCX. A .docx under a .doc name is read directly."""
    if not data.strip():
        raise EmptyInput("文件为空", source=source)
    if data.startswith(b"PK\x03\x04"):  # a .docx saved under an old name: read it directly
        return read_docx(data, source, limits)
    if data.startswith(_OLE_MAGIC):
        if _is_encrypted_ooxml(data):
            raise EncryptedInput("文件已加密（设置了打开密码），请去除密码后重试", source=source)
    elif not (data.startswith(_RTF_MAGIC) or _looks_like_markup(data)):
        # LibreOffice would import anything as plain text; only Word's own formats are worth converting
        raise UnsupportedFormat("不是 Word 文件（.doc/.wps/.rtf）：无法识别文件内容", source=source)
    converted = convert(data, source, "docx:MS Word 2007 XML", limits)
    layout = read_docx(converted, source, limits)
    layout.media_type = LEGACY_WORD_MEDIA_TYPE
    layout.notes.append("旧版 Word/WPS 文件已由 LibreOffice 转换为 .docx 后读取")
    return layout


def _looks_like_markup(data: bytes) -> bool:
    """Word's "save as web page" .doc files (HTML or MHTML), common on government sites."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<", b"mime-version")) or b"<html" in head


def _is_encrypted_ooxml(data: bytes) -> bool:
    """An encrypted .docx is an OLE file with an "EncryptionInfo" stream (directory names are UTF-16LE)."""
    return "EncryptionInfo".encode("utf-16-le") in data


__all__ = ["LEGACY_WORD_MEDIA_TYPE", "convert", "convert_many", "find_soffice", "read_legacy_word"]
