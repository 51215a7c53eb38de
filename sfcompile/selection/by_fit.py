"""Selection by the force fit: the size rule checked against the varying SFs, the fit run
(:mod:`.fit_run`), and its picks turned into the same :class:`.outcome.ElementChoice` records
CUR and FPS give."""

from __future__ import annotations

from typing import Callable, Dict, Iterable, List, Optional

import numpy as np

from ..analysis.stats import Plan
from ..engine.cluster import ChunkProgress
from ..engine.sfvalues import StructureLike
from ..errors import Diagnostic
from ..generate.expand import SymmetryFunction
from ..generate.pipeline import Checked
from ..targets.formatting import NumberFormat
from .collect import Progress
from .fit_run import FitOutcome, FitRefused, FitSettings, Survey, extrapolation_note, fit_select
from .greedy import Picks
from .outcome import (
    UNRANKED_HINT,
    ElementChoice,
    SelectionError,
    SelectionRun,
    SizeRule,
    central,
    refusal,
    unranked_choice,
)


def select_by_fit(
    checked: Checked,
    plan: Plan,
    open_data: Callable[[], Iterable[StructureLike]],
    rule: SizeRule,
    found: Survey,
    settings: FitSettings,
    notes: List[str],
    *,
    cost_weighted: bool,
    keep_unranked: bool,
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
            plan, open_data, found, settings,
            lambda counts: _quotas(checked, rule, counts, data_name, keep_unranked),
            rule.max_validation_rmse, seed=seed, jobs=jobs, max_memory=max_memory,
            progress=progress, scheduler=scheduler, chunk_progress=chunk_progress,
            cost_weighted=cost_weighted,
        )  # fmt: skip
    except FitRefused as exc:
        raise SelectionError([Diagnostic("error", str(exc), "<select>")]) from None
    by_element = pools(checked)
    choices = {e: _fit_choice(plan, outcome, e, by_element[e], rule, keep_unranked)
               for e in central(plan)}  # fmt: skip
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
    checked: Checked, rule: SizeRule, varying: Dict[str, int], data_name: str, keep_unranked: bool
) -> Optional[Dict[str, int]]:
    """Per element, how many SFs to pick (None: by the validation RMSE); refusals located.
    An element without varying SFs gets none to pick where ``keep_unranked``."""
    quotas: Dict[str, int] = {}
    problems = []
    for element, n in varying.items():
        asked = rule.count(element, n)
        if not n and keep_unranked:
            quotas[element] = 0
        elif not n:
            problems.append(refusal(checked, element, (
                f"every SF of central element {element} is constant on {data_name} (or no "
                f"atom of {element} is in it): nothing to fit them by; add structures with "
                f"{element}, {UNRANKED_HINT}")))  # fmt: skip
        elif asked is not None and asked > n:
            problems.append(refusal(checked, element, (
                f"{rule.describe()}: only {n} SFs of central element {element} vary on "
                f"{data_name} (the others are constant: never picked); ask for at most {n}"),
            ))  # fmt: skip
        elif asked is not None:
            quotas[element] = asked
    if problems:
        raise SelectionError(problems)
    return None if rule.max_validation_rmse is not None else quotas


def _fit_choice(
    plan: Plan,
    outcome: FitOutcome,
    element: str,
    pool: List[SymmetryFunction],
    rule: SizeRule,
    keep_unranked: bool,
) -> ElementChoice:
    atoms = outcome.part.atoms.get(element, 0)
    if keep_unranked and len(outcome.constant[element]) == len(pool):
        return unranked_choice(element, pool, plan.sfs[element], atoms, rule.count(element, 0))
    picked = outcome.picks(element)
    picks = Picks([k for k, _ in picked], [s.gain for _, s in picked],
                  [s.objective for _, s in picked], False)  # fmt: skip
    asked = rule.count(element, len(pool) - len(outcome.constant[element]))
    width = outcome.part.normal["forces", "training"].gram.shape[0]
    return ElementChoice(
        element, pool, plan.sfs[element], outcome.constant[element],
        picks._replace(exhausted=asked is not None and len(picked) < asked),
        atoms, np.zeros(len(pool)), width, 8 * width * width * 4,
        asked,
    )  # fmt: skip


def pools(checked: Checked) -> Dict[str, List[SymmetryFunction]]:
    """Each central element's generated SFs in spec order (the plan's order)."""
    found: Dict[str, List[SymmetryFunction]] = {}
    for generated in checked.generated:
        for block in generated.blocks:
            for sf in block:
                found.setdefault(sf.combination[0], []).append(sf)
    return found
