"""Lint checks that look at one line at a time: Gaussian shapes, zetas, rounded windows."""

from __future__ import annotations

import math
from typing import Dict, List, Optional, Tuple

from .blocks import Block, Params

FLAT_LIMIT = 0.99  # eta-too-small: the Gaussian stays above this on all of [0, r_c]
DEAD_LIMIT = 1e-12  # eta-too-large: ... is below this at r_min (and beyond)
SHORTEST = 0.1  # r_min = SHORTEST * r_c: the shortest distance assumed to occur
RADIAL_GAUSSIAN = (2, 12)


def _shape(p: Params, type_number: int) -> Optional[str]:
    """The Gaussian-shape problem of a line, if any (at most one per line)."""
    if p.eta is None or p.r_shift is None:
        return None
    if p.r_shift > p.cutoff:
        return "rshift-beyond-cutoff"
    if p.r_shift == p.cutoff:
        return "gaussian-at-cutoff"
    shortest = SHORTEST * p.cutoff
    if p.r_shift < shortest and math.exp(-p.eta * (shortest - p.r_shift) ** 2) < DEAD_LIMIT:
        return "eta-too-large"
    farthest = max(p.cutoff - p.r_shift, p.r_shift)
    if type_number in RADIAL_GAUSSIAN and math.exp(-p.eta * farthest**2) > FLAT_LIMIT:
        return "eta-too-small"
    return None


def _window_broken(p: Params) -> bool:
    """A polynomial window that rounding made empty or off-centre. The models check the
    values as written; n2p2 aborts on theta_l >= theta_r and on a window crossing 0 or 180
    whose centre (theta_l + theta_r)/2 is not exactly 0 or 180, and r_l = r_c is a window of
    zero width."""
    if p.r_lower is not None and p.r_lower >= p.cutoff:
        return True
    if p.theta_left is None or p.theta_right is None:
        return False
    centre = (p.theta_left + p.theta_right) / 2.0
    return (
        p.theta_left >= p.theta_right
        or (p.theta_left < 0 and centre != 0)
        or (p.theta_right > 180 and centre != 180)
    )


def _not_finite(p: Params) -> bool:
    return any(isinstance(v, float) and not math.isfinite(v) for v in p if not isinstance(v, str))


def _codes(p: Params, type_number: int) -> List[str]:
    if _not_finite(p):  # nothing else about such a line means anything
        return ["not-finite"]
    shape = _shape(p, type_number)
    codes = [shape] if shape else []
    if p.zeta is not None and not p.zeta.is_integer():
        codes.append("non-integer-zeta")
    return codes + (["window-rounding"] if _window_broken(p) else [])


def row_checks(blocks: List[Block]) -> List[Tuple[int, str, Tuple[int, ...]]]:
    """(set, code, lines) of the checks that look at one line at a time."""
    lines: Dict[Tuple[int, str], List[int]] = {}
    verdicts: Dict[int, List[Tuple[int, str]]] = {}  # id(rows) -> (row, code)
    for b in blocks:
        verdict = verdicts.get(id(b.rows))
        if verdict is None:
            verdict = [(j, c) for j, p in enumerate(b.rows) for c in _codes(p, b.type_number)]
            verdicts[id(b.rows)] = verdict
        for j, code in verdict:
            lines.setdefault((b.index, code), []).append(b.start + j + 1)
    return [(index, code, tuple(found)) for (index, code), found in lines.items()]


ROW_MESSAGES = {
    "not-finite": "a parameter is not a finite number in {n}: {lines}. The rule's arithmetic "
    "overflowed (a length so small that 1/length^2 exceeds the largest double); n2p2 would "
    "read the INF or NAN and compute nothing useful. Use lengths of atomic size",
    "rshift-beyond-cutoff": "Gaussian centred beyond the cutoff (r_shift > r_c) in {n}: {lines}. "
    "n2p2 accepts this silently, but f_c is 0 from r_c on, so the SF only sees the Gaussian's "
    "inner tail. Use r_shift values below the cutoff, or a larger cutoff for this set",
    "gaussian-at-cutoff": "Gaussian centred exactly at the cutoff (r_shift = r_c) in {n}: "
    "{lines}. f_c vanishes at r_c, so the SF is suppressed where its Gaussian peaks: a wasted "
    "input (gastegger2018 'shift' does this when r_upper is the cutoff). Keep r_shift below "
    "the cutoff, e.g. r_upper = cutoff minus one grid spacing",
    "eta-too-large": "Gaussian too narrow in {n}: centred below r_min = 0.1 r_c, it has "
    "decayed below 1e-12 at r_min: {lines}. Atoms closer than 10% of the cutoff do not occur, "
    "so the SF is 0 in every structure: a dead input (min = max, n2p2's scaling divides by "
    "zero: NaN in training). Use eta < ln(1e12)/(r_min - r_shift)^2, or move r_shift out to "
    "the neighbour shells",
    "eta-too-small": "Gaussian too wide in {n}: flat on the whole cutoff sphere "
    "(exp(-eta d^2) > 0.99 at the largest distance d = max(r_c - r_shift, r_shift) from its "
    "centre): {lines}. Such an SF is a plain cutoff-weighted neighbour count, almost perfectly "
    "correlated with any other such SF. Use eta > -ln(0.99)/d^2 = 0.01005/d^2, or drop it",
    "non-integer-zeta": "non-integer zeta in {n}: {lines}. n2p2 computes "
    "(1 + lambda cos theta)^zeta by repeated multiplication only for integer zeta and calls the "
    "much slower general pow() otherwise, in its most expensive (angular) SFs. Use integer "
    "zetas such as 1, 2, 4, 8, 16",
    "window-rounding": "polynomial window broken by rounding to the output precision in "
    "{n}: {lines}. n2p2 aborts on an angle window with theta_l >= theta_r or one crossing 0 "
    "or 180 whose printed bounds are not exactly centred there, and a radial window with "
    "r_l = r_c has zero width (division by zero: NaN). Raise [output] precision, or choose "
    "bounds that need fewer digits",
}
