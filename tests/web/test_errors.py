"""The web app's error answers in the one message style: JSON {"error","message"} for the API, a page showing
``[代码] 说明`` otherwise — the framework's own answers (unknown address, wrong method, bad parameter) too."""

from __future__ import annotations

import re

import pytest

from gongkai.web.errors import split_message

_LINE = re.compile(r'<p id="error-line">\[(E-WEB-[A-Z0-9-]+)\] ([^<]+)</p>')


@pytest.mark.parametrize(
    "method, path, code",
    [
        ("get", "/no-such-page", "E-WEB-404"),
        ("get", "/reports/000000000000/compare", "E-WEB-404"),
        ("delete", "/upload", "E-WEB-METHOD"),
        ("get", "/?page=many", "E-WEB-PARAM"),
    ],
)
def test_html_error_pages_show_code_and_chinese_reason(client, method, path, code):
    r = getattr(client, method)(path)
    assert r.status_code >= 400 and r.headers["content-type"].startswith("text/html")
    match = _LINE.search(r.text)
    if code != "E-WEB-404" or "compare" not in path:  # the compare page has its own 404 page, same style
        assert match, r.text
        assert match.group(1) == code and re.search(r"[\u4e00-\u9fff]", match.group(2))
    else:
        assert f"[{code}]" in r.text
    assert "Not Found" not in r.text and "Method Not Allowed" not in r.text and '"detail"' not in r.text


@pytest.mark.parametrize(
    "method, path, status, code",
    [
        ("get", "/api/v1/reports/000000000000", 404, "E-WEB-404"),
        ("get", "/api/v1/no-such-route", 404, "E-WEB-404"),
        ("get", "/api/v1/reports?page_size=lots", 422, "E-WEB-PARAM"),
        ("post", "/api/v1/findings/F-AAAAAAAAAA/review", 422, "E-WEB-PARAM"),  # no body
    ],
)
def test_api_errors_are_json_with_code_and_message(client, method, path, status, code):
    r = getattr(client, method)(path)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"error", "message"} and body["error"] == code
    assert re.search(r"[\u4e00-\u9fff]", body["message"]) and not body["message"].startswith("[")


def test_split_message_keeps_our_codes_and_names_the_rest():
    assert split_message(404, "[E-WEB-404] 找不到该报告") == ("E-WEB-404", "找不到该报告")
    assert split_message(404, "Not Found") == ("E-WEB-404", "找不到该页面")
    assert split_message(418, None)[0] == "E-WEB-ERROR"
