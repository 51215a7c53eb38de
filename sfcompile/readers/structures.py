"""Atomic structures from n2p2's ``input.data`` (RuNNer format), streamed in small batches.

:func:`read_input_data` streams: it reads a batch of at most :data:`BATCH_STRUCTURES` structures
or :data:`BATCH_ATOMS` atoms, converts all its numbers at once (:mod:`.numbers`: a data set of
one-atom structures is read 1.5x as fast as structure by structure) and yields its structures;
memory holds one batch. The structures before a damaged line are yielded before its error.
Damage is reported as a :class:`DataError` whose diagnostic
names file, line and column and says what was expected there. Gzip-compressed files are read
transparently; other formats go through ASE (:mod:`.ase_reader`, optional extra ``ase``).
"""

from __future__ import annotations

import difflib
import gzip
import math
import os
import re
import zlib
from dataclasses import dataclass
from typing import (
    IO,
    Any,
    Collection,
    Iterable,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    Union,
)

import numpy as np
import numpy.typing as npt

from ..errors import Diagnostic, SfcompileError
from ..spec.elements import ATOMIC_NUMBER
from .numbers import NUMBER, NUMBERS, atom_columns, bulk_values, frozen, lattice_problem

__all__ = ["DataError", "Structure", "frozen", "lattice_problem", "read_input_data"]

FloatArray = npt.NDArray[np.float64]
Source = Union[str, "os.PathLike[str]", Iterable[str], Iterable[bytes]]


class DataError(SfcompileError):
    """A data set (atomic structures) cannot be read."""

    exit_code = 2


@dataclass(frozen=True, eq=False)  # eq=False: numpy arrays have no single truth value
class Structure:
    """One structure: ``n`` atoms, positions and forces as ``(n, 3)`` float64 arrays."""

    index: int  # 0-based position in the file
    line: int  # 1-based line of its `begin` (0 when read through ASE)
    comment: str
    lattice: Optional[FloatArray]  # (3, 3), rows = lattice vectors; None: non-periodic
    positions: FloatArray
    elements: Tuple[str, ...]
    charges: FloatArray  # (n,) atomic charges
    forces: FloatArray
    energy: float
    charge: float
    source: str = ""  # the file it was read from, for messages
    has_forces: bool = True  # False: the file gives none (zeros above); input.data always does
    has_energy: bool = True

    @property
    def periodic(self) -> bool:
        return self.lattice is not None


# keyword -> names of the values that follow it (None: free text)
_FIELDS = {
    "begin": (),
    "comment": None,
    "lattice": ("x", "y", "z"),
    "atom": ("x", "y", "z", "element", "charge", "atomic_energy", "fx", "fy", "fz"),
    "energy": ("E",),
    "charge": ("Q",),
    "end": (),
}
_ATOM_NUMBERS = (1, 2, 3, 5, 6, 7, 8, 9)  # token columns of the atom line's numbers
#: A batch of structures converted at once closes at this many structures or atoms.
BATCH_STRUCTURES = 128
BATCH_ATOMS = 512
_TOKEN = re.compile(r"\S+")


class _Line(NamedTuple):
    number: int  # 1-based
    text: str
    parts: List[str]


def _usage(keyword: str) -> str:
    fields = _FIELDS[keyword]
    return f"`{keyword} <text>`" if fields is None else f"`{' '.join((keyword, *fields))}`"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _column(text: str, token: int) -> int:
    """1-based column of the ``token``-th token of a line (after its end if it has fewer)."""
    for i, match in enumerate(_TOKEN.finditer(text)):
        if i == token:
            return match.start() + 1
    return len(text.rstrip("\r\n")) + 1


def _suggest(word: str, candidates: Collection[str]) -> str:
    folded = {c.lower(): c for c in candidates}
    match = folded.get(word.lower())
    if match is None:
        close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
        match = close[0] if close else None
    return f"; did you mean {match!r}?" if match else ""


def error(source: str, line: Optional[int], column: Optional[int], message: str) -> DataError:
    return DataError([Diagnostic("error", message, source, line, column)])


def element_problem(symbol: str, known: Optional[Collection[str]]) -> Optional[str]:
    """Why ``symbol`` cannot be an atom's element, or None when it can."""
    if symbol not in ATOMIC_NUMBER:
        hint = _suggest(symbol, ATOMIC_NUMBER)
        return f"unknown element {symbol!r}: not a chemical symbol (H … No){hint}"
    if known is not None and symbol not in known:
        spec = ", ".join(sorted(known, key=lambda s: ATOMIC_NUMBER.get(s, 0)))
        return f"element {symbol!r} is not one of the spec's elements ({spec})"
    return None


class _Block:
    """The lines of one structure between `begin` and `end`, converted at `end`."""

    def __init__(self, reader: _Reader, index: int, begin: _Line) -> None:
        self.reader, self.index, self.begin = reader, index, begin
        self.comments: List[str] = []
        self.lattice: List[_Line] = []
        self.atoms: List[_Line] = []
        self.single: dict[str, _Line] = {}  # energy, charge
        self.elements: Tuple[str, ...] = ()  # set by check()

    @property
    def where(self) -> str:
        return f"the structure that begins at line {self.begin.number}"

    def add(self, keyword: str, line: _Line) -> None:
        error = self.reader.error
        if keyword == "comment":
            self.comments.append(line.text.strip()[len("comment") :].strip())
        elif keyword == "lattice":
            if len(self.lattice) == 3:
                raise error(line, 0, f"a 4th `lattice` line in {self.where}; expected 3")
            self.lattice.append(line)
        elif keyword in ("energy", "charge"):
            if keyword in self.single:
                first = self.single[keyword].number
                raise error(line, 0, f"a second `{keyword}` line (the first is at line {first})")
            self.single[keyword] = line
        else:
            raise error(line, 0, self.reader.unknown_keyword(keyword, self.where))

    def check(self, end: _Line) -> None:
        """The structure's lines are complete (numbers aside): a located error where not."""
        reader, error = self.reader, self.reader.error
        if self.lattice and len(self.lattice) != 3:
            lines = ", ".join(str(line.number) for line in self.lattice)
            found = f"{_count(len(self.lattice), '`lattice` line')} ({lines}) in {self.where}"
            raise error(self.lattice[0], 0, f"{found}; expected 3 (periodic) or none")
        if not self.atoms:
            raise error(end, 0, f"{self.where} has no `atom` lines")
        for keyword in ("energy", "charge"):
            if keyword not in self.single:
                raise error(end, 0, f"{self.where} has no {_usage(keyword)} line before `end`")
        self.elements = tuple(line.parts[4] for line in self.atoms)
        reader.check_elements(self.atoms, self.elements)

    def make(self, positions: FloatArray, charges: FloatArray, forces: FloatArray,
             lattice: Optional[FloatArray], single: Sequence[float]) -> Structure:  # fmt: skip
        return Structure(
            index=self.index,
            line=self.begin.number,
            comment="\n".join(self.comments),
            lattice=lattice,
            positions=positions,
            elements=self.elements,
            charges=charges,
            forces=forces,
            energy=float(single[0]),
            charge=float(single[1]),
            source=self.reader.source,
        )

    def tokens(self) -> List[str]:
        """The structure's numbers as written: atom lines, lattice, energy and charge."""
        tokens = [line.parts[c] for line in self.atoms for c in _ATOM_NUMBERS]
        tokens += [line.parts[c] for line in self.lattice for c in (1, 2, 3)]
        tokens += [self.single["energy"].parts[1], self.single["charge"].parts[1]]
        return tokens

    def cell(self, values: List[float]) -> Optional[FloatArray]:
        """The lattice from its nine numbers (checked), None without one."""
        if not self.lattice:
            return None
        problem = lattice_problem(values)
        if problem:
            lines = f"`lattice` lines {self.lattice[0].number}–{self.lattice[-1].number}"
            raise self.reader.error(self.lattice[0], 0, f"{problem} ({lines})")
        return frozen(np.array(values).reshape(3, 3))

    def _bad_number(self) -> DataError:
        reader = self.reader
        for lines, columns in ((self.atoms, _ATOM_NUMBERS), (self.lattice, (1, 2, 3)),
                               ([self.single["energy"], self.single["charge"]], (1,))):  # fmt: skip
            if not lines:
                continue
            try:
                reader.numbers(lines, columns)
            except DataError as exc:
                return exc
        raise AssertionError("no bad number found")  # pragma: no cover


class _Reader:
    def __init__(self, source: str, known_elements: Optional[Collection[str]]) -> None:
        self.source = source
        self.known = None if known_elements is None else frozenset(known_elements)
        self.count = -1  # index of the last structure begun
        self.lines_read = 0

    def error(self, line: _Line, token: int, message: str) -> DataError:
        return error(self.source, line.number, _column(line.text, token), message)

    def unknown_keyword(self, keyword: str, where: str) -> str:
        hint = _suggest(keyword, _FIELDS)
        return f"unknown keyword {keyword!r} in {where}; expected one of {', '.join(_FIELDS)}{hint}"

    def structures(self, lines: Iterable[str]) -> Iterator[Structure]:
        """The structures in file order, their numbers converted a batch at a time; the
        structures before a damaged line are yielded before its error is raised."""
        pending: List[_Block] = []
        atoms = 0
        try:
            for block in self.blocks(lines):
                pending.append(block)
                atoms += len(block.atoms)
                if len(pending) >= BATCH_STRUCTURES or atoms >= BATCH_ATOMS:
                    ready, pending, atoms = pending, [], 0
                    yield from self.convert(ready)
        except (DataError, OSError, EOFError, zlib.error):
            yield from self.convert(pending)
            raise
        yield from self.convert(pending)

    def convert(self, blocks: List[_Block]) -> Iterator[Structure]:
        """The structures of checked blocks, all their numbers converted at once; where one is
        bad, block by block (the lines re-scanned for the culprit), so that the structures
        before it come first and the error names the first bad number."""
        if not blocks:
            return
        tokens = [block.tokens() for block in blocks]
        values = bulk_values([token for some in tokens for token in some])
        if values is None:
            if len(blocks) == 1:
                raise blocks[0]._bad_number()
            for block in blocks:
                yield from self.convert([block])
            return
        counts = [len(block.atoms) for block in blocks]
        starts = [0] * len(blocks)
        for k in range(1, len(blocks)):
            starts[k] = starts[k - 1] + len(tokens[k - 1])
        positions, charges, forces = atom_columns(values, starts, counts)
        first = 0
        for block, start, some, n in zip(blocks, starts, tokens, counts):
            stop = start + len(some)
            lattice = block.cell(values[start + 8 * n : stop - 2])
            rows = slice(first, first + n)
            yield block.make(positions[rows], charges[rows], forces[rows], lattice,
                             values[stop - 2 : stop])  # fmt: skip
            first += n

    def blocks(self, lines: Iterable[str]) -> Iterator[_Block]:
        """Each structure's lines, checked for completeness, as its `end` is read."""
        block: Optional[_Block] = None
        line = _Line(0, "", [])
        for number, text in enumerate(lines, 1):
            self.lines_read = number
            parts = text.split()
            if not parts or parts[0].startswith("#"):
                continue
            line = _Line(number, text, parts)
            keyword = parts[0]
            if block is None:
                block = self.outside(line, keyword)
                continue
            if keyword == "begin":
                raise self.error(line, 0, f"`begin` before the `end` of {block.where}")
            expected = _FIELDS.get(keyword)
            if expected is not None and len(parts) != len(expected) + 1:
                raise self.token_count(line, keyword, expected)
            if keyword == "atom":
                block.atoms.append(line)
            elif keyword == "end":
                block.check(line)
                yield block
                block = None
            else:
                block.add(keyword, line)
        if block is not None:
            column = len(line.text.rstrip("\r\n")) + 1
            message = f"the file ends inside {block.where}: expected `end` (truncated file?)"
            raise error(self.source, line.number, column, message)
        if self.count < 0:
            raise error(self.source, None, None, "no structures (no `begin` line) in the data")

    def outside(self, line: _Line, keyword: str) -> _Block:
        if keyword == "begin":
            if len(line.parts) != 1:
                raise self.token_count(line, keyword, ())
            self.count += 1
            return _Block(self, self.count, line)
        if keyword == "end":
            raise self.error(line, 0, "`end` without a `begin`")
        expected = "expected `begin`, a blank line or a `#` comment"
        raise self.error(line, 0, f"{keyword!r} outside a structure: {expected}")

    def token_count(self, line: _Line, keyword: str, fields: Tuple[str, ...]) -> DataError:
        found = len(line.parts) - 1
        takes = _count(len(fields), "value")
        message = f"`{keyword}` takes {takes} ({_usage(keyword)}), found {found}"
        return self.error(line, min(found, len(fields)) + 1, message)

    def numbers(self, lines: List[_Line], columns: Tuple[int, ...]) -> FloatArray:
        """The numbers in ``columns`` of ``lines``: one bulk conversion, a re-scan on failure."""
        table = np.array([line.parts for line in lines])[:, columns]
        flat: List[str] = table.ravel().tolist()
        if NUMBERS.fullmatch(" ".join(flat)):
            values = np.array(flat, dtype=np.float64).reshape(table.shape)
            if np.isfinite(values).all():
                return values
        raise self.bad_number(lines, columns)

    def bad_number(self, lines: List[_Line], columns: Tuple[int, ...]) -> DataError:
        for line in lines:
            for column in columns:
                token = line.parts[column]
                field = _FIELDS[line.parts[0]] or ()
                name = f"{field[column - 1]} in {_usage(line.parts[0])}"
                try:
                    value: Optional[float] = float(token)
                except ValueError:
                    value = None
                if value is not None and not math.isfinite(value):
                    return self.error(line, column, f"{token!r} is not a finite number ({name})")
                if value is None or not NUMBER.fullmatch(token):
                    return self.error(line, column, f"expected a number ({name}), found {token!r}")
        raise AssertionError("bad_number called without a bad number")  # pragma: no cover

    def check_elements(self, lines: List[_Line], elements: Tuple[str, ...]) -> None:
        allowed = ATOMIC_NUMBER if self.known is None else self.known
        if all(symbol in allowed for symbol in set(elements)):
            return
        for line, symbol in zip(lines, elements):
            problem = element_problem(symbol, self.known)
            if problem:
                raise self.error(line, 4, problem)


def _open_text(path: Union[str, os.PathLike[str]]) -> IO[str]:
    with open(path, "rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    opener: Any = gzip.open if compressed else open
    stream: IO[str] = opener(path, "rt", encoding="utf-8-sig", errors="replace")
    return stream


def _decoded(lines: Iterable[Union[str, bytes]]) -> Iterator[str]:
    for line in lines:
        yield line.decode("utf-8", "replace") if isinstance(line, bytes) else line


def read_input_data(
    path_or_stream: Source,
    *,
    source: Optional[str] = None,
    known_elements: Optional[Collection[str]] = None,
) -> Iterator[Structure]:
    """Yield the structures of an n2p2 ``input.data`` file (plain or gzip) or of lines of text.

    ``source`` names the data in diagnostics (default: the path, or the stream's ``name``).
    ``known_elements``: when given, every atom's element must be one of them (the spec's).
    Raises :class:`DataError` at the first damaged line.
    """
    if isinstance(path_or_stream, (str, os.PathLike)):
        name = source or os.fspath(path_or_stream)
        try:
            stream = _open_text(path_or_stream)
        except OSError as exc:
            raise error(name, None, None, f"cannot open the data file: {exc.strerror}") from exc
        with stream:
            yield from _guarded(_Reader(name, known_elements), stream)
    else:
        name = source or str(getattr(path_or_stream, "name", "<stream>"))
        yield from _guarded(_Reader(name, known_elements), _decoded(path_or_stream))


def _guarded(reader: _Reader, lines: Iterable[str]) -> Iterator[Structure]:
    try:
        yield from reader.structures(lines)
    except (OSError, EOFError, zlib.error) as exc:  # a damaged gzip stream, a read error
        where = f"after line {reader.lines_read}" if reader.lines_read else "at its start"
        if reader.count >= 0:
            where += f" (in or after structure {reader.count}, 0-based)"
        message = f"cannot read the data file {where}: {exc}; the file is damaged or incomplete"
        line = reader.lines_read + 1 if reader.lines_read else None
        raise error(reader.source, line, 1 if line else None, message) from exc
