"""The `gongkai fetch` command: start addresses from a file, Chinese run report, exit codes."""

from __future__ import annotations

from click.testing import CliRunner

from gongkai.cli import main
from gongkai.examples.portal import build_portal
from tests.fetch.server import PortalServer


def test_fetch_command_reports_and_reruns_quietly(tmp_path):
    srv = PortalServer(build_portal())
    try:
        listing = tmp_path / "列表.txt"
        listing.write_text(f"# 年报专栏\n{srv.base}/zw/index.html\n\n{srv.base}/js/index.html\n", encoding="utf-8")
        db = str(tmp_path / "f.db")
        args = ["fetch", "--from", str(listing), "--db", db, "--delay", "0.01", "--allow-private"]
        first = CliRunner().invoke(main, args)
        assert first.exit_code == 0, first.output
        assert "新入库 2 份" in first.output and f"入库 {srv.base}/js/P0501.docx" in first.output
        requests = len(srv.log)
        again = CliRunner().invoke(main, args)
        assert again.exit_code == 0, again.output
        assert "新入库 0 份" in again.output and "此前已抓取" in again.output
        assert len(srv.log) == requests  # nothing requested again, not even robots.txt
        blocked = CliRunner().invoke(main, ["fetch", f"{srv.base}/nb/index.html", "--db", db, "--delay", "0.01"])
        assert blocked.exit_code == 2 and "E-FETCH-PRIVATE" in blocked.output
    finally:
        srv.close()


def test_fetch_without_addresses_is_an_input_error(tmp_path):
    result = CliRunner().invoke(main, ["fetch", "--db", str(tmp_path / "f.db")])
    assert result.exit_code == 2 and "E-FETCH-NO-URL" in result.output
