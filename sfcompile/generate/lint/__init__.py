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

Warnings on a whole set:

- ``radial-gap`` (types 2, 12): between two neighbouring centres no Gaussian of the set reaches
  10 % of its peak (:mod:`.gaps`).

The models refuse, as hard errors, everything wrong in a single value or list: eta <= 0,
zeta < 1, lambda not -1/1, cutoff <= 0, NaN/inf, repeats inside one list (zetas, lambdas,
subtypes, windows, angles), polynomial windows ending at or below 0, angle windows n2p2
rejects, and r_shift < 0 for every type, so n2p2's defect of computing types 3/9 with a
negative r_shift as r_shift = 0 cannot occur.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import List, Sequence, Tuple

from ...errors import Diagnostic, KeyPath, Severity
from ...spec.load import LoadedSpec
from ..expand import GeneratedSet
from .blocks import Reader, count, read_blocks, some
from .gaps import radial_gaps
from .lines import ROW_MESSAGES, row_checks
from .relations import duplicate_message, duplicates, elements_without_sf, type13_crashes

ERRORS = ("not-finite", "duplicate", "type13-crash", "element-without-sf", "window-rounding")


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


def lint(loaded: LoadedSpec, generated: Sequence[GeneratedSet]) -> List[Finding]:
    """Every finding for the compiled spec, sorted by set (spec-wide ones first), then code."""
    reader = Reader(loaded.spec.output.precision)
    blocks = read_blocks(generated, reader)
    starts = [b.start for b in blocks]

    def text_of(line: int) -> str:
        b = blocks[bisect.bisect_right(starts, line - 1) - 1]
        return f"SF line {line} `{reader.text(b.sf(line - 1 - b.start))}`"

    elements = loaded.spec.element_tuple
    found: List[Tuple[int, str, KeyPath, str, Tuple[int, ...]]] = []
    for index, code, lines in row_checks(blocks):
        message = ROW_MESSAGES[code].format(n=count(len(lines)), lines=some(lines, text_of))
        found.append((index, code, ("sets", index), message, lines))
    for index, entries in duplicates(blocks).items():
        lines = tuple(line for line, _, _, _ in entries)
        message = duplicate_message(index, entries, text_of)
        found.append((index, "duplicate", ("sets", index), message, lines))
    for index, line, message in type13_crashes(blocks, elements, text_of):
        found.append((index, "type13-crash", ("sets", index), message, (line,)))
    for index, lines, message in radial_gaps(blocks, text_of):
        found.append((index, "radial-gap", ("sets", index), message, lines))
    for k, message in elements_without_sf(blocks, elements):
        found.append((-1, "element-without-sf", ("elements", k), message, ()))
    found.sort(key=lambda f: (f[0], f[1]))
    return [
        Finding(loaded.diagnostic(_severity(code), path, message), code, lines)
        for _, code, path, message, lines in found
    ]
