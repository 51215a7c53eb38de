"""Scratch arrays for the SF engine, kept from block to block and structure to structure.

The term matrices of a block of triplets are megabytes; allocated afresh for every block they
come from ``mmap`` and page-fault in every time (about a fifth of the run time of ``stats`` on
the Cu2S benchmark went to the kernel that way). A :class:`Workspace` hands out views of
buffers that persist: a buffer grows to the largest request made of it and is then reused.

One workspace per thread (:func:`thread_workspace`): worker processes have their own, and
threads (a Dask worker runs several) never share one.
"""

from __future__ import annotations

import threading
from typing import Dict, Hashable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class Workspace:
    """Named float64 scratch buffers. A name must not be used twice for arrays alive at once."""

    def __init__(self) -> None:
        self._buffers: Dict[Hashable, FloatArray] = {}

    def vector(self, name: Hashable, size: int) -> FloatArray:
        """A scratch array of ``size`` floats (contents undefined)."""
        buffer = self._buffers.get(name)
        if buffer is None or len(buffer) < size:
            grown = size if buffer is None else max(size, len(buffer) + len(buffer) // 4)
            buffer = np.empty(grown)
            self._buffers[name] = buffer
        return buffer[:size]

    def matrix(self, name: Hashable, rows: int, columns: int) -> FloatArray:
        """A scratch array (rows, columns), C-contiguous (contents undefined)."""
        return self.vector(name, rows * columns).reshape(rows, columns)

    @property
    def nbytes(self) -> int:
        return sum(buffer.nbytes for buffer in self._buffers.values())


_LOCAL = threading.local()


def thread_workspace() -> Workspace:
    """This thread's workspace (made on first use)."""
    workspace: Workspace | None = getattr(_LOCAL, "workspace", None)
    if workspace is None:
        workspace = Workspace()
        _LOCAL.workspace = workspace
    return workspace
