"""Python's cycle collector, paused while a reader builds many small objects.

Reading 10^5 input.nn lines makes millions of small, acyclic objects (tokens, records, tuples);
the collector then runs over all of them again and again, and half the time of a large import
went to it. Nothing read here forms reference cycles, so pausing it loses no memory.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Disable the cycle collector in the block (restoring its previous state afterwards)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
