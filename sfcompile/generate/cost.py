"""What a set of SFs costs n2p2: the CPU time of computing them with derivatives, per atom.

n2p2 (v2.3) computes a central element's SFs group by group: SFs of one type with the same
neighbour element(s) and cutoff form a group (polynomial types: the same neighbour element(s),
any window), whose loops run once for all its members. Per central atom and group (the terms,
each priced by a coefficient of :data:`COEFFICIENTS`, ns per term):

- ``group``: fixed work (buffers); ``gaussian_group_elements``: Gaussian groups copy a table
  with a row per element of the file (their number);
- ``loop``: a step through the whole neighbour list (everything within the file's largest
  cutoff, not sorted by distance) per group, testing element and distance;
- radial Gaussian: ``gaussian_pair`` per neighbour of its element(s) within the cutoff (cutoff
  function), ``gaussian_radial_member`` per member and such neighbour (a Gaussian and its
  derivative);
- angular: ``scan``: for each neighbour j of its elements within the cutoff, a step through the
  rest of the list (about M·(N−1)/2 steps); ``angular_pair`` per pair of neighbours of its
  elements within the cutoff (r_jk tested; for wide types, the triplet's shared work too);
  ``gaussian_narrow_triplet`` / ``poly_triplet`` per triplet that counts (narrow types: r_jk <
  r_c too); ``gaussian_angular_member`` / ``poly_angular_member`` per member and triplet (a
  polynomial member: the triplets in its radial window); ``gaussian_exp`` per triplet and
  distinct (η, r_s) of the members (members are sorted by η, then r_s, and share it);
- weighted types: ``radial_lookup_z`` / ``angular_lookup_z``: n2p2 finds a neighbour's weight
  by a linear search of the element table, Z symbol comparisons for atomic number Z.

Per atom, besides: ``zero``: a derivative slot per neighbour within the largest cutoff and SF
that depends on that neighbour's element, allocated and zeroed; ``alloc``: per neighbour of an
element some SF depends on, its slots' allocation; ``sf``: per SF (value, scaling).

The terms come from the grouping and the mean numbers of neighbours and pairs of neighbours
per atom of each central element (an :class:`~.counts.Environment`: measured on data, or
estimated from a density). bench/n2p2_cost measured n2p2 v2.3.0 on 181 SF sets of three data
sets and fitted the coefficients (docs/explain.md: how, and how well).

Plain Python on purpose: ``explain`` imports this, and a compile must not load numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Dict, List, Mapping, Sequence, Tuple

from ..spec.sftypes import BY_NUMBER
from .cost_terms import (
    GroupKey,
    alloc_terms,
    group_key,
    group_terms,
    groups_of,
    largest_cutoff,
    radii,
    relevant,
    sftype,
    zero_terms,
)
from .counts import (
    CountKey,
    DensityEnvironment,
    Environment,
    MeasuredEnvironment,
    MissingCounts,
    density_environment,
)
from .expand import SymmetryFunction

__all__ = [
    "COEFFICIENTS", "CostModel", "CostTracker", "CountKey", "DensityEnvironment", "ElementCost",
    "Environment", "MeasuredEnvironment", "MissingCounts", "PoolMarginal", "SetCost",
    "density_environment", "group_key", "groups_of", "radii",
]  # fmt: skip


#: ns per term, fitted to n2p2 v2.3.0 runs (bench/n2p2_cost/fit.py prints them).
COEFFICIENTS: Dict[str, float] = {
    "sf": 1.8,
    "alloc": 128.0,
    "loop": 5.59,
    "scan": 3.7,
    "zero": 4.91,
    "group": 21.5,
    "gaussian_group_elements": 32.0,
    "gaussian_pair": 12.3,
    "gaussian_radial_member": 8.83,
    "angular_pair": 1.59,
    "gaussian_narrow_triplet": 35.3,
    "gaussian_angular_member": 9.3,
    "gaussian_exp": 3.56,
    "poly_triplet": 32.1,
    "poly_angular_member": 10.2,
    "radial_lookup_z": 4.63,
    "angular_lookup_z": 3.0,
}
TERMS = tuple(COEFFICIENTS)


def add_terms(total: Dict[str, float], part: Mapping[str, float], weight: float = 1.0) -> None:
    for name, value in part.items():
        total[name] = total.get(name, 0.0) + weight * value


def price(terms: Mapping[str, float], coefficients: Mapping[str, float] = COEFFICIENTS) -> float:
    """Seconds for these terms."""
    return math.fsum(coefficients[name] * value for name, value in terms.items()) * 1e-9


@dataclass(frozen=True)
class ElementCost:
    """The predicted time per atom of one central element (seconds), split by SF kind."""

    element: str
    radial: float
    angular: float
    groups: int  # n2p2 groups

    @property
    def seconds(self) -> float:
        return self.radial + self.angular


@dataclass(frozen=True)
class SetCost:
    """A set's predicted time: per central element, and per atom of the data (the elements
    weighted by their share of the atoms)."""

    elements: Tuple[ElementCost, ...]
    fractions: Tuple[float, ...]  # share of each element in the atoms, same order

    def _mean(self, part: str) -> float:
        return math.fsum(f * getattr(e, part) for e, f in zip(self.elements, self.fractions))

    @property
    def seconds(self) -> float:
        """Seconds per atom of the data (composition-weighted)."""
        return self._mean("seconds")

    @property
    def radial(self) -> float:
        return self._mean("radial")

    @property
    def angular(self) -> float:
        return self._mean("angular")

    @property
    def groups(self) -> int:
        return sum(e.groups for e in self.elements)


class CostModel:
    """The calibrated model over one :class:`Environment`.

    ``cost(sfs)``: the whole set's predicted time; ``seconds(sfs)``: per atom of the data;
    ``marginal_cost(sf, sfs)``: what adding ``sf`` to ``sfs`` adds to ``seconds``;
    ``tracker(sfs)``: the same for a set grown one SF at a time (greedy selection), cheaper;
    ``marginal_function(pool)``: ``(candidate, picked) -> seconds`` over a pool's indices.
    """

    def __init__(
        self, environment: Environment, coefficients: Mapping[str, float] = COEFFICIENTS
    ) -> None:
        self.environment = environment
        self.coefficients = dict(coefficients)

    def element_terms(
        self, element: str, sfs: Sequence[SymmetryFunction], largest: float
    ) -> Dict[str, Dict[str, float]]:
        """The terms per atom of ``element`` ({"radial": ..., "angular": ...}) of its SFs among
        ``sfs``, with the neighbour list of cutoff ``largest``."""
        own = [sf for sf in sfs if sf.combination[0] == element]
        parts: Dict[str, Dict[str, float]] = {"radial": {}, "angular": {}}
        for key, members in groups_of(own).items():
            part = "angular" if BY_NUMBER[key.type_number].angular else "radial"
            add_terms(parts[part], group_terms(key, members, largest, self.environment))
        zero = {}
        for part in parts:
            kind = [sf for sf in own if sftype(sf).angular == (part == "angular")]
            zero[part] = zero_terms(element, kind, largest, self.environment)
            add_terms(parts[part], {"zero": zero[part], "sf": float(len(kind))})
        alloc = alloc_terms(element, own, largest, self.environment)
        for part in parts:  # shared by both kinds: split as their slots
            share = zero[part] / (zero["radial"] + zero["angular"]) if alloc else 0.0
            add_terms(parts[part], {"alloc": alloc * share})
        return parts

    def set_terms(self, sfs: Sequence[SymmetryFunction]) -> Dict[str, float]:
        """The terms per atom of the data (elements weighted by their share): what the
        coefficients multiply (bench/n2p2_cost/fit.py fits them to these)."""
        largest, total = largest_cutoff(sfs), {}  # type: Tuple[float, Dict[str, float]]
        env = self.environment
        for element in dict.fromkeys(sf.combination[0] for sf in sfs):
            for part in self.element_terms(element, sfs, largest).values():
                add_terms(total, part, env.fraction(element))
        return total

    def cost(self, sfs: Sequence[SymmetryFunction], elements: Sequence[str] = ()) -> SetCost:
        """Per central element (``elements``' order, then any others of ``sfs``)."""
        names = list(dict.fromkeys([*elements, *(sf.combination[0] for sf in sfs)]))
        largest = largest_cutoff(sfs)
        found = []
        for element in names:
            parts = self.element_terms(element, sfs, largest)
            groups = len(groups_of(sf for sf in sfs if sf.combination[0] == element))
            found.append(ElementCost(element, self._price(parts["radial"]),
                                     self._price(parts["angular"]), groups))  # fmt: skip
        return SetCost(tuple(found), tuple(self.environment.fraction(e) for e in names))

    def seconds(self, sfs: Sequence[SymmetryFunction]) -> float:
        """Predicted seconds per atom of the data."""
        return self._price(self.set_terms(sfs))

    def marginal_cost(self, sf: SymmetryFunction, sfs: Sequence[SymmetryFunction]) -> float:
        """Seconds per atom of the data that adding ``sf`` to ``sfs`` adds (0 if it is in)."""
        return self.tracker(sfs).marginal(sf)

    def tracker(self, sfs: Sequence[SymmetryFunction] = ()) -> CostTracker:
        return CostTracker(self, sfs)

    def marginal_function(
        self, pool: Sequence[SymmetryFunction], fixed: Sequence[SymmetryFunction] = ()
    ) -> Callable[[int, Sequence[int]], float]:
        """``(candidate, picked) -> seconds``: the marginal cost of ``pool[candidate]`` given
        ``fixed`` and ``pool[k]`` for k in ``picked``, the form a greedy selection asks in."""
        return PoolMarginal(self, pool, fixed)

    def _price(self, terms: Mapping[str, float]) -> float:
        return price(terms, self.coefficients)


class CostTracker:
    """A set of SFs grown one at a time, with the price of each n2p2 group kept: ``marginal``
    prices one group (and the zeroed slots) unless ``sf`` widens the neighbour list, which
    changes every group (then the whole set is priced again)."""

    def __init__(self, model: CostModel, sfs: Sequence[SymmetryFunction] = ()) -> None:
        self.model = model
        self.sfs: List[SymmetryFunction] = []
        self.groups: Dict[GroupKey, List[SymmetryFunction]] = {}
        self.prices: Dict[GroupKey, float] = {}  # seconds per atom of the data
        self.relevant: Dict[Tuple[str, str], int] = {}  # (central, neighbour) -> SFs
        self.largest = 0.0
        self.seconds = 0.0
        for sf in sfs:
            self.add(sf)

    def _group_price(self, key: GroupKey, members: Sequence[SymmetryFunction]) -> float:
        env = self.model.environment
        terms = group_terms(key, members, self.largest, env)
        return self.model._price(terms) * env.fraction(key.element)

    def _zero_price(self, sf: SymmetryFunction) -> float:
        """The slots ``sf`` adds, and their allocation for neighbour elements no SF needed."""
        env, element = self.model.environment, sf.combination[0]
        slots = alloc = 0.0
        for e in env.elements:
            if relevant(sf, e):
                found = env.terms(element, self.largest, "pair", (e,))
                slots += found
                alloc += found if not self.relevant.get((element, e)) else 0.0
        terms = {"zero": slots, "alloc": alloc, "sf": 1.0}
        return self.model._price(terms) * env.fraction(element)

    def marginal(self, sf: SymmetryFunction) -> float:
        """Seconds per atom of the data that adding ``sf`` would add."""
        if sf in self.sfs:
            return 0.0
        if float(sf.cutoff) > self.largest:
            return self.model.seconds([*self.sfs, sf]) - self.seconds
        key = group_key(sf)
        members = [*self.groups.get(key, []), sf]
        return self._group_price(key, members) - self.prices.get(key, 0.0) + self._zero_price(sf)

    def add(self, sf: SymmetryFunction) -> None:
        if sf in self.sfs:
            return
        zero = self._zero_price(sf) if float(sf.cutoff) <= self.largest else 0.0
        self.sfs.append(sf)
        key = group_key(sf)
        self.groups.setdefault(key, []).append(sf)
        for e in self.model.environment.elements:
            if relevant(sf, e):
                pair = (sf.combination[0], e)
                self.relevant[pair] = self.relevant.get(pair, 0) + 1
        if float(sf.cutoff) > self.largest:
            self.largest = float(sf.cutoff)
            self.prices = {k: self._group_price(k, m) for k, m in self.groups.items()}
            self.seconds = self.model.seconds(self.sfs)
            return
        old = self.prices.get(key, 0.0)
        self.prices[key] = self._group_price(key, self.groups[key])
        self.seconds += self.prices[key] - old + zero


class PoolMarginal:
    """:meth:`CostModel.marginal_function`: one tracker follows the picks — extended when
    ``picked`` grew by one since the last call, built again when it changed otherwise."""

    def __init__(self, model: CostModel, pool: Sequence[SymmetryFunction],
                 fixed: Sequence[SymmetryFunction] = ()) -> None:  # fmt: skip
        self.model, self.pool, self.fixed = model, pool, tuple(fixed)
        self.picked: Tuple[int, ...] = ()
        self.tracker = model.tracker(self.fixed)

    def __call__(self, candidate: int, picked: Sequence[int]) -> float:
        now = tuple(picked)
        if now[: len(self.picked)] == self.picked and len(now) - len(self.picked) <= 1:
            for k in now[len(self.picked) :]:
                self.tracker.add(self.pool[k])
        elif now != self.picked:
            self.tracker = self.model.tracker([*self.fixed, *(self.pool[k] for k in now)])
        self.picked = now
        return self.tracker.marginal(self.pool[candidate])
