"""The lines the lint looks at: each element combination's lines with their values as n2p2
parses them from the output (printed at ``[output] precision`` and read back)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

from .. import formatting
from ..generate import GeneratedSet, SymmetryFunction
from ..render import format_line

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
    """The lines of one element combination; blocks with equal values share ``rows``."""

    index: int  # of the set
    type_number: int
    central: str
    neighbours: Tuple[str, ...]  # sorted: the angular pair is unordered
    start: int  # SF lines before this block
    sfs: Sequence[SymmetryFunction]
    rows: List[Params]


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

    def params(self, sf: SymmetryFunction) -> Params:
        n = self.number
        lam = None if sf.lambda_ is None else float(formatting.lambda_(sf.lambda_))
        cutoff = float(self._numbers.real(sf.cutoff))
        rest = (n(sf.zeta), n(sf.r_lower), n(sf.theta_left), n(sf.theta_right), sf.subtype)
        return Params(cutoff, n(sf.eta), n(sf.r_shift), lam, *rest)

    def text(self, sf: SymmetryFunction) -> str:
        return format_line(sf, self._numbers).rstrip()


def read_blocks(generated: Sequence[GeneratedSet], reader: Reader) -> List[Block]:
    """Every non-empty block with its parsed values (parsed once per distinct block: the
    blocks of a set normally repeat the same values for each element combination)."""
    blocks: List[Block] = []
    start = 0
    for g in generated:
        signature: Sequence[Tuple[object, ...]] = []
        rows: List[Params] = []
        for sfs in g.blocks:
            values = [sf[2:] for sf in sfs]  # everything but type and combination
            if values != signature:
                signature, rows = values, [reader.params(sf) for sf in sfs]
            if sfs:
                central, *neighbours = sfs[0].combination
                number = g.sftype.number
                blocks.append(
                    Block(g.index, number, central, tuple(sorted(neighbours)), start, sfs, rows)
                )
            start += len(sfs)
    return blocks


def count(n: int) -> str:
    return f"{n} SF line{'s' if n != 1 else ''}"


def some(lines: Sequence[int], text_of: Callable[[int], str]) -> str:
    """Up to EXAMPLES lines as printed, then how many more."""
    shown = ", ".join(text_of(line) for line in lines[:EXAMPLES])
    return shown + (f", and {len(lines) - EXAMPLES} more" if len(lines) > EXAMPLES else "")
