"""A progress line on the terminal for the commands that read data sets."""

from __future__ import annotations

import time

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Optional, TextIO

    from ..engine.cluster import ChunkCount


class ProgressLine:
    """``structures, atoms, seconds`` on one line of a terminal, after ``DELAY`` seconds; on a
    cluster also the chunks done, of those submitted so far, and the workers."""

    DELAY = 0.5

    def __init__(self, stream: TextIO, command: str) -> None:
        self.stream, self.command = stream, command
        self.start = time.monotonic()
        self.shown = False
        self.structures = self.atoms = 0
        self.count: Optional[ChunkCount] = None

    def __call__(self, structures: int, atoms: int) -> None:
        self.structures, self.atoms = structures, atoms
        self._show()

    def chunks(self, count: ChunkCount) -> None:
        """Chunk counts, shown only for a cluster (the local path's line stays as it was)."""
        if count.workers is not None:
            self.count = count
            self._show()

    def _show(self) -> None:
        elapsed = time.monotonic() - self.start
        if elapsed < self.DELAY:
            return
        text = f"sfcompile {self.command}: {self.structures} structures, {self.atoms} atoms, "
        count, end = self.count, ""
        if count is not None:
            # while the file is read the total is unknown: say how many are out so far
            of = f"{count.submitted}" if count.complete else f"{count.submitted} submitted so far"
            workers = f"{count.workers} worker" + ("" if count.workers == 1 else "s")
            waiting = " (waiting for workers)" if count.workers == 0 else ""
            text += f"chunks {count.done} of {of}, {workers}{waiting}, "
            end = "\033[K"  # this line can shrink: erase what the last one left
        self.stream.write("\r" + text + f"{elapsed:.1f} s" + end)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def progress_for(stream: TextIO, command: str) -> Optional[ProgressLine]:
    """A progress line if ``stream`` is a terminal, else None (nothing in logs and pipes)."""
    return ProgressLine(stream, command) if stream.isatty() else None
