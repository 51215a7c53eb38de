"""Stage 1: read a spec file, parse its TOML and validate it into a :class:`~.models.Spec`.

Every problem becomes a :class:`~.errors.Diagnostic` located at ``FILE:LINE:COLUMN`` with the key
path as the user wrote it; all problems of a file are reported together in one
:class:`~.errors.SpecError`.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

from pydantic import ValidationError

from .. import _compat
from ..errors import Diagnostic, KeyPath, SpecError
from .models import Spec
from .toml_limits import MAX_NESTING, nesting_problem
from .toml_locations import Location, Position, locate

STDIN_NAME = "<stdin>"
TEXT_NAME = "<string>"


@dataclass(frozen=True)
class SpecSource:
    """The raw spec: where it came from, its bytes, and the name written into the output."""

    display_name: str  # as given on the command line; used in diagnostics
    file_name: str  # base name; written into the provenance header
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class LoadedSpec:
    source: SpecSource
    spec: Spec
    warnings: Tuple[Diagnostic, ...]
    positions: Dict[KeyPath, Location] = field(default_factory=dict)

    def diagnostic(
        self, severity: Any, path: KeyPath, message: str, *, at_key: bool = True
    ) -> Diagnostic:
        """A diagnostic located at ``path`` of this spec (e.g. ``("sets", 2)``: its table)."""
        return _locate(
            self.source.display_name, self.positions, severity, path, message, at_key=at_key
        )


def read_source(path: Union[str, Path]) -> SpecSource:
    """Read a spec file (``-`` is standard input) without interpreting it."""
    name = str(path)
    if name == "-":
        try:
            return SpecSource(STDIN_NAME, STDIN_NAME, sys.stdin.buffer.read())
        except (OSError, ValueError, AttributeError) as exc:  # closed, or no stdin at all
            raise _file_error(STDIN_NAME, f"cannot read standard input: {exc}") from None
    file = Path(path)
    try:
        content = file.read_bytes()
    except FileNotFoundError:
        raise _file_error(name, "no such file; check the path") from None
    except IsADirectoryError:
        raise _file_error(name, "is a directory; expected a TOML spec file") from None
    except PermissionError:
        raise _file_error(name, "cannot read the file: permission denied") from None
    except OSError as exc:
        raise _file_error(name, f"cannot read the file: {exc.strerror or exc}") from None
    except (ValueError, UnicodeError):  # a NUL byte, or a lone surrogate, in the path
        shown = name.encode("unicode_escape").decode("ascii")
        raise _file_error(shown, "is not a usable file name (NUL or unpaired surrogate)") from None
    return SpecSource(name, file.name, content)


def source_from_text(text: str, name: str = TEXT_NAME) -> SpecSource:
    """A spec given as text; SpecError if it cannot be encoded as UTF-8 (lone surrogates)."""
    try:
        return SpecSource(name, name, text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        line, column = line_column(text, exc.start)
        message = f"not valid Unicode text: an unpaired surrogate U+{ord(text[exc.start]):04X}"
        raise _file_error(name, message, line, column) from None


def load_spec(
    source: Union[str, Path, SpecSource], *, max_lines: Optional[int] = None
) -> LoadedSpec:
    """Read, parse and validate a spec; raise :class:`SpecError` with every problem found."""
    if not isinstance(source, SpecSource):
        source = read_source(source)
    text = _decode(source)
    document = _parse(text, source.display_name)
    if not document:  # nothing, or only comments
        raise _file_error(source.display_name, EMPTY_SPEC)
    positions = locate(text)
    context = {"max_lines": max_lines} if max_lines is not None else None
    try:
        spec = Spec.model_validate(document, context=context)
    except ValidationError as exc:
        diagnostics = [
            _locate(source.display_name, positions, "error", path, message, at_key=at_key)
            for path, message, at_key in _describe(exc, document)
        ]
        raise SpecError(_sorted(diagnostics)) from None
    warnings = [
        _locate(source.display_name, positions, "warning", path, message, at_key=True)
        for path, message in spec.warnings()
    ]
    return LoadedSpec(source, spec, tuple(_sorted(warnings)), positions)


def _describe(exc: ValidationError, document: Dict[str, Any]) -> List[Tuple[KeyPath, str, bool]]:
    from .messages import describe_validation_error  # only an invalid spec needs it

    return describe_validation_error(exc, document)


def _file_error(
    name: str, message: str, line: Optional[int] = None, column: Optional[int] = None
) -> SpecError:
    return SpecError([Diagnostic("error", message, name, line, column)])


def line_column(data: Union[bytes, str], offset: int) -> Tuple[int, int]:
    """1-based line and column (in characters) of ``offset`` in ``data``."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    line = data.count(newline, 0, offset) + 1  # type: ignore[arg-type]
    start = data.rfind(newline, 0, offset) + 1  # type: ignore[arg-type]
    prefix = data[start:offset]
    width = len(prefix.decode("utf-8", "replace")) if isinstance(prefix, bytes) else len(prefix)
    return line, width + 1


_BOM = b"\xef\xbb\xbf"


def _decode(source: SpecSource) -> str:
    name = source.display_name
    # a UTF-8 byte-order mark (some Windows editors write one) is not part of the text
    content = source.content[len(_BOM) :] if source.content.startswith(_BOM) else source.content
    nul = content.find(b"\x00")
    if nul >= 0:
        line, column = line_column(content, nul)
        raise _file_error(
            name, "this is a binary file (NUL byte), not a TOML spec; check the path", line, column
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = line_column(content, exc.start)
        raise _file_error(
            name,
            f"not valid UTF-8 (byte 0x{content[exc.start]:02x}); TOML files must be UTF-8: "
            "re-save the file with UTF-8 encoding",
            line,
            column,
        ) from None
    return text


EMPTY_SPEC = "the spec is empty; it needs at least 'elements', 'cutoff' and one [[sets]] table"


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _parse(text: str, name: str) -> Dict[str, Any]:
    deep = nesting_problem(text)
    if deep is not None:
        line, column = line_column(text, deep[0])
        message = (
            f"arrays and inline tables nested more than {MAX_NESTING} levels deep here; a spec "
            'needs 3 (e.g. include = [["H", "O"]] in a [[sets]] table): check the brackets'
        )
        raise _file_error(name, message, line, column)
    try:
        document: Dict[str, Any] = _compat.loads(text)
        return document
    except RecursionError:  # not reached within MAX_NESTING; kept so no parser error escapes
        raise _file_error(name, "the TOML is nested too deeply to be read") from None
    except _compat.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        place = (int(match.group(1)), int(match.group(2))) if match else None
        message = message[: match.start()] if match else message.split(" (at end of")[0]
        from .toml_errors import reword  # only a broken file needs it

        message, (line, column) = reword(message, text, place)
        raise _file_error(name, f"invalid TOML: {message}", line, column) from None
    except ValueError:  # after TOMLDecodeError (a subclass): an integer of > 4300 digits
        huge = re.search(r"[0-9_]{4300,}", text)
        message = "a number with thousands of digits: too large to read; check the value"
        if huge is None:
            raise _file_error(name, message) from None
        raise _file_error(name, message, *line_column(text, huge.start())) from None


def _locate(
    name: str,
    positions: Dict[KeyPath, Location],
    severity: Any,
    path: KeyPath,
    message: str,
    *,
    at_key: bool = False,
) -> Diagnostic:
    position = _nearest_position(positions, path, at_key)
    return Diagnostic(severity, message, name, position.line, position.column, path)


def _nearest_position(positions: Dict[KeyPath, Location], path: KeyPath, at_key: bool) -> Position:
    for depth in range(len(path), 0, -1):
        location = positions.get(path[:depth])
        if location is not None:
            return location.key if at_key or depth < len(path) else location.value
    return Position(1, 1)


def _sorted(diagnostics: List[Diagnostic]) -> List[Diagnostic]:
    return sorted(diagnostics, key=lambda d: (d.line, d.column))
