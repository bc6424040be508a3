"""The standard formats (2021 and 2019 试行) as data."""

from gongkai.standard.formats import (
    FORMAT_IDS,
    CellSpec,
    Format,
    Group,
    Identity,
    Row,
    Section,
    find_cell,
    get_format,
)

__all__ = ["FORMAT_IDS", "CellSpec", "Format", "Group", "Identity", "Row", "Section", "find_cell", "get_format"]
