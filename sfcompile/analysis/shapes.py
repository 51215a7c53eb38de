"""The shapes of a spec's symmetry functions, as the curves ``sfcompile plot`` draws: plain
numpy arrays, no matplotlib (testable, and reusable in a notebook).

Every curve is evaluated with the project's own SF functions (:mod:`.cutoff_functions`), on
the SFs' parameters as the compiled input.nn prints them (``stats.as_printed``), so a curve is
the function n2p2 evaluates for that line:

* radial types 2 and 12: the term of one neighbour, exp(−η (r − r_s)²) · f_c(r), with the
  spec's global cutoff function (n2p2's ``cutoff_type`` and alpha); types 20 and 23: the
  compact window C(r; r_l, r_c) of the subtype;
* angular types 3, 9, 13: the angular part 2^(1−ζ) (1 + λ cos θ)^ζ (θ in degrees on the axis;
  n2p2 drops the terms where 1 + λ cos θ ≤ 0, so does ``angular_power``), and their radial
  factor per neighbour, exp(−η (r − r_s)²) · f_c(r); types 21, 22, 24, 25: the angle window
  C(θ; θ_l, θ_r) (evaluated in radians, as n2p2 converts the degrees) and the radial window.

SFs that share a factor share its curve: an angular panel has one line per (ζ, λ) or angle
window, and one radial line per (η, r_s, r_c) or radial window, each naming the SFs it draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, NamedTuple, Sequence, Tuple

import numpy as np

from ..engine.cutoff_functions import FloatArray, angular_power, compact_function, cutoff_function
from ..generate.expand import SymmetryFunction
from ..spec.sftypes import Combination
from .stats import Plan

RADIAL_POINTS = 801  # points of a radial curve, from 0 to the panel's largest cutoff
ANGLE_POINTS = 721  # points of an angular curve, 0° to 180° (every quarter degree)
Key = Tuple[Any, ...]  # what a shared factor depends on: ("gaussian", ...) or ("window", ...)
GAUSSIAN_RADIAL = frozenset({2, 12})
POLY_RADIAL = frozenset({20, 23})
GAUSSIAN_ANGULAR = frozenset({3, 9, 13})
POLY_ANGULAR = frozenset({21, 22, 24, 25})


class Curve(NamedTuple):
    """One line: ``y`` against ``x``; ``positions``: the SFs it draws (1-based, among the SFs of
    the central element in spec order, as ``sfcompile stats`` numbers them)."""

    label: str
    x: FloatArray
    y: FloatArray
    positions: Tuple[int, ...]
    key: Tuple[Any, ...] = ()  # what the curve shows: ("gaussian", zeta, lambda), ...


@dataclass
class Panel:
    """The SFs of one element combination: (central, neighbour) or (central, a, b); the central
    element alone for the weighted types (they sum over every neighbour)."""

    kind: str  # "radial" or "angular"
    combination: Combination
    cutoff: float  # the largest cutoff of its SFs
    curves: List[Curve] = field(default_factory=list)  # radial: vs r; angular: vs θ (degrees)
    radial: List[Curve] = field(default_factory=list)  # angular panels: radial factor vs r
    types: Tuple[int, ...] = ()  # the SF types it holds

    @property
    def weighted(self) -> bool:
        return len(self.combination) == 1

    @property
    def name(self) -> str:
        """``S-Cu`` (radial), ``S-Cu-Cu`` (angular), ``S-any`` (weighted)."""
        return "-".join(self.combination) + ("-any" if self.weighted else "")


def _number(value: float) -> str:
    return f"{value:.4g}"


def radial_term(sf: SymmetryFunction, r: FloatArray, cutoff_type: int, alpha: float) -> FloatArray:
    """The contribution of one neighbour at distance ``r`` to ``sf`` (the radial factor per
    neighbour, for the angular types)."""
    cutoff = float(sf.cutoff)
    if sf.type_number in GAUSSIAN_RADIAL | GAUSSIAN_ANGULAR:
        eta, r_shift = float(sf.eta or 0.0), float(sf.r_shift or 0.0)
        gaussian = np.exp(-eta * (r - r_shift) ** 2)
        return np.asarray(gaussian * cutoff_function(r, cutoff, cutoff_type, alpha))
    return compact_function(r, float(sf.r_lower or 0.0), cutoff, str(sf.subtype))


def angular_term(sf: SymmetryFunction, theta_degrees: FloatArray) -> FloatArray:
    """The angular part of ``sf`` at the angles ``theta_degrees``."""
    theta = theta_degrees * (math.pi / 180.0)
    if sf.type_number in GAUSSIAN_ANGULAR:
        zeta, lambda_ = float(sf.zeta or 1.0), float(sf.lambda_ or 1.0)
        base = np.asarray(1.0 + lambda_ * np.cos(theta), dtype=np.float64)
        return np.asarray(2.0 ** (1.0 - zeta) * angular_power(base, zeta))
    left = float(sf.theta_left or 0.0) * math.pi / 180.0
    right = float(sf.theta_right or 0.0) * math.pi / 180.0
    return compact_function(theta, left, right, str(sf.subtype), radial=False)


def radial_key(sf: SymmetryFunction) -> Key:
    """What the radial factor of an SF depends on."""
    if sf.type_number in GAUSSIAN_RADIAL | GAUSSIAN_ANGULAR:
        return ("gaussian", float(sf.eta or 0.0), float(sf.r_shift or 0.0), float(sf.cutoff))
    return ("window", float(sf.r_lower or 0.0), float(sf.cutoff), str(sf.subtype))


def angular_key(sf: SymmetryFunction) -> Key:
    """What the angular part of an SF depends on (the angle window ignores an ``a`` suffix)."""
    if sf.type_number in GAUSSIAN_ANGULAR:
        return ("gaussian", float(sf.zeta or 1.0), float(sf.lambda_ or 1.0))
    core = str(sf.subtype).rstrip("a")
    return ("window", float(sf.theta_left or 0.0), float(sf.theta_right or 0.0), core)


def radial_label(key: Key, cutoffs_differ: bool) -> str:
    if key[0] == "gaussian":
        _, eta, r_shift, cutoff = key
        text = rf"$\eta$={_number(float(eta))}, $r_s$={_number(float(r_shift))}"
        return text + (f", $r_c$={_number(float(cutoff))}" if cutoffs_differ else "")
    _, left, right, subtype = key
    return f"window ({_number(float(left))}, {_number(float(right))}) {subtype}"


def angular_label(key: Key) -> str:
    if key[0] == "gaussian":
        _, zeta, lambda_ = key
        return rf"$\zeta$={_number(float(zeta))}, $\lambda$={float(lambda_):+g}"
    _, left, right, core = key
    return f"angles ({_number(float(left))}°, {_number(float(right))}°) {core}"


def _positions_text(positions: Sequence[int]) -> str:
    """``#3`` or ``#3, #7, #11`` or ``#3 … #20 (6 SFs)``."""
    if len(positions) <= 3:
        return ", ".join(f"#{p}" for p in positions)
    return f"#{positions[0]} … #{positions[-1]} ({len(positions)} SFs)"


def _curves(
    members: Sequence[Tuple[int, SymmetryFunction]],
    key_of: Callable[[SymmetryFunction], Key],
    label_of: Callable[[Key], str],
    values: Callable[[SymmetryFunction], FloatArray],
    x: FloatArray,
) -> List[Curve]:
    """One curve per distinct key, in order of first appearance; label ``#positions: text``."""
    grouped: Dict[Key, List[Tuple[int, SymmetryFunction]]] = {}
    for position, sf in members:
        grouped.setdefault(key_of(sf), []).append((position, sf))
    curves = []
    for key, group in grouped.items():
        positions = tuple(p for p, _ in group)
        label = f"{_positions_text(positions)}: {label_of(key)}"
        curves.append(Curve(label, x, values(group[0][1]), positions, key))
    return curves


def _grouped(plan: Plan, angular: bool) -> Dict[Combination, List[Tuple[int, SymmetryFunction]]]:
    """SFs by element combination (the plan's element order), with their 1-based positions."""
    wanted = GAUSSIAN_ANGULAR | POLY_ANGULAR if angular else GAUSSIAN_RADIAL | POLY_RADIAL
    found: Dict[Combination, List[Tuple[int, SymmetryFunction]]] = {}
    for element in plan.elements:
        for position, sf in enumerate(plan.sfs.get(element, []), start=1):
            if sf.type_number in wanted:
                found.setdefault(tuple(sf.combination), []).append((position, sf))
    rank = {e: k for k, e in enumerate(plan.elements)}
    return dict(sorted(found.items(), key=lambda item: [rank[e] for e in item[0]]))


def _labeller(cutoffs_differ: bool) -> Callable[[Key], str]:
    def label(key: Key) -> str:
        return radial_label(key, cutoffs_differ)

    return label


def radial_panels(plan: Plan) -> List[Panel]:
    """A panel per element pair (or weighted central element) with radial SFs."""
    panels = []
    for combination, members in _grouped(plan, angular=False).items():
        cutoff = max(float(sf.cutoff) for _, sf in members)
        r = np.linspace(0.0, cutoff, RADIAL_POINTS)
        differ = len({float(sf.cutoff) for _, sf in members}) > 1

        def values(sf: SymmetryFunction, r: FloatArray = r) -> FloatArray:
            return radial_term(sf, r, plan.cutoff_type, plan.alpha)

        curves = _curves(members, radial_key, _labeller(differ), values, r)
        types = tuple(sorted({sf.type_number for _, sf in members}))
        panels.append(Panel("radial", combination, cutoff, curves, types=types))
    return panels


def angular_panels(plan: Plan) -> List[Panel]:
    """A panel per element triplet (or weighted central element) with angular SFs: the
    angular parts against θ and the radial factors against r."""
    theta = np.linspace(0.0, 180.0, ANGLE_POINTS)
    panels = []
    for combination, members in _grouped(plan, angular=True).items():
        cutoff = max(float(sf.cutoff) for _, sf in members)
        r = np.linspace(0.0, cutoff, RADIAL_POINTS)
        differ = len({float(sf.cutoff) for _, sf in members}) > 1

        def radial(sf: SymmetryFunction, r: FloatArray = r) -> FloatArray:
            return radial_term(sf, r, plan.cutoff_type, plan.alpha)

        def angles(sf: SymmetryFunction) -> FloatArray:
            return angular_term(sf, theta)

        curves = _curves(members, angular_key, angular_label, angles, theta)
        factors = _curves(members, radial_key, _labeller(differ), radial, r)
        types = tuple(sorted({sf.type_number for _, sf in members}))
        panels.append(Panel("angular", combination, cutoff, curves, factors, types))
    return panels
