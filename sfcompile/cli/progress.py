"""A progress line on the terminal for the commands that read data sets."""

from __future__ import annotations

import time

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Optional, TextIO


class ProgressLine:
    """``structures, atoms, seconds`` on one line of a terminal, after ``DELAY`` seconds."""

    DELAY = 0.5

    def __init__(self, stream: TextIO, command: str) -> None:
        self.stream, self.command = stream, command
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, structures: int, atoms: int) -> None:
        elapsed = time.monotonic() - self.start
        if elapsed >= self.DELAY:
            text = (
                f"sfcompile {self.command}: {structures} structures, {atoms} atoms, {elapsed:.1f} s"
            )
            self.stream.write("\r" + text)
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def progress_for(stream: TextIO, command: str) -> Optional[ProgressLine]:
    """A progress line if ``stream`` is a terminal, else None (nothing in logs and pipes)."""
    return ProgressLine(stream, command) if stream.isatty() else None
