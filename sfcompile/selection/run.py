"""``sfcompile select``: rank a pool spec's SFs on data and keep the best, per central element.

Steps: check the size rule against the pool (before any data is read); estimate the memory
(the Gram matrix of each element's SFs, m × m doubles, per chunk in flight and merged) and
refuse beyond the budget; optionally draw the atom sample (:mod:`.collect`); one pass over the
data for the moments and measured costs; per element drop the constant SFs, standardise, and
pick greedily (:mod:`.greedy`).

Cost weighting (``--cost-weighted``): scores (CUR) and distances (FPS) are divided by each
SF's marginal n2p2 time given the SFs picked so far (:mod:`.pricing`, the cost model with the
counts of a seeded sample of the data), so of two SFs that carry similar information the one
that is cheaper in n2p2 — often one that joins an n2p2 group already picked — wins. The report's
``terms_per_atom`` still gives the neighbour terms each SF sums over, measured on the atoms used.
"""

from __future__ import annotations

from typing import Callable, Dict, Iterable, List, Optional

import numpy as np

from ..analysis.report import DEAD_THRESHOLD
from ..analysis.stats import Plan
from ..engine.cluster import ChunkProgress
from ..engine.limits import MAX_SELECTION_MEMORY
from ..engine.sfvalues import StructureLike
from ..errors import Diagnostic
from ..generate.cost import CostModel
from ..generate.expand import SymmetryFunction
from ..generate.pipeline import Checked
from .by_fit import pools, select_by_fit
from .collect import Job, Part, Progress, collect, draw_sample
from .fit_run import FitSettings, missing_message, survey, usable
from .greedy import METHODS, select_columns
from .outcome import (
    UNRANKED_HINT,
    ElementChoice,
    SelectionError,
    SelectionRun,
    SizeRule,
    central,
    curve,
    refusal,
    unranked_choice,
)
from .pricing import MICRO, cost_model

__all__ = ["CHOICES", "ElementChoice", "SelectionError", "SelectionRun", "SizeRule", "curve",
           "gram_estimate", "select"]  # fmt: skip


def gram_estimate(plan: Plan, jobs: int) -> int:
    """Bytes of the Gram matrices: one per element merged, one per chunk in flight and its
    two temporaries, plus the standardised copy and eigen-decomposition workspace."""
    squares = sum(len(sfs) ** 2 for sfs in plan.sfs.values())
    return 8 * squares * (6 + 2 * max(jobs, 1))


def _check_rule(checked: Checked, plan: Plan, rule: SizeRule) -> None:
    problems = []
    for element, n in (rule.counts or {}).items():
        if element not in plan.sfs or not plan.sfs[element]:
            problems.append(checked.loaded.diagnostic(
                "error", ("elements",), f"--count {element}={n}: {element} is not a central "
                f"element of the pool's SFs (they are {', '.join(central(plan))})",
            ))  # fmt: skip
    for element in central(plan):
        asked = rule.count(element, len(plan.sfs[element]))
        pool = len(plan.sfs[element])
        if rule.counts is not None and element not in rule.counts:
            message = f"--count gives no number for central element {element}; add {element}=N"
            problems.append(refusal(checked, element, message))
        elif asked is not None and asked > pool:
            message = (
                f"{rule.describe()}: the pool has only {pool} SFs of central element {element}; "
                f"ask for at most {pool}"
            )
            problems.append(refusal(checked, element, message))
    if problems:
        raise SelectionError(problems)


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
    keep_unranked: bool = False,
) -> SelectionRun:
    """Rank and pick ``plan``'s SFs (the plan of ``checked``) on the structures ``open_data()``
    yields (called more than once: a first reading plans the run, the second evaluates; the
    SFs are evaluated here, in ``jobs`` processes or on the Dask cluster of ``scheduler``).
    ``keep_unranked``: an element the data cannot rank (no atoms of it, or every SF constant)
    keeps all its pool SFs instead of refusing the selection."""
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
        return select_by_fit(
            checked, plan, open_data, rule, found, fit or FitSettings(), notes,
            cost_weighted=cost_weighted, keep_unranked=keep_unranked,
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
        thresholds = draw_sample(open_data(), central(plan), max_atoms, seed)
    job = Job(plan, thresholds, seed)
    part = collect(
        job, open_data(), jobs, progress, scheduler=scheduler, chunk_progress=chunk_progress
    )
    by_element = pools(checked)
    model = cost_model(plan, survey(open_data(), seed).head) if cost_weighted else None
    choices: Dict[str, ElementChoice] = {}
    problems: List[Diagnostic] = []
    for element in central(plan):
        try:
            choices[element] = _choose(
                checked, plan, part, element, by_element[element], rule, method, model,
                data_name, keep_unranked,
            )  # fmt: skip
        except SelectionError as exc:
            problems += exc.diagnostics
    if problems:
        raise SelectionError(problems)
    return SelectionRun(
        checked, method, cost_weighted, rule, choices, part.structures, max_atoms, seed,
        notes=tuple(notes),
    )  # fmt: skip


def _choose(
    checked: Checked,
    plan: Plan,
    part: Part,
    element: str,
    pool: List[SymmetryFunction],
    rule: SizeRule,
    method: str,
    model: Optional[CostModel],
    data_name: str,
    keep_unranked: bool,
) -> ElementChoice:
    moments, used = part.moments[element], part.used.get(element, 0)
    constant = moments.constant(DEAD_THRESHOLD) if part.seen.get(element) else np.arange(0)
    if keep_unranked and (not part.seen.get(element) or len(constant) == len(pool)):
        asked = rule.count(element, 0)
        return unranked_choice(element, pool, plan.sfs[element], used, asked)
    if not part.seen.get(element):
        raise SelectionError([refusal(checked, element, (
            f"no atom of element {element} in {data_name}: its SFs cannot be ranked; add "
            f"structures with {element}, {UNRANKED_HINT}")
        )])  # fmt: skip
    varying = np.setdiff1d(np.arange(len(pool)), constant)
    if not len(varying):
        raise SelectionError([refusal(checked, element, (
            f"every one of the {len(pool)} SFs of central element {element} is constant on "
            f"{data_name} ({used} atoms): nothing to rank them by; use more varied data "
            f"(or check the length unit of the data against the cutoffs), {UNRANKED_HINT}")
        )])  # fmt: skip
    asked = rule.count(element, len(varying))
    if asked is not None and asked > len(varying):
        raise SelectionError([refusal(checked, element, (
            f"{rule.describe()}: only {len(varying)} of the {len(pool)} SFs of central element "
            f"{element} vary on {data_name} (the other {len(constant)} are constant: never "
            "picked); "
            f"ask for at most {len(varying)}")
        )])  # fmt: skip
    gram, _ = moments.standardised_gram(varying)
    cost = part.terms[element] / max(used, 1)
    marginal = None
    if model is not None:  # n2p2's marginal time of each varying SF, given the picks
        seconds = model.marginal_function([plan.sfs[element][k] for k in varying])
        marginal = lambda c, picked: MICRO * seconds(c, picked)  # noqa: E731
    picks = select_columns(
        gram, method, len(varying) if asked is None else asked,
        cost=marginal, max_unexplained=rule.max_unexplained,
    )  # fmt: skip
    picks = picks._replace(indices=[int(varying[k]) for k in picks.indices])
    return ElementChoice(
        element, pool, plan.sfs[element], constant.tolist(), picks, used, cost,
        len(varying), gram.nbytes, asked,
    )  # fmt: skip
