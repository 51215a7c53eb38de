"""Structures from any format ASE reads (optional extra ``ase``), as :class:`Structure`.

(Extended) XYZ files are checked first, line by line and without ASE: every frame must start
with an atom count and have that many lines — ASE's reader spins for ever on a count far
beyond the file's end. The frames' first lines are kept, so that an error ASE raises later is
reported at its frame's line (and at the token it names, where it names one).
"""

from __future__ import annotations

import importlib
import math
import os
import re
from typing import Any, Callable, Collection, Dict, Iterator, List, Optional, Tuple, Union

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
    starts = xyz_frames(name) if _is_xyz(name, format) else None
    for index, atoms in enumerate(_ase_frames(ase_io, name, format, starts)):
        line = starts[index] if starts is not None and index < len(starts) else None
        yield _from_atoms(atoms, index, name, known_elements, line)


def _is_xyz(name: str, format: Optional[str]) -> bool:
    if format in ("xyz", "extxyz"):
        return True
    return format in (None, "ase") and name.lower().endswith((".xyz", ".extxyz"))


def xyz_frames(name: str) -> List[int]:
    """The first line of every frame of an (extended) XYZ file; DataError where a frame's atom
    count is missing or runs past the end of the file."""
    starts: List[int] = []
    declared = remaining = 0
    try:
        with open(name, encoding="utf-8", errors="replace") as stream:
            for number, text in enumerate(stream, 1):
                if remaining:  # the frame's comment line, then its atom lines
                    remaining -= 1
                    continue
                fields = text.split()
                if not fields:  # blank lines between frames and at the end
                    continue
                if not (fields[0].isascii() and fields[0].isdigit()):
                    message = (
                        f"expected the atom count of frame {len(starts)} (0-based), found "
                        f"{text.strip()[:40]!r}"
                    )
                    raise error(name, number, 1, message)
                starts.append(number)
                declared = int(fields[0])
                remaining = declared + 1
    except OSError as exc:
        raise error(name, None, None, f"cannot open the data file: {exc.strerror}") from exc
    if remaining:
        read = max(0, declared - remaining)  # atom lines there are
        message = (
            f"frame {len(starts) - 1} (0-based) says {declared} atoms, but the file ends after "
            f"{read} atom line(s): a truncated file, or a wrong count"
        )
        raise error(name, starts[-1], 1, message)
    return starts


def _ase_frames(
    ase_io: Any, name: str, format: Optional[str], starts: Optional[List[int]]
) -> Iterator[Any]:
    index = 0
    try:
        for atoms in ase_io.iread(name, index=":", format=format):
            yield atoms
            index += 1
    except Exception as exc:  # ASE raises all kinds of exceptions on damaged files
        what = f"{type(exc).__name__}: {exc}"
        line, column = _place(name, starts, index, str(exc))
        message = f"ASE cannot read frame {index} (0-based): {what}"
        raise error(name, line, column, message) from exc


def _place(
    name: str, starts: Optional[List[int]], index: int, message: str
) -> Tuple[Optional[int], Optional[int]]:
    """Where in an XYZ file ASE's error is: the token it quotes, within its frame, or the
    frame's first line; nowhere for other formats."""
    if starts is None or index >= len(starts):
        return None, None
    first = starts[index]
    last = starts[index + 1] if index + 1 < len(starts) else None
    quoted = re.search(r"'([^']+)'", message)
    if quoted:
        with open(name, encoding="utf-8", errors="replace") as stream:
            for number, text in enumerate(stream, 1):
                if number >= first and (last is None or number < last):
                    found = re.search(rf"(?<!\S){re.escape(quoted.group(1))}(?!\S)", text)
                    if found:
                        return number, found.start() + 1
                if last is not None and number >= last:
                    break
    return first, 1


def _from_atoms(
    atoms: Any, index: int, name: str, known: Optional[Collection[str]], line: Optional[int]
) -> Structure:
    def fail(message: str) -> DataError:
        return error(name, line, 1 if line else None, f"frame {index} (0-based): {message}")

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
    forces = _forces(results, atoms, len(elements), fail)
    energy = _energy(results, atoms, fail)
    return Structure(
        index=index,
        line=line or 0,
        comment=str(atoms.info.get("comment", "")),
        lattice=lattice,
        positions=positions,
        elements=elements,
        charges=charges,
        forces=frozen(np.zeros_like(positions) if forces is None else forces),
        energy=0.0 if energy is None else energy,
        charge=float(charges.sum()),
        source=name,
        has_forces=forces is not None,
        has_energy=energy is not None,
    )


def _forces(
    results: Dict[str, Any], atoms: Any, n: int, fail: Callable[[str], DataError]
) -> Optional[FloatArray]:
    """The reference forces of a frame (from its calculator or its ``forces`` array), or None."""
    found = results.get("forces")
    if found is None:
        found = atoms.arrays.get("forces")
    if found is None:
        return None
    try:
        forces = np.asarray(found, dtype=np.float64)
    except (TypeError, ValueError):
        raise fail("its forces are not numbers") from None
    if forces.shape != (n, 3):
        raise fail(f"its forces have shape {forces.shape}; expected ({n}, 3), one row per atom")
    if not np.isfinite(forces).all():
        atom = int(np.flatnonzero(~np.isfinite(forces).all(axis=1))[0])
        raise fail(f"the force on atom {atom} (0-based) is not a finite number")
    return forces


def _energy(
    results: Dict[str, Any], atoms: Any, fail: Callable[[str], DataError]
) -> Optional[float]:
    """The reference energy of a frame (calculator results, else ``info["energy"]``), or None."""
    found = results.get("energy", atoms.info.get("energy"))
    if found is None:
        return None
    try:
        energy = float(found)
    except (TypeError, ValueError):
        raise fail(f"its energy {found!r} is not a number") from None
    if not math.isfinite(energy):
        raise fail(f"its energy is {energy!r}; expected a finite number")
    return energy
