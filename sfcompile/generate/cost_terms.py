"""The terms of the cost model (:mod:`.cost`): n2p2's SF groups and, per group and per atom
of its central element, the counts each coefficient multiplies (:mod:`.cost` describes them).
Plain Python, like :mod:`.cost`."""

from __future__ import annotations

import math
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

from ..spec.elements import ATOMIC_NUMBER
from ..spec.sftypes import BY_NUMBER, SFType
from .counts import Environment, Neighbours
from .expand import SymmetryFunction


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


def relevant(sf: SymmetryFunction, neighbour: str) -> bool:
    """Whether n2p2 keeps a derivative slot of ``sf`` for neighbours of this element."""
    return sftype(sf).weighted or neighbour in sf.combination[1:]


def zero_terms(
    element: str, sfs: Sequence[SymmetryFunction], largest: float, env: Environment
) -> float:
    """Derivative slots zeroed per atom: neighbours within ``largest`` × the SFs relevant for
    their element."""
    return math.fsum(
        env.terms(element, largest, "pair", (e,)) * sum(relevant(sf, e) for sf in sfs)
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
        if any(relevant(sf, e) for sf in sfs)
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
