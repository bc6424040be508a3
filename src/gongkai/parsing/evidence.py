"""Whether a parsed document is positively an annual report (the one rule used by check, parse and ingest).

A file is accepted only on evidence from the format itself: a statutory section heading printed as a heading,
or rows of the standard tables recognised by their labels. A table merely detected with no row recognised is
not evidence: data files (TSV, CSV, JSON, gongkai's own exports) repeat the labels' words inside data rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.model import Report

NOT_REPORT_MESSAGE = (
    "未找到年度报告的章节标题（一、总体情况……）或带标准行名的统计表格，"
    "这似乎不是政府信息公开工作年度报告（例如数据表、索引或导出文件）"
)


@dataclass(frozen=True, slots=True)
class ReportEvidence:
    sections: int  # distinct standard sections whose heading was found
    table_rows: int  # rows of the standard tables recognised by their labels
    cells: int  # cells placed

    @property
    def is_report(self) -> bool:
        # Two headings, a heading with a labelled row, or a table excerpt with several labelled rows. One
        # labelled row alone is not enough: an index file's free-text notes mention rows by name.
        return (
            self.sections >= 2
            or (self.sections >= 1 and self.table_rows >= 1)
            or (self.table_rows >= 3 and self.cells >= 1)
        )


def report_evidence(report: Report) -> ReportEvidence:
    return ReportEvidence(
        sections=len({s.canonical for s in report.sections}),
        table_rows=sum(len(t.rows_seen) for t in report.tables.values()),
        cells=len(report.cells),
    )
