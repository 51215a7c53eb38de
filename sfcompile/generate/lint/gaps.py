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
"""

from __future__ import annotations

import math
from typing import Callable, Dict, List, NamedTuple, Sequence, Tuple

from .blocks import EXAMPLES, Block, Params

GAP_LIMIT = 0.1  # a neighbour where every Gaussian of the set is below this moves none of them
RADIAL_GAUSSIAN = (2, 12)
_BISECTIONS = 60

Gaussian = Tuple[float, float]  # r_shift, eta


class Gap(NamedTuple):
    """The lowest coverage between two neighbouring centres: its value, where it is, and the
    rows of the widest Gaussian at each side."""

    value: float
    at: float
    left: int
    right: int


def _height(gaussians: Sequence[Gaussian], r: float) -> float:
    return max(math.exp(-eta * (r - centre) ** 2) for centre, eta in gaussians)


def _crossing_bound(a: Gaussian, b: Gaussian) -> float:
    """The lowest value of max(g_a, g_b) between the centres: a lower bound of the coverage
    there, since every other Gaussian only adds to one side."""
    (ra, ea), (rb, eb) = a, b
    if ea == 0.0 or eb == 0.0:
        return 1.0
    root = math.sqrt(ea) + math.sqrt(eb)
    return math.exp(-ea * eb * (rb - ra) ** 2 / (root * root))


def _lowest(below: Sequence[Gaussian], above: Sequence[Gaussian], a: float, b: float) -> float:
    """Where the falling envelope of ``below`` meets the rising one of ``above`` on [a, b]
    (b if they do not meet)."""
    low, high = a, b
    for _ in range(_BISECTIONS):
        middle = 0.5 * (low + high)
        if _height(below, middle) > _height(above, middle):
            low = middle
        else:
            high = middle
    return low


def gaps(rows: Sequence[Params]) -> List[Gap]:
    """The gaps of a radial Gaussian set's rows (see the module doc), in order of r."""
    widest: Dict[float, Tuple[float, int]] = {}  # centre -> (smallest eta, its row)
    gaussians: List[Gaussian] = []
    cutoff = math.inf
    for j, p in enumerate(rows):
        if p.eta is None or p.r_shift is None:
            continue
        gaussians.append((p.r_shift, p.eta))
        cutoff = min(cutoff, p.cutoff)
        if p.r_shift not in widest or p.eta < widest[p.r_shift][0]:
            widest[p.r_shift] = (p.eta, j)
    inside = sorted(c for c in widest if c < cutoff)
    beyond = sorted(c for c in widest if c >= cutoff)
    found: List[Gap] = []
    for a, b in zip(inside, inside[1:] + beyond[:1]):
        (eta_a, left), (eta_b, right) = widest[a], widest[b]
        if _crossing_bound((a, eta_a), (b, eta_b)) >= GAP_LIMIT:
            continue  # the two nearest Gaussians alone cover the interval
        below = [g for g in gaussians if g[0] <= a]
        above = [g for g in gaussians if g[0] >= b]
        at = _lowest(below, above, a, min(b, cutoff))
        value = max(_height(below, at), _height(above, at))
        if value < GAP_LIMIT:
            found.append(Gap(value, at, left, right))
    return found


def radial_gaps(
    blocks: List[Block], text_of: Callable[[int], str]
) -> List[Tuple[int, Tuple[int, ...], str]]:
    """(set, lines, message) for every radial Gaussian set with gaps; the lines are the
    Gaussians bounding each gap, in every element combination of the set."""
    by_set: Dict[int, List[Block]] = {}
    for b in blocks:
        if b.type_number in RADIAL_GAUSSIAN:
            by_set.setdefault(b.index, []).append(b)
    found = []
    for index, group in by_set.items():
        set_gaps = gaps(group[0].rows)  # the blocks of a set share its rows
        if set_gaps:
            lines = {b.start + j + 1 for b in group for g in set_gaps for j in (g.left, g.right)}
            message = gap_message(group[0], set_gaps, len(group), text_of)
            found.append((index, tuple(sorted(lines)), message))
    return found


def gap_message(
    b: Block, set_gaps: List[Gap], combinations: int, text_of: Callable[[int], str]
) -> str:
    """The finding: up to EXAMPLES gaps with the lines around them, and the fixes."""

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
    shown = "; ".join(one(gap) for gap in set_gaps[:EXAMPLES])
    more = f"; and {n - EXAMPLES} more" if n > EXAMPLES else ""
    each = (
        f" (the same in each of its {combinations} element combinations)"
        if combinations > 1
        else ""
    )
    d = max(centre(g.right) - centre(g.left) for g in set_gaps)
    return (
        f"gap{'s' if n != 1 else ''} between radial Gaussians: in {n} place{'s' if n != 1 else ''}"
        f" no Gaussian of this set reaches {100 * GAP_LIMIT:g} % of its peak{each}: {shown}{more}"
        ". Its Gaussians are much narrower than the spacing of their centres: a neighbour at "
        "such a distance moves none of these SFs. Add Gaussians in the gaps, widen them (one "
        f"width: eta <= 4 ln(10)/d^2 = {4 * math.log(10) / d**2:.4g} for the widest gap, d = "
        f"{d:.4g}), or select from a pool with several widths (sfcompile init --pool)"
    )
