"""Values the identities determine for cells the document does not state usably.

A cell is a candidate when it is absent, blank or unreadable ("/" and text are statements and are never
inferred over). Identities are applied to a fixpoint: an identity with exactly one candidate unknown and all
other cells known (stated numeric or already inferred) determines it, provided the result is a non-negative
integer. Otherwise the report is inconsistent there and nothing is inferred. ``report.cells`` is never touched.
"""

from __future__ import annotations

from collections import deque
from functools import cache

from gongkai.checks.common import cells_beyond_cut, identity_scope, table_format
from gongkai.model import Inferred, Meaning, Report
from gongkai.standard.formats import Format, get_format
from gongkai.standard.labels import TABLES

_CANDIDATE = (Meaning.BLANK, Meaning.UNREADABLE)


def _build_index(fmt: Format) -> dict[str, tuple[int, ...]]:
    """cell id -> indexes of the identities it takes part in."""
    out: dict[str, list[int]] = {}
    for i, idn in enumerate(fmt.identities):
        for cid in idn.cells:
            out.setdefault(cid, []).append(i)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _index(format_id: str) -> dict[str, tuple[int, ...]]:
    return _build_index(get_format(format_id))


def _as_count(v: float) -> int | None:
    if v < 0:
        return None
    if isinstance(v, float):
        if not v.is_integer():
            return None
        return int(v)
    return v


def infer(report: Report, fmt: Format) -> dict[str, Inferred]:
    """Cells of ``fmt``'s identities that the identities determine uniquely (see module doc)."""
    identities = fmt.identities
    index = _index(fmt.id) if get_format(fmt.id) is fmt else _build_index(fmt)
    beyond = cells_beyond_cut(report, {t: fmt for t in TABLES})
    known: dict[str, float] = {}
    candidates: set[str] = set()
    for cid in index:
        cell = report.cells.get(cid)
        if cell is None:
            if cid not in beyond:
                candidates.add(cid)
        elif cell.meaning.is_numeric and cell.value is not None:
            known[cid] = cell.value
        elif cell.meaning in _CANDIDATE:
            candidates.add(cid)
    out: dict[str, Inferred] = {}
    if not candidates:
        return out
    queue = deque(range(len(identities)))
    queued = set(queue)
    while queue:
        i = queue.popleft()
        queued.discard(i)
        idn = identities[i]
        unknown = [c for c in idn.cells if c not in known]
        if len(unknown) != 1 or unknown[0] not in candidates:
            continue
        target = unknown[0]
        lhs = sum(known[c] for c in idn.lhs if c != target)
        rhs = sum(known[c] for c in idn.rhs if c != target)
        value = _as_count(rhs - lhs if target in idn.lhs else lhs - rhs)
        if value is None:
            continue
        known[target] = value
        out[target] = Inferred(target, value, idn.rule, f"由{identity_scope(fmt, idn)}“{idn.label}”推出")
        for j in index[target]:
            if j not in queued:
                queue.append(j)
                queued.add(j)
    return out


def infer_report(report: Report) -> dict[str, Inferred]:
    """Inference with the format of the requests table (table 4 is the same in both formats)."""
    return infer(report, table_format(report, "requests"))
