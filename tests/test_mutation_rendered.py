"""Mutation through the whole pipeline: render a valid report in every layout, change one cell, parse and
check it, and require an identity_violation that names that cell (hence its row and column).

Only cells that take part in an identity can be caught this way: the proactive table (section 二) has no
identities, so its cells are not mutated here.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.document import Document
from gongkai.examples.generate import random_spec
from gongkai.pipeline import check_document
from gongkai.render.layouts import LAYOUTS, render_text
from gongkai.standard import get_format


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    layout=st.sampled_from(LAYOUTS),
    format_id=st.sampled_from(["2021", "2019"]),
    delta=st.integers(1, 5),
    pick=st.integers(0, 10**6),
)
def test_changing_one_cell_yields_an_identity_violation_naming_it(seed, layout, format_id, delta, pick):
    fmt = get_format(format_id)
    checked = sorted({c for idn in fmt.identities for c in idn.cells})
    spec = random_spec(random.Random(seed), format_id, allow_blank=False)
    target = checked[pick % len(checked)]
    spec.values[target] = spec.values[target] + delta
    report = check_document(Document.from_text(render_text(spec, layout, random.Random(seed))))
    assert report.cells[target].value == spec.values[target]
    hits = [f for f in report.findings if f.category == "identity_violation" and f.assessable and target in f.cell_ids]
    assert hits, f"no identity_violation names {target} ({layout}, {format_id})"
