"""The symmetry-function types sfcompile generates and their element combinations.

Gaussian types (n2p2 2, 3, 9, 12, 13) keep the earlier generator's names and overview titles; the
polynomial types with compact support (n2p2 20–25; Bircher, Singraber & Dellago, Mach. Learn.:
Sci. Technol. 2, 035026 (2021)) are named after them. The combination order is part of the output
contract: central elements in the user's order, then neighbours (radial: every element; angular:
unordered pairs in the order of ``itertools.combinations_with_replacement``; weighted: none, the
central element alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations_with_replacement
from typing import Dict, List, Literal, Sequence, Tuple, Union

Combination = Tuple[str, ...]
NeighbourKind = Literal["one", "pair", "none"]
Family = Literal["gaussian", "poly"]


@dataclass(frozen=True)
class SFType:
    name: str
    number: int
    title: str
    angular: bool
    neighbours: NeighbourKind
    family: Family = "gaussian"

    @property
    def weighted(self) -> bool:
        return self.neighbours == "none"

    @property
    def triplet(self) -> bool:
        """Sums over pairs of neighbours (cost grows with r_c^6 rather than r_c^3)."""
        return self.angular

    def combinations(self, elements: Sequence[str]) -> List[Combination]:
        """Central element first, then its neighbour element(s), in the earlier tool's order."""
        if self.neighbours == "one":
            return [(c, n) for c in elements for n in elements]
        if self.neighbours == "pair":
            pairs = list(combinations_with_replacement(elements, 2))
            return [(c, *pair) for c in elements for pair in pairs]
        return [(c,) for c in elements]

    def combination_count(self, n_elements: int) -> int:
        """Number of combinations, without building them (used to refuse huge specs early)."""
        if self.neighbours == "one":
            return n_elements * n_elements
        if self.neighbours == "pair":
            return n_elements * (n_elements * (n_elements + 1) // 2)
        return n_elements


SF_TYPES: Dict[str, SFType] = {
    t.name: t
    for t in (
        SFType("radial", 2, "Radial", angular=False, neighbours="one"),
        SFType("angular_narrow", 3, "Narrow angular", angular=True, neighbours="pair"),
        SFType("angular_wide", 9, "Wide angular", angular=True, neighbours="pair"),
        SFType("weighted_radial", 12, "Weighted radial", angular=False, neighbours="none"),
        SFType("weighted_angular", 13, "Weighted angular", angular=True, neighbours="none"),
        SFType("poly_radial", 20, "Polynomial radial", False, "one", "poly"),
        SFType("poly_angular_narrow", 21, "Polynomial narrow angular", True, "pair", "poly"),
        SFType("poly_angular_wide", 22, "Polynomial wide angular", True, "pair", "poly"),
        SFType("weighted_poly_radial", 23, "Weighted polynomial radial", False, "none", "poly"),
        SFType(
            "weighted_poly_angular_narrow",
            24,
            "Weighted polynomial narrow angular",
            True,
            "none",
            "poly",
        ),
        SFType(
            "weighted_poly_angular_wide",
            25,
            "Weighted polynomial wide angular",
            True,
            "none",
            "poly",
        ),
    )
}
BY_NUMBER: Dict[int, SFType] = {t.number: t for t in SF_TYPES.values()}

GaussianTypeName = Literal[
    "radial", "angular_narrow", "angular_wide", "weighted_radial", "weighted_angular"
]
PolyTypeName = Literal[
    "poly_radial",
    "poly_angular_narrow",
    "poly_angular_wide",
    "weighted_poly_radial",
    "weighted_poly_angular_narrow",
    "weighted_poly_angular_wide",
]
SFTypeName = Union[GaussianTypeName, PolyTypeName]
