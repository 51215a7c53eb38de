"""The whole ``select`` step: a checked pool spec and a data set in, the selected spec text,
lines, curve and report out (for the command line and the Python API)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from .._version import __version__
from ..analysis.stats import spec_plan
from ..engine.cluster import ChunkProgress
from ..engine.limits import MAX_PAIRS, MAX_SELECTION_MEMORY, MAX_TRIPLETS
from ..engine.sfvalues import StructureLike
from ..errors import Diagnostic
from ..generate.pipeline import Checked
from ..generate.selected import selected_spec_text
from ..readers.formats import read_structures
from ..targets.formatting import NumberFormat
from .collect import Progress
from .fit_run import FitSettings
from .report import report, selected_lines, selection_table
from .run import SelectionRun, SizeRule, select

Data = Union[str, "os.PathLike[str]", Sequence[StructureLike]]


@dataclass(frozen=True)
class SelectionResult:
    """A selection: the selected spec (TOML text), its lines, the curve and the report."""

    spec_text: str
    lines: Dict[str, List[str]]  # central element -> the selected lines, in pick order
    curve: Dict[str, List[float]]  # central element -> unexplained variance after each pick
    report: Dict[str, Any]  # the JSON report (sfcompile-select/2)
    run: SelectionRun


def file_sha256(path: Union[str, os.PathLike[str]]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def structures_sha256(structures: Iterable[StructureLike]) -> str:
    """A digest of in-memory structures (elements, positions, cell), for the provenance."""
    digest = hashlib.sha256()
    for s in structures:
        digest.update(" ".join(s.elements).encode())
        digest.update(np.ascontiguousarray(s.positions, dtype=np.float64).tobytes())
        lattice = s.lattice
        digest.update(b"-" if lattice is None else np.asarray(lattice, np.float64).tobytes())
    return digest.hexdigest()


def data_source(
    data: Data, format: str, elements: Sequence[str]
) -> Tuple[Callable[[], Iterable[StructureLike]], str, Callable[[], str]]:
    """How to (re)read the data, its name, and how to get its sha256 (once it has been read:
    a file that cannot be read is reported, located, by the reader)."""
    if isinstance(data, (str, os.PathLike)):
        path = data

        def opened() -> Iterable[StructureLike]:
            return read_structures(path, format, known_elements=elements)

        return opened, os.path.basename(os.fspath(path)), lambda: file_sha256(path)
    structures = list(data)
    return (lambda: structures), "<structures>", lambda: structures_sha256(structures)


def run_select(
    checked: Checked,
    data: Data,
    rule: SizeRule,
    *,
    format: str = "input.data",
    method: str = "auto",
    cost_weighted: bool = False,
    max_atoms: Optional[int] = None,
    seed: int = 0,
    jobs: int = 1,
    progress: Optional[Progress] = None,
    max_memory: int = MAX_SELECTION_MEMORY,
    max_pairs: Optional[int] = MAX_PAIRS,
    max_triplets: Optional[int] = MAX_TRIPLETS,
    output_name: str = "",
    scheduler: Optional[str] = None,
    chunk_progress: Optional[ChunkProgress] = None,
    fit: Optional[FitSettings] = None,
    keep_unranked: bool = False,
) -> SelectionResult:
    """The selection, its spec text (``output_name``: the file it will be written to, named in
    the spec's comment), lines, curves and report."""
    plan = dataclasses.replace(spec_plan(checked), max_pairs=max_pairs, max_triplets=max_triplets)
    opened, data_name, digest = data_source(data, format, plan.elements)
    run = select(
        checked, plan, opened, rule, method=method, cost_weighted=cost_weighted,
        max_atoms=max_atoms, seed=seed, jobs=jobs, progress=progress, max_memory=max_memory,
        data_name=data_name, scheduler=scheduler, chunk_progress=chunk_progress, fit=fit,
        keep_unranked=keep_unranked,
    )  # fmt: skip
    source = checked.loaded.source
    table = selection_table(run, source.file_name, source.sha256, data_name, digest())
    chosen = [sf for choice in run.elements.values() for sf in choice.chosen]
    total = sum(len(c.pool) for c in run.elements.values())
    preamble = [
        f"Selected by sfcompile {__version__} (sfcompile select) from the pool spec "
        f"{source.file_name} on {data_name}:",
        f"{_method(run)}{', cost-weighted' if cost_weighted else ''}, {rule.describe()}; "
        f"{len(chosen)} of {total} SFs. It compiles to exactly these lines of the pool:",
        f"sfcompile diff {source.file_name} {output_name or 'THIS-FILE'} shows only removals.",
        "The [selection] table records how they were chosen.",
    ]
    text = selected_spec_text(checked.loaded, checked.generated, chosen, table, preamble)
    curves = {e: list(c.picks.unexplained) for e, c in run.elements.items()}
    return SelectionResult(text, selected_lines(run), curves, report(run, table), run)


def _method(run: SelectionRun) -> str:
    if run.fit is None:
        return run.method
    return f"fit to energies and forces (degree {run.fit.planned.degree})"


def _checked(pool: Union[str, os.PathLike[str], Checked]) -> Checked:
    """A checked spec from a path or TOML text; SpecError if it has errors."""
    from ..errors import SpecError
    from ..generate.pipeline import check, load

    if isinstance(pool, Checked):
        return pool
    checked = check(load(os.fspath(pool) if isinstance(pool, os.PathLike) else pool))
    if checked.errors:
        raise SpecError(checked.errors)
    return checked


def select_sfs(
    pool: Union[str, os.PathLike[str], Checked],
    data: Data,
    *,
    per_element: Optional[int] = None,
    count: Optional[Dict[str, int]] = None,
    fraction: Optional[float] = None,
    max_unexplained: Optional[float] = None,
    max_validation_rmse: Optional[float] = None,
    method: str = "auto",
    cost_weighted: bool = False,
    max_atoms: Optional[int] = None,
    seed: int = 0,
    jobs: int = 1,
    format: str = "input.data",
    scheduler: Optional[str] = None,
    fit: Optional[FitSettings] = None,
    keep_unranked: bool = False,
) -> SelectionResult:
    """Select a pool spec's SFs on data (``sfcompile select`` for notebooks).

    ``pool``: a spec file name, TOML text or a checked spec; ``data``: a data file name or a
    sequence of structures (anything with ``positions``, ``lattice``, ``elements``; and
    ``energy``, ``forces`` for the fit). Give one size rule. ``method``: ``auto`` (the fit to
    energies and forces where the data has them, else ``cur``), ``fit``, ``cur`` or ``fps``;
    ``fit``: the fit's settings; ``keep_unranked``: an element the data cannot rank (no atoms
    of it, or every SF constant on it) keeps all its pool SFs instead of refusing. Returns the
    selected spec text, per element the selected lines (pick order) and the unexplained
    fraction after each pick, and the JSON report; raises SpecError, DataError or
    SelectionError (all SfcompileError) for what the command line refuses.
    """
    rule = SizeRule(per_element, count, fraction, max_unexplained, max_validation_rmse)
    return run_select(
        _checked(pool), data, rule, format=format, method=method,
        cost_weighted=cost_weighted, max_atoms=max_atoms, seed=seed, jobs=jobs,
        scheduler=scheduler, fit=fit, keep_unranked=keep_unranked,
    )  # fmt: skip


@dataclass(frozen=True)
class StructureSelection:
    """Structures chosen by ``select_structures``."""

    indices: List[int]  # 0-based positions in the data, in pick order
    unexplained: List[float]  # after each pick
    report: Dict[str, Any]  # sfcompile-select-structures/1
    text: Optional[bytes]  # the chosen structures, unchanged, in file order (data files only)


def select_structures(
    spec: Union[str, os.PathLike[str], Checked],
    data: Data,
    n: int,
    *,
    method: str = "cur",
    jobs: int = 1,
    format: str = "input.data",
    scheduler: Optional[str] = None,
) -> StructureSelection:
    """``sfcompile select-structures`` for notebooks: ``n`` structures by CUR or FPS on their
    per-structure SF means (``text``: their lines, when ``data`` is a file)."""
    from .structures import copy_structures, structures_report
    from .structures import select_structures as choose

    checked = _checked(spec)
    plan = spec_plan(checked)
    opened, name, _ = data_source(data, format, plan.elements)
    choice = choose(
        checked, plan, opened(), n, method=method, jobs=jobs, data_name=name, scheduler=scheduler
    )
    text = None
    if isinstance(data, (str, os.PathLike)):
        text = copy_structures(os.fspath(data), format, choice.picks.indices)
    report_ = structures_report(choice, method, name, n)
    return StructureSelection(
        list(choice.picks.indices), list(choice.picks.unexplained), report_, text
    )


def score_spec(
    checked: Checked,
    data: Data,
    settings: Optional[FitSettings] = None,
    *,
    format: str = "input.data",
    seed: int = 0,
    jobs: int = 1,
    progress: Optional[Progress] = None,
    max_memory: int = MAX_SELECTION_MEMORY,
    max_pairs: Optional[int] = MAX_PAIRS,
    max_triplets: Optional[int] = MAX_TRIPLETS,
    scheduler: Optional[str] = None,
    chunk_progress: Optional[ChunkProgress] = None,
) -> Dict[str, Any]:
    """The score report (``sfcompile-score/1``) of a checked spec on data with forces."""
    from .fit_run import FitRefused, missing_message, survey, usable
    from .run import SelectionError
    from .score import score

    plan = dataclasses.replace(spec_plan(checked), max_pairs=max_pairs, max_triplets=max_triplets)
    opened, data_name, _ = data_source(data, format, plan.elements)
    found = survey(opened(), seed)
    if not usable(found):
        raise SelectionError([missing_message(found, data_name)])
    try:
        numbers = NumberFormat(checked.loaded.spec.output.precision)
        result = score(plan, opened, found, settings or FitSettings(), seed=seed, jobs=jobs,
                       max_memory=max_memory, progress=progress, scheduler=scheduler,
                       chunk_progress=chunk_progress, numbers=numbers)  # fmt: skip
    except FitRefused as exc:
        raise SelectionError([Diagnostic("error", str(exc), "<score>")]) from None
    return result.document(checked.loaded.source.file_name, data_name)


def score(
    spec: Union[str, os.PathLike[str], Checked],
    data: Data,
    *,
    degree: int = 3,
    validation: float = 0.1,
    energy_weight: float = 1.0,
    force_atoms: Optional[int] = None,
    seed: int = 0,
    jobs: int = 1,
    format: str = "input.data",
    scheduler: Optional[str] = None,
) -> Dict[str, Any]:
    """``sfcompile score`` for notebooks: the validation (and training) force and energy RMSE
    of select's model fitted with every SF of ``spec`` (a file name, TOML text or checked
    spec) on ``data`` (a file or structures with energies and forces), as the JSON report."""
    settings = FitSettings(degree, validation, energy_weight, force_atoms)
    return score_spec(_checked(spec), data, settings, format=format, seed=seed, jobs=jobs,
                      scheduler=scheduler)  # fmt: skip
