"""Values an imported spec moves: ``import --recognise-rounded`` lets a rule stand for values
the file writes rounded, and the spec then compiles to the rule's values, not the file's.

A trained potential's weights belong to the exact SF parameters it was trained with, so every
such value is accounted for: per set, how many values move, the largest relative change and the
line where it happens, in the import's notes, the set's comment and the spec's header (which
never claims more than the spec does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Sequence, Set, Union

from ..generate.expand import SymmetryFunction
from ..targets import formatting
from .reader import SFRecord
from .values import FIELD_NAMES


@dataclass(frozen=True)
class Moved:
    """The values of one set that compile to other numbers than the file's."""

    values: int
    lines: int
    largest: float  # the largest relative change |compiled - file| / |file|
    example: str  # the line of the largest change and how its value moves

    def describe(self) -> str:
        return (
            f"{self.values} value(s) on {self.lines} line(s) that the file writes rounded "
            f"compile to the rule's values instead, by at most {percent(self.largest)} "
            f"(relative); the largest: {self.example}"
        )


def percent(change: float) -> str:
    return "infinitely" if math.isinf(change) else f"{100 * change:.2g} %"


def moved_values(
    sfs: Sequence[SymmetryFunction],
    set_of: Sequence[int],
    records: Sequence[SFRecord],
    mapping: Sequence[int],
    precision: Union[int, str],
) -> Dict[int, Moved]:
    """Per set (by index), the values whose compiled number is not the file's: ``sfs[i]``
    reproduces ``records[mapping[i]]`` and is printed at ``precision``."""
    numbers = formatting.NumberFormat(precision)
    found: Dict[int, List[float]] = {}
    lines: Dict[int, Set[int]] = {}
    examples: Dict[int, str] = {}
    for i, sf in enumerate(sfs):
        record = records[mapping[i]]
        for name, token in record.written.items():
            value = getattr(sf, name)
            compiled, written = float(numbers.real(value)), float(token)
            if compiled == written:
                continue
            change = abs(compiled - written) / abs(written) if written else math.inf
            k = set_of[i]
            if change > max(found.get(k, [-1.0])):
                examples[k] = (
                    f"line {record.line} `{record.text.strip()}`: {FIELD_NAMES[name]} {token} "
                    f"-> {formatting.sf_value(name, value, numbers)}"
                )
            found.setdefault(k, []).append(change)
            lines.setdefault(k, set()).add(record.line)
    return {
        k: Moved(len(changes), len(lines[k]), max(changes), examples[k])
        for k, changes in sorted(found.items())
    }


def header_claim(moved: Dict[int, Moved], kept: str) -> List[str]:
    """The header's lines on what the spec compiles to: true in every case."""
    if not moved:
        return [f"# It compiles to the same SF lines, as numbers (check with `sfcompile diff`); "
                f"{kept}."]  # fmt: skip
    count = sum(m.values for m in moved.values())
    sets = ", ".join(f"sets[{k}]" for k in moved)
    largest = max(m.largest for m in moved.values())
    return [
        f"# It compiles to the same SF lines, as numbers, except {count} value(s) of {sets}: the",
        "# file writes them rounded and they compile to the rule's values, by at most "
        f"{percent(largest)} (relative;",
        f"# see the set's comment, `sfcompile diff` lists them); {kept}.",
    ]
