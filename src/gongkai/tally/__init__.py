"""Tables 三 and 四 counted from an office's registers of applications and of 复议/诉讼 cases."""

from gongkai.tally.appeals import classify_case, tally_appeals
from gongkai.tally.mapping import (
    APPEAL_FIELDS,
    APPEAL_REQUIRED,
    REQUEST_FIELDS,
    REQUEST_REQUIRED,
)
from gongkai.tally.register import (
    Register,
    RegisterRow,
    parse_date,
    parse_map,
    read_register,
)
from gongkai.tally.requests import (
    classify_applicant,
    classify_application,
    classify_result,
    tally_requests,
)
from gongkai.tally.result import LeftOut, TallyResult

__all__ = [
    "APPEAL_FIELDS",
    "APPEAL_REQUIRED",
    "REQUEST_FIELDS",
    "REQUEST_REQUIRED",
    "LeftOut",
    "Register",
    "RegisterRow",
    "TallyResult",
    "classify_applicant",
    "classify_application",
    "classify_case",
    "classify_result",
    "parse_date",
    "parse_map",
    "read_appeals",
    "read_applications",
    "read_register",
    "tally_appeals",
    "tally_requests",
]


def read_applications(path, *, sheet=None, mapping=()) -> Register:
    """A register of applications (CSV/XLSX); ``mapping``: ``--map`` items such as "收件日=收到日期"."""
    return read_register(
        path, REQUEST_FIELDS, REQUEST_REQUIRED, sheet=sheet, overrides=parse_map(mapping, REQUEST_FIELDS)
    )


def read_appeals(path, *, sheet=None, mapping=()) -> Register:
    """A register of 行政复议/行政诉讼 cases (CSV/XLSX)."""
    return read_register(path, APPEAL_FIELDS, APPEAL_REQUIRED, sheet=sheet, overrides=parse_map(mapping, APPEAL_FIELDS))
