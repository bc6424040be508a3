"""Format detection looks at content, not at the file name."""

from __future__ import annotations

import io
import zipfile

import pytest

from gongkai.errors import EmptyInput, InputTooLarge, NotAnAnnualReport, UnsupportedFormat
from gongkai.readers import Limits, read_bytes
from gongkai.readers.sniff import Kind, sniff


def _zip(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, data in names.items():
            z.writestr(n, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"%PDF-1.7\n...", Kind.PDF),
        (b"\r\n\r\n%PDF-1.4 junk before the header", Kind.PDF),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, Kind.LEGACY_WORD),
        (b"{\\rtf1\\ansi ...}", Kind.LEGACY_WORD),
        (b"\x89PNG\r\n\x1a\n....", Kind.IMAGE),
        (b"\xff\xd8\xff\xe0....", Kind.IMAGE),
        (b"II*\x00....", Kind.IMAGE),
        ("<!DOCTYPE html><html><head><meta charset=gb2312></head>".encode(), Kind.HTML),
        ("\ufeff<html><body>".encode("utf-8"), Kind.HTML),
        ("  <!-- saved from url --> <HTML>".encode(), Kind.HTML),
        ("<p>一、总体情况</p><p>x</p><table><tr><td>1</td></tr></table>".encode("gb18030"), Kind.HTML),
        ("一、总体情况\n二、主动公开政府信息情况\n".encode("gb18030"), Kind.TEXT),
        ("一、总体情况".encode("utf-16"), Kind.TEXT),
        (b"   \n\t ", Kind.EMPTY),
        (b"", Kind.EMPTY),
        (b"\x1f\x8b\x08\x00gzip", Kind.UNSUPPORTED),
        (b"MIME-Version: 1.0\r\nContent-Type: multipart/related", Kind.UNSUPPORTED),
    ],
)
def test_kind_from_content(data, kind):
    assert sniff(data)[0] is kind


def test_zip_members_decide():
    assert sniff(_zip({"word/document.xml": b"<w:document/>", "[Content_Types].xml": b""}))[0] is Kind.DOCX
    kind, why = sniff(_zip({"xl/workbook.xml": b""}))
    assert kind is Kind.SPREADSHEET and "Excel" in why
    kind, why = sniff(_zip({"a.txt": b"x"}))
    assert kind is Kind.UNSUPPORTED and "解压" in why


def test_extension_does_not_matter():
    # a PDF served as report.html is still a PDF; an HTML page saved as .doc is still HTML
    assert sniff(b"%PDF-1.5", "report.html")[0] is Kind.PDF
    assert sniff(b"<html><body><p>x</p></body></html>", "report.doc")[0] is Kind.HTML


def test_read_bytes_refuses_clearly():
    with pytest.raises(EmptyInput) as e:
        read_bytes(b"", "a.txt")
    assert e.value.code == "E-EMPTY" and "空" in e.value.message
    with pytest.raises(NotAnAnnualReport) as e:
        read_bytes(_zip({"xl/workbook.xml": b""}), "a.xlsx")
    assert e.value.code == "E-NOT-REPORT"
    with pytest.raises(UnsupportedFormat) as e:
        read_bytes(_zip({"a.txt": b"x"}), "a.zip")
    assert e.value.code == "E-FORMAT"
    with pytest.raises(InputTooLarge) as e:
        read_bytes(b"x" * 2048, "big.txt", Limits(max_bytes=1024))
    assert e.value.code == "E-LIMIT"
