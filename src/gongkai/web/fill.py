"""填报 `/fill`: fill a report in the browser — the three tables in the official layout as inputs — with the
checks of `gongkai render` run on every change (htmx posts the form to /fill/check; a 平衡/不平衡 line and the
findings come back), 上年结转 pre-filled from last year's stored report (:func:`gongkai.produce.carry_over`, as
`render --last-year`), or an uploaded XLSX template; the report rendered to DOCX (PDF when LibreOffice exists).

Every check is :func:`gongkai.produce.check_form`: the form rendered, read back and checked like a published
report. Nothing is stored."""

from __future__ import annotations

import random
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection, select

from gongkai.errors import GongkaiError
from gongkai.forms.model import BODY_KINDS, ReportForm, form_value
from gongkai.model import Finding, Severity
from gongkai.render.grid import layout_tables
from gongkai.render.text import Style, build_tables, format_value
from gongkai.spec import ReportSpec, Value
from gongkai.standard import get_format
from gongkai.standard.formats import FORMAT_IDS
from gongkai.store import schema as t
from gongkai.store.versions import counted
from gongkai.web import auth, queries
from gongkai.web.pages import check_csrf, render

router = APIRouter()
TEXT_SECTIONS = ("1", "5", "6")  # the sections an author writes (the rest is generated from the tables)
BODY_KIND_NAMES = {"department": "部门", "government": "人民政府", "street": "街道", "town": "乡镇"}
_MARK = 1_000_001  # value markers: the grid prints each cell's marker where the cell goes
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class FormCell:
    text: str
    kind: str  # header | label | value
    rowspan: int
    colspan: int
    cell_id: str | None  # value cells: the standard cell id the input fills


@cache
def form_layout(format_id: str) -> dict[str, tuple[tuple[FormCell, ...], ...]]:
    """The three tables in the official merged layout (:func:`gongkai.render.grid.layout_tables`), each value
    position tied to its cell id: a report whose every cell holds a distinct marker is laid out, and each
    marker found in the grid names the cell printed there."""
    fmt = get_format(format_id)
    markers = {cid: _MARK + i for i, cid in enumerate(fmt.cell_ids)}
    spec = ReportSpec(format_id, 2021 if format_id == "2021" else 2019, "", "department", False, None, dict(markers))
    grids = layout_tables(build_tables(spec, Style(), random.Random(0)), fmt, "official")
    by_marker = {str(m): cid for cid, m in markers.items()}
    out = {}
    for name, grid in grids.items():
        out[name] = tuple(
            tuple(
                FormCell(
                    "" if c.text in by_marker else c.text,
                    c.kind,
                    c.rowspan,
                    c.colspan,
                    by_marker.get(c.text) if c.kind == "value" else None,
                )
                for c in row
            )
            for row in grid.rows()
        )
    placed = {c.cell_id for rows in out.values() for row in rows for c in row if c.cell_id}
    if placed != set(fmt.cell_ids):  # a layout change must fail loudly, never drop an input
        raise ValueError(f"cells not placed in the form layout: {sorted(set(fmt.cell_ids) - placed)[:3]}")
    return out


@dataclass
class CheckResult:
    balanced: bool | None  # None: the form could not be checked
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # [E-…] why the form could not be checked

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def identity_errors(self) -> list[Finding]:
        return [f for f in self.errors if f.category == "identity_violation"]


def form_from_fields(fields: dict[str, str]) -> ReportForm:
    """The form the page's fields describe (values as typed: blank, "/", numbers, or text the checks name)."""
    format_id = fields.get("format") or "2021"
    if format_id not in FORMAT_IDS:
        format_id = "2021"
    fmt = get_format(format_id)
    year = fields.get("year", "").strip()
    published = fields.get("published", "").strip()
    d = {
        "organization": fields.get("organization", "").strip(),
        "year": year or None,
        "format": format_id,
        "published": published or None,
        "body_kind": fields.get("body_kind") or "department",
        "is_rollup": fields.get("is_rollup") == "1",
        "texts": {
            no: [p.strip() for p in fields.get(f"text{no}", "").splitlines() if p.strip()] for no in TEXT_SECTIONS
        },
        "values": {cid: fields.get(f"v.{cid}", "") for cid in fmt.cell_ids},
        "origins": {cid: "last_year" for cid in fields.get("carried", "").split(",") if cid in fmt.cells},
    }
    return ReportForm.from_dict(d, source="网页表单")


def check(form: ReportForm, last=None) -> CheckResult:
    """`gongkai render`'s checks: carry-over against last year's report (when there is one), then the form
    rendered, read back and checked."""
    from gongkai.produce import carry_over, check_form

    try:
        carry = carry_over(form, last) if last is not None else None
        report = check_form(carry.form if carry else form)
    except GongkaiError as exc:
        return CheckResult(None, error=f"[{exc.code}] {exc.message}")
    findings = (carry.findings if carry else []) + report.findings
    result = CheckResult(True, findings)
    result.balanced = not result.identity_errors
    return result


class ReadCache:
    """Last years' reports as read from their stored files, by content hash (the live check asks on every
    change; reading a PDF again each time would be slow). Bounded; one per application."""

    def __init__(self, size: int = 16) -> None:
        self._items: OrderedDict[str, object] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, sha256: str, read):
        with self._lock:
            if sha256 in self._items:
                self._items.move_to_end(sha256)
                return self._items[sha256]
        report = read()
        with self._lock:
            self._items[sha256] = report
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return report


def _read_cache(request: Request) -> ReadCache:
    state = request.app.state
    if not hasattr(state, "fill_reads"):
        state.fill_reads = ReadCache()
    return state.fill_reads


def last_year_report(
    conn: Connection, organization: str, year: int, org_ids: set[int] | None, cache: ReadCache | None = None
):
    """Last year's current stored report of ``organization`` (registered name, alias or as printed), read and
    checked again from the stored file — what `render --last-year` reads; None when there is none."""
    from gongkai.analysis.stored import load_registry
    from gongkai.pipeline import check_document
    from gongkai.readers import read_bytes

    p = t.parse.c
    ids = sorted(load_registry(conn).by_name.get(organization.strip(), ()))
    body = (
        p.organization_id.in_(ids)
        if ids
        else (p.organization_id.is_(None) & (p.organization_printed == organization.strip()))
    )
    stmt = (
        select(t.document.c.sha256, p.source, p.organization_id)
        .select_from(t.parse.join(t.document, t.document.c.id == p.document_id))
        .where(counted(), p.status == "ok", p.is_rollup.is_(False), p.year == year - 1, body)
        .order_by(t.document.c.sha256)
        .limit(1)
    )
    row = conn.execute(stmt).first()
    if row is None or (org_ids is not None and row.organization_id not in org_ids):
        return None

    def read():
        content: bytes = conn.execute(
            select(t.document.c.content).where(t.document.c.sha256 == row.sha256)
        ).scalar_one()
        try:
            return check_document(read_bytes(content, row.source or "上年报告"))
        except GongkaiError:
            return None

    return cache.get(row.sha256, read) if cache is not None else read()


def blank_form(organization: str, year: int, format_id: str) -> ReportForm:
    """A new form as `gongkai template` starts one: every cell 0, except 上年结转, left blank so that last
    year's report can fill it (a blank form cell means "not filled in yet")."""
    from gongkai.checks.carry import carry_pairs

    format_id = format_id if format_id in FORMAT_IDS else "2021"
    carry = {p.this_cell for p in carry_pairs(format_id, format_id)}
    values: dict[str, Value] = {cid: (None if cid in carry else 0) for cid in get_format(format_id).cell_ids}
    return ReportForm(organization=organization.strip(), year=year, format_id=format_id, values=values)


def prefill(form: ReportForm, last) -> tuple[ReportForm, set[str]]:
    from gongkai.produce import carry_over

    if last is None:
        return form, set()
    carried = carry_over(form, last)
    return carried.form, set(carried.filled)


# ------------------------------------------------------------------------------------------------ pages


def _page(
    request: Request,
    form: ReportForm,
    *,
    result: CheckResult | None = None,
    carried: AbstractSet[str] = frozenset(),
    message: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    from gongkai.readers.libreoffice import find_soffice

    shown = {cid: format_value(v) if not isinstance(v, str) or v == "n/a" else v for cid, v in form.values.items()}
    return render(
        request,
        "fill.html",
        status_code=status_code,
        form=form,
        layout=form_layout(form.format_id),
        shown=shown,
        carried=carried,
        result=result,
        message=message,
        kinds=BODY_KIND_NAMES,
        sections=TEXT_SECTIONS,
        section_titles=_titles(form.format_id),
        pdf=find_soffice() is not None,
    )


def _titles(format_id: str) -> dict[str, str]:
    return {str(s.no): s.title for s in get_format(format_id).sections}


def _scope(request: Request, conn):
    return queries.region_org_ids(conn, auth.region_of(request.state.user))


@router.get("/fill", response_class=HTMLResponse)
def fill_page(request: Request, organization: str = "", year: int | None = None, format: str = "2021"):
    from datetime import date

    year = year or date.today().year - 1
    form = blank_form(organization, year, format)
    carried: set[str] = set()
    message = None
    if form.organization:
        with request.app.state.store.engine.connect() as conn:
            last = last_year_report(conn, form.organization, year, _scope(request, conn), _read_cache(request))
        form, carried = prefill(form, last)
        message = (
            f"已按 {year - 1} 年度报告填入“上年结转”（{len(carried)} 格）"
            if last is not None
            else f"没有找到 {form.organization} {year - 1} 年度的报告，“上年结转”需手工填写"
        )
    return _page(request, form, carried=carried, message=message)


async def _fields(request: Request) -> dict[str, str]:
    data = await request.form()
    return {k: v for k, v in data.items() if isinstance(v, str)}


@router.post("/fill/check", response_class=HTMLResponse)
async def fill_check(request: Request):
    fields = await _fields(request)
    if not check_csrf(request, fields.get("csrf")):
        return HTMLResponse("[E-WEB-CSRF] 表单已失效，请刷新页面后重试", status_code=403)
    result, form = _check_fields(request, fields)
    if request.headers.get("hx-request"):  # htmx: only the result block
        return render(request, "fill_result.html", result=result)
    return _page(request, form, result=result, carried=_carried(fields))


def _carried(fields: dict[str, str]) -> set[str]:
    return {c for c in fields.get("carried", "").split(",") if c}


def _check_fields(request: Request, fields: dict[str, str]) -> tuple[CheckResult, ReportForm]:
    try:
        form = form_from_fields(fields)
    except GongkaiError as exc:
        return CheckResult(None, error=f"[{exc.code}] {exc.message}"), _lenient(fields)
    with request.app.state.store.engine.connect() as conn:
        last = last_year_report(conn, form.organization, form.year, _scope(request, conn), _read_cache(request))
    return check(form, last), form


def _lenient(fields: dict[str, str]) -> ReportForm:
    """What was typed, for showing the page again when the form cannot be used as it is."""
    fmt_id = fields.get("format") or ""
    if fmt_id not in FORMAT_IDS:
        fmt_id = "2021"
    year = fields.get("year", "").strip()
    form = ReportForm(
        organization=fields.get("organization", "").strip(),
        year=int(year) if year.isdigit() and len(year) <= 4 else 0,
        format_id=fmt_id,
    )
    form.values = {cid: form_value(fields.get(f"v.{cid}", "")) for cid in get_format(fmt_id).cell_ids}
    form.texts = {no: [p for p in fields.get(f"text{no}", "").splitlines() if p.strip()] for no in TEXT_SECTIONS}
    kind = fields.get("body_kind") or ""
    form.body_kind = kind if kind in BODY_KINDS else "department"
    return form


@router.post("/fill/render")
async def fill_render(request: Request):
    """The report as DOCX (or PDF); refused, with the findings, when the checks find errors — as `render`
    refuses without --force."""
    fields = await _fields(request)
    if not check_csrf(request, fields.get("csrf")):
        return HTMLResponse("[E-WEB-CSRF] 表单已失效，请刷新页面后重试", status_code=403)
    to = "pdf" if fields.get("to") == "pdf" else "docx"
    result, form = _check_fields(request, fields)
    if result.balanced is None or (result.errors and fields.get("force") != "1"):
        note = result.error or f"未生成报告：检查发现 {len(result.errors)} 个错误，请修改后重试（或勾选“仍然生成”）"
        return _page(request, form, result=result, carried=_carried(fields), message=note, status_code=422)
    from gongkai.produce import render_form

    try:
        data = render_form(form, to)
    except GongkaiError as exc:
        return _page(
            request,
            form,
            result=result,
            carried=_carried(fields),
            message=f"[{exc.code}] {exc.message}",
            status_code=422,
        )
    name = quote(f"{form.organization}{form.year}年政府信息公开工作年度报告.{to}")
    return Response(
        data,
        media_type=DOCX_TYPE if to == "docx" else "application/pdf",
        headers={
            "Content-Disposition": f"attachment; filename=\"report.{to}\"; filename*=UTF-8''{name}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post("/fill/upload", response_class=HTMLResponse)
async def fill_upload(request: Request, file: UploadFile = File(...), csrf: str = Form("")):
    """An XLSX template filled offline (`gongkai template`): its values on the page, checked."""
    from gongkai.forms.xlsx_read import read_xlsx

    if not check_csrf(request, csrf):
        return HTMLResponse("[E-WEB-CSRF] 表单已失效，请刷新页面后重试", status_code=403)
    limit = request.app.state.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        return HTMLResponse(f"[E-WEB-UPLOAD-SIZE] 文件超过 {limit // (1024 * 1024)} MB", status_code=413)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "form.xlsx"  # our name, never the uploaded one
        path.write_bytes(data)
        try:
            read = read_xlsx(path)
        except GongkaiError as exc:
            return _page(
                request,
                ReportForm("", 0),
                message=f"[{exc.code}] {exc.message.replace(str(path), '上传的文件')}",
                status_code=422,
            )
    form = read.form
    carried = {cid for cid, o in form.origins.items() if o == "last_year"}
    with request.app.state.store.engine.connect() as conn:
        last = (
            last_year_report(conn, form.organization, form.year, _scope(request, conn), _read_cache(request))
            if form.year
            else None
        )
    result = check(form, last)
    message = "已读入上传的 Excel 表单" + (("；" + "；".join(read.notes)) if read.notes else "")
    return _page(request, form, result=result, carried=carried, message=message)


@router.get("/fill/template.xlsx")
def fill_template(request: Request, year: int, format: str = "2021"):
    """The blank XLSX template of `gongkai template`, for filling offline."""
    from gongkai.forms.xlsx import write_xlsx_template

    if format not in FORMAT_IDS or not 2008 <= year <= 2100:
        return HTMLResponse("[E-WEB-FILL] 年度或格式无效", status_code=400)
    with tempfile.TemporaryDirectory() as tmp:
        data = write_xlsx_template(Path(tmp) / "t.xlsx", year, format).read_bytes()
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="template-{year}.xlsx"'},
    )
