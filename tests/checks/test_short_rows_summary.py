"""A copy that dropped every blank cell leaves most rows short: one finding per table, not one per row."""

from gongkai.document import Document
from gongkai.pipeline import check_document
from gongkai.standard import get_format


def test_many_short_rows_become_one_finding():
    fmt = get_format("2021")
    lines = ["一、总体情况", "本年度未收到申请。", "三、收到和处理政府信息公开申请情况", fmt.request_note]
    for row in fmt.request_rows:
        lines += [row.label, "0"]  # one value survives per row, the six blanks were dropped
    lines += ["五、存在的主要问题及改进情况", "无。"]
    report = check_document(Document.from_text("\n".join(lines) + "\n"))
    short = [f for f in report.findings if f.code == "ROW-SHORT"]
    assert len(short) == 1
    assert len(short[0].cell_ids) == len(fmt.request_rows) * 7
    assert "25行" in short[0].message
