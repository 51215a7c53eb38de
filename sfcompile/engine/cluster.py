"""Chunks on a Dask cluster: the distributed backend of :func:`.parallel.map_chunks`
(``--scheduler ADDRESS``, extra ``sfcompile[dask]``).

The client streams: it reads structures, submits each chunk as one task and keeps at most
:data:`WINDOW_PER_THREAD` chunks per worker thread in flight, so its memory stays flat however
large the file (structures are shipped, not byte ranges: the workers need not see the file).
Results are taken in submission order, which is chunk order, so the caller sums them in the
same order as with ``jobs=1`` whatever the cluster does: the sums are bit-identical.

The context goes to the cluster once, as a task of its own that the chunk tasks depend on; the
scheduler holds every task's input, so when a worker dies it recomputes what the worker held,
context included. Dask re-runs the tasks of a lost worker elsewhere (up to the scheduler's
``allowed-failures``, then KilledWorker). Exceptions raised by a task are not retried: a task
is a pure function of its chunk and would fail again; they reach the caller as raised
(sfcompile's errors pickle whole).

``dask.distributed`` is imported here only, when a run asks for a scheduler.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import time
import uuid
from collections import deque
from concurrent.futures import CancelledError
from typing import Any, Callable, Deque, Iterable, Iterator, List, NamedTuple, Optional, Tuple

from .._version import __version__
from ..errors import Diagnostic, SfcompileError
from .sfvalues import Geometry

CONNECT_TIMEOUT = 5  # seconds without an answer before a scheduler counts as unreachable
CLOSE_TIMEOUT = 5  # seconds for a goodbye to the scheduler (it may be gone already)
WINDOW_PER_THREAD = 2  # chunks in flight per worker thread: each has the next one queued
RESIZE_EVERY = 1.0  # seconds between looks at the number of workers (they come and go)
EXTRA = 'pip install "sfcompile[dask]"'
HOST_PORT = re.compile(r"[^\s/:]+:\d+")  # 'host:port' without a scheme: Dask assumes tcp


class ClusterError(SfcompileError):
    """The cluster cannot be used (Dask missing, scheduler unreachable) or lost the work."""


class ChunkCount(NamedTuple):
    """How far a run is, in chunks (reported whenever a chunk is submitted or taken back)."""

    done: int
    submitted: int
    complete: bool  # every chunk is submitted: ``submitted`` is the total
    workers: Optional[int]  # on a cluster, its workers when last looked at; None: local


ChunkProgress = Callable[[ChunkCount], None]


def error(where: str, message: str, line: Optional[int] = None, column: int = 1) -> ClusterError:
    return ClusterError([Diagnostic("error", message, where, line, column if line else None)])


# ---------------------------------------------------------------- the scheduler's address


def scheduler_address(given: str) -> str:
    """The address ``given`` names: itself, or the one in the scheduler file of that path."""
    if "://" in given or (HOST_PORT.fullmatch(given) and not os.path.exists(given)):
        return given
    try:
        with open(given, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        reason = "no such file" if isinstance(exc, FileNotFoundError) else exc.strerror
        raise error(given, f"neither a scheduler address nor a readable scheduler file "
                           f"({reason}): give the address the scheduler prints (tcp://HOST:PORT) "
                           f"or the file it writes (dask scheduler --scheduler-file FILE)"
                    ) from None  # fmt: skip
    try:
        address = json.loads(text)["address"]
    except json.JSONDecodeError as exc:
        raise error(given, f"not a scheduler file: {exc.msg}", exc.lineno, exc.colno) from None
    except (KeyError, TypeError):
        raise error(given, 'not a scheduler file: no "address" in it') from None
    if not isinstance(address, str):
        raise error(given, f'not a scheduler file: "address" is {address!r}, not a string')
    return address


def _check_form(given: str, address: str) -> None:
    """Refuse a malformed address before a Client sees it (a Client that fails to parse one
    leaves a traceback on standard error when it is collected)."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(address)
        get_backend(scheme)
        parse_host_port(location)
    except (ValueError, TypeError) as exc:
        raise error(given, f"not a scheduler address ({address}: {exc}): expected "
                           "tcp://HOST:PORT, as the scheduler prints it") from None  # fmt: skip


def _import_distributed(given: str) -> Any:
    try:
        import distributed
    except ImportError:
        raise error(given, "running on a Dask cluster needs dask.distributed, which is not "
                           f"installed here: {EXTRA}, or leave out --scheduler to run on this "
                           "machine") from None  # fmt: skip
    return distributed


def connect(given: str) -> Any:
    """A Dask client of the scheduler ``given`` names (an address or a scheduler file)."""
    distributed = _import_distributed(given)
    address = scheduler_address(given)
    _check_form(given, address)
    try:
        return distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        at = "" if address == given else f" at {address}"
        if "Timed out" in str(exc) or isinstance(exc, TimeoutError):
            reason = f"no Dask scheduler answered{at} within {CONNECT_TIMEOUT} s"
        else:
            reason = f"cannot connect to a Dask scheduler{at} ({exc})"
        raise error(given, f"{reason}: check the address, or start the scheduler (dask "
                           f"scheduler) and its workers (dask worker {address}); to run on "
                           "this machine, leave out --scheduler") from None  # fmt: skip


# ---------------------------------------------------------------- on the workers


@functools.lru_cache(maxsize=1)
def software() -> Tuple[Tuple[str, str], ...]:
    """What the values depend on besides the data: if a worker's differs from the client's,
    its results could differ in their last digits."""
    import numpy
    import vesin

    return (("sfcompile", __version__), ("numpy", numpy.__version__),
            ("vesin", str(vesin.__version__)))  # fmt: skip


class Envelope(NamedTuple):
    """The context of a run as it travels: with the client's software, checked on arrival."""

    software: Tuple[Tuple[str, str], ...]
    context: Any


def _hold(envelope: Envelope) -> Envelope:
    """The context task: its result stays in the workers' memory for the chunk tasks."""
    return envelope


def _run(task: Callable[[Any, List[Geometry]], Any], envelope: Envelope, chunk: Any) -> Any:
    """One chunk on a worker: ``task(context, chunk)``, if the worker runs the same software."""
    if envelope.software != software():
        import distributed

        def listed(versions: Tuple[Tuple[str, str], ...]) -> str:
            return ", ".join(f"{name} {version}" for name, version in versions)

        raise error(f"worker {distributed.get_worker().address}",
                    f"it runs {listed(software())}, the client {listed(envelope.software)}: "
                    "install the same versions on every worker (values could differ in their "
                    "last digits otherwise)")  # fmt: skip
    return task(envelope.context, chunk)


# ---------------------------------------------------------------- the run, on the client


def _located(chunk: List[Geometry]) -> Tuple[str, int, str]:
    """Where a chunk starts (file, line) and which structures it holds, for messages."""
    first, last = chunk[0], chunk[-1]
    which = f"structures {first.number}-{last.number}" if first.number >= 0 else "a chunk"
    return first.source or "<data>", first.line, which


class _Run:
    """The futures of one run, in chunk order, and the cluster's size when last looked at."""

    def __init__(self, client: Any, distributed: Any, given: str) -> None:
        self.client, self.distributed, self.given = client, distributed, given
        self.pending: Deque[Tuple[Any, Tuple[str, int, str]]] = deque()
        self.context: Any = None
        self.workers, self.looked, self.size = 0, -RESIZE_EVERY, WINDOW_PER_THREAD
        self.name = uuid.uuid4().hex[:12]

    def window(self) -> int:
        now = time.monotonic()
        if now - self.looked >= RESIZE_EVERY:
            threads = self.client.nthreads()
            self.workers, self.looked = len(threads), now
            self.size = WINDOW_PER_THREAD * max(1, sum(threads.values()))
        return self.size

    def submit(self, task: Callable[..., Any], number: int, chunk: List[Geometry]) -> None:
        key = f"sfcompile-{getattr(task, '__name__', 'task')}-{self.name}-{number}"
        future = self.client.submit(_run, task, self.context, chunk, key=key, pure=False)
        self.pending.append((future, _located(chunk)))

    def take(self) -> Any:
        """The result of the oldest chunk in flight (waiting for it if need be)."""
        future, (source, line, which) = self.pending.popleft()
        try:
            return future.result()
        except self.distributed.KilledWorker:
            raise error(source, f"{which}: every worker that ran this chunk died (out of "
                                "memory, or killed); nothing is reported: run it on this "
                                "machine (leave out --scheduler) to see why",
                        line or None) from None  # fmt: skip
        except (CancelledError, OSError) as exc:
            if future.status == "error":  # raised by the task itself: the caller's business
                raise
            reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
            raise error(self.given, f"the cluster dropped the run ({reason}): nothing is "
                                    "reported; run again once the scheduler is back, or leave "
                                    "out --scheduler to run on this machine") from None  # fmt: skip

    def stop(self) -> None:
        """Cancel what is still in flight and say goodbye; used while another exception may be
        on its way up, so a dead connection here must not replace it."""
        futures = [future for future, _ in self.pending]
        self.pending.clear()
        if self.context is not None:
            futures.append(self.context)
        if self.client.status == "running":  # a client that lost its scheduler would wait
            with contextlib.suppress(Exception):
                self.client.cancel(futures)
        with contextlib.suppress(Exception):
            self.client.close(timeout=CLOSE_TIMEOUT)


def map_on_cluster(
    task: Callable[[Any, List[Geometry]], Any],
    context: Any,
    chunks: Iterable[List[Geometry]],
    scheduler: str,
    progress: Optional[ChunkProgress] = None,
) -> Iterator[Any]:
    """``task(context, chunk)`` for every chunk on the cluster of ``scheduler``, in chunk order.

    On any exception (Ctrl-C included) and when the caller stops early, the chunks in flight
    are cancelled and the client is closed before the exception goes on."""
    distributed = _import_distributed(scheduler)
    run = _Run(connect(scheduler), distributed, scheduler)
    done = submitted = 0

    def report(complete: bool) -> None:
        if progress is not None:
            progress(ChunkCount(done, submitted, complete, run.workers))

    try:
        envelope = Envelope(software(), context)
        key = f"sfcompile-context-{run.name}"
        run.context = run.client.submit(_hold, envelope, key=key, pure=False)
        for chunk in chunks:
            run.submit(task, submitted, chunk)
            submitted += 1
            report(False)
            while len(run.pending) >= run.window():
                result = run.take()
                done += 1
                report(False)  # before the caller counts the chunk's structures
                yield result
        report(True)
        while run.pending:
            result = run.take()
            done += 1
            report(True)
            yield result
    finally:
        run.stop()
