"""Shared test helpers: locations of the copied reference data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

import sfcompile

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "sfparamgen"
REPO = Path(__file__).resolve().parent.parent


def golden_cases() -> List[Dict[str, Any]]:
    cases: List[Dict[str, Any]] = json.loads((GOLDEN / "cases.json").read_text())["cases"]
    return cases


# A small valid spec: 2 elements x 2 neighbours x 3 pairs = 12 lines. Tests change one thing.
VALID = """\
elements = ["H", "O"]
cutoff = 6.0

[[sets]]
type = "radial"
rule = "gastegger2018"
mode = "center"
nb_param_pairs = 3
r_lower = 1.5
"""


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty directory (diagnostics then name plain file names), without debug mode."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SFCOMPILE_DEBUG", raising=False)


def compile_unlinted(text_or_path: Any, **options: Any) -> str:
    """compile_spec without the lint: for tests of generation and layout (and of the earlier
    generator's bytes, duplicates included). The lint has its own tests (test_lint.py)."""
    return sfcompile.compile_spec(text_or_path, run_lint=False, **options)
