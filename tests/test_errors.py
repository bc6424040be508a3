"""Every GongkaiError subclass is defined in gongkai.errors, has its own code, and is named in the module's tree."""

from __future__ import annotations

import importlib
import pkgutil
import re

import gongkai
from gongkai import errors
from gongkai.errors import GongkaiError

# modules that need an optional extra or run on import; none of them defines an error class
_SKIPPED = (".store.migrations",)


def _all_subclasses() -> list[type[GongkaiError]]:
    for info in pkgutil.walk_packages(gongkai.__path__, "gongkai."):
        if any(part in info.name for part in _SKIPPED):
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # an optional extra that is not installed: it cannot define anything we see
            continue
    found, todo = [], [GongkaiError]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("gongkai."):
                found.append(sub)
            todo.append(sub)
    return found


def test_every_error_class_lives_in_errors_with_a_unique_code() -> None:
    classes = _all_subclasses()
    assert len(classes) > 20  # the walk imported the packages that define errors
    misplaced = [f"{c.__module__}.{c.__qualname__}" for c in classes if c.__module__ != "gongkai.errors"]
    assert misplaced == []
    codes = [c.code for c in classes]
    assert all(isinstance(code, str) and re.fullmatch(r"E-[A-Z0-9-]+", code) for code in codes), codes
    assert all(c.code != GongkaiError.code for c in classes)
    assert len(set(codes)) == len(codes), sorted(codes)


def test_the_docstring_tree_names_every_error_with_its_code_and_parent() -> None:
    doc = errors.__doc__ or ""
    rows = {}
    for line in doc.splitlines():
        m = re.match(r"^(\s*(?:[│ ]   )*(?:[├└]── )?)(\w+)\s+(E-[A-Z0-9-]+)\b", line)
        if m:
            rows[m.group(2)] = (len(m.group(1)), m.group(3))
    classes = [GongkaiError, *_all_subclasses()]
    assert set(rows) == {c.__name__ for c in classes}
    for c in classes:
        depth, code = rows[c.__name__]
        assert code == c.code, c.__name__
        if c is not GongkaiError:  # a subclass sits one level (4 columns) deeper than its parent
            assert depth == rows[c.__mro__[1].__name__][0] + 4, c.__name__
