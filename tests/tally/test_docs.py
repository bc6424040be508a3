"""docs/register.md and the vocabulary in gongkai.tally.mapping agree; the documented examples tally as stated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gongkai.tally import (
    APPEAL_FIELDS,
    REQUEST_FIELDS,
    read_appeals,
    read_applications,
    tally_appeals,
    tally_requests,
)
from gongkai.tally.mapping import (
    APPEAL_KIND_ALIASES,
    APPEAL_RESULT_ALIASES,
    APPLICANT_ALIASES,
    RESULT_ALIASES,
    norm,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "register.md"
pytestmark = pytest.mark.skipif(not DOC.exists(), reason="docs/register.md missing")


def _doc() -> str:
    return DOC.read_text("utf-8")


def test_every_alias_is_documented():
    doc = norm(_doc())
    vocab = [*REQUEST_FIELDS.values(), *APPEAL_FIELDS.values()]
    words = [a for _, aliases in vocab for a in aliases]
    for table in (APPLICANT_ALIASES, RESULT_ALIASES, APPEAL_KIND_ALIASES, APPEAL_RESULT_ALIASES):
        words += [a for aliases in table.values() for a in aliases]
    missing = [w for w in words if norm(w) not in doc]
    assert not missing


def _blocks() -> list[str]:
    return re.findall(r"```\n(.*?)```", _doc(), flags=re.DOTALL)


def test_documented_examples(tmp_path):
    apps = next(b for b in _blocks() if "申请编号,收到日期" in b)
    cases = next(b for b in _blocks() if "案件编号,类型" in b)
    (tmp_path / "a.csv").write_text(apps, "utf-8")
    (tmp_path / "c.csv").write_text(cases, "utf-8")
    r = tally_requests(read_applications(tmp_path / "a.csv"), 2024)
    v = {k: n for k, n in r.values.items() if n and not k.endswith(".total") and ".total." not in k}
    assert v == {
        "requests.carried_over.natural_person": 1,
        "requests.carried_forward.natural_person": 2,
        "requests.received.natural_person": 1,
        "requests.received.legal_service_org": 1,
        "requests.withheld.third_party_rights.legal_service_org": 1,
        "requests.received.commercial_enterprise": 1,
        "requests.granted.commercial_enterprise": 1,
    }
    assert [(lo.line, lo.ident) for lo in r.left_out] == [(7, "SQ005")]
    assert "第 7 行（编号 SQ005）" in _doc()
    a = tally_appeals(read_appeals(tmp_path / "c.csv"), 2024)
    assert {k: n for k, n in a.values.items() if n and not k.endswith(".total")} == {
        "appeals.review.upheld": 1,
        "appeals.litigation_direct.pending": 1,
        "appeals.litigation_after_review.pending": 1,
    }
