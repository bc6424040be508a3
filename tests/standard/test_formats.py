"""The formats as data: lookups the parser, renderers and forms share."""

from gongkai.standard import get_format


def test_group_chain_runs_from_the_outermost_group():
    fmt = get_format("2021")
    row = fmt.request_row("withheld.state_secret")
    assert [g.label for g in fmt.group_chain(row.group)][-1].endswith("不予公开")
    chain = fmt.group_chain(row.group)
    assert chain[0].parent is None and all(b.parent == a.id for a, b in zip(chain, chain[1:]))
    assert fmt.group_chain(None) == []
