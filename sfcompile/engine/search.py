"""Guards around the neighbour search: what a structure may ask of it, and molecules that vesin's
cell list cannot take.

* **Budget.** Before any neighbour list is built, the number of pairs within the cutoff is
  estimated from the density, N² · (4/3)π r_c³ / V (V: the cell's volume; for a molecule the
  volume of its bounding box grown by r_c on every side, and never more than N(N − 1)). A
  structure above the budget (:data:`MAX_PAIRS` by default, about 1 GB of neighbour arrays) is
  refused with the figure instead of exhausting memory — a cell much smaller than the cutoff,
  or one so flat that its volume is tiny, asks for billions of pairs.
* **Molecules.** vesin spans a cell list over a molecule's bounding box; with atoms 10⁶ cutoffs
  apart it fails with a floating-point exception that kills the process. Atoms farther apart
  than the cutoff along an axis cannot be neighbours, so a molecule is first cut at every such
  gap (recursively, along x, y and z); each part that still spans more than
  :data:`MAX_SPAN` cutoffs is searched pair by pair (at most :data:`MAX_DIRECT` atoms), or
  refused.
"""

from __future__ import annotations

import math
from typing import Callable, List, Optional, Tuple

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Pairs = Tuple[IntArray, IntArray]

MAX_SPAN = 1000.0  # cutoffs: the largest extent of a molecule handed to vesin as it is
MAX_DIRECT = 3000  # atoms: the largest part searched pair by pair


class StructureRefused(ValueError):
    """A structure the SF engine will not evaluate (the message says why; callers locate it).
    ``structure``: its position in the batch it came in, when it came in one."""

    structure: Optional[int] = None


class NeighbourBudgetExceeded(StructureRefused):
    """A structure would have more neighbour pairs than allowed, or cannot be searched."""

    def __init__(self, message: str, estimate: float = math.inf) -> None:
        super().__init__(message)
        self.estimate = estimate


def _atoms(n: int) -> str:
    return f"{n} atom" if n == 1 else f"{n} atoms"


def cell_volume(lattice: FloatArray) -> float:
    """|det| of a 3 × 3 cell, in plain Python (np.linalg.det costs 5 µs per small structure)."""
    a = lattice.ravel().tolist()
    return abs(a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6])
               + a[2] * (a[3] * a[7] - a[4] * a[6]))  # fmt: skip


def estimated_pairs(points: FloatArray, lattice: Optional[FloatArray], cutoff: float) -> float:
    """About how many (i, j) pairs, both directions, lie within ``cutoff``."""
    n = len(points)
    sphere = 4.0 / 3.0 * math.pi * cutoff**3
    if lattice is not None:
        volume = cell_volume(lattice)
        return math.inf if volume == 0.0 else n * n * sphere / volume
    extent = points.max(axis=0) - points.min(axis=0) + 2.0 * cutoff
    box = float(np.prod(extent))
    return min(n * (n - 1.0), n * n * sphere / box) if box > 0 else n * (n - 1.0)


def check_budget(
    points: FloatArray, lattice: Optional[FloatArray], cutoff: float, limit: int
) -> None:
    estimate = estimated_pairs(points, lattice, cutoff)
    if estimate > limit:
        kind = (
            f"a cell of volume {cell_volume(lattice):.4g}" if lattice is not None else "a molecule"
        )
        raise NeighbourBudgetExceeded(
            f"about {estimate:.3g} neighbour pairs within the cutoff {cutoff:g} "
            f"({_atoms(len(points))}, {kind}), more than the limit of {limit:,}: is the cell "
            "much smaller than the cutoff, or are the lengths in another unit than the spec's? "
            "Raise the limit with --max-neighbours if the structure is right",
            estimate,
        )


def check_triplets(centres: IntArray, atoms: int, cutoff: float, limit: int) -> None:
    """Refuse a structure whose atoms have more triplets (pairs of neighbours) than ``limit``;
    ``centres``: the central atom of every pair of the neighbour list."""
    per_atom = np.bincount(centres, minlength=atoms).astype(np.float64)
    triplets = float((per_atom * (per_atom - 1.0) / 2.0).sum())
    if triplets > limit:
        raise NeighbourBudgetExceeded(
            f"{triplets:.3g} triplets (pairs of neighbours) within the cutoff {cutoff:g} "
            f"({_atoms(atoms)}, up to {int(per_atom.max())} neighbours each), more than the limit "
            f"of {limit:,} for angular SFs: the evaluation would take hours. Is the cell much "
            "smaller than the cutoff, or the lengths in another unit? Raise the limit with "
            "--max-triplets if the structure is right",
            triplets,
        )


def _parts(points: FloatArray, cutoff: float) -> List[IntArray]:
    """The molecule cut wherever consecutive atoms along an axis are >= cutoff apart."""
    parts: List[IntArray] = [np.arange(len(points), dtype=np.int64)]
    done: List[IntArray] = []
    while parts:
        part = parts.pop()
        for axis in range(3):
            order = part[np.argsort(points[part, axis], kind="stable")]
            gaps = np.flatnonzero(np.diff(points[order, axis]) >= cutoff) + 1
            if len(gaps):
                parts.extend(np.split(order, gaps))
                break
        else:
            done.append(np.sort(part))
    return sorted(done, key=lambda p: int(p[0]))


def _direct(points: FloatArray, cutoff: float) -> Pairs:
    """Every pair closer than ``cutoff``, by brute force (both directions)."""
    delta = points[None, :, :] - points[:, None, :]
    distance = np.sqrt((delta * delta).sum(axis=2))
    np.fill_diagonal(distance, np.inf)
    i, j = np.nonzero(distance < cutoff)
    return i.astype(np.int64), j.astype(np.int64)


def molecule_pairs(
    points: FloatArray, cutoff: float, search: Callable[[FloatArray], Pairs]
) -> Pairs:
    """The pairs (i, j) of a molecule, found with ``search`` (vesin) part by part."""
    span = float((points.max(axis=0) - points.min(axis=0)).max()) if len(points) else 0.0
    if span <= MAX_SPAN * cutoff:
        return search(points)
    found_i: List[IntArray] = []
    found_j: List[IntArray] = []
    for part in _parts(points, cutoff):
        if len(part) < 2:
            continue
        sub = points[part]
        part_span = float((sub.max(axis=0) - sub.min(axis=0)).max())
        if part_span <= MAX_SPAN * cutoff:
            i, j = search(sub)
        elif len(part) <= MAX_DIRECT:
            i, j = _direct(sub, cutoff)
        else:
            raise NeighbourBudgetExceeded(
                f"{len(part)} atoms of a molecule are chained over {part_span:.3g} length units "
                f"({part_span / cutoff:.3g} times the cutoff) with no gap of a cutoff between "
                "them: too long to search for neighbours; check the coordinates and their unit"
            )
        found_i.append(part[i])
        found_j.append(part[j])
    if not found_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(found_i), np.concatenate(found_j)
