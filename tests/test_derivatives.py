"""SF derivatives: agreement with n2p2's own, finite differences, invariances.

The references (``tests/data/sfvalues/<case>/sfderiv.tsv.gz``) are n2p2 v2.3.0's derivatives on
the first structure of each of the 22 reference cases (every SF type, every cutoff function,
periodic water and Cu2S, QM9 molecules), summed per element: D[a, x, k] = Σ_{i of e} ∂G_ik/∂x_a.
Requirement: |ours − n2p2| ≤ 1e-8 · (the largest |D| of the column) + 1e-12 · (the largest |D| of
the case). The compact angular windows of the QM9 case meet their edges exactly (CH4's H–H–H
angles are 60°, the edge of a [60°, 180°] window), where two correct codes differ by 1e-9
relative; elsewhere the agreement is 1e-12 or better.
"""

from __future__ import annotations

import gzip
from typing import Dict, List, Sequence, Tuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sfcompile.engine.derivatives import atom_derivatives, derivatives
from sfcompile.engine.sfvalues import ChainRequest, Engine, Geometry, compute
from sfcompile.generate.expand import SymmetryFunction as SF

from .test_sfvalues import CASES, DATA, case

RTOL_COLUMN, RTOL_CASE = 1e-8, 1e-12


def read_reference(name: str) -> Tuple[Dict[str, List[int]], List[Tuple[int, int, np.ndarray]]]:
    """``#MAP`` per element (input.nn line of each column), and rows (atom, component, D)."""
    maps: Dict[str, List[int]] = {}
    rows = []
    with gzip.open(DATA / "sfvalues" / name / "sfderiv.tsv.gz", "rt") as handle:
        for text in handle:
            if text.startswith("#MAP"):
                fields = text.split()
                maps[fields[1]] = [int(x) for x in fields[2:]]
            elif not text.startswith("#"):
                fields = text.rstrip("\n").split("\t")
                rows.append((int(fields[0]), "xyz".index(fields[2]), np.array(fields[3:], float)))
    return maps, rows


@pytest.mark.parametrize("name", CASES)
def test_agrees_with_n2p2(name: str) -> None:
    c = case(name)
    maps, rows = read_reference(name)
    ours = derivatives(c.structures[0], c.sfs, c.cutoff_type, c.alpha)
    columns = []
    for element, lines in maps.items():
        mine = [line for line, sf in zip(c.lines, c.sfs) if sf.combination[0] == element]
        columns += [(element, mine.index(line), line) for line in lines]
    reference = np.array([values for _, _, values in rows])
    computed = np.array([[ours[e][atom, x, k] for e, k, _ in columns] for atom, x, _ in rows])
    column_scale = np.abs(reference).max(axis=0)
    bound = RTOL_COLUMN * column_scale + RTOL_CASE * np.abs(reference).max()
    misses = np.argwhere(np.abs(computed - reference) > bound)
    report = [
        f"atom {rows[r][0]} {'xyz'[rows[r][1]]}, line {columns[k][2]}: n2p2 "
        f"{reference[r, k]!r}, computed {computed[r, k]!r}"
        for r, k in misses[:10]
    ]
    assert not report, f"{len(misses)} of {reference.size} derivatives miss:\n" + "\n".join(report)


# --- properties on generated structures -------------------------------------------------------

SMOOTH_SFS = [
    SF(2, ("H", "O"), 4.0, eta=0.7, r_shift=1.1),
    SF(12, ("O",), 3.5, eta=0.3, r_shift=0.0),
    SF(3, ("O", "H", "H"), 4.0, eta=0.2, r_shift=0.3, lambda_=-1.0, zeta=2.0),
    SF(9, ("O", "H", "O"), 4.5, eta=0.1, r_shift=0.0, lambda_=1.0, zeta=1.5),
    SF(13, ("H",), 4.0, eta=0.05, r_shift=0.5, lambda_=1.0, zeta=4.0),
    SF(20, ("H", "O"), 4.0, r_lower=-4.0, subtype="p2"),
    SF(23, ("O",), 4.5, r_lower=0.5, subtype="p3a"),
    SF(21, ("O", "H", "H"), 4.0, r_lower=-4.0, theta_left=20.0, theta_right=160.0, subtype="p2"),
    SF(22, ("H", "O", "H"), 4.5, r_lower=0.2, theta_left=40.0, theta_right=160.0, subtype="p4a"),
    SF(24, ("H",), 4.0, r_lower=-4.0, theta_left=30.0, theta_right=150.0, subtype="e"),
    SF(25, ("O",), 4.5, r_lower=-4.5, theta_left=0.0, theta_right=120.0, subtype="p3"),
]


def structures(periodic: bool) -> st.SearchStrategy[Geometry]:
    """Small water-like clusters (or cells) with atoms at least 0.8 apart."""

    @st.composite
    def build(draw: st.DrawFn) -> Geometry:
        n = draw(st.integers(2, 7))
        seed = draw(st.integers(0, 2**32 - 1))
        rng = np.random.default_rng(seed)
        size = 3.2 if periodic else 2.6
        points: List[np.ndarray] = []
        while len(points) < n:
            p = rng.uniform(0.0, size, 3)
            if all(np.linalg.norm(p - q) > 0.8 for q in points):
                points.append(p)
        symbols = [("O", "H")[k % 2] for k in range(n)]
        cell = np.diag([size, size + 0.3, size + 0.6]) + 0.2 * np.triu(np.ones((3, 3)), 1)
        return Geometry(np.array(points), cell if periodic else None, symbols)

    return build()


def summed_values(structure: Geometry, sfs: Sequence[SF], kind: int) -> Dict[str, np.ndarray]:
    return {e: v.sum(axis=0) for e, v in compute(structure, sfs, kind, 0.1).items()}


@settings(max_examples=12, deadline=None)
@given(structures(periodic=False), st.sampled_from([1, 2, 6, 7]))
def test_finite_differences_molecules(structure: Geometry, kind: int) -> None:
    check_finite_differences(structure, kind)


@settings(max_examples=6, deadline=None)
@given(structures(periodic=True), st.sampled_from([1, 4, 8]))
def test_finite_differences_periodic(structure: Geometry, kind: int) -> None:
    """In a cell smaller than the cutoffs an atom sees its own images, which move with it."""
    check_finite_differences(structure, kind)


def check_finite_differences(structure: Geometry, kind: int) -> None:
    analytic = derivatives(structure, SMOOTH_SFS, kind, 0.1)
    positions = np.asarray(structure.positions)
    h = 1e-5
    for atom in range(len(positions)):
        for x in range(3):
            shifted = []
            for sign in (1.0, -1.0):
                moved = positions.copy()
                moved[atom, x] += sign * h
                shifted.append(summed_values(structure._replace(positions=moved), SMOOTH_SFS, kind))
            for element, d in analytic.items():
                numeric = (shifted[0][element] - shifted[1][element]) / (2 * h)
                scale = np.abs(d).max() + 1e-3
                np.testing.assert_allclose(d[atom, x], numeric, rtol=1e-5, atol=1e-6 * scale)


@settings(max_examples=10, deadline=None)
@given(st.booleans(), st.integers(0, 2**32 - 1))
def test_translation_invariance_and_rotation(periodic: bool, seed: int) -> None:
    """Σ_a D[a] = 0 (moving every atom changes nothing); rotating the structure rotates D."""
    structure = _random(periodic, seed)
    d = derivatives(structure, SMOOTH_SFS, 6, 0.1)
    for element, values in d.items():
        scale = np.abs(values).max() + 1e-300
        assert np.abs(values.sum(axis=0)).max() <= 1e-12 * scale * len(values), element
    rotation = _rotation(seed)
    turned = structure._replace(
        positions=np.asarray(structure.positions) @ rotation.T,
        lattice=None if structure.lattice is None else np.asarray(structure.lattice) @ rotation.T,
    )
    for element, values in derivatives(turned, SMOOTH_SFS, 6, 0.1).items():
        expected = np.einsum("xy,ayk->axk", rotation, d[element])
        np.testing.assert_allclose(values, expected, rtol=1e-9, atol=1e-11 * np.abs(expected).max())


def _random(periodic: bool, seed: int) -> Geometry:
    rng = np.random.default_rng(seed)
    points: List[np.ndarray] = []
    while len(points) < 6:
        p = rng.uniform(0.0, 3.0, 3)
        if all(np.linalg.norm(p - q) > 0.9 for q in points):
            points.append(p)
    cell = np.diag([3.1, 3.4, 3.7]) if periodic else None
    return Geometry(np.array(points), cell, ["O", "H", "H", "O", "H", "H"])


def _rotation(seed: int) -> np.ndarray:
    q, r = np.linalg.qr(np.random.default_rng(seed + 1).normal(size=(3, 3)))
    return q * np.sign(np.diag(r))


def test_atom_gradients_add_up_and_values_match() -> None:
    """The gradients of single atoms sum to D; values with derivatives are the same bits."""
    structure = _random(True, 5)
    total = derivatives(structure, SMOOTH_SFS, 2, 0.0)
    for element in total:
        atoms = [a for a, e in enumerate(structure.elements) if e == element]
        summed = sum(atom_derivatives(structure, SMOOTH_SFS, 2, a) for a in atoms)
        np.testing.assert_allclose(summed, total[element], rtol=1e-13, atol=1e-15)
    engine = Engine.of(SMOOTH_SFS, 2)
    plain = engine.evaluate([structure])
    request = ChainRequest(np.arange(6, dtype=np.int64), 6, powers=3)
    chained = engine.evaluate([structure], chain=request)
    for element, values in plain.values.items():
        assert values.tobytes() == chained.values[element].tobytes()


def test_chain_factors_are_the_powers_of_the_scaled_values() -> None:
    """Column p of SF k holds p·g^(p-1)·scale·dG/dr, g = (G - shift)·scale."""
    structure = _random(False, 9)
    engine = Engine.of(SMOOTH_SFS, 6, 0.1)
    plain = derivatives(structure, SMOOTH_SFS, 6, 0.1)
    shift = {e: np.full(len(v), 0.25) for e, v in engine.sfs.items()}
    scale = {e: np.full(len(v), 1.5) for e, v in engine.sfs.items()}
    request = ChainRequest(np.arange(6, dtype=np.int64), 6, 3, shift, scale)
    result = engine.evaluate([structure], chain=request)
    assert result.derivatives is not None
    start = 0
    for element, width in zip(engine.program.centres, engine.program.widths):
        block = result.derivatives[:, :, 3 * start : 3 * (start + width)].reshape(6, 3, width, 3)
        atoms = [a for a, e in enumerate(structure.elements) if e == element]
        for a in atoms:  # one centre at a time: the chain factor is that centre's
            g = (result.values[element][atoms.index(a)] - 0.25) * 1.5
            single = atom_derivatives(structure, SMOOTH_SFS, 6, a, 0.1)
            for p in range(3):
                block[:, :, :, p] -= (p + 1) * g**p * 1.5 * single
        np.testing.assert_allclose(block, 0.0, atol=1e-12 * np.abs(plain[element]).max())
        start += width


@pytest.mark.parametrize("periodic", [False, True])
def test_rows_of_some_atoms_are_those_of_all(periodic: bool) -> None:
    """Asking for the rows of a few atoms (the kernel then skips the gradients no row needs)
    gives those atoms' rows of the full derivative, in a batch of several structures."""
    structures = [_random(periodic, seed) for seed in (1, 2, 3)]
    engine = Engine.of(SMOOTH_SFS, 1, 0.0)
    every = np.arange(18, dtype=np.int64)
    full = engine.evaluate(structures, chain=ChainRequest(every, 18, 2))
    chosen = np.array([1, 6, 7, 14], dtype=np.int64)
    rows = np.full(18, -1, dtype=np.int64)
    rows[chosen] = np.arange(len(chosen))
    some = engine.evaluate(structures, chain=ChainRequest(rows, len(chosen), 2))
    assert full.derivatives is not None and some.derivatives is not None
    np.testing.assert_allclose(some.derivatives, full.derivatives[chosen], rtol=1e-12, atol=1e-14)
    for element, values in full.values.items():
        assert values.tobytes() == some.values[element].tobytes()
