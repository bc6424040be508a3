"""The organization registry: which bodies exist (names, aliases, former names, hierarchy) and matching the
body printed in a report to it. Pure code; the database side is :mod:`gongkai.store.orgs`."""

from gongkai.orgs.match import Match, OrgIndex, derive_parent, normalize
from gongkai.orgs.registry import (
    KINDS,
    LEVELS,
    RegistryEntry,
    guess_kind,
    load_registry,
)

__all__ = [
    "KINDS",
    "LEVELS",
    "Match",
    "OrgIndex",
    "RegistryEntry",
    "derive_parent",
    "guess_kind",
    "load_registry",
    "normalize",
]
