"""Typed calls into the compiled kernel (``_native``, built from csrc/: kernel.c, neighbours.c,
module.c).

The kernel takes C-contiguous float64 and int64 arrays; this module makes them so and says what
each holds. Nothing here loops over atoms.
"""

from __future__ import annotations

from typing import NamedTuple, Optional, Tuple

import numpy as np
import numpy.typing as npt

try:
    from . import _native
except ImportError as exc:  # a source tree that was never built (e.g. tests run from a clone)
    raise ImportError(
        "sfcompile's compiled SF kernel (sfcompile.engine._native) is not built: install the "
        'package with pip ("pip install ." or, to work on it, "pip install -e .[test]"), which '
        "compiles it"
    ) from exc
from .program import Program

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def ints(values: npt.ArrayLike) -> IntArray:
    return np.ascontiguousarray(values, dtype=np.int64)


def floats(values: npt.ArrayLike) -> FloatArray:
    return np.ascontiguousarray(values, dtype=np.float64)


class Pairs(NamedTuple):
    """Neighbour pairs sorted by central atom: those of atom a are ``start[a]:start[a + 1]``."""

    i: IntArray
    j: IntArray
    vectors: FloatArray  # (m, 3): r_j - r_i of the periodic image of j
    distances: FloatArray
    start: IntArray  # (atoms + 1,)


class Chain(NamedTuple):
    """What the derivative pass adds up: for every centre i, SF k of element e and power p,
    p·g^(p-1)·scale_k · dG_ik/dr_a  (g = (G_ik - shift_k)·scale_k) into row ``atom_row[a]``,
    component x, column ``column[e] + k·powers + p - 1`` of ``rows`` (rows, 3, columns).
    ``shift`` and ``scale`` hold the SFs of every element, those of element e from
    ``offset[e]``."""

    rows: FloatArray
    atom_row: IntArray
    powers: int
    column: IntArray
    offset: IntArray
    shift: FloatArray
    scale: FloatArray


def run_kernel(
    program: Program,
    species: IntArray,
    z: FloatArray,
    pairs: Pairs,
    centres: IntArray,
    centre_program: IntArray,
    centre_row: IntArray,
    values: FloatArray,
    chain: Optional[Chain] = None,
) -> Tuple[int, int]:
    """The SF values of the atoms ``centres`` (element ``centre_program``, per the program)
    into ``values`` from offset ``centre_row`` on (one value per SF of the element); with
    ``chain``, their derivatives summed into ``chain.rows``. Returns the pairs and triplets the
    kernel visited."""
    neighbours = (ints(species), floats(z), ints(pairs.start), ints(pairs.j),
                  floats(pairs.vectors), floats(pairs.distances))  # fmt: skip
    if chain is None:
        derivatives: Tuple[object, ...] = (1, 0, None, None, None, None, None, None)
    else:
        derivatives = (chain.powers, chain.rows.shape[2], chain.rows, ints(chain.atom_row),
                       ints(chain.column), ints(chain.offset), floats(chain.shift),
                       floats(chain.scale))  # fmt: skip
    output = (ints(centres), ints(centre_program), ints(centre_row), values, *derivatives)
    pairs_seen, triplets_seen = _native.evaluate(program.arrays, neighbours, output)
    return int(pairs_seen), int(triplets_seen)


class SmallPairs(NamedTuple):
    i: IntArray
    j: IntArray
    shifts: IntArray  # (m, 3)
    vectors: FloatArray
    distances: FloatArray


def small_pairs(
    positions: FloatArray, offsets: IntArray, cells: FloatArray, periodic: IntArray, cutoff: float
) -> SmallPairs:
    """Every pair closer than ``cutoff`` in each structure [offsets[s], offsets[s + 1]) of
    ``positions`` (periodic ones: wrapped into their cell ``cells[s]``, rows = cell vectors), by
    brute force; sorted by central atom, then neighbour."""
    found = _native.small_pairs(floats(positions), ints(offsets), floats(cells), ints(periodic),
                                float(cutoff))  # fmt: skip
    i, j, shifts, vectors, distances = found
    return SmallPairs(
        np.frombuffer(i, dtype=np.int64),
        np.frombuffer(j, dtype=np.int64),
        np.frombuffer(shifts, dtype=np.int64).reshape(-1, 3),
        np.frombuffer(vectors, dtype=np.float64).reshape(-1, 3),
        np.frombuffer(distances, dtype=np.float64),
    )
