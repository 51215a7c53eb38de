"""n2p2's internal order of the symmetry functions of each central element.

n2p2 does not keep the SFs of an element in input.nn order: it sorts them, and every per-SF
result it writes (row i of ``scaling.data``, the columns of ``function.data``, the NN inputs)
follows the sorted order. Per central element the sort key is:

* Gaussian types 2, 3, 9, 12, 13: type, r_c, eta, r_s, zeta, lambda, then the neighbour
  element(s) by atomic number (an angular pair as (lower Z, higher Z), compared first element
  first). The cutoff function, which n2p2 also compares, is global, so it never decides.
* Polynomial types 20-25: type, subtype (plain string order: ``e`` < ``p1`` < ``p1a`` < ``p2``),
  neighbour element(s) as above, r_c, r_l, theta_l, theta_r.

Every comparison is ascending. n2p2 sorts the values it *parsed*, so the key is built from the
numbers as sfcompile prints them (``float`` of the formatted text), not from the unrounded
doubles. Central elements are ordered by atomic number, as n2p2 does.

The rule reproduces n2p2 v2.3.0's order on all 22 reference cases in ``tests/data/sfvalues``
(1,213 lines; ``tests/test_ordering.py``). Two details those cases cannot tell apart, how two
different angular pairs compare (e.g. H-O against C-C) and where the neighbours sit among the
polynomial keys, follow n2p2's comparison operators (documented behaviour, no code taken).
"""

from __future__ import annotations

from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, TypeVar

from ..spec.elements import ATOMIC_NUMBER
from ..spec.sftypes import BY_NUMBER
from ..targets import formatting
from .expand import GeneratedSet, Number, SymmetryFunction

T = TypeVar("T")


class SpecPosition(NamedTuple):
    """Where a line sits in spec order: the set (its index in the spec's ``sets``) and the
    0-based position among that set's lines (counted over its element combinations in order)."""

    set_index: int
    position: int


def _printed(value: Optional[Number], numbers: formatting.NumberFormat) -> float:
    """The value n2p2 will parse from our text (an absent value is n2p2's default, 0)."""
    return 0.0 if value is None else float(numbers.real(value))


def _neighbours(sf: SymmetryFunction) -> Tuple[int, ...]:
    """The neighbour elements as atomic numbers; an unordered pair lower first, as n2p2
    stores it (so ``H 3 O H`` and ``H 3 H O`` sort alike)."""
    return tuple(sorted(map(ATOMIC_NUMBER.__getitem__, sf.combination[1:])))


def n2p2_key(sf: SymmetryFunction, numbers: formatting.NumberFormat) -> Tuple[object, ...]:
    """The sort key n2p2 uses for ``sf`` among the SFs of its central element.

    Keys of SFs of the same type have the same shape, and the type comes first, so keys of
    any two SFs of one element compare.
    """
    if BY_NUMBER[sf.type_number].family == "poly":
        return (
            sf.type_number,
            sf.subtype or "",
            _neighbours(sf),
            _printed(sf.cutoff, numbers),
            _printed(sf.r_lower, numbers),
            _printed(sf.theta_left, numbers),
            _printed(sf.theta_right, numbers),
        )
    return (
        sf.type_number,
        _printed(sf.cutoff, numbers),
        _printed(sf.eta, numbers),
        _printed(sf.r_shift, numbers),
        _printed(sf.zeta, numbers),
        0.0 if sf.lambda_ is None else float(formatting.lambda_(sf.lambda_)),
        _neighbours(sf),
    )


def _sorted_by_element(
    tagged: Iterable[Tuple[SymmetryFunction, T]], numbers: formatting.NumberFormat
) -> Dict[str, List[Tuple[SymmetryFunction, T]]]:
    """Group by central element (atomic-number order) and sort each group by :func:`n2p2_key`.

    The sort is stable: SFs with equal keys (duplicates once printed) keep their input order.
    """
    groups: Dict[str, List[Tuple[SymmetryFunction, T]]] = {}
    for item in tagged:
        groups.setdefault(item[0].combination[0], []).append(item)
    return {
        element: sorted(groups[element], key=lambda item: n2p2_key(item[0], numbers))
        for element in sorted(groups, key=ATOMIC_NUMBER.__getitem__)
    }


def order_n2p2(
    sfs: Iterable[SymmetryFunction], numbers: formatting.NumberFormat
) -> Dict[str, List[SymmetryFunction]]:
    """Central element → its SFs in n2p2's order; elements in atomic-number order."""
    grouped = _sorted_by_element(((sf, None) for sf in sfs), numbers)
    return {element: [sf for sf, _ in items] for element, items in grouped.items()}


def spec_positions(generated: GeneratedSet) -> Iterable[Tuple[SymmetryFunction, SpecPosition]]:
    """Every line of a set with its place in spec order."""
    lines = (sf for block in generated.blocks for sf in block)
    for position, sf in enumerate(lines):
        yield sf, SpecPosition(generated.index, position)


def n2p2_index_map(
    generated: Sequence[GeneratedSet], numbers: formatting.NumberFormat
) -> Dict[str, List[SpecPosition]]:
    """Per central element, where each SF of n2p2's order sits in spec order.

    ``n2p2_index_map(...)["H"][i - 1]`` is the line behind n2p2 index ``i`` of H (the
    ``sf_index`` column of its ``scaling.data``, 1-based).
    """
    tagged = (item for g in generated for item in spec_positions(g))
    grouped = _sorted_by_element(tagged, numbers)
    return {element: [where for _, where in items] for element, items in grouped.items()}
