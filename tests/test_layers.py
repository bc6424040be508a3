"""The layer contract (pyproject.toml [tool.importlinter]) holds, and it would catch an upward import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed (lint extra)")


def _lint(src: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_contract_kept() -> None:
    result = _lint(REPO / "src")
    assert result.returncode == 0, result.stdout + result.stderr


def test_planted_upward_import_breaks_it(tmp_path: Path) -> None:
    shutil.copytree(
        REPO / "src" / "gongkai", tmp_path / "gongkai", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    (tmp_path / "gongkai" / "readers" / "planted.py").write_text("from gongkai.store import db  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "gongkai.readers.planted -> gongkai.store" in result.stdout
