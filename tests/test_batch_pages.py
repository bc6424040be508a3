"""Scanned pages spread over the workers page by page (gongkai.batch_pages): the same outcome as reading the
file with OCR in place, whatever a page does (reads, raises, crashes, hangs); other files pass through.

Most tests use a stand-in OCR (patched before the workers fork, so they see it): the OCR engine is slow. One
test OCRs two real scanned pages (a report rendered by LibreOffice, two of its pages rasterised), and needs the
``ocr`` extra.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai import batch
from gongkai.batch import Outcome, run
from gongkai.batch_pages import PageDone, run_pages
from gongkai.cli import main
from gongkai.errors import UnreadableInput
from gongkai.examples.generate import random_spec
from gongkai.readers import ocr_plan
from gongkai.readers import pdf as pdf_reader
from gongkai.readers.geometry import Word
from gongkai.readers.limits import DEFAULT_LIMITS, Limits
from gongkai.readers.ocr import ocr_available
from gongkai.render.layouts import render_text
from tests.readers.test_pdf import minimal_pdf


def _words(page_no: int) -> list[Word]:
    return [
        Word(f"扫描内容{page_no}", (10, 60, 70, 70), page_no, 0.9),
        Word(str(page_no * 7), (80, 60, 95, 70), page_no),
    ]


def _stand_in(fail: dict[int, str] | None = None):
    """An OCR page reader: words naming the page, or on the pages in ``fail`` an error, a crash, a hang or
    exhausted memory."""

    def ocr(page, page_no, limits):
        what = (fail or {}).get(page_no)
        if what == "error":
            raise UnreadableInput("OCR 识别失败（StandIn）")
        if what == "crash":
            os.kill(os.getpid(), signal.SIGKILL)
        if what == "hang":
            time.sleep(60)
        if what == "memory":
            raise MemoryError
        if what == "bug":
            raise ValueError(f"bad page {page_no}")
        return _words(page_no), []

    return ocr


def _read_task(item: str, limits: Limits) -> Outcome:
    """Read a file and keep what its layout says (the check of a page of stand-in words says little)."""
    from gongkai.errors import GongkaiError

    try:
        layout = pdf_reader.read_pdf(Path(item).read_bytes(), item, limits)
    except GongkaiError as err:
        return Outcome(item, None, err.code, err.message, recycle=batch.exhausted(err))
    except OSError as err:
        return Outcome(item, None, "E-READ", str(err))
    blocks = [(type(b).__name__, getattr(b, "text", None)) for b in layout.blocks]
    return Outcome(item, payload=(blocks, layout.notes, layout.ocr_pages))


def _key(o: Outcome):
    return (o.path, o.error_code, o.error_message, o.recycle, o.payload)


def _both(paths, monkeypatch, ocr, *, jobs=2, limits=DEFAULT_LIMITS, task=None):
    """Outcomes of reading each file in place (batch.run, OCR inside the file's worker), and through
    run_pages (pages as items of their own), and the page outcomes."""
    monkeypatch.setattr(pdf_reader, "_ocr_function", lambda: ocr)
    in_place = {o.path: _key(o) for o in run(paths, jobs=jobs, limits=limits, **({"task": task} if task else {}))}
    pages: list[Outcome] = []
    spread = {o.path: _key(o) for o in run_pages(paths, jobs=jobs, limits=limits, task=task, on_page=pages.append)}
    return in_place, spread, pages


def _scan(tmp_path: Path, name: str, pages: int) -> str:
    path = tmp_path / name
    path.write_bytes(minimal_pdf(pages=pages))
    return str(path)


def test_pages_of_a_scan_go_to_different_workers_and_read_the_same(tmp_path, monkeypatch):
    paths = [_scan(tmp_path, "a.pdf", 2), _scan(tmp_path, "b.pdf", 3)]
    in_place, spread, pages = _both(paths, monkeypatch, _stand_in(), task=_read_task)
    assert spread == in_place
    blocks = spread[paths[1]][4][0]
    assert [text for _, text in blocks if text and "扫描" in text] == ["扫描内容1 7", "扫描内容2 14", "扫描内容3 21"]
    done = [o.payload for o in pages]
    assert all(isinstance(d, PageDone) and not d.failed for d in done)
    assert sorted(d.page for d in done) == [1, 1, 2, 2, 3]
    assert len({d.pid for d in done}) == 2  # the five pages were shared by both workers
    # the two pages of a.pdf went out as two items
    assert sorted(o.path.split("#")[0] for o in pages) == sorted([paths[0]] * 2 + [paths[1]] * 3)


@pytest.mark.parametrize("what", ["error", "bug", "memory", "crash", "hang"])
def test_a_page_that_fails_fails_the_file_as_in_place(tmp_path, monkeypatch, what):
    paths = [_scan(tmp_path, "s.pdf", 3)]
    limits = Limits(seconds_per_file=1.5) if what == "hang" else Limits()
    in_place, spread, pages = _both(paths, monkeypatch, _stand_in({2: what}), limits=limits)
    assert spread == in_place
    code = spread[paths[0]][1]
    assert code == {"error": "E-READ", "bug": "E-INTERNAL", "memory": "E-CRASH", "crash": "E-CRASH"}.get(
        what, "E-TIMEOUT"
    )
    assert len(pages) == 3  # every page had its own item
    lost = [o for o in pages if not isinstance(o.payload, PageDone)]
    assert len(lost) == (1 if what in ("crash", "hang") else 0)


def test_the_first_failing_page_decides_as_in_place(tmp_path, monkeypatch):
    paths = [_scan(tmp_path, "s.pdf", 4)]
    in_place, spread, _ = _both(paths, monkeypatch, _stand_in({2: "bug", 3: "crash", 4: "error"}))
    assert spread == in_place and spread[paths[0]][1] == "E-INTERNAL"


def test_pages_after_a_failed_page_are_not_ocrd(tmp_path, monkeypatch):
    """The read fails at the first failing page: later pages still queued are skipped (one worker, so the
    failure is known before the next page is sent)."""
    paths = [_scan(tmp_path, "s.pdf", 4)]
    in_place, spread, pages = _both(paths, monkeypatch, _stand_in({2: "crash"}), jobs=1)
    assert spread == in_place and spread[paths[0]][1] == "E-CRASH"
    assert [(o.path.split("#")[1][0], getattr(o.payload, "skipped", None)) for o in pages] == [
        ("1", False),
        ("2", None),  # lost with its worker: no PageDone
        ("3", True),
        ("4", True),
    ]


def test_identical_scans_share_their_pages_and_other_files_pass_through(tmp_path, monkeypatch):
    text = tmp_path / "r.txt"
    text.write_text(render_text(random_spec(random.Random(3)), "pipe_rows", random.Random(3)), "utf-8")
    one = _scan(tmp_path, "one.pdf", 1)  # a single scanned page is OCR'd in place: nothing to spread
    twins = [_scan(tmp_path, "x.pdf", 2), _scan(tmp_path, "y.pdf", 2)]
    paths = [str(text), one, *twins, str(tmp_path / "missing.pdf")]
    in_place, spread, pages = _both(paths, monkeypatch, _stand_in())
    assert spread == in_place
    assert spread[str(text)][1] is None and spread[one][1] == spread[twins[0]][1]
    assert spread[paths[-1]][1] == "E-READ"
    assert sorted(o.payload.page for o in pages) == [1, 2]  # x.pdf and y.pdf are the same bytes


def test_with_one_job_and_the_default_task(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "_ocr_function", lambda: _stand_in())
    paths = [Path(_scan(tmp_path, "s.pdf", 2))]
    [a] = run(paths, jobs=1)
    pages: list[Outcome] = []
    [b] = run_pages(paths, jobs=1, on_page=pages.append)
    assert (b.path, b.error_code, b.error_message, b.report) == (a.path, a.error_code, a.error_message, a.report)
    assert len(pages) == 2


def test_without_a_shared_folder_the_pdfs_and_results_travel_with_the_tasks(tmp_path, monkeypatch):
    """The executor-neutral core as a cluster uses it (here run in this process, sending what a cluster must)."""
    from gongkai.batch_pages import PageJob, PagedItem, ocr_page_task, spread_pages

    monkeypatch.setattr(pdf_reader, "_ocr_function", lambda: _stand_in({3: "error"}))
    paths = [_scan(tmp_path, "a.pdf", 2), _scan(tmp_path, "b.pdf", 3)]
    deferred = []

    def run_items(todo, planned):
        for w in todo:
            given = {k: Path(v).read_bytes() for k, v in w.given.items()}
            outcome = planned(PagedItem(w.index, w.item, given), DEFAULT_LIMITS)
            deferred.append(getattr(outcome.payload, "data", None))
            yield outcome

    def run_page_jobs(pages):
        for p in pages:
            yield ocr_page_task(PageJob(p.sha256, p.page, p.label, data=Path(p.pdf).read_bytes()), DEFAULT_LIMITS)

    spread = list(
        spread_pages(paths, task=_read_task, label=str, run_items=run_items, run_page_jobs=run_page_jobs, shared=False)
    )
    assert sorted(map(_key, spread)) == sorted(_key(_read_task(p, DEFAULT_LIMITS)) for p in paths)
    assert {o.path: o.error_code for o in spread} == {paths[0]: None, paths[1]: "E-READ"}
    assert deferred.count(None) == 2 and len(deferred) == 4  # two deferrals, then two reads with the results


def test_the_reader_defers_and_then_uses_the_given_pages():
    data = minimal_pdf(pages=3)
    ocr = _stand_in()
    seen: list[int] = []

    def counting(page, page_no, limits):
        seen.append(page_no)
        return ocr(page, page_no, limits)

    plan = ocr_plan.OcrPlan()
    token = ocr_plan.PLAN.set(plan)
    try:
        pdf_reader_ocr = pdf_reader._ocr_function
        pdf_reader._ocr_function = lambda: counting
        with pytest.raises(ocr_plan.OcrDeferred):
            pdf_reader.read_pdf(data, "s.pdf")
        [deferred] = plan.deferred
        assert deferred.pages == [1, 2, 3] and deferred.data == data and not seen
        given = {(deferred.sha256, n): (_words(n), []) for n in (1, 2, 3)}
        plan2 = ocr_plan.OcrPlan(given=given)
        ocr_plan.PLAN.set(plan2)
        with_given = pdf_reader.read_pdf(data, "s.pdf")
        assert not seen and not plan2.deferred
    finally:
        ocr_plan.PLAN.reset(token)
    in_place = pdf_reader.read_pdf(data, "s.pdf")
    pdf_reader._ocr_function = pdf_reader_ocr
    assert seen == [1, 2, 3]
    assert with_given == in_place


# -------------------------------------------------------------------------------------------- real OCR


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, list[str]]:
    """A report rendered by LibreOffice, and the text of each page."""
    if not ocr_available():
        pytest.skip("the ocr extra is not installed")
    from gongkai.readers.libreoffice import find_soffice
    from gongkai.render.pdf import render_pdfs

    if find_soffice() is None:
        pytest.skip("LibreOffice is needed to render the test report")
    import pypdfium2 as pdfium

    [path] = render_pdfs([(random_spec(random.Random(6), "2021"), random.Random(6))], tmp_path_factory.mktemp("pdf"))
    pdf = pdfium.PdfDocument(path.read_bytes())
    return path, [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


def _scanned(rendered, name: str, score) -> Path:
    """The rendered report with its two pages of the highest ``score`` (of the page's text) as images."""
    from gongkai.render.scan import scan_pages

    path, texts = rendered
    pages = sorted(sorted(range(1, len(texts) + 1), key=lambda n: -score(texts[n - 1]))[:2])
    scan = path.parent / name
    scan.write_bytes(scan_pages(path.read_bytes(), pages))
    return scan


@pytest.fixture(scope="module")
def half_scanned(rendered) -> Path:
    """The two table pages (the most digits) scanned, as a scanner makes them; the others keep their text."""
    return _scanned(rendered, "tables-scanned.pdf", lambda text: sum(c.isdigit() for c in text))


@pytest.fixture(scope="module")
def prose_scanned(rendered) -> Path:
    """The two shortest pages scanned (prose: quicker to OCR)."""
    return _scanned(rendered, "prose-scanned.pdf", lambda text: -len(text))


def test_real_scan_checked_with_two_jobs_equals_the_in_place_read(half_scanned):
    """Four pages OCR'd in all (two in workers, two in place): the slowest test here."""
    from gongkai.pipeline import check_path

    result = CliRunner().invoke(main, ["check", "--json", "-j", "2", str(half_scanned)])
    assert result.exit_code in (0, 1), result.output
    spread = json.loads(result.stdout)
    in_place = json.loads(json.dumps(check_path(str(half_scanned)).to_dict(), ensure_ascii=False))
    assert spread["cells"] == in_place["cells"] and spread["findings"] == in_place["findings"]
    assert spread == in_place
    assert any("扫描图像" in note for note in spread["notes"])
    assert sum(1 for c in spread["cells"].values() if c.get("value") not in (None, 0)) > 20  # OCR read numbers


def test_ingest_spreads_the_pages_and_stores_what_the_in_place_read_gives(tmp_path, monkeypatch, store_url):
    """On SQLite the parent writes; on PostgreSQL the workers do (gongkai.store.ingest_writers): both spread."""
    from sqlalchemy import select

    from gongkai.store import schema as t
    from gongkai.store.db import open_store
    from gongkai.store.ingest import ingest
    from gongkai.store.ingest_worker import Job, _label, ingest_task

    marks = tmp_path / "marks"
    marks.mkdir()
    ocr = _stand_in()

    def marking(page, page_no, limits):
        (marks / f"{page_no}-{os.getpid()}").touch()
        return ocr(page, page_no, limits)

    monkeypatch.setattr(pdf_reader, "_ocr_function", lambda: marking)
    paths = [_scan(tmp_path, "s.pdf", 3)]
    [in_place] = run([Job(paths[0], path=paths[0])], jobs=1, task=ingest_task, label=_label)
    assert len(list(marks.iterdir())) == 3
    for mark in marks.iterdir():
        mark.unlink()
    store = open_store(store_url)
    try:
        ingest(store, paths, jobs=2, cross_check=False)
        with store.engine.connect() as conn:
            stored = conn.execute(select(t.parse.c.status, t.parse.c.error_code, t.parse.c.error_message)).all()
    finally:
        store.dispose()
    assert [tuple(r) for r in stored] == [("error", in_place.error_code, in_place.error_message)]
    assert sorted(m.name.split("-")[0] for m in marks.iterdir()) == ["1", "2", "3"]
    assert len({m.name.split("-")[1] for m in marks.iterdir()}) == 2  # both workers OCR'd pages


def test_real_scan_on_a_local_dask_cluster_spreads_the_pages_and_stores_the_same_rows(prose_scanned):
    """Two short pages OCR'd in place and on the cluster."""
    pytest.importorskip("distributed")
    from gongkai.store.cluster import ClusterRunner, connect
    from gongkai.store.ingest_worker import Job, ingest_task

    job = Job(prose_scanned.name, path=str(prose_scanned))
    in_place = ingest_task(job, DEFAULT_LIMITS)
    from distributed import get_task_stream

    with connect("local:2") as client, get_task_stream(client) as stream:
        [outcome] = list(ClusterRunner(client)([job]))
    ran = [(str(t["key"]), t["worker"]) for t in stream.data]
    assert (outcome.path, outcome.error_code) == (in_place.path, in_place.error_code) == (job.label, None)
    assert outcome.payload.rows == in_place.payload.rows and outcome.payload.keys == in_place.payload.keys
    assert outcome.payload.rows.cells
    # a task to read (OCR deferred), one per scanned page, a task to read again with the pages' results
    assert sorted(key.split("-")[1] for key, _ in ran) == ["ingest", "ingest", "ocr", "ocr"]
