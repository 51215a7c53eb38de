"""A strict reader of SIMPLE-NN's ``params_XX`` files, given the element order of input.yaml's
``atom_types`` (the 1-based neighbour indices refer to it).

The grammar is what SIMPLE-NN's reader and its C code take, learned from their source and
documentation: every line is one SF (no comments, no blank lines: a blank line becomes an
empty row and breaks the parameter array); seven whitespace-separated fields, three integers
(the SF type 2, 4 or 5; two neighbour indices counting from 1; for G2 the second is not used)
then four reals (r_c; G2: eta, r_s and an unused one; G4/G5: eta, zeta, lambda). SIMPLE-NN
refuses zeta < 1. ``atom_types`` are read from ``--elements`` or from the ``atom_types:``
list of an input.yaml (or the simple-nn-input.yaml sfcompile writes).

Bounded: files larger than MAX_BYTES are refused before reading.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

from ..errors import Diagnostic, SpecError
from ..generate.expand import SymmetryFunction
from ..spec.elements import ATOMIC_NUMBER

MAX_BYTES = 16 * 1024 * 1024
TYPE_OF_G = {2: 2, 4: 3, 5: 9}  # SIMPLE-NN's G -> n2p2 type
_INTEGER = re.compile(r"[+-]?\d+")


def _error(source: str, line: Optional[int], message: str, column: int = 1) -> Diagnostic:
    return Diagnostic("error", message, source, line, column if line else None)


def read_params(
    text: str, source: str, central: str, elements: Sequence[str]
) -> List[Tuple[int, SymmetryFunction]]:
    """(line, SF) of every line of a params file for ``central``; SpecError if any is wrong."""
    if len(text) > MAX_BYTES:
        raise SpecError([_error(source, None, f"larger than {MAX_BYTES // 2**20} MiB: not a "
                                "params file sfcompile reads")])  # fmt: skip
    problems: List[Diagnostic] = []
    found: List[Tuple[int, SymmetryFunction]] = []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    for number, raw in enumerate(lines, start=1):
        problem, sf = _line(raw.rstrip("\r"), central, elements)
        if problem is not None:
            problems.append(_error(source, number, problem[1], problem[0]))
            if len(problems) > 20:
                break
        elif sf is not None:
            found.append((number, sf))
    if not found and not problems:
        problems.append(_error(source, None, "no SF lines"))
    if problems:
        raise SpecError(problems)
    return found


def _line(
    text: str, central: str, elements: Sequence[str]
) -> Tuple[Optional[Tuple[int, str]], Optional[SymmetryFunction]]:
    tokens = [(m.start() + 1, m.group()) for m in re.finditer(r"\S+", text)]
    if not tokens:
        return (1, "a blank line: SIMPLE-NN takes every line as an SF (an empty row breaks "
                "its parameter array); remove it"), None  # fmt: skip
    if tokens[0][1].startswith("#"):
        return (1, "a comment: SIMPLE-NN's params files have none (it would read `#` as the SF "
                "type and fail); remove it"), None  # fmt: skip
    if len(tokens) != 7:
        return (tokens[-1][0], f"{len(tokens)} fields; a params line has 7: type, two "
                "neighbour indices, r_c and three parameters"), None  # fmt: skip
    for column, word in tokens[:3]:
        if not _INTEGER.fullmatch(word):
            return (column, f"{word!r}: the first three fields are integers"), None
    reals: List[float] = []
    for column, word in tokens[3:]:
        try:
            value = float(word)
        except ValueError:
            return (column, f"{word!r} is not a number"), None
        if value != value or value in (float("inf"), float("-inf")):
            return (column, f"{word!r}: a finite number is needed"), None
        reals.append(value)
    g, first, second = (int(word) for _, word in tokens[:3])
    if g not in TYPE_OF_G:
        return (tokens[0][0], f"SF type {g}: SIMPLE-NN has G2, G4 and G5 (2, 4, 5)"), None
    cutoff, p1, p2, p3 = reals
    indices = [first] if g == 2 else [first, second]
    for k, index in enumerate(indices):
        if not 1 <= index <= len(elements):
            where = tokens[1 + k][0]
            return (where, f"neighbour index {index}: atom_types has {len(elements)} element(s) "
                    f"({', '.join(elements)}), counted from 1"), None  # fmt: skip
    if cutoff <= 0 or p1 < 0:
        return (tokens[3][0], "r_c must be > 0 and eta >= 0"), None
    neighbours = tuple(elements[i - 1] for i in indices)
    if g == 2:
        return None, SymmetryFunction(2, (central, *neighbours), cutoff, p1, p2)
    if p2 < 1 or p3 not in (-1.0, 1.0):
        return (tokens[5][0], "zeta must be >= 1 (SIMPLE-NN refuses less) and lambda -1 or 1"), None
    return None, SymmetryFunction(TYPE_OF_G[g], (central, *neighbours), cutoff, p1, 0.0, p3, p2)


def atom_types(text: str, source: str) -> List[str]:
    """The ``atom_types:`` list of an input.yaml (block form ``- H`` or flow ``[H, O]``)."""
    lines = text.split("\n")
    for k, line in enumerate(lines):
        match = re.match(r"\s*atom_types\s*:\s*(.*?)\s*(#.*)?$", line)
        if not match:
            continue
        rest = match.group(1)
        if rest.startswith("["):
            names = [n.strip().strip("'\"") for n in rest.strip("[]").split(",") if n.strip()]
        else:
            names = []
            for item in lines[k + 1 :]:
                entry = re.match(r"\s*-\s*([^\s#]+)", item)
                if not entry:
                    break
                names.append(entry.group(1).strip("'\""))
        bad = [n for n in names if n not in ATOMIC_NUMBER]
        if not names or bad:
            what = f"{bad[0]!r} is not a chemical symbol" if bad else "it lists no element"
            raise SpecError([_error(source, k + 1, f"atom_types: {what}")])
        return names
    raise SpecError([_error(source, None, "no atom_types list (SIMPLE-NN's input.yaml keeps "
                            "the element order there)")])  # fmt: skip
