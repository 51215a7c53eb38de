"""Structures in chunks, and a function mapped over the chunks in file order, in this process,
in worker processes, or on a Dask cluster.

Chunks are fixed by the data alone (consecutive structures, at least :data:`CHUNK_ATOMS` atoms
each), and results come back in chunk order whatever the number of workers, so that anything
summed from them is the same for every ``jobs``. At most 2·jobs chunks are in flight: the data
stays streaming however large the file.

The function is called as ``task(context, chunk)``; ``context`` (the plan of the run) is sent to
each worker once. :func:`map_chunks` is the one place that knows how chunks reach workers; the
cluster backend is :mod:`.cluster` (imported only when a scheduler is given: it needs Dask).
"""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
from collections import deque
from typing import Any, Callable, Deque, Generator, Iterable, Iterator, List, Optional, TypeVar

from .cluster import ChunkCount, ChunkProgress, map_on_cluster  # Dask: imported when used
from .sfvalues import Geometry, StructureLike

CHUNK_ATOMS = 512  # a chunk closes once it holds at least this many atoms

C = TypeVar("C")
R = TypeVar("R")
Task = Callable[[C, List[Geometry]], R]


def geometry_of(structure: StructureLike) -> Geometry:
    """What the engine needs of a structure, where it comes from (a Structure knows), and its
    reference energy and forces where it has them."""
    if isinstance(structure, Geometry):  # already one (and its ``index`` is tuple.index)
        return structure
    energy = getattr(structure, "energy", None) if getattr(structure, "has_energy", True) else None
    forces = getattr(structure, "forces", None) if getattr(structure, "has_forces", True) else None
    return Geometry(
        structure.positions, structure.lattice, structure.elements,
        str(getattr(structure, "source", "")), int(getattr(structure, "line", 0)),
        int(getattr(structure, "index", -1)),
        None if energy is None else float(energy), forces,
    )  # fmt: skip


def chunks(
    structures: Iterable[StructureLike], size: int = CHUNK_ATOMS
) -> Iterator[List[Geometry]]:
    """Consecutive structures, at least ``size`` atoms per chunk (the last: the rest)."""
    chunk: List[Geometry] = []
    atoms = 0
    for structure in structures:
        chunk.append(geometry_of(structure))
        atoms += len(structure.elements)
        if atoms >= size:
            yield chunk
            chunk, atoms = [], 0
    if chunk:
        yield chunk


_WORKER: List[Any] = []  # (task, context) of this worker process


def _init_worker(task: Task[Any, Any], context: Any) -> None:
    _WORKER[:] = [task, context]


def _run(chunk: List[Geometry]) -> Any:
    task, context = _WORKER
    return task(context, chunk)


def map_chunks(
    task: Task[C, R],
    context: C,
    structures: Iterable[StructureLike],
    jobs: int = 1,
    scheduler: Optional[str] = None,
    progress: Optional[ChunkProgress] = None,
    chunk_atoms: int = CHUNK_ATOMS,
) -> Generator[R, None, None]:
    """``task(context, chunk)`` for every chunk of ``structures`` (``chunk_atoms``: the atoms
    at which a chunk closes), in chunk order; ``jobs`` > 1: in that many worker processes;
    ``scheduler`` (a Dask scheduler's address or scheduler file): on that cluster. ``task`` must
    be a module-level function (it travels by name); ``progress`` is told how many chunks are
    submitted and done. Closing the generator (or an exception in it) stops the chunks in
    flight."""
    parts = chunks(structures, chunk_atoms)
    if scheduler is not None:
        if jobs > 1:
            raise ValueError("jobs is the number of local processes: give jobs or scheduler")
        yield from map_on_cluster(task, context, parts, scheduler, progress)
    elif jobs <= 1:
        yield from _in_process(task, context, parts, progress)
    else:
        yield from _in_pool(task, context, parts, jobs, progress)


def _count(progress: Optional[ChunkProgress], done: int, submitted: int, complete: bool) -> None:
    if progress is not None:
        progress(ChunkCount(done, submitted, complete, None))


def _in_process(
    task: Task[C, R], context: C, parts: Iterable[List[Geometry]],
    progress: Optional[ChunkProgress],
) -> Iterator[R]:  # fmt: skip
    done = 0
    for chunk in parts:
        _count(progress, done, done + 1, False)
        result = task(context, chunk)
        done += 1
        _count(progress, done, done, False)
        yield result
    _count(progress, done, done, True)


def _in_pool(
    task: Task[C, R], context: C, parts: Iterable[List[Geometry]], jobs: int,
    progress: Optional[ChunkProgress],
) -> Iterator[R]:  # fmt: skip
    methods = multiprocessing.get_all_start_methods()
    start = multiprocessing.get_context("fork" if "fork" in methods else None)
    done = submitted = 0
    try:
        with futures.ProcessPoolExecutor(jobs, start, _init_worker, (task, context)) as pool:
            pending: Deque[futures.Future[R]] = deque()
            for chunk in parts:
                pending.append(pool.submit(_run, chunk))
                submitted += 1
                _count(progress, done, submitted, False)
                if len(pending) >= 2 * jobs:
                    result = pending.popleft().result()
                    done += 1
                    _count(progress, done, submitted, False)
                    yield result
            _count(progress, done, submitted, True)
            while pending:
                result = pending.popleft().result()
                done += 1
                _count(progress, done, submitted, True)
                yield result
    except futures.process.BrokenProcessPool:
        raise RuntimeError(
            "a worker process died (killed, or a crash in a compiled library); the results "
            "are incomplete, so nothing is reported; run with --jobs 1 to see where"
        ) from None
