"""Structures in chunks, and a function mapped over the chunks in file order, in this process or
in worker processes.

Chunks are fixed by the data alone (consecutive structures, at least :data:`CHUNK_ATOMS` atoms
each), and results come back in chunk order whatever the number of workers, so that anything
summed from them is the same for every ``jobs``. At most 2·jobs chunks are in flight: the data
stays streaming however large the file.

The function is called as ``task(context, chunk)``; ``context`` (the plan of the run) is sent to
each worker once. :func:`map_chunks` is the one place that knows how chunks reach workers; a
distributed backend plugs in here.
"""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
from collections import deque
from typing import Any, Callable, Deque, Iterable, Iterator, List, TypeVar

from .sfvalues import Geometry, StructureLike

CHUNK_ATOMS = 512  # a chunk closes once it holds at least this many atoms

C = TypeVar("C")
R = TypeVar("R")
Task = Callable[[C, List[Geometry]], R]


def geometry_of(structure: StructureLike) -> Geometry:
    """What the engine needs of a structure, and where it comes from (a Structure knows)."""
    if isinstance(structure, Geometry):
        return structure
    return Geometry(
        structure.positions, structure.lattice, structure.elements,
        str(getattr(structure, "source", "")), int(getattr(structure, "line", 0)),
        int(getattr(structure, "index", -1)),
    )  # fmt: skip


def chunks(structures: Iterable[StructureLike]) -> Iterator[List[Geometry]]:
    """Consecutive structures, at least ``CHUNK_ATOMS`` atoms per chunk (the last: the rest)."""
    chunk: List[Geometry] = []
    atoms = 0
    for structure in structures:
        chunk.append(geometry_of(structure))
        atoms += len(structure.elements)
        if atoms >= CHUNK_ATOMS:
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
    task: Task[C, R], context: C, structures: Iterable[StructureLike], jobs: int = 1
) -> Iterator[R]:
    """``task(context, chunk)`` for every chunk of ``structures``, in chunk order; ``jobs`` > 1:
    in that many worker processes (``task`` must be a module-level function)."""
    if jobs <= 1:
        for chunk in chunks(structures):
            yield task(context, chunk)
        return
    methods = multiprocessing.get_all_start_methods()
    start = multiprocessing.get_context("fork" if "fork" in methods else None)
    try:
        with futures.ProcessPoolExecutor(jobs, start, _init_worker, (task, context)) as pool:
            pending: Deque[futures.Future[R]] = deque()
            for chunk in chunks(structures):
                pending.append(pool.submit(_run, chunk))
                if len(pending) >= 2 * jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    except futures.process.BrokenProcessPool:
        raise RuntimeError(
            "a worker process died (killed, or a crash in a compiled library); the results "
            "are incomplete, so nothing is reported; run with --jobs 1 to see where"
        ) from None
