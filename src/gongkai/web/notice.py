"""整改通知: for each body's current report, a Word document listing its problems — the finding key, what is
wrong, where it is printed (page; line of a text file; else table/row/column) and the evidence (the values as printed, what
they should add up to) — ready to send back; and one ZIP of them for a region and year.

Listed: errors and warnings not dismissed by a reviewer (a dismissed finding is not a problem to correct;
提示-level notes ask for nothing)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from gongkai.standard import find_cell
from gongkai.standard.labels import TABLE_NAMES
from gongkai.web import auth, queries
from gongkai.web.official import shown_raw
from gongkai.web.pages import form_year, org_scope, render
from gongkai.web.report_store import BodyReport, body_reports

router = APIRouter()
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LISTED = ("error", "warning")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
_UNSAFE_NAME = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # python-docx refuses these


def _xml(text: str) -> str:
    """Text as Word can hold it: characters XML forbids (a damaged file's control codes) become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


@dataclass(frozen=True)
class NoticeItem:
    key: str
    severity: str
    code: str
    message: str
    where: str  # 第3页 / 第12行 (a text file) / 表三 …/总计
    pages: tuple[int, ...]
    evidence: tuple[str, ...]
    review: str | None  # 已确认 when a reviewer confirmed it


def _cell_label(cell_id: str) -> str:
    spec = find_cell(cell_id)
    return f"{TABLE_NAMES.get(spec.table, '')} {spec.label}" if spec else cell_id


def _num(v) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def notice_items(report: BodyReport) -> list[NoticeItem]:
    """The problems a notice lists, errors first, each by key."""
    items = []
    text_file = (report.media_type or "").startswith("text/plain")  # its line numbers are the file's own
    for f in report.findings:
        if f["severity"] not in LISTED or f.get("decision") == "dismissed":
            continue
        ev = f.get("evidence") or {}
        pages, lines, labels, evidence = set(), [], [], []
        for c in ev.get("cells") or []:
            cid = c.get("id")
            stored = report.cells.get(cid) or {}
            page = stored.get("page") or (c.get("position") or {}).get("page")
            if page:
                pages.add(int(page))
            line = stored.get("line") if text_file else None
            lines.append(line)
            labels.append(_cell_label(cid))
            at = f"第{page}页" if page else (f"第{line}行" if line else "")
            evidence.append(f"{labels[-1]}：{shown_raw(stored.get('raw', c.get('raw')))}" + (f"（{at}）" if at else ""))
        pos: dict[str, Any] = ev["position"] if isinstance(ev.get("position"), dict) else {}
        if pos.get("page"):
            pages.add(int(pos["page"]))
        if text_file:
            lines.insert(0, pos.get("line"))
        if ev.get("expected") is not None or ev.get("stated") is not None:
            evidence.insert(0, f"应为 {_num(ev.get('expected'))}，实际为 {_num(ev.get('stated'))}")
        if ev.get("text"):
            evidence.append(f"原文：“{ev['text']}”")
        items.append(
            NoticeItem(
                f["key"],
                f["severity"],
                f["code"],
                f["message"],
                _where(pages, [n for n in lines if n], labels, bool(pos)),
                tuple(sorted(pages)),
                tuple(evidence),
                "已确认" if f.get("decision") == "confirmed" else None,
            )
        )
    items.sort(key=lambda i: (LISTED.index(i.severity), i.key))
    return items


def _where(pages: set[int], lines: list[int], labels: list[str], in_prose: bool) -> str:
    """Where a problem is printed: the pages of the original; for a text file its lines; else the table
    cells by 表/行/列 (the first three), or the body text."""
    if pages:
        return "、".join(f"第{p}页" for p in sorted(pages))
    if lines:
        return "、".join(f"第{n}行" for n in sorted(set(lines)))
    if labels:
        shown = "；".join(list(dict.fromkeys(labels))[:3])
        return shown + (f" 等{len(set(labels))}个单元格" if len(set(labels)) > 3 else "")
    return "正文" if in_prose else "—"


def notice_docx(report: BodyReport) -> bytes:
    """The notice as a .docx (python-docx)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    year = f"{report.year}年度" if report.year else ""
    doc.add_heading(_xml(f"关于{report.organization}{year}政府信息公开工作年度报告问题的整改通知"), level=1)
    items = notice_items(report)
    doc.add_paragraph(_xml(f"{report.organization}："))
    doc.add_paragraph(
        _xml(
            f"经核查，贵单位报送的{year}政府信息公开工作年度报告（报告编号 {report.key}，文件 "
            f"{report.source or '—'}）存在以下 {len(items)} 个问题，请逐项核实整改，并在修改后重新报送。"
            "页码指原文件的页码；“应为/实际为”为统计表勾稽关系的核对结果。"
        )
    )
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "问题编号", "类别", "问题说明", "位置", "证据")):
        cell.text = text
    for n, item in enumerate(items, start=1):
        texts = (
            str(n),
            item.key,
            SEVERITY_NAMES[item.severity] + (f"（{item.review}）" if item.review else ""),
            f"[{item.code}] {item.message}",
            item.where,
            "\n".join(item.evidence) or "—",
        )
        for cell, text in zip(table.add_row().cells, texts):
            cell.text = _xml(text)
    if not items:
        doc.add_paragraph("未发现需要整改的问题。")
    out = io.BytesIO()
    doc.save(out)
    return _dated(out.getvalue(), (2000, 1, 1, 0, 0, 0))


def _dated(package: bytes, when: tuple[int, int, int, int, int, int]) -> bytes:
    """The package with every member dated ``when``: python-docx stamps members with the time of saving, and
    the same findings should give the same file."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dated = zipfile.ZipInfo(info.filename, date_time=when)
            dated.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(dated, src.read(info.filename))
    return out.getvalue()


def notice_name(report: BodyReport) -> str:
    """The file name inside the ZIP: body, year and key, with nothing a file system could take as a path."""
    name = _UNSAFE_NAME.sub("_", report.organization).strip(". ") or "机关"
    return f"{name}-{report.year or '年度不详'}-{report.key}.docx"


# ------------------------------------------------------------------------------------------------ routes


def _scope(request: Request, conn, region: str) -> set[int] | None:
    """The bodies a notice may cover: the user's region, narrowed to ``region`` when one is chosen."""
    allowed = org_scope(request, conn)
    if not region.strip():
        return allowed
    chosen = queries.region_org_ids(conn, region.strip()) or set()
    return chosen if allowed is None else chosen & allowed


def _reports(request: Request, region: str, year: int | None, key: str | None = None) -> list[BodyReport]:
    with request.app.state.store.engine.connect() as conn:
        return body_reports(conn, org_ids=_scope(request, conn, region), year=year, key=key, severities=LISTED)


@router.get("/notices", response_class=HTMLResponse)
def notices(request: Request, region: str = "", year: str = ""):
    chosen = form_year(year)
    rows = [(r, notice_items(r)) for r in _reports(request, region, chosen)]
    return render(
        request,
        "notices.html",
        rows=[(r, items) for r, items in rows if items],
        region=region,
        year=chosen,
        can_review=auth.can_review(request.state.user),
    )


@router.get("/notices/{key}.docx")
def notice(request: Request, key: str):
    found = _reports(request, "", None, key.lower())
    if not found:
        return HTMLResponse("[E-WEB-404] 找不到该报告或它没有问题", status_code=404)
    return Response(
        notice_docx(found[0]),
        media_type=DOCX_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="notice-{found[0].key}.docx"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/notices.zip")
def notices_zip(request: Request, region: str = "", year: str = ""):
    reports = [r for r in _reports(request, region, form_year(year)) if notice_items(r)]
    if not reports:
        return HTMLResponse("[E-WEB-NOTICE-EMPTY] 所选范围内没有需要整改的问题", status_code=404)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for r in reports:
            # a fixed timestamp: the same findings give the same archive
            info = zipfile.ZipInfo(notice_name(r), date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, notice_docx(r))
    return Response(
        out.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="notices.zip"', "X-Content-Type-Options": "nosniff"},
    )


__all__ = ["NoticeItem", "notice_docx", "notice_items", "notice_name", "router"]
