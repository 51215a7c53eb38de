"""Structures from any format ASE reads (optional extra ``ase``), as :class:`Structure`."""

from __future__ import annotations

import importlib
import os
from typing import Any, Collection, Iterator, Optional, Union

import numpy as np

from .structures import (
    DataError,
    FloatArray,
    Structure,
    element_problem,
    error,
    frozen,
    lattice_problem,
)


def read_with_ase(
    path: Union[str, os.PathLike[str]],
    format: Optional[str] = None,
    *,
    known_elements: Optional[Collection[str]] = None,
) -> Iterator[Structure]:
    """Yield the frames of any file ASE reads (``ase.io.iread``), as :class:`Structure` objects.

    Needs the optional extra: ``pip install "sfcompile[ase]"``.
    """
    name = os.fspath(path)
    try:
        ase_io = importlib.import_module("ase.io")
    except ImportError as exc:
        message = f'reading this file needs ASE ({exc}): pip install "sfcompile[ase]"'
        raise error(name, None, None, message) from exc
    for index, atoms in enumerate(_ase_frames(ase_io, name, format)):
        yield _from_atoms(atoms, index, name, known_elements)


def _ase_frames(ase_io: Any, name: str, format: Optional[str]) -> Iterator[Any]:
    index = 0
    try:
        for atoms in ase_io.iread(name, index=":", format=format):
            yield atoms
            index += 1
    except Exception as exc:  # ASE raises all kinds of exceptions on damaged files
        what = f"{type(exc).__name__}: {exc}"
        raise error(name, None, None, f"ASE cannot read frame {index} (0-based): {what}") from exc


def _from_atoms(atoms: Any, index: int, name: str, known: Optional[Collection[str]]) -> Structure:
    def fail(message: str) -> DataError:
        return error(name, None, None, f"frame {index} (0-based): {message}")

    elements = tuple(str(symbol) for symbol in atoms.get_chemical_symbols())
    if not elements:
        raise fail("no atoms")
    for symbol in dict.fromkeys(elements):
        problem = element_problem(symbol, known)
        if problem:
            raise fail(problem)
    pbc = tuple(bool(p) for p in atoms.pbc)
    lattice: Optional[FloatArray] = None
    if all(pbc):
        lattice = frozen(atoms.cell[:])
        problem = lattice_problem(lattice)
        if problem:
            raise fail(problem)
    elif any(pbc):
        raise fail(
            f"periodic in some directions only (pbc = {list(pbc)}); n2p2 knows fully periodic "
            "structures (3 lattice vectors) and non-periodic ones: set pbc to all True (with "
            "vacuum in the cell for a slab) or all False"
        )
    positions = frozen(atoms.get_positions())
    if not np.isfinite(positions).all():
        raise fail("positions must be finite numbers")
    results = getattr(atoms.calc, "results", None) or {}
    charges = frozen(atoms.get_initial_charges())
    forces = results.get("forces")
    if forces is None:
        forces = np.zeros_like(positions)
    return Structure(
        index=index,
        line=0,
        comment=str(atoms.info.get("comment", "")),
        lattice=lattice,
        positions=positions,
        elements=elements,
        charges=charges,
        forces=frozen(forces),
        energy=float(results.get("energy", 0.0)),
        charge=float(charges.sum()),
        source=name,
    )
