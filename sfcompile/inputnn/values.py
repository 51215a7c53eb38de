"""The values of one symmetry-function line of an input.nn: read token by token, checked
against what n2p2 would silently mis-read (lenient numbers, swapped token orders, values n2p2
accepts but computes garbage with)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Protocol, Tuple

from ..errors import Severity
from ..generate.expand import SymmetryFunction

MAX_LENGTH = 1000.0  # sfcompile's limit on cutoffs and radii (the spec models')
_TRIPLET = ("e1", "e2", "eta", "lambda_", "zeta", "cutoff", "r_shift")  # types 3, 9
_WINDOWS = ("r_lower", "cutoff", "theta_left", "theta_right", "subtype")  # types 21, 22, 24, 25
#: The tokens after ``<ec> <type>``, per type, in n2p2's order (e1, e2: neighbour elements).
LAYOUTS: Dict[int, Tuple[str, ...]] = {
    2: ("e1", "eta", "r_shift", "cutoff"), 3: _TRIPLET, 9: _TRIPLET,
    12: ("eta", "r_shift", "cutoff"), 13: ("eta", "r_shift", "lambda_", "zeta", "cutoff"),
    20: ("e1", "r_lower", "cutoff", "subtype"), 21: ("e1", "e2", *_WINDOWS),
    22: ("e1", "e2", *_WINDOWS), 23: ("r_lower", "cutoff", "subtype"), 24: _WINDOWS,
    25: _WINDOWS,
}  # fmt: skip
#: How messages name the fields of a SymmetryFunction (the reference's token names).
FIELD_NAMES = {"e1": "e1", "e2": "e2", "eta": "eta", "r_shift": "rs", "cutoff": "rc",
               "lambda_": "lambda", "zeta": "zeta", "r_lower": "rl", "theta_left": "theta_l",
               "theta_right": "theta_r", "subtype": "sub"}  # fmt: skip
#: Token orders people confuse: type -> the order its values may have been written in.
_SWAPPED = {
    13: ("eta", "lambda_", "zeta", "cutoff", "r_shift"),  # type 3/9 order
    3: ("e1", "e2", "eta", "r_shift", "lambda_", "zeta", "cutoff"),  # type 13 order
    9: ("e1", "e2", "eta", "r_shift", "lambda_", "zeta", "cutoff"),
}
# ASCII digits only: n2p2 stops reading a number at the first other byte (Python's \d and
# float() take any Unicode digit).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SUBTYPE = re.compile(r"p[1-4]a?|e")


@dataclass(frozen=True)
class Token:
    text: str
    column: int  # 1-based


class Reporter(Protocol):
    """Where the problems of a line go (the file's reader)."""

    def problem(self, severity: Severity, line: int, column: int, message: str) -> None: ...

    def error(self, line: int, token: Token, message: str) -> None: ...

    def symbol(self, line: int, token: Token, role: str, check_listed: bool = True) -> bool: ...


def number_problem(text: str) -> Optional[str]:
    """Why n2p2 would read ``text`` wrongly as a real number (None: it reads it correctly)."""
    if _NUMBER.fullmatch(text):
        return None if math.isfinite(float(text)) else f"`{text}` overflows a double"
    bare = text.lower().lstrip("+-")
    if bare in ("nan", "inf", "infinity"):
        kind = "NaN" if bare == "nan" else "infinity"
        return f"`{text}` is {kind}: n2p2 accepts it silently and computes garbage; write a " \
            "finite number"  # fmt: skip
    prefix = _NUMBER.match(text)
    lenient = float(prefix.group()) if prefix else 0.0
    if not text.isascii():
        return f"`{text}` has a non-ASCII character: n2p2 stops reading the number there and " \
            f"reads {lenient!r} without complaint; write the number with ASCII digits"  # fmt: skip
    fix = "write plain decimal or E notation"
    if prefix and re.fullmatch(r"[dD][+-]?[0-9]+", text[prefix.end() :]):
        fix = f"a Fortran exponent: write {prefix.group()}E{text[prefix.end() + 1 :]}"
    return f"`{text}` is not a plain decimal or E-notation number: n2p2 reads it leniently, " \
        f"as {lenient!r}, without complaint; {fix}"  # fmt: skip


def shape(number: int) -> str:
    names = [f"<{FIELD_NAMES[f]}>" for f in LAYOUTS[number]]
    if number in (3, 9):
        names[-1] = "[<rs>]"
    return f"`<ec> {number} {' '.join(names)}`"


class LineValues:
    """The values of one SF line (of the right length), read and checked field by field."""

    def __init__(self, reader: Reporter, line: int, head: List[Token], values: List[Token]):
        self.reader, self.line, self.head, self.values = reader, line, head, values
        self.number = int(head[2].text)
        self.layout = LAYOUTS[self.number]
        self.tokens = dict(zip(self.layout, values))
        self.floats: Dict[str, float] = {"r_shift": 0.0} if self.number in (3, 9) else {}
        self.written: Dict[str, str] = {}
        self.subtype: Optional[str] = None
        for name, token in self.tokens.items():
            if name in ("e1", "e2"):
                reader.symbol(line, token, "as neighbour element")
            elif name == "subtype":
                self.subtype = self._subtype(token)
            elif number_problem(token.text):
                reader.error(line, token, f"{FIELD_NAMES[name]}: {number_problem(token.text)}")
            else:
                self.floats[name], self.written[name] = float(token.text), token.text

    def _subtype(self, token: Token) -> Optional[str]:
        if _SUBTYPE.fullmatch(token.text):
            return token.text
        if token.text in ("ex", "exp"):
            self.reader.problem("warning", self.line, token.column, f"subtype `{token.text}`: "
                                "n2p2 reads it as `e`; sfcompile writes `e`")  # fmt: skip
            return "e"
        self.reader.error(
            self.line,
            token,
            f"unknown polynomial subtype `{token.text}`: n2p2 "
            "knows p1, p2, p3, p4 (optionally with `a`, e.g. p2a) and e",
        )
        return None

    def function(self, combination: Tuple[str, ...]) -> SymmetryFunction:
        f = self.floats.get
        return SymmetryFunction(
            self.number, combination, self.floats["cutoff"], eta=f("eta"), r_shift=f("r_shift"),
            lambda_=f("lambda_"), zeta=f("zeta"), r_lower=f("r_lower"),
            theta_left=f("theta_left"), theta_right=f("theta_right"), subtype=self.subtype,
        )  # fmt: skip

    def check_values(self) -> bool:
        problems = _value_problems(self.number, self.floats)
        swapped = self._swapped_order() if problems else None
        if swapped:
            first = next(t for n, t in self.tokens.items() if n not in ("e1", "e2"))
            self.reader.error(self.line, first, swapped)
        for name, message in [] if swapped else problems:
            self.reader.error(self.line, self.tokens[name], message)
        return not problems

    def _swapped_order(self) -> Optional[str]:
        """A message if the values are valid in the token order of a related type."""
        order = _SWAPPED.get(self.number)
        if order is None or len(self.values) != len(order):
            return None
        alternative = {n: self.floats[w] for w, n in zip(self.layout, order) if w in self.floats}
        if _value_problems(self.number, alternative):
            return None
        right = [self.values[order.index(name)].text for name in self.layout]
        read = ", ".join(f"{FIELD_NAMES[n]} = {t.text}" for n, t in self.tokens.items()
                         if n not in ("e1", "e2"))  # fmt: skip
        return (
            f"the values are in {'type-3/9' if self.number == 13 else 'type-13'} token order: "
            f"type {self.number} is {shape(self.number)}, so n2p2 reads {read} and computes "
            f"garbage without complaint. Reorder them: "
            f"`{' '.join(t.text for t in self.head[1:])} {' '.join(right)}`"
        )


def _value_problems(number: int, v: Mapping[str, float]) -> List[Tuple[str, str]]:
    """(field, message) for every value n2p2 accepts silently but that is wrong."""
    found: List[Tuple[str, str]] = []
    rs, rc = v.get("r_shift", 0.0), v["cutoff"]
    if "eta" in v and not v["eta"] >= 0:
        found.append(("eta", f"eta = {v['eta']!r}: must be >= 0 (n2p2 accepts it silently; the "
                      "Gaussian grows with distance)"))  # fmt: skip
    if rs < 0:
        why = "n2p2's production tools compute a negative rs on types 3/9 as rs = 0" \
            if number in (3, 9) else "sfcompile refuses negative rs"  # fmt: skip
        found.append(("r_shift", f"rs = {rs!r} < 0: {why}; use rs >= 0"))
    if rs > MAX_LENGTH or rc > MAX_LENGTH:
        name = "r_shift" if rs > MAX_LENGTH else "cutoff"
        found.append((name, f"{FIELD_NAMES[name]} = {v[name]!r}: sfcompile accepts lengths up to "
                      f"{MAX_LENGTH!r}"))  # fmt: skip
    if "lambda_" in v and v["lambda_"] not in (-1.0, 1.0):
        found.append(("lambda_", f"lambda = {v['lambda_']!r}: must be -1 or 1 (n2p2 accepts "
                      "any value silently and computes garbage)"))  # fmt: skip
    if "zeta" in v and not v["zeta"] >= 1:
        found.append(("zeta", f"zeta = {v['zeta']!r}: must be >= 1 (n2p2 accepts it silently)"))
    if not rc > 0:
        found.append(("cutoff", f"rc = {rc!r}: must be > 0 (n2p2 accepts it silently; the SF "
                      "is 0 everywhere)"))  # fmt: skip
    if "r_lower" in v and not -MAX_LENGTH <= v["r_lower"] < rc:
        found.append(("r_lower", f"radial window [{v['r_lower']!r}, {rc!r}]: must have rl < "
                      "rc (n2p2 does not check it; rl = rc divides by zero)"))  # fmt: skip
    if "theta_left" in v:
        problem = angle_problem(v["theta_left"], v["theta_right"])
        if problem:
            found.append(("theta_left", f"{problem}; n2p2 aborts or computes garbage"))
    return found


def angle_problem(left: float, right: float) -> Optional[str]:
    """n2p2's rule for an angle window in degrees, plus: it must overlap 0..180."""
    window = f"angle window [{left!r}, {right!r}]"
    if not left < right:
        return f"{window}: theta_l must be < theta_r"
    if left < 0 and left != -right:
        return f"{window} reaches below 0 but is not centred at 0 ([-a, a])"
    if right > 180 and left + right != 360:
        return f"{window} reaches above 180 but is not centred at 180 ([180 - a, 180 + a])"
    if right <= 0 or left >= 180 or left < -360 or right > 540:
        return f"{window} lies outside 0..180 degrees"
    return None
