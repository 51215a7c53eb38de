"""One pass over a data set for ``select``: per central element the moments of its SFs, the
neighbour terms each SF sums over (its measured cost), and for ``select-structures`` each
structure's mean SF vector.

SFs are evaluated as ``stats`` evaluates them (printed values, n2p2's formulas). Chunks come
from :func:`..parallel.map_chunks` and are merged in file order: nothing depends on ``jobs``.

Subsampling (``max_atoms``): every atom gets a key, uniform in [0, 1), from a random generator
seeded with (seed, structure index), so an atom's key depends on nothing but the seed and where
it is in the file. A first pass over the data (reading only) finds, per element, the
``max_atoms``-th smallest key; the evaluation pass then computes the SFs of the atoms at or
below it only. The sample is the same for every chunking and number of processes, and the SF
work shrinks with it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import numpy as np

from ..analysis.stats import Plan, evaluate_chunk
from ..engine.batch import Batch
from ..engine.cluster import ChunkProgress
from ..engine.cutoff_functions import FloatArray
from ..engine.native import Pairs
from ..engine.neighbours import IntArray
from ..engine.parallel import geometry_of, map_chunks
from ..engine.sfvalues import ANGULAR, WEIGHTED, Geometry, StructureLike
from ..generate.expand import SymmetryFunction
from .moments import Moments

Progress = Callable[[int, int], None]  # (structures, atoms) done so far
TermKey = Tuple[float, str, Tuple[str, ...]]  # cutoff, "pair"/"triplet", neighbour elements


def atom_keys(seed: int, number: int, atoms: int) -> FloatArray:
    """The sampling keys of the atoms of structure ``number`` (0-based position in the data)."""
    return np.random.default_rng([seed, number]).random(atoms)


def term_key(sf: SymmetryFunction) -> TermKey:
    """What an SF's number of terms depends on: its cutoff and neighbour elements (() for the
    weighted types: every neighbour)."""
    kind = "triplet" if sf.type_number in ANGULAR else "pair"
    neighbours = () if sf.type_number in WEIGHTED else tuple(sorted(sf.combination[1:]))
    return (float(sf.cutoff), kind, neighbours)


@dataclass(frozen=True)
class Job:
    """What every chunk needs: the plan, the sample and whether to keep structure summaries."""

    plan: Plan
    thresholds: Optional[Dict[str, float]] = None  # keep atoms with key <= this; None: all
    seed: int = 0
    summaries: bool = False

    @cached_property
    def term_keys(self) -> Dict[str, List[TermKey]]:
        """Per central element, the term key of each of its SFs (once per run, not per
        structure)."""
        return {e: [term_key(sf) for sf in sfs] for e, sfs in self.plan.sfs.items()}


@dataclass
class Part:
    """What a chunk (or the whole data) contributed."""

    moments: Dict[str, Moments]
    terms: Dict[str, FloatArray]  # element -> per SF, the neighbour terms summed over its atoms
    used: Dict[str, int] = field(default_factory=dict)  # atoms evaluated, per element
    seen: Dict[str, int] = field(default_factory=dict)  # atoms in the data, per element
    structures: int = 0
    summaries: List[Tuple[int, Dict[str, FloatArray]]] = field(default_factory=list)

    @classmethod
    def empty(cls, plan: Plan) -> Part:
        widths = {e: len(sfs) for e, sfs in plan.sfs.items()}
        return cls(
            {e: Moments(n) for e, n in widths.items()}, {e: np.zeros(n) for e, n in widths.items()}
        )

    def merge(self, other: Part) -> None:
        for element, moments in other.moments.items():
            self.moments[element].merge(moments)
            self.terms[element] = self.terms[element] + other.terms[element]
        for mine, theirs in ((self.used, other.used), (self.seen, other.seen)):
            for element, n in theirs.items():
                mine[element] = mine.get(element, 0) + n
        self.structures += other.structures
        self.summaries += other.summaries


def _neighbour_counts(
    pairs: Pairs, species: IntArray, kinds: int, centres: IntArray, cutoff: float
) -> IntArray:
    """Neighbours of each atom of ``centres`` within ``cutoff``, per species code."""
    inside = pairs.distances < cutoff
    key = pairs.i[inside] * kinds + species[pairs.j[inside]]
    counts = np.bincount(key, minlength=len(species) * kinds).reshape(len(species), kinds)
    return np.asarray(counts[centres])


def _terms(counts: IntArray, kinds: Tuple[str, ...], key: TermKey) -> float:
    """The terms an SF of ``key`` sums over, for atoms with these neighbour ``counts``."""
    _, kind, names = key
    code = {name: k for k, name in enumerate(kinds)}
    if names and any(name not in code for name in names):
        return 0.0
    if kind == "pair":
        return float(counts.sum() if not names else counts[:, code[names[0]]].sum())
    if not names:
        total = counts.sum(axis=1)
        return float((total * (total - 1) // 2).sum())
    a, b = counts[:, code[names[0]]], counts[:, code[names[1]]]
    return float((a * (a - 1) // 2).sum() if names[0] == names[1] else (a * b).sum())


def _costs(keys: List[TermKey], batch: Batch, centres: IntArray) -> FloatArray:
    """Per SF (``keys``: their term keys): the neighbour terms it sums over for these atoms
    (batch numbering)."""
    kinds = tuple(dict.fromkeys(batch.symbols))
    code = {name: k for k, name in enumerate(kinds)}
    species = np.array([code[x] for x in batch.symbols], dtype=np.int64)
    counts: Dict[float, IntArray] = {}
    found: Dict[TermKey, float] = {}
    for key in dict.fromkeys(keys):
        if key[0] not in counts:
            counts[key[0]] = _neighbour_counts(batch.pairs, species, len(kinds), centres, key[0])
        found[key] = _terms(counts[key[0]], kinds, key)
    return np.array([found[key] for key in keys])


def _sampled(job: Job, chunk: List[Geometry]) -> Optional[List[Optional[Dict[str, IntArray]]]]:
    """Per structure, the atoms of each element in the sample (None: every atom)."""
    if job.thresholds is None:
        return None
    found: List[Optional[Dict[str, IntArray]]] = []
    for geometry in chunk:
        symbols = np.array(list(geometry.elements))
        keys = atom_keys(job.seed, geometry.number, len(symbols))
        found.append({e: np.flatnonzero((symbols == e) & (keys <= t))
                      for e, t in job.thresholds.items()})  # fmt: skip
    return found


def chunk_part(job: Job, chunk: List[Geometry]) -> Part:
    """The contribution of one chunk of structures, evaluated as one batch."""
    part = Part.empty(job.plan)
    evaluation = evaluate_chunk(job.plan, chunk, _sampled(job, chunk))
    for element, values in evaluation.values.items():
        part.used[element] = len(values)
        if len(values):
            part.moments[element] = Moments.of(values)
            part.terms[element] = _costs(job.term_keys[element], evaluation.batch,
                                         evaluation.centres[element])  # fmt: skip
    for geometry in chunk:
        for element in geometry.elements:
            part.seen[element] = part.seen.get(element, 0) + 1
    if job.summaries:
        for s, geometry in enumerate(chunk):
            means = {}
            for element, values in evaluation.values.items():
                lo, hi = evaluation.rows[element][s], evaluation.rows[element][s + 1]
                if hi > lo:
                    means[element] = values[lo:hi].mean(axis=0)
            part.summaries.append((geometry.number, means))
    part.structures = len(chunk)
    return part


def numbered(structures: Iterable[StructureLike]) -> Iterator[Geometry]:
    """The structures as Geometry, each knowing its 0-based position in the data."""
    for k, structure in enumerate(structures):
        geometry = geometry_of(structure)
        yield geometry if geometry.number >= 0 else geometry._replace(number=k)


def draw_sample(
    structures: Iterable[StructureLike], elements: Iterable[str], max_atoms: int, seed: int
) -> Dict[str, float]:
    """Per element, the key at or below which an atom is in the sample (the ``max_atoms``-th
    smallest; every atom if there are fewer). Holds at most about 2·max_atoms keys."""
    kept: Dict[str, FloatArray] = {e: np.zeros(0) for e in elements}
    pending: Dict[str, List[FloatArray]] = {e: [] for e in kept}
    sizes = dict.fromkeys(kept, 0)

    def shrink(element: str) -> None:
        keys = np.concatenate([kept[element], *pending[element]])
        if len(keys) > max_atoms:
            keys = np.partition(keys, max_atoms - 1)[:max_atoms]
        kept[element], pending[element], sizes[element] = keys, [], len(keys)

    for geometry in numbered(structures):
        symbols = np.array(list(geometry.elements))
        keys = atom_keys(seed, geometry.number, len(symbols))
        for element in kept:
            mine = keys[symbols == element]
            if len(mine):
                pending[element].append(mine)
                sizes[element] += len(mine)
                if sizes[element] > 2 * max_atoms:
                    shrink(element)
    thresholds = {}
    for element in kept:
        shrink(element)
        keys = kept[element]
        thresholds[element] = float(keys.max()) if len(keys) == max_atoms else float("inf")
    return thresholds


def collect(
    job: Job,
    structures: Iterable[StructureLike],
    jobs: int = 1,
    progress: Optional[Progress] = None,
    *,
    scheduler: Optional[str] = None,
    chunk_progress: Optional[ChunkProgress] = None,
) -> Part:
    """Merge the parts of every chunk of ``structures``, in file order (computed here, in
    ``jobs`` processes or on the Dask cluster of ``scheduler``)."""
    total = Part.empty(job.plan)
    parts = map_chunks(chunk_part, job, numbered(structures), jobs, scheduler, chunk_progress)
    with contextlib.closing(parts):  # an exception here stops the chunks in flight at once
        for part in parts:
            total.merge(part)
            if progress is not None:
                progress(total.structures, sum(total.seen.values()))
    return total
