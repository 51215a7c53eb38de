"""What ``sfcompile init`` measures in a data set before it suggests a spec: the elements, the
shortest distance of every element pair, every atom's nearest-neighbour distance, how many
neighbours an atom has within r, and for every element triplet how far one must reach to find
it.

All within ``SEARCH`` (13 length units: beyond the usual 6 Å and 12 Bohr cutoffs) of every
atom, from one neighbour list per structure, streamed (:func:`.parallel.map_chunks`): only
integer histograms and minima are kept, so the result does not depend on ``jobs``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import numpy.typing as npt

from ..engine.limits import MAX_PAIRS
from ..engine.neighbours import neighbour_list
from ..engine.parallel import map_chunks
from ..engine.search import StructureRefused
from ..engine.sfvalues import Geometry, StructureLike
from ..spec.elements import ATOMIC_NUMBER
from .stats import Pair, Progress, structure_error

SEARCH = 13.0
BINS = 1300  # histogram bins from 0 to SEARCH (0.01 wide)
Triplet = Tuple[str, str, str]  # central element, then the neighbour pair (sorted)
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass
class Survey:
    """The measurements of a data set (or of a chunk of it)."""

    structures: int = 0
    atoms: Dict[str, int] = field(default_factory=dict)  # per element, first appearance order
    closest: Dict[Pair, float] = field(default_factory=dict)  # sorted pair -> shortest distance
    nearest: IntArray = field(default_factory=lambda: np.zeros(BINS, dtype=np.int64))
    isolated: int = 0  # atoms without a neighbour within SEARCH
    neighbours: IntArray = field(default_factory=lambda: np.zeros(BINS, dtype=np.int64))
    reach: Dict[Triplet, float] = field(default_factory=dict)

    def merge(self, other: Survey) -> None:
        self.structures += other.structures
        for element, n in other.atoms.items():
            self.atoms[element] = self.atoms.get(element, 0) + n
        for pair, d in other.closest.items():
            self.closest[pair] = min(d, self.closest.get(pair, np.inf))
        self.nearest = self.nearest + other.nearest
        self.isolated += other.isolated
        self.neighbours = self.neighbours + other.neighbours
        for triplet, d in other.reach.items():
            self.reach[triplet] = min(d, self.reach.get(triplet, np.inf))

    @property
    def elements(self) -> List[str]:
        """The elements found, by atomic number."""
        return sorted(self.atoms, key=lambda e: (ATOMIC_NUMBER.get(e, 0), e))

    @property
    def total_atoms(self) -> int:
        return sum(self.atoms.values())

    def median_nearest(self) -> Optional[float]:
        """The median nearest-neighbour distance (bin centre; 0.01 resolution)."""
        counted = int(self.nearest.sum())
        if not counted:
            return None
        k = int(np.searchsorted(np.cumsum(self.nearest), (counted + 1) / 2.0))
        return (k + 0.5) * (SEARCH / BINS)

    def mean_neighbours(self, r: float) -> float:
        """Neighbours per atom within ``r`` (at the 0.01 resolution of the histogram)."""
        if not self.total_atoms:
            return 0.0
        upto = round(min(r, SEARCH) * (BINS / SEARCH))
        return float(self.neighbours[:upto].sum()) / self.total_atoms


def _nearest_by_species(
    i: IntArray, j_species: IntArray, d: FloatArray, n_atoms: int, n_species: int
) -> Tuple[FloatArray, FloatArray]:
    """For every atom and species the nearest and second-nearest neighbour distance (inf)."""
    first = np.full((n_atoms, n_species), np.inf)
    second = np.full((n_atoms, n_species), np.inf)
    if not len(d):
        return first, second
    order = np.lexsort((d, j_species, i))
    i, s, d = i[order], j_species[order], d[order]
    group = i * n_species + s
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    first.reshape(-1)[group[starts]] = d[starts]
    after = starts + 1
    has_second = after < len(d)
    has_second[has_second] = group[after[has_second]] == group[starts[has_second]]
    second.reshape(-1)[group[starts[has_second]]] = d[after[has_second]]
    return first, second


def _reach(
    survey: Survey, kinds: Sequence[str], species: IntArray, first: FloatArray, second: FloatArray
) -> None:
    """Per triplet (c, a, b) the smallest r within which some c atom has an a and a b neighbour
    (two a neighbours for a == b)."""
    n = len(kinds)
    for c in range(n):
        rows = species == c
        for a in range(n):
            for b in range(a, n):
                # a == b: the second-nearest a; else the farther of the nearest a and b
                need = second[rows, a] if a == b else np.maximum(first[rows, a], first[rows, b])
                best = float(need.min()) if need.size else np.inf
                if np.isfinite(best):
                    low, high = sorted((kinds[a], kinds[b]))
                    key = (kinds[c], low, high)
                    survey.reach[key] = min(best, survey.reach.get(key, np.inf))


def survey_structure(survey: Survey, geometry: Geometry, max_pairs: Optional[int]) -> None:
    """Add one structure's measurements to ``survey``."""
    symbols = list(geometry.elements)
    for symbol in symbols:
        survey.atoms[symbol] = survey.atoms.get(symbol, 0) + 1
    survey.structures += 1
    if not symbols:
        return
    try:
        pairs = neighbour_list(geometry.positions, geometry.lattice, SEARCH, max_pairs)
    except StructureRefused as exc:
        raise structure_error(geometry, str(exc)) from None
    kinds = sorted(set(symbols), key=lambda e: (ATOMIC_NUMBER.get(e, 0), e))
    code = {e: k for k, e in enumerate(kinds)}
    species = np.array([code[e] for e in symbols], dtype=np.int64)
    bins = np.minimum((pairs.distances * (BINS / SEARCH)).astype(np.int64), BINS - 1)
    survey.neighbours += np.bincount(bins, minlength=BINS)
    first, second = _nearest_by_species(pairs.i, species[pairs.j], pairs.distances,
                                        len(symbols), len(kinds))  # fmt: skip
    nearest = first.min(axis=1)
    found = np.isfinite(nearest)
    survey.isolated += int((~found).sum())
    near_bins = np.minimum((nearest[found] * (BINS / SEARCH)).astype(np.int64), BINS - 1)
    survey.nearest += np.bincount(near_bins, minlength=BINS)
    for c in range(len(kinds)):
        for s in range(c, len(kinds)):
            d = float(first[species == c, s].min())
            if np.isfinite(d):
                pair = (kinds[c], kinds[s]) if kinds[c] <= kinds[s] else (kinds[s], kinds[c])
                survey.closest[pair] = min(d, survey.closest.get(pair, np.inf))
    _reach(survey, kinds, species, first, second)


def _chunk(max_pairs: Optional[int], chunk: Sequence[Geometry]) -> Survey:
    survey = Survey()
    for geometry in chunk:
        survey_structure(survey, geometry, max_pairs)
    return survey


def survey(
    structures: Iterable[StructureLike],
    jobs: int = 1,
    max_pairs: Optional[int] = MAX_PAIRS,
    progress: Optional[Progress] = None,
) -> Survey:
    """Measure ``structures`` (streamed; the same result for every ``jobs``)."""
    total = Survey()
    for part in map_chunks(_chunk, max_pairs, structures, jobs):
        total.merge(part)
        if progress is not None:
            progress(total.structures, total.total_atoms)
    return total
