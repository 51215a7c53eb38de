"""The lines the lint looks at: each element combination's lines with their values as n2p2
parses them from the output (printed at ``[output] precision`` and read back)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

from ...targets import formatting
from ...targets.n2p2 import format_line
from ..expand import GeneratedSet, Row, SymmetryFunction

EXAMPLES = 3  # lines quoted per finding


class Params(NamedTuple):
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
class Block:
    """The lines of one element combination; the blocks of a set share ``values`` and
    ``rows``."""

    index: int  # of the set
    type_number: int
    combination: Tuple[str, ...]  # as generated
    neighbours: Tuple[str, ...]  # sorted: the angular pair is unordered
    start: int  # SF lines before this block
    values: Sequence[Row]  # the generated values of each line
    rows: List[Params]  # the same, as n2p2 parses them from the output

    @property
    def central(self) -> str:
        return self.combination[0]

    def sf(self, j: int) -> SymmetryFunction:
        """The j-th line of the block."""
        return SymmetryFunction(self.type_number, self.combination, *self.values[j])


class Reader:
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

    def params(self, row: Row) -> Params:
        """The values of a line (the fields after type and combination) as n2p2 reads them."""
        cutoff, eta, r_shift, lambda_, zeta, r_lower, theta_left, theta_right, subtype = row
        n = self.number
        lam = None if lambda_ is None else float(formatting.lambda_(lambda_))
        rest = (n(zeta), n(r_lower), n(theta_left), n(theta_right), subtype)
        return Params(float(self._numbers.real(cutoff)), n(eta), n(r_shift), lam, *rest)

    def text(self, sf: SymmetryFunction) -> str:
        return format_line(sf, self._numbers).rstrip()


def read_blocks(generated: Sequence[GeneratedSet], reader: Reader) -> List[Block]:
    """Every non-empty block with its parsed values (parsed once per set: its blocks repeat
    the same values for each element combination)."""
    blocks: List[Block] = []
    start = 0
    for g in generated:
        rows = [reader.params(row) for row in g.rows]
        for combination in g.combinations if g.rows else ():
            neighbours = tuple(sorted(combination[1:]))
            blocks.append(
                Block(g.index, g.sftype.number, combination, neighbours, start, g.rows, rows)
            )
            start += len(g.rows)
    return blocks


def count(n: int) -> str:
    return f"{n} SF line{'s' if n != 1 else ''}"


def some(lines: Sequence[int], text_of: Callable[[int], str]) -> str:
    """Up to EXAMPLES lines as printed, then how many more."""
    shown = ", ".join(text_of(line) for line in lines[:EXAMPLES])
    return shown + (f", and {len(lines) - EXAMPLES} more" if len(lines) > EXAMPLES else "")
