"""``sfcompile score``: how well the force fit's model does with a given set of SFs.

The model of ``select --method fit`` (:mod:`.fit`: per element offsets plus a polynomial of each
SF, summed over atoms; its forces by the chain rule), fitted to the training structures'
energies and forces with every SF of the spec, and its RMSE on the validation structures (the
same seeded split as ``select`` with the same seed, so that a selected set and any other set
are compared on the same structures). Constant SFs add nothing and are left out.

What it can and cannot predict: it ranks sets within one pool about as n2p2's training does
(Spearman ρ ≈ 0.7 on the Cu–Au outcome sets), but it is a linear-in-parameters model: it
undervalues sets of a few broad SFs, which a network combines non-linearly (a short-range
repulsion, say) and which train better than their score suggests.

It also gives the set's predicted n2p2 time (the cost model of :mod:`.pricing`), so that sets
can be compared per unit of what they cost in every simulation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional

from ..analysis.stats import Plan
from ..engine.cluster import ChunkProgress
from ..engine.limits import MAX_SELECTION_MEMORY
from ..engine.sfvalues import StructureLike
from ..targets.formatting import NumberFormat
from .collect import Progress
from .fit_run import (
    FitOutcome,
    FitSettings,
    Survey,
    extrapolated,
    extrapolation_note,
    fit_pass,
    reference_figures,
)
from .forward import Errors
from .pricing import MICRO, cost_model


@dataclass(frozen=True)
class Score:
    """The model's errors with every varying SF of a set."""

    outcome: FitOutcome
    sfs: Dict[str, int]  # per element, the SFs in the model (varying)
    constant: Dict[str, int]  # per element, the SFs left out (constant on the data)
    training: Errors
    validation: Errors
    seed: int
    notes: List[str]
    n2p2_us_per_atom: float  # the whole set's predicted n2p2 time (:mod:`.pricing`)

    def document(self, spec: str, data: str) -> Dict[str, Any]:
        """The JSON report (``sfcompile-score/1``)."""

        def number(x: float) -> Optional[float]:
            return None if not math.isfinite(x) else float(f"{x:.6g}")

        fit = self.outcome
        return {
            "format": "sfcompile-score/1",
            "spec": spec,
            "data": data,
            "degree": fit.planned.degree,
            "validation_share": fit.settings.validation,
            "seed": self.seed,
            "structures": dict(fit.part.structures),
            "sfs": self.sfs,
            "constant": self.constant,
            "training": {"forces": number(self.training.forces),
                         "energy": number(self.training.energy)},
            "validation": {"forces": number(self.validation.forces),
                           "energy": number(self.validation.energy)},
            "reference": {k: number(v) for k, v in reference_figures(fit).items()},
            "n2p2_us_per_atom": number(self.n2p2_us_per_atom),
            "notes": [*fit.planned.notes, *self.notes],
        }  # fmt: skip


def score(
    plan: Plan,
    open_data: Callable[[], Iterable[StructureLike]],
    found: Survey,
    settings: FitSettings,
    *,
    seed: int = 0,
    jobs: int = 1,
    max_memory: int = MAX_SELECTION_MEMORY,
    progress: Optional[Progress] = None,
    scheduler: Optional[str] = None,
    chunk_progress: Optional[ChunkProgress] = None,
    numbers: Optional[NumberFormat] = None,
) -> Score:
    """Fit the model with every SF of ``plan`` that varies on the data and give its errors."""
    planned, job, part, candidates, constant, machine = fit_pass(
        plan, open_data, found, settings, seed=seed, jobs=jobs, max_memory=max_memory,
        progress=progress, scheduler=scheduler, chunk_progress=chunk_progress,
    )  # fmt: skip
    for k in range(len(candidates)):
        machine.pick(k)
    outcome = FitOutcome(settings, planned, candidates, [], part, constant, machine.baseline,
                         extrapolated(job, part))  # fmt: skip
    used: Dict[str, int] = {}
    for candidate in candidates:
        used[candidate.element] = used.get(candidate.element, 0) + 1
    note = extrapolation_note(outcome, plan, "the set", numbers)
    every = [sf for sfs in plan.sfs.values() for sf in sfs]
    return Score(outcome, used, {e: len(c) for e, c in constant.items()},
                 machine.errors("training"), machine.errors("validation"), seed,
                 [] if note is None else [note],
                 MICRO * cost_model(plan, found.head).seconds(every))  # fmt: skip


def format_score(document: Dict[str, Any]) -> str:
    """The report for a terminal."""
    reference, structures = document["reference"], document["structures"]

    def figure(x: Optional[float], scale: Optional[float]) -> str:
        if x is None:
            return "-"
        return f"{x:.4g}" + (f" ({x / scale:.1%} of it without SFs)" if scale else "")

    lines: List[str] = [
        f"sfcompile score: {document['spec']} on {document['data']}: model of degree "
        f"{document['degree']} with {sum(document['sfs'].values())} SFs "
        f"({', '.join(f'{e} {n}' for e, n in document['sfs'].items())}); "
        f"{structures.get('training', 0)} training, {structures.get('validation', 0)} "
        f"validation structures (seed {document['seed']})",
        *(f"note: {note}" for note in document["notes"]),
        "validation force RMSE: "
        f"{figure(document['validation']['forces'], reference['force_rms'])}",
        f"validation energy per atom RMSE: "
        f"{figure(document['validation']['energy'], reference['energy_per_atom_sigma'])}",
        f"training force RMSE: {figure(document['training']['forces'], reference['force_rms'])}",
        f"training energy per atom RMSE: "
        f"{figure(document['training']['energy'], reference['energy_per_atom_sigma'])}",
    ]
    lines.append(
        f"predicted n2p2 time: {document['n2p2_us_per_atom']:.4g} us per atom (values and "
        "derivatives of every SF of the set; sfcompile's cost model on this data)"
    )
    left = {e: n for e, n in document["constant"].items() if n}
    if left:
        lines.append(
            "left out, constant on the data: "
            + ", ".join(f"{n} SF(s) of {e}" for e, n in left.items())
        )
    return "\n".join(lines) + "\n"
