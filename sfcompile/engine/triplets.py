"""The terms of the angular symmetry functions over one block of triplets (i, j, k).

A triplet term is a radial factor times an angular factor. The SFs of a block share the factors
they have in common: one exponential per (η, r_s), one (1 + λ cos θ)^ζ per (λ, ζ), one compact
window per (r_l, r_c, subtype). Geometry (r_ij, r_ik, r_jk, cos θ) is computed once per block,
on demand. Every array of block size lives in the thread's :class:`~.scratch.Workspace`.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Dict, List, NamedTuple, Optional, Protocol, Tuple

import numpy as np

from ..generate.expand import SymmetryFunction
from .cutoff_functions import FloatArray, angular_power, compact_function, cutoff_function, fma
from .neighbours import IntArray, PairTable, norm
from .scratch import Workspace

GAUSSIAN_ANGULAR = frozenset({3, 9, 13})
NARROW = frozenset({3, 13, 21, 24})  # the r_jk factor (and r_jk < r_c) is part of the term


class PairData(Protocol):
    """What a block of triplets needs of the pairs at its cutoff (``sfvalues.CutoffGroup``)."""

    table: PairTable
    cutoff: float
    cutoff_type: int
    alpha: float
    scratch: Workspace

    @property
    def fc(self) -> FloatArray: ...  # the cutoff function of every pair

    def window(self, left: float, right: float, subtype: str) -> FloatArray: ...


def parameter(value: Optional[float]) -> float:
    if value is None:
        raise ValueError("a parameter this symmetry-function type needs is missing")
    return float(value)


def subtype_of(sf: SymmetryFunction) -> str:
    if sf.subtype is None:
        raise ValueError(f"type-{sf.type_number} symmetry function without a subtype")
    return sf.subtype


class Radial(NamedTuple):
    """A radial factor of triplet terms: Gaussian (a = r_s, b = η) or window (a = r_l, b = r_c)."""

    gaussian: bool
    narrow: bool  # with the r_jk factor
    a: float
    b: float
    subtype: str  # windows only


class Angular(NamedTuple):
    """An angular factor: Gaussian (a = λ, b = ζ) or window (a = θ_l, b = θ_r in degrees)."""

    gaussian: bool
    a: float
    b: float
    core: str  # windows only: the core function (the angular part ignores an ``a`` suffix)


def factors_of(sf: SymmetryFunction) -> Tuple[Radial, Angular]:
    narrow = sf.type_number in NARROW
    if sf.type_number in GAUSSIAN_ANGULAR:
        radial = Radial(True, narrow, parameter(sf.r_shift), parameter(sf.eta), "")
        return radial, Angular(True, parameter(sf.lambda_), parameter(sf.zeta), "")
    subtype = subtype_of(sf)
    radial = Radial(False, narrow, parameter(sf.r_lower), float(sf.cutoff), subtype)
    core = subtype.rstrip("a")
    angular = Angular(False, parameter(sf.theta_left), parameter(sf.theta_right), core)
    return radial, angular


class Factors:
    """The distinct radial and angular factors of a block's SFs, and which two each SF uses."""

    def __init__(self, sfs: List[SymmetryFunction]) -> None:
        radial: Dict[Radial, int] = {}
        angular: Dict[Angular, int] = {}
        self.pairs = []
        for sf in sfs:
            r, a = factors_of(sf)
            self.pairs.append(
                (radial.setdefault(r, len(radial)), angular.setdefault(a, len(angular)))
            )
        self.radial, self.angular = list(radial), list(angular)
        self.outer = len(radial) * len(angular) <= 2 * len(sfs)  # all products: fewer calls
        size = len(self.angular)
        self.rows = [r * size + a for r, a in self.pairs] if self.outer else list(range(len(sfs)))

    def terms(self, triplets: Triplets) -> FloatArray:
        """Rows (one per SF, or per (radial, angular) combination if ``outer``) to be summed."""
        size, scratch = triplets.size, triplets.scratch
        radial = scratch.matrix("radial", len(self.radial), size)
        for row, factor in zip(radial, self.radial):
            triplets.radial(factor, out=row)
        angular = triplets.angular(self.angular)
        if self.outer:
            terms = scratch.matrix("terms", len(self.radial) * len(angular), size)
            cube = terms.reshape(len(self.radial), len(angular), size)
            for a, values in enumerate(angular):
                np.multiply(radial, values, out=cube[:, a, :])
            return terms
        terms = scratch.matrix("terms", len(self.pairs), size)
        for k, (r, a) in enumerate(self.pairs):
            np.multiply(radial[r], angular[a], out=terms[k])
        return terms


class Triplets:
    """The triplets (i, j, k) of one block: geometry and factors, computed on demand."""

    def __init__(self, group: PairData, first: IntArray, second: IntArray, exact: bool):
        self.group, self.first, self.second = group, first, second
        self.size = len(first)
        self.scratch: Workspace = group.scratch
        self.exact = exact  # r_jk rounded exactly as n2p2 rounds it (slower)
        self._square_sums: Dict[Tuple[bool, float], FloatArray] = {}
        self._bases: Dict[float, FloatArray] = {}  # 1 + λ cos θ per λ

    def _slot(self, name: object) -> FloatArray:
        return self.scratch.vector(("triplet", name), self.size)

    def _take(self, source: FloatArray, index: IntArray, name: str) -> FloatArray:
        return np.take(source, index, out=self._slot(name))

    @cached_property
    def r_ij(self) -> FloatArray:
        return self._take(self.group.table.distances, self.first, "r_ij")

    @cached_property
    def r_ik(self) -> FloatArray:
        return self._take(self.group.table.distances, self.second, "r_ik")

    @cached_property
    def _vectors(self) -> Tuple[FloatArray, ...]:
        """x, y, z of r_ij, then of r_ik."""
        xyz = self.group.table.vectors
        names = ("xj", "yj", "zj", "xk", "yk", "zk")
        pairs = [(c, index) for index in (self.first, self.second) for c in xyz]
        return tuple(self._take(c, index, name) for (c, index), name in zip(pairs, names))

    @cached_property
    def dot(self) -> FloatArray:
        """x_j x_k + y_j y_k + z_j z_k, added in that order."""
        xj, yj, zj, xk, yk, zk = self._vectors
        dot, term = np.multiply(xj, xk, out=self._slot("dot")), self._slot("term")
        dot += np.multiply(yj, yk, out=term)
        dot += np.multiply(zj, zk, out=term)
        return dot

    @cached_property
    def r_jk(self) -> FloatArray:
        xj, yj, zj, xk, yk, zk = self._vectors
        dx = np.subtract(xk, xj, out=self._slot("dx"))
        dy = np.subtract(yk, yj, out=self._slot("dy"))
        dz = np.subtract(zk, zj, out=self._slot("dz"))
        if self.exact:
            return norm(dx, dy, dz, fused=True)
        r = np.multiply(dx, dx, out=self._slot("r_jk"))
        r += np.multiply(dy, dy, out=dy)
        r += np.multiply(dz, dz, out=dz)
        return np.sqrt(r, out=r)

    @cached_property
    def cos(self) -> FloatArray:
        """cos θ_ijk = dot · ((1 / r_ij) / r_ik), the Gaussian angular terms' rounding."""
        cos = np.divide(1.0, self.r_ij, out=self._slot("cos"))
        cos /= self.r_ik
        cos *= self.dot
        return cos

    @cached_property
    def theta(self) -> FloatArray:
        """θ_ijk in radians, cos θ rounded as n2p2 rounds it (the compact windows amplify its
        last bits near their edges); NaN where cos θ = ±1 (n2p2 skips those compact terms)."""
        xj, yj, zj, xk, yk, zk = self._vectors
        cos = fma(zj, zk, fma(xj, xk, yj * yk)) * (1.0 / (self.r_ij * self.r_ik))
        edge = (cos <= -1.0) | (cos >= 1.0)
        return np.where(edge, np.nan, np.arccos(np.clip(cos, -1.0, 1.0)))

    @cached_property
    def _fc_ij_ik(self) -> FloatArray:
        product = self._take(self.group.fc, self.first, "fc2")
        product *= self._take(self.group.fc, self.second, "fc_ik")
        return product

    @cached_property
    def _fc_ij_ik_jk(self) -> FloatArray:
        group = self.group
        fc_jk = cutoff_function(self.r_jk, group.cutoff, group.cutoff_type, group.alpha)
        return np.multiply(self._fc_ij_ik, fc_jk, out=self._slot("fc3"))

    def radial(self, factor: Radial, out: FloatArray) -> None:
        """The radial factor of every triplet, into ``out``."""
        if factor.gaussian:  # exp(-η Σ(r - r_s)²) f_c(r_ij) f_c(r_ik) [f_c(r_jk)]
            np.multiply(self._squares(factor.narrow, factor.a), -factor.b, out=out)
            np.exp(out, out=out)
            out *= self._fc_ij_ik_jk if factor.narrow else self._fc_ij_ik
            return
        window = self.group.window(factor.a, factor.b, factor.subtype)
        np.take(window, self.first, out=out)
        out *= self._take(window, self.second, "window_k")
        if factor.narrow:
            out *= compact_function(self.r_jk, factor.a, factor.b, factor.subtype)

    def _squares(self, narrow: bool, r_shift: float) -> FloatArray:
        """(r_ij − r_s)² + (r_ik − r_s)² [+ (r_jk − r_s)²], shared by the SFs with this r_s."""
        key = (narrow, r_shift)
        if key not in self._square_sums:
            squares = np.subtract(self.r_ij, r_shift, out=self._slot(("squares", key)))
            squares *= squares
            term = np.subtract(self.r_ik, r_shift, out=self._slot("term"))
            squares += np.multiply(term, term, out=term)
            if narrow:
                np.subtract(self.r_jk, r_shift, out=term)
                squares += np.multiply(term, term, out=term)
            self._square_sums[key] = squares
        return self._square_sums[key]

    def angular(self, factors: List[Angular]) -> FloatArray:
        """The angular factors of every triplet, one row each; the compact windows with the
        same core function in one vectorised call."""
        out = self.scratch.matrix("angular", len(factors), self.size)
        windows: Dict[str, List[int]] = {}
        for row, factor in enumerate(factors):
            if factor.gaussian:  # (1 + λ cos θ)^ζ
                if factor.a not in self._bases:
                    base = np.multiply(self.cos, factor.a, out=self._slot(("base", factor.a)))
                    base += 1.0
                    self._bases[factor.a] = base
                angular_power(self._bases[factor.a], factor.b, out=out[row])
            else:
                windows.setdefault(factor.core, []).append(row)
        for core, rows in windows.items():
            bounds = np.array([[factors[r].a, factors[r].b] for r in rows]) * math.pi / 180.0
            left, right = bounds[:, 0:1], bounds[:, 1:2]  # in radians, as n2p2 converts them
            out[rows] = compact_function(self.theta, left, right, core, radial=False)
        return out
