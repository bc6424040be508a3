"""Label matching keys: what makes 「（一）予以公开」, "(一) 予以公开" and "(一)予以\n公开" the same label."""

from __future__ import annotations

import re

from gongkai.standard.labels import NUMERAL_CHARS
from functools import lru_cache
import unicodedata

_KEEP = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff]+")
_NUMBERING = re.compile(rf"^(?:[0-9]+|[{NUMERAL_CHARS}]+)")


@lru_cache(maxsize=16384)
def key(text: str) -> str:
    """Matching key: NFKC (fixes Kangxi radicals and full-width forms), then only CJK ideographs, digits and
    letters. Used for lookup only; the raw text is always kept."""
    return _KEEP.sub("", unicodedata.normalize("NFKC", text))


def strip_numbering(k: str) -> str:
    """Key without its leading ordinal ('1属于国家秘密' → '属于国家秘密')."""
    return _NUMBERING.sub("", k, count=1)
