"""Symmetry-function lines grouped into ``[[sets]]`` tables, for ``import`` (and ``select``).

The lines of each (type, cutoff) are factored into element combination x (r_shift, eta) or
radial window x zeta or angle window x lambda or subtype, and merged into as few sets as the
products allow; element combinations a set does not cover for every element become filters.
A set whose values are those of a rule (gastegger2018, imbalzano2018, polynomial windows), as
the caller's agreement compares them with the file's tokens (exactly at the spec's precision,
or to the digits the file writes), says so; any other set is ``rule = "custom"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

from ..generate.expand import RadialGrid, gastegger2018, imbalzano2018
from ..generate.filters import shortest_filters
from ..spec.sftypes import BY_NUMBER, Combination
from .matching import Agreement
from .reader import SFRecord

Item = Tuple[float, float]  # (r_shift, eta) or the radial window (r_lower, cutoff)
Inner = Optional[Tuple[float, ...]]  # (zeta,) or the angle window (theta_l, theta_r)
Last = Union[float, str, None]  # lambda or subtype
Value = Union[float, int, str, Sequence["Value"]]


@dataclass
class Group:
    """Lines that become one [[sets]] table."""

    type_number: int
    cutoff: Optional[float]  # Gaussian types; polynomial windows carry their own
    items: List[Item]
    inner: Tuple[Inner, ...]
    last: Tuple[Last, ...]
    combinations: List[Combination] = field(default_factory=list)
    lines: List[int] = field(default_factory=list)
    tokens: Dict[Item, Tuple[str, str]] = field(default_factory=dict)


# -- grouping -------------------------------------------------------------------------------------


def _split(r: SFRecord) -> Tuple[Optional[float], Item, Tuple[str, str], Inner, Last]:
    """A line as (cutoff, item, the item's tokens, inner value, last value)."""
    sf, w = r.sf, r.written
    if BY_NUMBER[sf.type_number].family == "gaussian":
        assert sf.r_shift is not None and sf.eta is not None
        item = (float(sf.r_shift), float(sf.eta))
        inner = None if sf.zeta is None else (float(sf.zeta),)
        return float(sf.cutoff), item, (w.get("r_shift", "0"), w["eta"]), inner, sf.lambda_
    assert sf.r_lower is not None
    window = (float(sf.r_lower), float(sf.cutoff))
    angle = None
    if sf.theta_left is not None and sf.theta_right is not None:
        angle = (float(sf.theta_left), float(sf.theta_right))
    return None, window, (w["r_lower"], w["cutoff"]), angle, sf.subtype


Place = Tuple[int, Optional[float]]  # type, cutoff (Gaussian types)
Atom = Tuple[Place, Combination, Item, Tuple[Inner, ...], Tuple[Last, ...]]


def group_records(records: Sequence[SFRecord], elements: Tuple[str, ...]) -> List[Group]:
    """Factor the lines of each (type, cutoff) into atoms combination x item x inner x last,
    then merge atoms into sets two ways (the items of each combination, or the combinations
    of each item) and keep the way that needs fewer sets."""
    position = {e: i for i, e in enumerate(elements)}
    tree: Dict[Place, Dict[Combination, Dict[Item, Dict[Inner, List[Last]]]]] = {}
    lines: Dict[Tuple[Place, Combination, Item, Inner, Last], int] = {}
    tokens: Dict[Tuple[Place, Item], Tuple[str, str]] = {}
    for r in records:
        central, *neighbours = r.sf.combination
        combo = (central, *sorted(neighbours, key=position.__getitem__))
        cutoff, item, item_tokens, inner, last = _split(r)
        place = (r.sf.type_number, cutoff)
        branch = tree.setdefault(place, {}).setdefault(combo, {}).setdefault(item, {})
        branch.setdefault(inner, []).append(last)
        lines[(place, combo, item, inner, last)] = r.line
        tokens.setdefault((place, item), item_tokens)
    atoms: List[Atom] = []
    for place, combos in tree.items():
        for combo, items in combos.items():
            for item, inners in items.items():
                atoms += [(place, combo, item, *block) for block in _blocks(inners)]
    groups = min(_merge(atoms, False), _merge(atoms, True), key=len)
    for g in groups:
        place = (g.type_number, g.cutoff)
        g.lines = sorted(lines[(place, c, i, n, la)] for c in g.combinations for i in g.items
                         for n in g.inner for la in g.last)  # fmt: skip
        g.tokens = {i: tokens[(place, i)] for i in g.items}
    return sorted(groups, key=lambda g: g.lines[0])


def _blocks(inners: Dict[Inner, List[Last]]) -> List[Tuple[Tuple[Inner, ...], Tuple[Last, ...]]]:
    """Inner values with the same set of last values, as products inner x last."""
    by_last: Dict[Tuple[str, ...], List[Inner]] = {}
    for inner, lasts in inners.items():
        by_last.setdefault(tuple(sorted(map(repr, lasts))), []).append(inner)
    return [(tuple(values), tuple(inners[values[0]])) for values in by_last.values()]


def _merge(atoms: List[Atom], by_item: bool) -> List[Group]:
    """Sets from atoms: per combination its items (or per item its combinations), then rows
    with equal lists merged."""
    rows: Dict[Tuple[object, ...], Tuple[Atom, List[Combination], List[Item]]] = {}
    for atom in atoms:
        place, combo, item, inner, last = atom
        one: object = item if by_item else combo
        row = rows.setdefault((place, frozenset(inner), frozenset(last), one), (atom, [], []))
        row[1].append(combo)
        row[2].append(item)
    # each group's combinations and items as insertion-ordered dicts: membership in O(1)
    Members = Tuple[Group, Dict[Combination, None], Dict[Item, None]]
    merged: Dict[Tuple[object, ...], Members] = {}
    for key, ((place, _, _, inner, last), combos, items) in rows.items():
        many = frozenset(combos) if by_item else frozenset(items)
        new: Members = (Group(place[0], place[1], [], inner, last), {}, {})
        _, seen_combos, seen_items = merged.setdefault((*key[:3], many), new)
        seen_combos.update(dict.fromkeys(combos))
        seen_items.update(dict.fromkeys(items))
    groups = []
    for group, seen_combos, seen_items in merged.values():
        group.combinations, group.items = list(seen_combos), list(seen_items)
        groups.append(group)
    return groups


# -- one [[sets]] table ------------------------------------------------------------------------


def set_table(
    g: Group, elements: Tuple[str, ...], cutoff: float, same: Optional[Agreement]
) -> Dict[str, Value]:
    """The [[sets]] table of ``g``: a rule whose every value is ``same`` as the file's token
    (None: no rule), else the file's values."""
    sftype = BY_NUMBER[g.type_number]
    table: Dict[str, Value] = {"type": sftype.name}
    own_cutoff, values = g.cutoff, {}
    detect = _gaussian_rule if sftype.family == "gaussian" else _window_rule
    rule = None if same is None else detect(g, same)
    if rule is not None:
        window_end = rule.pop("cutoff", None)  # windows rules: the set's cutoff
        own_cutoff = window_end if isinstance(window_end, float) else own_cutoff
        table.update(rule)
    elif sftype.family == "gaussian":
        table["rule"] = "custom"
        values = {"r_shift": [i[0] for i in g.items], "eta": [i[1] for i in g.items]}
    else:
        table.update(rule="custom", windows=[list(i) for i in g.items])
    if own_cutoff is not None and own_cutoff != cutoff:
        table["cutoff"] = own_cutoff
    table.update(shortest_filters(g.type_number, g.combinations, elements))
    table.update(values)
    if sftype.family == "gaussian" and sftype.angular:
        table["zetas"] = [z[0] for z in g.inner if z is not None]
        if list(g.last) != [-1.0, 1.0]:
            table["lambdas"] = [float(x) for x in g.last if isinstance(x, float)]
    elif sftype.family == "poly":
        if sftype.angular:
            table["angles"] = [list(a) for a in g.inner if a is not None]
        if list(g.last) != ["p2"]:
            table["subtypes"] = [str(x) for x in g.last]
    return table


# -- rules ---------------------------------------------------------------------------------------


def _pairs_match(expected: Sequence[Item], g: Group, same: Agreement) -> bool:
    if len(expected) != len(g.items):
        return False
    for want, have in zip(sorted(expected), sorted(g.items)):
        if not all(same(v, t) for v, t in zip(want, g.tokens[have])):
            return False
    return True


def _grid(make: Callable[[], RadialGrid]) -> Optional[List[Item]]:
    """A rule's pairs; None when no double holds them (a spacing or radius so small that eta
    is infinite, e.g. a file's r_s of 4.9E-324): no spec could write that rule."""
    try:
        pairs = [(float(r), float(e)) for r, e in make().pairs()]
    except (ZeroDivisionError, OverflowError):
        return None
    return pairs if all(math.isfinite(v) for pair in pairs for v in pair) else None


def _nice(x: float, prefer: Optional[float] = None, written: bool = False) -> List[float]:
    """Round values near ``x`` (0 to 3 decimals), the simplest first; ``prefer`` (if near)
    before them, ``x`` itself after them if it is a value the file writes."""
    found = [] if prefer is None else [prefer]
    for d in range(4):
        unit, centre = 10.0**-d, round(x, d)
        found += [round(c, d) for c in (centre, centre - unit, centre + unit)]
    found += [x] if written else []
    return list(dict.fromkeys(v for v in found if abs(v - x) <= 0.02 * abs(x) + 1e-9))


def _gaussian_rule(g: Group, same: Agreement) -> Optional[Dict[str, Value]]:
    n, cutoff = len(g.items), g.cutoff
    if n < 2 or cutoff is None:
        return None
    for mode in ("center", "shift"):
        expected = _grid(partial(imbalzano2018, mode, n, cutoff))
        if expected is not None and _pairs_match(expected, g, same):
            return {"rule": "imbalzano2018", "mode": mode, "nb_param_pairs": n}
    shifts, etas = [i[0] for i in g.items], [i[1] for i in g.items]
    if min(etas) <= 0:  # the rules never give eta = 0
        return None
    if all(s == 0 for s in shifts):
        mode, radii = "center", sorted(1 / math.sqrt(2 * e) for e in etas)
    elif len(set(etas)) == 1:
        mode, radii = "shift", sorted(shifts)
    else:
        return None
    for lower in _nice(radii[0], written=mode == "shift"):
        for upper in _nice(radii[-1], cutoff, written=mode == "shift"):
            if not (lower > 0 or (mode == "shift" and lower == 0)) or not lower < upper <= cutoff:
                continue
            expected = _grid(partial(gastegger2018, mode, n, lower, upper))
            if expected is not None and _pairs_match(expected, g, same):
                found: Dict[str, Value] = {"rule": "gastegger2018", "mode": mode,
                                           "nb_param_pairs": n, "r_lower": lower}  # fmt: skip
                return found if upper == cutoff else {**found, "r_upper": upper}
    return None


def _window_rule(g: Group, same: Agreement) -> Optional[Dict[str, Value]]:
    n = len(g.items)
    if n < 2:
        return None
    lefts, rights = sorted(i[0] for i in g.items), sorted(i[1] for i in g.items)
    if all(left == -right for left, right in g.items):
        for lower in _nice(rights[0], written=True):
            for upper in _nice(rights[-1], written=True):
                step = (upper - lower) / (n - 1)
                windows = [(-(lower + k * step), lower + k * step) for k in range(n)]
                if 0 < lower < upper and _pairs_match(windows, g, same):
                    return {"rule": "windows", "mode": "center", "nb_windows": n,
                            "r_lower": lower, "cutoff": upper}  # fmt: skip
        return None
    for lower in _nice(lefts[0], written=True):
        for upper in _nice(rights[-1], written=True):
            for width in _nice(rights[0] - lefts[0], written=True):
                step = (upper - lower - width) / (n - 1)
                windows = [(lower + k * step, lower + k * step + width) for k in range(n)]
                if (
                    0 < width < upper - lower
                    and lower + width > 0
                    and _pairs_match(windows, g, same)
                ):
                    return {"rule": "windows", "mode": "shift", "nb_windows": n,
                            "r_lower": lower, "width": width, "cutoff": upper}  # fmt: skip
    return None
