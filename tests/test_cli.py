"""The command line: readable Chinese summary, JSON, exit codes, clear messages for bad input."""

from __future__ import annotations

import json

from click.testing import CliRunner

from gongkai.cli import main

GOOD = """某某县档案馆2024年政府信息公开工作年度报告
一、总体情况
本年度新收政府信息公开申请0件。
二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 0 0 0
行政规范性文件 0 0 2
第二十条第（五）项
信息内容 本年处理决定数量
行政许可 0
第二十条第（六）项
信息内容 本年处理决定数量
行政处罚 0
行政强制 0
第二十条第（八）项
信息内容 本年收费金额（单位：万元）
行政事业性收费 0
"""


def test_unreadable_and_binary_files_get_a_message_and_exit_2(tmp_path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7 binary")
    result = CliRunner().invoke(main, ["check", str(pdf), str(tmp_path / "missing.txt")])
    assert result.exit_code == 2
    assert "E-CORRUPT" in result.output and "E-READ" in result.output
    assert "Traceback" not in result.output


def test_not_an_annual_report(tmp_path):
    p = tmp_path / "note.txt"
    p.write_text("会议通知：请于周五下午参加学习。", "utf-8")
    result = CliRunner().invoke(main, ["check", str(p)])
    assert result.exit_code == 2
    assert "E-NOT-REPORT" in result.output


def test_parse_json_prints_cells_with_raw_meaning_position(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text(GOOD, "utf-8")
    result = CliRunner().invoke(main, ["parse", str(p), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    cell = data["cells"]["proactive.normative_documents.in_force"]
    assert cell["raw"] == "2" and cell["value"] == 2 and cell["meaning"] == "number"
    assert cell["position"]["line"] == 8


def test_check_gb18030_file_and_report_errors_with_exit_1(tmp_path):
    p = tmp_path / "r.txt"
    p.write_bytes(GOOD.encode("gb18030"))
    result = CliRunner().invoke(main, ["check", str(p)])
    assert "某某县档案馆" in result.output and "2024" in result.output
    # sections 三–六 and two tables are missing: errors, so exit 1
    assert result.exit_code == 1
    assert "错误" in result.output
