"""A checked report as plain rows for the database. Built in the worker process (so the parent, which writes
the database, only inserts), and picklable."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from gongkai.model import Finding, Report


@dataclass(slots=True)
class ReportRows:
    parse: dict[str, Any]  # parse columns except ids, document, version and timestamps (JSON ones as text)
    # (cell_id, raw, meaning, value, unit, inferred_value, inferred_rule, line, col, offset, length, page,
    #  position JSON text: bbox / dom_path / confidence when any)
    cells: list[tuple] = field(default_factory=list)
    # (code, category, severity, assessable, message, evidence JSON text, fingerprint)
    findings: list[tuple] = field(default_factory=list)
    # (figure, value) for table stats_figure (gongkai.store.figures.figure_rows); None: the writer computes
    # them from the stored cells with SQL
    figures: list[tuple] | None = None


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def fingerprint(
    code: str,
    cell_ids: list[str],
    stated: Any = None,
    expected: Any = None,
    text: str | None = None,
    message: str | None = None,
    extra: Any = None,
) -> str:
    """A stable key for a finding: the rule, the cells and values involved — not the wording or the positions, so
    a review of it survives re-parsing by a newer parser that words or places it differently."""
    key = [code, sorted(cell_ids), stated, expected, text, extra]
    if not cell_ids and text is None and extra is None:
        key.append(message)  # nothing else tells two findings of this rule apart (e.g. which section is missing)
    return hashlib.sha1(_canonical(key).encode("utf-8")).hexdigest()


def finding_key(cross: bool, document_sha256: str, fingerprint: str, occurrence: int = 0) -> str:
    """The key a reviewer uses for a finding: ``F-``/``X-`` and 10 base32 characters of a sha256 over what the
    finding is (the report's content hash and the finding's fingerprint: rule, cells, values, and for a cross
    finding the other reports' hashes) — never over row ids, so it survives re-ingest and recomputation.
    ``occurrence`` tells apart identical findings of one report (the n-th one, from 0)."""
    what = [document_sha256, fingerprint] + ([occurrence] if occurrence else [])
    digest = hashlib.sha256(_canonical(what).encode("utf-8")).digest()
    return ("X-" if cross else "F-") + base64.b32encode(digest).decode("ascii")[:10]


def finding_keys(cross: bool, document_sha256: str, fingerprints: list[str]) -> list[str]:
    """Keys for one report's findings, in order (repeated fingerprints numbered by occurrence)."""
    seen: dict[str, int] = {}
    out = []
    for fp in fingerprints:
        n = seen.get(fp, 0)
        seen[fp] = n + 1
        out.append(finding_key(cross, document_sha256, fp, n))
    return out


def finding_fingerprint(f: Finding) -> str:
    ev = f.evidence
    return fingerprint(f.code, f.cell_ids, ev.stated, ev.expected, ev.text, f.message)


def dumps(value: Any) -> str | None:
    """JSON text for a JSON column (serialised here, in the worker, not in the writing parent)."""
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def report_rows(report: Report, prose: list[int] | None = None) -> ReportRows:
    d = report.to_dict(include_findings=True)
    structure = {k: d[k] for k in ("sections", "tables", "narrative", "metadata_positions", "cut_at")}
    parse = {
        "status": "ok",
        "source": report.source,
        "text": report.text,
        "format": report.format,
        "year": report.year,
        "organization_printed": report.organization,
        "is_rollup": report.is_rollup,
        "published": report.published,
        "truncated": report.truncated,
        "pages": report.pages,
        "media_type": report.media_type,
        "notes": dumps(list(report.notes)),
        "structure": dumps(structure),
        "prose": dumps(prose),
        "error_findings": sum(1 for f in report.findings if f.severity.value == "error"),
        "reading": dumps(d["reading"]),
    }
    cells: list[tuple] = []
    for cid, c in report.cells.items():
        inf = report.inferred.get(cid)
        pos = c.position
        if pos is None:
            where: tuple = (None,) * 6
        else:
            extra = None
            if pos.bbox is not None or pos.dom_path is not None or pos.confidence is not None:
                extra = {k: v for k, v in pos.to_dict().items() if k in ("bbox", "dom_path", "confidence")}
            where = (pos.line, pos.column, pos.offset, pos.length, pos.page, dumps(extra))
        cells.append(
            (
                cid,
                c.raw,
                c.meaning.value,
                c.value,
                c.unit,
                inf.value if inf else None,
                inf.rule if inf else None,
                *where,
            )
        )
    for cid, inf in report.inferred.items():
        if cid not in report.cells:
            cells.append((cid, None, None, None, None, inf.value, inf.rule, None, None, None, None, None, None))
    findings = [
        (
            f.code,
            f.category,
            f.severity.value,
            f.assessable,
            f.message,
            dumps(f.evidence.to_dict()),
            finding_fingerprint(f),
        )
        for f in report.findings
    ]
    from gongkai.store.figures import figure_rows

    return ReportRows(parse, cells, findings, figure_rows(cells))


def error_rows(source: str, code: str, message: str, media_type: str | None = None) -> ReportRows:
    """A file that could not be read or is not a report: kept, with the reason, so re-ingesting it is a no-op."""
    return ReportRows(
        {
            "status": "error",
            "source": source,
            "error_code": code,
            "error_message": message,
            "media_type": media_type,
            "is_rollup": False,
            "truncated": False,
            "error_findings": 0,
        }
    )


def position_dict(
    line: int | None, col: int | None, offset: int | None, length: int | None, page: int | None, extra: dict | None
) -> dict | None:
    """A stored cell position in the shape of ``Position.to_dict()``."""
    if line is None:
        return None
    d: dict[str, Any] = {"line": line, "column": col, "offset": offset, "length": length}
    if page is not None:
        d["page"] = page
    if extra:
        d.update(extra)
    return d
