"""The numbers of an input.data file: their grammar, the lattice check, and the conversion of
many structures' numbers at once.

A data set of many small structures (molecules, one-atom cells) is read at tens of thousands of
structures a second, so the per-structure work matters: :func:`bulk_values` checks and converts
the numbers of a whole batch of structures in one pass, and :func:`atom_columns` gives the
batch's positions, charges and forces as three read-only arrays whose row ranges are the
structures' own (views, not copies). Where a batch has a bad number, the caller re-reads it
structure by structure, so that the error names the first culprit exactly as before.
"""

from __future__ import annotations

import math
import re
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_NUM = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
NUMBER = re.compile(_NUM)  # one number as input.data writes it (no inf, nan, hex, '_')
NUMBERS = re.compile(rf"{_NUM}(?: {_NUM})*")  # numbers joined by single spaces
ATOM_NUMBERS = 8  # x y z charge atomic_energy fx fy fz: the numbers of an `atom` line


def frozen(values: FloatArray) -> FloatArray:
    """A contiguous read-only copy (a Structure is immutable)."""
    result = np.array(values, dtype=np.float64, order="C")
    result.flags.writeable = False
    return result


def lattice_problem(lattice: Union[FloatArray, Sequence[float]]) -> Optional[str]:
    """Why three lattice vectors (3 × 3, or their 9 numbers row by row) do not span a cell,
    or None when they do. Plain Python arithmetic: it runs once per structure read."""
    a = [float(x) for x in np.asarray(lattice, dtype=np.float64).reshape(-1)] \
        if isinstance(lattice, np.ndarray) else [float(x) for x in lattice]  # fmt: skip
    if not all(map(math.isfinite, a)):
        return "lattice vectors must be finite numbers"
    det = (a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6])
           + a[2] * (a[3] * a[7] - a[4] * a[6]))  # fmt: skip
    lengths = [math.sqrt(a[k] ** 2 + a[k + 1] ** 2 + a[k + 2] ** 2) for k in (0, 3, 6)]
    volume = abs(det)
    if not volume > 1e-10 * lengths[0] * lengths[1] * lengths[2]:
        return f"degenerate lattice: the three vectors span zero volume (|det| = {volume:.3g})"
    return None


def bulk_values(tokens: List[str]) -> Optional[List[float]]:
    """Every token as a float (the same double as ``float(token)``), or None when one is not a
    finite number of input.data's grammar (the caller then finds which)."""
    if not NUMBERS.fullmatch(" ".join(tokens)):
        return None
    values = [float(token) for token in tokens]
    return values if all(map(math.isfinite, values)) else None


def atom_columns(
    values: List[float], starts: Sequence[int], counts: Sequence[int]
) -> Tuple[FloatArray, FloatArray, FloatArray]:
    """From ``values`` (each structure's atom lines' numbers, ``counts[s]`` lines of
    :data:`ATOM_NUMBERS` numbers from ``starts[s]`` on, among other numbers): the positions
    (N, 3), charges (N,) and forces (N, 3) of all N atoms, structure after structure, each a
    contiguous read-only array (slices of rows are then contiguous read-only views)."""
    flat = np.array(values, dtype=np.float64)
    n = np.asarray(counts, dtype=np.int64)
    first = np.repeat(np.asarray(starts, dtype=np.int64), n)
    within = np.arange(int(n.sum()), dtype=np.int64) - np.repeat(np.cumsum(n) - n, n)
    rows = flat[(first + ATOM_NUMBERS * within)[:, None] + np.arange(ATOM_NUMBERS)]
    positions = np.ascontiguousarray(rows[:, 0:3])
    charges = np.ascontiguousarray(rows[:, 3])
    forces = np.ascontiguousarray(rows[:, 5:8])
    for array in (positions, charges, forces):
        array.flags.writeable = False
    return positions, charges, forces
