"""What ``sfcompile plot --data`` draws under the SF shapes: the data's pair-distance and angle
distributions and the distribution of every SF's values; plain numpy arrays, no matplotlib.

Two streaming passes over the structures (:func:`.parallel.map_chunks`, so ``jobs`` changes the
time, not the result: every histogram is a sum of integer counts):

1. per structure the SFs are evaluated once (the statistics of ``sfcompile stats``: range,
   dead SFs) and the neighbour list of that evaluation (every pair within the plan's largest
   cutoff) is histogrammed: pair distances per (central element, neighbour element), and the
   angles θ_jik of the triplets per (cutoff, central element, neighbour pair) at each cutoff of
   the angular SFs, pairs of one triplet within that cutoff, every unordered neighbour pair once
   (as the SF sums run);
2. the SFs are evaluated again and each value is counted into one of ``VALUE_BINS`` bins between
   that SF's minimum and maximum from pass 1, i.e. of the scaled value n2p2 trains on
   (``scale_symmetry_functions``: (x − min)/(max − min)).

Memory: a few counters per element pair and SF, plus the engine's per-structure arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, Optional, Sequence, Set, Tuple

import numpy as np
import numpy.typing as npt

from ..engine.neighbours import PairTable, pair_table, triplet_blocks, triplet_rows
from ..engine.parallel import map_chunks
from ..engine.sfvalues import Evaluation, Geometry, StructureLike
from .report import DEAD_THRESHOLD, is_dead
from .stats import Plan, Progress, Totals, add_evaluation, evaluate_planned

IntArray = npt.NDArray[np.int64]
PAIR_BINS = 240  # pair-distance bins from 0 to the largest cutoff
ANGLE_BINS = 90  # 2° each
VALUE_BINS = 50  # bins of the scaled value (x − min)/(max − min) of an SF
TRIPLET_BLOCK = 65536  # triplets histogrammed at once (memory, not results, depends on it)
Opener = Callable[[], Iterable[StructureLike]]  # reads the data set from the start


def angle_cutoffs(plan: Plan) -> Dict[str, Set[float]]:
    """Per central element, the cutoffs of its angular SFs (types 3–25 with two neighbours)."""
    found: Dict[str, Set[float]] = {}
    for element, sfs in plan.sfs.items():
        for sf in sfs:
            if sf.type_number in (3, 9, 13, 21, 22, 24, 25):
                found.setdefault(element, set()).add(float(sf.cutoff))
    return found


def neighbour_key(a: str, b: str) -> Tuple[str, str]:
    """An unordered neighbour pair, in a fixed order."""
    return (a, b) if a <= b else (b, a)


@dataclass
class Geometry1D:
    """Counts over one pass: pair distances, triplet angles, atoms per element."""

    pair_edges: npt.NDArray[np.float64]
    pairs: Dict[Tuple[str, str], IntArray] = field(default_factory=dict)  # (central, neighbour)
    angles: Dict[Tuple[float, str, str, str], IntArray] = field(default_factory=dict)
    atoms: Dict[str, int] = field(default_factory=dict)

    @property
    def angle_edges(self) -> npt.NDArray[np.float64]:
        return np.linspace(0.0, 180.0, ANGLE_BINS + 1)

    def merge(self, other: Geometry1D) -> None:
        for key, counts in other.pairs.items():
            self.pairs[key] = self.pairs.get(key, 0) + counts
        for key3, counts in other.angles.items():
            self.angles[key3] = self.angles.get(key3, 0) + counts
        for element, n in other.atoms.items():
            self.atoms[element] = self.atoms.get(element, 0) + n

    def pair_density(self, central: str, neighbours: Optional[Sequence[str]] = None) -> IntArray:
        """Pair-distance counts around ``central`` atoms: neighbours of these elements (None:
        every element)."""
        total = np.zeros(PAIR_BINS, dtype=np.int64)
        for (centre, other), counts in self.pairs.items():
            if centre == central and (neighbours is None or other in neighbours):
                total = total + counts
        return total

    def angle_counts(self, cutoff: float, central: str, pair: Optional[Sequence[str]]) -> IntArray:
        """Angle counts of the triplets around ``central`` at ``cutoff``: one neighbour pair,
        or every pair (None)."""
        total = np.zeros(ANGLE_BINS, dtype=np.int64)
        wanted = None if pair is None else neighbour_key(pair[0], pair[1])
        for (c, centre, a, b), counts in self.angles.items():
            if c == cutoff and centre == central and (wanted is None or (a, b) == wanted):
                total = total + counts
        return total


def _add_pairs(counts: Geometry1D, evaluation: Evaluation, top: float) -> None:
    pairs, codes, kinds = evaluation.neighbours, evaluation.species, evaluation.kinds
    n = len(kinds)
    if not len(pairs.distances):
        return
    bins = np.minimum((pairs.distances * (PAIR_BINS / top)).astype(np.int64), PAIR_BINS - 1)
    key = (codes[pairs.i] * n + codes[pairs.j]) * PAIR_BINS + bins
    table = np.bincount(key, minlength=n * n * PAIR_BINS).reshape(n, n, PAIR_BINS)
    for a in range(n):
        for b in range(n):
            if table[a, b].any():
                name = (kinds[a], kinds[b])
                counts.pairs[name] = counts.pairs.get(name, 0) + table[a, b]


def _angles(table: PairTable, first: IntArray, second: IntArray) -> npt.NDArray[np.float64]:
    """θ_jik in degrees of the triplets (pair ``first``, pair ``second``) of the table."""
    u, v = table.vectors[:, first], table.vectors[:, second]
    cos = (u * v).sum(axis=0) / (table.distances[first] * table.distances[second])
    return np.asarray(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))), dtype=np.float64)


def _add_angles(counts: Geometry1D, evaluation: Evaluation, cutoffs: Dict[str, Set[float]]) -> None:
    kinds, species = evaluation.kinds, evaluation.species
    n = len(kinds)
    for cutoff in sorted({c for wanted in cutoffs.values() for c in wanted}):
        table = pair_table(evaluation.neighbours, species, n, cutoff)
        for code, central in enumerate(kinds):
            if cutoff not in cutoffs.get(central, ()):
                continue
            centres = np.flatnonzero(species == code)
            for a in range(n):
                for b in range(a, n):
                    found = np.zeros(ANGLE_BINS, dtype=np.int64)
                    rows = triplet_rows(table, centres, a, b)
                    for block in triplet_blocks(rows, TRIPLET_BLOCK):
                        assert block.second is not None
                        theta = _angles(table, block.first, block.second)
                        bins = np.minimum((theta * (ANGLE_BINS / 180.0)).astype(np.int64),
                                          ANGLE_BINS - 1)  # fmt: skip
                        found += np.bincount(bins, minlength=ANGLE_BINS)
                    if found.any():
                        key = (cutoff, central, *neighbour_key(kinds[a], kinds[b]))
                        counts.angles[key] = counts.angles.get(key, 0) + found


def _first_pass(plan: Plan, chunk: Sequence[Geometry]) -> Tuple[Totals, Geometry1D]:
    totals = Totals.empty(plan)
    top = plan.max_cutoff
    counts = Geometry1D(np.linspace(0.0, top, PAIR_BINS + 1))
    cutoffs = angle_cutoffs(plan)
    for geometry in chunk:
        evaluation = evaluate_planned(plan, geometry)
        add_evaluation(totals, geometry, evaluation)
        _add_pairs(counts, evaluation, top)
        _add_angles(counts, evaluation, cutoffs)
        for symbol in geometry.elements:
            counts.atoms[symbol] = counts.atoms.get(symbol, 0) + 1
    return totals, counts


@dataclass(frozen=True)
class Ranges:
    """Per central element, every SF's minimum and maximum over the data (pass 1)."""

    plan: Plan
    low: Dict[str, npt.NDArray[np.float64]]
    high: Dict[str, npt.NDArray[np.float64]]


def value_bins(values: npt.NDArray[np.float64], low: float, high: float) -> IntArray:
    """The bin (0 … VALUE_BINS − 1) of each value between ``low`` and ``high``; everything in
    bin 0 when the SF is constant."""
    if not high > low:
        return np.zeros(len(values), dtype=np.int64)
    scaled = (values - low) * (VALUE_BINS / (high - low))
    return np.clip(scaled.astype(np.int64), 0, VALUE_BINS - 1)


def _second_pass(ranges: Ranges, chunk: Sequence[Geometry]) -> Dict[str, IntArray]:
    plan = ranges.plan
    counts = {e: np.zeros((len(sfs), VALUE_BINS), dtype=np.int64) for e, sfs in plan.sfs.items()}
    for geometry in chunk:
        for element, rows in evaluate_planned(plan, geometry).values.items():
            for k in range(rows.shape[1]):
                bins = value_bins(rows[:, k], ranges.low[element][k], ranges.high[element][k])
                counts[element][k] += np.bincount(bins, minlength=VALUE_BINS)
    return counts


@dataclass(frozen=True)
class ValueDistribution:
    """The values of one central element's SFs over the data."""

    atoms: int
    counts: IntArray  # (SFs, VALUE_BINS): atoms per bin of the scaled value
    low: npt.NDArray[np.float64]
    high: npt.NDArray[np.float64]
    mean: npt.NDArray[np.float64]
    dead: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class DataDistributions:
    """Everything ``sfcompile plot --data`` draws from the data."""

    totals: Totals
    geometry: Geometry1D
    values: Dict[str, ValueDistribution]


def collect_distributions(
    plan: Plan,
    open_structures: Opener,
    jobs: int = 1,
    threshold: float = DEAD_THRESHOLD,
    progress: Optional[Progress] = None,
) -> DataDistributions:
    """Both passes over the data set (``open_structures`` is called once per pass)."""
    totals = Totals.empty(plan)
    geometry = Geometry1D(np.linspace(0.0, plan.max_cutoff, PAIR_BINS + 1))
    for part, counts in map_chunks(_first_pass, plan, open_structures(), jobs):
        totals.merge(part)
        geometry.merge(counts)
        if progress is not None:
            progress(totals.structures, sum(totals.atoms.values()))
    ranges = Ranges(plan, {e: s.low for e, s in totals.sums.items()},
                    {e: s.high for e, s in totals.sums.items()})  # fmt: skip
    value_counts = {e: np.zeros((len(s), VALUE_BINS), dtype=np.int64) for e, s in plan.sfs.items()}
    for part_counts in map_chunks(_second_pass, ranges, open_structures(), jobs):
        for element, counts_of in part_counts.items():
            value_counts[element] += counts_of
    values = {}
    for element, sums in totals.sums.items():
        dead = [sums.count > 0 and is_dead(float(lo), float(hi), threshold)
                for lo, hi in zip(sums.low, sums.high)]  # fmt: skip
        values[element] = ValueDistribution(
            sums.count, value_counts[element], sums.low, sums.high, sums.mean,
            np.array(dead, dtype=bool),
        )  # fmt: skip
    return DataDistributions(totals, geometry, values)


def density(counts: IntArray, atoms: int, width: float) -> npt.NDArray[np.float64]:
    """Counts per central atom per unit of the axis (NaN-free: zeros without atoms)."""
    if atoms <= 0 or not width > 0.0 or not math.isfinite(width):
        return np.zeros(len(counts))
    return np.asarray(counts / (atoms * width), dtype=np.float64)
