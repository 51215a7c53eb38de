"""Neighbour lists (periodic or not) and the pair and triplet index tables of the SF engine.

The neighbour search itself is ``vesin``'s (any triclinic cell, cutoffs larger than half the
cell, atoms outside the cell, molecules without a cell). Like n2p2's, the list is a full list
(every pair in both directions) and includes an atom's own periodic images when the cutoff
exceeds a cell vector (never the atom itself). The distance vectors and distances are computed
here, rounded the way n2p2 rounds them: periodic structures are first wrapped into the cell, the
cell vectors are added one after the other, and |r| = sqrt(fma(z, z, fma(x, x, y²))) as in
n2p2's usual FMA build. So distances agree with n2p2's to the last bit for molecules and
orthogonal cells, which matters where cancellation amplifies it (polynomial cutoffs).
"""

from __future__ import annotations

from typing import Iterator, List, NamedTuple, Optional, Tuple

import numpy as np
import numpy.typing as npt
import vesin

from .cutoff_functions import FloatArray, fma
from .limits import MAX_PAIRS
from .search import StructureRefused, check_budget, molecule_pairs


class CoincidentAtoms(StructureRefused):
    """Two atoms of a structure at (nearly) the same position."""


IntArray = npt.NDArray[np.int64]


class NeighbourList(NamedTuple):
    """All pairs closer than the cutoff, sorted by (i, j, distance), both directions."""

    i: IntArray  # central atom
    j: IntArray  # neighbour atom
    vectors: FloatArray  # (m, 3): position of (the periodic image of) j minus position of i
    distances: FloatArray  # (m,)


def _vesin_pairs(
    points: FloatArray, box: FloatArray, periodic: bool, cutoff: float
) -> Tuple[IntArray, IntArray, IntArray]:
    """Typed wrapper around vesin (no type hints): i, j and the cell shifts of j's image."""
    calculator = vesin.NeighborList(cutoff=cutoff, full_list=True)
    i, j, shifts = calculator.compute(points=points, box=box, periodic=periodic, quantities="ijS")
    as_int = np.asarray
    return (
        as_int(i, dtype=np.int64),
        as_int(j, dtype=np.int64),
        as_int(shifts, dtype=np.int64).reshape(-1, 3),
    )


def norm(x: FloatArray, y: FloatArray, z: FloatArray, fused: bool = True) -> FloatArray:
    """|(x, y, z)| elementwise; ``fused``: rounded as n2p2's FMA build rounds it (slower)."""
    if fused:
        return np.sqrt(fma(z, z, fma(x, x, y * y)))
    return np.sqrt(x * x + y * y + z * z)


def inverse_cell(lattice: FloatArray) -> FloatArray:
    """The inverse of the cell matrix (rows: cell vectors): cofactors over the determinant
    (rule of Sarrus). ``lattice[r, c]`` may also be an array (over structures: batch.py)."""
    b = lattice
    det = (
        b[0, 0] * b[1, 1] * b[2, 2] + b[1, 0] * b[2, 1] * b[0, 2] + b[2, 0] * b[0, 1] * b[1, 2]
        - b[2, 0] * b[1, 1] * b[0, 2] - b[0, 0] * b[2, 1] * b[1, 2] - b[1, 0] * b[0, 1] * b[2, 2]
    )  # fmt: skip
    cofactors = np.array(
        [
            [b[1, 1] * b[2, 2] - b[2, 1] * b[1, 2], b[2, 1] * b[0, 2] - b[0, 1] * b[2, 2],
             b[0, 1] * b[1, 2] - b[1, 1] * b[0, 2]],
            [b[2, 0] * b[1, 2] - b[1, 0] * b[2, 2], b[0, 0] * b[2, 2] - b[2, 0] * b[0, 2],
             b[1, 0] * b[0, 2] - b[0, 0] * b[1, 2]],
            [b[1, 0] * b[2, 1] - b[2, 0] * b[1, 1], b[2, 0] * b[0, 1] - b[0, 0] * b[2, 1],
             b[0, 0] * b[1, 1] - b[1, 0] * b[0, 1]],
        ]
    )  # fmt: skip
    return np.asarray(cofactors * (1.0 / det))


def _combine(weights: FloatArray, rows: FloatArray) -> FloatArray:
    """Σ_k weights[:, k]·rows[k], summed left to right (no BLAS: a fixed rounding)."""
    return np.asarray(
        weights[:, 0:1] * rows[0] + weights[:, 1:2] * rows[1] + weights[:, 2:3] * rows[2]
    )


def wrap_into_cell(positions: FloatArray, lattice: FloatArray) -> FloatArray:
    """Every atom mapped into the cell (fractional coordinates in [0, 1)), as n2p2 maps them."""
    fractional = _combine(positions, inverse_cell(lattice))
    fractional = fractional - np.floor(fractional)
    fractional[fractional == 1.0] = 0.0
    return _combine(fractional, lattice)


def neighbour_list(
    positions: npt.ArrayLike,
    lattice: Optional[npt.ArrayLike],
    cutoff: float,
    max_pairs: Optional[int] = MAX_PAIRS,
) -> NeighbourList:
    """Every pair (i, j) with |r_ij| < ``cutoff``. ``lattice``: cell vectors as rows (3, 3), or
    None for a molecule (no periodic boundary conditions). ``max_pairs``: refuse
    (:class:`~.search.NeighbourBudgetExceeded`) a structure estimated to have more pairs (None:
    no limit)."""
    if not cutoff > 0.0:
        raise ValueError(f"cutoff must be positive, not {cutoff!r}")
    points = np.ascontiguousarray(positions, dtype=np.float64).reshape(-1, 3)
    if len(points) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return NeighbourList(empty, empty, np.zeros((0, 3)), np.zeros(0))
    box = np.zeros((3, 3)) if lattice is None else np.asarray(lattice, dtype=np.float64)
    box = box.reshape(3, 3)
    if max_pairs is not None:
        check_budget(points, None if lattice is None else box, float(cutoff), max_pairs)
    if lattice is not None:
        points = wrap_into_cell(points, box)
        i, j, shifts = _vesin_pairs(points, box, True, float(cutoff))
    else:

        def search(part: FloatArray) -> Tuple[IntArray, IntArray]:
            found = _vesin_pairs(part, np.zeros((3, 3)), False, float(cutoff))
            return found[0], found[1]

        i, j = molecule_pairs(points, float(cutoff), search)
        shifts = np.zeros((len(i), 3), dtype=np.int64)
    vectors = points[j] - points[i]
    if lattice is not None:
        for k in range(3):  # one cell vector after the other
            vectors = vectors + shifts[:, k : k + 1] * box[k]
    distances = norm(vectors[:, 0], vectors[:, 1], vectors[:, 2])
    order = np.lexsort((distances, j, i))
    keep = order[distances[order] < cutoff]
    refuse_coincident(i[keep], j[keep], distances[keep])
    return NeighbourList(i[keep], j[keep], vectors[keep], distances[keep])


#: Two atoms closer than this (in any length unit) are taken for one atom written twice: every
#: SF with a 1/r or an angle would be infinite or NaN there (n2p2 computes such values silently).
COINCIDENT = 1e-6


def refuse_coincident(i: IntArray, j: IntArray, distances: FloatArray) -> None:
    close = np.flatnonzero(distances < COINCIDENT)
    if len(close):
        k = int(close[0])
        a, b = sorted((int(i[k]), int(j[k])))
        what = f"atoms {a} and {b}" if a != b else f"atom {a} and its own periodic image"
        raise CoincidentAtoms(
            f"{what} (0-based) are {float(distances[k]):.3g} apart: the same position (an atom "
            "written twice?); their SF values would be infinite or NaN"
        )


class PairTable(NamedTuple):
    """The pairs with r < cutoff, grouped by (central atom, species of the neighbour): the
    pairs of atom a with neighbours of species s are ``first[a, s]`` ... + ``number[a, s]``."""

    centre: IntArray
    neighbour: IntArray
    vectors: FloatArray  # (3, m): the x, y and z components, each contiguous
    distances: FloatArray
    first: IntArray  # (n_atoms, n_species)
    number: IntArray  # (n_atoms, n_species)


def pair_table(
    neighbours: NeighbourList, species: IntArray, n_species: int, cutoff: float
) -> PairTable:
    """Group the pairs of ``neighbours`` closer than ``cutoff`` by (centre, species code of the
    neighbour); ``species``: the code (0 .. n_species-1) of every atom."""
    keep = np.flatnonzero(neighbours.distances < cutoff)
    key = neighbours.i[keep] * n_species + species[neighbours.j[keep]]
    order = keep[np.argsort(key, kind="stable")]
    number = np.bincount(key, minlength=len(species) * n_species).astype(np.int64)
    first = np.cumsum(number) - number
    return PairTable(
        neighbours.i[order],
        neighbours.j[order],
        np.ascontiguousarray(neighbours.vectors[order].T),
        neighbours.distances[order],
        first.reshape(len(species), n_species),
        number.reshape(len(species), n_species),
    )


def ranges(starts: IntArray, lengths: IntArray) -> IntArray:
    """The concatenation of ``arange(s, s + n)`` for every (s, n), without a Python loop."""
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)


def chunks(counts: IntArray, size: int) -> List[slice]:
    """Split items (``counts``: the terms of each) into consecutive runs of about ``size`` terms.

    Item ``t`` goes to run ``floor(s_t / size)``, where ``s_t`` is the number of terms before it:
    every item lands in exactly one run, runs are contiguous and never empty, and a run holds
    fewer than ``size`` + (its last item's terms) terms; an item larger than ``size`` closes the
    run it starts. (Taking the runs' ends from the item counts instead, as an earlier version
    did, dropped the trailing items whenever items averaged more than ``size`` terms.)
    """
    if size < 1:
        raise ValueError(f"chunk size must be >= 1, not {size}")
    if not len(counts):
        return []
    before = np.cumsum(counts) - counts
    run = before // size
    cuts = (np.flatnonzero(run[1:] != run[:-1]) + 1).tolist()
    bounds = [0, *cuts, len(counts)]
    return [slice(lo, hi) for lo, hi in zip(bounds, bounds[1:])]


class Block(NamedTuple):
    """Pairs (``second`` None) or triplets of some centres, grouped by centre."""

    first: IntArray  # pair index (into the PairTable) of j
    second: Optional[IntArray]  # pair index of k (triplets)
    centres: IntArray  # positions (in the centres given) of the centres, ascending, distinct
    counts: IntArray  # pairs or triplets of each of those centres in this block


class TripletRows(NamedTuple):
    """The triplets (i, j, k) of some centres, one row per (i, j): k runs over ``partners``
    consecutive pairs of the table from ``second``."""

    centre: IntArray  # position of i in the centres given
    first: IntArray  # pair index of j
    second: IntArray  # pair index of the first k
    partners: IntArray  # how many k


def triplet_rows(table: PairTable, centres: IntArray, a: int, b: int) -> TripletRows:
    """The neighbour pairs (j, k) of each atom of ``centres``, j of species ``a`` and k of
    species ``b``; for a == b every unordered pair once (k after j in the table)."""
    count_a, start_a = table.number[centres, a], table.first[centres, a]
    first = ranges(start_a, count_a)
    centre = np.repeat(np.arange(len(centres), dtype=np.int64), count_a)
    if a == b:
        partners = np.repeat(count_a - 1, count_a) - (first - np.repeat(start_a, count_a))
        second = first + 1
    else:
        partners = np.repeat(table.number[centres, b], count_a)
        second = np.repeat(table.first[centres, b], count_a)
    keep = partners > 0
    return TripletRows(centre[keep], first[keep], second[keep], partners[keep])


def triplet_blocks(rows: TripletRows, size: int) -> Iterator[Block]:
    """``rows`` in blocks of about ``size`` triplets. A block holds whole rows, so a centre
    with many triplets is spread over several blocks: memory stays bounded by ``size`` plus
    one row (at most the neighbours of one atom)."""
    for part in chunks(rows.partners, size):
        centre, partners = rows.centre[part], rows.partners[part]
        starts = np.flatnonzero(np.r_[True, centre[1:] != centre[:-1]])
        yield Block(
            np.repeat(rows.first[part], partners),
            ranges(rows.second[part], partners),
            centre[starts],
            np.add.reduceat(partners, starts),
        )
