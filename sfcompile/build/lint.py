"""Lint: what n2p2 accepts silently, or crashes on, in a spec the models accept.

Every check reads the numbers as n2p2 will: printed at ``[output] precision`` and parsed back.
Lines are numbered 1, 2, ... among the ``symfunction_short`` lines of the output, in spec order.

Errors (n2p2 fails, or the output is certainly wrong):

- ``duplicate``: a line equal to an earlier one (type, central element, neighbours with the
  angular pair unordered, printed values); types 3 and 9 (21/22, 24/25) never match.
- ``type13-crash``: n2p2's segfault. For a central element and a printed cutoff r_c with
  exactly one type-13 line, the *other* type 2/3/9/12/13 lines at r_c cover some but not all
  neighbour elements (types 12/13 cover every element, types 2/3/9 their neighbours).
- ``element-without-sf``: an element is central element of no line (n2p2's training and
  prediction tools abort).
- ``window-rounding``: rounding broke a polynomial window: r_l = r_c, theta_l >= theta_r, or
  a window crossing 0 or 180 whose printed bounds are not centred there exactly.

Warnings (``--strict`` makes them errors); Gaussian types, at most one per line:

- ``rshift-beyond-cutoff``: r_s > r_c. ``gaussian-at-cutoff``: r_s = r_c.
- ``eta-too-large``: r_s < r_min = 0.1 r_c and exp(-eta (r_min - r_s)^2) < 1e-12.
- ``eta-too-small`` (types 2, 12): exp(-eta d^2) > 0.99, d = max(r_c - r_s, r_s).
- ``non-integer-zeta`` (types 3, 9, 13; may come with one of the above).

The models refuse, as hard errors, everything wrong in a single value or list: eta <= 0,
zeta < 1, lambda not -1/1, cutoff <= 0, NaN/inf, repeats inside one list (zetas, lambdas,
subtypes, windows, angles), polynomial windows ending at or below 0, angle windows n2p2
rejects, and r_shift < 0 for every type, so n2p2's defect of computing types 3/9 with a
negative r_shift as r_shift = 0 cannot occur.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Set, Tuple, Union

from ..errors import Diagnostic, KeyPath, Severity, format_path
from ..spec.load import LoadedSpec
from . import formatting
from .generate import GeneratedSet, SymmetryFunction
from .render import format_line

FLAT_LIMIT = 0.99  # eta-too-small: the Gaussian stays above this on all of [0, r_c]
DEAD_LIMIT = 1e-12  # eta-too-large: ... is below this at r_min (and beyond)
SHORTEST = 0.1  # r_min = SHORTEST * r_c: the shortest distance assumed to occur
EXAMPLES = 3  # lines quoted per finding
RADIAL_GAUSSIAN = (2, 12)
ERRORS = ("duplicate", "type13-crash", "element-without-sf", "window-rounding")


def _severity(code: str) -> Severity:
    return "error" if code in ERRORS else "warning"


@dataclass(frozen=True)
class Finding:
    """One problem: where (the set's ``[[sets]]`` table), what, and the SF lines affected."""

    diagnostic: Diagnostic
    code: str
    lines: Tuple[int, ...] = ()

    @property
    def severity(self) -> Severity:
        return self.diagnostic.severity


class _Params(NamedTuple):
    """The values of one line after ``combination``, as n2p2 parses them from the output."""

    cutoff: float
    eta: Optional[float]
    r_shift: Optional[float]
    lambda_: Optional[float]
    zeta: Optional[float]
    r_lower: Optional[float]
    theta_left: Optional[float]
    theta_right: Optional[float]
    subtype: Optional[str]


@dataclass(frozen=True)
class _Block:
    """The lines of one element combination; blocks with equal values share ``rows``."""

    index: int  # of the set
    type_number: int
    central: str
    neighbours: Tuple[str, ...]  # sorted: the angular pair is unordered
    start: int  # SF lines before this block
    sfs: Sequence[SymmetryFunction]
    rows: List[_Params]


class _Reader:
    """Prints values as the output will and parses them back (both memoised)."""

    def __init__(self, precision: Union[int, str]) -> None:
        self._numbers = formatting.NumberFormat(precision)
        self._parsed: Dict[float, float] = {}

    def number(self, value: Optional[float]) -> Optional[float]:
        if value is None:
            return None
        parsed = self._parsed.get(value)
        if parsed is None:
            parsed = self._parsed[value] = float(self._numbers.real(value))
        return parsed

    def params(self, sf: SymmetryFunction) -> _Params:
        n = self.number
        lam = None if sf.lambda_ is None else float(formatting.lambda_(sf.lambda_))
        cutoff = float(self._numbers.real(sf.cutoff))
        rest = (n(sf.zeta), n(sf.r_lower), n(sf.theta_left), n(sf.theta_right), sf.subtype)
        return _Params(cutoff, n(sf.eta), n(sf.r_shift), lam, *rest)

    def text(self, sf: SymmetryFunction) -> str:
        return format_line(sf, self._numbers).rstrip()


def lint(loaded: LoadedSpec, generated: Sequence[GeneratedSet]) -> List[Finding]:
    """Every finding for the compiled spec, sorted by set (spec-wide ones first), then code."""
    reader = _Reader(loaded.spec.output.precision)
    blocks = _read_blocks(generated, reader)
    starts = [b.start for b in blocks]

    def text_of(line: int) -> str:
        b = blocks[bisect.bisect_right(starts, line - 1) - 1]
        return f"SF line {line} `{reader.text(b.sfs[line - 1 - b.start])}`"

    elements = loaded.spec.element_tuple
    found: List[Tuple[int, str, KeyPath, str, Tuple[int, ...]]] = []
    for index, code, lines in _row_checks(blocks):
        message = _ROW_MESSAGES[code].format(n=_count(len(lines)), lines=_some(lines, text_of))
        found.append((index, code, ("sets", index), message, lines))
    for index, entries in _duplicates(blocks).items():
        lines = tuple(line for line, _, _, _ in entries)
        message = _duplicate_message(index, entries, text_of)
        found.append((index, "duplicate", ("sets", index), message, lines))
    for index, line, message in _type13_crashes(blocks, elements, text_of):
        found.append((index, "type13-crash", ("sets", index), message, (line,)))
    for k, message in _elements_without_sf(blocks, elements):
        found.append((-1, "element-without-sf", ("elements", k), message, ()))
    found.sort(key=lambda f: (f[0], f[1]))
    return [
        Finding(loaded.diagnostic(_severity(code), path, message), code, lines)
        for _, code, path, message, lines in found
    ]


def _read_blocks(generated: Sequence[GeneratedSet], reader: _Reader) -> List[_Block]:
    """Every non-empty block with its parsed values (parsed once per distinct block: the
    blocks of a set normally repeat the same values for each element combination)."""
    blocks: List[_Block] = []
    start = 0
    for g in generated:
        signature: Sequence[Tuple[object, ...]] = []
        rows: List[_Params] = []
        for sfs in g.blocks:
            values = [sf[2:] for sf in sfs]  # everything but type and combination
            if values != signature:
                signature, rows = values, [reader.params(sf) for sf in sfs]
            if sfs:
                central, *neighbours = sfs[0].combination
                number = g.sftype.number
                blocks.append(
                    _Block(g.index, number, central, tuple(sorted(neighbours)), start, sfs, rows)
                )
            start += len(sfs)
    return blocks


# -- checks on single lines ---------------------------------------------------------------


def _shape(p: _Params, type_number: int) -> Optional[str]:
    """The Gaussian-shape problem of a line, if any (at most one per line)."""
    if p.eta is None or p.r_shift is None:
        return None
    if p.r_shift > p.cutoff:
        return "rshift-beyond-cutoff"
    if p.r_shift == p.cutoff:
        return "gaussian-at-cutoff"
    shortest = SHORTEST * p.cutoff
    if p.r_shift < shortest and math.exp(-p.eta * (shortest - p.r_shift) ** 2) < DEAD_LIMIT:
        return "eta-too-large"
    farthest = max(p.cutoff - p.r_shift, p.r_shift)
    if type_number in RADIAL_GAUSSIAN and math.exp(-p.eta * farthest**2) > FLAT_LIMIT:
        return "eta-too-small"
    return None


def _window_broken(p: _Params) -> bool:
    """A polynomial window that rounding made empty or off-centre. The models check the
    values as written; n2p2 aborts on theta_l >= theta_r and on a window crossing 0 or 180
    whose centre (theta_l + theta_r)/2 is not exactly 0 or 180, and r_l = r_c is a window of
    zero width."""
    if p.r_lower is not None and p.r_lower >= p.cutoff:
        return True
    if p.theta_left is None or p.theta_right is None:
        return False
    centre = (p.theta_left + p.theta_right) / 2.0
    return (
        p.theta_left >= p.theta_right
        or (p.theta_left < 0 and centre != 0)
        or (p.theta_right > 180 and centre != 180)
    )


def _codes(p: _Params, type_number: int) -> List[str]:
    shape = _shape(p, type_number)
    codes = [shape] if shape else []
    if p.zeta is not None and not p.zeta.is_integer():
        codes.append("non-integer-zeta")
    return codes + (["window-rounding"] if _window_broken(p) else [])


def _row_checks(blocks: List[_Block]) -> List[Tuple[int, str, Tuple[int, ...]]]:
    """(set, code, lines) of the checks that look at one line at a time."""
    lines: Dict[Tuple[int, str], List[int]] = {}
    verdicts: Dict[int, List[Tuple[int, str]]] = {}  # id(rows) -> (row, code)
    for b in blocks:
        verdict = verdicts.get(id(b.rows))
        if verdict is None:
            verdict = [(j, c) for j, p in enumerate(b.rows) for c in _codes(p, b.type_number)]
            verdicts[id(b.rows)] = verdict
        for j, code in verdict:
            lines.setdefault((b.index, code), []).append(b.start + j + 1)
    return [(index, code, tuple(found)) for (index, code), found in lines.items()]


_ROW_MESSAGES = {
    "rshift-beyond-cutoff": "Gaussian centred beyond the cutoff (r_shift > r_c) in {n}: {lines}. "
    "n2p2 accepts this silently, but f_c is 0 from r_c on, so the SF only sees the Gaussian's "
    "inner tail. Use r_shift values below the cutoff, or a larger cutoff for this set",
    "gaussian-at-cutoff": "Gaussian centred exactly at the cutoff (r_shift = r_c) in {n}: "
    "{lines}. f_c vanishes at r_c, so the SF is suppressed where its Gaussian peaks: a wasted "
    "input (gastegger2018 'shift' does this when r_upper is the cutoff). Keep r_shift below "
    "the cutoff, e.g. r_upper = cutoff minus one grid spacing",
    "eta-too-large": "Gaussian too narrow in {n}: centred below r_min = 0.1 r_c, it has "
    "decayed below 1e-12 at r_min: {lines}. Atoms closer than 10% of the cutoff do not occur, "
    "so the SF is 0 in every structure: a dead input (min = max, n2p2's scaling divides by "
    "zero: NaN in training). Use eta < ln(1e12)/(r_min - r_shift)^2, or move r_shift out to "
    "the neighbour shells",
    "eta-too-small": "Gaussian too wide in {n}: flat on the whole cutoff sphere "
    "(exp(-eta d^2) > 0.99 at the largest distance d = max(r_c - r_shift, r_shift) from its "
    "centre): {lines}. Such an SF is a plain cutoff-weighted neighbour count, almost perfectly "
    "correlated with any other such SF. Use eta > -ln(0.99)/d^2 = 0.01005/d^2, or drop it",
    "non-integer-zeta": "non-integer zeta in {n}: {lines}. n2p2 computes "
    "(1 + lambda cos theta)^zeta by repeated multiplication only for integer zeta and calls the "
    "much slower general pow() otherwise, in its most expensive (angular) SFs. Use integer "
    "zetas such as 1, 2, 4, 8, 16",
    "window-rounding": "polynomial window broken by rounding to the output precision in "
    "{n}: {lines}. n2p2 aborts on an angle window with theta_l >= theta_r or one crossing 0 "
    "or 180 whose printed bounds are not exactly centred there, and a radial window with "
    "r_l = r_c has zero width (division by zero: NaN). Raise [output] precision, or choose "
    "bounds that need fewer digits",
}


# -- duplicates ---------------------------------------------------------------------------

_Copy = Tuple[int, int, int, bool]  # line, line of its first occurrence, that line's set, rounded


def _duplicates(blocks: List[_Block]) -> Dict[int, List[_Copy]]:
    """Lines equal to an earlier line, by the set holding the later copy."""
    by_key: Dict[Tuple[object, ...], List[_Block]] = {}
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
            rounded = b.sfs[j][2:] != b0.sfs[j0][2:]
            copies.setdefault(b.index, []).append(
                (b.start + j + 1, b0.start + j0 + 1, b0.index, rounded)
            )
    return {index: sorted(entries) for index, entries in copies.items()}


def _repeats(rows: List[_Params]) -> List[Tuple[int, int]]:
    """(position, position of its first occurrence) of every repeated value."""
    first: Dict[_Params, int] = {}
    return [(k, first[p]) for k, p in enumerate(rows) if first.setdefault(p, k) != k]


def _duplicate_message(index: int, entries: List[_Copy], text_of: Callable[[int], str]) -> str:
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
        f"{_count(len(entries))}: {'; '.join(shown)}{more}. n2p2 accepts duplicates silently "
        "and computes every copy: identical network inputs that only cost time. Remove the "
        f"repeated values or sets{why}"
    )


# -- n2p2's type-13 crash and elements without SFs --------------------------------------


def _type13_crashes(
    blocks: List[_Block], elements: Tuple[str, ...], text_of: Callable[[int], str]
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
        for cutoff, (first, count) in per_cutoff.items():
            place = (b.central, cutoff)
            if b.type_number == 13:
                type13.setdefault(place, (b.index, b.start + first + 1))
            if b.type_number in (12, 13):
                weighted[place] = weighted.get(place, 0) + count
            else:
                covered.setdefault(place, set()).update(b.neighbours)
    found = []
    for place, (index, line) in type13.items():
        have = covered.get(place, set())
        if weighted[place] == 1 and have and len(have) < len(elements):
            message = _type13_message(place, text_of(line), have, elements)
            found.append((index, line, message))
    return found


def _by_cutoff(rows: List[_Params]) -> Dict[float, Tuple[int, int]]:
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


def _elements_without_sf(blocks: List[_Block], elements: Tuple[str, ...]) -> List[Tuple[int, str]]:
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


# -- messages -------------------------------------------------------------------------------


def _count(n: int) -> str:
    return f"{n} SF line{'s' if n != 1 else ''}"


def _some(lines: Sequence[int], text_of: Callable[[int], str]) -> str:
    """Up to EXAMPLES lines as printed, then how many more."""
    shown = ", ".join(text_of(line) for line in lines[:EXAMPLES])
    return shown + (f", and {len(lines) - EXAMPLES} more" if len(lines) > EXAMPLES else "")
