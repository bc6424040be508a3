"""Table 二 in a hybrid shape seen in the wild (issue 11 class 2): 第二十条第（一）项 in the 2019 columns
(本年新制作/本年新公开/对外公开总数量) but （五）（六）（八） in the 2021 shape, one column headed 处理决定数量 or
本年度收费金额(单位:万元). Drawn from a 2019 spec; :func:`hybrid_proactive_values` are the cells it prints."""

from __future__ import annotations

import random
from itertools import groupby

from gongkai.render.text import Style, Table, TRow, _row_label, format_value
from gongkai.spec import ReportSpec, Value
from gongkai.standard import get_format
from gongkai.standard.labels import CONTENT_HEADER

# the 2021 blocks' column headers as the hybrid prints them
HYBRID_HEADERS = {"decisions": "处理决定数量", "amount": "本年度收费金额（单位：万元）"}


def hybrid_proactive_values(spec: ReportSpec) -> dict[str, Value]:
    """The cells a hybrid table 二 of a 2019 ``spec`` prints: its （一） cells, the 2021 cells of （五）（六）（八）
    (处理决定数量 as in the spec; 收费金额 the fee collected, in 万元)."""
    if spec.format_id != "2019":
        raise ValueError("a hybrid table 二 is drawn from a 2019 spec")
    f19, f21 = spec.format, get_format("2021")
    out: dict[str, Value] = {
        c: spec.values[c] for r in f19.proactive_rows if "（一）" in (r.caption or "") for c in r.cells
    }
    for r in f21.proactive_rows:
        for c in r.cells if "（一）" not in (r.caption or "") else ():
            out[c] = spec.values[c] if c in spec.values else round(spec.fee_collected / 10000, 4)
    return out


def hybrid_proactive_table(spec: ReportSpec, style: Style, rng: random.Random) -> Table:
    """Table 二 with （一） in the 2019 columns and （五）（六）（八） in the 2021 shape."""
    values = hybrid_proactive_values(spec)
    f19, f21 = spec.format, get_format("2021")
    shape = [r for r in f19.proactive_rows if "（一）" in (r.caption or "")]
    shape += [r for r in f21.proactive_rows if "（一）" not in (r.caption or "")]
    rows: list[TRow] = []
    for caption, rows_of_block in groupby(shape, key=lambda r: r.caption):
        block = list(rows_of_block)
        heads = [
            HYBRID_HEADERS.get(c.rsplit(".", 1)[1], lab) if "（一）" not in (caption or "") else lab
            for c, lab in zip(block[0].cells, block[0].column_labels)
        ]
        rows.append(TRow((style.label(caption or ""),), "caption"))
        rows.append(TRow((CONTENT_HEADER, *(style.label(h) for h in heads)), "header"))
        for row in block:
            label = _row_label(row.label, row.aliases, style, rng)
            rows.append(TRow((label, *(format_value(values[c]) for c in row.cells)), "data", 1))
    return Table("proactive", tuple(rows))


__all__ = ["HYBRID_HEADERS", "hybrid_proactive_table", "hybrid_proactive_values"]
