"""Per-format throughput of the whole job (read + parse + check), and for PDFs the ratio of our total time to
the bare text extraction of the same PDFs with the same library (pypdfium2 ``get_text_range`` of every page).

Documents are generated and rendered by the project (untimed) and then read from bytes (timed), one core.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from gongkai.examples.generate import random_spec
from gongkai.pipeline import check_document
from gongkai.readers import read_bytes

SHARED_DOCS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "docs"


def _time_all(blobs: list[bytes], repeat: int) -> float:
    """Best-of-``repeat`` seconds to read+parse+check every blob once."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for i, data in enumerate(blobs):
            check_document(read_bytes(data, f"bench-{i}"))
        best = min(best, time.perf_counter() - t0)
    return best


def _bare_pdf_text(blobs: list[bytes], repeat: int) -> float:
    import pypdfium2 as pdfium

    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for data in blobs:
            pdf = pdfium.PdfDocument(data)
            for i in range(len(pdf)):
                page = pdf[i]
                tp = page.get_textpage()
                tp.get_text_range()
                tp.close()
                page.close()
            pdf.close()
        best = min(best, time.perf_counter() - t0)
    return best


def _ours_and_bare(blobs: list[bytes], repeat: int) -> tuple[float, float]:
    """Best-of-``repeat`` seconds of our whole job and of the bare text pass, measured alternately: on a shared
    machine the load changes within seconds, and a ratio of two runs made at different times would show it."""
    ours = bare = float("inf")
    for _ in range(repeat):
        ours = min(ours, _time_all(blobs, 1))
        bare = min(bare, _bare_pdf_text(blobs, 1))
    return ours, bare


def _pdf_stages(name: str, blobs: list[bytes], repeat: int) -> None:
    """Where the PDF time goes, in units of the bare pass: CPU time of each stage, best of ``repeat`` (CPU time,
    as on a shared machine the stages would otherwise each see a different load)."""
    import pypdfium2 as pdfium

    from gongkai.parsing import parse_document
    from gongkai.readers.assemble import to_document
    from gongkai.readers.blocks import Layout
    from gongkai.readers.geometry import PageInput, layout_pages
    from gongkai.readers.pdf import MEDIA_TYPE, _page_rulings, _page_words

    def best(f) -> float:
        out = float("inf")
        for _ in range(repeat):
            t0 = time.process_time()
            f()
            out = min(out, time.process_time() - t0)
        return out

    def pages_of(data: bytes) -> list[PageInput]:
        pdf = pdfium.PdfDocument(data)
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            words, box = _page_words(page, i + 1)
            rulings = _page_rulings(page, i + 1, box)
            pages.append(PageInput(words or [], rulings, (box[2], box[3]), i + 1))
            page.close()
        pdf.close()
        return pages

    inputs = [pages_of(b) for b in blobs]
    layouts = [Layout(layout_pages(p), MEDIA_TYPE, pages=len(p)) for p in inputs]
    docs = [to_document(lay, "bench") for lay in layouts]
    bare = best(lambda: _bare_pdf_text(blobs, 1))
    stages = {
        "words+rulings beyond bare": best(lambda: [pages_of(b) for b in blobs]) - bare,
        "geometry": best(lambda: [layout_pages(p) for p in inputs]),
        "assemble": best(lambda: [to_document(lay, "bench") for lay in layouts]),
        "parse": best(lambda: [parse_document(d) for d in docs]),
        "parse+checks": best(lambda: [check_document(d) for d in docs]),
    }
    stages["checks"] = stages.pop("parse+checks") - stages["parse"]
    parts = "  ".join(f"{k} {v / bare:.2f}" for k, v in stages.items())
    print(f"  {name}: stages in units of the bare pass (CPU time): {parts}  sum {1 + sum(stages.values()) / bare:.2f}x")


def _line(name: str, n: int, seconds: float, extra: str = "") -> None:
    print(f"{name:<28} {n:>5} docs  {n / seconds:>8.1f} docs/s  {seconds / n * 1000:>7.2f} ms/doc  {extra}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--html", type=int, default=200)
    ap.add_argument("--docx", type=int, default=100)
    ap.add_argument("--pdf", type=int, default=30)
    ap.add_argument("--ocr-pages", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--stages", action="store_true", help="also print where the PDF time goes, stage by stage")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    print("format                        docs  throughput            per doc")

    from gongkai.render.html import HTML_STYLES, render_html

    html = [
        render_html(random_spec(rng, "2021"), rng, style=HTML_STYLES[i % len(HTML_STYLES)], portal=True)
        for i in range(args.html)
    ]
    if html:
        _line("html (portal page, gb18030)", len(html), _time_all(html, args.repeat))

    from gongkai.render.docx import DOCX_STYLES, render_docx

    docx = [
        render_docx(random_spec(rng, "2021"), rng, style=DOCX_STYLES[i % len(DOCX_STYLES)]) for i in range(args.docx)
    ]
    if docx:
        _line("docx (merged cells)", len(docx), _time_all(docx, args.repeat))

    from gongkai.readers.libreoffice import find_soffice

    if find_soffice() is None:
        print("pdf: skipped (LibreOffice not installed; install libreoffice-writer-nogui)")
        return
    from gongkai.render.pdf import render_pdfs

    with tempfile.TemporaryDirectory() as tmp:
        specs = [(random_spec(rng, "2021"), random.Random(i)) for i in range(args.pdf)]
        pdfs = [p.read_bytes() for p in render_pdfs(specs, Path(tmp))] if specs else []
        # value glyphs spaced apart (as some converters print them): the per-character path of the reader
        spaced = (
            [p.read_bytes() for p in render_pdfs(specs, Path(tmp), prefix="spaced", digit_spacing=30)] if specs else []
        )
    for name, blobs in (("pdf (LibreOffice export)", pdfs), ("pdf (LibreOffice, spaced)", spaced)):
        if blobs:
            ours, bare = _ours_and_bare(blobs, args.repeat)
            _line(name, len(blobs), ours, f"ratio to bare pypdfium2 text: {ours / bare:.2f}x")
            if args.stages:
                _pdf_stages(name, blobs, 10)
    real = sorted(SHARED_DOCS.glob("*.pdf")) if SHARED_DOCS.is_dir() else []
    if real:
        blobs = [p.read_bytes() for p in real]
        ours, bare = _ours_and_bare(blobs, 10)
        _line(
            f"pdf (real, {len(real)} in corpus)", len(blobs), ours, f"ratio to bare pypdfium2 text: {ours / bare:.2f}x"
        )
        if args.stages:
            _pdf_stages("pdf (real)", blobs, 10)

    from gongkai.readers.ocr import ocr_available

    if not ocr_available() or args.ocr_pages <= 0 or not pdfs:
        print("ocr: skipped (install gongkai[ocr])")
        return
    import pypdfium2 as pdfium

    from gongkai.readers.limits import DEFAULT_LIMITS
    from gongkai.readers.ocr import ocr_pdf_page

    pdf = pdfium.PdfDocument(pdfs[0])
    times = []
    for i in range(min(args.ocr_pages, len(pdf))):
        t0 = time.perf_counter()
        ocr_pdf_page(pdf[i], i + 1, DEFAULT_LIMITS)
        times.append(time.perf_counter() - t0)
    print(
        f"ocr (scanned page, {DEFAULT_LIMITS.ocr_dpi} dpi)   {len(times):>5} pages {statistics.mean(times):>8.2f} s/page"
    )


if __name__ == "__main__":
    main()
