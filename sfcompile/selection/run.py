"""``sfcompile select``: rank a pool spec's SFs on data and keep the best, per central element.

Steps: check the size rule against the pool (before any data is read); estimate the memory
(the Gram matrix of each element's SFs, m × m doubles, per chunk in flight and merged) and
refuse beyond the budget; optionally draw the atom sample (:mod:`.collect`); one pass over the
data for the moments and measured costs; per element drop the constant SFs, standardise, and
pick greedily (:mod:`.greedy`).

Cost weighting: an SF's cost is the number of neighbour terms its sum runs over per atom of its
central element, measured on the atoms used: pairs within its cutoff with its neighbour element
(any neighbour for the weighted types), or triplets j < k with its neighbour pair. Scores (CUR)
and distances (FPS) are divided by it, so of two SFs that carry similar information the cheaper
one wins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import numpy as np

from ..analysis.report import DEAD_THRESHOLD
from ..analysis.stats import Plan
from ..engine.cluster import ChunkProgress
from ..engine.cutoff_functions import FloatArray
from ..engine.limits import MAX_SELECTION_MEMORY
from ..engine.sfvalues import StructureLike
from ..errors import Diagnostic, SfcompileError
from ..generate.expand import SymmetryFunction
from ..generate.pipeline import Checked
from ..targets.formatting import NumberFormat
from .collect import Job, Part, Progress, collect, draw_sample
from .fit_run import (
    FitOutcome,
    FitRefused,
    FitSettings,
    Survey,
    extrapolation_note,
    fit_select,
    missing_message,
    survey,
    usable,
)
from .greedy import METHODS, Picks, select_columns


class SelectionError(SfcompileError):
    """A selection cannot be made as asked (the size rule, the data, the memory budget)."""


@dataclass(frozen=True)
class SizeRule:
    """How many SFs to keep: exactly one rule is given. ``max_unexplained`` (cur, fps): per
    element, as few as leave at most that fraction of the variance; ``max_validation_rmse``
    (fit): over all elements, as few as bring the validation force RMSE down to it."""

    per_element: Optional[int] = None
    counts: Optional[Dict[str, int]] = None
    fraction: Optional[float] = None
    max_unexplained: Optional[float] = None
    max_validation_rmse: Optional[float] = None

    def __post_init__(self) -> None:
        given = [x for x in (self.per_element, self.counts, self.fraction, self.max_unexplained,
                             self.max_validation_rmse) if x is not None]  # fmt: skip
        if len(given) != 1:
            raise ValueError(
                "give exactly one size rule: per_element, counts, fraction, max_unexplained or "
                "max_validation_rmse"
            )
        if self.max_validation_rmse is not None and not self.max_validation_rmse > 0:
            raise ValueError(
                f"max_validation_rmse must be positive, not {self.max_validation_rmse!r}"
            )
        if self.fraction is not None and not 0 < self.fraction <= 1:
            raise ValueError(f"fraction must be in (0, 1], not {self.fraction!r}")
        if self.max_unexplained is not None and not 0 <= self.max_unexplained < 1:
            raise ValueError(f"max_unexplained must be in [0, 1), not {self.max_unexplained!r}")
        for n in [self.per_element, *(self.counts or {}).values()]:
            if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
                raise ValueError(f"a number of SFs must be a positive integer, not {n!r}")

    def describe(self) -> str:
        if self.per_element is not None:
            return f"per-element {self.per_element}"
        if self.counts is not None:
            return "count " + ",".join(f"{e}={n}" for e, n in self.counts.items())
        if self.fraction is not None:
            return f"fraction {self.fraction!r}"
        if self.max_validation_rmse is not None:
            return f"max-validation-rmse {self.max_validation_rmse!r}"
        return f"max-unexplained {self.max_unexplained!r}"

    def count(self, element: str, varying: int) -> Optional[int]:
        """The number to pick (None: as many as the threshold rules need)."""
        if self.per_element is not None:
            return self.per_element
        if self.counts is not None:
            return self.counts.get(element)
        if self.fraction is not None:
            return max(1, math.ceil(self.fraction * varying - 1e-9))
        return None


@dataclass(frozen=True)
class ElementChoice:
    """The selection of one central element's SFs (positions index its pool SFs, spec order)."""

    element: str
    pool: List[SymmetryFunction]  # as generated (exact values), spec order
    printed: List[SymmetryFunction]  # as n2p2 reads them (what was evaluated)
    constant: List[int]
    picks: Picks  # indices are positions in ``pool``
    atoms: int  # atoms used
    cost: FloatArray  # mean neighbour terms per atom, per pool SF
    gram_size: int  # the varying SFs: the Gram matrix is gram_size x gram_size
    gram_bytes: int
    asked: Optional[int]

    @property
    def chosen(self) -> List[SymmetryFunction]:
        return [self.pool[k] for k in self.picks.indices]

    @property
    def unexplained(self) -> float:
        return self.picks.unexplained[-1] if self.picks.unexplained else 1.0


@dataclass(frozen=True)
class SelectionRun:
    checked: Checked
    method: str  # the method that ran: fit, cur or fps
    cost_weighted: bool
    rule: SizeRule
    elements: Dict[str, ElementChoice]  # spec element order, elements with SFs
    structures: int
    max_atoms: Optional[int]
    seed: int
    fit: Optional[FitOutcome] = None
    notes: Tuple[str, ...] = ()  # what the run decided on its own (method, degree, samples)

    @property
    def atoms(self) -> int:
        return sum(c.atoms for c in self.elements.values())


def gram_estimate(plan: Plan, jobs: int) -> int:
    """Bytes of the Gram matrices: one per element merged, one per chunk in flight and its
    two temporaries, plus the standardised copy and eigen-decomposition workspace."""
    squares = sum(len(sfs) ** 2 for sfs in plan.sfs.values())
    return 8 * squares * (6 + 2 * max(jobs, 1))


def _refusal(checked: Checked, element: str, message: str) -> Diagnostic:
    index = checked.loaded.spec.elements.index(element)
    return checked.loaded.diagnostic("error", ("elements", index), message)


def _check_rule(checked: Checked, plan: Plan, rule: SizeRule) -> None:
    problems = []
    for element, n in (rule.counts or {}).items():
        if element not in plan.sfs or not plan.sfs[element]:
            problems.append(checked.loaded.diagnostic(
                "error", ("elements",), f"--count {element}={n}: {element} is not a central "
                f"element of the pool's SFs (they are {', '.join(_central(plan))})",
            ))  # fmt: skip
    for element in _central(plan):
        asked = rule.count(element, len(plan.sfs[element]))
        pool = len(plan.sfs[element])
        if rule.counts is not None and element not in rule.counts:
            message = f"--count gives no number for central element {element}; add {element}=N"
            problems.append(_refusal(checked, element, message))
        elif asked is not None and asked > pool:
            message = (
                f"{rule.describe()}: the pool has only {pool} SFs of central element {element}; "
                f"ask for at most {pool}"
            )
            problems.append(_refusal(checked, element, message))
    if problems:
        raise SelectionError(problems)


def _central(plan: Plan) -> List[str]:
    return [e for e in plan.elements if plan.sfs.get(e)]


def _check_memory(plan: Plan, jobs: int, max_memory: int) -> None:
    need = gram_estimate(plan, jobs)
    if need > max_memory:
        widths = ", ".join(f"{e} {len(s)}" for e, s in plan.sfs.items() if s)
        raise SelectionError([Diagnostic("error", (
            f"the selection would need about {need / 2**20:,.0f} MiB for the Gram matrices of "
            f"the pool's SFs per central element ({widths}; 8 bytes × m² each, per process), "
            f"more than the limit of {max_memory / 2**20:,.0f} MiB; use fewer SFs or "
            "processes, or raise --max-memory"), "<select>")])  # fmt: skip


#: ``auto``: the force fit where the data has energies and forces, else CUR.
CHOICES = ("auto", "fit", *METHODS)


def select(
    checked: Checked,
    plan: Plan,
    open_data: Callable[[], Iterable[StructureLike]],
    rule: SizeRule,
    *,
    method: str = "auto",
    cost_weighted: bool = False,
    max_atoms: Optional[int] = None,
    seed: int = 0,
    jobs: int = 1,
    progress: Optional[Progress] = None,
    max_memory: int = MAX_SELECTION_MEMORY,
    data_name: str = "<data>",
    scheduler: Optional[str] = None,
    chunk_progress: Optional[ChunkProgress] = None,
    fit: Optional[FitSettings] = None,
) -> SelectionRun:
    """Rank and pick ``plan``'s SFs (the plan of ``checked``) on the structures ``open_data()``
    yields (called more than once: a first reading plans the run, the second evaluates; the
    SFs are evaluated here, in ``jobs`` processes or on the Dask cluster of ``scheduler``)."""
    if method not in CHOICES:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(CHOICES)}")
    _check_rule(checked, plan, rule)
    notes: List[str] = []
    if method in ("auto", "fit"):
        found = survey(open_data(), seed)
        if usable(found):
            method = "fit"
        elif method == "fit" or rule.max_validation_rmse is not None:
            raise SelectionError([missing_message(found, data_name)])
        else:
            method = "cur"
            notes.append(
                f"{data_name} has no reference forces (or they are all 0): selected by CUR on "
                "the SF values, not by the fit to energies and forces"
            )
    if method == "fit":
        return _select_by_fit(
            checked, plan, open_data, rule, found, fit or FitSettings(), notes,
            cost_weighted=cost_weighted,
            seed=seed, jobs=jobs, progress=progress, max_memory=max_memory,
            data_name=data_name, scheduler=scheduler, chunk_progress=chunk_progress,
        )  # fmt: skip
    if rule.max_validation_rmse is not None:
        raise SelectionError([Diagnostic("error", (
            f"--max-validation-rmse is a size rule of the force fit, not of {method}; use "
            "--max-unexplained, or select by fit"), "<select>")])  # fmt: skip
    _check_memory(plan, jobs, max_memory)
    thresholds = None
    if max_atoms is not None:
        thresholds = draw_sample(open_data(), _central(plan), max_atoms, seed)
    job = Job(plan, thresholds, seed)
    part = collect(
        job, open_data(), jobs, progress, scheduler=scheduler, chunk_progress=chunk_progress
    )
    pools = _pools(checked)
    choices: Dict[str, ElementChoice] = {}
    problems: List[Diagnostic] = []
    for element in _central(plan):
        try:
            choices[element] = _choose(
                checked, plan, part, element, pools[element], rule, method, cost_weighted,
                data_name,
            )  # fmt: skip
        except SelectionError as exc:
            problems += exc.diagnostics
    if problems:
        raise SelectionError(problems)
    return SelectionRun(
        checked, method, cost_weighted, rule, choices, part.structures, max_atoms, seed,
        notes=tuple(notes),
    )  # fmt: skip


def _select_by_fit(
    checked: Checked,
    plan: Plan,
    open_data: Callable[[], Iterable[StructureLike]],
    rule: SizeRule,
    found: Survey,
    settings: FitSettings,
    notes: List[str],
    *,
    cost_weighted: bool,
    seed: int,
    jobs: int,
    progress: Optional[Progress],
    max_memory: int,
    data_name: str,
    scheduler: Optional[str],
    chunk_progress: Optional[ChunkProgress],
) -> SelectionRun:
    if rule.max_unexplained is not None:
        raise SelectionError([Diagnostic("error", (
            "--max-unexplained is a size rule of cur and fps (a fraction of the SF values' "
            "variance); the force fit stops by --max-validation-rmse (or give a number of SFs)"),
            "<select>")])  # fmt: skip
    try:
        outcome = fit_select(
            plan, open_data, found, settings, lambda counts: _quotas(checked, rule, counts,
            data_name), rule.max_validation_rmse, seed=seed, jobs=jobs, max_memory=max_memory,
            progress=progress, scheduler=scheduler, chunk_progress=chunk_progress,
        )  # fmt: skip
    except FitRefused as exc:
        raise SelectionError([Diagnostic("error", str(exc), "<select>")]) from None
    pools = _pools(checked)
    choices = {e: _fit_choice(plan, outcome, e, pools[e], rule) for e in _central(plan)}
    notes += outcome.planned.notes
    numbers = NumberFormat(checked.loaded.spec.output.precision)
    note = extrapolation_note(outcome, plan, "the selection", numbers)
    if note is not None:
        notes.append(note)
    return SelectionRun(
        checked, "fit", cost_weighted, rule, choices, sum(outcome.part.structures.values()),
        None, seed, fit=outcome, notes=tuple(notes),
    )  # fmt: skip


def _quotas(
    checked: Checked, rule: SizeRule, varying: Dict[str, int], data_name: str
) -> Optional[Dict[str, int]]:
    """Per element, how many SFs to pick (None: by the validation RMSE); refusals located."""
    if rule.max_validation_rmse is not None:
        return None
    quotas: Dict[str, int] = {}
    problems = []
    for element, n in varying.items():
        asked = rule.count(element, n)
        assert asked is not None
        if not n:
            problems.append(_refusal(checked, element, (
                f"every SF of central element {element} is constant on {data_name} (or no "
                f"atom of {element} is in it): nothing to fit them by")))  # fmt: skip
        elif asked > n:
            problems.append(_refusal(checked, element, (
                f"{rule.describe()}: only {n} SFs of central element {element} vary on "
                f"{data_name} (the others are constant: never picked); ask for at most {n}"),
            ))  # fmt: skip
        quotas[element] = asked
    if problems:
        raise SelectionError(problems)
    return quotas


def _fit_choice(
    plan: Plan, outcome: FitOutcome, element: str, pool: List[SymmetryFunction], rule: SizeRule
) -> ElementChoice:
    picked = outcome.picks(element)
    picks = Picks([k for k, _ in picked], [s.gain for _, s in picked],
                  [s.objective for _, s in picked], False)  # fmt: skip
    asked = rule.count(element, len(pool) - len(outcome.constant[element]))
    width = outcome.part.normal["forces", "training"].gram.shape[0]
    return ElementChoice(
        element, pool, plan.sfs[element], outcome.constant[element],
        picks._replace(exhausted=asked is not None and len(picked) < asked),
        outcome.part.atoms.get(element, 0), np.zeros(len(pool)), width, 8 * width * width * 4,
        asked,
    )  # fmt: skip


def _pools(checked: Checked) -> Dict[str, List[SymmetryFunction]]:
    """Each central element's generated SFs in spec order (the plan's order)."""
    pools: Dict[str, List[SymmetryFunction]] = {}
    for generated in checked.generated:
        for block in generated.blocks:
            for sf in block:
                pools.setdefault(sf.combination[0], []).append(sf)
    return pools


def _choose(
    checked: Checked,
    plan: Plan,
    part: Part,
    element: str,
    pool: List[SymmetryFunction],
    rule: SizeRule,
    method: str,
    cost_weighted: bool,
    data_name: str,
) -> ElementChoice:
    moments, used = part.moments[element], part.used.get(element, 0)
    if not part.seen.get(element):
        raise SelectionError([_refusal(checked, element, (
            f"no atom of element {element} in {data_name}: its SFs cannot be ranked; add "
            f"structures with {element}, or remove {element}'s SFs from the pool")
        )])  # fmt: skip
    constant = moments.constant(DEAD_THRESHOLD)
    varying = np.setdiff1d(np.arange(len(pool)), constant)
    if not len(varying):
        raise SelectionError([_refusal(checked, element, (
            f"every one of the {len(pool)} SFs of central element {element} is constant on "
            f"{data_name} ({used} atoms): nothing to rank them by; use more varied data "
            "(or check the length unit of the data against the cutoffs)")
        )])  # fmt: skip
    asked = rule.count(element, len(varying))
    if asked is not None and asked > len(varying):
        raise SelectionError([_refusal(checked, element, (
            f"{rule.describe()}: only {len(varying)} of the {len(pool)} SFs of central element "
            f"{element} vary on {data_name} (the other {len(constant)} are constant: never "
            "picked); "
            f"ask for at most {len(varying)}")
        )])  # fmt: skip
    gram, _ = moments.standardised_gram(varying)
    cost = part.terms[element] / max(used, 1)
    weights = np.maximum(cost[varying], 1e-300) if cost_weighted else None
    picks = select_columns(
        gram, method, len(varying) if asked is None else asked,
        cost=weights, max_unexplained=rule.max_unexplained,
    )  # fmt: skip
    picks = picks._replace(indices=[int(varying[k]) for k in picks.indices])
    return ElementChoice(
        element, pool, plan.sfs[element], constant.tolist(), picks, used, cost,
        len(varying), gram.nbytes, asked,
    )  # fmt: skip


def curve(choice: ElementChoice) -> List[Tuple[int, float]]:
    """(number of SFs, unexplained variance) after each pick."""
    return [(k + 1, u) for k, u in enumerate(choice.picks.unexplained)]
