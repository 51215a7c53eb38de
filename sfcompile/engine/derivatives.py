"""Derivatives of the symmetry functions with respect to atomic positions, as n2p2 computes them.

They come from the same kernel and the same batches as the values (:mod:`.sfvalues`): per centre
the kernel builds the gradient of each of its SFs with respect to every neighbour (periodic
images included; an atom's own images move with it) and adds it, times a chain factor, into the
rows of the atoms. Two uses:

* :func:`derivatives`: per central element e, D[a, x, k] = Σ_{i of e} ∂G_ik/∂x_a, the quantity
  forces are built from (for E = Σ_i Σ_k w_k G_ik, F_a = -Σ_k w_k D[a, ·, k]); n2p2's
  ``calculateSymmetryFunctionGroups(structure, true)`` gives the same, summed per element.
* :func:`atom_derivatives`: the gradient of one atom's SFs, ∂G_ik/∂x_a for every atom a.

The model-fitting code of ``select`` asks the engine directly for chain-weighted sums
(:class:`.sfvalues.ChainRequest`).
"""

from __future__ import annotations

from typing import Dict, Sequence

import numpy as np

from ..generate.expand import SymmetryFunction
from .cutoff_functions import FloatArray
from .limits import MAX_PAIRS, MAX_TRIPLETS
from .sfvalues import ChainRequest, Engine, StructureLike


def derivatives(
    structure: StructureLike,
    sfs: Sequence[SymmetryFunction],
    cutoff_type: int,
    alpha: float = 0.0,
) -> Dict[str, FloatArray]:
    """Per central element of ``sfs`` (in order of first appearance): an array (atoms of the
    structure, 3, SFs of that element in the order given) whose [a, x, k] is the derivative of
    the sum of SF k over all atoms of the element with respect to coordinate x of atom a."""
    engine = Engine.of(sfs, cutoff_type, alpha)
    atoms = len(structure.elements)
    request = ChainRequest(np.arange(atoms, dtype=np.int64), atoms)
    result = engine.evaluate([structure], max_pairs=MAX_PAIRS, max_triplets=MAX_TRIPLETS,
                             chain=request)  # fmt: skip
    return _split(engine, result.derivatives)


def atom_derivatives(
    structure: StructureLike,
    sfs: Sequence[SymmetryFunction],
    cutoff_type: int,
    atom: int,
    alpha: float = 0.0,
) -> FloatArray:
    """The gradient of the SFs of atom ``atom`` (those of its element, in the order given):
    an array (atoms of the structure, 3, SFs) whose [a, x, k] is ∂G_k/∂x_a; zero rows for the
    atoms beyond its cutoffs."""
    engine = Engine.of(sfs, cutoff_type, alpha)
    symbols = list(structure.elements)
    if not 0 <= atom < len(symbols):
        raise IndexError(f"atom {atom} of a structure of {len(symbols)} atoms")
    element = symbols[atom]
    if element not in engine.sfs:
        return np.zeros((len(symbols), 3, 0))
    request = ChainRequest(np.arange(len(symbols), dtype=np.int64), len(symbols))
    centres = [{e: np.zeros(0, dtype=np.int64) for e in engine.sfs}]
    centres[0][element] = np.array([atom], dtype=np.int64)
    result = engine.evaluate([structure], max_pairs=MAX_PAIRS, max_triplets=MAX_TRIPLETS,
                             centres=centres, chain=request)  # fmt: skip
    return _split(engine, result.derivatives)[element]


def _split(engine: Engine, rows: object) -> Dict[str, FloatArray]:
    """The columns of each central element."""
    assert isinstance(rows, np.ndarray)
    out: Dict[str, FloatArray] = {}
    start = 0
    for element, width in zip(engine.program.centres, engine.program.widths):
        out[element] = rows[:, :, start : start + width]
        start += width
    return out
