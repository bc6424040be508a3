"""JSON API under /api/v1 (OpenAPI at /api/docs) and /healthz."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Body, File, Header, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from gongkai.web import auth, queries

router = APIRouter()


def _scope(request: Request, conn):
    return queries.region_org_ids(conn, auth.region_of(request.state.user))


@router.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
def docs(request: Request):
    """The API described offline (Swagger UI would load from a CDN): every operation of /api/openapi.json."""
    spec = request.app.openapi()
    ops = [(m.upper(), path, op.get("summary", "")) for path, item in spec["paths"].items() for m, op in item.items()]
    return request.app.state.templates.TemplateResponse(
        request, "api_docs.html", {"ops": ops, "user": request.state.user}
    )


@router.get("/healthz")
def healthz(request: Request):
    with request.app.state.store.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    return {"status": "ok"}


@router.get("/api/v1/reports")
def api_reports(
    request: Request,
    q: str | None = None,
    year: int | None = None,
    has_errors: bool | None = None,
    sort: str = "org",
    desc: bool = False,
    page: int = 1,
    page_size: int = queries.PAGE_SIZE,
):
    page_size = max(1, min(page_size, 500))
    with request.app.state.store.engine.connect() as conn:
        rows, total = queries.list_reports(
            conn,
            search=q,
            year=year,
            has_errors=has_errors,
            sort=sort,
            descending=desc,
            page=page,
            page_size=page_size,
            org_ids=_scope(request, conn),
        )
    return {"total": total, "page": page, "page_size": page_size, "reports": [asdict(r) for r in rows]}


@router.get("/api/v1/reports/{key}")
def api_report(request: Request, key: str):
    with request.app.state.store.engine.connect() as conn:
        detail = queries.report_detail(conn, key, _scope(request, conn))
    if detail is None:
        raise HTTPException(404, "[E-WEB-404] 找不到该报告")
    return {
        **asdict(detail.row),
        "media_type": detail.media_type,
        "pages": detail.pages,
        "published": detail.published,
        "error_message": detail.error_message,
        "cells": detail.cells,
        "findings": detail.findings,
        "reading": detail.reading,
        "text": detail.text,
    }


@router.get("/api/v1/findings")
def api_findings(
    request: Request,
    org: str | None = None,
    year: int | None = None,
    severity: str | None = None,
    status: str | None = None,
    limit: int = 1000,
    offset: int = 0,
):
    """A page of findings (``offset``/``limit``, in the CLI's order) and how many match in all (``total``)."""
    limit, offset = max(1, min(limit, 10000)), max(0, offset)
    with request.app.state.store.engine.connect() as conn:
        scope = _scope(request, conn)
        rows = queries.list_findings(
            conn,
            org_ids=scope,
            organization=org,
            year=year,
            severity=severity,
            status=status,
            limit=limit,
            offset=offset,
        )
        total = queries.count_findings(
            conn, org_ids=scope, organization=org, year=year, severity=severity, status=status
        )
    return {"total": total, "offset": offset, "limit": limit, "findings": rows}


@router.post("/api/v1/findings/{key}/review")
def api_review(
    request: Request,
    key: str,
    decision: str = Body(...),
    comment: str | None = Body(None),
    x_csrf_token: str | None = Header(None),
):
    """A session cookie alone is not enough to write: the request carries the page's CSRF token in a header."""
    user = request.state.user
    binding = request.cookies.get(auth.SESSION_COOKIE) if user else request.cookies.get("gongkai_anon")
    # a bearer token is not sent by a browser on its own, so it needs no CSRF token
    if not request.state.via_token and not auth.csrf_ok(request.app.state.secret, binding, x_csrf_token):
        raise HTTPException(403, "[E-WEB-CSRF] 缺少或无效的 X-CSRF-Token")
    if not auth.can_review(user):
        raise HTTPException(403, "[E-WEB-ROLE] 当前用户无审核权限")
    if decision not in ("confirmed", "dismissed"):
        raise HTTPException(400, "[E-WEB-DECISION] decision 应为 confirmed 或 dismissed")
    with request.app.state.store.begin() as conn:
        ok = queries.review_finding(
            conn, key, decision, comment, user.name if user else "本机用户", _scope(request, conn)
        )
    if not ok:
        raise HTTPException(404, "[E-WEB-404] 找不到该问题")
    return {"key": key, "decision": decision, "comment": comment}


@router.get("/api/v1/stats")
def api_stats(request: Request, year: int | None = None):
    user = request.state.user
    region = auth.region_of(user)
    with request.app.state.store.engine.connect() as conn:
        return queries.stats(conn, region, year)


@router.get("/api/v1/reports/{key}/pages/{n}.png", response_class=Response)
def api_page(request: Request, key: str, n: int):
    from gongkai.web.pages import page_png

    return page_png(request, key, n)


@router.post("/api/v1/documents", status_code=202)
async def api_upload(request: Request, files: list[UploadFile] = File(...), x_csrf_token: str | None = Header(None)):
    """Upload files for ingest; the answer lists each file's outcome so far (refused ones at once)."""
    from gongkai.web.pages import read_uploads, start_upload

    user = request.state.user
    binding = request.cookies.get(auth.SESSION_COOKIE) if user else request.cookies.get("gongkai_anon")
    # a bearer token is not sent by a browser on its own, so it needs no CSRF token
    if not request.state.via_token and not auth.csrf_ok(request.app.state.secret, binding, x_csrf_token):
        raise HTTPException(403, "[E-WEB-CSRF] 缺少或无效的 X-CSRF-Token")
    if not auth.can_upload(user):
        raise HTTPException(403, "[E-WEB-ROLE] 当前用户无上传权限")
    if len(files) > request.app.state.max_upload_files:
        raise HTTPException(413, f"[E-WEB-UPLOAD-COUNT] 一次最多上传 {request.app.state.max_upload_files} 个文件")
    up = start_upload(request, await read_uploads(request, files))
    return up.to_dict()


@router.get("/api/v1/uploads/{upload_id}")
def api_upload_status(request: Request, upload_id: str):
    up = request.app.state.uploads.get(upload_id)
    user = request.state.user
    if up is None or (user is not None and user.role != "admin" and up.user != user.name):
        raise HTTPException(404, "[E-WEB-404] 找不到该上传")
    return up.to_dict()
