"""A strict reader of aenet's structural-fingerprint setups (``.stp``) with Behler2011 functions.

The grammar is the one aenet's own reader (``src/sfsetup.f90``) enforces, learned from its
source and documentation; where aenet would go on with a wrong value, this reader stops with a
located error instead:

* keywords (case-insensitive) start a line; blank lines and lines starting with ``!``, ``#`` or
  ``%`` are skipped between keywords; an unknown keyword is an error (aenet prints one and
  goes on);
* ``ATOM X``; ``ENV N`` then N species, one per line; ``RMIN r``; ``DESCR`` ... up to a line
  containing ``END DESCR``;
* ``FUNCTIONS type=Behler2011`` (the name is case-sensitive), the number of functions on the
  very next line, then exactly that many function lines: no blank or comment line among them
  (aenet reads them raw). ``BASIS`` takes aenet's Chebyshev basis only (no Behler2011);
* a function line is ``G=2 type2=X eta=.. Rs=.. Rc=..`` or ``G=4|5 type2=X type3=Y eta=..
  lambda=.. zeta=.. Rc=..``: aenet finds each key as the *first* occurrence of its name in the
  line (case-sensitive) and reads the value after the next ``=``, so ``eta`` written after
  ``zeta`` would be read from zeta's value, and a missing key leaves 0; both are errors here.
  Fortran reals (``0.75d0``) are accepted. G=1 and G=3 have no n2p2 type and are refused;
* every species of a function must be listed in ENV.

Bounded: a file of more than MAX_BYTES or MAX_FUNCTIONS functions is refused before parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from ..errors import Diagnostic, SpecError
from ..generate.expand import SymmetryFunction
from ..spec.elements import ATOMIC_NUMBER

MAX_BYTES = 16 * 1024 * 1024
MAX_FUNCTIONS = 1_000_000
KEYWORDS = ("atom", "env", "descr", "rmin", "functions", "symmfunc", "basis")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?")
_SEPARATORS = re.compile(r"[\s,/]+")


@dataclass
class Setup:
    """One .stp file: its central element, environment and SFs (with their line numbers)."""

    source: str
    atom: Optional[str] = None
    env: List[str] = field(default_factory=list)
    rmin: Optional[float] = None
    functions: List[Tuple[int, SymmetryFunction]] = field(default_factory=list)


class _Reader:
    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.lines = text.split("\n")
        if self.lines[-1] == "":
            self.lines.pop()  # the newline that ends the last line
        self.k = 0  # next line (0-based)
        self.problems: List[Diagnostic] = []
        self.setup = Setup(source)

    def error(self, line: int, message: str, column: int = 1) -> None:
        self.problems.append(Diagnostic("error", message, self.source, line, column))

    def raw(self) -> Optional[Tuple[int, str]]:
        """The next line as it is (aenet reads function lines so), or None at the end."""
        if self.k >= len(self.lines):
            return None
        self.k += 1
        return self.k, self.lines[self.k - 1].rstrip("\r")

    def content(self) -> Optional[Tuple[int, str]]:
        """The next line that is neither blank nor a comment (aenet's aeio_readline)."""
        while True:
            found = self.raw()
            if found is None:
                return None
            stripped = found[1].strip()
            if stripped and stripped[0] not in "!#%":
                return found[0], stripped

    def read(self) -> Setup:
        while (found := self.content()) is not None:
            line, text = found
            keyword = text.split()[0].lower()
            rest = text[len(keyword) :].strip()
            handler = getattr(self, f"_{keyword}", None) if keyword in KEYWORDS else None
            if handler is None:
                self.error(line, f"unknown keyword `{text.split()[0]}`: aenet's setup files take "
                           "ATOM, ENV, RMIN, DESCR, FUNCTIONS (or BASIS); aenet reports it and "
                           "goes on without the line")  # fmt: skip
                continue
            handler(line, rest)
            if len(self.problems) > 20:
                break
        self._finish()
        return self.setup

    def _atom(self, line: int, rest: str) -> None:
        symbol = rest.split()[0] if rest.split() else ""
        if self._symbol(line, symbol, "ATOM"):
            self.setup.atom = symbol

    def _env(self, line: int, rest: str) -> None:
        if not re.fullmatch(r"\d+", rest.split()[0] if rest.split() else ""):
            self.error(line, "ENV takes the number of species on its line, e.g. `ENV 2`, then "
                       "one species per line")  # fmt: skip
            return
        for _ in range(int(rest.split()[0])):
            found = self.content()
            if found is None:
                self.error(line, f"ENV {rest.split()[0]}: the file ends before that many species")
                return
            symbol = found[1].split()[0]
            if self._symbol(found[0], symbol, "ENV"):
                self.setup.env.append(symbol)

    def _descr(self, line: int, rest: str) -> None:
        while (found := self.raw()) is not None:
            if "end descr" in found[1].lower():
                return
        self.error(line, "DESCR without a line containing END DESCR: aenet reads to the end")

    def _rmin(self, line: int, rest: str) -> None:
        value = _real(rest.split()[0] if rest.split() else "")
        if value is None or value <= 0:
            self.error(line, "RMIN takes a positive distance, e.g. `RMIN 0.75d0`")
        else:
            self.setup.rmin = value

    def _basis(self, line: int, rest: str) -> None:
        self.error(line, "BASIS: aenet's BASIS takes its Chebyshev basis only, which no n2p2 "
                   "SF type expresses; sfcompile reads FUNCTIONS type=Behler2011")  # fmt: skip
        self.k = len(self.lines)

    def _symmfunc(self, line: int, rest: str) -> None:
        self._functions(line, rest)

    def _functions(self, line: int, rest: str) -> None:
        kind = _value(rest, "type")
        if self.setup.functions:
            self.error(line, "a second FUNCTIONS block: aenet stops (multiple basis definitions)")
            return
        if kind != "Behler2011":
            self.error(line, f"FUNCTIONS type={kind or ''}: aenet knows type=Behler2011 only "
                       "(case-sensitive)")  # fmt: skip
            self.k = len(self.lines)
            return
        found = self.raw()
        count = found[1].split()[0] if found is not None and found[1].split() else ""
        if found is None or not re.fullmatch(r"\d+", count):
            where = found[0] if found is not None else line
            message = (
                "the number of functions must be on the line right after FUNCTIONS "
                "(aenet reads it from there; no blank or comment line)"
            )
            self.error(where, message)
            return
        if int(count) > MAX_FUNCTIONS:
            self.error(found[0], f"{count} functions: more than sfcompile reads ({MAX_FUNCTIONS})")
            return
        for _ in range(int(count)):
            function = self.raw()
            if function is None:
                self.error(found[0], f"{count} functions announced; the file ends before")
                return
            self._function(*function)

    def _function(self, line: int, text: str) -> None:
        if not text.strip() or text.strip()[0] in "!#%":
            self.error(line, "a blank or comment line among the functions: aenet reads every "
                       "line after the count as a function")  # fmt: skip
            return
        g = _value(text, "G")
        if g not in ("2", "4", "5"):
            why = "has no n2p2 SF type" if g in ("1", "3") else "is not a Behler2011 function"
            self.error(line, f"G={g}: {why}; sfcompile reads G=2, G=4 and G=5")
            return
        keys = ["type2", "Rc", "eta"] + (["Rs"] if g == "2" else ["type3", "lambda", "zeta"])
        values = {}
        for key in keys:
            where = _find(text, key)
            if where is None:
                self.error(line, f"G={g} without {key}=: aenet would use 0; give {key}")
                return
            if key == "eta" and text[where - 1 : where] == "z":
                self.error(line, "eta= must come before zeta=: aenet takes the first `eta` in "
                           "the line, inside `zeta`, and would read zeta's value as eta",
                           where)  # fmt: skip
                return
            values[key] = _value(text, key) or ""
        self._add(line, g, values)

    def _add(self, line: int, g: str, values: dict[str, str]) -> None:
        names = [values["type2"]] + ([values["type3"]] if g != "2" else [])
        for name in names:
            if name not in self.setup.env:
                self.error(line, f"species {name!r} is not in ENV ({', '.join(self.setup.env)}): "
                           "aenet stops; list it under ENV")  # fmt: skip
                return
        reals = {k: _real(v) for k, v in values.items() if k not in ("type2", "type3")}
        bad = [k for k, v in reals.items() if v is None]
        if bad:
            self.error(line, f"{bad[0]}={values[bad[0]]!r} is not a number")
            return
        if (reals["Rc"] or 0) <= 0 or (reals["eta"] or 0) < 0:
            self.error(line, "Rc must be > 0 and eta >= 0")
            return
        atom = self.setup.atom
        if atom is None:
            self.error(line, "a function before ATOM: aenet needs ATOM first")
            return
        if g == "2":
            sf = SymmetryFunction(2, (atom, names[0]), reals["Rc"] or 0.0, reals["eta"],
                                  reals["Rs"])  # fmt: skip
        else:
            lam, zeta = reals["lambda"], reals["zeta"]
            if lam not in (-1.0, 1.0) or zeta is None or zeta < 1:
                self.error(line, "lambda must be -1 or 1 and zeta >= 1 (n2p2's angular SFs)")
                return
            sf = SymmetryFunction({"4": 3, "5": 9}[g], (atom, *names), reals["Rc"] or 0.0,
                                  reals["eta"], 0.0, lam, zeta)  # fmt: skip
        self.setup.functions.append((line, sf))

    def _symbol(self, line: int, symbol: str, role: str) -> bool:
        if symbol in ATOMIC_NUMBER:
            return True
        self.error(line, f"{role}: {symbol!r} is not a chemical symbol (H ... No, case-sensitive)")
        return False

    def _finish(self) -> None:
        last = max(1, len(self.lines))
        if self.problems:
            return
        if self.setup.atom is None:
            self.error(last, "no ATOM line: aenet needs the central species")
        elif not self.setup.env:
            self.error(last, "no ENV block: aenet needs the species of the environment")
        elif not self.setup.functions:
            self.error(last, "no FUNCTIONS type=Behler2011 block (aenet: cutoff undetermined)")


def _find(text: str, key: str) -> Optional[int]:
    where = text.find(key)
    return None if where < 0 else where


def _value(text: str, key: str) -> Optional[str]:
    """What aenet's readval reads for ``key``: the first token after the ``=`` that follows the
    first occurrence of ``key`` (None if there is no such key or no ``=``)."""
    where = text.find(key)
    if where < 0:
        return None
    equals = text.find("=", where + len(key))
    if equals < 0:
        return None
    tokens = [t for t in _SEPARATORS.split(text[equals + 1 :]) if t]
    return tokens[0] if tokens else ""


def _real(text: str) -> Optional[float]:
    """A Fortran real (``0.75d0``, ``1.E-3``, ``6.5``), or None."""
    if not _NUMBER.fullmatch(text):
        return None
    return float(text.replace("d", "e").replace("D", "e"))


def read_stp(text: str, source: str) -> Setup:
    """Read one .stp file; raises SpecError listing every problem, located."""
    if len(text) > MAX_BYTES:
        raise SpecError([Diagnostic("error", f"larger than {MAX_BYTES // 2**20} MiB: not an aenet "
                                    "setup file sfcompile reads", source)])  # fmt: skip
    reader = _Reader(text, source)
    setup = reader.read()
    if reader.problems:
        raise SpecError(reader.problems)
    return setup
