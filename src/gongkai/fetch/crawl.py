"""The crawl: from list or report pages to stored reports with their provenance. The ``fetch_page`` rows are
the resumable state: every address is recorded when found and again when fetched, so a run that was
interrupted, or run again, fetches nothing it already has (``refresh`` fetches again and re-ingests only
changed content)."""

from __future__ import annotations

import hashlib
import json
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import insert, select, update

from gongkai.fetch.links import PageLinks, is_attachment, is_report_title, json_links, page_links, \
    printed_provenance, title_year
from gongkai.fetch.net import Client, Refused
from gongkai.readers.limits import DEFAULT_LIMITS, Limits
from gongkai.readers.sniff import KIND_NAMES, Kind, sniff
from gongkai.store import schema as t
from gongkai.store.db import Store
from gongkai.store.ingest import ingest_bytes

_KEPT_HEADERS = ("content-type", "content-length", "last-modified", "etag", "date", "server", "content-disposition")


@dataclass(slots=True)
class Task:
    url: str
    kind: str  # start | list | report | attachment
    list_url: str | None
    title: str
    depth: int


@dataclass
class CrawlReport:
    found: int = 0  # addresses found (report pages, attachments, list pages), start addresses included
    fetched: int = 0  # HTTP requests that returned a page we used
    stored: list[str] = field(default_factory=list)  # addresses whose content became a new stored document
    unchanged: list[str] = field(default_factory=list)  # fetched, content already stored
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (address, why)
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (address, code, why)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # stored, but not readable as a report


def _row(conn, url: str):
    return conn.execute(select(t.fetch_page).where(t.fetch_page.c.url == url)).mappings().first()


def _found(store: Store, task: Task) -> None:
    with store.begin() as conn:
        if _row(conn, task.url) is None:
            conn.execute(insert(t.fetch_page).values(url=task.url, kind=task.kind, list_url=task.list_url,
                                                     title=task.title or None))


def _record(store: Store, url: str, **values) -> None:
    with store.begin() as conn:
        conn.execute(update(t.fetch_page).where(t.fetch_page.c.url == url).values(**values))


def _children(store: Store, url: str) -> list[tuple[str, str, str]]:
    with store.engine.connect() as conn:
        return [(r[0], r[1], r[2]) for r in conn.execute(
            select(t.fetch_page.c.url, t.fetch_page.c.kind, t.fetch_page.c.title)
            .where(t.fetch_page.c.list_url == url).order_by(t.fetch_page.c.id))]


def crawl(store: Store, starts: list[str], client: Client, *, depth: int = 2, year: int | None = None,
          refresh: bool = False, limits: Limits = DEFAULT_LIMITS, max_pages: int = 5000) -> CrawlReport:
    report = CrawlReport()
    queue: deque[Task] = deque()
    queued: set[str] = set()

    def push(task: Task) -> None:
        if task.url in queued:
            return
        queued.add(task.url)
        report.found += 1
        _found(store, task)
        queue.append(task)

    for url in starts:
        push(Task(url, "attachment" if is_attachment(url) else "start", None, "", 0))
    requests = 0
    while queue:
        task = queue.popleft()
        with store.engine.connect() as conn:
            row = _row(conn, task.url)
        if row is not None and row["status"] == 200 and not refresh:
            report.skipped.append((task.url, "此前已抓取"))
            _follow_known(store, task, row["outcome"], push, depth, year, report)
            continue
        if row is not None and row["status"] is not None and not refresh:
            report.skipped.append((task.url, f"此前已抓取，服务器返回 {row['status']}（--refresh 重试）"))
            continue
        if row is not None and row["outcome"] == "refused" and not refresh:
            report.skipped.append((task.url, f"此前未抓取：{row['note']}（--refresh 重试）"))
            continue
        if requests >= max_pages:
            report.skipped.append((task.url, f"本次抓取已达 {max_pages} 个地址上限"))
            continue
        requests += 1
        try:
            got = client.get(task.url)
        except Refused as why:
            report.refused.append((task.url, why.code, why.reason))
            _record(store, task.url, outcome="refused", note=f"[{why.code}] {why.reason}")
            continue
        headers = {k: v for k, v in got.headers.items() if k.lower() in _KEPT_HEADERS}
        sha = hashlib.sha256(got.content).hexdigest()
        kind, _ = sniff(got.content, urlsplit(got.final_url).path)
        base = dict(final_url=got.final_url, status=got.status, headers=json.dumps(headers, ensure_ascii=False),
                    fetched_at=got.fetched_at, sha256=sha, media_kind=kind.value)
        if got.status != 200:
            report.refused.append((task.url, "E-FETCH-STATUS", f"服务器返回 {got.status}"))
            _record(store, task.url, **base, outcome="failed", note=f"HTTP {got.status}")
            continue
        report.fetched += 1
        unchanged = row is not None and row["sha256"] == sha
        if task.kind == "attachment":
            _attachment(store, task, got, kind, base, unchanged, report, limits)
            continue
        body = got.content.lstrip()
        links = json_links(got.content, got.final_url) if body[:1] in (b"{", b"[") else \
            page_links(got.content, got.final_url, headers)
        is_report = task.kind == "report" or (task.kind == "start" and _looks_like_report_page(got.content))
        _enqueue(task, links, push, depth, year, report, as_report_page=is_report)
        if not is_report:
            _record(store, task.url, **base, outcome="list")
            continue
        published, source = printed_provenance(got.content, headers)
        base.update(published_printed=published, source_printed=source)
        if b"<table" not in got.content.lower():
            _record(store, task.url, **base, outcome="page", note="网页中没有表格，只取其附件")
            continue
        _ingest(store, task, got.final_url, got.content, base, unchanged, report, limits)
    from gongkai.store.cross import recompute_cross_findings

    if report.stored:
        recompute_cross_findings(store)
    return report


def _looks_like_report_page(content: bytes) -> bool:
    import lxml.html

    from gongkai.fetch.links import decode

    try:
        root = lxml.html.document_fromstring(decode(content))
    except ValueError:
        return False
    heads = [root.findtext(".//title") or ""] + [h.text_content() for h in root.iter("h1")]
    return any(is_report_title(h) for h in heads)


def _enqueue(task: Task, links: PageLinks, push, depth: int, year: int | None, report: CrawlReport, *,
             as_report_page: bool) -> None:
    for link in links.lists:
        push(Task(link.url, "list", task.url, link.title, task.depth))  # pagination: the same level
    if task.depth + 1 > depth:
        return
    for link in links.reports:
        if year is not None and title_year(link.title) not in (None, year):
            report.skipped.append((link.url, f"年度不是 {year}（{link.title}）"))
            continue
        push(Task(link.url, "report", task.url, link.title, task.depth + 1))
    for link in links.attachments:
        # on a report page every attachment is the report; on a list page only those titled as reports
        if as_report_page or is_report_title(link.title):
            if year is not None and not as_report_page and title_year(link.title) not in (None, year):
                report.skipped.append((link.url, f"年度不是 {year}（{link.title}）"))
                continue
            push(Task(link.url, "attachment", task.url, link.title, task.depth + 1))


def _follow_known(store: Store, task: Task, outcome: str | None, push, depth: int, year: int | None,
                  report: CrawlReport) -> None:
    """A page fetched before: continue from the links found on it then (their rows say what is still to do)."""
    if task.kind == "attachment":
        return
    links = PageLinks()
    for url, kind, title in _children(store, task.url):
        bucket = {"list": links.lists, "report": links.reports, "attachment": links.attachments}.get(kind)
        if bucket is not None:
            from gongkai.fetch.links import Link

            bucket.append(Link(url, title or "", kind))
    _enqueue(task, links, push, depth, year, report,
             as_report_page=task.kind == "report" or outcome in ("stored", "unchanged", "page"))


def _attachment(store: Store, task: Task, got, kind: Kind, base: dict, unchanged: bool, report: CrawlReport,
                limits: Limits) -> None:
    if kind is Kind.HTML:
        why = "附件地址返回的是网页而非文件（可能是错误页），未入库"
        report.refused.append((task.url, "E-FETCH-NOT-FILE", why))
        _record(store, task.url, **base, outcome="refused", note=why)
        return
    if kind in (Kind.UNSUPPORTED, Kind.EMPTY):
        why = f"附件内容为{KIND_NAMES[kind]}，未入库"
        report.refused.append((task.url, "E-FETCH-NOT-FILE", why))
        _record(store, task.url, **base, outcome="refused", note=why)
        return
    _ingest(store, task, got.final_url, got.content, base, unchanged, report, limits)


def _ingest(store: Store, task: Task, name: str, content: bytes, base: dict, unchanged: bool,
            report: CrawlReport, limits: Limits) -> None:
    summary = ingest_bytes(store, [(name, content)], limits=limits, cross_check=False)
    if summary.stored:
        report.stored.append(task.url)
    else:
        report.unchanged.append(task.url)
    for _, code, message in summary.failed:
        report.failed.append((task.url, code, message))
    outcome = "stored" if summary.stored else "unchanged"
    _record(store, task.url, **base, outcome=outcome, note=None if not unchanged else "内容未变")
