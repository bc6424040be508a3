"""Server-rendered Chinese pages: login, 报告 list, 报告详情, original-file download."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gongkai.standard import find_cell
from gongkai.web import auth, queries

router = APIRouter()
_ANON = "gongkai_anon"


def _csrf_binding(request: Request) -> str:
    """The value the CSRF token is bound to: the session cookie, else the anonymous marker cookie."""
    session = request.cookies.get(auth.SESSION_COOKIE)
    if session and request.state.user is not None:
        return session
    anon = request.cookies.get(_ANON)
    if not anon:
        anon = getattr(request.state, "anon", None) or secrets.token_urlsafe(16)
        request.state.anon = anon  # the middleware sets this cookie on the response
    return anon


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    app = request.app
    context.update(user=request.state.user, auth_required=request.state.auth_required,
                   csrf=auth.csrf_token(app.state.secret, _csrf_binding(request)))
    return app.state.templates.TemplateResponse(request, template, context, status_code=status)


def check_csrf(request: Request, token: str | None) -> bool:
    binding = request.cookies.get(auth.SESSION_COOKIE) if request.state.user else request.cookies.get(_ANON)
    return auth.csrf_ok(request.app.state.secret, binding, token)


def _forbidden() -> HTMLResponse:
    return HTMLResponse("[E-WEB-CSRF] 表单已失效，请刷新页面后重试", status_code=403)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request):
    return render(request, "login.html")


@router.post("/login")
def login(request: Request, name: str = Form(""), password: str = Form(""), csrf: str = Form("")):
    if not check_csrf(request, csrf):
        return _forbidden()
    with request.app.state.store.engine.connect() as conn:
        user = queries.get_user(conn, name)
    if user is None or not auth.verify_password(user.password_hash, password):
        return render(request, "login.html", status=401, error="[E-WEB-LOGIN] 用户名或密码错误")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(auth.SESSION_COOKIE, auth.make_session(request.app.state.secret, user.name),
                        httponly=True, samesite="strict", max_age=auth.SESSION_SECONDS)
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")):
    if not check_csrf(request, csrf):
        return _forbidden()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def reports(request: Request, q: str = "", year: int | None = None, errors: str = "", sort: str = "org",
            desc: bool = False, page: int = 1):
    has_errors = {"yes": True, "no": False}.get(errors)
    with request.app.state.store.engine.connect() as conn:
        rows, total = queries.list_reports(conn, search=q or None, year=year, has_errors=has_errors, sort=sort,
                                           descending=desc, page=page)
    pages = max(1, -(-total // queries.PAGE_SIZE))
    return render(request, "reports.html", rows=rows, total=total, page=page, pages=pages, q=q, year=year,
                  errors=errors, sort=sort, desc=desc)


@router.get("/reports/{key}", response_class=HTMLResponse)
def report(request: Request, key: str):
    with request.app.state.store.engine.connect() as conn:
        detail = queries.report_detail(conn, key)
    if detail is None:
        return render(request, "missing.html", status=404, key=key)
    marked = {c["id"] for f in detail.findings for c in (f["evidence"] or {}).get("cells", [])}
    labels = {c["id"]: (find_cell(c["id"]).label if find_cell(c["id"]) else c["id"]) for c in detail.cells}
    return render(request, "report.html", d=detail, marked=marked, labels=labels)


@router.get("/reports/{key}/original")
def original(request: Request, key: str):
    with request.app.state.store.engine.connect() as conn:
        found = queries.document_content(conn, key)
    if found is None:
        return HTMLResponse("[E-WEB-404] 找不到该报告", status_code=404)
    content, media_type, _source = found
    # the download name is built from the key, never from a stored path
    return Response(content, media_type=media_type or "application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{key}"',
                             "X-Content-Type-Options": "nosniff"})
