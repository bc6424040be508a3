"""The whole job for one document: parse, infer, check."""

from __future__ import annotations

from pathlib import Path

from gongkai.checks import infer_report, run_checks
from gongkai.document import Document
from gongkai.errors import NotAnAnnualReport
from gongkai.model import Report
from gongkai.parsing import parse_document
from gongkai.parsing.evidence import NOT_REPORT_MESSAGE, report_evidence
from gongkai.readers import read_path
from gongkai.readers.limits import DEFAULT_LIMITS, Limits


def check_document(doc: Document, *, require_report: bool = True) -> Report:
    report = parse_document(doc)
    if require_report and not report_evidence(report).is_report:
        raise NotAnAnnualReport(NOT_REPORT_MESSAGE, source=doc.source)
    report.inferred = infer_report(report)
    if report.reading is not None:
        report.reading.inferred = len(report.inferred)
    report.findings = run_checks(report, report.inferred)
    return report


def check_path(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Report:
    return check_document(read_path(path, limits))
