"""Symmetry-function values: agreement with n2p2's own values, invariances, building blocks.

The reference values (``tests/data/sfvalues/<case>/sfvalues.tsv``) were computed by n2p2 v2.3.0
itself for 22 cases: every SF type 2, 3, 9, 12, 13, 20-25, every cutoff function 0-8 with and
without alpha, periodic water (Bohr), periodic Cu2S (Å, triclinic, atoms outside the cell) and
non-periodic QM9 molecules. Requirement: for every atom and SF, relative deviation ≤ 1e-10, or
absolute deviation ≤ 1e-12 where the value is below 1e-3.
"""

from __future__ import annotations

import functools
import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import pytest

from sfcompile.engine.cutoff_functions import compact_function, cutoff_function, fma
from sfcompile.engine.neighbours import neighbour_list
from sfcompile.engine.sfvalues import Geometry, compute
from sfcompile.generate.expand import SymmetryFunction
from sfcompile.inputnn.reader import read_input_nn

try:  # the project's input.data reader, if present
    from sfcompile.readers.structures import read_input_data
except ImportError:  # pragma: no cover - a minimal reader of the same files
    read_input_data = None

DATA = Path(__file__).parent / "data"
CASES = sorted(p.name for p in (DATA / "sfvalues").iterdir() if (p / "sfvalues.tsv").exists())
RTOL, ATOL, SMALL = 1e-10, 1e-12, 1e-3  # the requirement (see the module docstring)


def _minimal_reader(path: Path) -> List[Geometry]:
    structures: List[Geometry] = []
    lattice: List[List[float]] = []
    positions: List[List[float]] = []
    elements: List[str] = []
    for line in path.read_text().splitlines():
        token = line.split()
        if token and token[0] == "begin":
            lattice, positions, elements = [], [], []
        elif token and token[0] == "lattice":
            lattice.append([float(x) for x in token[1:4]])
        elif token and token[0] == "atom":
            positions.append([float(x) for x in token[1:4]])
            elements.append(token[4])
        elif token and token[0] == "end":
            cell = np.array(lattice) if lattice else None
            structures.append(Geometry(np.array(positions), cell, elements))
    return structures


@functools.cache
def dataset(name: str) -> Tuple[Any, ...]:
    path = DATA / "datasets" / f"{name}.data"
    if read_input_data is not None:
        return tuple(read_input_data(path))
    return tuple(_minimal_reader(path))  # pragma: no cover


class Case(NamedTuple):
    sfs: List[SymmetryFunction]
    lines: List[int]  # input.nn line of each SF
    cutoff_type: int
    alpha: float
    structures: Tuple[Any, ...]


@functools.cache
def case(name: str) -> Case:
    folder = DATA / "sfvalues" / name
    meta = json.loads((folder / "case.json").read_text())
    nn = read_input_nn((folder / "input.nn").read_text(), "input.nn")
    assert not nn.errors and nn.cutoff_type is not None
    sfs, lines = [r.sf for r in nn.records], [r.line for r in nn.records]
    alpha = nn.cutoff_type.alpha or 0.0
    return Case(sfs, lines, nn.cutoff_type.number, alpha, dataset(meta["dataset"]))


def read_reference(name: str) -> Tuple[Dict[str, List[int]], List[Tuple[int, int, str, Any]]]:
    """``#LINES`` per element, and rows (structure, atom, element, values)."""
    lines: Dict[str, List[int]] = {}
    rows = []
    for text in (DATA / "sfvalues" / name / "sfvalues.tsv").read_text().splitlines():
        fields = text.split("\t")
        if fields[0] == "#LINES":
            lines[fields[1]] = [int(x) for x in fields[2:]]
        elif not text.startswith("#"):
            values = np.array(fields[3:], dtype=np.float64)
            rows.append((int(fields[0]), int(fields[1]), fields[2], values))
    return lines, rows


def deviations(name: str) -> Tuple[np.ndarray, np.ndarray, List[str]]:
    """Reference values, computed values and labels of every (atom, SF) of a case."""
    c = case(name)
    lines, rows = read_reference(name)
    for element, numbers in lines.items():  # value columns are in input.nn line order
        assert numbers == [n for n, sf in zip(c.lines, c.sfs) if sf.combination[0] == element]
    results = [compute(s, c.sfs, c.cutoff_type, c.alpha) for s in c.structures]
    reference, computed, labels = [], [], []
    for structure, atom, element, values in rows:
        symbols = list(c.structures[structure].elements)
        assert symbols[atom] == element
        row = symbols[:atom].count(element)
        reference.append(values)
        computed.append(results[structure][element][row])
        labels += [
            f"structure {structure} atom {atom} ({element}) line {n}" for n in lines[element]
        ]
    return np.concatenate(reference), np.concatenate(computed), labels


@pytest.mark.parametrize("name", CASES)
def test_agrees_with_n2p2(name: str) -> None:
    reference, computed, labels = deviations(name)
    deviation = np.abs(computed - reference)
    ok = (deviation <= RTOL * np.abs(reference)) | (
        (np.abs(reference) < SMALL) & (deviation <= ATOL)
    )
    misses = [
        f"{labels[k]}: n2p2 {reference[k]!r}, computed {computed[k]!r}"
        for k in np.flatnonzero(~ok)[:10]
    ]
    assert not misses, f"{int((~ok).sum())} of {ok.size} values miss, e.g.\n" + "\n".join(misses)


# --- invariances ----------------------------------------------------------------------------


def values(structure: Any, name: str) -> Dict[str, np.ndarray]:
    c = case(name)
    return compute(structure, c.sfs, c.cutoff_type, c.alpha)


def assert_same(a: Dict[str, np.ndarray], b: Dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for element in a:
        np.testing.assert_allclose(b[element], a[element], rtol=1e-9, atol=1e-12)


def rotation(seed: int) -> np.ndarray:
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))
    return np.asarray(q * np.sign(np.diag(r)))


SETS = [("h2o-4", 1, "h2o-4_alltypes_ct2"), ("cu2s-3", 0, "cu2s-3_sfparamgen_rc6")]
SET_IDS = [s[2] for s in SETS]


@pytest.mark.parametrize(("data", "index", "name"), SETS, ids=SET_IDS)
def test_rotation_and_translation(data: str, index: int, name: str) -> None:
    s = dataset(data)[index]
    turn, shift = rotation(7), np.array([3.1, -7.4, 0.35])
    moved = Geometry(s.positions @ turn.T + shift, s.lattice @ turn.T, s.elements)
    assert_same(values(s, name), values(moved, name))


@pytest.mark.parametrize(("data", "index", "name"), SETS, ids=SET_IDS)
def test_permutation_of_atoms(data: str, index: int, name: str) -> None:
    s = dataset(data)[index]
    order = np.random.default_rng(3).permutation(len(s.elements))
    shuffled = Geometry(s.positions[order], s.lattice, [s.elements[k] for k in order])
    before, after = values(s, name), values(shuffled, name)
    for element in before:
        old = [k for k in range(len(order)) if s.elements[k] == element]
        new = [old.index(k) for k in order if s.elements[k] == element]
        np.testing.assert_allclose(after[element], before[element][new], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("data", "index", "name"), SETS, ids=SET_IDS)
def test_supercell_gives_the_same_values(data: str, index: int, name: str) -> None:
    s = dataset(data)[index]
    lattice = np.array(s.lattice)
    double = Geometry(
        np.vstack([s.positions, s.positions + lattice[0]]),
        np.vstack([2 * lattice[0], lattice[1:]]),
        list(s.elements) * 2,
    )
    before, after = values(s, name), values(double, name)
    assert_same({e: np.vstack([v, v]) for e, v in before.items()}, after)


# --- building blocks ----------------------------------------------------------------------


def test_cutoff_functions_at_the_edges() -> None:
    r = np.array([0.0, 1.0, 1.9999, 2.0, 2.5, 3.0, 3.5])
    for cutoff_type in range(9):
        f = cutoff_function(r, 3.0, cutoff_type, alpha=2.0 / 3.0)
        assert f[-2] == 0.0 and f[-1] == 0.0  # 0 at and beyond r_c
        if cutoff_type in (1, 4, 5, 6, 7, 8):  # alpha used: 1 up to r_ci = 2
            assert list(f[:3]) == [1.0, 1.0, 1.0] and 0.0 < f[4] < 1.0 and f[3] == 1.0
    assert list(cutoff_function(r, 3.0, 0)) == [1.0] * 5 + [0.0, 0.0]
    x = 0.3
    assert cutoff_function([0.3], 1.0, 1)[0] == pytest.approx(0.5 * (math.cos(math.pi * x) + 1))
    assert cutoff_function([0.3], 1.0, 3)[0] == pytest.approx(
        math.tanh(0.7) ** 3 / math.tanh(1) ** 3
    )
    assert cutoff_function([0.3], 1.0, 4)[0] == pytest.approx(math.exp(1 - 1 / (1 - x * x)))
    assert cutoff_function([0.3], 1.0, 8)[0] == pytest.approx(
        (x * (x * ((315 - 70 * x) * x - 540) + 420) - 126) * x**5 + 1
    )
    with pytest.raises(ValueError, match="cutoff_type"):
        cutoff_function(r, 3.0, 9)
    with pytest.raises(ValueError, match="alpha"):
        cutoff_function(r, 3.0, 6, alpha=1.0)


def test_compact_functions() -> None:
    v = np.array([-1.0, 0.0, 1.0, 1.5, 2.0, 3.0, np.nan])
    symmetric = compact_function(v, 0.0, 3.0, "p2")
    assert symmetric[0] == symmetric[1] == symmetric[5] == symmetric[6] == 0.0
    assert symmetric[3] == 1.0 and symmetric[2] == symmetric[4]
    y = 1 / 3  # p2a: the core gets (2 - y)·y
    assert compact_function([2.0], 0.0, 3.0, "p2a")[0] == pytest.approx(
        compact_function([1.5 + 1.5 * (2 - y) * y], 0.0, 3.0, "p2")[0]
    )
    assert compact_function([2.0], 0.0, 3.0, "p2a", radial=False)[0] == symmetric[4]
    with pytest.raises(ValueError, match="subtype"):
        compact_function(v, 0.0, 3.0, "p5")


def test_fma_is_rounded_once() -> None:
    rng = np.random.default_rng(11)
    a, b, c = rng.normal(size=(3, 2000)) * [[3.0], [5.0], [20.0]]
    exact = [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)]
    assert list(fma(a, b, c)) == exact
    assert list(fma(-70.0, b, c)) == [float(-70 * Fraction(y) + Fraction(z)) for y, z in zip(b, c)]


def brute_force_pairs(positions: np.ndarray, lattice: Optional[np.ndarray], cutoff: float) -> Any:
    found = []
    images = [np.zeros(3)] if lattice is None else [
        np.array(n) @ lattice for n in np.ndindex(9, 9, 9) for n in [np.array(n) - 4]
    ]  # fmt: skip
    for i, ri in enumerate(positions):
        for j, rj in enumerate(positions):
            for shift in images:
                d = float(np.linalg.norm(rj + shift - ri))
                if 0 < d < cutoff:
                    found.append((i, j, round(d, 9)))
    return sorted(found)


@pytest.mark.parametrize("periodic", [True, False])
def test_neighbour_list_matches_brute_force(periodic: bool) -> None:
    rng = np.random.default_rng(5)
    lattice = np.array([[3.0, 0.0, 0.0], [2.6, 2.2, 0.0], [-0.8, 0.4, 3.1]])  # skewed, small
    positions = rng.random((4, 3)) @ lattice + [[-4.0, 1.0, 7.0]]  # outside the cell
    cell = lattice if periodic else None
    found = neighbour_list(positions, cell, 5.0)  # > every cell vector: many images
    ours = sorted(zip(found.i.tolist(), found.j.tolist(), np.round(found.distances, 9).tolist()))
    assert ours == brute_force_pairs(positions, cell, 5.0)
    assert np.allclose(np.linalg.norm(found.vectors, axis=1), found.distances)
    assert periodic == any(i == j for i, j, _ in ours)  # own periodic images are neighbours


def test_own_periodic_images_count_as_neighbours() -> None:
    """As in n2p2, an atom's images are neighbours; one atom in a 2.5 box, r_c 6."""
    cell = np.eye(3) * 2.5
    sf = SymmetryFunction(2, ("Cu", "Cu"), 6.0, eta=0.1, r_shift=0.0)
    value = compute(Geometry(np.zeros((1, 3)), cell, ["Cu"]), [sf], 0)["Cu"][0, 0]
    images = [np.linalg.norm(np.array(n) - 3) * 2.5 for n in np.ndindex(7, 7, 7)]
    assert value == pytest.approx(sum(math.exp(-0.1 * d * d) for d in images if 0 < d < 6))


def test_result_layout_and_errors() -> None:
    sfs: Sequence[SymmetryFunction] = [
        SymmetryFunction(2, ("O", "H"), 4.0, eta=0.5, r_shift=0.0),
        SymmetryFunction(12, ("H",), 4.0, eta=0.5, r_shift=0.0),
        SymmetryFunction(2, ("O", "O"), 4.0, eta=0.5, r_shift=0.0),
        SymmetryFunction(2, ("F", "H"), 4.0, eta=0.5, r_shift=0.0),  # no F atoms
    ]
    water = Geometry([[0, 0, 0], [0.96, 0, 0], [-0.24, 0.93, 0]], None, ["O", "H", "H"])
    result = compute(water, sfs, 6)
    assert list(result) == ["O", "H", "F"]
    assert (
        result["O"].shape == (1, 2) and result["H"].shape == (2, 1) and result["F"].shape == (0, 1)
    )
    assert result["O"][0, 1] == 0.0 and result["O"][0, 0] > 0.0
    d_hh = math.hypot(1.2, 0.93)  # weighted radial of the first H: Z_O = 8, Z_H = 1
    expected = sum(
        z * math.exp(-0.5 * d * d) * cutoff_function([d], 4.0, 6)[0]
        for z, d in ((8, 0.96), (1, d_hh))
    )
    assert result["H"][0, 0] == pytest.approx(expected, rel=1e-14)
    with pytest.raises(ValueError, match="unknown symmetry-function type"):
        compute(water, [SymmetryFunction(7, ("O", "H"), 4.0)], 6)
    with pytest.raises(ValueError, match="positions"):
        compute(Geometry(np.zeros((2, 3)), None, ["O"]), sfs, 6)
