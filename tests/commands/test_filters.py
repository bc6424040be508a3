"""The command line's filters mean one thing everywhere (--org exact, --org-like a part, values in Chinese or
as codes), --include-rollups includes, and tables written to a file or a pipe are whole."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import gongkai
from gongkai.cli import main
from gongkai.examples.bundled import write_examples


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> tuple[str, dict]:
    tmp = tmp_path_factory.mktemp("filters")
    paths = write_examples(tmp / "ex", with_pdf=False)
    url = str(tmp / "g.db")
    with gongkai.open_store(url, create=True) as store:
        store.ingest(paths)
    return url, {p.name: gongkai.check(p) for p in paths}


def _run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def _findings(url: str, *args: str) -> list[dict]:
    return json.loads(_run("findings", "--json", "--limit", "0", "--db", url, *args).stdout)


def test_org_is_exact_and_org_like_is_a_part(db) -> None:
    url, _ = db
    assert {f["organization"] for f in _findings(url, "--org", "澄湾市清漪区民政局")} == {"澄湾市清漪区民政局"}
    assert _findings(url, "--org", "民政局") == []
    assert {f["organization"] for f in _findings(url, "--org-like", "民政局")} == {"澄湾市清漪区民政局"}
    # 民政 is also part of 人民政府: a part matches it, an exact name never does
    assert len({f["organization"] for f in _findings(url, "--org-like", "民政")}) > 1
    versions = _run("reports", "versions", "--db", url, "--org-like", "民政局").stdout
    assert "澄湾市清漪区民政局" in versions and "人民政府" not in versions
    stats = json.loads(_run("stats", "--json", "--db", url, "--by", "org", "--org", "澄湾市清漪区民政局").stdout)
    assert [r["key"] for r in stats["rows"]] == ["澄湾市清漪区民政局"]


def test_values_in_chinese_or_as_codes(db) -> None:
    url, checked = db
    errors = _findings(url, "--severity", "错误", "--own")
    assert errors == _findings(url, "--severity", "error", "--own")
    assert errors and {f["severity"] for f in errors} == {"error"}
    assert len(errors) == sum(f.severity is gongkai.Severity.ERROR for r in checked.values() for f in r.findings)
    by_name = _findings(url, "--category", "勾稽关系不符")
    assert by_name == _findings(url, "--category", "identity_violation")
    assert by_name and {f["category"] for f in by_name} == {"identity_violation"}
    assert _findings(url, "--status", "待审核") == _findings(url, "--status", "pending") == _findings(url)
    assert json.loads(_run("stats", "--json", "--db", url, "--by", "机关").stdout)["by"] == "org"


def test_include_rollups_includes(db) -> None:
    url, checked = db
    rollups = sum(r.is_rollup for r in checked.values())
    assert rollups

    def total(*flags: str) -> dict:
        return json.loads(_run("stats", "--json", "--db", url, *flags).stdout)

    default, included, only = total(), total("--include-rollups"), total("--only-rollups")
    assert default["rollups"] == "excluded" and default["total"]["reports"] == len(checked) - rollups
    assert included["rollups"] == "included" and included["total"]["reports"] == len(checked)
    assert only["rollups"] == "only" and only["total"]["reports"] == rollups
    assert "含汇总报告" in _run("stats", "--db", url, "--include-rollups").stdout


def test_tables_to_a_pipe_are_whole(db) -> None:
    """CliRunner's output is not a terminal, as a file or a pipe: no cell is cut, folded or wrapped."""
    url, _ = db
    out = _run("findings", "--db", url, "--limit", "0").stdout
    for f in _findings(url):
        line = next((line for line in out.splitlines() if f["key"] in line), "")
        assert f["message"] in line, (f["message"], line)
    assert "…" not in out
    stats = _run("stats", "--db", url, "--by", "org").stdout
    for name in ("澄湾市清漪区民政局", "北澜市松陵县人民政府"):
        assert any(name in line for line in stats.splitlines())


def test_rules_and_parse_speak_chinese(tmp_path) -> None:
    rules = _run("rules").stdout
    assert "勾稽关系不符 · 错误" in rules and "identity_violation" not in rules and "· error" not in rules
    path = write_examples(tmp_path, with_pdf=False)[0]
    parsed = _run("parse", str(path)).stdout
    assert "数值" in parsed and "number" not in parsed
