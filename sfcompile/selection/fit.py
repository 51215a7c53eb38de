"""One pass over a data set with energies and forces for the force-fit selection: the normal
equations of an additive model, accumulated chunk by chunk (no atoms × SFs matrix is held).

The model (per pool SF k of central element e, basis g^p, g = (G − shift_k)·scale_k, p = 1..P):

    E_s = Σ_e n_e(s) ε_e + Σ_k Σ_p w_kp Σ_{i of e in s} g_ik^p
    F_a = −Σ_k Σ_p w_kp Σ_i p g_ik^(p−1) scale_k ∂G_ik/∂r_a

Its columns: one per element (the atom counts; energies only), then P per pool SF. Rows: one per
structure (the energy per atom, E_s / N_s) and three per atom (force components). Each chunk
gives XᵀX, Xᵀy, Σy, Σy² and the row count, separately for energy and force rows and for the
training and the validation structures (a seeded share of the structures, by their position in
the data: the split does not depend on chunks or processes). Chunks are added in file order.

The shift and scale of each SF only condition the basis (the model's span is the same for any
of them); they come from a first, short pass over the first structures (:func:`scaling`).
Constant SFs are found from the minimum and maximum over the whole pass.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import numpy as np
import numpy.typing as npt

from ..analysis.stats import Plan, evaluate_chunk, structure_error
from ..engine.cluster import ChunkProgress
from ..engine.cutoff_functions import FloatArray
from ..engine.neighbours import IntArray
from ..engine.parallel import map_chunks
from ..engine.sfvalues import ChainRequest, Geometry, StructureLike
from .collect import numbered

Progress = Callable[[int, int], None]  # (structures, atoms) done so far
UIntArray = npt.NDArray[np.uint64]
PARTS = ("energy", "forces")
SETS = ("training", "validation")
#: Atoms of the seeded sample that fixes the basis' shift and scale (the basis spans the same
#: polynomials whatever they are; they only condition the normal equations and scale the ridge,
#: so a sample this size from all over the data is enough, and costs a fixed time).
SCALING_ATOMS = 1024
#: A chunk of the fit pass closes at this many atoms (its Gram matrices travel back whole).
FIT_CHUNK_ATOMS = 4096


def _mix(x: UIntArray) -> UIntArray:
    """SplitMix64's output function (Steele, Lea & Flood 2014), elementwise."""
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return np.asarray(x ^ (x >> np.uint64(31)))


_MASK = (1 << 64) - 1


def _mix_one(x: int) -> int:
    """:func:`_mix` of one value, in Python integers (no array for a single structure)."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def structure_key(seed: int, stream: int, number: int) -> float:
    """``keys(seed, stream, [number])[0]``, for one structure at a time."""
    x = _mix_one(_mix_one(((seed << 8) | stream) & _MASK) ^ number)
    return (x >> 11) * 2.0**-53


def keys(
    seed: int, stream: int, structures: IntArray, atoms: Optional[IntArray] = None
) -> FloatArray:
    """Uniform keys in [0, 1) of structures (and atoms within them): a hash of (seed, stream,
    structure, atom), so that a key depends on nothing but where its item is in the data.
    Streams: 1 the validation split, 2 the force sample, 3 the energy sample."""
    x = _mix(np.full(len(structures), (seed << 8) | stream, dtype=np.uint64))
    x = _mix(x ^ np.asarray(structures, dtype=np.uint64))
    if atoms is not None:
        x = _mix(x ^ np.asarray(atoms, dtype=np.uint64))
    return np.asarray((x >> np.uint64(11)).astype(np.float64) * 2.0**-53)


@dataclass
class Normal:
    """XᵀX, Xᵀy, Σy, Σy² and the number of rows, of some rows of the model."""

    gram: FloatArray
    rhs: FloatArray
    total: float = 0.0
    squares: float = 0.0
    rows: int = 0

    @classmethod
    def empty(cls, width: int) -> Normal:
        return cls(np.zeros((width, width)), np.zeros(width))

    def add(self, x: FloatArray, y: FloatArray, *, negated: bool = False) -> None:
        """Add the rows ``x`` (``-x`` where ``negated``: the same bits as negating a copy, as
        (-x)ᵀ(-x) = xᵀx and (-x)ᵀy = -(xᵀy) hold exactly) with their targets ``y``."""
        if not len(y):
            return
        self.gram += x.T @ x
        self.rhs += -(x.T @ y) if negated else x.T @ y
        self.total += float(y.sum())
        self.squares += float(y @ y)
        self.rows += len(y)

    def merge(self, other: Normal) -> None:
        self.gram += other.gram
        self.rhs += other.rhs
        self.total += other.total
        self.squares += other.squares
        self.rows += other.rows


@dataclass(frozen=True)
class FitJob:
    """What every chunk needs: the plan, the basis, the split and the force sample."""

    plan: Plan
    powers: int
    shift: Dict[str, FloatArray]
    scale: Dict[str, FloatArray]
    validation: float  # share of structures held out
    seed: int
    force_share: float = 1.0  # atoms whose key is below this give force rows
    energy_share: float = 1.0  # structures whose key is below this give an energy row

    @cached_property
    def elements(self) -> List[str]:
        """The central elements, in the plan's order (the column blocks' order)."""
        return [e for e in self.plan.sfs if self.plan.sfs[e]]

    @cached_property
    def offsets(self) -> Dict[str, int]:
        """First column of each element's SF block."""
        start, out = len(self.plan.elements), {}
        for element in self.elements:
            out[element] = start
            start += len(self.plan.sfs[element]) * self.powers
        return out

    @property
    def width(self) -> int:
        return len(self.plan.elements) + sum(len(self.plan.sfs[e]) for e in self.elements) * \
            self.powers  # fmt: skip


@dataclass
class FitPart:
    """What a chunk (or the whole data) contributed."""

    normal: Dict[Tuple[str, str], Normal]  # (part, set) -> normal equations
    low: Dict[str, FloatArray]  # per element, each SF's smallest value on all structures
    high: Dict[str, FloatArray]
    trained_low: Dict[str, FloatArray]  # ... on the training structures
    trained_high: Dict[str, FloatArray]
    atoms: Dict[str, int] = field(default_factory=dict)
    structures: Dict[str, int] = field(default_factory=dict)  # per set

    @classmethod
    def empty(cls, job: FitJob) -> FitPart:
        width = job.width
        lows = [{e: np.full(len(job.plan.sfs[e]), np.inf) for e in job.elements}
                for _ in range(2)]  # fmt: skip
        highs = [{e: np.full(len(job.plan.sfs[e]), -np.inf) for e in job.elements}
                 for _ in range(2)]  # fmt: skip
        normal = {(p, s): Normal.empty(width) for p in PARTS for s in SETS}
        return cls(normal, lows[0], highs[0], lows[1], highs[1])

    def merge(self, other: FitPart) -> None:
        for key, normal in other.normal.items():
            self.normal[key].merge(normal)
        for element in self.low:
            self.low[element] = np.minimum(self.low[element], other.low[element])
            self.high[element] = np.maximum(self.high[element], other.high[element])
            self.trained_low[element] = np.minimum(self.trained_low[element],
                                                   other.trained_low[element])  # fmt: skip
            self.trained_high[element] = np.maximum(self.trained_high[element],
                                                    other.trained_high[element])  # fmt: skip
        for mine, theirs in ((self.atoms, other.atoms), (self.structures, other.structures)):
            for name, n in theirs.items():
                mine[name] = mine.get(name, 0) + n


def _reference(geometry: Geometry) -> Tuple[float, FloatArray]:
    """The structure's reference energy and forces; a located error where it has none."""
    if geometry.energy is None or geometry.forces is None:
        what = "energy" if geometry.energy is None else "forces"
        raise structure_error(geometry, (
            f"has no reference {what}, but the force fit needs the energy and forces of every "
            "structure; give them (extxyz: a calculator's results or a forces array), or "
            "select with --method cur or fps"))  # fmt: skip
    forces = np.asarray(geometry.forces, dtype=np.float64).reshape(-1, 3)
    return float(geometry.energy), forces


def fit_chunk(job: FitJob, chunk: List[Geometry]) -> FitPart:
    """The contribution of one chunk of structures."""
    part = FitPart.empty(job)
    references = [_reference(g) for g in chunk]
    numbers = np.array([g.number for g in chunk], dtype=np.int64)
    held = keys(job.seed, 1, numbers) < job.validation
    energies = keys(job.seed, 3, numbers) < job.energy_share
    counts = np.array([len(g.elements) for g in chunk], dtype=np.int64)
    owner = np.repeat(np.arange(len(chunk)), counts)
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    sampled = keys(job.seed, 2, numbers[owner], within) < job.force_share
    # The kernel writes the force rows straight into the model's matrix: the training
    # structures' sampled atoms first, then the validation ones, each in atom order, so that
    # either set is a slice of it (no copies of a matrix that can take hundreds of MB).
    atom_held = held[owner]
    order = np.concatenate([np.flatnonzero(sampled & ~atom_held),
                            np.flatnonzero(sampled & atom_held)])  # fmt: skip
    trained_rows = 3 * int(np.count_nonzero(sampled & ~atom_held))
    atom_row = np.full(int(counts.sum()), -1, dtype=np.int64)
    atom_row[order] = np.arange(len(order))
    request = ChainRequest(atom_row, len(order), job.powers, job.shift, job.scale,
                           lead=len(job.plan.elements))  # fmt: skip
    evaluation = evaluate_chunk(job.plan, chunk, chain=request)
    energy_x = np.zeros((len(chunk), job.width))
    symbols = np.array(evaluation.batch.symbols, dtype=object)
    for k, element in enumerate(job.plan.elements):
        energy_x[:, k] = np.bincount(owner[symbols == element], minlength=len(chunk))
    for element in job.elements:
        values = evaluation.values[element]
        trained = values[~held[owner[evaluation.centres[element]]]]
        if len(values):
            part.low[element] = np.minimum(part.low[element], values.min(axis=0))
            part.high[element] = np.maximum(part.high[element], values.max(axis=0))
        if len(trained):
            part.trained_low[element] = np.minimum(part.trained_low[element], trained.min(axis=0))
            part.trained_high[element] = np.maximum(part.trained_high[element],
                                                    trained.max(axis=0))  # fmt: skip
        g = (values - job.shift[element]) * job.scale[element]
        powers = np.stack([g ** (p + 1) for p in range(job.powers)], axis=2)
        powers = powers.reshape(len(g), g.shape[1] * job.powers)
        mine = owner[evaluation.centres[element]]
        block = slice(job.offsets[element], job.offsets[element] + powers.shape[1])
        if len(mine):
            np.add.at(energy_x[:, block], mine, powers)
        part.atoms[element] = part.atoms.get(element, 0) + len(values)
    energy_x /= np.maximum(counts, 1)[:, None]
    energy_y = np.array([e / max(n, 1) for (e, _), n in zip(references, counts.tolist())])
    derivatives = evaluation.derivatives
    assert derivatives is not None and derivatives.shape[2] == job.width
    # The model's force columns are minus the summed derivatives (F = -∂E/∂r): added negated.
    force_x = derivatives.reshape(3 * len(derivatives), job.width)
    forces = np.concatenate([f for _, f in references]) if references else np.zeros((0, 3))
    force_y = forces[order].reshape(-1)
    for name, mask in (("training", ~held), ("validation", held)):
        part.normal["energy", name].add(energy_x[mask & energies], energy_y[mask & energies])
        rows = slice(0, trained_rows) if name == "training" else slice(trained_rows, None)
        part.normal["forces", name].add(force_x[rows], force_y[rows], negated=True)
        part.structures[name] = part.structures.get(name, 0) + int(mask.sum())
    return part


def scaling(
    plan: Plan, structures: Iterable[StructureLike], atoms: int = SCALING_ATOMS
) -> Tuple[Dict[str, FloatArray], Dict[str, FloatArray], bool]:
    """Shift (mean) and scale (1 / standard deviation; 1 where it is 0) of every SF on the first
    structures with ``atoms`` atoms in all, and whether they carry non-zero forces."""
    chunk: List[Geometry] = []
    total = 0
    for geometry in numbered(structures):
        chunk.append(geometry)
        total += len(geometry.elements)
        if total >= atoms:
            break
    evaluation = evaluate_chunk(plan, chunk)
    shift: Dict[str, FloatArray] = {}
    scale: Dict[str, FloatArray] = {}
    for element, values in evaluation.values.items():
        if len(values):
            sigma = values.std(axis=0)
            shift[element] = values.mean(axis=0)
            scale[element] = np.where(sigma > 0, 1.0 / np.where(sigma > 0, sigma, 1.0), 1.0)
        else:
            shift[element] = np.zeros(values.shape[1])
            scale[element] = np.ones(values.shape[1])
    forces = any(g.forces is not None and np.any(np.asarray(g.forces) != 0) for g in chunk)
    return shift, scale, forces


def collect_fit(
    job: FitJob,
    structures: Iterable[StructureLike],
    jobs: int = 1,
    progress: Optional[Progress] = None,
    *,
    scheduler: Optional[str] = None,
    chunk_progress: Optional[ChunkProgress] = None,
) -> FitPart:
    """Merge the parts of every chunk of ``structures``, in file order."""
    total: Optional[FitPart] = None  # the first part, then the sum (one set of matrices less)
    parts = map_chunks(fit_chunk, job, numbered(structures), jobs, scheduler, chunk_progress,
                       chunk_atoms=FIT_CHUNK_ATOMS)  # fmt: skip
    with contextlib.closing(parts):
        for part in parts:
            if total is None:
                total = part
            else:
                total.merge(part)
            if progress is not None:
                progress(sum(total.structures.values()), sum(total.atoms.values()))
    return total if total is not None else FitPart.empty(job)
