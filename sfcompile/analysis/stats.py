"""Statistics of the symmetry functions of a spec over a data set (``sfcompile stats``).

Structures are streamed (read in small batches, evaluated chunk by chunk); per central element
and SF the run keeps only running sums (count, Σx, Σx², min, max, number of non-zero values),
so memory does not grow with the data set. Σx and Σx² are added atom after atom in file order,
as n2p2's ``nnp-scaling`` adds them, and sigma uses n2p2's one-pass formula
sqrt((Σx² − (Σx)²/n)/(n − 1)): the numbers equal n2p2's ``scaling.data``. Structures are
grouped into chunks (:mod:`.parallel`; a property of the data alone); each chunk is summed from
zero and the chunk sums are added in file order, so the result is the same whatever the number
of processes (``jobs``).

SFs are evaluated with their parameters as printed (n2p2 computes with the numbers it parses
from input.nn), in the order given (spec order); ``Plan.n2p2`` maps n2p2's sorted index to it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import (
    Callable,
    Dict,
    Iterable,
    List,
    Optional,
    Sequence,
    Tuple,
)

import numpy as np

from ..engine.cluster import ChunkProgress
from ..engine.cutoff_functions import FloatArray
from ..engine.limits import MAX_PAIRS, MAX_TRIPLETS
from ..engine.neighbours import IntArray
from ..engine.parallel import map_chunks
from ..engine.search import StructureRefused
from ..engine.sfvalues import (
    BatchEvaluation,
    ChainRequest,
    Engine,
    Evaluation,
    Geometry,
    StructureLike,
)
from ..errors import Diagnostic, SpecError
from ..generate.expand import Number, SymmetryFunction
from ..generate.ordering import n2p2_key
from ..generate.pipeline import Checked
from ..readers.structures import DataError
from ..spec.elements import ATOMIC_NUMBER
from ..targets import formatting
from . import coverage

Pair = Tuple[str, str]  # two element symbols, sorted
Progress = Callable[[int, int], None]  # (structures, atoms) done so far


@dataclass(frozen=True)
class Plan:
    """What to evaluate: per central element its SFs (spec order, printed values)."""

    elements: Tuple[str, ...]  # the spec's elements, in the spec's order
    sfs: Dict[str, List[SymmetryFunction]]  # central element -> SFs as n2p2 reads them
    n2p2: Dict[str, List[int]]  # central element -> n2p2 index i-1 -> position in ``sfs``
    cutoff_type: int
    alpha: float
    max_pairs: Optional[int] = MAX_PAIRS  # neighbour budget per structure (None: no limit)
    max_triplets: Optional[int] = MAX_TRIPLETS  # the same for triplets (angular SFs)
    #: the precision ``sfs`` were printed at: reports write numbers as the compiled lines do
    numbers: Optional[formatting.NumberFormat] = None

    @property
    def max_cutoff(self) -> float:
        return max(float(sf.cutoff) for sfs in self.sfs.values() for sf in sfs)

    @cached_property
    def radial_reach(self) -> float:
        """The range of the pair-distance histogram (:mod:`.coverage`; 0: no radial
        Gaussians)."""
        return coverage.reach(self.sfs)

    @cached_property
    def engine(self) -> Engine:
        """The compiled SFs (made once per process that evaluates)."""
        return Engine(self.sfs, self.cutoff_type, self.alpha, self.elements)


def _printed(value: Optional[Number], numbers: formatting.NumberFormat) -> Optional[float]:
    return None if value is None else float(numbers.real(value))


def as_printed(sf: SymmetryFunction, numbers: formatting.NumberFormat) -> SymmetryFunction:
    """``sf`` with every real replaced by the value n2p2 parses from sfcompile's text."""
    cutoff = _printed(sf.cutoff, numbers)
    assert cutoff is not None
    return sf._replace(
        cutoff=cutoff,
        eta=_printed(sf.eta, numbers),
        r_shift=_printed(sf.r_shift, numbers),
        lambda_=None if sf.lambda_ is None else float(formatting.lambda_(sf.lambda_)),
        zeta=_printed(sf.zeta, numbers),
        r_lower=_printed(sf.r_lower, numbers),
        theta_left=_printed(sf.theta_left, numbers),
        theta_right=_printed(sf.theta_right, numbers),
    )


def make_plan(
    elements: Sequence[str],
    sfs: Iterable[SymmetryFunction],
    numbers: formatting.NumberFormat,
    cutoff_type: int,
    alpha: float = 0.0,
) -> Plan:
    """A plan for ``sfs`` (in spec order) written at the precision of ``numbers``."""
    grouped: Dict[str, List[SymmetryFunction]] = {e: [] for e in elements}
    for sf in sfs:
        grouped.setdefault(sf.combination[0], []).append(as_printed(sf, numbers))
    exact = formatting.NumberFormat("full")
    n2p2 = {
        element: sorted(range(len(group)), key=lambda k: n2p2_key(group[k], exact))
        for element, group in grouped.items()
    }
    return Plan(tuple(elements), grouped, n2p2, cutoff_type, alpha, numbers=numbers)


@dataclass
class Sums:
    """Running statistics of the SFs of one central element."""

    width: int
    count: int = 0
    total: FloatArray = field(init=False)
    squares: FloatArray = field(init=False)
    low: FloatArray = field(init=False)
    high: FloatArray = field(init=False)
    nonzero: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        self.total = np.zeros(self.width)
        self.squares = np.zeros(self.width)
        self.low = np.full(self.width, np.inf)
        self.high = np.full(self.width, -np.inf)
        self.nonzero = np.zeros(self.width)

    def add(self, values: FloatArray) -> None:
        """Add the rows (atoms) of ``values``, one after the other (n2p2's rounding)."""
        if not len(values) or not self.width:
            return
        self.count += len(values)
        self.total = _sequential(self.total, values)
        self.squares = _sequential(self.squares, values * values)
        self.low = np.minimum(self.low, values.min(axis=0))
        self.high = np.maximum(self.high, values.max(axis=0))
        self.nonzero += np.count_nonzero(values, axis=0)

    def merge(self, other: Sums) -> None:
        self.count += other.count
        self.total = self.total + other.total
        self.squares = self.squares + other.squares
        self.low = np.minimum(self.low, other.low)
        self.high = np.maximum(self.high, other.high)
        self.nonzero = self.nonzero + other.nonzero

    @property
    def mean(self) -> FloatArray:
        return self.total / self.count if self.count else np.full(self.width, np.nan)

    @property
    def sigma(self) -> FloatArray:
        """n2p2's one-pass sample standard deviation (NaN for fewer than two atoms)."""
        n = self.count
        if n < 2:
            return np.full(self.width, np.nan)
        with np.errstate(invalid="ignore"):
            return np.asarray(np.sqrt((self.squares - self.total * self.total / n) / (n - 1)))


def _sequential(start: FloatArray, rows: FloatArray) -> FloatArray:
    """start + rows[0] + rows[1] + ..., added in that order for every column."""
    if rows.shape[1] == 1:  # numpy would sum a single column pairwise
        result = float(start[0])
        for x in rows[:, 0].tolist():
            result += x
        return np.array([result])
    return np.asarray(np.concatenate([start[None, :], rows]).sum(axis=0))


@dataclass
class Totals:
    """Everything accumulated over (part of) a data set."""

    sums: Dict[str, Sums]
    structures: int = 0
    atoms: Dict[str, int] = field(default_factory=dict)  # atoms per element in the data
    closest: Dict[Pair, float] = field(default_factory=dict)  # shortest distance per pair
    distances: Optional[IntArray] = None  # pair-distance histogram (.coverage.pair_histogram)

    @classmethod
    def empty(cls, plan: Plan) -> Totals:
        return cls({e: Sums(len(sfs)) for e, sfs in plan.sfs.items()})

    def merge(self, other: Totals) -> None:
        for element, sums in other.sums.items():
            self.sums[element].merge(sums)
        self.structures += other.structures
        for element, n in other.atoms.items():
            self.atoms[element] = self.atoms.get(element, 0) + n
        for pair, distance in other.closest.items():
            self.closest[pair] = min(distance, self.closest.get(pair, np.inf))
        if other.distances is not None:
            mine = self.distances
            self.distances = other.distances if mine is None else mine + other.distances

    @property
    def shortest(self) -> Optional[Tuple[float, Pair]]:
        """The shortest interatomic distance within the largest cutoff, and its elements."""
        if not self.closest:
            return None
        pair = min(self.closest, key=lambda p: (self.closest[p], p))
        return self.closest[pair], pair


def closest_pairs(evaluation: Evaluation) -> Dict[Pair, float]:
    """The shortest distance of each pair of elements in the evaluation's neighbour list."""
    symbols = [evaluation.kinds[c] for c in evaluation.species.tolist()]
    return _closest(evaluation.neighbours.i, evaluation.neighbours.j,
                    evaluation.neighbours.distances, symbols)  # fmt: skip


def _closest(
    i: IntArray, j: IntArray, distances: FloatArray, symbols: Sequence[str]
) -> Dict[Pair, float]:
    """The shortest distance of each pair of elements among the pairs (i, j)."""
    if not len(distances):
        return {}
    kinds = sorted(set(symbols))
    n = len(kinds)
    index = {symbol: k for k, symbol in enumerate(kinds)}
    codes = np.array([index[s] for s in symbols], dtype=np.int64)
    a, b = codes[i], codes[j]
    key = np.minimum(a, b) * n + np.maximum(a, b)
    order = np.lexsort((distances, key))
    firsts = order[np.r_[True, key[order][1:] != key[order][:-1]]]
    found: Dict[Pair, float] = {}
    for k, distance in zip(key[firsts].tolist(), distances[firsts].tolist()):
        names = sorted((kinds[k // n], kinds[k % n]))
        found[names[0], names[1]] = distance
    return found


def structure_error(geometry: Geometry, message: str) -> DataError:
    """A problem of one structure, at its first line (or naming its index)."""
    which = f"structure {geometry.number} (0-based): " if geometry.number >= 0 else ""
    line = geometry.line or None
    diagnostic = Diagnostic("error", which + message, geometry.source or "<data>", line,
                            1 if line else None)  # fmt: skip
    return DataError([diagnostic])


def chunk_totals(plan: Plan, chunk: Sequence[Geometry]) -> Totals:
    """The totals of one chunk of structures, summed from zero in file order."""
    totals = Totals.empty(plan)
    evaluation = evaluate_chunk(plan, chunk)
    for element, rows in evaluation.values.items():
        totals.sums[element].add(rows)
    for symbol in evaluation.batch.symbols:
        totals.atoms[symbol] = totals.atoms.get(symbol, 0) + 1
    pairs = evaluation.batch.pairs
    totals.closest = _closest(pairs.i, pairs.j, pairs.distances, evaluation.batch.symbols)
    totals.distances = coverage.pair_histogram(
        plan.elements, evaluation.batch.symbols, pairs.i, pairs.j, pairs.distances,
        plan.radial_reach,
    )  # fmt: skip
    totals.structures = len(chunk)
    return totals


def evaluate_chunk(
    plan: Plan,
    chunk: Sequence[Geometry],
    centres: Optional[Sequence[Optional[Dict[str, IntArray]]]] = None,
    chain: Optional[ChainRequest] = None,
) -> BatchEvaluation:
    """The plan's SFs on a chunk of structures as one batch (``centres``: per structure, only
    these atoms of each element; ``chain``: their derivatives too); a structure the engine
    refuses is a located error."""
    try:
        return plan.engine.evaluate(chunk, max_pairs=plan.max_pairs,
                                    max_triplets=plan.max_triplets, centres=centres,
                                    chain=chain)  # fmt: skip
    except StructureRefused as exc:
        where = chunk[exc.structure] if exc.structure is not None else chunk[0]
        raise structure_error(where, str(exc)) from None


def evaluate_planned(
    plan: Plan, geometry: Geometry, centres: Optional[Dict[str, IntArray]] = None
) -> Evaluation:
    """The plan's SFs on one structure (``centres``: only these atoms of each element, see
    :func:`.sfvalues.evaluate`); a structure the engine refuses is a located error."""
    return evaluate_chunk(plan, [geometry], None if centres is None else [centres]).structure(0)


def add_evaluation(totals: Totals, geometry: Geometry, evaluation: Evaluation) -> None:
    """Add one structure's SF values and geometry to ``totals``."""
    for element, rows in evaluation.values.items():
        totals.sums[element].add(rows)
    for symbol in geometry.elements:
        totals.atoms[symbol] = totals.atoms.get(symbol, 0) + 1
    for pair, distance in closest_pairs(evaluation).items():
        totals.closest[pair] = min(distance, totals.closest.get(pair, np.inf))
    totals.structures += 1


def collect(
    plan: Plan,
    structures: Iterable[StructureLike],
    jobs: int = 1,
    progress: Optional[Progress] = None,
    *,
    scheduler: Optional[str] = None,
    chunk_progress: Optional[ChunkProgress] = None,
) -> Totals:
    """Accumulate the statistics of ``plan``'s SFs over ``structures`` (streamed).

    Chunks are summed from zero (in ``jobs`` processes if > 1, or on the Dask cluster of
    ``scheduler``) and merged in file order, so the result does not depend on where they ran.
    """
    totals = Totals.empty(plan)
    parts = map_chunks(chunk_totals, plan, structures, jobs, scheduler, chunk_progress)
    with contextlib.closing(parts):  # an exception here stops the chunks in flight at once
        for part in parts:
            totals.merge(part)
            if progress is not None:
                progress(totals.structures, sum(totals.atoms.values()))
    return totals


def element_order(elements: Iterable[str]) -> List[str]:
    """Elements by atomic number (n2p2's e_index order)."""
    return sorted(elements, key=ATOMIC_NUMBER.__getitem__)


def spec_plan(checked: Checked) -> Plan:
    """The plan of a checked spec; SpecError if it needs a cutoff function and has none."""
    spec = checked.loaded.spec
    sfs = [sf for g in checked.generated for block in g.blocks for sf in block]
    function = spec.cutoff_function
    if function is None and any(sf.type_number < 20 for sf in sfs):
        message = (
            "evaluating Gaussian SFs on data needs n2p2's global cutoff function: add a "
            '[cutoff_function] table, e.g. type = "cos"'
        )
        raise SpecError([checked.loaded.diagnostic("error", (), message)])
    numbers = formatting.NumberFormat(spec.output.precision)
    cutoff_type, alpha = (function.number, function.alpha) if function else (0, 0.0)
    return make_plan(spec.elements, sfs, numbers, cutoff_type, alpha)
