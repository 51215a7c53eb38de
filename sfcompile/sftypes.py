"""The symmetry-function types sfcompile generates and their element combinations.

Names, n2p2 type numbers and overview titles are those of the earlier generator (n2p2 types 2, 3,
9, 12 and 13). The combination order is part of the output contract: central elements in the
user's order, then neighbours (radial: every element; angular: unordered pairs in the order of
``itertools.combinations_with_replacement``; weighted: none, the central element alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations_with_replacement
from typing import Dict, List, Literal, Sequence, Tuple

Combination = Tuple[str, ...]
NeighbourKind = Literal["one", "pair", "none"]


@dataclass(frozen=True)
class SFType:
    name: str
    number: int
    title: str
    angular: bool
    neighbours: NeighbourKind

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
    )
}

SFTypeName = Literal[
    "radial", "angular_narrow", "angular_wide", "weighted_radial", "weighted_angular"
]
