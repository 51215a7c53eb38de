"""Symmetry-function values of a structure, computed the way n2p2 computes them.

Formulas: ``n2p2-input-nn.md`` (types 2, 3, 9, 12, 13 with the global cutoff function; compact
types 20-25). The neighbour list is built once, at the largest cutoff; per cutoff radius its
pairs are grouped by (central atom, neighbour species). Per central element and neighbour
species (radial SFs) or unordered species pair (angular SFs) the pairs or triplets j<k form a
block, and every SF that sums over the block becomes a row of a term matrix summed per central
atom in one call: the element-specific SFs and the weighted types 12/13/23/24/25 (weight Z_j or
Z_j·Z_k, constant within a block). A triplet term is a radial factor times an angular factor;
SFs share the factors they have in common (one exponential per (η, r_s), one (1 + λ cos θ)^ζ
per (λ, ζ), one compact window per (r_l, r_c, subtype)); pair quantities (cutoff function,
windows) are computed per pair, not per triplet; triplets go in cache-sized chunks of atoms.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Dict, List, NamedTuple, Optional, Protocol, Sequence, Tuple

import numpy as np
import numpy.typing as npt

from .cutoff_functions import (
    FloatArray,
    angular_power,
    check_cutoff_type,
    compact_function,
    cutoff_function,
    fma,
)
from .elements import ATOMIC_NUMBER
from .generate import SymmetryFunction
from .neighbours import (
    IntArray,
    PairTable,
    chunks,
    neighbour_list,
    norm,
    pair_block,
    pair_table,
    segment_sums,
    triplet_block,
    triplet_counts,
)

GAUSSIAN_RADIAL = frozenset({2, 12})
GAUSSIAN_ANGULAR = frozenset({3, 9, 13})
RADIAL = frozenset({2, 12, 20, 23})
ANGULAR = frozenset({3, 9, 13, 21, 22, 24, 25})
WEIGHTED = frozenset({12, 13, 23, 24, 25})  # sum over every neighbour, weight Z_j (Z_j Z_k)
NARROW = frozenset({3, 13, 21, 24})  # the r_jk factor (and r_jk < r_c) is part of the term
#: Cutoff functions whose cancellation near r_c shows the last bits of r_jk: r_jk is then
#: rounded exactly as n2p2 rounds it (slower); likewise for the compact narrow types 21, 24.
POLYNOMIAL_CUTOFFS = frozenset({5, 6, 7, 8})
TRIPLET_CHUNK = 8192  # triplets per chunk


class StructureLike(Protocol):
    """What ``compute`` needs of a structure (lengths in the unit of the SF parameters)."""

    @property
    def positions(self) -> npt.ArrayLike: ...  # (n, 3)

    @property
    def lattice(self) -> Optional[npt.ArrayLike]: ...  # (3, 3), cell vectors as rows; or None

    @property
    def elements(self) -> Sequence[str]: ...  # n chemical symbols


class Geometry(NamedTuple):
    """A minimal structure: positions (n, 3), lattice (3, 3) rows or None, element symbols."""

    positions: npt.ArrayLike
    lattice: Optional[npt.ArrayLike]
    elements: Sequence[str]


def compute(
    structure: StructureLike,
    sfs: Sequence[SymmetryFunction],
    cutoff_type: int,
    alpha: float = 0.0,
) -> Dict[str, FloatArray]:
    """The raw (unscaled) values of ``sfs`` for every atom of ``structure``, as n2p2 computes
    them (lengths in the unit of the SF parameters).

    Returns, per central element of ``sfs`` (in order of first appearance), an array
    (atoms of that element, in structure order) × (SFs of that element, in the order given);
    0 rows if the structure has no such atom. Atoms of elements without SFs are neighbours
    only. ``cutoff_type``/``alpha``: n2p2's global cutoff function (types 20-25 ignore it).
    """
    check_cutoff_type(cutoff_type, alpha)
    plan, width = _plan(sfs)
    symbols = list(structure.elements)
    kinds = sorted(set(symbols), key=lambda s: (ATOMIC_NUMBER.get(s, 0), s))
    code = {symbol: n for n, symbol in enumerate(kinds)}
    species = np.array([code[s] for s in symbols], dtype=np.int64)
    out = {element: np.zeros((symbols.count(element), n)) for element, n in width.items()}
    positions = np.asarray(structure.positions, dtype=np.float64).reshape(-1, 3)
    if len(positions) != len(symbols):
        raise ValueError(f"{len(positions)} positions but {len(symbols)} element symbols")
    if not plan or not symbols:
        return out
    neighbours = neighbour_list(positions, structure.lattice, max(plan))
    for cutoff, by_element in plan.items():
        table = pair_table(neighbours, species, len(kinds), cutoff)
        group = _CutoffGroup(table, cutoff, cutoff_type, alpha, kinds)
        for element, members in by_element.items():
            if element in code:
                group.add(np.flatnonzero(species == code[element]), members, out[element])
    return out


class _Member(NamedTuple):
    column: int  # value column of the SF among its central element's SFs
    sf: SymmetryFunction


def _plan(
    sfs: Sequence[SymmetryFunction],
) -> Tuple[Dict[float, Dict[str, List[_Member]]], Dict[str, int]]:
    """cutoff → central element → its SFs with that cutoff (and their value columns); and the
    number of SFs per central element."""
    plan: Dict[float, Dict[str, List[_Member]]] = {}
    position: Dict[str, int] = {}
    for sf in sfs:
        if sf.type_number not in RADIAL | ANGULAR:
            raise ValueError(f"unknown symmetry-function type {sf.type_number}")
        central = sf.combination[0]
        column = position.get(central, 0)
        position[central] = column + 1
        by_element = plan.setdefault(float(sf.cutoff), {})
        by_element.setdefault(central, []).append(_Member(column, sf))
    return plan, position


def _value(value: Optional[float]) -> float:
    if value is None:
        raise ValueError("a parameter this symmetry-function type needs is missing")
    return float(value)


def _subtype(sf: SymmetryFunction) -> str:
    if sf.subtype is None:
        raise ValueError(f"type-{sf.type_number} symmetry function without a subtype")
    return sf.subtype


def _applies(sf: SymmetryFunction, names: Tuple[str, ...]) -> bool:
    """Does ``sf`` sum over neighbours of these species (the weighted types: over all)?"""
    return sf.type_number in WEIGHTED or sorted(sf.combination[1:]) == sorted(names)


def _weight(sf: SymmetryFunction, names: Tuple[str, ...]) -> float:
    """Z_j (Z_j Z_k) for the weighted types, 1 otherwise; times 2^(1-ζ) for Gaussian angles."""
    weight = 1.0
    if sf.type_number in WEIGHTED:
        weight = float(np.prod([ATOMIC_NUMBER[name] for name in names]))
    if sf.type_number in GAUSSIAN_ANGULAR:
        weight *= 2.0 ** (1.0 - _value(sf.zeta))
    return weight


def _accumulate(
    out: FloatArray, members: List[_Member], names: Tuple[str, ...], sums: FloatArray
) -> None:
    """Add ``sums`` (one row per member), weighted, to the members' columns of ``out``."""
    weights = np.array([_weight(m.sf, names) for m in members])
    out[:, [m.column for m in members]] += (sums * weights[:, None]).T


class _Radial(NamedTuple):
    """A radial factor of triplet terms: Gaussian (a = r_s, b = η) or window (a = r_l, b = r_c)."""

    gaussian: bool
    narrow: bool  # with the r_jk factor
    a: float
    b: float
    subtype: str  # windows only


class _Angular(NamedTuple):
    """An angular factor: Gaussian (a = λ, b = ζ) or window (a = θ_l, b = θ_r in degrees)."""

    gaussian: bool
    a: float
    b: float
    core: str  # windows only: the core function (the angular part ignores an ``a`` suffix)


def _factors_of(sf: SymmetryFunction) -> Tuple[_Radial, _Angular]:
    narrow = sf.type_number in NARROW
    if sf.type_number in GAUSSIAN_ANGULAR:
        radial = _Radial(True, narrow, _value(sf.r_shift), _value(sf.eta), "")
        return radial, _Angular(True, _value(sf.lambda_), _value(sf.zeta), "")
    subtype = _subtype(sf)
    radial = _Radial(False, narrow, _value(sf.r_lower), float(sf.cutoff), subtype)
    angular = _Angular(False, _value(sf.theta_left), _value(sf.theta_right), subtype.rstrip("a"))
    return radial, angular


class _Factors:
    """The distinct radial and angular factors of a block's SFs, and which two each SF uses."""

    def __init__(self, sfs: List[SymmetryFunction]) -> None:
        radial: Dict[_Radial, int] = {}
        angular: Dict[_Angular, int] = {}
        self.pairs = []
        for sf in sfs:
            r, a = _factors_of(sf)
            self.pairs.append(
                (radial.setdefault(r, len(radial)), angular.setdefault(a, len(angular)))
            )
        self.radial, self.angular = list(radial), list(angular)
        self.outer = len(radial) * len(angular) <= 2 * len(sfs)  # all products: fewer calls
        size = len(self.angular)
        self.rows = [r * size + a for r, a in self.pairs] if self.outer else list(range(len(sfs)))

    def terms(self, triplets: _Triplets) -> FloatArray:
        """Rows (one per SF, or per (radial, angular) combination if ``outer``) to be summed."""
        size = len(triplets.first)
        radial = np.empty((len(self.radial), size))
        for row, factor in zip(radial, self.radial):
            triplets.radial(factor, out=row)
        angular = triplets.angular(self.angular)
        if self.outer:
            terms = np.empty((len(self.radial), len(angular), size))
            for a, values in enumerate(angular):
                np.multiply(radial, values, out=terms[:, a, :])
            return terms.reshape(-1, size)
        terms = np.empty((len(self.pairs), size))
        for k, (r, a) in enumerate(self.pairs):
            np.multiply(radial[r], angular[a], out=terms[k])
        return terms


class _CutoffGroup:
    """Every SF of one cutoff radius, over the pair table of that radius."""

    def __init__(
        self, table: PairTable, cutoff: float, cutoff_type: int, alpha: float, kinds: List[str]
    ) -> None:
        self.table, self.cutoff, self.kinds = table, cutoff, kinds
        self.cutoff_type, self.alpha = cutoff_type, alpha
        self._windows: Dict[Tuple[float, float, str], FloatArray] = {}

    @cached_property
    def fc(self) -> FloatArray:
        return cutoff_function(self.table.distances, self.cutoff, self.cutoff_type, self.alpha)

    def window(self, left: float, right: float, subtype: str) -> FloatArray:
        """The compact radial function C(r; left, right) of every pair."""
        key = (left, right, subtype)
        if key not in self._windows:
            self._windows[key] = compact_function(self.table.distances, *key)
        return self._windows[key]

    def add(self, centres: IntArray, members: List[_Member], out: FloatArray) -> None:
        """Add the values of ``members`` for the atoms ``centres`` to their columns of ``out``."""
        radial = [m for m in members if m.sf.type_number in RADIAL]
        angular = [m for m in members if m.sf.type_number in ANGULAR]
        for s, name in enumerate(self.kinds) if radial else ():
            chosen = [m for m in radial if _applies(m.sf, (name,))]
            if chosen:
                block = pair_block(self.table, centres, s)
                terms = self._radial_terms([m.sf for m in chosen], block.first)
                _accumulate(out, chosen, (name,), segment_sums(terms, block.counts))
        n = len(self.kinds)
        for pair in [(a, b) for a in range(n) for b in range(a, n)] if angular else ():
            names = (self.kinds[pair[0]], self.kinds[pair[1]])
            chosen = [m for m in angular if _applies(m.sf, names)]
            if chosen:
                self._add_triplets(centres, pair, chosen, out)

    def _add_triplets(
        self, centres: IntArray, pair: Tuple[int, int], chosen: List[_Member], out: FloatArray
    ) -> None:
        names = (self.kinds[pair[0]], self.kinds[pair[1]])
        factors = _Factors([m.sf for m in chosen])
        exact = self.cutoff_type in POLYNOMIAL_CUTOFFS or any(
            m.sf.type_number in (21, 24) for m in chosen
        )
        counts = triplet_counts(self.table, centres, *pair)
        for part in chunks(counts, TRIPLET_CHUNK) if counts.any() else ():
            block = triplet_block(self.table, centres[part], *pair)
            assert block.second is not None
            triplets = _Triplets(self, block.first, block.second, exact)
            sums = segment_sums(factors.terms(triplets), block.counts)
            _accumulate(out[part], chosen, names, sums[factors.rows])

    def _radial_terms(self, sfs: List[SymmetryFunction], pairs: IntArray) -> FloatArray:
        r = np.take(self.table.distances, pairs)
        terms = np.empty((len(sfs), len(pairs)))
        for k, sf in enumerate(sfs):
            if sf.type_number in GAUSSIAN_RADIAL:
                shifted = r - _value(sf.r_shift)
                terms[k] = np.exp(-_value(sf.eta) * shifted * shifted) * np.take(self.fc, pairs)
            else:
                window = self.window(_value(sf.r_lower), float(sf.cutoff), _subtype(sf))
                terms[k] = np.take(window, pairs)
        return terms


class _Triplets:
    """The triplets (i, j, k) of one chunk: geometry and factors, computed on demand."""

    def __init__(self, group: _CutoffGroup, first: IntArray, second: IntArray, exact: bool):
        self.group, self.first, self.second = group, first, second
        self.exact = exact  # r_jk rounded exactly as n2p2 rounds it (slower)
        self._square_sums: Dict[Tuple[bool, float], FloatArray] = {}
        self._bases: Dict[float, FloatArray] = {}  # 1 + λ cos θ per λ

    @cached_property
    def r_ij(self) -> FloatArray:
        return np.take(self.group.table.distances, self.first)

    @cached_property
    def r_ik(self) -> FloatArray:
        return np.take(self.group.table.distances, self.second)

    @cached_property
    def _vectors(self) -> Tuple[FloatArray, ...]:
        """x, y, z of r_ij, then of r_ik."""
        xyz = self.group.table.vectors
        return tuple(np.take(c, index) for index in (self.first, self.second) for c in xyz)

    @cached_property
    def dot(self) -> FloatArray:
        xj, yj, zj, xk, yk, zk = self._vectors
        return np.asarray(xj * xk + yj * yk + zj * zk)

    @cached_property
    def r_jk(self) -> FloatArray:
        xj, yj, zj, xk, yk, zk = self._vectors
        return norm(xk - xj, yk - yj, zk - zj, fused=self.exact)

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
        return np.take(self.group.fc, self.first) * np.take(self.group.fc, self.second)

    @cached_property
    def _fc_ij_ik_jk(self) -> FloatArray:
        group = self.group
        fc_jk = cutoff_function(self.r_jk, group.cutoff, group.cutoff_type, group.alpha)
        return self._fc_ij_ik * fc_jk

    def radial(self, factor: _Radial, out: FloatArray) -> None:
        """The radial factor of every triplet, into ``out``."""
        if factor.gaussian:  # exp(-η Σ(r - r_s)²) f_c(r_ij) f_c(r_ik) [f_c(r_jk)]
            np.multiply(self._squares(factor.narrow, factor.a), -factor.b, out=out)
            np.exp(out, out=out)
            out *= self._fc_ij_ik_jk if factor.narrow else self._fc_ij_ik
            return
        window = self.group.window(factor.a, factor.b, factor.subtype)
        np.multiply(np.take(window, self.first), np.take(window, self.second), out=out)
        if factor.narrow:
            out *= compact_function(self.r_jk, factor.a, factor.b, factor.subtype)

    def _squares(self, narrow: bool, r_shift: float) -> FloatArray:
        """(r_ij − r_s)² + (r_ik − r_s)² [+ (r_jk − r_s)²], shared by the SFs with this r_s."""
        key = (narrow, r_shift)
        if key not in self._square_sums:
            a, b = self.r_ij - r_shift, self.r_ik - r_shift
            squares = a * a
            squares += b * b
            if narrow:
                c = self.r_jk - r_shift
                squares += c * c
            self._square_sums[key] = squares
        return self._square_sums[key]

    def angular(self, factors: List[_Angular]) -> FloatArray:
        """The angular factors of every triplet, one row each; the compact windows with the
        same core function in one vectorised call."""
        out = np.empty((len(factors), len(self.first)))
        windows: Dict[str, List[int]] = {}
        for row, factor in enumerate(factors):
            if factor.gaussian:  # (1 + λ cos θ)^ζ
                if factor.a not in self._bases:
                    cos = self.dot * (1.0 / self.r_ij / self.r_ik)
                    self._bases[factor.a] = 1.0 + factor.a * cos
                out[row] = angular_power(self._bases[factor.a], factor.b)
            else:
                windows.setdefault(factor.core, []).append(row)
        for core, rows in windows.items():
            bounds = np.array([[factors[r].a, factors[r].b] for r in rows]) * math.pi / 180.0
            left, right = bounds[:, 0:1], bounds[:, 1:2]  # in radians, as n2p2 converts them
            out[rows] = compact_function(self.theta, left, right, core, radial=False)
        return out
