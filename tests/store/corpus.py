"""Generated report files for the store tests (written by our own generator and renderer)."""

from __future__ import annotations

import random
from pathlib import Path

from gongkai.examples.generate import random_spec
from gongkai.render.layouts import BLANK_CAPABLE, LAYOUTS, render_text


def write_reports(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """``n`` random valid reports in every text layout (10% in the 2019 format), one file each."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        layout = LAYOUTS[i % len(LAYOUTS)]
        spec = random_spec(rng, "2019" if i % 10 == 9 else "2021", allow_blank=layout in BLANK_CAPABLE)
        p = folder / f"r{i:05d}.txt"
        p.write_text(render_text(spec, layout, rng), encoding="utf-8")
        paths.append(p)
    return paths
