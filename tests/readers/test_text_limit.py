"""Issue 11, class 8b: a huge plain text is refused (E-LIMIT) before it is decoded, not read into gigabytes."""

from __future__ import annotations

import pytest

from gongkai.errors import InputTooLarge
from gongkai.readers import read_bytes, read_path
from gongkai.readers.limits import DEFAULT_LIMITS, Limits

_LINE = "2024年，某某区统计局主动公开政府信息120条。\n".encode()


def test_real_report_sizes_are_far_under_the_text_limit() -> None:
    # a generous real report is well under 1 MB of text; the limit must leave a wide margin
    assert DEFAULT_LIMITS.max_text_bytes >= 10 * 1024 * 1024
    assert DEFAULT_LIMITS.max_text_bytes < DEFAULT_LIMITS.max_bytes


def test_text_over_the_limit_is_refused_before_decoding(tmp_path, monkeypatch) -> None:
    small = Limits(max_text_bytes=4096)
    data = _LINE * 200  # ~12 KB
    calls = []
    import gongkai.readers as readers

    monkeypatch.setattr(readers, "read_text", lambda *a, **k: calls.append(a))
    with pytest.raises(InputTooLarge) as err:
        read_bytes(data, "big.txt", small)
    assert err.value.code == "E-LIMIT" and "纯文本上限" in str(err.value)
    assert calls == []  # refused before the text was decoded or split into lines
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    with pytest.raises(InputTooLarge):
        read_path(path, small)


def test_text_at_the_limit_is_read() -> None:
    data = _LINE * 50
    doc = read_bytes(data, "ok.txt", Limits(max_text_bytes=len(data)))
    assert len(doc.lines) >= 50 and "某某区统计局" in doc.text
