"""``sfcompile select`` by fit to reference energies and forces (the default on data with
forces): plan the run, make the one pass (:mod:`.fit`), pick greedily (:mod:`.forward`).

Planning. A first reading of the data counts its structures and atoms, tells whether it has
forces, and keeps its first structures for the basis' shift and scale. The model has
``degree`` columns per pool SF; its normal equations (four of them: energies and forces, of the
training and of the validation structures) are columns² doubles each, so a pool too large for
the memory budget is fitted with a lower degree (a note says so). Accumulating them costs
rows × columns² operations, so the force rows come from a seeded sample of atoms (and, for very
many structures, the energy rows from a sample of structures) chosen to keep that work near
:data:`WORK` — the sample is the same for any chunking and number of processes. Work on the
kernel's side shrinks with the sample too: gradients are built only where a sampled atom's
force needs them.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import numpy as np

from ..analysis.report import describe
from ..analysis.stats import Plan
from ..engine.cluster import ChunkProgress
from ..engine.cutoff_functions import FloatArray
from ..engine.parallel import geometry_of
from ..engine.sfvalues import Geometry, StructureLike
from ..errors import Diagnostic
from ..targets.formatting import NumberFormat
from .collect import Progress
from .fit import SCALING_ATOMS, FitJob, FitPart, collect_fit, scaling, structure_key
from .forward import RIDGE, Candidate, Errors, Forward, Step, forward_selection
from .pricing import cost_curve, cost_model, marginal_costs

#: Operations (rows × columns²) the normal equations of a run may cost, about: a few seconds.
WORK = 3e10
#: At least this many force rows are sampled (when the data has them): a fit of a few hundred
#: columns stays well determined.
MIN_FORCE_ROWS = 6000
#: Training force rows per column of the model at least: with fewer, the greedy picks follow
#: the noise of the rows (measured: 40 Cu–Au structures, degree 3 picked SFs that validated
#: worse than degree 1's, 0.70 against 0.30 eV/Å). The degree is lowered until it holds, and
#: the force sample is at least this many rows per column.
ROWS_PER_COLUMN = 3
DEGREES = (1, 2, 3)


class FitRefused(ValueError):
    """The fit cannot be made as asked (the message says why)."""


@dataclass(frozen=True)
class FitSettings:
    """The knobs of the force fit (see ``sfcompile select --help``)."""

    degree: int = 3
    validation: float = 0.1
    energy_weight: float = 1.0
    force_atoms: Optional[int] = None  # None: from the work budget
    ridge: float = RIDGE


@dataclass
class Survey:
    """What a first reading of the data says."""

    structures: int = 0
    atoms: int = 0
    forces: bool = True  # every structure has forces
    nonzero: bool = False  # some force is not zero
    energies: bool = True
    missing: Optional[Geometry] = None  # the first structure without forces or energy
    head: List[Geometry] = field(default_factory=list)  # a seeded sample, for the basis


def survey(structures: Iterable[StructureLike], seed: int = 0) -> Survey:
    """Count the structures and atoms; keep a seeded sample of whole structures of about
    SCALING_ATOMS atoms from all over the data (those with the smallest keys), in file order."""
    found = Survey()
    sample: List[Tuple[float, int, Geometry]] = []  # a max-heap by key (keys negated)
    kept = 0
    for k, structure in enumerate(structures):
        geometry = geometry_of(structure)
        if geometry.number < 0:
            geometry = geometry._replace(number=k)
        found.structures += 1
        found.atoms += len(geometry.elements)
        key = structure_key(seed, 4, geometry.number)
        if kept < SCALING_ATOMS or key < -sample[0][0]:
            heapq.heappush(sample, (-key, geometry.number, geometry))
            kept += len(geometry.elements)
            while len(sample) > 1 and kept - len(sample[0][2].elements) >= SCALING_ATOMS:
                kept -= len(heapq.heappop(sample)[2].elements)
        if geometry.forces is None or geometry.energy is None:
            found.forces = found.forces and geometry.forces is not None
            found.energies = found.energies and geometry.energy is not None
            found.missing = found.missing or geometry
        elif not found.nonzero and np.any(np.asarray(geometry.forces) != 0.0):
            found.nonzero = True
    found.head = sorted((g for _, _, g in sample), key=lambda g: g.number)
    return found


def usable(found: Survey) -> bool:
    """Whether the data can be fitted: energies and forces everywhere, not all forces zero."""
    return found.structures > 0 and found.forces and found.energies and found.nonzero


def columns(plan: Plan, degree: int) -> int:
    return len(plan.elements) + degree * sum(len(sfs) for sfs in plan.sfs.values())


def memory(plan: Plan, degree: int, jobs: int) -> int:
    """Bytes: four normal equations per part, parts in flight (two per process) and merged,
    plus the selection's own copies."""
    width = columns(plan, degree)
    return 8 * width * width * (4 * (2 * max(jobs, 1) + 1) + 3)


@dataclass(frozen=True)
class FitPlan:
    """The run as planned: degree and sample shares, and why."""

    degree: int
    force_share: float
    energy_share: float
    notes: Tuple[str, ...]


def plan_fit(
    plan: Plan, found: Survey, settings: FitSettings, jobs: int, max_memory: int
) -> FitPlan:
    """The degree (the settings', lowered where the memory or the data's force rows are too few
    for it) and the shares of atoms and structures sampled, with notes saying why."""
    notes: List[str] = []
    degree = settings.degree
    while degree > 1 and memory(plan, degree, jobs) > max_memory:
        degree -= 1
    if memory(plan, degree, jobs) > max_memory:
        raise FitRefused(
            f"the fit's normal equations for the pool's {columns(plan, 1):,} SFs would need "
            f"about {memory(plan, 1, jobs) / 2**20:,.0f} MiB even at degree 1, more than the "
            f"limit of {max_memory / 2**20:,.0f} MiB; use a smaller pool or fewer processes, or "
            "raise --max-memory"
        )
    if degree < settings.degree:
        notes.append(
            f"fitted with degree {degree}, not {settings.degree}: at degree {settings.degree} "
            f"the normal equations of the pool's {columns(plan, 1):,} SFs would need about "
            f"{memory(plan, settings.degree, jobs) / 2**20:,.0f} MiB (limit "
            f"{max_memory / 2**20:,.0f} MiB; --max-memory)"
        )
    available = 3 * found.atoms * (1.0 - settings.validation)  # training force rows, about
    wanted = degree
    while degree > 1 and available < ROWS_PER_COLUMN * columns(plan, degree):
        degree -= 1
    if degree < wanted:
        notes.append(
            f"fitted with degree {degree}, not {wanted}: the data's about {available:,.0f} "
            f"training force components are too few for the {columns(plan, wanted):,} columns "
            f"of degree {wanted} (at least {ROWS_PER_COLUMN} per column, or the picks follow "
            "noise)"
        )
    width = columns(plan, degree)
    rows = max(WORK / (width * width), ROWS_PER_COLUMN * width, MIN_FORCE_ROWS)
    atoms = settings.force_atoms if settings.force_atoms is not None else math.ceil(rows / 3)
    force_share = min(1.0, atoms / max(found.atoms, 1))
    energy_share = min(1.0, max(rows, 5000) / max(found.structures, 1))
    if force_share < 1.0:
        notes.append(
            f"forces of a sample of about {force_share * found.atoms:,.0f} of the "
            f"{found.atoms:,} atoms (seeded; --force-atoms for more)"
        )
    if energy_share < 1.0:
        notes.append(
            f"energies of a sample of about {energy_share * found.structures:,.0f} of the "
            f"{found.structures:,} structures (seeded)"
        )
    return FitPlan(degree, force_share, energy_share, tuple(notes))


@dataclass(frozen=True)
class FitOutcome:
    """What the fit selection found: the candidates, the steps, the run's figures."""

    settings: FitSettings
    planned: FitPlan
    candidates: List[Candidate]
    steps: List[Step]
    part: FitPart
    constant: Dict[str, List[int]]  # per element, the pool positions constant on the data
    baseline: Dict[str, Errors]  # the errors of the element offsets alone, per set
    extrapolating: List[Tuple[str, int, float]] = field(default_factory=list)  # see extrapolated
    cost: List[float] = field(default_factory=list)  # predicted n2p2 µs per atom after each pick
    cost_weighted: bool = False

    def picks(self, element: str) -> List[Tuple[int, Step]]:
        """The element's pool positions in pick order, with their steps."""
        return [(self.candidates[s.candidate].position, s) for s in self.steps
                if self.candidates[s.candidate].element == element]  # fmt: skip

    @property
    def force_rms(self) -> float:
        """RMS of the training structures' reference force components: the error of a model
        without SFs."""
        return self.baseline["training"].forces

    @property
    def energy_sigma(self) -> float:
        """The training RMSE of the energy per atom with the element offsets alone (what the
        composition explains is no part of it)."""
        return self.baseline["training"].energy


def fit_pass(
    plan: Plan,
    open_data: Callable[[], Iterable[StructureLike]],
    found: Survey,
    settings: FitSettings,
    *,
    seed: int,
    jobs: int,
    max_memory: int,
    progress: Optional[Progress],
    scheduler: Optional[str],
    chunk_progress: Optional[ChunkProgress],
) -> Tuple[FitPlan, FitJob, FitPart, List[Candidate], Dict[str, List[int]], Forward]:
    """The plan, the basis, the pass over the data, the candidates (and the constant SFs) and
    the forward-selection machine over them, nothing picked yet: what select and score share."""
    planned = plan_fit(plan, found, settings, jobs, max_memory)
    shift, scale, _ = scaling(plan, found.head)
    job = FitJob(plan, planned.degree, shift, scale, settings.validation, seed,
                 planned.force_share, planned.energy_share)  # fmt: skip
    part = collect_fit(job, open_data(), jobs, progress, scheduler=scheduler,
                       chunk_progress=chunk_progress)  # fmt: skip
    candidates, constant = candidates_of(job, part)
    machine = Forward(part.normal, np.arange(len(plan.elements), dtype=np.int64), candidates,
                      settings.energy_weight, settings.ridge, spreads(job, part))  # fmt: skip
    return planned, job, part, candidates, constant, machine


def fit_select(
    plan: Plan,
    open_data: Callable[[], Iterable[StructureLike]],
    found: Survey,
    settings: FitSettings,
    quotas: Callable[[Dict[str, int]], Optional[Dict[str, int]]],
    target_force_rmse: Optional[float],
    *,
    seed: int = 0,
    jobs: int = 1,
    max_memory: int,
    progress: Optional[Progress] = None,
    scheduler: Optional[str] = None,
    chunk_progress: Optional[ChunkProgress] = None,
    cost_weighted: bool = False,
) -> FitOutcome:
    """The pass over the data and the greedy picks: ``quotas`` says, from the number of SFs of
    each element that vary on the data, how many to pick of each (None: until the validation
    force RMSE is at most ``target_force_rmse``); ``cost_weighted``: by the drop of the
    objective per µs of each pick's marginal n2p2 cost."""
    planned, job, part, candidates, constant, machine = fit_pass(
        plan, open_data, found, settings, seed=seed, jobs=jobs, max_memory=max_memory,
        progress=progress, scheduler=scheduler, chunk_progress=chunk_progress,
    )  # fmt: skip
    asked = quotas({e: len(plan.sfs[e]) - len(constant[e]) for e in job.elements})
    model = cost_model(plan, found.head)
    prices = marginal_costs(model, plan)(candidates) if cost_weighted else None
    steps = forward_selection(machine, asked, target_force_rmse, prices)
    picked: Dict[str, List[int]] = {}
    for step in steps:
        candidate = candidates[step.candidate]
        picked.setdefault(candidate.element, []).append(candidate.position)
    return FitOutcome(settings, planned, candidates, steps, part, constant, machine.baseline,
                      extrapolated(job, part, picked), cost_curve(model, plan, candidates, steps),
                      cost_weighted)  # fmt: skip


def spreads(job: FitJob, part: FitPart) -> FloatArray:
    """Per column, the largest |g^p| of its SF over the data (1 for the offsets)."""
    out = np.ones(job.width)
    for element in job.elements:
        low = (part.low[element] - job.shift[element]) * job.scale[element]
        high = (part.high[element] - job.shift[element]) * job.scale[element]
        reach = np.maximum(np.abs(low), np.abs(high))
        reach = np.where(np.isfinite(reach) & (reach > 0), reach, 1.0)
        for p in range(job.powers):
            columns = job.offsets[element] + np.arange(len(reach)) * job.powers + p
            out[columns] = reach ** (p + 1)
    return out


#: An SF takes values on validation structures this many of its training spans beyond them:
#: the model extrapolates there (a polynomial of it can swing far), and says so.
EXTRAPOLATION = 1.0


def extrapolated(
    job: FitJob, part: FitPart, chosen: Optional[Dict[str, List[int]]] = None
) -> List[Tuple[str, int, float]]:
    """(element, pool position, how many training spans beyond) of each SF (of ``chosen``, or
    of the whole plan) whose validation values leave its training range by more than
    EXTRAPOLATION spans; the largest first."""
    found: List[Tuple[str, int, float]] = []
    for element in job.elements:
        low, high = part.trained_low[element], part.trained_high[element]
        span = np.where(high > low, high - low, np.inf)
        with np.errstate(invalid="ignore"):  # an element without atoms: ±inf bounds, no SF
            beyond = np.maximum(low - part.low[element], part.high[element] - high) / span
        positions = range(len(beyond)) if chosen is None else chosen.get(element, [])
        found += [(element, k, float(beyond[k])) for k in positions
                  if np.isfinite(beyond[k]) and beyond[k] > EXTRAPOLATION]  # fmt: skip
    return sorted(found, key=lambda item: -item[2])


def candidates_of(job: FitJob, part: FitPart) -> Tuple[List[Candidate], Dict[str, List[int]]]:
    """Every pool SF that varies on the data, with its columns; and the constant ones."""
    out: List[Candidate] = []
    constant: Dict[str, List[int]] = {}
    for element in job.elements:
        low, high = part.low[element], part.high[element]
        varying = high > low
        constant[element] = np.flatnonzero(~varying).tolist()
        for k in np.flatnonzero(varying).tolist():
            first = job.offsets[element] + k * job.powers
            out.append(Candidate(element, k, np.arange(first, first + job.powers)))
    return out, constant


def missing_message(found: Survey, data_name: str) -> Diagnostic:
    """Where the data lacks what the force fit needs."""
    geometry = found.missing
    if geometry is None:
        what = "every force in it is 0" if found.structures else "it has no structures"
        return Diagnostic("error", f"{what}; the force fit needs reference forces", data_name)
    lacking = "forces" if geometry.forces is None else "energy"
    which = f"structure {geometry.number} (0-based)" if geometry.number >= 0 else "a structure"
    line = geometry.line or None
    return Diagnostic(
        "error",
        f"{which} has no reference {lacking}: the force fit needs the energy and forces of every "
        "structure (extxyz: a calculator's results or a forces array); or select with "
        "--method cur or fps",
        geometry.source or data_name, line, 1 if line else None,
    )  # fmt: skip


def reference_figures(outcome: FitOutcome) -> Dict[str, float]:
    """The scale of the errors: those of the element offsets alone (training structures)."""
    return {"force_rms": outcome.force_rms, "energy_per_atom_sigma": outcome.energy_sigma}


def extrapolation_note(
    outcome: FitOutcome, plan: Plan, what: str, numbers: Optional[NumberFormat] = None
) -> Optional[str]:
    """A note naming the SFs (of ``what``: "the selection", "the set") whose validation values
    lie far beyond their training range, or None (``numbers``: as the compiled lines print
    them)."""
    if not outcome.extrapolating:
        return None
    shown = [f"{describe(plan.sfs[e][k], numbers)} ({beyond:.3g} spans)"
             for e, k, beyond in outcome.extrapolating[:3]]  # fmt: skip
    more = len(outcome.extrapolating) - len(shown)
    return (
        f"{len(outcome.extrapolating)} SF(s) of {what} take values on the validation structures "
        f"far beyond their range on the training structures (by more than "
        f"{EXTRAPOLATION:g} × that range): {', '.join(shown)}{f' and {more} more' if more else ''}"
        "; the model extrapolates there, which can dominate its validation error"
    )
