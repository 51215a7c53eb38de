"""``sfcompile select-structures``: reference structures by CUR or FPS on per-structure SF
summaries (the second half of Imbalzano et al. 2018), copied unchanged, in file order.

A structure's summary is, per central element of the spec, the mean of its atoms' SF vectors
(the spec's SFs as n2p2 computes them), concatenated over the elements. Each column is
standardised over the structures that have the element; a structure without atoms of an
element gets that element's mean (0 after standardising), and columns constant over the
structures are dropped. The rows are then selected like the SF columns are (:mod:`.greedy`).

The chosen structures are written byte for byte as they are in the data file: for input.data
from each ``begin`` to its ``end`` line, for (extended) XYZ each frame's lines. Other formats
cannot be copied unchanged and are refused.
"""

from __future__ import annotations

import contextlib
import gzip
import os
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from ..analysis.report import DEAD_THRESHOLD
from ..analysis.stats import Plan
from ..engine.cluster import ChunkProgress
from ..engine.cutoff_functions import FloatArray
from ..engine.limits import MAX_SELECTION_MEMORY
from ..engine.parallel import map_chunks
from ..engine.sfvalues import StructureLike
from ..errors import Diagnostic
from ..generate.pipeline import Checked
from ..readers.ase_reader import xyz_frames
from ..readers.structures import error
from .collect import Job, Progress, chunk_part, numbered
from .greedy import METHODS, Picks, select_rows
from .outcome import SelectionError


@dataclass(frozen=True)
class StructureChoice:
    picks: Picks  # indices: structure numbers (0-based in the data), in pick order
    structures: int  # in the data
    features: int  # columns used (varying per-structure means)
    atoms: Dict[int, int]  # structure number -> atoms, for the chosen ones


def _summaries(
    job: Job, structures: Iterable[StructureLike], jobs: int, progress: Optional[Progress],
    max_memory: int, scheduler: Optional[str], chunk_progress: Optional[ChunkProgress],
) -> Tuple[List[Tuple[int, Dict[str, FloatArray]]], Dict[int, int]]:  # fmt: skip
    width = sum(len(sfs) for sfs in job.plan.sfs.values())
    rows: List[Tuple[int, Dict[str, FloatArray]]] = []
    done = atoms = 0
    sizes: Dict[int, int] = {}
    parts = map_chunks(
        chunk_part, job, _counted(structures, sizes), jobs, scheduler, chunk_progress
    )
    with contextlib.closing(parts):
        for part in parts:
            rows += part.summaries
            done += part.structures
            atoms += sum(part.seen.values())
            _check_memory(width, len(rows), max_memory)
            if progress is not None:
                progress(done, atoms)
    return rows, sizes


def _check_memory(width: int, structures: int, max_memory: int) -> None:
    need = 3 * 8 * width * structures  # the matrix, standardised and orthogonalised copies
    if need > max_memory:
        raise SelectionError([Diagnostic("error", (
            f"the structures x SFs matrix would exceed {max_memory / 2**20:,.0f} MiB "
            f"(already {need / 2**20:,.0f} MiB after {structures} structures, {width} SFs "
            "each): select from part of the data, use a spec with fewer SFs, or raise "
            "--max-memory"), "<select-structures>")])  # fmt: skip


def _counted(structures: Iterable[StructureLike], sizes: Dict[int, int]) -> Iterable[Any]:
    for geometry in numbered(structures):
        sizes[geometry.number] = len(geometry.elements)
        yield geometry


def summary_matrix(plan: Plan, rows: Sequence[Tuple[int, Dict[str, FloatArray]]]) -> FloatArray:
    """Structures × (per element, the mean SF vector), standardised; constant columns out."""
    blocks = []
    for element, sfs in plan.sfs.items():
        if not sfs:
            continue
        block = np.full((len(rows), len(sfs)), np.nan)
        for r, (_, means) in enumerate(rows):
            if element in means:
                block[r] = means[element]
        present = ~np.isnan(block[:, 0])
        if present.sum() < 2:
            continue
        values = block[present]
        low, high = values.min(axis=0), values.max(axis=0)
        keep = high - low > DEAD_THRESHOLD * np.maximum(1.0, np.maximum(abs(low), abs(high)))
        keep &= values.std(axis=0, ddof=1) > 0
        mean, sigma = values[:, keep].mean(axis=0), values[:, keep].std(axis=0, ddof=1)
        standard = (block[:, keep] - mean) / sigma
        blocks.append(np.where(np.isnan(standard), 0.0, standard))
    return np.concatenate(blocks, axis=1) if blocks else np.zeros((len(rows), 0))


def select_structures(
    checked: Checked,
    plan: Plan,
    structures: Iterable[StructureLike],
    count: int,
    *,
    method: str = "cur",
    jobs: int = 1,
    progress: Optional[Progress] = None,
    max_memory: int = MAX_SELECTION_MEMORY,
    data_name: str = "<data>",
    scheduler: Optional[str] = None,
    chunk_progress: Optional[ChunkProgress] = None,
) -> StructureChoice:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    rows, sizes = _summaries(
        Job(plan, summaries=True), structures, jobs, progress, max_memory, scheduler,
        chunk_progress,
    )  # fmt: skip
    if count > len(rows):
        raise SelectionError([Diagnostic("error", (
            f"-n {count}: {data_name} has only {len(rows)} structures; ask for at most "
            f"{len(rows)}"), data_name)])  # fmt: skip
    matrix = summary_matrix(plan, rows)
    if not matrix.shape[1]:
        raise SelectionError([Diagnostic("error", (
            f"the per-structure SF means do not vary over the {len(rows)} structures of "
            f"{data_name}: nothing to tell the structures apart by"), data_name)])  # fmt: skip
    picks = select_rows(matrix, method, count)
    numbers = [rows[k][0] for k in picks.indices]
    picks = picks._replace(indices=numbers)
    return StructureChoice(picks, len(rows), matrix.shape[1], {n: sizes[n] for n in numbers})


def _input_data_spans(lines: List[bytes]) -> List[Tuple[int, int]]:
    """(first, last + 1) line index of every structure: ``begin`` to ``end``, as the reader
    reads them (it has read the whole file already, so the file is well formed)."""
    spans, start = [], -1
    for k, line in enumerate(lines):
        words = line.split()
        if not words:
            continue
        if words[0] == b"begin":
            start = k
        elif words[0] == b"end" and start >= 0:
            spans.append((start, k + 1))
            start = -1
    return spans


def _xyz_spans(path: str, lines: List[bytes]) -> List[Tuple[int, int]]:
    spans = []
    for first in xyz_frames(path):
        atoms = int(lines[first - 1].split()[0])
        spans.append((first - 1, first + 1 + atoms))
    return spans


def copyable_as(path: str, format: str) -> str:
    """How structures of this file can be copied unchanged ("input.data" or "xyz"); DataError
    for any other format (so that it is refused before any work)."""
    if format == "input.data":
        return format
    if format in ("xyz", "extxyz") or (
        format == "ase" and path.lower().endswith((".xyz", ".extxyz"))
    ):
        return "xyz"
    raise error(path, None, None, (
        f"select-structures copies the chosen structures unchanged, which it can do for "
        f"input.data and (extended) XYZ files, not for format {format!r}; convert the data "
        "to one of them first"))  # fmt: skip


def copy_structures(path: str, format: str, numbers: Iterable[int]) -> bytes:
    """The text of the structures ``numbers`` (0-based) of a data file, unchanged, in file
    order; DataError for formats that cannot be copied unchanged."""
    wanted = sorted(set(numbers))
    xyz = copyable_as(path, format) == "xyz"
    with open(path, "rb") as stream:
        raw = stream.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    lines = raw.splitlines(keepends=True)
    spans = _xyz_spans(path, lines) if xyz else _input_data_spans(lines)
    chosen = [lines[a:b] for a, b in (spans[n] for n in wanted)]
    text = b"".join(line for block in chosen for line in block)
    return text if text.endswith(b"\n") or not text else text + b"\n"


def structures_report(
    choice: StructureChoice, method: str, data_name: str, count: int
) -> Dict[str, Any]:
    """The JSON report of select-structures (``sfcompile-select-structures/1``)."""
    picks = choice.picks
    return {
        "format": "sfcompile-select-structures/1",
        "method": method,
        "data": data_name,
        "structures": choice.structures,
        "requested": count,
        "features": choice.features,
        "exhausted": picks.exhausted,
        "picks": [
            {
                "rank": rank,
                "structure": n,
                "atoms": choice.atoms[n],
                "score": score,
                "unexplained": unexplained,
            }
            for rank, (n, score, unexplained) in enumerate(
                zip(picks.indices, picks.scores, picks.unexplained), start=1
            )
        ],
    }


def format_structures_text(document: Dict[str, Any]) -> str:
    lines = [
        f"sfcompile select-structures: {document['data']}: {len(document['picks'])} of "
        f"{document['structures']} structures by {document['method']} on "
        f"{document['features']} per-structure SF means",
        f"  {'rank':>4}  {'structure':>9}  {'atoms':>6}  {'score':>10}  {'unexplained':>11}",
    ]
    for pick in document["picks"]:
        score = "-" if pick["score"] is None else f"{pick['score']:.4g}"
        lines.append(
            f"  {pick['rank']:>4}  {pick['structure']:>9}  {pick['atoms']:>6}  {score:>10}  "
            f"{pick['unexplained']:>11.4g}"
        )
    if document["exhausted"]:
        lines.append(
            "  stopped early: the remaining structures add nothing the summaries tell apart"
        )
    lines.append("(structure: 0-based position in the data; written in file order)")
    return "\n".join(lines) + "\n"


def output_bytes(path: str, text: bytes) -> bytes:
    """gzip (reproducibly: no time stamp, no name) when the output name ends in .gz."""
    if os.fspath(path).endswith(".gz"):
        return gzip.compress(text, mtime=0)
    return text
