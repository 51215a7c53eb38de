"""The SFs of a run as a *program* for the compiled kernel (``_native``; csrc/kernel.h).

Every SF is a product of factors (:class:`Factor`): a radial factor R of r_ij (and r_ik), for
the narrow angular types a factor Q of r_jk, for the angular types a factor A of θ_ijk, and a
weight (2^(1-ζ) for the Gaussian angular types; the weighted types times Z_j or Z_j Z_k at run
time). Per central element the SFs are grouped by cutoff radius; within a group equal factors
are stored once, so the kernel evaluates each once per neighbour (R) or per triplet (Q, A).

The program also says which SFs sum over which neighbour species: species codes are the spec's
elements in the order given, then one code for every element without SFs (only the weighted
types see those atoms). It is made once per run and does not depend on the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import numpy.typing as npt

from ..generate.expand import SymmetryFunction

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

GAUSSIAN_RADIAL = frozenset({2, 12})
RADIAL = frozenset({2, 12, 20, 23})
ANGULAR = frozenset({3, 9, 13, 21, 22, 24, 25})
GAUSSIAN_ANGULAR = frozenset({3, 9, 13})
NARROW = frozenset({3, 13, 21, 24})  # with the r_jk factor (and r_jk < r_c)
WEIGHTED = frozenset({12, 13, 23, 24, 25})  # every neighbour, weight Z_j (Z_j Z_k)

GAUSSIAN, WINDOW = 0, 1  # factor kinds (kernel.h: FACTOR_*)
CORES = {"p1": 1, "p2": 2, "p3": 3, "p4": 4, "e": 5}  # functions.h: CORE_*
ASYMMETRIC = 16  # the "a" variants of the radial windows


class Factor(NamedTuple):
    """A factor of SF terms: Gaussian (a, b = r_s, η; or λ, ζ for A) or window (a, b = the
    window's ends; for A in radians); ``core``: the window's core function code."""

    kind: int
    core: int
    a: float
    b: float


def parameter(value: Optional[float]) -> float:
    if value is None:
        raise ValueError("a parameter this symmetry-function type needs is missing")
    return float(value)


def subtype_of(sf: SymmetryFunction) -> str:
    if sf.subtype is None:
        raise ValueError(f"type-{sf.type_number} symmetry function without a subtype")
    return sf.subtype


def _core(subtype: str, radial: bool) -> int:
    name = subtype[:-1] if subtype.endswith("a") else subtype
    if name not in CORES:
        raise ValueError(f"unknown compact subtype {subtype!r}")
    asymmetric = radial and subtype.endswith("a")
    return CORES[name] | (ASYMMETRIC if asymmetric else 0)


def radians(degrees: float) -> float:
    """An angle window's end in radians, rounded as n2p2 converts it."""
    return degrees * math.pi / 180.0


class Parts(NamedTuple):
    """What an SF is made of."""

    radial: Factor
    jk: Optional[Factor]
    angular: Optional[Factor]
    weight: float


def parts_of(sf: SymmetryFunction) -> Parts:
    """The factors and the constant weight of one SF."""
    number = sf.type_number
    if number not in RADIAL | ANGULAR:
        raise ValueError(f"unknown symmetry-function type {number}")
    if number in GAUSSIAN_RADIAL | GAUSSIAN_ANGULAR:
        radial = Factor(GAUSSIAN, 0, parameter(sf.r_shift), parameter(sf.eta))
    else:
        subtype = subtype_of(sf)
        radial = Factor(WINDOW, _core(subtype, True), parameter(sf.r_lower), float(sf.cutoff))
    if number in RADIAL:
        return Parts(radial, None, None, 1.0)
    jk = radial if number in NARROW else None
    if number in GAUSSIAN_ANGULAR:
        zeta = parameter(sf.zeta)
        angular = Factor(GAUSSIAN, 0, parameter(sf.lambda_), zeta)
        return Parts(radial, jk, angular, 2.0 ** (1.0 - zeta))
    core = _core(subtype_of(sf), False)
    left, right = radians(parameter(sf.theta_left)), radians(parameter(sf.theta_right))
    return Parts(radial, jk, Factor(WINDOW, core, left, right), 1.0)


def whole_zeta(zeta: float) -> int:
    """ζ when the kernel raises to it by repeated squaring (a whole number 1..1024), else 0."""
    return int(zeta) if zeta == int(zeta) and 1 <= zeta <= 1024 else 0


def species_pairs(n: int) -> List[Tuple[int, int]]:
    """Unordered species pairs (s <= t) in the kernel's order (row-major upper triangle)."""
    return [(s, t) for s in range(n) for t in range(s, n)]


@dataclass
class _Group:
    """The SFs of one central element at one cutoff, while the program is being made."""

    cutoff: float
    radial: Dict[Factor, int]
    jk: Dict[Factor, int]
    angular: Dict[Factor, int]
    triples: Dict[Tuple[int, int], int]  # (R, Q or -1) -> the product R(r_ij) R(r_ik) [Q(r_jk)]
    sfs: List[Tuple[int, Parts, SymmetryFunction]]  # (column, parts, SF)


class Program:
    """The kernel's program for the SFs of each central element (``sfs``: element → its SFs,
    in value-column order); ``elements``: the species codes' order (at least every element of
    the SFs)."""

    def __init__(
        self,
        sfs: Mapping[str, Sequence[SymmetryFunction]],
        elements: Sequence[str],
        cutoff_type: int,
        alpha: float,
    ) -> None:
        self.centres = list(sfs)  # program index -> central element
        self.elements = list(dict.fromkeys([*elements, *self._named(sfs)]))
        self.code = {element: k for k, element in enumerate(self.elements)}
        self.other = len(self.elements)  # the code of every element without SFs
        self.n_species = self.other + 1
        self.widths = [len(sfs[e]) for e in self.centres]
        self.cutoff_type, self.alpha = cutoff_type, alpha
        groups: List[_Group] = []
        self.element_groups = [0]
        for element in self.centres:
            groups.extend(self._groups(sfs[element]))
            self.element_groups.append(len(groups))
        self.group_cutoffs = [g.cutoff for g in groups]
        self.max_cutoff = max(self.group_cutoffs, default=0.0)
        self.arrays = self._arrays(groups)

    @staticmethod
    def _named(sfs: Mapping[str, Sequence[SymmetryFunction]]) -> List[str]:
        return [name for group in sfs.values() for sf in group for name in sf.combination]

    @staticmethod
    def _groups(sfs: Sequence[SymmetryFunction]) -> List[_Group]:
        by_cutoff: Dict[float, _Group] = {}
        for column, sf in enumerate(sfs):
            cutoff = float(sf.cutoff)
            group = by_cutoff.setdefault(cutoff, _Group(cutoff, {}, {}, {}, {}, []))
            parts = parts_of(sf)
            r = group.radial.setdefault(parts.radial, len(group.radial))
            q = -1 if parts.jk is None else group.jk.setdefault(parts.jk, len(group.jk))
            if parts.angular is not None:
                group.angular.setdefault(parts.angular, len(group.angular))
                group.triples.setdefault((r, q), len(group.triples))
            group.sfs.append((column, parts, sf))
        return [by_cutoff[c] for c in sorted(by_cutoff)]

    def _key(self, sf: SymmetryFunction) -> int:
        """The list an element-resolved SF belongs to: the code of its neighbour species
        (radial), or the index of its unordered species pair (angular)."""
        codes = sorted(self.code[name] for name in sf.combination[1:])
        if len(codes) == 1:
            return codes[0]
        s, t = codes
        return s * self.n_species - s * (s - 1) // 2 + (t - s)

    def _arrays(self, groups: List[_Group]) -> Tuple[object, ...]:
        """The tuple the kernel takes (module.c: py_evaluate's ``program``; kernel.h explains
        lists and cells). Factor and triple indices are global (the kernel subtracts its
        group's first)."""
        factors: Dict[str, List[Factor]] = {"radial": [], "jk": [], "angular": []}
        starts: Dict[str, List[int]] = {"radial": [0], "jk": [0], "angular": [0], "triple": [0]}
        triples: List[Tuple[int, int]] = []
        layout = _Layout()
        n_pairs = len(species_pairs(self.n_species))
        for k in range(len(self.centres)):
            layout.begin_element(self.widths[k])
            for group in groups[self.element_groups[k] : self.element_groups[k + 1]]:
                offset = {kind: len(factors[kind]) for kind in factors}
                for kind, table in (("radial", group.radial), ("jk", group.jk),
                                    ("angular", group.angular)):  # fmt: skip
                    factors[kind].extend(table)
                    starts[kind].append(len(factors[kind]))
                first_triple = len(triples)
                triples += [(offset["radial"] + r, -1 if q < 0 else offset["jk"] + q)
                            for r, q in group.triples]  # fmt: skip
                starts["triple"].append(len(triples))
                radial: List[List[RadialEntry]] = [[] for _ in range(self.n_species + 1)]
                angular: List[List[AngularEntry]] = [[] for _ in range(n_pairs + 1)]
                for column, parts, sf in group.sfs:
                    r = group.radial[parts.radial]
                    weighted = sf.type_number in WEIGHTED
                    if parts.angular is None:
                        key = self.n_species if weighted else self._key(sf)
                        radial[key].append((column, r, parts.weight))
                        continue
                    q = -1 if parts.jk is None else group.jk[parts.jk]
                    key = n_pairs if weighted else self._key(sf)
                    angular[key].append((column, first_triple + group.triples[r, q],
                                         offset["angular"] + group.angular[parts.angular],
                                         parts.weight))  # fmt: skip
                layout.radial_lists(radial, len(group.radial))
                layout.angular_lists(angular, triples)
        layout.finish()
        ints = _int_array
        first_sf = [sum(self.widths[:k]) for k in range(len(self.widths))]
        return (
            len(self.centres), self.n_species, self.cutoff_type, float(self.alpha),
            ints(self.element_groups), ints(self.widths), ints(layout.element_cells),
            ints(first_sf), ints(layout.sf_cell), np.array(layout.sf_weight, dtype=np.float64),
            np.array(self.group_cutoffs, dtype=np.float64),
            ints(starts["radial"]), ints(starts["jk"]), ints(starts["angular"]),
            ints(starts["triple"]),
            *_factor_arrays(factors["radial"]),
            *_factor_arrays(factors["jk"]),
            *_angular_arrays(factors["angular"]),
            ints([r for r, _ in triples]), ints([q for _, q in triples]),
            ints(layout.radial_cell), ints(layout.angular_cell),
            *_csr(layout.list_triple), *_csr(layout.list_a),
            *_csr(layout.need_jk), *_csr(layout.need_a), *_csr(layout.need_triple),
        )  # fmt: skip


RadialEntry = Tuple[int, int, float]  # value column, R factor (in the group), weight
AngularEntry = Tuple[int, int, int, float]  # value column, triple, A factor (global), weight


class _Layout:
    """The cells of each element's lists, and where every SF's value is (kernel.h)."""

    def __init__(self) -> None:
        self.element_cells: List[int] = []
        self.sf_cell: List[int] = []
        self.sf_weight: List[float] = []
        self.radial_cell: List[int] = []
        self.angular_cell: List[int] = []
        self.list_triple: List[List[int]] = []
        self.list_a: List[List[int]] = []
        self.need_jk: List[List[int]] = []
        self.need_a: List[List[int]] = []
        self.need_triple: List[List[int]] = []
        self._cells = -1  # cells of the element being laid out (-1: none yet)
        self._first = 0  # its first SF in sf_cell

    def begin_element(self, width: int) -> None:
        if self._cells >= 0:
            self.element_cells.append(self._cells)
        self._first = len(self.sf_cell)
        self.sf_cell += [-1] * width
        self.sf_weight += [0.0] * width
        self._cells = 0

    def finish(self) -> None:
        if self._cells >= 0:
            self.element_cells.append(self._cells)

    def _place(self, column: int, cell: int, weight: float) -> None:
        self.sf_cell[self._first + column] = cell
        self.sf_weight[self._first + column] = weight

    def radial_lists(self, lists: List[List[RadialEntry]], factors: int) -> None:
        """One row of cells (one per R factor of the group) per non-empty list."""
        for entries in lists:
            if not entries:
                self.radial_cell.append(-1)
                continue
            self.radial_cell.append(self._cells)
            for column, r, weight in entries:
                self._place(column, self._cells + r, weight)
            self._cells += factors

    def angular_lists(
        self, lists: List[List[AngularEntry]], triples: List[Tuple[int, int]]
    ) -> None:
        """A grid (triples × A factors) per non-empty list, and what each species pair's two
        lists (its own and the weighted one, the last) need per triplet."""
        for entries in lists:
            used_t = sorted({t for _, t, _, _ in entries})
            used_a = sorted({a for _, _, a, _ in entries})
            self.list_triple.append(used_t)
            self.list_a.append(used_a)
            if not entries:
                self.angular_cell.append(-1)
                continue
            self.angular_cell.append(self._cells)
            row = {t: k for k, t in enumerate(used_t)}
            col = {a: k for k, a in enumerate(used_a)}
            for column, t, a, weight in entries:
                self._place(column, self._cells + row[t] * len(used_a) + col[a], weight)
            self._cells += len(used_t) * len(used_a)
        mine = len(lists)
        weighted_t, weighted_a = self.list_triple[-1], self.list_a[-1]
        for k in range(mine - 1):
            used_t = sorted(set(self.list_triple[k - mine]) | set(weighted_t))
            self.need_triple.append(used_t)
            self.need_jk.append(sorted({triples[t][1] for t in used_t if triples[t][1] >= 0}))
            self.need_a.append(sorted(set(self.list_a[k - mine]) | set(weighted_a)))


def _int_array(values: Sequence[int]) -> IntArray:
    return np.array(values, dtype=np.int64).reshape(-1)


def _factor_arrays(factors: List[Factor]) -> Tuple[IntArray, IntArray, FloatArray, FloatArray]:
    return (
        _int_array([f.kind for f in factors]),
        _int_array([f.core for f in factors]),
        np.array([f.a for f in factors], dtype=np.float64),
        np.array([f.b for f in factors], dtype=np.float64),
    )


def _angular_arrays(factors: List[Factor]) -> Tuple[object, ...]:
    kind, core, a, b = _factor_arrays(factors)
    zetas = [whole_zeta(f.b) if f.kind == GAUSSIAN else 0 for f in factors]
    return kind, core, _int_array(zetas), a, b


def _csr(lists: List[List[int]]) -> Tuple[IntArray, IntArray]:
    starts = np.zeros(len(lists) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(entries) for entries in lists])
    flat = [k for entries in lists for k in entries]
    return starts, _int_array(flat)
