"""Symmetry-function values (and derivatives) of structures, computed the way n2p2 computes
them.

Formulas: ``n2p2-input-nn.md`` (types 2, 3, 9, 12, 13 with the global cutoff function; compact
types 20-25). The SFs of a run become a :class:`~.program.Program` once; structures are
evaluated a batch at a time (:mod:`.batch`: one neighbour list for many structures) by the
compiled kernel (:mod:`.native`), which visits every centre's neighbours and pairs of neighbours
in a fixed order: the values depend on nothing but the structure, whatever the batch.

Self-check: the kernel counts the pairs it visited; they must be the pairs of the neighbour list
within each cutoff of the centres (a difference raises :class:`EvaluationError`: a bug, never a
silent result).
"""

from __future__ import annotations

from typing import (
    Dict,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Protocol,
    Sequence,
    Tuple,
    Union,
)

import numpy as np
import numpy.typing as npt

from ..generate.expand import SymmetryFunction
from ..spec.elements import ATOMIC_NUMBER
from .batch import Batch, Shape, as_shape, batch_pairs
from .cutoff_functions import FloatArray, check_cutoff_type
from .limits import MAX_PAIRS, MAX_TRIPLETS
from .native import Chain, run_kernel
from .neighbours import IntArray, NeighbourList
from .program import ANGULAR, RADIAL, WEIGHTED, Program

__all__ = ["ANGULAR", "RADIAL", "WEIGHTED", "Evaluation", "Geometry", "compute", "evaluate"]


class EvaluationError(RuntimeError):
    """The engine did not evaluate every pair exactly once (a bug in sfcompile)."""


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
    where it comes from, for messages; and the reference energy and forces (n, 3) where the
    data gives them."""

    positions: npt.ArrayLike
    lattice: Optional[npt.ArrayLike]
    elements: Sequence[str]
    source: str = ""
    line: int = 0  # of its first line in the file (0: unknown)
    number: int = -1  # 0-based position of the structure in the file (-1: unknown)
    energy: Optional[float] = None
    forces: Optional[npt.ArrayLike] = None


class Evaluation(NamedTuple):
    """The SF values of a structure and the neighbour list they were computed from."""

    values: Dict[str, FloatArray]  # central element -> (atoms of it, SFs of it)
    neighbours: NeighbourList  # every pair within the largest cutoff of the SFs
    species: IntArray  # code of every atom; codes number ``kinds``
    kinds: Tuple[str, ...]  # the structure's elements, by atomic number


def by_atomic_number(symbols: Sequence[str]) -> Tuple[str, ...]:
    return tuple(sorted(set(symbols), key=lambda s: (ATOMIC_NUMBER.get(s, 0), s)))


Centres = Optional[Sequence[Optional[Mapping[str, IntArray]]]]


class BatchEvaluation(NamedTuple):
    """The SF values of a batch of structures. Per central element: its evaluated atoms
    (``centres``, batch numbering, in batch order) and their values, one row each; the rows of
    structure s are ``rows[e][s]:rows[e][s + 1]``."""

    batch: Batch
    values: Dict[str, FloatArray]
    centres: Dict[str, IntArray]
    rows: Dict[str, IntArray]
    derivatives: Optional[FloatArray]  # (rows, 3, columns) when asked for (see Chain)

    def structure(self, s: int) -> Evaluation:
        """Structure ``s`` alone, as :func:`evaluate` returns it."""
        lo, hi = int(self.batch.offsets[s]), int(self.batch.offsets[s + 1])
        symbols = self.batch.symbols[lo:hi]
        kinds = by_atomic_number(symbols)
        code = {symbol: n for n, symbol in enumerate(kinds)}
        species = np.array([code[x] for x in symbols], dtype=np.int64)
        values = {e: v[self.rows[e][s] : self.rows[e][s + 1]] for e, v in self.values.items()}
        return Evaluation(values, self.batch.neighbours(s), species, kinds)


class Engine:
    """The SFs of a run (per central element, in value-column order) and the global cutoff
    function, ready to evaluate batches of structures. ``elements``: the spec's elements
    (species codes; every element of the SFs is added)."""

    def __init__(
        self,
        sfs: Mapping[str, Sequence[SymmetryFunction]],
        cutoff_type: int,
        alpha: float = 0.0,
        elements: Sequence[str] = (),
    ) -> None:
        check_cutoff_type(cutoff_type, alpha)
        self.sfs = {element: list(group) for element, group in sfs.items()}
        self.program = Program(self.sfs, elements, cutoff_type, alpha)
        self.angular = any(sf.type_number in ANGULAR for g in self.sfs.values() for sf in g)
        self.cutoffs = sorted({float(sf.cutoff) for g in self.sfs.values() for sf in g})

    @classmethod
    def of(cls, sfs: Sequence[SymmetryFunction], cutoff_type: int, alpha: float = 0.0) -> Engine:
        """An engine for ``sfs`` grouped by central element (in order of first appearance)."""
        grouped: Dict[str, List[SymmetryFunction]] = {}
        for sf in sfs:
            if sf.type_number not in RADIAL | ANGULAR:
                raise ValueError(f"unknown symmetry-function type {sf.type_number}")
            grouped.setdefault(sf.combination[0], []).append(sf)
        return cls(grouped, cutoff_type, alpha)

    def evaluate(
        self,
        structures: Sequence[Union[StructureLike, Shape]],
        *,
        max_pairs: Optional[int] = MAX_PAIRS,
        max_triplets: Optional[int] = MAX_TRIPLETS,
        centres: Centres = None,
        chain: Optional[ChainRequest] = None,
    ) -> BatchEvaluation:
        """The values of every SF on every atom of its central element in ``structures``
        (``centres``: per structure, per element, only these atoms, ascending), as one batch.
        ``max_pairs``, ``max_triplets``: per structure (:mod:`.search`; None: no limit).
        ``chain``: also sum the derivatives (:class:`ChainRequest`)."""
        shapes = [s if isinstance(s, Shape) else as_shape(s.positions, s.lattice, s.elements)
                  for s in structures]  # fmt: skip
        cutoff = self.program.max_cutoff if self.program.widths else None
        triplets = max_triplets if self.angular else None
        batch = batch_pairs(shapes, cutoff, max_pairs, triplets)
        return self._run(batch, centres, chain)

    def _run(
        self, batch: Batch, centres: Centres, chain: Optional[ChainRequest]
    ) -> BatchEvaluation:
        program = self.program
        symbols = np.array(batch.symbols, dtype=object) if batch.symbols else np.zeros(0, object)
        chosen = _centres(batch, symbols, program.centres, centres)
        species = np.array([program.code.get(s, program.other) for s in batch.symbols],
                           dtype=np.int64)  # fmt: skip
        z = np.array([float(ATOMIC_NUMBER.get(s, 0)) for s in batch.symbols])
        atoms = np.concatenate([chosen[e] for e in program.centres]) if program.centres \
            else np.zeros(0, dtype=np.int64)  # fmt: skip
        which = np.concatenate([np.full(len(chosen[e]), k, dtype=np.int64)
                                for k, e in enumerate(program.centres)]) \
            if program.centres else np.zeros(0, dtype=np.int64)  # fmt: skip
        widths = np.array(program.widths, dtype=np.int64)
        sizes = widths[which]
        row = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if len(sizes) \
            else np.zeros(0, dtype=np.int64)  # fmt: skip
        flat = np.zeros(int(sizes.sum()))
        kernel_chain = None if chain is None else chain.for_program(program, batch)
        visited, _ = run_kernel(program, species, z, batch.pairs, atoms, which, row, flat,
                                     kernel_chain)  # fmt: skip
        self._verify(batch, atoms, which, visited)
        values: Dict[str, FloatArray] = {}
        rows: Dict[str, IntArray] = {}
        start = 0
        for k, element in enumerate(program.centres):
            n, width = len(chosen[element]), program.widths[k]
            values[element] = flat[start : start + n * width].reshape(n, width)
            start += n * width
            rows[element] = np.searchsorted(chosen[element], batch.offsets).astype(np.int64)
        return BatchEvaluation(batch, values, chosen, rows,
                               None if kernel_chain is None else kernel_chain.rows)  # fmt: skip

    def _verify(self, batch: Batch, atoms: IntArray, which: IntArray, visited: int) -> None:
        """The pairs the kernel summed must be those of the neighbour list (counted from each
        pair's own centre, not from the table the kernel walks) within each group's cutoff."""
        expected = 0
        groups, cutoffs = self.program.element_groups, self.program.group_cutoffs
        for k in range(len(self.program.centres)):
            selected = np.zeros(batch.atoms, dtype=bool)
            selected[atoms[which == k]] = True
            distances = batch.pairs.distances[selected[batch.pairs.i]]
            for cutoff in cutoffs[groups[k] : groups[k + 1]]:
                expected += int(np.count_nonzero(distances < cutoff))
        if visited != expected:
            raise EvaluationError(
                f"the SF engine summed {visited} pairs where the neighbour list has {expected} "
                "within the cutoffs of the centres evaluated; the values would be wrong (a bug "
                "in sfcompile)"
            )


class ChainRequest(NamedTuple):
    """Derivatives to sum (see :class:`.native.Chain`): the row of each atom of the batch
    (``atom_row``: -1 for none), ``n_rows`` rows, ``powers`` columns per SF, per central
    element the ``shift`` and ``scale`` of its SFs (None: 0 and 1), and ``lead`` zero columns
    before the SFs' (a caller's own columns: the rows are then its matrix, not a copy)."""

    atom_row: IntArray
    n_rows: int
    powers: int = 1
    shift: Optional[Mapping[str, FloatArray]] = None
    scale: Optional[Mapping[str, FloatArray]] = None
    lead: int = 0

    def for_program(self, program: Program, batch: Batch) -> Chain:
        widths = program.widths
        offset = np.concatenate([[0], np.cumsum(widths)[:-1]]).astype(np.int64)
        total = int(sum(widths))
        shift, scale = np.zeros(total), np.ones(total)
        for k, element in enumerate(program.centres):
            lo, hi = int(offset[k]), int(offset[k]) + widths[k]
            if self.shift is not None and element in self.shift:
                shift[lo:hi] = self.shift[element]
            if self.scale is not None and element in self.scale:
                scale[lo:hi] = self.scale[element]
        if len(self.atom_row) != batch.atoms:
            raise ValueError(f"atom_row has {len(self.atom_row)} entries for {batch.atoms} atoms")
        rows = np.zeros((self.n_rows, 3, self.lead + total * self.powers))
        return Chain(rows, np.asarray(self.atom_row, dtype=np.int64), self.powers,
                     self.lead + offset * self.powers, offset, shift, scale)  # fmt: skip


def _centres(
    batch: Batch, symbols: npt.NDArray[np.object_], elements: Sequence[str], centres: Centres
) -> Dict[str, IntArray]:
    """Per central element, the batch atoms to evaluate (ascending)."""
    chosen = {e: np.flatnonzero(symbols == e).astype(np.int64) for e in elements}
    if centres is None:
        return chosen
    for element in elements:
        parts = []
        for s, wanted in enumerate(centres):
            lo, hi = int(batch.offsets[s]), int(batch.offsets[s + 1])
            if wanted is not None and element in wanted:
                parts.append(np.asarray(wanted[element], dtype=np.int64) + lo)
            else:
                mine = chosen[element]
                parts.append(mine[(mine >= lo) & (mine < hi)])
        chosen[element] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return chosen


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
    return evaluate(structure, sfs, cutoff_type, alpha).values


def evaluate(
    structure: StructureLike,
    sfs: Sequence[SymmetryFunction],
    cutoff_type: int,
    alpha: float = 0.0,
    *,
    max_pairs: Optional[int] = MAX_PAIRS,
    max_triplets: Optional[int] = MAX_TRIPLETS,
    centres: Optional[Mapping[str, IntArray]] = None,
) -> Evaluation:
    """:func:`compute`, returning the neighbour list too (for statistics of the geometry).
    ``max_pairs``, ``max_triplets``: the budgets of one structure (:mod:`.search`; None: no
    limit); beyond them :class:`~.search.NeighbourBudgetExceeded`. ``centres``: per central
    element, the atoms (indices into the structure, ascending) to evaluate, instead of all
    atoms of that element; the rows of ``values`` follow them."""
    engine = Engine.of(sfs, cutoff_type, alpha)
    result = engine.evaluate([structure], max_pairs=max_pairs, max_triplets=max_triplets,
                             centres=None if centres is None else [centres])  # fmt: skip
    return result.structure(0)
