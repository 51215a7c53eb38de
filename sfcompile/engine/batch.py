"""A batch of structures as one neighbour list: atoms numbered consecutively across the
structures (atoms of different structures never interact), pairs sorted by central atom.

Evaluating many small structures one at a time costs more in calls than in arithmetic (a QM9
molecule has a few hundred triplets); as one batch, the kernel runs once per chunk. Molecules of
up to :data:`SMALL_MOLECULE` atoms and periodic cells with little to search are searched by
brute force in the compiled kernel, all of a run of them in one call; larger structures go to
vesin (:func:`.neighbours.neighbour_list`) one by one. Both give the same pairs with the same
rounding (tests hold them against each other).

A structure that cannot be evaluated (too many pairs or triplets, two atoms at one position)
raises :class:`~.search.StructureRefused` with ``structure`` set to its position in the batch.
"""

from __future__ import annotations

import math
from typing import Iterator, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import numpy.typing as npt

from .native import FloatArray, IntArray, Pairs, small_pairs
from .neighbours import COINCIDENT, NeighbourList, inverse_cell, neighbour_list, refuse_coincident
from .search import StructureRefused, check_triplets, estimated_pairs

#: Molecules (no cell) of up to this many atoms are searched pair by pair.
SMALL_MOLECULE = 256
#: Periodic cells whose atom pairs times cell images reached stay below this are searched by
#: brute force too (a one-atom cell with a few hundred images costs microseconds).
SMALL_PERIODIC_WORK = 100_000


class Batch(NamedTuple):
    """Structures as one: ``offsets[s]`` is the first atom of structure s (and ``offsets[-1]``
    the number of atoms); ``pairs`` uses these atom numbers."""

    offsets: IntArray
    symbols: List[str]
    positions: FloatArray  # (atoms, 3), as given (not wrapped)
    pairs: Pairs

    @property
    def atoms(self) -> int:
        return int(self.offsets[-1])

    def neighbours(self, s: int) -> NeighbourList:
        """The pairs of structure ``s``, with its own atom numbers."""
        lo, hi = int(self.offsets[s]), int(self.offsets[s + 1])
        p, q = int(self.pairs.start[lo]), int(self.pairs.start[hi])
        return NeighbourList(self.pairs.i[p:q] - lo, self.pairs.j[p:q] - lo,
                             self.pairs.vectors[p:q], self.pairs.distances[p:q])  # fmt: skip


class Shape(NamedTuple):
    """One structure as given."""

    positions: FloatArray
    lattice: Optional[FloatArray]
    symbols: Sequence[str]


def _refused(exc: StructureRefused, s: int) -> StructureRefused:
    exc.structure = s
    return exc


def inverse_cells(cells: FloatArray) -> FloatArray:
    """The inverse of every cell matrix of ``cells`` (s, 3, 3), rounded exactly as
    :func:`.neighbours.inverse_cell` rounds one (the same operations, on arrays over the
    structures)."""
    return np.asarray(np.moveaxis(inverse_cell(np.moveaxis(cells, 0, -1)), -1, 0))


def _combine(weights: FloatArray, rows: FloatArray) -> FloatArray:
    """Per atom Σ_k weights[:, k]·rows[:, k] (rows: one 3×3 matrix per atom), left to right."""
    return np.asarray(
        weights[:, 0:1] * rows[:, 0] + weights[:, 1:2] * rows[:, 1] + weights[:, 2:3] * rows[:, 2]
    )


def wrap_into_cells(positions: FloatArray, cells: FloatArray) -> FloatArray:
    """Every atom mapped into its cell (``cells``: one per atom), rounded exactly as
    :func:`.neighbours.wrap_into_cell` maps the atoms of one cell."""
    fractional = _combine(positions, inverse_cells(cells))
    fractional = fractional - np.floor(fractional)
    fractional[fractional == 1.0] = 0.0
    return _combine(fractional, cells)


def images_reached(cells: FloatArray, cutoff: float) -> FloatArray:
    """Cell images the brute-force search visits per atom pair, for each cell (s, 3, 3)."""
    a, b, c = cells[:, 0], cells[:, 1], cells[:, 2]
    volume = np.abs(np.einsum("sx,sx->s", a, np.cross(b, c)))
    reach = [
        np.ceil(cutoff * np.linalg.norm(np.cross(u, v), axis=1) / volume) + 1
        for u, v in ((b, c), (c, a), (a, b))
    ]
    return np.asarray((2 * reach[0] + 1) * (2 * reach[1] + 1) * (2 * reach[2] + 1))


def _small(shapes: Sequence[Shape], cutoff: float, max_pairs: Optional[int]) -> List[bool]:
    """Which structures the brute-force search takes."""
    small = [s.lattice is None and len(s.symbols) <= SMALL_MOLECULE for s in shapes]
    periodic = [k for k, s in enumerate(shapes) if s.lattice is not None]
    if not periodic:
        return small
    cells = np.array([shapes[k].lattice for k in periodic], dtype=np.float64).reshape(-1, 3, 3)
    with np.errstate(divide="ignore", invalid="ignore"):
        images = images_reached(cells, cutoff)
    for k, reach in zip(periodic, images.tolist()):
        n = len(shapes[k].symbols)
        if not math.isfinite(reach) or n * n * reach > SMALL_PERIODIC_WORK:
            continue
        lattice = np.asarray(shapes[k].lattice, dtype=np.float64).reshape(3, 3)
        points = np.asarray(shapes[k].positions, dtype=np.float64).reshape(-1, 3)
        budget = max_pairs is None or estimated_pairs(points, lattice, cutoff) <= max_pairs
        small[k] = budget
    return small


def _runs(flags: List[bool]) -> Iterator[Tuple[int, int, bool]]:
    """Maximal runs [lo, hi) of equal flags."""
    lo = 0
    for k in range(1, len(flags) + 1):
        if k == len(flags) or flags[k] != flags[lo]:
            yield lo, k, flags[lo]
            lo = k


def _search_small(
    shapes: Sequence[Shape], offsets: IntArray, lo: int, hi: int, cutoff: float
) -> NeighbourList:
    first = int(offsets[lo])
    points = np.concatenate([np.asarray(s.positions, dtype=np.float64).reshape(-1, 3)
                             for s in shapes[lo:hi]]) if hi > lo else np.zeros((0, 3))  # fmt: skip
    counts = offsets[lo + 1 : hi + 1] - offsets[lo:hi]
    cells = np.zeros((hi - lo, 3, 3))
    periodic = np.zeros(hi - lo, dtype=np.int64)
    for k, shape in enumerate(shapes[lo:hi]):
        if shape.lattice is not None:
            cells[k] = np.asarray(shape.lattice, dtype=np.float64).reshape(3, 3)
            periodic[k] = 1
    if periodic.any():
        owner = np.repeat(np.arange(hi - lo), counts)
        wrapped = periodic[owner].astype(bool)
        points = points.copy()
        points[wrapped] = wrap_into_cells(points[wrapped], cells[owner[wrapped]])
    found = small_pairs(points, offsets[lo : hi + 1] - first, cells, periodic, cutoff)
    i, j = found.i + first, found.j + first
    if periodic.any() and len(i):  # images of one neighbour: nearest first, as from vesin
        order = np.lexsort((found.distances, j, i))
        return NeighbourList(i[order], j[order], found.vectors[order], found.distances[order])
    return NeighbourList(i, j, found.vectors, found.distances)


def batch_pairs(
    shapes: Sequence[Shape],
    cutoff: Optional[float],
    max_pairs: Optional[int] = None,
    max_triplets: Optional[int] = None,
) -> Batch:
    """The neighbour pairs (r < ``cutoff``; None: no pairs) of every structure of ``shapes``
    as one list. ``max_pairs``, ``max_triplets``: per structure (see :mod:`.search`; None: no
    limit)."""
    counts = [len(s.symbols) for s in shapes]
    offsets = np.zeros(len(shapes) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(counts)
    parts: List[NeighbourList] = []
    flags = [] if cutoff is None else _small(shapes, cutoff, max_pairs)
    for lo, hi, small in _runs(flags):
        assert cutoff is not None
        if small:
            parts.append(_search_small(shapes, offsets, lo, hi, cutoff))
            continue
        for s in range(lo, hi):
            try:
                found = neighbour_list(shapes[s].positions, shapes[s].lattice, cutoff, max_pairs)
            except StructureRefused as exc:
                raise _refused(exc, s) from None
            first = int(offsets[s])
            parts.append(found._replace(i=found.i + first, j=found.j + first))
    pairs = _join(parts, int(offsets[-1]))
    if cutoff is not None:
        _check(pairs, offsets, cutoff, max_triplets)
    symbols = [symbol for s in shapes for symbol in s.symbols]
    positions = np.concatenate([np.asarray(s.positions, dtype=np.float64).reshape(-1, 3)
                                for s in shapes]) if shapes else np.zeros((0, 3))  # fmt: skip
    return Batch(offsets, symbols, positions, pairs)


def _join(parts: List[NeighbourList], atoms: int) -> Pairs:
    if parts:
        i = np.concatenate([p.i for p in parts])
        j = np.concatenate([p.j for p in parts])
        vectors = np.concatenate([np.asarray(p.vectors).reshape(-1, 3) for p in parts])
        distances = np.concatenate([p.distances for p in parts])
    else:
        i = j = np.zeros(0, dtype=np.int64)
        vectors, distances = np.zeros((0, 3)), np.zeros(0)
    start = np.zeros(atoms + 1, dtype=np.int64)
    start[1:] = np.cumsum(np.bincount(i, minlength=atoms))
    return Pairs(i, j, np.ascontiguousarray(vectors), distances, start)


def _check(pairs: Pairs, offsets: IntArray, cutoff: float, max_triplets: Optional[int]) -> None:
    """Two atoms at one position, or too many triplets: refuse the first such structure."""
    close = np.flatnonzero(pairs.distances < COINCIDENT)
    if len(close):
        s = int(np.searchsorted(offsets, pairs.i[close[0]], side="right") - 1)
        lo = int(offsets[s])
        k = close[:1]
        try:
            refuse_coincident(pairs.i[k] - lo, pairs.j[k] - lo, pairs.distances[k])
        except StructureRefused as exc:
            raise _refused(exc, s) from None
    if max_triplets is None or not len(pairs.i):
        return
    per_atom = np.diff(pairs.start).astype(np.float64)
    running = np.concatenate([[0.0], np.cumsum(per_atom * (per_atom - 1.0) / 2.0)])
    triplets = running[offsets[1:]] - running[offsets[:-1]]  # whole numbers: exact
    over = np.flatnonzero(triplets > max_triplets)
    if len(over):
        s = int(over[0])
        lo, hi = int(offsets[s]), int(offsets[s + 1])
        try:
            check_triplets(pairs.i[pairs.start[lo] : pairs.start[hi]] - lo, hi - lo, cutoff,
                           max_triplets)  # fmt: skip
        except StructureRefused as exc:
            raise _refused(exc, s) from None


def as_shape(positions: npt.ArrayLike, lattice: Optional[npt.ArrayLike],
             symbols: Sequence[str]) -> Shape:  # fmt: skip
    points = np.asarray(positions, dtype=np.float64).reshape(-1, 3)
    if len(points) != len(symbols):
        raise ValueError(f"{len(points)} positions but {len(symbols)} element symbols")
    cell = None if lattice is None else np.asarray(lattice, dtype=np.float64).reshape(3, 3)
    return Shape(points, cell, list(symbols))
