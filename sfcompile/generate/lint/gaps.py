"""Lint: radial Gaussian sets whose Gaussians are much narrower than the spacing of their
centres, leaving gaps where no SF of the set responds to a neighbour (``radial-gap``).

For the lines of a radial Gaussian set (types 2 and 12; values as n2p2 parses them) the set's
*coverage* at distance r is C(r) = max_k exp(-eta_k (r - r_s,k)^2), the largest of its
Gaussians relative to its peak (the cutoff function is left aside: it weighs every SF of the
set alike). Between two neighbouring distinct centres a < b every Gaussian centred at or below
a falls and every one centred at or above b rises, so the lowest point of C on [a, b] is where
those two envelopes cross. A *gap* is such a lowest point below ``GAP_LIMIT`` (10 %) within
the cutoff (on [a, min(b, r_c)]; centres at or beyond r_c are not compared). For Gaussians of
one width sigma = 1/sqrt(2 eta) the lowest point is the midpoint, C = exp(-(b - a)^2/(8
sigma^2)): a gap when the centres are more than 2 sqrt(2 ln 10) sigma = 4.29 sigma apart.
Gastegger 2018's ``shift`` (sigma = the spacing: 88 % at the midpoints) and Imbalzano 2018's
``shift`` (78 %) never have one; subsets of them, such as those ``sfcompile select`` keeps, can.

Cost: at one centre only the widest Gaussian counts (it is at least as high as the others
everywhere); an interval the two nearest Gaussians cover alone (their crossing, in closed form,
is at or above 10 %) costs nothing more; otherwise the envelopes are built from the Gaussians
that reach 10 % somewhere on the interval, and bisected. At most ``BUDGET`` Gaussian
evaluations per set (about 1 s): a set of thousands of gapped Gaussians is reported with the
gaps found by then ("at least N places").
"""

from __future__ import annotations

import math
from typing import Callable, Dict, List, NamedTuple, Sequence, Tuple

from .blocks import EXAMPLES, Block, Params

GAP_LIMIT = 0.1  # a neighbour where every Gaussian of the set is below this moves none of them
RADIAL_GAUSSIAN = (2, 12)
BUDGET = 2_000_000  # Gaussian evaluations per set: the check's time is bounded (about 1 s)
_BISECTIONS = 60

Gaussian = Tuple[float, float]  # r_shift, eta


class Gap(NamedTuple):
    """The lowest coverage between two neighbouring centres: its value, where it is, and the
    rows of the widest Gaussian at each side."""

    value: float
    at: float
    left: int
    right: int


class Gaps(NamedTuple):
    found: List[Gap]
    complete: bool  # False: the budget ran out; more gaps may follow the last one found
    centres: int


def _value(g: Gaussian, r: float) -> float:
    return math.exp(-g[1] * (r - g[0]) ** 2)


def _crossing_bound(a: Gaussian, b: Gaussian) -> float:
    """The lowest value of max(g_a, g_b) between the centres: a lower bound of the coverage
    there, since every other Gaussian only adds to one side."""
    (ra, ea), (rb, eb) = a, b
    if ea == 0.0 or eb == 0.0:
        return 1.0
    root = math.sqrt(ea) + math.sqrt(eb)
    return math.exp(-ea * eb * (rb - ra) ** 2 / (root * root))


class _Search:
    """The lowest coverage between neighbouring centres, counting Gaussian evaluations."""

    def __init__(self, gaussians: List[Gaussian]) -> None:
        self.gaussians = gaussians  # one per centre (the widest), by centre
        self.left = BUDGET

    def height(self, gaussians: Sequence[Gaussian], r: float) -> float:
        self.left -= len(gaussians)
        return max((_value(g, r) for g in gaussians), default=0.0)

    def lowest(self, k: int, end: float) -> Tuple[float, float]:
        """(value, r) of the lowest coverage on [centre k, end], end <= centre k + 1. Only
        Gaussians reaching GAP_LIMIT somewhere there can lift it to GAP_LIMIT: the falling ones
        (centred at or below) at its start, the rising ones at its end."""
        a = self.gaussians[k][0]
        self.left -= len(self.gaussians)
        below = [g for g in self.gaussians[: k + 1] if _value(g, a) >= GAP_LIMIT]
        above = [g for g in self.gaussians[k + 1 :] if _value(g, end) >= GAP_LIMIT]
        low, high = a, end
        for _ in range(_BISECTIONS):  # the falling envelope meets the rising one
            middle = 0.5 * (low + high)
            if self.height(below, middle) > self.height(above, middle):
                low = middle
            else:
                high = middle
        return self.height(self.gaussians, low), low


def gaps(rows: Sequence[Params]) -> Gaps:
    """The gaps of a radial Gaussian set's rows (see the module doc), in order of r."""
    widest: Dict[float, Tuple[float, int]] = {}  # centre -> (smallest eta, its row)
    cutoff = math.inf
    for j, p in enumerate(rows):
        if p.eta is None or p.r_shift is None:
            continue
        cutoff = min(cutoff, p.cutoff)
        if p.r_shift not in widest or p.eta < widest[p.r_shift][0]:
            widest[p.r_shift] = (p.eta, j)
    # at one centre the widest Gaussian is at least as high as the others everywhere
    gaussians = sorted((c, eta) for c, (eta, _) in widest.items())
    inside = sum(1 for c, _ in gaussians if c < cutoff)
    search = _Search(gaussians)
    found: List[Gap] = []
    for k in range(min(inside, len(gaussians) - 1)):
        (a, _), (b, _) = gaussians[k], gaussians[k + 1]
        if _crossing_bound(gaussians[k], gaussians[k + 1]) >= GAP_LIMIT:
            continue  # the two nearest Gaussians alone cover the interval
        if search.left < 0:
            return Gaps(found, False, len(gaussians))
        value, at = search.lowest(k, min(b, cutoff))
        if value < GAP_LIMIT:
            found.append(Gap(value, at, widest[a][1], widest[b][1]))
    return Gaps(found, True, len(gaussians))


def radial_gaps(
    blocks: List[Block], text_of: Callable[[int], str]
) -> List[Tuple[int, Tuple[int, ...], str]]:
    """(set, lines, message) for every radial Gaussian set with gaps; the lines are the
    Gaussians bounding each gap, in every element combination of the set. A gap that another
    set's Gaussians of the same type, element combination and cutoff cover (a spec that splits
    one element pair's radial SFs over several sets, as ``select`` writes them) is no gap."""
    by_set: Dict[int, List[Block]] = {}
    everyone: Dict[Tuple[int, Tuple[str, ...], float], List[Gaussian]] = {}
    for b in blocks:
        if b.type_number in RADIAL_GAUSSIAN:
            by_set.setdefault(b.index, []).append(b)
            for p in b.rows:
                if p.eta is not None and p.r_shift is not None:
                    key = (b.type_number, b.combination, p.cutoff)
                    everyone.setdefault(key, []).append((p.r_shift, p.eta))
    found = []
    for index, group in by_set.items():
        result = gaps(group[0].rows)  # the blocks of a set share its rows
        set_gaps = [g for g in result.found if _open(g, group, everyone)]
        result = result._replace(found=set_gaps)
        if set_gaps:
            lines = {b.start + j + 1 for b in group for g in set_gaps for j in (g.left, g.right)}
            message = gap_message(group[0], result, len(group), text_of)
            found.append((index, tuple(sorted(lines)), message))
    return found


def _open(
    gap: Gap, group: List[Block], everyone: Dict[Tuple[int, Tuple[str, ...], float], List[Gaussian]]
) -> bool:
    """Whether, for some element combination of the set, no radial Gaussian of any set reaches
    GAP_LIMIT at the gap."""
    cutoff = group[0].rows[gap.left].cutoff
    return any(
        all(_value(g, gap.at) < GAP_LIMIT for g in everyone[b.type_number, b.combination, cutoff])
        for b in group
    )


def gap_message(b: Block, result: Gaps, combinations: int, text_of: Callable[[int], str]) -> str:
    """The finding: up to EXAMPLES gaps with the lines around them, and the fixes."""
    set_gaps = result.found

    def centre(j: int) -> float:
        return b.rows[j].r_shift or 0.0

    def sigma(j: int) -> str:
        eta = b.rows[j].eta or 0.0
        return f"{1.0 / math.sqrt(2.0 * eta):.4g}" if eta else "inf"

    def one(gap: Gap) -> str:
        widths = " and ".join(dict.fromkeys((sigma(gap.left), sigma(gap.right))))
        return (
            f"between {text_of(b.start + gap.left + 1)} and {text_of(b.start + gap.right + 1)}"
            f", at most {100 * gap.value:.2g} % (r = {gap.at:.4g}; centres "
            f"{centre(gap.right) - centre(gap.left):.4g} apart, sigma = 1/sqrt(2 eta) = {widths})"
        )

    n = len(set_gaps)
    places = f"{n} place{'s' if n != 1 else ''}"
    if not result.complete:
        places = (f"at least {places} (the check stopped after {BUDGET:,} evaluations of its "
                  f"{result.centres:,} Gaussians)")  # fmt: skip
    shown = "; ".join(one(gap) for gap in set_gaps[:EXAMPLES])
    more = f"; and {n - EXAMPLES} more" if n > EXAMPLES else ""
    each = (
        f" (the same in each of its {combinations} element combinations)"
        if combinations > 1
        else ""
    )
    d = max(centre(g.right) - centre(g.left) for g in set_gaps)
    return (
        f"gap{'s' if n != 1 else ''} between radial Gaussians: in {places} no Gaussian of "
        f"this set reaches {100 * GAP_LIMIT:g} % of its peak{each}: {shown}{more}"
        ". Its Gaussians are much narrower than the spacing of their centres: a neighbour at "
        "such a distance moves none of these SFs. Add Gaussians in the gaps, widen them (one "
        f"width: eta <= 4 ln(10)/d^2 = {4 * math.log(10) / d**2:.4g} for the widest gap, d = "
        f"{d:.4g}), or select from a pool with several widths (sfcompile init --pool)"
    )
