"""Source positions for the key paths of a TOML document.

``tomllib`` (and ``tomli``) parse TOML without reporting where anything came from.  To point
error messages at ``FILE:LINE:COL`` we re-scan the (already successfully parsed) text with a
small single-pass scanner and record, for every key path, where its key and its value start.

Paths use ``str`` segments for keys and table names and ``int`` segments for array indices
(both for arrays of tables, ``[[name]]``, and for elements of array values).  The scanner is
defensive: on anything unexpected it stops and :func:`locate` returns what it found so far.
"""

from __future__ import annotations

import bisect
import re
import string
from contextlib import suppress
from dataclasses import dataclass
from typing import Union

__all__ = ["Location", "Path", "Position", "locate"]

Path = tuple[Union[str, int], ...]


@dataclass(frozen=True)
class Position:
    """A 1-based line and a 1-based column (counted in characters)."""

    line: int
    column: int


@dataclass(frozen=True)
class Location:
    """Where a key starts and where its value starts (equal for table headers)."""

    key: Position
    value: Position


_WHITESPACE = frozenset(" \t")
_BARE_KEY_CHARS = frozenset(string.ascii_letters + string.digits + "_-")
_SCALAR_END = frozenset(" \t\r\n,]}#")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_SPACE_THEN_TIME = re.compile(r" \d{2}:")
_SIMPLE_ESCAPES = dict(zip('btnfre"\\', '\b\t\n\f\r\x1b"\\'))  # escape letter -> character
_HEX_ESCAPE_LENGTHS = {"x": 2, "u": 4, "U": 8}


class _ScanError(Exception):
    """The text is not what the scanner expects; stop scanning."""


def locate(text: str) -> dict[Path, Location]:
    """Map every key path of the TOML document *text* to its source location.

    Never raises (except for ``BaseException``s such as ``KeyboardInterrupt``): if the text
    cannot be scanned completely, the locations found up to that point are returned.
    """
    found: dict[Path, Location] = {}
    with suppress(Exception):
        _Scanner(text, found).scan_document()
    return found


def _unescape(raw: str) -> str:
    """Resolve the escape sequences of a (single-line) basic string's body."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] != "\\":
            out.append(raw[i])
            i += 1
            continue
        code = raw[i + 1 : i + 2]
        if code in _HEX_ESCAPE_LENGTHS:
            end = i + 2 + _HEX_ESCAPE_LENGTHS[code]
            out.append(chr(int(raw[i + 2 : end], 16)))
            i = end
        else:
            out.append(_SIMPLE_ESCAPES.get(code, code))
            i += 2
    return "".join(out)


class _Scanner:
    def __init__(self, text: str, found: dict[Path, Location]) -> None:
        self.text = text
        self.pos = 0
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
        self.found = found
        self.implicit: set[Path] = set()  # paths registered only as implied super-tables
        self.aot_counts: dict[Path, int] = {}  # array-of-tables path -> number of elements
        self.table: Path = ()  # table selected by the latest header

    # -- low-level helpers -------------------------------------------------------------------

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def at(self, literal: str) -> bool:
        return self.text.startswith(literal, self.pos)

    def expect(self, literal: str) -> None:
        if not self.at(literal):
            raise _ScanError(f"expected {literal!r} at index {self.pos}")
        self.pos += len(literal)

    def position(self) -> Position:
        line_index = bisect.bisect_right(self.line_starts, self.pos) - 1
        return Position(line_index + 1, self.pos - self.line_starts[line_index] + 1)

    def skip_whitespace(self) -> None:
        while self.peek() in _WHITESPACE:  # peek() is '' at the end, not in _WHITESPACE
            self.pos += 1

    def skip_comment(self) -> None:
        if self.peek() == "#":
            newline = self.text.find("\n", self.pos)
            self.pos = len(self.text) if newline < 0 else newline

    def skip_newline(self) -> bool:
        for newline in ("\n", "\r\n"):
            if self.at(newline):
                self.pos += len(newline)
                return True
        return False

    def skip_blank(self) -> None:
        """Skip whitespace, comments and newlines."""
        while True:
            self.skip_whitespace()
            self.skip_comment()
            if not self.skip_newline():
                return

    def end_of_line(self) -> None:
        self.skip_whitespace()
        self.skip_comment()
        if self.pos < len(self.text) and not self.skip_newline():
            raise _ScanError(f"unexpected text at index {self.pos}")

    # -- registering paths -------------------------------------------------------------------

    def define(self, path: Path, location: Location) -> None:
        """Register an explicitly written key or table (replaces an implied registration)."""
        if path not in self.found or path in self.implicit:
            self.found[path] = location
            self.implicit.discard(path)

    def imply(self, path: Path, location: Location) -> None:
        """Register a table that is only implied (by a dotted key or a header), if absent."""
        if path not in self.found:
            self.found[path] = location
            self.implicit.add(path)

    def resolve(self, base: Path, keys: list[str], location: Location) -> Path:
        """Extend *base* by *keys*, entering the last element of arrays of tables."""
        path = base
        for key in keys:
            path += (key,)
            count = self.aot_counts.get(path, 0)
            if count:
                path += (count - 1,)
            else:
                self.imply(path, location)
        return path

    # -- grammar -----------------------------------------------------------------------------

    def scan_document(self) -> None:
        while True:
            self.skip_blank()
            if self.pos >= len(self.text):
                return
            if self.peek() == "[":
                self.scan_header()
            else:
                self.scan_key_value(self.table)
            self.end_of_line()

    def scan_header(self) -> None:
        start = self.position()
        location = Location(start, start)
        is_array = self.at("[[")
        self.pos += 2 if is_array else 1
        self.skip_whitespace()
        keys, _ = self.scan_key()
        self.skip_whitespace()
        self.expect("]]" if is_array else "]")
        path = self.resolve((), keys[:-1], location) + (keys[-1],)
        if is_array:
            index = self.aot_counts.get(path, 0)
            self.aot_counts[path] = index + 1
            self.found.setdefault(path, location)
            path += (index,)
        self.define(path, location)
        self.table = path

    def scan_key_value(self, base: Path) -> None:
        keys, key_position = self.scan_key()
        self.skip_whitespace()
        self.expect("=")
        self.skip_whitespace()
        parent = self.resolve(base, keys[:-1], Location(key_position, key_position))
        self.scan_value(parent + (keys[-1],), key_position)

    def scan_key(self) -> tuple[list[str], Position]:
        start = self.position()
        keys = [self.scan_key_segment()]
        while True:
            self.skip_whitespace()
            if self.peek() != ".":
                return keys, start
            self.pos += 1
            self.skip_whitespace()
            keys.append(self.scan_key_segment())

    def scan_key_segment(self) -> str:
        if self.peek() == '"':
            return _unescape(self.scan_basic_string())
        if self.peek() == "'":
            return self.scan_literal_string()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in _BARE_KEY_CHARS:
            self.pos += 1
        if self.pos == start:
            raise _ScanError(f"expected a key at index {start}")
        return self.text[start : self.pos]

    def scan_value(self, path: Path, key_position: Position) -> None:
        self.define(path, Location(key_position, self.position()))
        first = self.peek()
        if first == "[":
            self.scan_array(path)
        elif first == "{":
            self.scan_inline_table(path)
        elif first in ('"', "'"):
            self.scan_string()
        else:
            self.scan_scalar()

    def scan_array(self, path: Path) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip_blank()
            if self.peek() == "]":
                self.pos += 1
                return
            self.scan_value(path + (index,), self.position())
            index += 1
            self.skip_blank()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "]":
                raise _ScanError(f"expected ',' or ']' at index {self.pos}")

    def scan_inline_table(self, path: Path) -> None:
        self.pos += 1
        while True:
            self.skip_blank()
            if self.peek() == "}":
                self.pos += 1
                return
            self.scan_key_value(path)
            self.skip_blank()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "}":
                raise _ScanError(f"expected ',' or '}}' at index {self.pos}")

    def scan_string(self) -> None:
        quote = self.peek()
        if self.at(quote * 3):
            self.scan_multiline_string(quote)
        elif quote == '"':
            self.scan_basic_string()
        else:
            self.scan_literal_string()

    def scan_basic_string(self) -> str:
        """Consume a one-line ``"..."`` string and return its raw (still escaped) body."""
        self.pos += 1
        start = self.pos
        while True:
            char = self.peek()
            if char in ("", "\n"):
                raise _ScanError(f"unterminated string starting at index {start - 1}")
            if char == '"':
                self.pos += 1
                return self.text[start : self.pos - 1]
            self.pos += 2 if char == "\\" else 1

    def scan_literal_string(self) -> str:
        """Consume a one-line ``'...'`` string and return its body."""
        start = self.pos + 1
        end = self.text.find("'", start)
        if end < 0 or "\n" in self.text[start:end]:
            raise _ScanError(f"unterminated string starting at index {self.pos}")
        self.pos = end + 1
        return self.text[start:end]

    def scan_multiline_string(self, quote: str) -> None:
        self.pos += 3
        while self.pos < len(self.text):
            if quote == '"' and self.peek() == "\\":
                self.pos += 2
            elif self.at(quote * 3):
                run = 3  # the body may end with up to two quotes right before the delimiter
                while run < 5 and self.peek(run) == quote:
                    run += 1
                self.pos += run
                return
            else:
                self.pos += 1
        raise _ScanError("unterminated multi-line string")

    def scan_scalar(self) -> None:
        """Consume a number, boolean or date/time (``1979-05-27 07:32:00Z`` included)."""
        start = self.pos
        self.skip_scalar_chars()
        if self.pos == start:
            raise _ScanError(f"expected a value at index {start}")
        if _DATE.match(self.text, start, self.pos) and _SPACE_THEN_TIME.match(self.text, self.pos):
            self.pos += 1
            self.skip_scalar_chars()

    def skip_scalar_chars(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] not in _SCALAR_END:
            self.pos += 1
