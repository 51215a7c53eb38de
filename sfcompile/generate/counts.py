"""The neighbour and triplet counts the cost model (:mod:`.cost`) prices SFs with: per central
element, cutoff r and neighbour element(s), the mean per atom of

- ``pair``: neighbours within r (of one element ``(e,)``, or of any: ``()``);
- ``wide``: unordered pairs of such neighbours (of two elements ``(a, b)``, sorted; or any two);
- ``narrow``: those pairs that are also closer than r to each other.

:class:`MeasuredEnvironment` holds counts measured on data (``sfcompile.analysis.environment``
measures them); :class:`DensityEnvironment` estimates them for uniformly spread atoms of a
given density. Plain Python: ``explain`` without data uses the estimate, and must not load
numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence, Tuple

Neighbours = Tuple[str, ...]  # () every element; (e,) one; (a, b) an unordered pair, sorted
CountKey = Tuple[str, float, str, Neighbours]  # central element, cutoff, kind, neighbours
KINDS = ("pair", "wide", "narrow")

#: The default density of the estimate without data: atoms per Å³ (liquid water 0.100, Cu
#: 0.085, the Cu-Au calibration data 0.075, Si 0.050).
DENSITY_PER_A3 = 0.08
BOHR_IN_A = 0.529177210903
#: Of two points uniform in a ball of radius r, the probability that they are closer than r.
NARROW_FRACTION = 15.0 / 32.0


class MissingCounts(KeyError):
    """A measured environment has no count for a cutoff or element combination."""


class Environment:
    """Mean terms per atom of each central element; the share of each element in the atoms."""

    elements: Tuple[str, ...]

    def terms(self, element: str, cutoff: float, kind: str, neighbours: Neighbours) -> float:
        raise NotImplementedError

    def fraction(self, element: str) -> float:
        raise NotImplementedError


@dataclass(frozen=True)
class DensityEnvironment(Environment):
    """Counts of uniformly spread atoms: ``density`` atoms per cubic length unit, element
    shares ``fractions`` (default: equal). n(r) = ρ·x_e·4πr³/3; pairs of neighbours n_a·n_b
    (n²/2 for one element); narrow pairs :data:`NARROW_FRACTION` of those."""

    elements: Tuple[str, ...]
    density: float
    fractions: Mapping[str, float] = field(default_factory=dict)

    def fraction(self, element: str) -> float:
        if self.fractions:
            return float(self.fractions.get(element, 0.0))
        return 1.0 / len(self.elements)

    def _neighbours(self, cutoff: float, elements: Neighbours) -> float:
        share = sum(self.fraction(e) for e in elements) if elements else 1.0
        return self.density * share * 4.0 * math.pi * cutoff**3 / 3.0

    def terms(self, element: str, cutoff: float, kind: str, neighbours: Neighbours) -> float:
        if kind == "pair":
            return self._neighbours(cutoff, neighbours)
        if len(neighbours) == 2 and neighbours[0] != neighbours[1]:
            wide = self._neighbours(cutoff, neighbours[:1]) * self._neighbours(
                cutoff, neighbours[1:]
            )
        else:
            wide = self._neighbours(cutoff, neighbours[:1]) ** 2 / 2.0
        return wide if kind == "wide" else wide * NARROW_FRACTION


@dataclass(frozen=True)
class MeasuredEnvironment(Environment):
    """Counts measured on data: ``counts[(element, cutoff, kind, neighbours)]`` = mean terms
    per atom of that central element; ``atoms[element]`` = how many atoms of it there are."""

    counts: Mapping[CountKey, float]
    atoms: Mapping[str, int]
    structures: int = 0

    @property
    def elements(self) -> Tuple[str, ...]:  # type: ignore[override]
        return tuple(self.atoms)

    def fraction(self, element: str) -> float:
        total = sum(self.atoms.values())
        return self.atoms.get(element, 0) / total if total else 0.0

    def terms(self, element: str, cutoff: float, kind: str, neighbours: Neighbours) -> float:
        key = (element, float(cutoff), kind, neighbours)
        if key in self.counts:
            return self.counts[key]
        if not self.atoms.get(element):
            return 0.0  # no atoms of this element: nothing to compute
        raise MissingCounts(f"no measured {kind} count for {element} at cutoff {cutoff!r} "
                            f"with neighbours {neighbours or 'any'}")  # fmt: skip


def density_environment(elements: Sequence[str], unit: Optional[str] = None) -> Environment:
    """The estimate without data: :data:`DENSITY_PER_A3` in Å (or Bohr if ``unit`` says so),
    equal element shares."""
    density = DENSITY_PER_A3 * (BOHR_IN_A**3 if unit == "bohr" else 1.0)
    return DensityEnvironment(tuple(elements), density)
