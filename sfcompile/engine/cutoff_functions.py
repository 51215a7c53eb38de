"""n2p2's cutoff functions (``cutoff_type`` 0-8) and the compact "bump" functions of the
polynomial symmetry functions (types 20-25), vectorised with numpy.

Formulas from ``n2p2-input-nn.md``: with the inner cutoff r_ci = alpha·r_c and
x = (r − r_ci)/(r_c − r_ci), f = 1 for r < r_ci and f = 0 for r ≥ r_c.

Rounding. Near the edge of their support the polynomials are a difference of numbers close to
1 (poly4: terms of size ~500 that cancel to ~1e-5), so the last bits of every intermediate
result show in the value. n2p2 evaluates them in Horner form, and its usual build
(``-O3 -march=native``) fuses each multiply-add into one FMA instruction (one rounding). numpy
has no fused multiply-add, so ``fma`` emulates it; the cores below follow n2p2's evaluation
order step by step (x², x⁴ products, e·exp(1/(x² − 1))), which reproduces n2p2's values to the
last bit wherever the distances agree to the last bit (checked on the reference data).
"""

from __future__ import annotations

import math
from typing import Callable, Dict, Optional, Tuple, Union

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
ArrayOrFloat = Union[FloatArray, float]

E = math.exp(1.0)
#: 1/tanh³(1), computed as n2p2 computes it: ((e + 1/e)/(e − 1/e))³.
TANH_PRE = ((E + 1.0 / E) / (E - 1.0 / E)) ** 3
HARD, COS, TANHU, TANH, EXP, POLY1, POLY2, POLY3, POLY4 = range(9)
#: The cutoff functions that use alpha (the others ignore it, as n2p2 does).
USES_ALPHA = frozenset({COS, EXP, POLY1, POLY2, POLY3, POLY4})
#: Compact-function subtypes n2p2 reads (an ``a`` suffix: asymmetric radial argument).
SUBTYPES = ("p1", "p2", "p3", "p4", "p1a", "p2a", "p3a", "p4a", "e")
_SPLIT = 134217729.0  # 2**27 + 1: Veltkamp's splitting constant for doubles


def _split(a: FloatArray) -> Tuple[FloatArray, FloatArray]:
    """a = hi + lo exactly, hi and lo with at most 26 significant bits (Veltkamp)."""
    t = _SPLIT * a
    hi = t - (t - a)
    return hi, a - hi


def fma(a: ArrayOrFloat, b: FloatArray, c: ArrayOrFloat) -> FloatArray:
    """a·b + c rounded once (a fused multiply-add), elementwise, emulated with error-free
    transformations: a·b = p + e exactly (Dekker), p + c = s + t exactly (Knuth), then
    s + (t + e); equal to a hardware FMA except in rare double-rounding cases."""
    p = a * b
    b_hi, b_lo = _split(b)
    a_hi: ArrayOrFloat
    a_lo: ArrayOrFloat
    if isinstance(a, float):
        a_hi = _SPLIT * a - (_SPLIT * a - a)  # Python floats: the same IEEE operations
        a_lo = a - a_hi
    else:
        a_hi, a_lo = _split(a)
    e = a_hi * b_hi - p
    e += a_hi * b_lo
    if not isinstance(a_lo, float) or a_lo != 0.0:  # a constant such as 6.0 has no low part
        e += a_lo * b_hi
        e += a_lo * b_lo
    s = p + c
    v = s - p
    e += (p - (s - v)) + (c - v)  # the rounding error of p + c (Knuth's TwoSum)
    s += e
    return s


def _poly1(x: FloatArray) -> FloatArray:
    return fma((2.0 * x - 3.0) * x, x, 1.0)  # (2x − 3)x² + 1; 2x is exact


def _poly2(x: FloatArray) -> FloatArray:
    t = fma(fma(-6.0, x, 15.0), x, -10.0)  # ((15 − 6x)x − 10)
    return fma(t * x, x * x, 1.0)  # · x³ + 1


def _poly3(x: FloatArray) -> FloatArray:
    x2 = x * x
    t = fma(x, fma(x, fma(20.0, x, -70.0), 84.0), -35.0)  # (x(x(20x − 70) + 84) − 35)
    return fma(t * x2, x2, 1.0)  # · x⁴ + 1


def _poly4(x: FloatArray) -> FloatArray:
    x2 = x * x
    t = fma(x, fma(x, fma(fma(-70.0, x, 315.0), x, -540.0), 420.0), -126.0)
    return fma(t * x, x2 * x2, 1.0)  # (x(x((315 − 70x)x − 540) + 420) − 126) · x⁵ + 1


def _exp_core(x: FloatArray) -> FloatArray:
    """exp(1 − 1/(1 − x²)), written e·exp(1/(x² − 1)) as n2p2 evaluates it."""
    with np.errstate(divide="ignore", over="ignore"):
        return np.asarray(E * np.exp(1.0 / fma(x, x, -1.0)))


def _cos_core(x: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (np.cos(math.pi * x) + 1.0))


#: Core functions of x in [0, 1]: 1 at 0, 0 at 1.
CORES: Dict[str, Callable[[FloatArray], FloatArray]] = {
    "p1": _poly1,
    "p2": _poly2,
    "p3": _poly3,
    "p4": _poly4,
    "e": _exp_core,
}
_INNER_CORES = {COS: _cos_core, EXP: _exp_core, POLY1: _poly1, POLY2: _poly2}
_INNER_CORES.update({POLY3: _poly3, POLY4: _poly4})


def check_cutoff_type(cutoff_type: int, alpha: float) -> None:
    """Raise ValueError for a cutoff type or alpha n2p2 does not accept."""
    if cutoff_type not in range(9):
        raise ValueError(f"cutoff_type must be 0..8, not {cutoff_type!r}")
    if not 0.0 <= alpha < 1.0:
        raise ValueError(f"alpha must satisfy 0 <= alpha < 1, not {alpha!r}")


def cutoff_function(
    r: npt.ArrayLike, r_c: float, cutoff_type: int, alpha: float = 0.0
) -> FloatArray:
    """f_c(r) of n2p2's cutoff function ``cutoff_type`` (0-8) with cutoff r_c and inner cutoff
    alpha·r_c (ignored by types 0, 2 and 3, as n2p2 ignores it); 0 for r ≥ r_c."""
    check_cutoff_type(cutoff_type, alpha)
    r = np.asarray(r, dtype=np.float64)
    inside = r < r_c
    if cutoff_type == HARD:
        return inside.astype(np.float64)
    if cutoff_type in (TANHU, TANH):
        t = np.tanh(1.0 - r * (1.0 / r_c))
        f = (TANH_PRE * t if cutoff_type == TANH else t) * (t * t)
        return np.where(inside, f, 0.0)
    r_ci = r_c * alpha
    x = np.clip((r - r_ci) * (1.0 / (r_c - r_ci)), 0.0, 1.0)
    f = _INNER_CORES[cutoff_type](x)
    return np.where(r < r_ci, 1.0, np.where(inside, f, 0.0))


def core_function(y: FloatArray, subtype: str, radial: bool = True) -> FloatArray:
    """The compact core of ``subtype`` at y in [0, 1]; the ``a`` variants feed it (2 − y)·y
    (``radial=False``: the angular factor, always symmetric, ignores the ``a``)."""
    if subtype not in SUBTYPES:
        raise ValueError(f"unknown compact subtype {subtype!r}")
    if subtype.endswith("a"):
        if radial:
            y = (2.0 - y) * y
        subtype = subtype[:-1]
    return CORES[subtype](y)


def compact_function(
    v: npt.ArrayLike,
    left: ArrayOrFloat,
    right: ArrayOrFloat,
    subtype: str,
    radial: bool = True,
) -> FloatArray:
    """The bump C(v; left, right) = core(|v − m|/w), m = (left + right)/2, w = (right − left)/2,
    zero unless left < v < right (NaN counts as outside). ``left``/``right`` may be arrays
    (several windows at once, broadcast against ``v``)."""
    v = np.asarray(v, dtype=np.float64)
    centre = (right + left) / 2.0
    scale = 1.0 / ((right - left) / 2.0)
    inside = (v > left) & (v < right)
    with np.errstate(invalid="ignore"):
        y = np.minimum(np.abs((v - centre) * scale), 1.0)
    return np.where(inside, core_function(np.where(inside, y, 1.0), subtype, radial), 0.0)


def angular_power(base: FloatArray, zeta: float, out: Optional[FloatArray] = None) -> FloatArray:
    """base^ζ, 0 where base ≤ 0: the angular term (1 + λ cos θ)^ζ of the Gaussian types, with
    the terms n2p2 drops zeroed; an integer ζ by repeated squaring. ``out``: where to write it
    (it must not be ``base``)."""
    if out is None:
        out = np.empty_like(base)
    if zeta != int(zeta) or not 1 <= zeta <= 1024:
        with np.errstate(divide="ignore"):
            out[...] = np.where(base > 0.0, np.power(base, zeta), 0.0)
        return out
    n, square = int(zeta), np.maximum(base, 0.0)
    started = False
    while n:
        if n & 1:
            if started:
                out *= square
            else:
                out[...] = square
                started = True
        n >>= 1
        if n:
            square *= square
    return out
