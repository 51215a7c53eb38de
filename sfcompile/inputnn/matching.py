"""A file's lines against SFs meant to reproduce them: ``sfcompile import`` verifies every
spec with :func:`match_records`, each number exactly (or, for ``import --recognise-rounded``, to
the digits the file writes: :func:`agrees`), and recognises rules with the same agreements."""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

from ..generate.expand import SymmetryFunction
from ..spec.elements import ATOMIC_NUMBER
from ..spec.sftypes import BY_NUMBER
from ..targets import formatting
from .reader import SFRecord

_GAUSSIAN_VALUES = ("cutoff", "eta", "r_shift", "zeta")
_POLY_VALUES = ("cutoff", "r_lower", "theta_left", "theta_right")


#: ``same(value, token)``: may ``value`` stand for the number a file writes as ``token``?
Agreement = Callable[[float, str], bool]


def _few_digits(token: str) -> bool:
    """Fewer than 3 significant digits (``0.1``, ``5``): a hand-written round number."""
    mantissa = token.lower().partition("e")[0]
    return len(mantissa.lstrip("+-").replace(".", "").lstrip("0")) < 3


def agrees(value: float, token: str) -> bool:
    """``value`` printed at the precision of ``token`` reads back as ``token``'s number.
    Tokens with fewer than 3 significant digits (``0.1``, ``5``) must match exactly."""
    written = float(token)
    if value == written:
        return True
    if _few_digits(token):
        return False
    mantissa = token.lower().partition("e")[0]
    decimals = len(mantissa.partition(".")[2])
    spec = f".{decimals}E" if "e" in token.lower() else f".{decimals}f"
    return float(format(value, spec)) == written


def exact_at(precision: Union[int, str]) -> Agreement:
    """``value`` compiled at ``precision`` is exactly ``token``'s number; a value the precision
    rounds only if the token has 3 or more significant digits (as :func:`agrees`)."""
    numbers = formatting.NumberFormat(precision)

    def same(value: float, token: str) -> bool:
        written = float(token)
        if value == written:
            return True
        return not _few_digits(token) and float(numbers.real(value)) == written

    return same


def _values(sf: SymmetryFunction) -> Tuple[str, ...]:
    return _GAUSSIAN_VALUES if BY_NUMBER[sf.type_number].family == "gaussian" else _POLY_VALUES


def _bucket(sf: SymmetryFunction) -> Tuple[object, ...]:
    central, *neighbours = sf.combination
    pair = tuple(sorted(neighbours, key=ATOMIC_NUMBER.__getitem__))
    return (sf.type_number, central, pair, sf.subtype, sf.lambda_)


def _printed(sf: SymmetryFunction, numbers: formatting.NumberFormat) -> Tuple[Optional[float], ...]:
    values = (getattr(sf, name) for name in _values(sf))
    return tuple(None if v is None else float(numbers.real(v)) for v in values)


def _sort_key(values: Sequence[Optional[float]]) -> Tuple[float, ...]:
    return tuple(0.0 if v is None else float(v) for v in values)


def _agrees_all(printed: Tuple[Optional[float], ...], record: SFRecord, rounded: bool) -> bool:
    """Each printed value is the record's (``rounded``: or agrees with its token)."""
    for name, value in zip(_values(record.sf), printed):
        token = record.written.get(name)
        if value == getattr(record.sf, name):
            continue
        if not rounded or value is None or token is None or not agrees(value, token):
            return False
    return True


def match_records(
    sfs: Sequence[SymmetryFunction],
    records: Sequence[SFRecord],
    numbers: formatting.NumberFormat,
    rounded: bool = False,
) -> Optional[List[int]]:
    """For each generated line, the index of the file's line it reproduces, every number as
    ``numbers`` prints it exactly the file's (``rounded``: or :func:`agrees` with the file's
    token); None if the lines do not reproduce the file's."""
    if len(sfs) != len(records):
        return None
    buckets: Dict[Tuple[object, ...], Tuple[List[int], List[int]]] = {}
    for i, sf in enumerate(sfs):
        buckets.setdefault(_bucket(sf), ([], []))[0].append(i)
    for j, r in enumerate(records):
        buckets.setdefault(_bucket(r.sf), ([], []))[1].append(j)
    mapping = [-1] * len(sfs)
    for made, read in buckets.values():
        printed = {i: _printed(sfs[i], numbers) for i in made}
        made.sort(key=lambda i: _sort_key(printed[i]))
        read.sort(
            key=lambda j: _sort_key([getattr(records[j].sf, n) for n in _values(records[j].sf)])
        )
        pairs = list(zip(made, read))
        if len(made) != len(read):
            return None
        if not all(_agrees_all(printed[i], records[j], rounded) for i, j in pairs):
            free, pairs = list(read), []
            for i in made:
                found = next(
                    (j for j in free if _agrees_all(printed[i], records[j], rounded)), None
                )
                if found is None:
                    return None
                free.remove(found)
                pairs.append((i, found))
        for i, j in pairs:
            mapping[i] = j
    return mapping
