"""The SFs of a run as a *program* for the compiled kernel (``_native``, see its kernel.h).

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

from ..build.generate import SymmetryFunction

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
            group = by_cutoff.setdefault(cutoff, _Group(cutoff, {}, {}, {}, []))
            parts = parts_of(sf)
            group.radial.setdefault(parts.radial, len(group.radial))
            if parts.jk is not None:
                group.jk.setdefault(parts.jk, len(group.jk))
            if parts.angular is not None:
                group.angular.setdefault(parts.angular, len(group.angular))
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
        """The tuple the kernel takes (module.c: py_evaluate's ``program``)."""
        factors: Dict[str, List[Factor]] = {"radial": [], "jk": [], "angular": []}
        starts: Dict[str, List[int]] = {"radial": [0], "jk": [0], "angular": [0]}
        sf_rows: List[Tuple[int, int, int, int, int, float]] = []
        radial_lists: List[List[int]] = []
        angular_lists: List[List[int]] = []
        list_jk: List[List[int]] = []
        list_a: List[List[int]] = []
        pairs = species_pairs(self.n_species)
        for group in groups:
            offset = {kind: len(factors[kind]) for kind in factors}
            for kind, table in (("radial", group.radial), ("jk", group.jk),
                                ("angular", group.angular)):  # fmt: skip
                factors[kind].extend(table)
                starts[kind].append(len(factors[kind]))
            first_sf = len(sf_rows)
            for column, parts, sf in group.sfs:
                sf_rows.append((
                    column,
                    offset["radial"] + group.radial[parts.radial],
                    -1 if parts.jk is None else offset["jk"] + group.jk[parts.jk],
                    -1 if parts.angular is None
                    else offset["angular"] + group.angular[parts.angular],
                    int(sf.type_number in WEIGHTED),
                    parts.weight,
                ))  # fmt: skip
            radial: List[List[int]] = [[] for _ in range(self.n_species)]
            angular: List[List[int]] = [[] for _ in pairs]
            for k, (_, parts, sf) in enumerate(group.sfs, first_sf):
                lists, keys = (radial, range(self.n_species)) if parts.angular is None \
                    else (angular, range(len(pairs)))  # fmt: skip
                for key in keys if sf.type_number in WEIGHTED else [self._key(sf)]:
                    lists[key].append(k)
            radial_lists.extend(radial)
            angular_lists.extend(angular)
            for chosen in angular:
                list_jk.append(sorted({sf_rows[k][2] for k in chosen if sf_rows[k][2] >= 0}))
                list_a.append(sorted({sf_rows[k][3] for k in chosen}))
        ints = _int_array
        return (
            len(self.centres), self.n_species, self.cutoff_type, float(self.alpha),
            ints(self.element_groups), ints(self.widths),
            np.array(self.group_cutoffs, dtype=np.float64),
            ints(starts["radial"]), ints(starts["jk"]), ints(starts["angular"]),
            *_factor_arrays(factors["radial"]),
            *_factor_arrays(factors["jk"]),
            *_angular_arrays(factors["angular"]),
            *(ints([int(row[k]) for row in sf_rows]) for k in range(5)),
            np.array([row[5] for row in sf_rows], dtype=np.float64),
            *_csr(radial_lists), *_csr(angular_lists), *_csr(list_jk), *_csr(list_a),
        )  # fmt: skip


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
