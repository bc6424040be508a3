"""Fill-in forms for producing a report: the data an agency enters (or tallies), before it is rendered."""

from gongkai.forms.model import SECTION_KEYS, ReportForm, load_form, dump_form

__all__ = ["ReportForm", "SECTION_KEYS", "load_form", "dump_form"]
