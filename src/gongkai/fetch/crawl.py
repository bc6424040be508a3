"""The crawl: from list or report pages to stored reports with their provenance. The ``fetch_page`` rows are
the resumable state: every address is recorded when found and again when fetched, so a run that was
interrupted, or run again, fetches nothing it already has (``refresh`` fetches again and re-ingests only
changed content). A list page's row keeps the page's own title in ``note``; an attachment's row carries the
发布日期/来源 printed on the report page that links it.

Which body a report belongs to is decided by the name it prints; when that name allows several bodies, a hint
built only from stored rows (:mod:`gongkai.store.fetched`) chooses among them, so an interrupted and resumed
crawl, and every later re-match, matches exactly as an uninterrupted crawl."""

from __future__ import annotations

import hashlib
import json
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import insert, select, update

from gongkai.fetch.links import (
    PageLinks,
    is_attachment,
    is_report_title,
    is_xml_data,
    json_links,
    page_links,
    page_title,
    printed_provenance,
    title_year,
    xml_links,
)
from gongkai.fetch.net import Client, Refused
from gongkai.readers.limits import DEFAULT_LIMITS, Limits
from gongkai.readers.sniff import KIND_NAMES, Kind, sniff
from gongkai.store import schema as t
from gongkai.store.db import Store
from gongkai.store.fetched import fetch_hint
from gongkai.store.ingest import ingest_bytes

_KEPT_HEADERS = ("content-type", "content-length", "last-modified", "etag", "date", "server", "content-disposition")


@dataclass(slots=True)
class Task:
    url: str
    kind: str  # start | list | report | attachment
    list_url: str | None
    title: str
    depth: int


# why an address was not fetched or not stored, though nothing went wrong (shown as "[code] 说明")
SKIPS = {
    "S-FETCH-DONE": "此前已抓取",
    "S-FETCH-DONE-FAILED": "此前未能抓取（--refresh 重试）",
    "S-FETCH-YEAR": "标题中的年度不是所选年度",
    "S-FETCH-LIMIT": "本次抓取已达地址数上限",
    "S-FETCH-NO-TABLE": "报告页中没有表格（只取其附件）",
}


@dataclass
class CrawlReport:
    found: int = 0  # addresses found (report pages, attachments, list pages), start addresses included
    fetched: int = 0  # HTTP requests that returned a page we used
    stored: list[str] = field(default_factory=list)  # addresses whose content became a new stored document
    unchanged: list[str] = field(default_factory=list)  # fetched again, the same content as this address had
    duplicates: list[str] = field(default_factory=list)  # content already stored from another address
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (address, S-FETCH code, why)
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (address, E-FETCH code, why)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # stored, but not readable as a report
    backoffs: list[tuple[str, int, float]] = field(default_factory=list)  # (address, 429/503, seconds waited)

    def skip(self, url: str, code: str, why: str | None = None) -> None:
        self.skipped.append((url, code, why or SKIPS[code]))

    def as_json(self) -> dict:
        """The run report as plain data (``gongkai fetch --json``)."""

        def entries(rows):
            return [{"url": u, "code": c, "reason": w} for u, c, w in rows]

        return {
            "found": self.found,
            "fetched": self.fetched,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "skipped": entries(self.skipped),
            "refused": entries(self.refused),
            "failed": entries(self.failed),
            "backoffs": [{"url": u, "status": s, "seconds": w} for u, s, w in self.backoffs],
        }


def _row(conn, url: str):
    return conn.execute(select(t.fetch_page).where(t.fetch_page.c.url == url)).mappings().first()


def _found(store: Store, task: Task) -> None:
    with store.begin() as conn:
        if _row(conn, task.url) is None:
            conn.execute(
                insert(t.fetch_page).values(
                    url=task.url, kind=task.kind, list_url=task.list_url, title=task.title or None
                )
            )


def _record(store: Store, url: str, **values) -> None:
    with store.begin() as conn:
        conn.execute(update(t.fetch_page).where(t.fetch_page.c.url == url).values(**values))


def _children(store: Store, url: str) -> list[tuple[str, str, str]]:
    with store.engine.connect() as conn:
        return [
            (r[0], r[1], r[2])
            for r in conn.execute(
                select(t.fetch_page.c.url, t.fetch_page.c.kind, t.fetch_page.c.title)
                .where(t.fetch_page.c.list_url == url)
                .order_by(t.fetch_page.c.id)
            )
        ]


def crawl(
    store: Store,
    starts: list[str],
    client: Client,
    *,
    depth: int = 2,
    year: int | None = None,
    refresh: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    max_pages: int = 5000,
) -> CrawlReport:
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
            report.skip(task.url, "S-FETCH-DONE")
            _follow_known(store, task, row["outcome"], push, depth, year, report)
            continue
        if row is not None and row["status"] is not None and not refresh:
            report.skip(task.url, "S-FETCH-DONE-FAILED", f"此前抓取时服务器返回 {row['status']}（--refresh 重试）")
            continue
        if row is not None and row["outcome"] == "refused" and not refresh:
            report.skip(task.url, "S-FETCH-DONE-FAILED", f"此前未抓取：{row['note']}（--refresh 重试）")
            continue
        if requests >= max_pages:
            report.skip(task.url, "S-FETCH-LIMIT", f"本次抓取已达 {max_pages} 个地址上限")
            continue
        requests += 1
        waits = len(client.backoffs)
        try:
            got = client.get(task.url)
        except Refused as why:
            report.backoffs.extend(client.backoffs[waits:])
            report.refused.append((task.url, why.code, why.reason))
            _record(store, task.url, outcome="refused", note=f"[{why.code}] {why.reason}")
            continue
        report.backoffs.extend(client.backoffs[waits:])
        headers = {k: v for k, v in got.headers.items() if k.lower() in _KEPT_HEADERS}
        sha = hashlib.sha256(got.content).hexdigest()
        kind, _ = sniff(got.content, urlsplit(got.final_url).path)
        base = dict(
            final_url=got.final_url,
            status=got.status,
            headers=json.dumps(headers, ensure_ascii=False),
            fetched_at=got.fetched_at,
            sha256=sha,
            media_kind=kind.value,
        )
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
        if body[:1] in (b"{", b"["):
            links = json_links(got.content, got.final_url)
        elif is_xml_data(got.content):
            links = xml_links(got.content, got.final_url)
        else:
            links = page_links(got.content, got.final_url, headers)
        is_report = task.kind == "report" or (task.kind == "start" and _looks_like_report_page(got.content))
        _enqueue(task, links, push, depth, year, report, as_report_page=is_report)
        if not is_report:
            _record(store, task.url, **base, outcome="list", note=page_title(got.content, headers) or None)
            continue
        published, source = printed_provenance(got.content, headers)
        base.update(published_printed=published, source_printed=source)
        if b"<table" not in got.content.lower():
            reason = "报告页中没有表格，只取其附件" if links.attachments else "报告页中既没有表格也没有附件，不是报告"
            report.skip(task.url, "S-FETCH-NO-TABLE", reason)
            _record(store, task.url, **base, outcome="page", note=reason)
            continue
        _ingest(store, task, got.final_url, got.content, base, unchanged, report, limits)
    # the deterministic end of every ingest (store/settle.py): bodies matched, the current version of each
    # (body, year) chosen — a report page and its attachment become versions of one report — and the cross
    # findings; always, so that a crawl killed before this point is repaired by the next run
    from gongkai.store.settle import settle

    settle(store)
    return report


def _looks_like_report_page(content: bytes) -> bool:
    """A start page titled as one year's report (a 年报专栏 list page is titled with the column's name, no year)."""
    import lxml.html

    from gongkai.fetch.links import decode

    try:
        root = lxml.html.document_fromstring(decode(content))
    except ValueError:
        return False
    heads = [root.findtext(".//title") or ""] + [h.text_content() for h in root.iter("h1")]
    return any(is_report_title(h) and title_year(h) is not None for h in heads)


def _enqueue(
    task: Task, links: PageLinks, push, depth: int, year: int | None, report: CrawlReport, *, as_report_page: bool
) -> None:
    for link in links.lists:
        push(Task(link.url, "list", task.url, link.title, task.depth))  # pagination: the same level
    if task.depth + 1 > depth:
        return
    for link in links.reports:
        if year is not None and title_year(link.title) not in (None, year):
            report.skip(link.url, "S-FETCH-YEAR", f"年度不是 {year}（{link.title}）")
            continue
        push(Task(link.url, "report", task.url, link.title, task.depth + 1))
    for link in links.attachments:
        # on a report page every attachment is the report; on a list page only those titled as reports
        if as_report_page or is_report_title(link.title):
            if year is not None and not as_report_page and title_year(link.title) not in (None, year):
                report.skip(link.url, "S-FETCH-YEAR", f"年度不是 {year}（{link.title}）")
                continue
            push(Task(link.url, "attachment", task.url, link.title, task.depth + 1))


def _follow_known(
    store: Store, task: Task, outcome: str | None, push, depth: int, year: int | None, report: CrawlReport
) -> None:
    """A page fetched before: continue from the links found on it then (their rows say what is still to do)."""
    if task.kind == "attachment":
        return
    links = PageLinks()
    for url, kind, title in _children(store, task.url):
        bucket = {"list": links.lists, "report": links.reports, "attachment": links.attachments}.get(kind)
        if bucket is not None:
            from gongkai.fetch.links import Link

            bucket.append(Link(url, title or "", kind))
    _enqueue(
        task,
        links,
        push,
        depth,
        year,
        report,
        as_report_page=task.kind == "report" or outcome in ("stored", "unchanged", "duplicate", "page"),
    )


def _attachment(
    store: Store, task: Task, got, kind: Kind, base: dict, unchanged: bool, report: CrawlReport, limits: Limits
) -> None:
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
    published, source = _carrier_printed(store, task)  # the report page's, for the file it publishes
    base.update(published_printed=published, source_printed=source)
    _ingest(store, task, got.final_url, got.content, base, unchanged, report, limits)


def _carrier_printed(store: Store, task: Task) -> tuple[str | None, str | None]:
    if task.list_url is None:
        return None, None
    with store.engine.connect() as conn:
        row = _row(conn, task.list_url)
    if row is None or row["outcome"] == "list":
        return None, None
    return row["published_printed"], row["source_printed"]


def _ingest(
    store: Store,
    task: Task,
    name: str,
    content: bytes,
    base: dict,
    unchanged: bool,
    report: CrawlReport,
    limits: Limits,
) -> None:
    with store.engine.connect() as conn:  # this address already holds this content (an interrupted run)
        had = (
            conn.execute(
                select(t.document_path.c.id)
                .join(t.document, t.document.c.id == t.document_path.c.document_id)
                .where(t.document_path.c.path == name, t.document.c.sha256 == base["sha256"])
            ).first()
            is not None
        )
    # the provenance the hint is built from, before the report is stored (no status yet: an interrupted run
    # still fetches this address again)
    _record(
        store,
        task.url,
        final_url=base["final_url"],
        published_printed=base.get("published_printed"),
        source_printed=base.get("source_printed"),
    )
    with store.engine.connect() as conn:
        hint = fetch_hint(conn, name) or name
    summary = ingest_bytes(store, [(name, content)], limits=limits, cross_check=False, hints={name: hint})
    if summary.stored:
        report.stored.append(task.url)
        outcome, note = "stored", None
    elif unchanged or had:
        report.unchanged.append(task.url)
        outcome, note = "unchanged", "内容未变"
    else:
        report.duplicates.append(task.url)
        outcome, note = "duplicate", "内容与另一地址已入库的文件相同"
    for _, code, message in summary.failed:
        report.failed.append((task.url, code, message))
    _record(store, task.url, **base, outcome=outcome, note=note)
