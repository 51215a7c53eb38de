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
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ..errors import Diagnostic, Severity
from ..generate.expand import SymmetryFunction
from ..spec.elements import ATOMIC_NUMBER
from ..spec.load import read_source
from ..spec.sftypes import BY_NUMBER
from .values import (
    LAYOUTS,
    LineValues,
    Token,
    number_problem,
    shape,
)

KEYWORDS = ("symfunction_short", "symfunction")
OTHER_KEYWORDS = ("elements", "number_of_elements", "cutoff_type")

_TOKEN = re.compile(r"[^ \t]+")  # n2p2 separates tokens by spaces and tabs only


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
            if len(args) != 1 or not re.fullmatch(r"[0-9]+", args[0].text):
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
            elif self.symbol(line, token, "in `elements`", check_listed=False):
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

    def symbol(self, line: int, token: Token, role: str, check_listed: bool = True) -> bool:
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
        central_ok = self.symbol(line, tokens[1], "as central element")
        number, values = self._type(line, tokens[2]), tokens[3:]
        if number is None or not self._token_count(line, tokens[2], number, values):
            return
        fields = LineValues(self, line, tokens[:3], values)
        if self._errors() > errors_before or not central_ok or not fields.check_values():
            return
        neighbours = [values[i].text for i, f in enumerate(LAYOUTS[number]) if f in ("e1", "e2")]
        sf = fields.function((tokens[1].text, *neighbours))
        self.result.records.append(SFRecord(line, sf, tokens[0].text, text, fields.written))

    def _type(self, line: int, token: Token) -> Optional[int]:
        known = ", ".join(str(n) for n in sorted(BY_NUMBER))
        if not re.fullmatch(r"[0-9]+", token.text):
            lenient = re.match(r"[+-]?[0-9]+", token.text)
            read = "cannot read it as a type"
            if lenient:
                read = f"reads it as type {int(lenient.group())} without complaint"
            self.error(line, token, f"the type must be an integer, got `{token.text}`: n2p2 "
                       f"{read}; write one of {known}")  # fmt: skip
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
                       f"{shape(number)}{hint}, got {len(values)} value(s) after the type; "
                       "n2p2 aborts without saying which line")  # fmt: skip
            return False
        if len(values) > most:
            self.error(line, values[most], f"too many tokens: type {number} is "
                       f"{shape(number)}; n2p2 ignores the {len(values) - most} extra "
                       "token(s) silently. Remove them, or check the token order")  # fmt: skip
            return False
        return True
