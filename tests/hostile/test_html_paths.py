"""The HTML reader's cached DOM paths are exactly libxml2's getpath, including on mutated pages."""

from __future__ import annotations

import random

import lxml.html
import pytest

from gongkai.examples.generate import random_spec
from gongkai.readers.html import _Walker
from gongkai.render.html import render_html


class _Page:
    def __init__(self, root):
        self.root = root


def _pages():
    for seed in range(3):
        yield render_html(random_spec(random.Random(seed)), random.Random(seed))
    # siblings of the same tag around comments, processing instructions, Word's o:p and unknown tags
    yield (
        "<html><body><!--a--><p>1</p><!--b--><p>2</p><o:p>x</o:p><o:p>y</o:p><div><p>3</p></div>"
        "<?php x ?><table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table><x-y>z</x-y></body></html>"
    ).encode()


@pytest.mark.parametrize("data", list(_pages()))
def test_cached_paths_equal_getpath(data):
    root = lxml.html.fromstring(data)
    walker = _Walker(_Page(root), "<memory>")
    tree = root.getroottree()
    elements = list(root.iter())
    random.Random(0).shuffle(elements)  # any order of first use gives the same paths
    for el in elements:
        assert walker.path(el) == tree.getpath(el)
