"""Server-rendered Chinese pages: login, 报告 list, reviews, original-file download (报告详情: detail.py)."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gongkai.web import auth, queries

router = APIRouter()
_ANON = "gongkai_anon"
FINDINGS_PAGE = 200  # findings per page of 问题清单


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


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    app = request.app
    context.update(
        user=request.state.user,
        auth_required=request.state.auth_required,
        csrf=auth.csrf_token(app.state.secret, _csrf_binding(request)),
    )
    return app.state.templates.TemplateResponse(request, template, context, status_code=status_code)


def check_csrf(request: Request, token: str | None) -> bool:
    binding = request.cookies.get(auth.SESSION_COOKIE) if request.state.user else request.cookies.get(_ANON)
    return auth.csrf_ok(request.app.state.secret, binding, token)


def _forbidden() -> HTMLResponse:
    return HTMLResponse("[E-WEB-CSRF] 表单已失效，请刷新页面后重试", status_code=403)


def form_year(text: str) -> int | None:
    """The year field of a GET filter form: left empty (the form sends "year=") it means any year."""
    return int(text) if text.strip().isdigit() else None


def org_scope(request: Request, conn) -> set[int] | None:
    return queries.region_org_ids(conn, auth.region_of(request.state.user))


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
        return render(request, "login.html", status_code=401, error="[E-WEB-LOGIN] 用户名或密码错误")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        auth.SESSION_COOKIE,
        auth.make_session(request.app.state.secret, user.name),
        httponly=True,
        samesite="strict",
        max_age=auth.SESSION_SECONDS,
    )
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")):
    if not check_csrf(request, csrf):
        return _forbidden()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def reports(
    request: Request,
    q: str = "",
    year: str = "",
    errors: str = "",
    sort: str = "org",
    desc: bool = False,
    page: int = 1,
):
    has_errors = {"yes": True, "no": False}.get(errors)
    year_no = form_year(year)
    with request.app.state.store.engine.connect() as conn:
        rows, total = queries.list_reports(
            conn,
            search=q or None,
            year=year_no,
            has_errors=has_errors,
            sort=sort,
            descending=desc,
            page=page,
            org_ids=org_scope(request, conn),
        )
    pages = max(1, -(-total // queries.PAGE_SIZE))
    return render(
        request,
        "reports.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        q=q,
        year=year_no,
        errors=errors,
        sort=sort,
        desc=desc,
    )


@router.post("/reports/{key}/findings/{finding}/review")
def review(
    request: Request, key: str, finding: str, decision: str = Form(""), comment: str = Form(""), csrf: str = Form("")
):
    if not check_csrf(request, csrf):
        return _forbidden()
    if not auth.can_review(request.state.user):
        return HTMLResponse("[E-WEB-ROLE] 当前用户无审核权限", status_code=403)
    if decision not in ("confirmed", "dismissed"):
        return HTMLResponse("[E-WEB-DECISION] 审核结论应为确认或驳回", status_code=400)
    user = request.state.user
    with request.app.state.store.begin() as conn:
        ok = queries.review_finding(
            conn, finding, decision, comment.strip(), user.name if user else "本机用户", org_scope(request, conn)
        )
    if not ok:
        return HTMLResponse("[E-WEB-404] 找不到该问题", status_code=404)
    return RedirectResponse(f"/reports/{key}#finding-{finding}", status_code=303)


@router.get("/findings", response_class=HTMLResponse)
def findings(request: Request, org: str = "", year: str = "", severity: str = "", status: str = "", page: int = 1):
    year_no = form_year(year)
    filters: dict[str, Any] = {
        "organization": org or None,
        "year": year_no,
        "severity": severity or None,
        "status": status or None,
    }
    page = max(1, page)
    with request.app.state.store.engine.connect() as conn:
        scope = org_scope(request, conn)
        rows = queries.list_findings(
            conn, org_ids=scope, limit=FINDINGS_PAGE, offset=(page - 1) * FINDINGS_PAGE, **filters
        )
        total = queries.count_findings(conn, org_ids=scope, **filters)
    pages = max(1, -(-total // FINDINGS_PAGE))
    return render(
        request,
        "findings.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        org=org,
        year=year_no,
        severity=severity,
        status=status,
    )


def page_png(request: Request, key: str, n: int) -> Response:
    """Page ``n`` of the report's PDF or scan as PNG (shared by the page and the API route)."""
    store = request.app.state.store
    with store.engine.connect() as conn:
        found = queries.stored_file(conn, key, org_scope(request, conn))
    if found is None or not (found.media_type == "application/pdf" or (found.media_type or "").startswith("image/")):
        return HTMLResponse("[E-WEB-404] 找不到该报告的 PDF 页面", status_code=404)

    def content():
        with store.engine.connect() as conn:
            return queries.file_content(conn, found.sha256)

    image = request.app.state.pages.get(found.sha256, n, content)
    if image is None:
        return HTMLResponse(f"[E-WEB-404] 没有第 {n} 页", status_code=404)
    return Response(image.png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/reports/{key}/pages/{n}.png")
def page_image(request: Request, key: str, n: int):
    return page_png(request, key, n)


@router.get("/reports/{key}/original")
def original(request: Request, key: str):
    with request.app.state.store.engine.connect() as conn:
        found = queries.stored_file(conn, key, org_scope(request, conn))
        content = queries.file_content(conn, found.sha256) if found else None
    if found is None:
        return HTMLResponse("[E-WEB-404] 找不到该报告", status_code=404)
    media_type = found.media_type
    # the download name is built from the key, never from a stored path
    return Response(
        content,
        media_type=media_type or "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{key}"', "X-Content-Type-Options": "nosniff"},
    )


async def read_uploads(request: Request, files: list[UploadFile]) -> list[tuple[str | None, bytes | None]]:
    """Each file's bytes, or None past the size limit (read no further than the limit)."""
    limit = request.app.state.max_upload_bytes
    out = []
    for f in files[: request.app.state.max_upload_files + 1]:
        data = await f.read(limit + 1)
        out.append((f.filename, None if len(data) > limit else data))
    return out


def start_upload(request: Request, files: list[tuple[str | None, bytes | None]]):
    from gongkai.web import upload

    user = request.state.user
    up = request.app.state.uploads.new(user.name if user else "本机用户")
    folder, paths = upload.accept(up, files, request.app.state.max_upload_bytes, request.app.state.max_upload_files)
    if paths:
        request.app.state.upload_queue.submit(up, folder, paths)
    else:
        if folder is not None:
            folder.rmdir()
        up.done = True
    return up


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request):
    if not auth.can_upload(request.state.user):
        return HTMLResponse("[E-WEB-ROLE] 当前用户无上传权限", status_code=403)
    return render(
        request,
        "upload.html",
        max_mb=request.app.state.max_upload_bytes // (1024 * 1024),
        max_files=request.app.state.max_upload_files,
    )


@router.post("/upload")
async def upload_files(request: Request, files: list[UploadFile] = File(...), csrf: str = Form("")):
    if not check_csrf(request, csrf):
        return _forbidden()
    if not auth.can_upload(request.state.user):
        return HTMLResponse("[E-WEB-ROLE] 当前用户无上传权限", status_code=403)
    if len(files) > request.app.state.max_upload_files:
        return HTMLResponse(
            f"[E-WEB-UPLOAD-COUNT] 一次最多上传 {request.app.state.max_upload_files} 个文件", status_code=413
        )
    up = start_upload(request, await read_uploads(request, files))
    return RedirectResponse(f"/uploads/{up.id}", status_code=303)


@router.get("/uploads/{upload_id}", response_class=HTMLResponse)
def upload_status(request: Request, upload_id: str):
    up = request.app.state.uploads.get(upload_id)
    user = request.state.user
    if up is None or (user is not None and user.role != "admin" and up.user != user.name):
        return HTMLResponse("[E-WEB-404] 找不到该上传", status_code=404)
    return render(request, "upload_status.html", up=up)
