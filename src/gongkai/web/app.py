"""`create_app(store_url)`: the FastAPI application. Default deny: as soon as a user exists, or the server listens
beyond loopback, every page and API call needs a session (pages redirect to /login, /api/v1 answers 401)."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from gongkai.readers.limits import DEFAULT_LIMITS, Limits
from gongkai.store.db import open_store
from gongkai.web import auth, queries
from gongkai.web.api import router as api_router
from gongkai.web.detail import router as detail_router
from gongkai.web.dom_view import BlockCache
from gongkai.web.notice import router as notice_router
from gongkai.web.pages import router as pages_router
from gongkai.web.source import PageCache
from gongkai.web import errors as web_errors
from gongkai.web.upload import MAX_FILE_BYTES, MAX_FILES, UploadQueue, Uploads
from gongkai.web import tokens  # 区域/对比/填报 and API tokens
from gongkai.web.compare import router as compare_router
from gongkai.web.fill import router as fill_router
from gongkai.web.region import router as region_router

_HERE = Path(__file__).parent
_PUBLIC = ("/login", "/static/", "/healthz")
ANON_COOKIE = "gongkai_anon"  # binds the login form's CSRF token before a session exists


def create_app(
    store_url: str | None = None,
    *,
    host: str = "127.0.0.1",
    secret: bytes | None = None,
    max_upload_bytes: int = MAX_FILE_BYTES,
    max_upload_files: int = MAX_FILES,
    upload_jobs: int | None = None,
    upload_limits: Limits = DEFAULT_LIMITS,
) -> FastAPI:
    """``upload_jobs``: worker processes reading uploaded files (default: half the CPUs, at least 1);
    ``upload_limits``: each file's time and memory limits (the CLI's by default)."""
    store = open_store(store_url)
    app = FastAPI(
        title="gongkai 工作台", docs_url=None, openapi_url="/api/openapi.json", redoc_url=None, lifespan=_lifespan
    )
    app.state.store = store
    app.state.secret = secret or secrets.token_bytes(32)
    app.state.loopback = auth.is_loopback(host)
    app.state.pages = PageCache()
    app.state.dom_blocks = BlockCache()
    app.state.uploads = Uploads()
    jobs = upload_jobs if upload_jobs is not None else max(1, (os.cpu_count() or 2) // 2)
    app.state.upload_queue = UploadQueue(store, jobs, upload_limits)
    app.state.max_upload_bytes, app.state.max_upload_files = max_upload_bytes, max_upload_files
    # autoescape on for every template: document text holding markup is shown as text
    app.state.templates = Jinja2Templates(
        env=Environment(loader=FileSystemLoader(str(_HERE / "templates")), autoescape=True)
    )
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    @app.middleware("http")
    async def default_deny(request: Request, call_next):
        path = request.url.path
        request.state.user = None
        request.state.via_token = False
        bearer = _bearer(request) if path.startswith("/api/v1/") else None  # tokens are for the API only
        with store.engine.connect() as conn:
            if bearer is not None:
                user = tokens.user_for_token(conn, bearer)
                if user is None:
                    return JSONResponse({"error": "E-WEB-TOKEN", "message": "API 令牌无效或已撤销"}, status_code=401)
                request.state.via_token = True
            else:
                name = auth.read_session(app.state.secret, request.cookies.get(auth.SESSION_COOKIE))
                user = queries.get_user(conn, name) if name else None
            required = not app.state.loopback or queries.user_count(conn) > 0
        request.state.user = user
        request.state.auth_required = required
        if required and user is None and not path.startswith(_PUBLIC):
            if path.startswith("/api/"):
                return JSONResponse({"error": "E-WEB-AUTH", "message": "需要登录"}, status_code=401)
            return RedirectResponse("/login", status_code=303)
        response = await call_next(request)
        if ANON_COOKIE not in request.cookies:
            response.set_cookie(
                ANON_COOKIE,
                getattr(request.state, "anon", None) or secrets.token_urlsafe(16),
                httponly=True,
                samesite="strict",
            )
        return response

    web_errors.install(app)
    app.include_router(pages_router)
    app.include_router(detail_router)
    app.include_router(notice_router)
    app.include_router(api_router)
    app.include_router(region_router)
    app.include_router(compare_router)
    app.include_router(fill_router)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI):
    yield
    from starlette.concurrency import run_in_threadpool

    await run_in_threadpool(app.state.upload_queue.close)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None
