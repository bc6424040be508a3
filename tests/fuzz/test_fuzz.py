"""A short deterministic run of the fuzzer per input kind, and every kept reproducer replayed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from fuzz.run import FOUND, SUFFIX, fuzz_kind, target  # noqa: E402

SHORT = {
    "text": 25,
    "html": 25,
    "docx": 15,
    "xlsx_form": 15,
    "yaml_form": 40,
    "json_form": 40,
    "csv_register": 25,
    "xlsx_register": 15,
    "registry": 25,
    "image": 5,
    "pdf": 5,
}


@pytest.mark.parametrize("kind", sorted(SHORT))
def test_short_fuzz_run_has_no_internal_errors_or_hangs(kind):
    if kind == "pdf":
        from gongkai.readers.libreoffice import find_soffice

        if not find_soffice():
            pytest.skip("PDF seeds need LibreOffice")
    res = fuzz_kind(kind, SHORT[kind], seconds=600, seed=12, per_input=60, batch_every=0)
    assert res.tried == SHORT[kind] or kind in ("pdf", "image")
    assert [w for w, _ in res.failures] == []
    assert res.internal == 0 and res.hangs == 0


def _found():
    kinds = {suffix: kind for kind, suffix in SUFFIX.items()}
    for p in sorted(FOUND.glob("*/*")):
        yield pytest.param(
            p.parent.name if p.parent.name in SUFFIX else kinds[p.suffix], p, id=p.parent.name + "/" + p.name
        )


@pytest.mark.parametrize("kind,path", list(_found()))
def test_kept_reproducer_ends_in_a_report_or_a_code(kind, path, tmp_path):
    target(kind, path.read_bytes(), tmp_path)  # raises anything but GongkaiError
