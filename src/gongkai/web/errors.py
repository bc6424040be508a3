"""The web app's own error answers in the one message style ``[代码] 说明``: an API call gets the JSON
``{"error": 代码, "message": 说明}``, a page gets an HTML page showing ``[代码] 说明`` — also for the framework's
own answers (an unknown address, a wrong method, a malformed parameter), which would otherwise be English."""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

_CODED = re.compile(r"^\[(E-[A-Z0-9-]+)\]\s*(.*)$", re.S)
# the framework's answers without a code of ours: status → (code, 说明)
_BY_STATUS = {
    400: ("E-WEB-REQUEST", "请求无效"),
    401: ("E-WEB-AUTH", "需要登录"),
    403: ("E-WEB-FORBIDDEN", "无权访问"),
    404: ("E-WEB-404", "找不到该页面"),
    405: ("E-WEB-METHOD", "不支持该请求方法"),
    413: ("E-WEB-UPLOAD-SIZE", "请求过大"),
    422: ("E-WEB-PARAM", "请求参数无效"),
}


def message_line(code: str, message: str) -> str:
    """The one message style, as on the command line."""
    return f"[{code}] {message}"


def split_message(status: int, detail: object) -> tuple[str, str]:
    """(代码, 说明) of an error answer: ours carry ``[代码] 说明``; anything else is named by its status."""
    match = _CODED.match(detail) if isinstance(detail, str) else None
    if match:
        return match.group(1), match.group(2)
    return _BY_STATUS.get(status, ("E-WEB-ERROR", f"请求未能完成（HTTP {status}）"))


def error_answer(
    request: Request, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse | HTMLResponse:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)
    return request.app.state.templates.TemplateResponse(
        request,
        "error.html",
        {"line": message_line(code, message), "user": getattr(request.state, "user", None)},
        status_code=status,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code, message = split_message(exc.status_code, exc.detail)
        return error_answer(request, exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()} - {""})
        code, message = _BY_STATUS[422]
        return error_answer(request, 422, code, message + (f"：{'、'.join(fields)}" if fields else ""))
