"""Tasks for the cluster tests: module-level, so that Dask's workers import them by name.

Kept apart from the test module so that a worker importing them does not import the tests.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import List, Tuple

from sfcompile.analysis.stats import Plan, Totals, chunk_totals
from sfcompile.engine.sfvalues import Geometry


def numbers_slow_first(delay: float, chunk: List[Geometry]) -> Tuple[List[int], float]:
    """The structures of a chunk and when it finished; the first chunk takes ``delay`` longer,
    so that later chunks finish before it."""
    if chunk[0].number == 0:
        time.sleep(delay)
    return [g.number for g in chunk], time.monotonic()


def numbers_slowly(delay: float, chunk: List[Geometry]) -> List[int]:
    """The structures of a chunk, after ``delay`` seconds."""
    time.sleep(delay)
    return [g.number for g in chunk]


def totals_killing_once(context: Tuple[Plan, str, int], chunk: List[Geometry]) -> Totals:
    """``chunk_totals``, except that the worker that first gets the chunk starting at structure
    ``victim`` dies on the spot (no clean-up, as if killed), leaving the flag file behind."""
    plan, flag, victim = context
    if chunk[0].number == victim and not Path(flag).exists():
        Path(flag).write_text(str(os.getpid()))
        os._exit(1)
    return chunk_totals(plan, chunk)


def totals_killing_always(context: Tuple[Plan, int], chunk: List[Geometry]) -> Totals:
    """``chunk_totals``, except that every worker given the chunk at ``victim`` dies."""
    plan, victim = context
    if chunk[0].number == victim:
        os._exit(1)
    return chunk_totals(plan, chunk)
