"""The one comparison every round-trip test makes: a generated spec against the report read back."""

from __future__ import annotations

from gongkai.spec import ReportSpec
from gongkai.model import Report


def differing_cells(spec: ReportSpec, report: Report) -> dict[str, tuple]:
    """Cells the report reads differently from the spec, as {cell id: (expected, actual)}; empty when all agree.

    A blank spec cell must read blank as stated (the checks may infer a value beside it); every other cell is
    compared with its stated or inferred value. A cell not read at all is "<missing>"."""
    gold = report.gold_cells()
    wrong = {}
    for cid in spec.format.cell_ids:
        expected = spec.values[cid]
        if expected is None and cid in report.cells:
            actual = report.cells[cid].gold_value()
        else:
            actual = gold.get(cid, "<missing>")
        if actual != expected:
            wrong[cid] = (expected, actual)
    return wrong
