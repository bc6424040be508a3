"""Not a report → not counted: look-alike data files are refused with E-NOT-REPORT by check, parse and ingest;
every real report (bundled examples, ../shared seeds and page excerpts) is still accepted."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from gongkai.cli import main
from gongkai.errors import NotAnAnnualReport
from gongkai.examples.bundled import write_examples
from gongkai.pipeline import check_path
from tests.conftest import SHARED
from tests.fixtures_lookalike import write_lookalikes


@pytest.fixture(scope="module")
def lookalikes(tmp_path_factory):
    return write_lookalikes(tmp_path_factory.mktemp("la") / "files")


def test_the_corpus_has_every_kind(lookalikes):
    names = {p.name for p in lookalikes}
    assert {
        "cells.csv",
        "wide.csv",
        "findings.csv",
        "cells.json",
        "cells.xlsx",
        "INDEX.tsv",
        "list.csv",
        "reports.json",
        "README.md",
    } <= names


def test_lookalikes_are_refused_by_the_pipeline(lookalikes):
    for path in lookalikes:
        with pytest.raises(NotAnAnnualReport) as err:
            check_path(path)
        assert err.value.code == "E-NOT-REPORT", path.name
        assert "年度报告" in err.value.message


def test_check_and_parse_commands_refuse_them(lookalikes):
    runner = CliRunner()
    res = runner.invoke(main, ["check", *map(str, lookalikes)])
    assert res.exit_code != 0 and "Traceback" not in res.output
    # one line per file as it is refused (the summary at the end lists them again, indented)
    assert sum(line.startswith("[E-NOT-REPORT]") for line in res.output.splitlines()) == len(lookalikes), res.output
    for path in lookalikes:
        res = runner.invoke(main, ["parse", str(path)])
        assert res.exit_code != 0 and "E-NOT-REPORT" in res.output, path.name


def test_ingest_stores_them_as_unreadable_and_stats_ignore_them(lookalikes, tmp_path):
    db = tmp_path / "g.db"
    res = CliRunner().invoke(main, ["ingest", str(lookalikes[0].parent), "--db", str(db), "--no-progress"])
    assert "Traceback" not in res.output
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("select status, error_code from parse where is_current")).all()
    engine.dispose()
    assert len(rows) == len(lookalikes)
    assert all(r.status == "error" and r.error_code == "E-NOT-REPORT" for r in rows), rows
    res = CliRunner().invoke(main, ["stats", "--db", str(db)])
    assert "未知年度" not in res.output


def test_bundled_examples_are_accepted(tmp_path):
    for path in write_examples(tmp_path, with_pdf=False):
        report = check_path(path)
        assert report.cells, path.name


def _real_reports():
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"../shared not found at {SHARED}")
    files = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "corpus" / "pages").glob("*.txt"))
    files += sorted((SHARED / "corpus" / "docs").glob("*.pdf"))
    assert files
    return files


def test_every_real_report_in_shared_is_accepted():
    for path in _real_reports():
        try:
            check_path(path)
        except NotAnAnnualReport as err:  # pragma: no cover - the failure message names the file
            pytest.fail(f"{path.name} refused: {err}")


def test_the_shared_page_index_is_not_a_report():
    index = SHARED / "corpus" / "pages" / "INDEX.tsv"
    if not index.is_file():
        pytest.skip("../shared page index absent")
    with pytest.raises(NotAnAnnualReport):
        check_path(index)
