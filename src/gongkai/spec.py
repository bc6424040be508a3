"""What a report says, as the producing side holds it: :class:`ReportSpec` is everything a renderer needs to print a
complete annual report (who, which year, a value for every cell id of the format). Forms (YAML/JSON/XLSX), the
renderers, ``gongkai template``/``tally``/``render`` and the generator of examples all speak it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from gongkai.standard import Format, get_format
from gongkai.standard.layout import request_layout

Value = int | float | None | str
NOT_APPLICABLE = "n/a"


@dataclass
class ReportSpec:
    """Everything needed to render one report. ``values`` has a value for every cell id of the format.

    Values: ``int`` counts, ``float`` amounts (at most 4 decimals), ``None`` for a cell printed blank and
    ``"n/a"`` for a cell printed "/". Blank and "/" cells count as 0 in the identities.
    """

    format_id: str
    year: int
    organization: str
    body_kind: str  # department | street | town | government
    is_rollup: bool
    published: date | None
    values: dict[str, Value]
    region: str = ""  # the place the body belongs to, e.g. 青禾市桐溪区 (used in prose and page footers)
    fee_statement: bool = True  # section 六 states the 信息处理费
    fee_notices: int = 0  # 收费通知 sent (section 六)
    fee_collected: float = 0.0  # 信息处理费 actually collected, in 元 (section 六)
    state_figures: bool = True  # section 一 states the request figures in prose
    narrative_overrides: dict[str, int] = field(default_factory=dict)  # term -> figure stated instead
    # paragraphs written by the author, by section key ("preamble", "1" … "6"); rendered instead of generated prose
    texts: dict[str, list[str]] = field(default_factory=dict)

    @property
    def format(self) -> Format:
        return get_format(self.format_id)

    def number(self, cell_id: str) -> int | float:
        """The cell as a number: blank and "/" count as 0."""
        v = self.values[cell_id]
        return v if isinstance(v, (int, float)) else 0

    def figure(self, term: str) -> int:
        """A figure as stated in the prose: the table value unless ``narrative_overrides`` says otherwise."""
        if term in self.narrative_overrides:
            return self.narrative_overrides[term]
        return table_figure(self, term)

    @property
    def has_blanks(self) -> bool:
        return any(v is None for v in self.values.values())


def request_cell(row: str, col: str) -> str:
    return f"requests.{row}.{col}"


def table_figure(spec: ReportSpec, term: str) -> int:
    """A narrative figure computed from the table (blank/"/" = 0).

    Terms: received, carried_over, closed, carried_forward, granted (予以公开+部分公开), review (行政复议总计),
    litigation (both 行政诉讼 totals).
    """
    fmt = spec.format
    lay = request_layout(fmt)
    rows = {
        "received": lay.received,
        "carried_over": lay.carried_over,
        "closed": lay.results_total,
        "carried_forward": lay.carried_forward,
    }
    if term in rows:
        return int(sum(spec.number(request_cell(rows[term], c)) for c in lay.applicant_columns))
    if term == "granted":
        return int(sum(spec.number(request_cell(r, c)) for r in lay.result_rows[:2] for c in lay.applicant_columns))
    groups = [i for i in fmt.identities if i.rule == "appeals.group_total"]
    if term == "review":
        return int(sum(spec.number(c) for c in groups[0].rhs))
    if term == "litigation":
        return int(sum(spec.number(c) for g in groups[1:] for c in g.rhs))
    raise KeyError(term)
