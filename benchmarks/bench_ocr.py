"""OCR at scale: one scanned report (every page an image) checked in this process, through the batch as one
file (``batch.run -j 2``: all its pages in one worker, the path before ``run_pages``) and through
``batch_pages.run_pages`` (pages spread over the workers), on 1 and 2 workers. Prints pages/s and each as a
ratio to the in-process rate, measured in one run.

The report is generated and rendered by the project (DOCX → LibreOffice PDF, untimed), then every page is
rasterised (``gongkai.render.scan``). In-process runs use a warmed engine; worker runs include their workers'
engine start (~1 s each), as a real batch does, and run first (a forked worker would otherwise inherit the warmed
engine without its threads). The ratio of ``run_pages -j 2`` to in-process on one thread is the scaling over
cores; onnxruntime's own threads already spread one page over the cores in process (default threads), but a
batch gives each worker one thread. CPU seconds (this process and its workers) show how many cores were busy.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path


def _scan(pages: int, folder: Path) -> tuple[Path, int]:
    from gongkai.examples.generate import random_spec
    from gongkai.render.pdf import render_pdfs
    from gongkai.render.scan import scan_pages

    import pypdfium2 as pdfium

    rng = random.Random(6)
    [path] = render_pdfs([(random_spec(rng, "2021"), rng)], folder)
    data = path.read_bytes()
    n = len(pdfium.PdfDocument(data))
    keep = list(range(1, min(pages, n) + 1))
    if pages < n:  # the first pages only: cut the rest off so that every page is a scan
        src = pdfium.PdfDocument(data)
        out = pdfium.PdfDocument.new()
        out.import_pages(src, [i - 1 for i in keep])
        import io

        buf = io.BytesIO()
        out.save(buf)
        data = buf.getvalue()
    scan = folder / "scan.pdf"
    scan.write_bytes(scan_pages(data))
    return scan, len(keep)


def _in_process(path: Path, threads: int) -> float:
    from gongkai.pipeline import check_path
    from gongkai.readers.ocr import THREADS_ENV, get_engine

    os.environ[THREADS_ENV] = str(threads)
    get_engine(threads)  # warm: models load once per process
    t0 = time.perf_counter()
    report = check_path(str(path))
    seconds = time.perf_counter() - t0
    assert report.cells, "the scan read no cells"
    return seconds


def _batch(path: Path, jobs: int, spread: bool) -> float:
    from gongkai.batch import run
    from gongkai.batch_pages import run_pages

    os.environ.pop("GONGKAI_OCR_THREADS", None)  # workers choose as in a real batch
    runner = run_pages if spread else run
    t0 = time.perf_counter()
    [outcome] = list(runner([str(path)], jobs=jobs))
    seconds = time.perf_counter() - t0
    assert outcome.ok, (outcome.error_code, outcome.error_message)
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=4, help="pages of the scan (at most the rendered report's 5)")
    args = ap.parse_args()
    from gongkai.readers.libreoffice import find_soffice
    from gongkai.readers.ocr import ocr_available

    if not ocr_available() or find_soffice() is None:
        print("ocr scaling: skipped (needs gongkai[ocr] and LibreOffice)")
        return
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-ocr-") as tmp:
        path, pages = _scan(args.pages, Path(tmp))
        # worker runs first: a forked worker would inherit an engine warmed here, whose threads fork does not copy
        runs = [
            ("batch.run -j 2 (one file)", lambda: _batch(path, 2, False)),
            ("run_pages -j 1", lambda: _batch(path, 1, True)),
            ("run_pages -j 2", lambda: _batch(path, 2, True)),
            ("in-process, 1 OCR thread", lambda: _in_process(path, 1)),
            ("in-process, default threads", lambda: _in_process(path, 0)),
        ]
        measured = {}
        for name, fn in runs:
            cpu0 = _cpu()
            seconds = fn()
            measured[name] = (seconds, _cpu() - cpu0)
        print(f"OCR at scale: one {pages}-page scanned report, {os.cpu_count()} cores")
        base = pages / measured["in-process, 1 OCR thread"][0]
        for name, (seconds, cpu) in sorted(measured.items(), key=lambda kv: -kv[1][0]):
            rate = pages / seconds
            print(
                f"  {name:<30} {seconds:>7.1f} s  {rate:>6.2f} pages/s  {rate / base:>5.2f}× in-process 1 thread"
                f"  (CPU {cpu:.1f} s: {cpu / seconds:.2f} cores busy)"
            )
        print(f"  load average after: {os.getloadavg()[0]:.2f} (other work on the machine lowers the ratios)")


def _cpu() -> float:
    """CPU seconds of this process and its ended children (the batch's workers)."""
    import resource

    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
