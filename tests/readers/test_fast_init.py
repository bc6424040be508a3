"""Source and Word have a hand-written __init__ (speed, see their comments): it must keep the dataclass
contract — every field set, in field order, defaults as declared, still frozen."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from gongkai.document import Source
from gongkai.readers.geometry import Word


@pytest.mark.parametrize("cls", [Source, Word])
def test_init_takes_every_field_in_order_with_its_default(cls):
    fields = dataclasses.fields(cls)
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    assert [p.name for p in params] == [f.name for f in fields]
    for p, f in zip(params, fields):
        assert p.default == (f.default if f.default is not dataclasses.MISSING else inspect.Parameter.empty)


def test_source_fields_set_and_frozen():
    s = Source(3, (1.0, 2.0, 3.0, 4.0), "/html/body", 0.5)
    assert (s.page, s.bbox, s.dom_path, s.confidence) == (3, (1.0, 2.0, 3.0, 4.0), "/html/body", 0.5)
    assert s == Source(page=3, bbox=(1.0, 2.0, 3.0, 4.0), dom_path="/html/body", confidence=0.5)
    assert hash(s) == hash(Source(3, (1.0, 2.0, 3.0, 4.0), "/html/body", 0.5))
    assert Source() == Source(None, None, None, None) != s
    assert dataclasses.replace(s, page=4).page == 4
    assert pickle.loads(pickle.dumps(s)) == s
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.page = 1  # type: ignore[misc]


def test_word_fields_set_and_frozen():
    w = Word("12", (1.0, 2.0, 3.0, 4.0), 2)
    assert (w.text, w.bbox, w.page, w.confidence) == ("12", (1.0, 2.0, 3.0, 4.0), 2, None)
    assert w == Word(text="12", bbox=(1.0, 2.0, 3.0, 4.0), page=2, confidence=None) != Word("12", w.bbox, 3)
    assert dataclasses.replace(w, confidence=0.9).confidence == 0.9
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.text = "x"  # type: ignore[misc]
