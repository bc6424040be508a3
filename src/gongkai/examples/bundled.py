"""The bundled example reports: fictional, generated from fixed seeds, so the output never changes.

One valid report per text layout, one in the 2019 试行 format, and three with deliberate defects so a
demo has something to find. :func:`example_texts` builds them in memory; :func:`write_examples` writes them,
together with the same kind of report as published on the web and in office files: a GB18030 portal page
(HTML), a Word file (DOCX) and, when LibreOffice is installed, a PDF exported from it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import partial
from dataclasses import replace
from pathlib import Path

from gongkai.spec import ReportSpec, table_figure
from gongkai.standard.layout import request_layout
from gongkai.spec import request_cell as _req
from gongkai.examples.generate import random_spec
from gongkai.render.layouts import LAYOUTS, render_text


def _valid(seed: int, layout: str, format_id: str = "2021", **overrides) -> str:
    rng = random.Random(seed)
    spec = random_spec(rng, format_id, allow_blank=layout in ("pipe_rows", "markdown"), **overrides)
    return render_text(spec, layout, rng)


def _with_rules_and_bad_total(seed: int) -> str:
    """A 街道 that reports 规章 it cannot make, and a results total three more than its parts."""
    rng = random.Random(seed)
    spec = random_spec(rng, "2021", body_kind="street", activity="busy", allow_blank=False, allow_na=False)
    values = dict(spec.values)
    regulations = next(r for r in spec.format.proactive_rows if r.id == "regulations")
    made, _, in_force = regulations.cells
    values[made] = 1
    values[in_force] = 1
    lay = request_layout(spec.format)
    values[_req(lay.results_total, lay.total_column)] = spec.number(_req(lay.results_total, lay.total_column)) + 3
    return render_text(replace(spec, values=values), "pipe_rows", rng)


def _with_wrong_narrative_no_fee(seed: int) -> str:
    """Section 一 states five more new requests than the table; section 六 omits the 信息处理费."""
    rng = random.Random(seed)
    spec = random_spec(rng, "2021", body_kind="department", activity="busy", allow_blank=False)
    spec = replace(
        spec,
        state_figures=True,
        fee_statement=False,
        narrative_overrides={"received": table_figure(spec, "received") + 5},
    )
    return render_text(spec, "markdown", rng)


def _with_missing_value(seed: int) -> str:
    """One value cell of the 上年结转 row is missing from the text."""
    rng = random.Random(seed)
    spec: ReportSpec = random_spec(rng, "2021", body_kind="town", activity="low", allow_blank=False)
    text = render_text(spec, "pipe_rows", rng, variants=False)
    label = spec.format.request_row(request_layout(spec.format).carried_over).label
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(label + " |"):
            cells = line.split(" | ")
            del cells[3]
            lines[i] = " | ".join(cells)
            break
    return "\n".join(lines)


def _builders() -> dict[str, Callable[[], str]]:
    out: dict[str, Callable[[], str]] = {}
    for i, layout in enumerate(LAYOUTS, start=1):
        out[f"{i:02d}_{layout}.txt"] = partial(_valid, 100 + i, layout)
    n = len(LAYOUTS)
    out[f"{n + 1:02d}_format2019_cell_per_line.txt"] = lambda: _valid(207, "cell_per_line", "2019")
    out[f"{n + 2:02d}_defect_street_rules_and_total.txt"] = lambda: _with_rules_and_bad_total(301)
    out[f"{n + 3:02d}_defect_narrative_and_fee.txt"] = lambda: _with_wrong_narrative_no_fee(302)
    out[f"{n + 4:02d}_defect_missing_value.txt"] = lambda: _with_missing_value(303)
    return out


def example_texts() -> dict[str, str]:
    """File name → report text for every bundled example."""
    return {name: build() for name, build in _builders().items()}


def example_files() -> dict[str, bytes]:
    """File name → bytes of the published-form examples (web page, Word file)."""
    from gongkai.render.docx import render_docx
    from gongkai.render.html import render_html

    n = len(_builders())
    html_spec = random_spec(random.Random(401), "2021")
    docx_spec = random_spec(random.Random(402), "2021", allow_blank=False)
    return {
        f"{n + 1:02d}_portal_page_gb18030.html": render_html(html_spec, random.Random(401), style="word"),
        f"{n + 2:02d}_word_file.docx": render_docx(docx_spec, random.Random(402), style="official"),
    }


def write_examples(out_dir: Path, *, with_pdf: bool = True) -> list[Path]:
    """Write the bundled examples to ``out_dir`` and return their paths: UTF-8 texts, an HTML page, a DOCX
    and (when LibreOffice is installed and ``with_pdf``) a PDF."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in example_texts().items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    for name, data in example_files().items():
        path = out_dir / name
        path.write_bytes(data)
        paths.append(path)
    if with_pdf:
        from gongkai.readers.libreoffice import find_soffice

        if find_soffice():
            from gongkai.render.pdf import render_pdfs

            n = len(paths)
            spec = random_spec(random.Random(403), "2021", allow_blank=False)
            (pdf,) = render_pdfs([(spec, random.Random(403))], out_dir, prefix="tmp-pdf")
            path = out_dir / f"{n + 1:02d}_pdf_export.pdf"
            pdf.replace(path)
            paths.append(path)
    return paths
