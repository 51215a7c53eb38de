"""Stage 2: expand a validated spec into symmetry functions.

The radial rules follow Gastegger et al., J. Chem. Phys. 148, 241709 (2018) and Imbalzano et al.,
J. Chem. Phys. 148, 241730 (2018), as the earlier generator implemented them; the loop order
(combination → (r_shift, eta) pair → zeta → lambda) is the earlier generator's. Nothing here
re-validates: the models have already refused every spec these formulas cannot handle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from .models import CustomSet, Gastegger2018Set, Imbalzano2018Set, SetBase, Spec
from .sftypes import SF_TYPES, Combination, SFType

Number = Union[int, float]


class SymmetryFunction(NamedTuple):
    """One ``symfunction_short`` line, as numbers (formatting happens at render time)."""

    type_number: int
    combination: Combination  # central element, then neighbour element(s)
    eta: Number
    r_shift: Number
    cutoff: Number
    lambda_: Optional[float] = None
    zeta: Optional[Number] = None


@dataclass(frozen=True)
class RadialGrid:
    r_shift: np.ndarray
    eta: np.ndarray


@dataclass(frozen=True)
class GeneratedSet:
    index: int  # position in the spec's ``sets``
    settings: SetBase
    sftype: SFType
    elements: Tuple[str, ...]
    cutoff: Number
    grid: RadialGrid
    zetas: Optional[np.ndarray]
    lambdas: Optional[np.ndarray]
    blocks: List[List[SymmetryFunction]]  # one block per element combination

    @property
    def line_count(self) -> int:
        return sum(len(block) for block in self.blocks)


def gastegger2018(mode: str, n: int, r_lower: Number, r_upper: Number) -> RadialGrid:
    """center: r_s = 0, eta_k = 1/(2 r_k^2); shift: r_s = r_k, eta = 1/(2 dr^2); r = linspace."""
    radii = np.linspace(r_lower, r_upper, n)
    if mode == "center":
        return RadialGrid(np.zeros(n), 1.0 / (2.0 * radii**2))
    spacing = (r_upper - r_lower) / (n - 1)
    return RadialGrid(radii, np.full(n, 1.0 / (2.0 * spacing**2)))


def imbalzano2018(mode: str, n: int, cutoff: Number) -> RadialGrid:
    """center: eta_m = (n'^(m/n') / r_c)^2 with n' = n - 1, r_s = 0;
    shift: r_k = r_c / n^(k/n), k = 0..n; pairs (r_{k+1}, 1/(r_k - r_{k+1})^2), r_s ascending."""
    if mode == "center":
        steps = n - 1
        m = np.arange(n)
        return RadialGrid(np.zeros(n), (steps ** (m / steps) / cutoff) ** 2)
    k = np.arange(n + 1)
    radii = cutoff / n ** (k / n)
    eta = 1.0 / (radii[:-1] - radii[1:]) ** 2
    return RadialGrid(radii[1:][::-1], eta[::-1])


def radial_grid(settings: SetBase, cutoff: Number) -> RadialGrid:
    if isinstance(settings, Gastegger2018Set):
        upper = cutoff if settings.r_upper is None else settings.r_upper
        return gastegger2018(settings.mode, settings.nb_param_pairs, settings.r_lower, upper)
    if isinstance(settings, Imbalzano2018Set):
        return imbalzano2018(settings.mode, settings.nb_param_pairs, cutoff)
    assert isinstance(settings, CustomSet)
    # np.array keeps integer lists integral: the overview prints them as the user wrote them.
    return RadialGrid(np.array(settings.r_shift), np.array(settings.eta))


def _block(
    sftype: SFType,
    combination: Combination,
    pairs: Sequence[Tuple[Number, Number]],
    cutoff: Number,
    zetas: Sequence[Number],
    lambdas: Sequence[float],
) -> List[SymmetryFunction]:
    number = sftype.number
    if not sftype.angular:
        return [SymmetryFunction(number, combination, eta, rs, cutoff) for rs, eta in pairs]
    return [
        SymmetryFunction(number, combination, eta, rs, cutoff, lam, zeta)
        for rs, eta in pairs
        for zeta in zetas
        for lam in lambdas
    ]


def generate_set(spec: Spec, index: int) -> GeneratedSet:
    settings = spec.sets[index]
    sftype = SF_TYPES[settings.type]
    cutoff = settings.effective_cutoff(spec.cutoff)
    grid = radial_grid(settings, cutoff)
    pairs = list(zip(grid.r_shift.tolist(), grid.eta.tolist()))
    zetas = list(settings.zetas) if sftype.angular and settings.zetas else []
    lambdas = settings.effective_lambdas() if sftype.angular else []
    blocks = [
        _block(sftype, combination, pairs, cutoff, zetas, lambdas)
        for combination in sftype.combinations(spec.elements)
    ]
    return GeneratedSet(
        index=index,
        settings=settings,
        sftype=sftype,
        elements=tuple(spec.elements),
        cutoff=cutoff,
        grid=grid,
        zetas=np.array(zetas) if sftype.angular else None,
        lambdas=np.array(lambdas, dtype=float) if sftype.angular else None,
        blocks=blocks,
    )


def generate(spec: Spec) -> List[GeneratedSet]:
    """Every set of the spec, in the spec's order."""
    return [generate_set(spec, i) for i in range(len(spec.sets))]
