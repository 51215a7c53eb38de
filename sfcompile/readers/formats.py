"""The one place that knows which reader takes which data format."""

from __future__ import annotations

import os
from typing import Collection, Iterator, Optional, Union

from .ase_reader import read_with_ase
from .structures import Structure, read_input_data


def read_structures(
    path: Union[str, os.PathLike[str]],
    format: str = "input.data",
    *,
    known_elements: Optional[Collection[str]] = None,
) -> Iterator[Structure]:
    """The structures of a data file: n2p2's ``input.data`` (plain or gzip), or any format
    ASE reads (``format`` an ASE format name, or ``"ase"`` to let ASE guess)."""
    if format == "input.data":
        return read_input_data(path, known_elements=known_elements)
    return read_with_ase(path, None if format == "ase" else format, known_elements=known_elements)
