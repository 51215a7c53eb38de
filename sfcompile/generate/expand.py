"""Stage 2: expand a validated spec into symmetry functions.

The radial rules follow Gastegger et al., J. Chem. Phys. 148, 241709 (2018) and Imbalzano et al.,
J. Chem. Phys. 148, 241730 (2018), as the earlier generator implemented them; the loop order
(combination → (r_shift, eta) pair → zeta → lambda) is the earlier generator's. Nothing here
re-validates: the models have already refused every spec these formulas cannot handle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any, List, NamedTuple, Optional, Sequence, Tuple, Union

from ..spec.models import (
    CustomSet,
    Gastegger2018Set,
    GaussianListSet,
    GaussianSet,
    Imbalzano2018Set,
    PolyListSet,
    PolySet,
    SetBase,
    Spec,
)
from ..spec.sftypes import SF_TYPES, Combination, SFType

Number = Union[int, float]


class SymmetryFunction(NamedTuple):
    """One ``symfunction_short`` line, as numbers (formatting happens at render time).

    Gaussian types (2, 3, 9, 12, 13) use eta and r_shift (and lambda_, zeta when angular);
    polynomial types (20-25) use the radial window [r_lower, cutoff] (and the angle window
    [theta_left, theta_right] in degrees when angular) and the subtype (p1..p4, p1a..p4a, e).
    """

    type_number: int
    combination: Combination  # central element, then neighbour element(s)
    cutoff: Number
    eta: Optional[Number] = None
    r_shift: Optional[Number] = None
    lambda_: Optional[float] = None
    zeta: Optional[Number] = None
    r_lower: Optional[Number] = None
    theta_left: Optional[Number] = None
    theta_right: Optional[Number] = None
    subtype: Optional[str] = None


Row = Tuple[Any, ...]  # the fields of a SymmetryFunction after type and combination


@dataclass(frozen=True)
class RadialGrid:
    """The (r_shift, eta) pairs of a Gaussian set. Python numbers: custom values keep the type
    the user wrote (all integers stay integers, as numpy kept them; the overview prints them so)."""

    r_shift: Tuple[Number, ...]
    eta: Tuple[Number, ...]

    def pairs(self) -> List[Tuple[Number, Number]]:
        return list(zip(self.r_shift, self.eta))


@dataclass(frozen=True)
class GeneratedSet:
    """One set's symmetry functions: every element combination times the same parameter rows
    (the lines of a combination are (type, combination, *row) for each row)."""

    index: int  # position in the spec's ``sets``
    settings: SetBase
    sftype: SFType
    elements: Tuple[str, ...]
    cutoff: Number  # the set's cutoff (polynomial sets: the largest window end)
    combinations: List[Combination]  # in output order
    rows: List[Row]  # the fields after type and combination, in output order
    grid: Optional[RadialGrid] = None  # Gaussian sets
    zetas: Optional[Tuple[Number, ...]] = None  # angular Gaussian sets
    lambdas: Optional[Tuple[float, ...]] = None
    windows: Optional[List[Tuple[Number, Number]]] = None  # polynomial sets: [r_l, r_c]
    angles: Optional[List[Tuple[Number, Number]]] = None  # angular polynomial sets (degrees)
    subtypes: Optional[Tuple[str, ...]] = None  # polynomial sets
    tuples: bool = False  # rule "list": grid, zetas, ... hold one value per row, not a product

    @property
    def line_count(self) -> int:
        return len(self.combinations) * len(self.rows)

    @cached_property
    def blocks(self) -> List[List[SymmetryFunction]]:
        """The lines as SymmetryFunction tuples, one block per element combination (made on
        first use: rendering and the lint work from the rows)."""
        make, number = tuple.__new__, self.sftype.number
        return [
            [make(SymmetryFunction, (number, combination, *row)) for row in self.rows]
            for combination in self.combinations
        ]


def _generated(
    spec: Spec, index: int, settings: SetBase, cutoff: Number, rows: List[Row], **parts: Any
) -> GeneratedSet:
    """A set's SFs: what every set has, and ``parts`` (its grid, zetas, windows, ...)."""
    return GeneratedSet(
        index=index,
        settings=settings,
        sftype=SF_TYPES[settings.sftype_name],
        elements=spec.element_tuple,
        cutoff=cutoff,
        combinations=settings.combinations(spec.element_tuple),
        rows=rows,
        **parts,
    )


def _linspace(start: Number, stop: Number, n: int) -> List[float]:
    """``numpy.linspace(start, stop, n)`` to the last bit: k·step + start, the last value stop."""
    step = (float(stop) - float(start)) / (n - 1)
    return [k * step + float(start) for k in range(n - 1)] + [float(stop)]


def gastegger2018(mode: str, n: int, r_lower: Number, r_upper: Number) -> RadialGrid:
    """center: r_s = 0, eta_k = 1/(2 r_k^2); shift: r_s = r_k, eta = 1/(2 dr^2); r = linspace.

    Plain Python floats, rounded operation by operation as the earlier generator's numpy code
    rounded them (a square is one product, as numpy squares)."""
    radii = _linspace(r_lower, r_upper, n)
    if mode == "center":
        return RadialGrid((0.0,) * n, tuple(1.0 / (2.0 * (r * r)) for r in radii))
    spacing = (r_upper - r_lower) / (n - 1)
    return RadialGrid(tuple(radii), (1.0 / (2.0 * spacing**2),) * n)


def imbalzano2018(mode: str, n: int, cutoff: Number) -> RadialGrid:
    """center: eta_m = (n'^(m/n') / r_c)^2 with n' = n - 1, r_s = 0;
    shift: r_k = r_c / n^(k/n), k = 0..n; pairs (r_{k+1}, 1/(r_k - r_{k+1})^2), r_s ascending."""
    if mode == "center":
        steps = n - 1
        scaled = [steps ** (m / steps) / cutoff for m in range(n)]
        return RadialGrid((0.0,) * n, tuple(x * x for x in scaled))
    radii = [cutoff / n ** (k / n) for k in range(n + 1)]
    eta = [_reciprocal((a - b) * (a - b)) for a, b in zip(radii[:-1], radii[1:])]
    return RadialGrid(tuple(radii[1:][::-1]), tuple(eta[::-1]))


def _reciprocal(x: float) -> float:
    """1/x, infinite where x underflowed to 0 (the lint reports it; the spec is located)."""
    return 1.0 / x if x else math.inf


def as_written(values: Sequence[Number]) -> Tuple[Number, ...]:
    """Integers if every value is one, floats otherwise (the types numpy's array gave them)."""
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return tuple(values)
    return tuple(float(v) for v in values)


def radial_grid(settings: GaussianSet, cutoff: Number) -> RadialGrid:
    if isinstance(settings, Gastegger2018Set):
        upper = cutoff if settings.r_upper is None else settings.r_upper
        return gastegger2018(settings.mode, settings.nb_param_pairs, settings.r_lower, upper)
    if isinstance(settings, Imbalzano2018Set):
        return imbalzano2018(settings.mode, settings.nb_param_pairs, cutoff)
    assert isinstance(settings, CustomSet)
    return RadialGrid(as_written(settings.r_shift), as_written(settings.eta))


def _rows(
    sftype: SFType,
    pairs: Sequence[Tuple[Number, Number]],
    cutoff: Number,
    zetas: Sequence[Number],
    lambdas: Sequence[float],
) -> List[Row]:
    """The parameters of one element combination's lines, in the earlier generator's loop
    order ((r_shift, eta) pair, then zeta, then lambda); the same for every combination."""
    if not sftype.angular:
        return [(cutoff, eta, rs, None, None, None, None, None, None) for rs, eta in pairs]
    return [
        (cutoff, eta, rs, lam, zeta, None, None, None, None)
        for rs, eta in pairs
        for zeta in zetas
        for lam in lambdas
    ]


def _gaussian_set(spec: Spec, index: int, settings: GaussianSet) -> GeneratedSet:
    sftype = SF_TYPES[settings.type]
    cutoff = settings.effective_cutoff(spec.cutoff)
    grid = radial_grid(settings, cutoff)
    pairs = grid.pairs()
    zetas = list(settings.zetas) if sftype.angular and settings.zetas else []
    lambdas = settings.effective_lambdas() if sftype.angular else []
    rows = _rows(sftype, pairs, cutoff, zetas, lambdas)
    return _generated(
        spec,
        index,
        settings,
        cutoff,
        rows,
        grid=grid,
        zetas=as_written(zetas) if sftype.angular else None,
        lambdas=tuple(float(x) for x in lambdas) if sftype.angular else None,
    )


def _gaussian_list_set(spec: Spec, index: int, settings: GaussianListSet) -> GeneratedSet:
    """One row per tuple, in the order written; values keep the type written (per column)."""
    sftype = SF_TYPES[settings.type]
    cutoff = settings.effective_cutoff(spec.cutoff)
    params = settings.params
    grid = RadialGrid(as_written([p.r_shift for p in params]), as_written([p.eta for p in params]))
    zetas = as_written([p.zeta for p in params if p.zeta is not None])
    lambdas = tuple(float(p.lambda_) for p in params if p.lambda_ is not None)
    rows: List[Row] = [
        (cutoff, eta, rs, lam, zeta, None, None, None, None)
        for rs, eta, zeta, lam in zip(
            grid.r_shift, grid.eta, zetas or (None,) * len(params), lambdas or (None,) * len(params)
        )
    ]
    return _generated(
        spec,
        index,
        settings,
        cutoff,
        rows,
        grid=grid,
        zetas=zetas if sftype.angular else None,
        lambdas=lambdas if sftype.angular else None,
        tuples=True,
    )


def _poly_list_set(spec: Spec, index: int, settings: PolyListSet) -> GeneratedSet:
    sftype = SF_TYPES[settings.type]
    params = settings.params
    windows = list(zip(as_written([p.r_lower for p in params]),
                       as_written([p.r_cutoff for p in params])))  # fmt: skip
    angles = settings.angle_windows_list()
    if angles:
        angles = list(zip(as_written([a[0] for a in angles]), as_written([a[1] for a in angles])))
    rows: List[Row] = [
        (right, None, None, None, None, left, *(angles[k] if angles else (None, None)), p.subtype)
        for k, ((left, right), p) in enumerate(zip(windows, params))
    ]
    return _generated(
        spec,
        index,
        settings,
        max(right for _, right in windows),
        rows,
        windows=windows,
        angles=angles if sftype.angular else None,
        subtypes=tuple(p.subtype for p in params),
        tuples=True,
    )


def _poly_set(spec: Spec, index: int, settings: PolySet) -> GeneratedSet:
    sftype = SF_TYPES[settings.type]
    windows = settings.radial_windows(spec.cutoff)
    angles: List[Optional[Tuple[Number, Number]]] = list(settings.angle_windows_list())
    rows: List[Row] = [
        (right, None, None, None, None, left, *(angle or (None, None)), subtype)
        for left, right in windows
        for angle in angles or [None]
        for subtype in settings.subtypes
    ]  # radial window -> angle window -> subtype

    return _generated(
        spec,
        index,
        settings,
        max(right for _, right in windows),
        rows,
        windows=windows,
        angles=settings.angle_windows_list() if sftype.angular else None,
        subtypes=tuple(settings.subtypes),
    )


def generate_set(spec: Spec, index: int) -> GeneratedSet:
    settings = spec.sets[index]
    if isinstance(settings, GaussianListSet):
        return _gaussian_list_set(spec, index, settings)
    if isinstance(settings, PolyListSet):
        return _poly_list_set(spec, index, settings)
    if isinstance(settings, PolySet):
        return _poly_set(spec, index, settings)
    assert isinstance(settings, GaussianSet)
    return _gaussian_set(spec, index, settings)


def generate(spec: Spec) -> List[GeneratedSet]:
    """Every set of the spec, in the spec's order."""
    return [generate_set(spec, i) for i in range(len(spec.sets))]
