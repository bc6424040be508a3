"""报告详情 `/reports/{key}`: metadata, the three tables in the official layout with every value as read, the
findings, and the source of a chosen cell or finding — the PDF page with its box, the HTML/DOCX page rebuilt
with the element highlighted, the lines of text around it; the report's versions with the reviewers'
supersede / withdraw / restore forms; downloads (original, JSON, XLSX)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gongkai.standard.labels import cell_label
from gongkai.web import auth, queries
from gongkai.web.dom_view import DOM_TYPES, rebuild, text_excerpt
from gongkai.web.official import cell_severity, shown_raw, shown_tables
from gongkai.web.pages import check_csrf, org_scope, render
from gongkai.web.reading_view import reading_view
from gongkai.web.report_store import (
    decide_version,
    parse_id_of,
    report_json_bytes,
    report_versions,
    report_xlsx_bytes,
    review_histories,
)

router = APIRouter()
PDF_TYPE = "application/pdf"


@dataclass(frozen=True)
class Target:
    """The source position the page shows: of a cell (``cell``) or of a finding's own text (``cell`` None)."""

    cell: str | None
    page: int | None
    bbox: list[float] | None
    dom_path: str | None
    line: int | None


def _cell_target(cell: dict[str, Any]) -> Target:
    pos = cell.get("position") or {}
    return Target(
        cell["id"], cell.get("page") or pos.get("page"), pos.get("bbox"), pos.get("dom_path"), cell.get("line")
    )


def _finding_target(finding: dict[str, Any], cells: dict[str, dict]) -> Target | None:
    """Where a finding points: its own text when it has one (e.g. the sentence of a narrative mismatch), else its
    first evidence cell that was read (at the cell's stored position)."""
    evidence = finding.get("evidence") or {}
    pos = evidence.get("position")
    if isinstance(pos, dict) and (pos.get("bbox") or pos.get("dom_path") or pos.get("line")):
        return Target(None, pos.get("page"), pos.get("bbox"), pos.get("dom_path"), pos.get("line"))
    for c in evidence.get("cells") or []:
        stored = cells.get(c.get("id"))
        if stored is not None and stored.get("raw") is not None:
            return _cell_target(stored)
    return None


def _content(request: Request, sha: str):
    def content() -> bytes:
        with request.app.state.store.engine.connect() as conn:
            return queries.file_content(conn, sha)

    return content


def _pdf_view(
    request: Request, detail, sha: str, page: int, severity: dict[str, str], target: Target | None
) -> dict | None:
    """The page image's size in points and the boxes of the cells printed on it (plus the finding's own box)."""
    image = request.app.state.pages.get(sha, page, _content(request, sha))
    if image is None:
        return None
    boxes = [
        {"id": c["id"], "bbox": c["position"]["bbox"], "severity": severity.get(c["id"])}
        for c in detail.cells
        if c["page"] == page and c["position"] and c["position"].get("bbox")
    ]
    extra = target.bbox if target and target.cell is None and target.page == page and target.bbox else None
    # shown at 1.5 px per PDF point; a scan (boxes in its pixels) fitted to a readable width instead
    scale = 1.5 if detail.media_type == PDF_TYPE else min(1.0, 1000 / max(image.width_pt, 1.0))
    return {
        "page": page,
        "pages": detail.pages,
        "width": image.width_pt,
        "height": image.height_pt,
        "scale": scale,
        "boxes": boxes,
        "finding_box": extra,
    }


def _dom_view(request: Request, detail, sha: str, severity: dict[str, str], target: Target | None):
    cache = request.app.state.dom_blocks
    blocks = cache.get(sha, detail.media_type, _content(request, sha))
    if blocks is None:
        return None
    by_path = {
        c["position"]["dom_path"]: c["id"] for c in detail.cells if c["position"] and c["position"].get("dom_path")
    }
    marks = {p: severity[cid] for p, cid in by_path.items() if cid in severity}
    return rebuild(blocks, by_path, marks, target.dom_path if target else None)


@router.get("/reports/{key}", response_class=HTMLResponse)
def report(request: Request, key: str, page: int | None = None, cell: str = "", finding: str = ""):
    store = request.app.state.store
    with store.engine.connect() as conn:
        detail = queries.report_detail(conn, key, org_scope(request, conn))
        found = queries.stored_file(conn, key) if detail is not None else None
        versions = report_versions(conn, found.sha256) if found is not None else None
        history = review_histories(conn, found.sha256) if found is not None else {}
    if detail is None or found is None:
        return render(request, "missing.html", status_code=404, key=key)
    cells = {c["id"]: c for c in detail.cells}
    severity = cell_severity(detail.findings)
    target = None
    chosen = next((f for f in detail.findings if f["key"] == finding.strip().upper()), None) if finding else None
    if chosen is not None:
        target = _finding_target(chosen, cells)
    elif cell in cells:
        target = _cell_target(cells[cell])
    view = dom = None
    if (detail.media_type == PDF_TYPE or (detail.media_type or "").startswith("image/")) and detail.pages:
        if page is None:  # the target's page, else the first page holding a marked cell, else the first
            page = (
                target.page
                if target and target.page
                else min((c["page"] for c in detail.cells if c["id"] in severity and c["page"]), default=1)
            )
        page = max(1, min(page, detail.pages))
        view = _pdf_view(request, detail, found.sha256, page, severity, target)
    elif detail.media_type in DOM_TYPES:
        dom = _dom_view(request, detail, found.sha256, severity, target)
    labels = {
        cid: cell_label(cid)
        for cid in {*cells, *(c.get("id") for f in detail.findings for c in (f["evidence"] or {}).get("cells") or [])}
        if cid
    }
    return render(
        request,
        "report.html",
        d=detail,
        tables=shown_tables(detail.row.format, detail.cells, detail.findings),
        view=view,
        dom=dom,
        target=target,
        chosen=chosen,
        cells=cells,
        labels=labels,
        excerpt=text_excerpt(detail.text, target.line if target else None),
        shown_raw=shown_raw,
        selected=target.cell if target else "",
        versions=versions,
        num=_num,
        can_review=auth.can_review(request.state.user),
        reading=reading_view(detail.reading, detail.row.format),
        history=history,
    )


def _num(v: float) -> str:
    """A stored number as printed: counts without ".0"."""
    return f"{v:.4f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def _error(text: str, status: int) -> HTMLResponse:
    return HTMLResponse(text, status_code=status)


@router.post("/reports/{key}/versions")
def change_version(
    request: Request,
    key: str,
    action: str = Form(""),
    reason: str = Form(""),
    by_report: str = Form(""),
    csrf: str = Form(""),
):
    if not check_csrf(request, csrf):
        return _error("[E-WEB-CSRF] 表单已失效，请刷新页面后重试", 403)
    if not auth.can_review(request.state.user):
        return _error("[E-WEB-ROLE] 当前用户无审核权限", 403)
    from gongkai.errors import GongkaiError

    store = request.app.state.store
    with store.engine.connect() as conn:
        scope = org_scope(request, conn)
        visible = queries.stored_file(conn, key, scope) is not None
        if by_report and action == "supersede":
            visible = visible and queries.stored_file(conn, by_report, scope) is not None
    if not visible:
        return _error("[E-WEB-404] 找不到该报告", 404)
    user = request.state.user
    try:
        decide_version(store, key, action, reason, user.name if user else "本机用户", by_report or None)
    except GongkaiError as exc:
        return _error(f"[{exc.code}] {exc.message}", 400)
    return RedirectResponse(f"/reports/{key}#versions", status_code=303)


def _download(request: Request, key: str, make, media_type: str, suffix: str) -> Response:
    with request.app.state.store.engine.connect() as conn:
        found = queries.stored_file(conn, key, org_scope(request, conn))
        parse_id = parse_id_of(conn, found.sha256) if found is not None else None
        data = make(conn, parse_id) if parse_id is not None else None
    if data is None:
        return _error("[E-WEB-404] 找不到该报告", 404)
    # the file name is built from the key only
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{key}.{suffix}"', "X-Content-Type-Options": "nosniff"},
    )


@router.get("/reports/{key}/report.json")
def download_json(request: Request, key: str):
    return _download(request, key, report_json_bytes, "application/json", "json")


@router.get("/reports/{key}/report.xlsx")
def download_xlsx(request: Request, key: str):
    return _download(
        request, key, report_xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    )
