"""What a selection run decided: the size rule it ran under, each central element's picks, and
the errors that refuse a selection (shared by the force fit and by CUR/FPS)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..analysis.stats import Plan
from ..engine.cutoff_functions import FloatArray
from ..errors import Diagnostic, SfcompileError
from ..generate.expand import SymmetryFunction
from ..generate.pipeline import Checked
from .fit_run import FitOutcome
from .greedy import Picks


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
    #: --keep-unranked: the data cannot rank this element's SFs (no atoms of it, or every SF
    #: constant); all its pool SFs are kept, none picked.
    unranked: bool = False

    @property
    def chosen(self) -> List[SymmetryFunction]:
        if self.unranked:
            return list(self.pool)
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


def refusal(checked: Checked, element: str, message: str) -> Diagnostic:
    index = checked.loaded.spec.elements.index(element)
    return checked.loaded.diagnostic("error", ("elements", index), message)


def central(plan: Plan) -> List[str]:
    return [e for e in plan.elements if plan.sfs.get(e)]


def unranked_choice(
    element: str,
    pool: List[SymmetryFunction],
    printed: List[SymmetryFunction],
    atoms: int,
    asked: Optional[int],
) -> ElementChoice:
    """An element the data cannot rank, keeping all its pool SFs (--keep-unranked)."""
    return ElementChoice(
        element, pool, printed, list(range(len(pool))), Picks([], [], [], False), atoms,
        np.zeros(len(pool)), 0, 0, asked, unranked=True,
    )  # fmt: skip


UNRANKED_HINT = "or keep all its pool SFs unranked with --keep-unranked"


def curve(choice: ElementChoice) -> List[Tuple[int, float]]:
    """(number of SFs, unexplained variance) after each pick."""
    return [(k + 1, u) for k, u in enumerate(choice.picks.unexplained)]
