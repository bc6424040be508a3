"""The generated district: valid reports, consistent across years and with the roll-up, and an exact list of the
findings the cross-report checks must give (planted errors only)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import combinations

import pytest
import yaml

from gongkai.analysis.crosscheck import similarity as prose_similarity
from gongkai.analysis.prose import prose_hashes
from gongkai.standard.layout import request_layout
from gongkai.spec import request_cell as _req
from gongkai.examples.generate import identity_violations
from gongkai.examples.region import REGISTRY_FILE, generate_region, write_region
from gongkai.examples.region_content import deadline, spec_prose, summed_cells
from gongkai.examples.region_expected import ExpectedFinding, expected_findings
from gongkai.model import Severity
from gongkai.pipeline import check_document
from gongkai.readers import read_bytes
from gongkai.standard import get_format
from tests.roundtrip import differing_cells

FMT = get_format("2021")
LAY = request_layout(FMT)
YEARS = (2022, 2023, 2024)
# the headings of sections 一/五/六 as printed: counted too, as a reader of the whole section would
HEADINGS = "一、总体情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n"


@pytest.fixture(scope="module")
def region():
    return generate_region(0)


def _n(v) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def _by_body(region):
    """(registered name, year) → spec of the published reports."""
    return {(region.organizations[n], s.year): s for n, s in region.specs.items()}


def test_deterministic(region):
    again = generate_region(0)
    assert again.files == region.files
    assert again.expected == region.expected
    assert again.registry_yaml == region.registry_yaml
    assert generate_region(1).files != region.files


def test_size_and_formats(region):
    # 30 members × 3 years + 3 roll-ups − 1 missing member report
    assert len(region.files) == 30 * 3 + 3 - 1
    suffixes = Counter(n.rsplit(".", 1)[1] for n in region.files)
    assert set(suffixes) == {"md", "html", "docx"}
    assert suffixes["md"] > suffixes["html"] > 0 and suffixes["docx"] > 0
    assert all(n.split("/")[0] in {str(y) for y in YEARS} for n in region.files)
    assert set(region.specs) == set(region.files) == set(region.organizations)


def test_identities_hold_in_every_spec(region):
    for name, spec in {**region.specs, **{str(k): s for k, s in region.unpublished.items()}}.items():
        assert identity_violations(spec) == [], name


def test_carry_over_holds_except_planted(region):
    specs = _by_body(region)
    specs.update(region.unpublished)
    found = set()
    for (org, year), spec in specs.items():
        prev = specs.get((org, year - 1))
        if prev is None:
            continue
        for col in (*LAY.applicant_columns, LAY.total_column):
            if _n(spec.values[_req(LAY.carried_over, col)]) != _n(prev.values[_req(LAY.carried_forward, col)]):
                found.add(ExpectedFinding("CARRY-OVER-MISMATCH", org, year, _req(LAY.carried_over, col)))
    planted = {f for f in region.planted if f.code == "CARRY-OVER-MISMATCH"}
    assert found == planted
    # 3 member reports, two columns each, and the district's roll-up that sums them
    members = {(f.organization, f.year) for f in planted if f.organization != region.district}
    assert len(members) == 3
    assert all(sum(1 for f in planted if (f.organization, f.year) == m) == 2 for m in members)
    assert {f.year for f in planted if f.organization == region.district} == {y for _, y in members}


def test_rollup_is_the_sum_of_all_members_except_planted(region):
    specs = _by_body(region)
    specs.update(region.unpublished)  # the missing member's report is in the roll-up's full sum
    differing = set()
    for year in YEARS:
        rollup = specs[(region.district, year)]
        assert rollup.is_rollup and rollup.body_kind == "government"
        for cid in summed_cells(FMT):
            if _n(rollup.values[cid]) != sum(_n(specs[(m.name, year)].values[cid]) for m in region.members):
                differing.add(ExpectedFinding("ROLLUP-MISMATCH", region.district, year, cid))
    planted = {f for f in region.planted if f.code == "ROLLUP-MISMATCH"}
    assert differing == planted
    assert Counter(f.year for f in planted) == {YEARS[0]: 6, YEARS[1]: 2}
    # the year with a missing member: nothing planted, and the stated sums are never below the partial sums
    ((missing, year),) = region.missing
    assert year == YEARS[-1] and (missing, year) not in _by_body(region)
    rollup = specs[(region.district, year)]
    for cid in summed_cells(FMT):
        partial = sum(_n(specs[(m.name, year)].values[cid]) for m in region.members if m.name != missing)
        assert _n(rollup.values[cid]) >= partial


def test_expected_is_exactly_the_plan(region):
    assert region.expected == region.planted
    codes = Counter(f.code for f in region.expected)
    assert codes["ROLLUP-MISMATCH"] == 8
    assert codes["LATE-PUBLICATION"] == 2
    assert codes["DUPLICATE-CONTENT"] == 1
    assert codes["ROLLUP-INCOMPLETE"] == 1
    assert codes["CARRY-OVER-MISMATCH"] in (8, 10, 12)  # 6 in members + the roll-up's (years may coincide)
    late = {f.organization for f in region.expected if f.code == "LATE-PUBLICATION"}
    assert region.district in late and len(late) == 2
    for f in region.expected:
        assert (f.cell_id is None) == (f.code in ("LATE-PUBLICATION", "DUPLICATE-CONTENT", "ROLLUP-INCOMPLETE"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_expected_is_exactly_the_plan_for_other_seeds(seed):
    region = generate_region(seed)
    assert region.expected == region.planted


def test_without_plants_nothing_is_expected():
    region = generate_region(5, departments=12, plant=False)
    assert region.expected == [] and region.planted == [] and region.missing == ()
    assert len(region.files) == 13 * 3
    printed = {s.organization for s in region.specs.values()}
    assert "区民政局" not in printed


def test_oracle_sees_a_change():
    region = generate_region(5, departments=12, plant=False)
    bodies = {m.name: m for m in region.members}
    name = next(n for n, s in region.specs.items() if s.year == 2023 and region.organizations[n] in bodies)
    org = region.organizations[name]
    reports = []
    for n, s in region.specs.items():
        if n == name:
            values = dict(s.values)
            values[_req(LAY.carried_over, "natural_person")] = _n(values[_req(LAY.carried_over, "natural_person")]) + 1
            s = replace(s, values=values)
        body = bodies.get(region.organizations[n])
        if body is None:
            from gongkai.examples.region import Body

            body = Body(region.district, "government", "district")
        reports.append((body, s))
    got = expected_findings(reports, {region.district: list(bodies)})
    assert ExpectedFinding("CARRY-OVER-MISMATCH", org, 2023, "requests.carried_over.natural_person") in got
    assert ExpectedFinding("ROLLUP-MISMATCH", region.district, 2023, "requests.carried_over.natural_person") in got


def test_published_dates(region):
    kinds = {m.name: m.kind for m in region.members}
    late = {(f.organization, f.year) for f in region.expected if f.code == "LATE-PUBLICATION"}
    dated = 0
    for name, spec in region.specs.items():
        org = region.organizations[name]
        if spec.published is None:
            assert (org, spec.year) not in late
            continue
        dated += 1
        kind = kinds.get(org, "government")
        is_late = spec.published > deadline(spec.year, kind, "district" if kind == "government" else None)
        assert is_late == ((org, spec.year) in late), name
    assert dated >= 0.8 * len(region.specs)


def test_prose_is_distinct_except_the_planted_duplicate(region):
    hashes = {
        (region.organizations[n], s.year): prose_hashes(HEADINGS + spec_prose(s)) for n, s in region.specs.items()
    }
    (dup,) = [(f.organization, f.year) for f in region.expected if f.code == "DUPLICATE-CONTENT"]
    worst = 0.0
    for (org, year), h in hashes.items():
        assert len(h) >= 20
        if (org, year - 1) in hashes:
            sim = prose_similarity(h, hashes[(org, year - 1)])
            if (org, year) == dup:
                assert sim >= 0.8
            else:
                worst = max(worst, sim)
    for ((_a, y), h), ((_b, y2), h2) in combinations(hashes.items(), 2):
        if y == y2:
            worst = max(worst, prose_similarity(h, h2))
    assert worst < 0.7
    for spec in region.specs.values():
        assert any("信息处理费" in p for p in spec.texts["6"])


def test_every_file_reads_back(region):
    problems = {}
    for name, data in region.files.items():
        spec = region.specs[name]
        report = check_document(read_bytes(data, name))
        wrong = []
        if d := differing_cells(spec, report):
            wrong.append(f"{len(d)} cells differ, e.g. {dict(list(d.items())[:3])}")
        if report.organization != spec.organization:
            wrong.append(f"organization {report.organization!r}")
        if report.year != spec.year:
            wrong.append(f"year {report.year}")
        if report.is_rollup != spec.is_rollup:
            wrong.append(f"is_rollup {report.is_rollup}")
        if report.published != (spec.published.isoformat() if spec.published else None):
            wrong.append(f"published {report.published}")
        # blank cells give CELL-MISSING warnings by design; nothing else may be flagged
        flagged = [
            f.code
            for f in report.findings
            if f.severity == Severity.ERROR or f.severity == Severity.WARNING and f.code != "CELL-MISSING"
        ]
        if flagged:
            wrong.append(f"findings {flagged}")
        if wrong:
            problems[name] = wrong
    assert not problems


def test_registry(region):
    tree = yaml.safe_load(region.registry_yaml)
    (city,) = tree["organizations"]
    assert (city["name"], city["kind"], city["level"]) == (region.city, "government", "city")
    (district,) = city["children"]
    assert (district["name"], district["kind"], district["level"]) == (region.district, "government", "district")
    members = district["children"]
    assert len(members) == 30 and len({m["name"] for m in members}) == 30
    assert {m["name"] for m in members} == {m.name for m in region.members}
    assert all(m.get("kind", "department") == "department" for m in members)  # streets/towns: guessed
    assert any(m["name"].endswith("街道办事处") for m in members) and any(
        m["name"].endswith("镇人民政府") for m in members
    )
    names: dict[str, str] = {}
    for m in members:
        names[m["name"]] = m["name"]
        for a in m.get("aliases", []):
            names[a] = m["name"]
        for f in m.get("former", []):
            assert set(f) == {"name", "until"} and f["until"] == YEARS[0]
            names[f["name"]] = m["name"]
    names[region.district] = region.district
    assert "区民政局" in names
    # every report is printed under its registered name, an alias or a former name of its own body
    printed = Counter()
    for name, spec in region.specs.items():
        assert names[spec.organization] == region.organizations[name]
        printed[spec.organization == region.organizations[name]] += 1
    assert printed[False] == 2  # one former name, one short alias


def test_write_region(region, tmp_path):
    paths = write_region(region, tmp_path)
    assert paths[-1] == tmp_path / REGISTRY_FILE
    assert yaml.safe_load(paths[-1].read_text("utf-8")) == yaml.safe_load(region.registry_yaml)
    assert len(paths) == len(region.files) + 1
    for name, data in region.files.items():
        assert (tmp_path / name).read_bytes() == data
