"""Diagnostics: located messages about a spec, and the exception that carries them.

Every stage reports problems as :class:`Diagnostic` objects; only the CLI decides how they are
printed and which exit code they map to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional, Sequence, Tuple, Union

KeyPath = Tuple[Union[str, int], ...]
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    """One finding, located in a source file (``line``/``column`` are 1-based)."""

    severity: Severity
    message: str
    source: str
    line: Optional[int] = None  # None: the problem is the file itself, not a place in it
    column: Optional[int] = None
    path: KeyPath = ()

    def format(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}:{self.column}"
        subject = f"{format_path(self.path)}: " if self.path else ""
        return f"{where}: {self.severity}: {subject}{self.message}"


class SfcompileError(Exception):
    """Base class of every error sfcompile reports to a user."""

    exit_code = 2

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self) -> Tuple[type, Tuple[Tuple[Diagnostic, ...]]]:
        """Pickled with its diagnostics (errors raised in worker processes come back whole)."""
        return (type(self), (self.diagnostics,))


class SpecError(SfcompileError):
    """The spec cannot be read, parsed or validated."""


class OutputError(SfcompileError):
    """The result cannot be written."""


def _is_bare_key(key: str) -> bool:
    return bool(key) and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in key)


def format_path(path: KeyPath) -> str:
    """Render a key path the way it reads in TOML: ``sets[2].nb_param_pairs``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            segment = part if _is_bare_key(part) else '"' + part.replace('"', '\\"') + '"'
            text += f".{segment}" if text else segment
    return text
