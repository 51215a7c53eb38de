"""Symmetry-function values of a structure, computed the way n2p2 computes them.

Formulas: ``n2p2-input-nn.md`` (types 2, 3, 9, 12, 13 with the global cutoff function; compact
types 20-25). The neighbour list is built once, at the largest cutoff; per cutoff radius its
pairs are grouped by (central atom, neighbour species). Per central element and neighbour
species (radial SFs) or unordered species pair (angular SFs) the pairs or triplets j<k are
taken in blocks of about ``block_size`` terms, and every SF that sums over a block becomes a row
of a term matrix summed per central atom in one call: the element-specific SFs and the weighted
types 12/13/23/24/25 (weight Z_j or Z_j·Z_k, constant within a block). Triplet terms are built
in :mod:`.triplets`; pair quantities (cutoff function, windows) are computed per pair, not per
triplet.

Self-check: the engine counts the pairs and triplets it evaluated and compares them with the
neighbour list's own totals; a difference raises :class:`EvaluationError` (a bug, never a silent
result).
"""

from __future__ import annotations

from functools import cached_property
from typing import Dict, List, Mapping, NamedTuple, Optional, Protocol, Sequence, Tuple

import numpy as np
import numpy.typing as npt

from ..generate.expand import SymmetryFunction
from ..spec.elements import ATOMIC_NUMBER
from .cutoff_functions import FloatArray, check_cutoff_type, compact_function, cutoff_function
from .limits import MAX_PAIRS, MAX_TRIPLETS
from .neighbours import (
    IntArray,
    NeighbourList,
    PairTable,
    neighbour_list,
    pair_blocks,
    pair_table,
    segment_sums,
    triplet_blocks,
    triplet_rows,
)
from .scratch import Workspace, thread_workspace
from .search import check_triplets
from .triplets import GAUSSIAN_ANGULAR, Factors, Triplets, parameter, subtype_of

GAUSSIAN_RADIAL = frozenset({2, 12})
RADIAL = frozenset({2, 12, 20, 23})
ANGULAR = frozenset({3, 9, 13, 21, 22, 24, 25})
WEIGHTED = frozenset({12, 13, 23, 24, 25})  # sum over every neighbour, weight Z_j (Z_j Z_k)
#: Cutoff functions whose cancellation near r_c shows the last bits of r_jk: r_jk is then
#: rounded exactly as n2p2 rounds it (slower); likewise for the compact narrow types 21, 24.
POLYNOMIAL_CUTOFFS = frozenset({5, 6, 7, 8})
BLOCK_SIZE = 8192  # pairs or triplets per block


class EvaluationError(RuntimeError):
    """The engine did not evaluate every pair or triplet exactly once (a bug in sfcompile)."""


class StructureLike(Protocol):
    """What ``compute`` needs of a structure (lengths in the unit of the SF parameters)."""

    @property
    def positions(self) -> npt.ArrayLike: ...  # (n, 3)

    @property
    def lattice(self) -> Optional[npt.ArrayLike]: ...  # (3, 3), cell vectors as rows; or None

    @property
    def elements(self) -> Sequence[str]: ...  # n chemical symbols


class Geometry(NamedTuple):
    """A minimal structure: positions (n, 3), lattice (3, 3) rows or None, element symbols;
    where it comes from, for messages."""

    positions: npt.ArrayLike
    lattice: Optional[npt.ArrayLike]
    elements: Sequence[str]
    source: str = ""
    line: int = 0  # of its first line in the file (0: unknown)
    number: int = -1  # 0-based position of the structure in the file (-1: unknown)


class Evaluation(NamedTuple):
    """The SF values of a structure and the neighbour list they were computed from."""

    values: Dict[str, FloatArray]  # central element -> (atoms of it, SFs of it)
    neighbours: NeighbourList  # every pair within the largest cutoff of the SFs
    species: IntArray  # code of every atom; codes number ``kinds``
    kinds: Tuple[str, ...]  # the structure's elements, by atomic number


def compute(
    structure: StructureLike,
    sfs: Sequence[SymmetryFunction],
    cutoff_type: int,
    alpha: float = 0.0,
    *,
    block_size: int = BLOCK_SIZE,
) -> Dict[str, FloatArray]:
    """The raw (unscaled) values of ``sfs`` for every atom of ``structure``, as n2p2 computes
    them (lengths in the unit of the SF parameters).

    Returns, per central element of ``sfs`` (in order of first appearance), an array
    (atoms of that element, in structure order) × (SFs of that element, in the order given);
    0 rows if the structure has no such atom. Atoms of elements without SFs are neighbours
    only. ``cutoff_type``/``alpha``: n2p2's global cutoff function (types 20-25 ignore it).
    ``block_size``: pairs or triplets evaluated at once (memory, not results, depends on it).
    """
    return evaluate(structure, sfs, cutoff_type, alpha, block_size=block_size).values


def evaluate(
    structure: StructureLike,
    sfs: Sequence[SymmetryFunction],
    cutoff_type: int,
    alpha: float = 0.0,
    *,
    block_size: int = BLOCK_SIZE,
    scratch: Optional[Workspace] = None,
    max_pairs: Optional[int] = MAX_PAIRS,
    max_triplets: Optional[int] = MAX_TRIPLETS,
    centres: Optional[Mapping[str, IntArray]] = None,
) -> Evaluation:
    """:func:`compute`, returning the neighbour list too (for statistics of the geometry).
    ``max_pairs``, ``max_triplets``: the budgets of one structure (:mod:`.search`; None: no
    limit); beyond them :class:`~.search.NeighbourBudgetExceeded`. ``centres``: per central
    element, the atoms (indices into the structure, ascending) to evaluate, instead of all
    atoms of that element; the rows of ``values`` follow them."""
    check_cutoff_type(cutoff_type, alpha)
    plan, width = _plan(sfs)
    symbols = list(structure.elements)
    kinds = tuple(sorted(set(symbols), key=lambda s: (ATOMIC_NUMBER.get(s, 0), s)))
    code = {symbol: n for n, symbol in enumerate(kinds)}
    species = np.array([code[s] for s in symbols], dtype=np.int64)
    chosen = {
        element: np.asarray(centres[element], dtype=np.int64)
        if centres is not None and element in centres
        else np.flatnonzero(species == code[element]) if element in code
        else np.zeros(0, dtype=np.int64)
        for element in width
    }  # fmt: skip
    out = {element: np.zeros((len(chosen[element]), n)) for element, n in width.items()}
    positions = np.asarray(structure.positions, dtype=np.float64).reshape(-1, 3)
    if len(positions) != len(symbols):
        raise ValueError(f"{len(positions)} positions but {len(symbols)} element symbols")
    if not plan or not symbols:
        return Evaluation(out, _no_pairs(), species, kinds)
    neighbours = neighbour_list(positions, structure.lattice, max(plan), max_pairs)
    if max_triplets is not None and any(m.sf.type_number in ANGULAR for c in plan.values()
                                        for ms in c.values() for m in ms):  # fmt: skip
        check_triplets(neighbours.i, len(symbols), max(plan), max_triplets)
    workspace = thread_workspace() if scratch is None else scratch
    for cutoff, by_element in plan.items():
        table = pair_table(neighbours, species, len(kinds), cutoff)
        group = CutoffGroup(table, cutoff, cutoff_type, alpha, kinds, workspace, block_size)
        for element, members in by_element.items():
            if len(chosen[element]):
                group.add(element, chosen[element], members, out[element])
        _verify(group.tally, neighbours, species, cutoff)
    return Evaluation(out, neighbours, species, kinds)


def _no_pairs() -> NeighbourList:
    empty = np.zeros(0, dtype=np.int64)
    return NeighbourList(empty, empty, np.zeros((0, 3)), np.zeros(0))


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


def _applies(sf: SymmetryFunction, names: Tuple[str, ...]) -> bool:
    """Does ``sf`` sum over neighbours of these species (the weighted types: over all)?"""
    return sf.type_number in WEIGHTED or sorted(sf.combination[1:]) == sorted(names)


def _weight(sf: SymmetryFunction, names: Tuple[str, ...]) -> float:
    """Z_j (Z_j Z_k) for the weighted types, 1 otherwise; times 2^(1-ζ) for Gaussian angles."""
    weight = 1.0
    if sf.type_number in WEIGHTED:
        weight = float(np.prod([ATOMIC_NUMBER[name] for name in names]))
    if sf.type_number in GAUSSIAN_ANGULAR:
        weight *= 2.0 ** (1.0 - parameter(sf.zeta))
    return weight


def _accumulate(
    out: FloatArray,
    rows: IntArray,
    members: List[_Member],
    names: Tuple[str, ...],
    sums: FloatArray,
) -> None:
    """Add ``sums`` (one row per member, one column per atom of ``rows``), weighted, to the
    members' columns of ``out`` (``rows`` are distinct)."""
    weights = np.array([_weight(m.sf, names) for m in members])
    columns = np.array([m.column for m in members], dtype=np.int64)
    out[np.ix_(rows, columns)] += (sums * weights[:, None]).T


class Tally(NamedTuple):
    """What the engine evaluated at one cutoff, for the self-check."""

    centres: Dict[str, IntArray]  # central element -> its atoms
    terms: Dict[Tuple[str, Tuple[int, ...]], int]  # (element, neighbour species) -> summed


class CutoffGroup:
    """Every SF of one cutoff radius, over the pair table of that radius."""

    def __init__(
        self,
        table: PairTable,
        cutoff: float,
        cutoff_type: int,
        alpha: float,
        kinds: Sequence[str],
        scratch: Workspace,
        block_size: int = BLOCK_SIZE,
    ) -> None:
        self.table, self.cutoff, self.kinds = table, cutoff, list(kinds)
        self.cutoff_type, self.alpha = cutoff_type, alpha
        self.scratch, self.block_size = scratch, block_size
        self.tally = Tally({}, {})
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

    def add(self, element: str, centres: IntArray, members: List[_Member], out: FloatArray) -> None:
        """Add the values of ``members`` for the atoms ``centres`` (of ``element``) to their
        columns of ``out``."""
        self.tally.centres[element] = centres
        radial = [m for m in members if m.sf.type_number in RADIAL]
        angular = [m for m in members if m.sf.type_number in ANGULAR]
        for s, name in enumerate(self.kinds) if radial else ():
            chosen = [m for m in radial if _applies(m.sf, (name,))]
            if not chosen:
                continue
            summed = 0
            for block in pair_blocks(self.table, centres, s, self.block_size):
                terms = self._radial_terms([m.sf for m in chosen], block.first)
                _accumulate(out, block.centres, chosen, (name,), segment_sums(terms, block.counts))
                summed += len(block.first)
            self.tally.terms[element, (s,)] = summed
        n = len(self.kinds)
        for pair in [(a, b) for a in range(n) for b in range(a, n)] if angular else ():
            names = (self.kinds[pair[0]], self.kinds[pair[1]])
            chosen = [m for m in angular if _applies(m.sf, names)]
            if chosen:
                self.tally.terms[element, pair] = self._add_triplets(centres, pair, chosen, out)

    def _add_triplets(
        self, centres: IntArray, pair: Tuple[int, int], chosen: List[_Member], out: FloatArray
    ) -> int:
        names = (self.kinds[pair[0]], self.kinds[pair[1]])
        factors = Factors([m.sf for m in chosen])
        exact = self.cutoff_type in POLYNOMIAL_CUTOFFS or any(
            m.sf.type_number in (21, 24) for m in chosen
        )
        rows = triplet_rows(self.table, centres, *pair)
        summed = 0
        for block in triplet_blocks(rows, self.block_size):
            assert block.second is not None
            triplets = Triplets(self, block.first, block.second, exact)
            sums = segment_sums(factors.terms(triplets), block.counts)
            _accumulate(out, block.centres, chosen, names, sums[factors.rows])
            summed += len(block.first)
        return summed

    def _radial_terms(self, sfs: List[SymmetryFunction], pairs: IntArray) -> FloatArray:
        r = np.take(self.table.distances, pairs, out=self.scratch.vector("pair_r", len(pairs)))
        fc = np.take(self.fc, pairs, out=self.scratch.vector("pair_fc", len(pairs)))
        terms = self.scratch.matrix("pair_terms", len(sfs), len(pairs))
        shifted = self.scratch.vector("pair_shifted", len(pairs))
        for row, sf in zip(terms, sfs):
            if sf.type_number in GAUSSIAN_RADIAL:  # exp(-η (r - r_s)²) f_c(r)
                np.subtract(r, parameter(sf.r_shift), out=shifted)
                np.multiply(shifted, -parameter(sf.eta), out=row)
                row *= shifted
                np.exp(row, out=row)
                row *= fc
            else:
                window = self.window(parameter(sf.r_lower), float(sf.cutoff), subtype_of(sf))
                np.take(window, pairs, out=row)
        return terms


def _verify(tally: Tally, neighbours: NeighbourList, species: IntArray, cutoff: float) -> None:
    """Compare the pairs and triplets evaluated with the neighbour list's own totals."""
    inside = neighbours.distances < cutoff
    n_species = int(species.max()) + 1
    per_atom = np.bincount(
        neighbours.i[inside] * n_species + species[neighbours.j[inside]],
        minlength=len(species) * n_species,
    ).reshape(len(species), n_species)
    for (element, codes), summed in tally.terms.items():
        counts = per_atom[tally.centres[element]]
        a, b = counts[:, codes[0]], counts[:, codes[-1]]
        if len(codes) == 1:
            expected = int(a.sum())
        elif codes[0] == codes[1]:
            expected = int((a * (a - 1) // 2).sum())
        else:
            expected = int((a * b).sum())
        if summed != expected:
            kind = "pairs" if len(codes) == 1 else "triplets"
            raise EvaluationError(
                f"the SF engine summed {summed} {kind} of central element {element} where "
                f"the neighbour list has {expected} (cutoff {cutoff!r}, neighbour species "
                f"codes {codes}); the values would be wrong (a bug in sfcompile)"
            )
