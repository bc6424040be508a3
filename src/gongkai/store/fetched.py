"""What the stored fetch provenance (``fetch_page`` rows, written by `gongkai fetch`) tells about a fetched
document's body: a hint for the matcher built from the rows alone — the addresses (a host or path on a site the
registry declares, place names in the percent-decoded path), the link text, the titles of the list pages above
(a list page's row keeps its title in ``note``) and the printed 来源. Fetch time and every later re-match
(after a registry import) use the same hint, so a report matches the same way whenever it was stored."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from gongkai.store import schema as t

_COLUMNS = ("id", "url", "final_url", "list_url", "title", "note", "outcome", "source_printed")
_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?")
_LEVELS = 4  # the page itself, its report page or list page, and two lists above


class FetchHints:
    """The fetch rows of a database, loaded once; :meth:`hint` for the address a document was stored under."""

    def __init__(self, conn: Connection, urls: list[str] | None = None):
        f = t.fetch_page
        query = select(*(f.c[c] for c in _COLUMNS)).order_by(f.c.id)
        if urls is not None:  # only these pages and the lists above them (a few queries, for one document)
            self._rows: dict[str, dict] = {}
            todo = list(urls)
            for _ in range(_LEVELS):
                rows = (
                    conn.execute(query.where(f.c.url.in_(todo) | f.c.final_url.in_(todo))).mappings().all()
                    if todo
                    else []
                )
                self._add(rows)
                todo = [r["list_url"] for r in rows if r["list_url"] and r["list_url"] not in self._rows]
        else:
            self._rows = {}
            self._add(conn.execute(query).mappings().all())

    def _add(self, rows) -> None:
        for row in rows:
            self._rows.setdefault(row["url"], dict(row))
            if row["final_url"]:
                self._rows.setdefault("final:" + row["final_url"], dict(row))

    def hint(self, address: str | None) -> str | None:
        """The hint for a document stored under ``address`` (its final address), or None when it was not
        fetched."""
        if not address:
            return None
        row = self._rows.get("final:" + address) or self._rows.get(address)
        if row is None:
            return None
        parts: list[str] = [address]
        seen: set[str] = set()
        for _ in range(_LEVELS):
            if row is None or row["url"] in seen:
                break
            seen.add(row["url"])
            parts += [
                row["final_url"] or "",
                row["url"],
                row["title"] or "",
                (row["note"] or "") if row["outcome"] == "list" else "",
                f"来源：{row['source_printed']}" if row["source_printed"] else "",
            ]
            row = self._rows.get(row["list_url"]) if row["list_url"] else None
        return " | ".join(dict.fromkeys(p for p in parts if p))


def page_dates(conn: Connection) -> dict[str, date]:
    """Fetched address (final and requested) → the 发布日期 printed on its page (for an attachment: on the report
    page that links it), for documents that print no date of their own."""
    f = t.fetch_page
    out: dict[str, date] = {}
    rows: Any = conn.execute(
        select(f.c.url, f.c.final_url, f.c.published_printed).where(f.c.published_printed.is_not(None)).order_by(f.c.id)
    )
    for url, final_url, printed in rows:
        m = _DATE.fullmatch(printed.strip())
        if m is None:
            continue
        try:
            when = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        for address in (final_url, url):
            if address:
                out.setdefault(address, when)
    return out


def fetch_hint(conn: Connection, address: str) -> str | None:
    """:meth:`FetchHints.hint` for one address."""
    return FetchHints(conn, [address]).hint(address)


__all__ = ["FetchHints", "fetch_hint", "page_dates"]
