"""Lint checks that relate lines to each other and to the elements: duplicates, n2p2's type-13
crash, elements without symmetry functions."""

from __future__ import annotations

from typing import Callable, Dict, List, Set, Tuple

from ...errors import format_path
from .blocks import EXAMPLES, Block, Params, count

# -- duplicates ---------------------------------------------------------------------------

_Copy = Tuple[int, int, int, bool]  # line, line of its first occurrence, that line's set, rounded


def duplicates(blocks: List[Block]) -> Dict[int, List[_Copy]]:
    """Lines equal to an earlier line, by the set holding the later copy."""
    by_key: Dict[Tuple[object, ...], List[Block]] = {}
    for b in blocks:
        by_key.setdefault((b.type_number, b.central, b.neighbours), []).append(b)
    inner: Dict[int, List[Tuple[int, int]]] = {}  # id(rows) -> repeats inside one block
    copies: Dict[int, List[_Copy]] = {}
    for group in by_key.values():
        if len(group) == 1:
            rows = group[0].rows
            if id(rows) not in inner:
                inner[id(rows)] = _repeats(rows)
            pairs = inner[id(rows)]
        else:
            pairs = _repeats([p for b in group for p in b.rows])
        if not pairs:
            continue
        places = [(b, j) for b in group for j in range(len(b.rows))]
        for later, first in pairs:
            (b, j), (b0, j0) = places[later], places[first]
            rounded = b.values[j] != b0.values[j0]
            copies.setdefault(b.index, []).append(
                (b.start + j + 1, b0.start + j0 + 1, b0.index, rounded)
            )
    return {index: sorted(entries) for index, entries in copies.items()}


def _repeats(rows: List[Params]) -> List[Tuple[int, int]]:
    """(position, position of its first occurrence) of every repeated value."""
    first: Dict[Params, int] = {}
    return [(k, first[p]) for k, p in enumerate(rows) if first.setdefault(p, k) != k]


def duplicate_message(index: int, entries: List[_Copy], text_of: Callable[[int], str]) -> str:
    shown = [
        f"{text_of(line)} repeats SF line {first} "
        + ("of this set" if where == index else f"of {format_path(('sets', where))}")
        for line, first, where, _ in entries[:EXAMPLES]
    ]
    more = f"; and {len(entries) - EXAMPLES} more" if len(entries) > EXAMPLES else ""
    rounded = any(r for _, _, _, r in entries)
    why = "; some are equal only after rounding: raise [output] precision" if rounded else ""
    return (
        f"exact repeat of an earlier line (as n2p2 reads the printed values) in "
        f"{count(len(entries))}: {'; '.join(shown)}{more}. n2p2 accepts duplicates silently "
        "and computes every copy: identical network inputs that only cost time. Remove the "
        f"repeated values or sets{why}"
    )


# -- n2p2's type-13 crash and elements without SFs --------------------------------------


def type13_crashes(
    blocks: List[Block], elements: Tuple[str, ...], text_of: Callable[[int], str]
) -> List[Tuple[int, int, str]]:
    """(set, line, message) for each type-13 line n2p2 crashes on (see the module doc)."""
    type13: Dict[Tuple[str, float], Tuple[int, int]] = {}  # place -> (set, line)
    weighted: Dict[Tuple[str, float], int] = {}  # place -> number of type 12/13 lines
    covered: Dict[Tuple[str, float], Set[str]] = {}  # place -> neighbours of types 2/3/9
    cutoffs: Dict[int, Dict[float, Tuple[int, int]]] = {}  # id(rows) -> cutoff: (first, count)
    for b in blocks:
        if b.type_number not in (2, 3, 9, 12, 13):
            continue
        per_cutoff = cutoffs.get(id(b.rows))
        if per_cutoff is None:
            per_cutoff = cutoffs[id(b.rows)] = _by_cutoff(b.rows)
        for cutoff, (first, lines_at) in per_cutoff.items():
            place = (b.central, cutoff)
            if b.type_number == 13:
                type13.setdefault(place, (b.index, b.start + first + 1))
            if b.type_number in (12, 13):
                weighted[place] = weighted.get(place, 0) + lines_at
            else:
                covered.setdefault(place, set()).update(b.neighbours)
    found = []
    for place, (index, line) in type13.items():
        have = covered.get(place, set())
        if weighted[place] == 1 and have and len(have) < len(elements):
            message = _type13_message(place, text_of(line), have, elements)
            found.append((index, line, message))
    return found


def _by_cutoff(rows: List[Params]) -> Dict[float, Tuple[int, int]]:
    """Each printed cutoff of the rows: (its first row, how many rows have it)."""
    found: Dict[float, Tuple[int, int]] = {}
    for j, p in enumerate(rows):
        first, count = found.get(p.cutoff, (j, 0))
        found[p.cutoff] = (first, count + 1)
    return found


def _type13_message(
    place: Tuple[str, float], line: str, have: Set[str], elements: Tuple[str, ...]
) -> str:
    central, cutoff = place
    missing = ", ".join(e for e in elements if e not in have)
    with_sf = ", ".join(e for e in elements if e in have)
    return (
        f"n2p2 crashes (segmentation fault, a known n2p2 defect) on {line}: it is the only "
        f"type-13 SF of central element {central} at cutoff {cutoff!r}, and at that cutoff "
        f"neighbour element(s) {with_sf} have type-2/3/9 SFs of central element {central} but "
        f"{missing} have none. Give every neighbour element ({', '.join(elements)}) such an SF "
        f"at cutoff {cutoff!r}, or none of them (e.g. another cutoff for those sets)"
    )


def elements_without_sf(blocks: List[Block], elements: Tuple[str, ...]) -> List[Tuple[int, str]]:
    centrals = {b.central for b in blocks}
    return [
        (
            k,
            f"element {e!r} is the central element of no symmetry function (the sets' "
            "central/include/exclude filters leave it out); n2p2's training and prediction "
            f"tools need at least one SF per element and abort. Add a set with {e!r} as central "
            "element, relax the filters, or remove it from elements",
        )
        for k, e in enumerate(elements)
        if e not in centrals
    ]
