"""A strict reader of the symmetry-function lines of an n2p2 ``input.nn``.

n2p2 reads almost anything (see ``n2p2-input-nn.md``): too many tokens, ``1.0d-2`` (read as
1.0), ``abc`` (read as 0), ``nan``, a lambda of 3, a type-13 line in type-3 token order. This
reader reads the lines n2p2 reads (``symfunction_short``/``symfunction``, ``elements``,
``number_of_elements``, ``cutoff_type``; ``#`` and ``!`` comments, tabs, blank lines) and
reports every line n2p2 would reject or silently mis-read as an error at FILE:LINE:COLUMN,
saying what n2p2 would do and how to fix it. Lines with errors give no record: nothing is
read silently wrong. CRLF line endings are read, with a warning (n2p2 breaks on them).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ..build.generate import SymmetryFunction
from ..errors import Diagnostic, Severity
from ..spec.elements import ATOMIC_NUMBER
from ..spec.load import read_source
from ..spec.sftypes import BY_NUMBER

KEYWORDS = ("symfunction_short", "symfunction")
OTHER_KEYWORDS = ("elements", "number_of_elements", "cutoff_type")
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
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SUBTYPE = re.compile(r"p[1-4]a?|e")
_TOKEN = re.compile(r"[^ \t]+")  # n2p2 separates tokens by spaces and tabs only


@dataclass(frozen=True)
class Token:
    text: str
    column: int  # 1-based


@dataclass(frozen=True)
class SFRecord:
    """One symmetry-function line: where, what it says, and the numbers as written."""

    line: int
    sf: SymmetryFunction  # neighbours in the order written
    keyword: str  # "symfunction_short" or "symfunction"
    text: str  # the line without its line ending
    written: Mapping[str, str]  # field of ``sf`` -> its token (reals and lambda)


@dataclass(frozen=True)
class CutoffType:
    number: int
    alpha: Optional[float]  # None: not written
    line: int


@dataclass
class InputNN:
    """What an input.nn says about symmetry functions, and everything wrong with it."""

    source: str
    records: List[SFRecord] = field(default_factory=list)
    elements: Optional[Tuple[str, ...]] = None
    elements_line: Optional[int] = None
    number_of_elements: Optional[int] = None
    cutoff_type: Optional[CutoffType] = None
    problems: List[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> List[Diagnostic]:
        return [d for d in self.problems if d.severity == "error"]

    @property
    def warnings(self) -> List[Diagnostic]:
        return [d for d in self.problems if d.severity == "warning"]


def normal_key(sf: SymmetryFunction) -> Tuple[object, ...]:
    """``sf`` with the neighbour pair in atomic-number order (``H 3 O H`` is ``H 3 H O``)."""
    central, *neighbours = sf.combination
    pair = tuple(sorted(neighbours, key=ATOMIC_NUMBER.__getitem__))
    return (sf.type_number, (central, *pair), *sf[2:])


def find_duplicates(records: Sequence[SFRecord]) -> List[Tuple[SFRecord, SFRecord]]:
    """(repeat, first occurrence) for every line equal to an earlier one, as numbers."""
    first: Dict[Tuple[object, ...], SFRecord] = {}
    found = []
    for record in records:
        earlier = first.setdefault(normal_key(record.sf), record)
        if earlier is not record:
            found.append((record, earlier))
    return found


def read_input_nn(text: str, source: str) -> InputNN:
    """Read the SF-relevant lines of an input.nn (its text; its name for the messages)."""
    reader = _Reader(source)
    crlf: List[Tuple[int, int]] = []
    sf_lines: List[Tuple[int, str, List[Token]]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if line is not raw:
            crlf.append((number, len(line) + 1))
        cut = min([i for i in (line.find("#"), line.find("!")) if i >= 0] or [len(line)])
        tokens = [Token(m.group(), m.start() + 1) for m in _TOKEN.finditer(line[:cut])]
        if tokens and tokens[0].text in KEYWORDS:
            sf_lines.append((number, line, tokens))
        elif tokens:
            reader.other_line(number, tokens)
    reader.check_elements_count()
    for number, line, tokens in sf_lines:
        reader.sf_line(number, line, tokens)
    reader.check_spellings()
    if crlf:
        reader.problem("warning", *crlf[0], f"CRLF (Windows) line endings ({len(crlf)} "
                       'line(s), the first here): n2p2 does not treat "\\r" as whitespace and '
                       'breaks on them (e.g. `Element "O\\r" unknown`); sfcompile read the lines '
                       "without the \\r. Convert the file to \\n line endings (e.g. `dos2unix`) "
                       "before n2p2 reads it")  # fmt: skip
    reader.result.problems.sort(key=lambda d: (d.line or 0, d.column or 0))
    return reader.result


def read_file(path: Union[str, Path]) -> Tuple[str, str]:
    """(text, name) of an input.nn (``-``: standard input); line endings are kept as they are,
    so that CRLF is reported. Raises SpecError if the file cannot be read."""
    source = read_source(path)
    try:
        return source.content.decode("utf-8"), source.display_name
    except UnicodeDecodeError:  # symbols, keywords and numbers are ASCII; comments may not be
        return source.content.decode("latin-1"), source.display_name


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
    fix = "write plain decimal or E notation"
    if prefix and re.fullmatch(r"[dD][+-]?\d+", text[prefix.end() :]):
        fix = f"a Fortran exponent: write {prefix.group()}E{text[prefix.end() + 1 :]}"
    return f"`{text}` is not a plain decimal or E-notation number: n2p2 reads it leniently, " \
        f"as {lenient!r}, without complaint; {fix}"  # fmt: skip


def _shape(number: int) -> str:
    names = [f"<{FIELD_NAMES[f]}>" for f in LAYOUTS[number]]
    if number in (3, 9):
        names[-1] = "[<rs>]"
    return f"`<ec> {number} {' '.join(names)}`"


class _Reader:
    """Collects the result and the problems of one file."""

    def __init__(self, source: str) -> None:
        self.result = InputNN(source)
        self._count: Optional[Tuple[int, Token]] = None  # the number_of_elements token
        self._seen: Dict[str, int] = {}  # keyword -> line of its first occurrence
        self._keywords: List[Tuple[int, Token]] = []  # the keyword of every SF line

    def problem(self, severity: Severity, line: int, column: int, message: str) -> None:
        self.result.problems.append(Diagnostic(severity, message, self.result.source, line, column))

    def error(self, line: int, token: Token, message: str) -> None:
        self.problem("error", line, token.column, message)

    def _errors(self) -> int:
        return len(self.result.errors)

    # -- elements, number_of_elements, cutoff_type; misspelled keywords -------------------

    def other_line(self, line: int, tokens: List[Token]) -> None:
        keyword, args = tokens[0].text, tokens[1:]
        if keyword not in OTHER_KEYWORDS:
            close = difflib.get_close_matches(keyword.lower(), KEYWORDS + OTHER_KEYWORDS, 1, 0.85)
            if close:
                self.error(line, tokens[0], f"unknown keyword `{keyword}` (did you mean "
                           f"`{close[0]}`?): n2p2 only logs a warning and drops the line; fix the "
                           "spelling (keywords are case-sensitive)")  # fmt: skip
        elif keyword in self._seen:
            self.error(line, tokens[0], f"`{keyword}` is given twice (first on line "
                       f"{self._seen[keyword]}); keep one line")  # fmt: skip
        elif keyword == "elements":
            self._seen[keyword] = line
            self._elements(line, tokens[0], args)
        elif keyword == "number_of_elements":
            self._seen[keyword] = line
            if len(args) != 1 or not re.fullmatch(r"\d+", args[0].text):
                self.error(line, (args or tokens)[0], "`number_of_elements` takes one integer")
            else:
                self.result.number_of_elements, self._count = int(args[0].text), (line, args[0])
        else:
            self._seen[keyword] = line
            self._cutoff_type(line, tokens[0], args)

    def _elements(self, line: int, keyword: Token, args: List[Token]) -> None:
        symbols: List[str] = []
        for token in args:
            if token.text in symbols:
                self.error(line, token, f"element {token.text} is listed twice; list each once")
            elif self._symbol(line, token, "in `elements`", check_listed=False):
                symbols.append(token.text)
        if not args:
            self.error(line, keyword, "`elements` lists no element; write e.g. `elements H O`")
        self.result.elements, self.result.elements_line = tuple(symbols), line

    def check_elements_count(self) -> None:
        elements = self.result.elements
        if self._count is not None and elements is not None:
            line, token = self._count
            if int(token.text) != len(elements):
                self.error(line, token, f"number_of_elements is {token.text}, but the elements "
                           f"line (line {self.result.elements_line}) lists {len(elements)}; n2p2 "
                           "requires them to agree")  # fmt: skip

    def _cutoff_type(self, line: int, keyword: Token, args: List[Token]) -> None:
        if not args or not re.fullmatch(r"[0-8]", args[0].text):
            self.error(line, (args or [keyword])[0], "`cutoff_type` takes n2p2's cutoff "
                       "function number 0-8 (0 hard, 1 cos, 2 tanhu, 3 tanh, 4 exp, 5-8 "
                       "poly1-poly4), then optionally alpha")  # fmt: skip
            return
        alpha = None
        if len(args) > 1:
            problem = number_problem(args[1].text)
            if problem or not 0 <= float(args[1].text) < 1:
                self.error(line, args[1], f"alpha: {problem}" if problem else f"alpha is "
                           f"{args[1].text}: n2p2 aborts unless 0 <= alpha < 1 (the inner cutoff "
                           "is alpha * rc)")  # fmt: skip
                return
            alpha = float(args[1].text)
        if len(args) > 2:
            self.error(line, args[2], "too many tokens: `cutoff_type` takes the cutoff "
                       "function number and optionally alpha; remove the rest")  # fmt: skip
            return
        self.result.cutoff_type = CutoffType(int(args[0].text), alpha, line)

    def _symbol(self, line: int, token: Token, role: str, check_listed: bool = True) -> bool:
        symbol, listed = token.text, self.result.elements
        if symbol not in ATOMIC_NUMBER:
            guess = symbol[:1].upper() + symbol[1:].lower()
            hint = f" (did you mean {guess}? symbols are case-sensitive)" \
                if guess in ATOMIC_NUMBER else ""  # fmt: skip
            self.error(line, token, f"unknown element `{symbol}` {role}{hint}: n2p2 accepts "
                       f'only the symbols H ... No and stops with `Element "{symbol}" '
                       'unknown`')  # fmt: skip
            return False
        if check_listed and listed is not None and symbol not in listed:
            self.error(
                line,
                token,
                f"element {symbol} ({role}) is not in the elements line "
                f"(line {self.result.elements_line}: {' '.join(listed)}): n2p2 stops "
                f'with `Element "{symbol}" unknown`; add it there or remove this line',
            )
            return False
        return True

    # -- symmetry-function lines -----------------------------------------------------------

    def check_spellings(self) -> None:
        spelled = [(n, k) for n, k in self._keywords if k.text != self._keywords[0][1].text]
        if spelled:
            (line, token), (first_line, first) = spelled[0], self._keywords[0]
            self.error(line, token, f"`{token.text}` here but `{first.text}` on line "
                       f"{first_line}: the two are the same keyword to n2p2, but a file must not "
                       "mix the spellings; write `symfunction_short` throughout")  # fmt: skip

    def sf_line(self, line: int, text: str, tokens: List[Token]) -> None:
        errors_before = self._errors()
        self._keywords.append((line, tokens[0]))
        if len(tokens) < 3:
            self.error(line, tokens[-1], "too few tokens: expected `<ec> <type> ...`; n2p2 "
                       "aborts without saying which line")  # fmt: skip
            return
        central_ok = self._symbol(line, tokens[1], "as central element")
        number, values = self._type(line, tokens[2]), tokens[3:]
        if number is None or not self._token_count(line, tokens[2], number, values):
            return
        fields = _Fields(self, line, tokens[:3], values)
        if self._errors() > errors_before or not central_ok or not fields.check_values():
            return
        neighbours = [values[i].text for i, f in enumerate(LAYOUTS[number]) if f in ("e1", "e2")]
        sf = fields.function((tokens[1].text, *neighbours))
        self.result.records.append(SFRecord(line, sf, tokens[0].text, text, fields.written))

    def _type(self, line: int, token: Token) -> Optional[int]:
        known = ", ".join(str(n) for n in sorted(BY_NUMBER))
        if not re.fullmatch(r"\d+", token.text):
            lenient = re.match(r"[+-]?\d+", token.text)
            read = f"reads it as type {int(lenient.group())}" if lenient else "cannot read it"
            self.error(line, token, f"the type must be an integer, got `{token.text}`: n2p2 "
                       f"{read} without complaint; write one of {known}")  # fmt: skip
            return None
        if int(token.text) not in BY_NUMBER:
            self.error(line, token, f"unknown symmetry-function type {token.text}: n2p2 has "
                       f"only types {known}")  # fmt: skip
            return None
        return int(token.text)

    def _token_count(self, line: int, type_token: Token, number: int, values: List[Token]) -> bool:
        most = len(LAYOUTS[number])
        least = most - (1 if number in (3, 9) else 0)
        if len(values) < least:
            hint = " (rs is required for type 13 and comes 2nd)" if number == 13 else ""
            self.error(line, (values or [type_token])[-1], f"too few tokens: type {number} is "
                       f"{_shape(number)}{hint}, got {len(values)} value(s) after the type; "
                       "n2p2 aborts without saying which line")  # fmt: skip
            return False
        if len(values) > most:
            self.error(line, values[most], f"too many tokens: type {number} is "
                       f"{_shape(number)}; n2p2 ignores the {len(values) - most} extra "
                       "token(s) silently. Remove them, or check the token order")  # fmt: skip
            return False
        return True


class _Fields:
    """The values of one SF line (of the right length), read and checked field by field."""

    def __init__(self, reader: _Reader, line: int, head: List[Token], values: List[Token]):
        self.reader, self.line, self.head, self.values = reader, line, head, values
        self.number = int(head[2].text)
        self.layout = LAYOUTS[self.number]
        self.tokens = dict(zip(self.layout, values))
        self.floats: Dict[str, float] = {"r_shift": 0.0} if self.number in (3, 9) else {}
        self.written: Dict[str, str] = {}
        self.subtype: Optional[str] = None
        for name, token in self.tokens.items():
            if name in ("e1", "e2"):
                reader._symbol(line, token, "as neighbour element")
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
            f"type {self.number} is {_shape(self.number)}, so n2p2 reads {read} and computes "
            f"garbage without complaint. Reorder them: "
            f"`{' '.join(t.text for t in self.head[1:])} {' '.join(right)}`"
        )


def _value_problems(number: int, v: Mapping[str, float]) -> List[Tuple[str, str]]:
    """(field, message) for every value n2p2 accepts silently but that is wrong."""
    found: List[Tuple[str, str]] = []
    rs, rc = v.get("r_shift", 0.0), v["cutoff"]
    if "eta" in v and not v["eta"] > 0:
        found.append(("eta", f"eta = {v['eta']!r}: must be > 0 (n2p2 accepts it silently; the "
                      "Gaussian is flat or grows with distance)"))  # fmt: skip
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
