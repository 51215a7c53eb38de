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
from typing import Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from ..spec.elements import ATOMIC_NUMBER
from ..spec.sftypes import BY_NUMBER, SFType
from .counts import (
    CountKey,
    DensityEnvironment,
    Environment,
    MeasuredEnvironment,
    MissingCounts,
    Neighbours,
    density_environment,
)
from .expand import SymmetryFunction

__all__ = [
    "COEFFICIENTS", "CostModel", "CostTracker", "CountKey", "DensityEnvironment", "ElementCost",
    "Environment", "MeasuredEnvironment", "MissingCounts", "SetCost", "density_environment",
    "group_key", "groups_of", "radii",
]  # fmt: skip


#: ns per term, fitted to n2p2 v2.3.0 runs (bench/n2p2_cost/fit.py prints them).
COEFFICIENTS: Dict[str, float] = {
    "sf": 1.8,
    "alloc": 128,
    "loop": 5.59,
    "scan": 3.7,
    "zero": 4.91,
    "group": 21.5,
    "gaussian_group_elements": 32,
    "gaussian_pair": 12.3,
    "gaussian_radial_member": 8.83,
    "angular_pair": 1.59,
    "gaussian_narrow_triplet": 35.3,
    "gaussian_angular_member": 9.3,
    "gaussian_exp": 3.56,
    "poly_triplet": 32.1,
    "poly_angular_member": 10.2,
    "radial_lookup_z": 4.63,
    "angular_lookup_z": 3,
}
TERMS = tuple(COEFFICIENTS)


class GroupKey(NamedTuple):
    """n2p2's SF group: central element, type, neighbours, cutoff (None: polynomial types,
    whose groups hold any windows)."""

    element: str
    type_number: int
    neighbours: Neighbours
    cutoff: Optional[float]


def sftype(sf: SymmetryFunction) -> SFType:
    return BY_NUMBER[sf.type_number]


def neighbours_of(sf: SymmetryFunction) -> Neighbours:
    return tuple(sorted(sf.combination[1:]))


def group_key(sf: SymmetryFunction) -> GroupKey:
    poly = sftype(sf).family == "poly"
    return GroupKey(
        sf.combination[0], sf.type_number, neighbours_of(sf), None if poly else float(sf.cutoff)
    )


def _narrow(t: SFType) -> bool:
    return t.angular and "wide" not in t.name


def _exp_count(members: Sequence[SymmetryFunction]) -> int:
    """Exponentials per triplet of a Gaussian angular group: distinct (η, r_s)."""
    return len({(float(sf.eta or 0.0), float(sf.r_shift or 0.0)) for sf in members})


def _window(sf: SymmetryFunction) -> Tuple[float, float]:
    """The radii a member's terms lie between: (r_lower, r_c) of a polynomial window whose
    left edge is positive, else (0, r_c)."""
    lower = float(sf.r_lower) if sf.r_lower is not None and sf.r_lower > 0 else 0.0
    return lower, float(sf.cutoff)


def _between(env: Environment, element: str, kind: str, neighbours: Neighbours,
             window: Tuple[float, float]) -> float:  # fmt: skip
    """Terms within the window: exact for neighbours; for pairs of neighbours those within r_c
    less those within r_lower (approximate: a pair with one neighbour inside r_lower and one
    outside still counts)."""
    lower, upper = window
    inside = 0.0 if lower <= 0 else _terms(env, element, lower, kind, neighbours)
    return _terms(env, element, upper, kind, neighbours) - inside


def _terms(env: Environment, element: str, cutoff: float, kind: str, neighbours: Neighbours
           ) -> float:  # fmt: skip
    """Neighbours of one of the elements (each element once), or pairs of neighbours."""
    if kind != "pair" or not neighbours:
        return env.terms(element, cutoff, kind, neighbours)
    return sum(env.terms(element, cutoff, "pair", (e,)) for e in dict.fromkeys(neighbours))


def group_terms(
    key: GroupKey, members: Sequence[SymmetryFunction], largest: float, env: Environment
) -> Dict[str, float]:
    """The terms of one group, per atom of its central element (``largest``: the largest cutoff
    of the whole file, the neighbour list's)."""
    t = BY_NUMBER[key.type_number]
    element, neighbours = key.element, key.neighbours
    cutoff = max(float(sf.cutoff) for sf in members) if key.cutoff is None else key.cutoff
    listed = env.terms(element, largest, "pair", ())
    out = {"loop": listed, "group": 1.0}
    gaussian = t.family == "gaussian"
    if gaussian:  # a copy of the cache table, one row per element
        out["gaussian_group_elements"] = float(len(env.elements))
    if not t.angular:
        if gaussian:
            out["gaussian_pair"] = _terms(env, element, cutoff, "pair", neighbours)
            out["gaussian_radial_member"] = math.fsum(
                _terms(env, element, float(sf.cutoff), "pair", neighbours) for sf in members
            )
        if t.weighted:
            out["radial_lookup_z"] = _radial_lookups(gaussian, members, element, env)
        return out
    kind = "narrow" if _narrow(t) else "wide"
    out["scan"] = _terms(env, element, cutoff, "pair", neighbours) * max(listed - 1.0, 0.0) / 2
    out["angular_pair"] = env.terms(element, cutoff, "wide", neighbours)
    triplets = env.terms(element, cutoff, kind, neighbours)
    if gaussian:
        if kind == "narrow":
            out["gaussian_narrow_triplet"] = triplets
        out["gaussian_angular_member"] = triplets * len(members)
        out["gaussian_exp"] = triplets * _exp_count(members)
    else:
        out["poly_triplet"] = triplets
        out["poly_angular_member"] = math.fsum(
            _between(env, element, kind, neighbours, _window(sf)) for sf in members
        )
    if t.weighted:
        windows = [(0.0, cutoff)] if gaussian else [_window(sf) for sf in members]
        out["angular_lookup_z"] = _angular_lookups(kind, windows, element, env)
    return out


def _radial_lookups(gaussian: bool, members: Sequence[SymmetryFunction], element: str,
                    env: Environment) -> float:  # fmt: skip
    """Symbols compared to find the weights of a weighted radial group's neighbours: n2p2
    searches its element table linearly (Z comparisons for atomic number Z), Gaussian: once
    per member and neighbour, polynomial: twice."""
    per = 1.0 if gaussian else 2.0
    return per * math.fsum(
        _between(env, element, "pair", (e,), _window(sf)) * ATOMIC_NUMBER.get(e, 0)
        for sf in members
        for e in env.elements
    )


def _angular_lookups(kind: str, windows: Sequence[Tuple[float, float]], element: str,
                     env: Environment) -> float:  # fmt: skip
    """The same for a weighted angular group: both neighbours' weights once per triplet
    (Gaussian: in the group's cutoff; polynomial: per member, in its window)."""
    return math.fsum(
        _between(env, element, kind, (a, b), window)
        * (ATOMIC_NUMBER.get(a, 0) + ATOMIC_NUMBER.get(b, 0))
        for window in windows
        for a, b in _element_pairs(env.elements)
    )


def _element_pairs(elements: Sequence[str]) -> List[Tuple[str, str]]:
    return [(a, b) if a <= b else (b, a)
            for i, a in enumerate(elements) for b in elements[i:]]  # fmt: skip


def _relevant(sf: SymmetryFunction, neighbour: str) -> bool:
    """Whether n2p2 keeps a derivative slot of ``sf`` for neighbours of this element."""
    return sftype(sf).weighted or neighbour in sf.combination[1:]


def zero_terms(
    element: str, sfs: Sequence[SymmetryFunction], largest: float, env: Environment
) -> float:
    """Derivative slots zeroed per atom: neighbours within ``largest`` × the SFs relevant for
    their element."""
    return math.fsum(
        env.terms(element, largest, "pair", (e,)) * sum(_relevant(sf, e) for sf in sfs)
        for e in env.elements
    )


def alloc_terms(
    element: str, sfs: Sequence[SymmetryFunction], largest: float, env: Environment
) -> float:
    """Neighbours per atom (within ``largest``) whose element some SF of ``sfs`` depends on:
    n2p2 allocates their derivative slots."""
    return math.fsum(
        env.terms(element, largest, "pair", (e,))
        for e in env.elements
        if any(_relevant(sf, e) for sf in sfs)
    )


def radii(sfs: Iterable[SymmetryFunction]) -> List[float]:
    """Every radius the model needs counts at for ``sfs``: the cutoffs, and the positive left
    edges of polynomial windows."""
    found = {float(sf.cutoff) for sf in sfs}
    found |= {_window(sf)[0] for sf in sfs if _window(sf)[0] > 0}
    return sorted(found)


def largest_cutoff(sfs: Iterable[SymmetryFunction]) -> float:
    return max((float(sf.cutoff) for sf in sfs), default=0.0)


def groups_of(sfs: Iterable[SymmetryFunction]) -> Dict[GroupKey, List[SymmetryFunction]]:
    """n2p2's groups, in first-appearance order."""
    groups: Dict[GroupKey, List[SymmetryFunction]] = {}
    for sf in sfs:
        groups.setdefault(group_key(sf), []).append(sf)
    return groups


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
    ``tracker(sfs)``: the same for a set grown one SF at a time (greedy selection), cheaper.
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
            if _relevant(sf, e):
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
            if _relevant(sf, e):
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
