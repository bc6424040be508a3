"""JSON API under /api/v1 (OpenAPI at /api/docs) and /healthz."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, HTTPException, Request

from gongkai.web import queries

router = APIRouter()


@router.get("/healthz")
def healthz(request: Request):
    with request.app.state.store.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    return {"status": "ok"}


@router.get("/api/v1/reports")
def api_reports(request: Request, q: str | None = None, year: int | None = None, has_errors: bool | None = None,
                sort: str = "org", desc: bool = False, page: int = 1, page_size: int = queries.PAGE_SIZE):
    page_size = max(1, min(page_size, 500))
    with request.app.state.store.engine.connect() as conn:
        rows, total = queries.list_reports(conn, search=q, year=year, has_errors=has_errors, sort=sort,
                                           descending=desc, page=page, page_size=page_size)
    return {"total": total, "page": page, "page_size": page_size, "reports": [asdict(r) for r in rows]}


@router.get("/api/v1/reports/{key}")
def api_report(request: Request, key: str):
    with request.app.state.store.engine.connect() as conn:
        detail = queries.report_detail(conn, key)
    if detail is None:
        raise HTTPException(404, "[E-WEB-404] 找不到该报告")
    return {**asdict(detail.row), "media_type": detail.media_type, "pages": detail.pages,
            "published": detail.published, "error_message": detail.error_message, "cells": detail.cells,
            "findings": detail.findings, "text": detail.text}
