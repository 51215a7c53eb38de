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

from typing import List, NamedTuple, Optional, Tuple

import numpy as np
import numpy.typing as npt
import vesin

from .cutoff_functions import FloatArray, fma

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
    (rule of Sarrus)."""
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
    positions: npt.ArrayLike, lattice: Optional[npt.ArrayLike], cutoff: float
) -> NeighbourList:
    """Every pair (i, j) with |r_ij| < ``cutoff``. ``lattice``: cell vectors as rows (3, 3), or
    None for a molecule (no periodic boundary conditions)."""
    if not cutoff > 0.0:
        raise ValueError(f"cutoff must be positive, not {cutoff!r}")
    points = np.ascontiguousarray(positions, dtype=np.float64).reshape(-1, 3)
    if len(points) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return NeighbourList(empty, empty, np.zeros((0, 3)), np.zeros(0))
    box = np.zeros((3, 3)) if lattice is None else np.asarray(lattice, dtype=np.float64)
    box = box.reshape(3, 3)
    if lattice is not None:
        points = wrap_into_cell(points, box)
    i, j, shifts = _vesin_pairs(points, box, lattice is not None, float(cutoff))
    vectors = points[j] - points[i]
    if lattice is not None:
        for k in range(3):  # one cell vector after the other
            vectors = vectors + shifts[:, k : k + 1] * box[k]
    distances = norm(vectors[:, 0], vectors[:, 1], vectors[:, 2])
    order = np.lexsort((distances, j, i))
    keep = order[distances[order] < cutoff]
    return NeighbourList(i[keep], j[keep], vectors[keep], distances[keep])


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


class Block(NamedTuple):
    """Pairs (``second`` None) or triplets of some centres, grouped by centre."""

    first: IntArray  # pair index (into the PairTable) of j
    second: Optional[IntArray]  # pair index of k (triplets)
    counts: IntArray  # pairs or triplets per centre (in the order of the centres given)


def pair_block(table: PairTable, centres: IntArray, s: int) -> Block:
    """The pairs of each atom of ``centres`` with neighbours of species ``s``."""
    counts = table.number[centres, s]
    return Block(ranges(table.first[centres, s], counts), None, counts)


def triplet_counts(table: PairTable, centres: IntArray, a: int, b: int) -> IntArray:
    """How many triplets ``triplet_block`` gives each centre."""
    count_a = table.number[centres, a]
    if a == b:
        return np.asarray(count_a * (count_a - 1) // 2)
    return np.asarray(count_a * table.number[centres, b])


def triplet_block(table: PairTable, centres: IntArray, a: int, b: int) -> Block:
    """The neighbour pairs (j, k) of each atom of ``centres``, j of species ``a`` and k of
    species ``b``; for a == b every unordered pair once (j before k in the table)."""
    count_a, start_a = table.number[centres, a], table.first[centres, a]
    first_pairs = ranges(start_a, count_a)
    if a == b:
        partners = np.repeat(count_a - 1, count_a) - (first_pairs - np.repeat(start_a, count_a))
        second = ranges(first_pairs + 1, partners)
    else:
        partners = np.repeat(table.number[centres, b], count_a)
        second = ranges(np.repeat(table.first[centres, b], count_a), partners)
    counts = triplet_counts(table, centres, a, b)
    return Block(np.repeat(first_pairs, partners), second, counts)


def segment_sums(terms: FloatArray, counts: IntArray) -> FloatArray:
    """Sums of ``terms`` (rows: quantities; columns: pairs or triplets grouped by centre, as a
    Block gives them) per centre: an array (rows, centres)."""
    sums = np.zeros((terms.shape[0], len(counts)))
    filled = counts > 0
    if terms.shape[1]:
        starts = (np.cumsum(counts) - counts)[filled]
        sums[:, filled] = np.add.reduceat(terms, starts, axis=1)
    return sums


def chunks(counts: IntArray, size: int) -> List[slice]:
    """Consecutive runs of centres with about ``size`` pairs or triplets each (``counts``:
    per centre)."""
    ends = np.searchsorted(np.cumsum(counts), np.arange(1, len(counts) + 1) * size)
    bounds = sorted({0, *np.minimum(ends + 1, len(counts)).tolist()})
    return [slice(lo, hi) for lo, hi in zip(bounds, bounds[1:])]
