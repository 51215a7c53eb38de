"""The pipeline: spec → models → generated sets → lint → text, for the CLI and the Python API."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

from .._version import __version__
from ..errors import Diagnostic, KeyPath, SpecError
from ..spec import n2p2_keywords
from ..spec.load import LoadedSpec, SpecSource, load_spec, source_from_text
from ..spec.models import IGNORES_ALPHA
from ..spec.selection import header_lines
from ..targets.n2p2 import Provenance, render_block, render_full
from .expand import GeneratedSet, generate
from .lint import lint


class SpecWarning(UserWarning):
    """A spec compiled, but something in it is dubious (the CLI prints these as warnings)."""


@dataclass(frozen=True)
class Checked:
    """A validated spec, its generated sets, and everything found wrong with them."""

    loaded: LoadedSpec
    generated: Sequence[GeneratedSet]
    diagnostics: Tuple[Diagnostic, ...]  # the spec's warnings and the lint's findings, by place

    @property
    def errors(self) -> List[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> List[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def check(loaded: LoadedSpec, *, run_lint: bool = True) -> Checked:
    """Generate the sets of a validated spec and lint them (``run_lint=False``: no lint)."""
    generated = generate(loaded.spec)
    findings = [f.diagnostic for f in lint(loaded, generated)] if run_lint else []
    diagnostics = sorted([*loaded.warnings, *findings], key=lambda d: (d.line or 0, d.column or 0))
    return Checked(loaded, generated, tuple(diagnostics))


def _provenance(loaded: LoadedSpec) -> Provenance:
    function = loaded.spec.cutoff_function
    described = (
        f"{function.type} (n2p2 cutoff_type {function.number}), alpha = {function.alpha!r}"
        if function is not None
        else ""
    )
    selection = loaded.spec.selection
    lines = tuple(header_lines(selection)) if selection is not None else ()
    return Provenance(loaded.source.file_name, loaded.source.sha256, described, lines)


def render_loaded(loaded: LoadedSpec, generated: Optional[Sequence[GeneratedSet]] = None) -> str:
    """The symmetry-function block for an already validated spec."""
    sets = generate(loaded.spec) if generated is None else generated
    return render_block(sets, loaded.spec.output, _provenance(loaded), __version__)


def _full_file_problems(loaded: LoadedSpec) -> List[Diagnostic]:
    spec = loaded.spec
    problems = []
    if spec.cutoff_function is None:
        problems.append(loaded.diagnostic(
            "error", (), "a complete input.nn needs n2p2's global cutoff function: add a "
            '[cutoff_function] table, e.g. type = "cos"',
        ))  # fmt: skip
    given = {**(spec.n2p2 or {}), **(spec.n2p2_unchecked or {})}
    missing = [k for k in n2p2_keywords.REQUIRED_FOR_FULL if k not in given]
    if missing:
        where: KeyPath = ("n2p2",) if spec.n2p2 is not None else ()
        problems.append(loaded.diagnostic(
            "error", where, "a complete input.nn needs " + ", ".join(missing)
            + " (n2p2's nnp-scaling and training read them); add them to [n2p2]",
        ))  # fmt: skip
    return problems


def render_full_loaded(
    loaded: LoadedSpec, generated: Optional[Sequence[GeneratedSet]] = None
) -> str:
    """A complete input.nn (``compile --full``); raises SpecError if the spec lacks what n2p2
    needs for one (the cutoff function, the network keywords)."""
    problems = _full_file_problems(loaded)
    if problems:
        raise SpecError(problems)
    spec = loaded.spec
    function = spec.cutoff_function
    assert function is not None
    cutoff_type = str(function.number)
    if function.type not in IGNORES_ALPHA:
        cutoff_type += f" {function.alpha!r}"
    keywords = n2p2_keywords.render_lines({**(spec.n2p2 or {}), **(spec.n2p2_unchecked or {})})
    sets = generate(spec) if generated is None else generated
    return render_full(
        sets, spec.output, _provenance(loaded), __version__,
        elements=spec.elements, cutoff_type=cutoff_type, keyword_lines=keywords,
    )  # fmt: skip


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


def compile_spec(
    text_or_path: Union[str, Path],
    *,
    max_lines: Optional[int] = None,
    strict: bool = False,
    run_lint: bool = True,
) -> str:
    """Compile a spec (TOML text or a path) to the n2p2 ``symfunction_short`` block.

    Like the command line: lint errors (duplicates, n2p2 defects) raise :class:`SpecError`,
    warnings are issued as :class:`SpecWarning`, or raise with ``strict=True``.
    ``run_lint=False`` skips the lint (to reproduce the earlier generator's files, which may
    contain duplicates).
    """
    checked = check(load(text_or_path, max_lines=max_lines), run_lint=run_lint)
    refused = checked.diagnostics if strict else tuple(checked.errors)
    if refused:
        raise SpecError(refused)
    for diagnostic in checked.warnings:
        warnings.warn(diagnostic.format(), SpecWarning, stacklevel=2)
    return render_loaded(checked.loaded, checked.generated)
