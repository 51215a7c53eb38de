"""Shared test helpers: locations of the copied reference data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "sfparamgen"
REPO = Path(__file__).resolve().parent.parent


def golden_cases() -> List[Dict[str, Any]]:
    cases: List[Dict[str, Any]] = json.loads((GOLDEN / "cases.json").read_text())["cases"]
    return cases


@pytest.fixture
def repo_root() -> Path:
    return REPO
