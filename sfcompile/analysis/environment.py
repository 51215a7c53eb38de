"""The neighbour and triplet counts of a data set that the cost model needs
(:class:`..generate.cost.MeasuredEnvironment`).

Per central element, cutoff r and neighbour element(s), the mean per atom of

- ``pair``: neighbours within r (of one element, or of any: neighbours ``()``);
- ``wide``: unordered pairs of such neighbours (of two given elements, or any two);
- ``narrow``: those pairs that are also closer than r to each other.

Pairs and wide pairs follow from every atom's neighbour counts exactly. Narrow pairs need the
distance of every pair of neighbours, so they are counted on a sample: the ``sample`` atoms of
each element with the smallest keys, a key being uniform in [0, 1) from a generator seeded with
(0, structure index) — the same atoms for the same file, whatever else it holds (bottom-k
sampling in one pass). The narrow mean is the exact wide mean times the sample's narrow/wide
ratio.
"""

from __future__ import annotations

import heapq
from itertools import combinations_with_replacement
from typing import Dict, Iterable, List, Sequence, Tuple

import numpy as np

from ..engine.cutoff_functions import FloatArray
from ..engine.limits import MAX_PAIRS, MAX_TRIPLETS
from ..engine.neighbours import IntArray, NeighbourList, chunks, neighbour_list, ranges
from ..engine.parallel import geometry_of
from ..engine.search import StructureRefused, check_triplets
from ..engine.sfvalues import Geometry, StructureLike
from ..generate.cost import CountKey, MeasuredEnvironment
from .stats import structure_error

SAMPLE = 2000  # atoms per element whose narrow pairs are counted
BLOCK = 2_000_000  # pairs of neighbours held at once

Sampled = Tuple[float, int, FloatArray]  # (−key, tie-breaker, (2, cutoffs, pairs): wide, narrow)


class _Tally:
    """What the structures so far add up to."""

    def __init__(self, elements: Sequence[str], cutoffs: Sequence[float], sample: int,
                 budgets: Tuple[int, int] = (MAX_PAIRS, MAX_TRIPLETS)) -> None:  # fmt: skip
        self.elements, self.cutoffs, self.sample = tuple(elements), tuple(cutoffs), sample
        self.max_pairs, self.max_triplets = budgets
        self.code = {e: k for k, e in enumerate(self.elements)}
        pairs = combinations_with_replacement(range(len(self.elements)), 2)
        self.pairs: List[Tuple[int, ...]] = [(), *pairs]  # species codes; () any two
        self.atoms = np.zeros(len(self.elements), dtype=np.int64)
        self.structures = 0
        # per element: (cutoffs, 1 + elements) neighbour sums, (cutoffs, pairs) wide-pair sums
        self.pair_sums = np.zeros((len(self.elements), len(cutoffs), 1 + len(self.elements)))
        self.wide_sums = np.zeros((len(self.elements), len(cutoffs), len(self.pairs)))
        self.heaps: List[List[Sampled]] = [[] for _ in self.elements]  # max-heaps of the sample
        self.pushed = 0

    def threshold(self, species: int) -> float:
        """Keys below this may still enter the sample of this element."""
        heap = self.heaps[species]
        if not self.sample:
            return 0.0
        return -heap[0][0] if len(heap) >= self.sample else 1.0

    def offer(self, species: int, key: float, counts: FloatArray) -> None:
        if key >= self.threshold(species):
            return
        self.pushed += 1
        item = (-key, self.pushed, counts)
        if len(self.heaps[species]) >= self.sample:
            heapq.heapreplace(self.heaps[species], item)
        else:
            heapq.heappush(self.heaps[species], item)


def _wide(counts: IntArray, pairs: Sequence[Tuple[int, ...]]) -> FloatArray:
    """(atoms, pairs): unordered pairs of neighbours of each species pair (() any two)."""
    columns = []
    for pair in pairs:
        if not pair:
            n = counts.sum(axis=1).astype(np.float64)
            columns.append(n * (n - 1.0) / 2.0)
            continue
        x, y = counts[:, pair[0]].astype(np.float64), counts[:, pair[1]].astype(np.float64)
        columns.append(x * (x - 1.0) / 2.0 if pair[0] == pair[1] else x * y)
    return np.stack(columns, axis=1)


def _narrow(centres: IntArray, found: NeighbourList, species: IntArray, kinds: int,
            cutoff: float) -> FloatArray:  # fmt: skip
    """(centres, kinds, kinds): the pairs of neighbours (j, k) of each centre, both within
    ``cutoff`` of it (``found`` holds only those) and closer than it to each other, by species
    (lower code first)."""
    out = np.zeros((len(centres), kinds, kinds))
    i, j, vectors = found.i, found.j, found.vectors
    if not len(centres) or not len(i):
        return out
    position = np.full(len(species), -1, dtype=np.int64)
    position[centres] = np.arange(len(centres))
    starts = np.searchsorted(i, centres)  # the list is sorted by centre
    stops = np.searchsorted(i, centres, side="right")
    first = ranges(starts, stops - starts)  # every pair p of a centre ...
    partners = np.repeat(stops, stops - starts) - first - 1  # ... and its later pairs q
    for part in chunks(partners, BLOCK):
        p = np.repeat(first[part], partners[part])
        q = ranges(first[part] + 1, partners[part])
        d = vectors[q] - vectors[p]
        close = np.einsum("ij,ij->i", d, d) < cutoff * cutoff
        a, b = species[j[p[close]]], species[j[q[close]]]
        flat = (position[i[p[close]]] * kinds + np.minimum(a, b)) * kinds + np.maximum(a, b)
        out += np.bincount(flat, minlength=out.size).reshape(out.shape)
    return out


def _inside(found: NeighbourList, cutoff: float) -> NeighbourList:
    keep = found.distances < cutoff
    return NeighbourList(found.i[keep], found.j[keep], found.vectors[keep], found.distances[keep])


def _structure(tally: _Tally, geometry: Geometry, number: int) -> None:
    species = np.array([tally.code[s] for s in geometry.elements], dtype=np.int64)
    atoms, kinds = len(species), len(tally.elements)
    keys = np.random.default_rng([0, number]).random(atoms)
    chosen = np.flatnonzero(keys < np.array([tally.threshold(s) for s in species]))
    largest = max(tally.cutoffs)
    try:
        found = neighbour_list(geometry.positions, geometry.lattice, largest, tally.max_pairs)
        # the pairs of neighbours of the sampled atoms are enumerated: bound them
        check_triplets(found.i[np.isin(found.i, chosen)], atoms, largest, tally.max_triplets)
    except StructureRefused as exc:
        raise structure_error(geometry, str(exc)) from None
    sampled = np.zeros((len(chosen), 2, len(tally.cutoffs), len(tally.pairs)))
    for c, cutoff in enumerate(tally.cutoffs):
        inside = _inside(found, cutoff)
        key = inside.i * kinds + species[inside.j]
        counts = np.bincount(key, minlength=atoms * kinds).reshape(atoms, kinds)
        wide = _wide(counts, tally.pairs)
        narrow = _narrow(chosen, inside, species, kinds, cutoff)
        for s in range(kinds):
            mine = species == s
            tally.pair_sums[s, c, 0] += counts[mine].sum()
            tally.pair_sums[s, c, 1:] += counts[mine].sum(axis=0)
            tally.wide_sums[s, c] += wide[mine].sum(axis=0)
        sampled[:, 0, c] = wide[chosen]
        for k, pair in enumerate(tally.pairs):
            own = narrow[:, pair[0], pair[1]] if pair else narrow.sum(axis=(1, 2))
            sampled[:, 1, c, k] = own
    tally.atoms += np.bincount(species, minlength=kinds)
    for row, atom in enumerate(chosen):
        tally.offer(int(species[atom]), float(keys[atom]), sampled[row])


def measure_environment(
    structures: Iterable[StructureLike],
    elements: Sequence[str],
    cutoffs: Iterable[float],
    sample: int = SAMPLE,
    max_pairs: int = MAX_PAIRS,
    max_triplets: int = MAX_TRIPLETS,
) -> MeasuredEnvironment:
    """The counts of ``structures`` at every one of ``cutoffs`` (central and neighbour elements:
    ``elements``, which must include every element of the data; read the data with
    ``known_elements`` to have that checked with a located error). ``max_pairs``,
    ``max_triplets``: refuse a structure with more neighbour pairs, or more pairs of neighbours
    of its sampled atoms (a located error). ``sample`` 0: no narrow pairs (no angular SFs
    need them; their counts are then 0)."""
    budgets = (max_pairs, max_triplets)
    tally = _Tally(elements, sorted({float(c) for c in cutoffs}), sample, budgets)
    for number, structure in enumerate(structures):
        geometry = geometry_of(structure)
        tally.structures += 1
        if tally.cutoffs:
            _structure(tally, geometry, number)
        else:  # no SFs: only the atoms
            for symbol in geometry.elements:
                tally.atoms[tally.code[symbol]] += 1
    return _environment(tally)


def _environment(tally: _Tally) -> MeasuredEnvironment:
    counts: Dict[CountKey, float] = {}
    names = tally.elements
    for s, element in enumerate(names):
        atoms = int(tally.atoms[s])
        if not atoms:
            continue
        sampled = np.zeros((2, len(tally.cutoffs), len(tally.pairs)))  # wide, narrow
        for item in tally.heaps[s]:
            sampled += item[2]
        for c, cutoff in enumerate(tally.cutoffs):
            counts[element, cutoff, "pair", ()] = tally.pair_sums[s, c, 0] / atoms
            for e, name in enumerate(names):
                counts[element, cutoff, "pair", (name,)] = tally.pair_sums[s, c, 1 + e] / atoms
            for k, pair in enumerate(tally.pairs):
                label = tuple(sorted(names[x] for x in pair))
                wide = tally.wide_sums[s, c, k] / atoms
                ratio = sampled[1, c, k] / sampled[0, c, k] if sampled[0, c, k] > 0 else 0.0
                counts[element, cutoff, "wide", label] = wide
                counts[element, cutoff, "narrow", label] = wide * ratio
    per_element = {e: int(n) for e, n in zip(names, tally.atoms)}
    return MeasuredEnvironment(counts, per_element, tally.structures)
