"""What the SFs of a selection cost n2p2: the cost model (:mod:`..generate.cost`) with its
neighbour counts measured on the data, for the force fit's picks.

The counts come from the fit's basis sample (a seeded 1,024-atom sample from all over the data,
already read): they are means per atom, which a sample of that size fixes well. Every fit
reports the predicted n2p2 time after each pick (microseconds per atom of the data, with
derivatives, as nnp-train computes them); ``select --cost-weighted`` ranks candidates by the
drop of the objective per microsecond of their *marginal* cost, so an SF that joins one of n2p2's
existing groups (same type, elements and cutoff) is cheaper than one that opens a group.
"""

from __future__ import annotations

import sys
from typing import Callable, Iterable, List, Sequence

from ..analysis.environment import measure_environment
from ..analysis.stats import Plan
from ..engine.sfvalues import StructureLike
from ..generate.cost import CostModel, radii
from .forward import Candidate, MarginalCost, Step

#: Seconds to microseconds: costs are shown and weighed per microsecond and atom.
MICRO = 1e6


def cost_model(plan: Plan, structures: Iterable[StructureLike]) -> CostModel:
    """The cost model with the counts of ``structures`` at the plan's cutoffs."""
    every = [sf for sfs in plan.sfs.values() for sf in sfs]
    environment = measure_environment(
        structures, plan.elements, radii(every),
        max_pairs=sys.maxsize if plan.max_pairs is None else plan.max_pairs,
        max_triplets=sys.maxsize if plan.max_triplets is None else plan.max_triplets,
    )  # fmt: skip
    return CostModel(environment)


def marginal_costs(model: CostModel, plan: Plan) -> Callable[[List[Candidate]], MarginalCost]:
    """For forward selection: from its candidates, ``(candidate, picked) -> µs per atom``."""

    def over(candidates: List[Candidate]) -> MarginalCost:
        pool = [plan.sfs[c.element][c.position] for c in candidates]
        seconds = model.marginal_function(pool)
        return lambda candidate, picked: MICRO * seconds(candidate, picked)

    return over


def cost_curve(
    model: CostModel, plan: Plan, candidates: Sequence[Candidate], steps: Sequence[Step]
) -> List[float]:
    """The predicted n2p2 time of the picks so far (µs per atom) after each step."""
    tracker = model.tracker()
    curve = []
    for step in steps:
        candidate = candidates[step.candidate]
        tracker.add(plan.sfs[candidate.element][candidate.position])
        curve.append(MICRO * tracker.seconds)
    return curve
