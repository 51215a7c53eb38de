"""The element filters of a [[sets]] table (central, neighbours, exclude, include) that select
exactly a given list of element combinations, as short as possible (``import``, ``select``)."""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple, Union

from ..spec.sftypes import BY_NUMBER, Combination

Filter = Union[List[str], List[List[str]]]


def shortest_filters(
    number: int, combos: Sequence[Combination], elements: Tuple[str, ...]
) -> Dict[str, Filter]:
    """The shortest filters that select exactly ``combos``."""
    sftype, wanted = BY_NUMBER[number], set(combos)
    every = sftype.combinations(elements)
    if wanted == set(every):
        return {}
    centrals = [e for e in elements if any(c[0] == e for c in combos)]
    central: Dict[str, Filter] = {"central": centrals} if len(centrals) < len(elements) else {}
    candidates = [c for c in every if c[0] in centrals]
    if set(candidates) == wanted and (len(wanted) > 1 or sftype.weighted):
        return central
    if not sftype.weighted:
        near = [e for e in elements if any(e in c[1:] for c in combos)]
        if {c for c in candidates if set(c[1:]) <= set(near)} == wanted and len(wanted) > 1:
            return {**central, "neighbours": near}
        left_out = [list(c) for c in candidates if c not in wanted]
        if len(left_out) < len(wanted):
            return {**central, "exclude": left_out}
    return {"include": [list(c) for c in every if c in wanted]}
