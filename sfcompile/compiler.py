"""The pipeline in one call: spec → models → generated sets → text."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Optional, Union

from . import __version__
from .generate import generate
from .load import LoadedSpec, SpecSource, load_spec, source_from_text
from .render import Provenance, render_block


class SpecWarning(UserWarning):
    """A spec compiled, but something in it is dubious (the CLI prints these as warnings)."""


def render_loaded(loaded: LoadedSpec) -> str:
    """The symmetry-function block for an already validated spec."""
    function = loaded.spec.cutoff_function
    described = (
        f"{function.type} (n2p2 cutoff_type {function.number}), alpha = {function.alpha!r}"
        if function is not None
        else ""
    )
    provenance = Provenance(loaded.source.file_name, loaded.source.sha256, described)
    return render_block(generate(loaded.spec), loaded.spec.output, provenance, __version__)


def as_source(text_or_path: Union[str, Path, SpecSource]) -> Union[Path, SpecSource]:
    """A ``Path`` or a one-line string without ``=`` is a file name; any other string is TOML."""
    if isinstance(text_or_path, (Path, SpecSource)):
        return text_or_path
    if "\n" not in text_or_path and "=" not in text_or_path:
        return Path(text_or_path)
    return source_from_text(text_or_path)


def load(text_or_path: Union[str, Path], *, max_lines: Optional[int] = None) -> LoadedSpec:
    """Read and validate a spec (TOML text or a path); raises :class:`~.errors.SpecError`."""
    return load_spec(as_source(text_or_path), max_lines=max_lines)


def compile_spec(text_or_path: Union[str, Path], *, max_lines: Optional[int] = None) -> str:
    """Compile a spec (TOML text or a path) to the n2p2 ``symfunction_short`` block.

    The spec's warnings are issued as :class:`SpecWarning` (Python's ``warnings``).
    """
    loaded = load(text_or_path, max_lines=max_lines)
    for diagnostic in loaded.warnings:
        warnings.warn(diagnostic.format(), SpecWarning, stacklevel=2)
    return render_loaded(loaded)
