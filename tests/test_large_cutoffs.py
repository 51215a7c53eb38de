"""Every pair and triplet is evaluated exactly once, at any cutoff and in any batch.

Regression for issue 14: the split of triplet blocks into chunks dropped the trailing centres
whenever they averaged more than a chunk's worth of triplets (from r_c ≈ 9 Å on Cu2S, ≈ 7 Å
on fcc Cu), and angular SFs came out 0 on part of the atoms. The references here are an
independent brute-force evaluation (``tests/bruteforce.py``) at cutoffs where one centre has
many blocks' worth of triplets, and, where it is installed, DScribe's ACSF.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, List, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sfcompile.engine import batch as batch_module
from sfcompile.engine import neighbours, sfvalues
from sfcompile.engine.neighbours import (
    PairTable,
    chunks,
    triplet_blocks,
    triplet_rows,
)
from sfcompile.engine.sfvalues import EvaluationError, Geometry, compute
from sfcompile.generate.expand import SymmetryFunction as SF
from sfcompile.readers.structures import read_input_data

from . import bruteforce
from .conftest import DATA

# --- the chunking itself ----------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 50_000), min_size=0, max_size=60),
    st.integers(1, 20_000),
)
def test_chunks_cover_every_item_exactly_once(counts: List[int], size: int) -> None:
    runs = chunks(np.array(counts, dtype=np.int64), size)
    covered = [i for run in runs for i in range(run.start, run.stop)]
    assert covered == list(range(len(counts)))  # each once, in order, contiguous
    assert all(run.stop > run.start for run in runs)
    for run in runs:  # a run holds less than size plus its last item
        assert sum(counts[run]) < size + counts[run.stop - 1] or run.stop - run.start == 1


@pytest.mark.parametrize(
    ("counts", "size"),
    [([20000] * 5, 8192), ([8300] * 100, 8192), ([10**6], 8192), ([0, 0, 9000, 0], 8192)],
)
def test_chunks_of_the_issue_cover_every_centre(counts: List[int], size: int) -> None:
    runs = chunks(np.array(counts, dtype=np.int64), size)
    assert sum(run.stop - run.start for run in runs) == len(counts)


def _table(number: np.ndarray) -> PairTable:
    """A pair table with ``number[a, s]`` pairs of atom a with species s, laid out in order."""
    flat = number.ravel()
    first = (np.cumsum(flat) - flat).reshape(number.shape)
    m = int(flat.sum())
    nothing = np.zeros(m, dtype=np.int64)
    return PairTable(nothing, nothing, np.zeros((3, m)), np.zeros(m), first, number)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 40), min_size=2, max_size=2), min_size=1, max_size=12),
    st.integers(1, 300),
    st.sampled_from([(0, 0), (0, 1), (1, 1)]),
)
def test_triplet_blocks_give_every_triplet_once(
    number: List[List[int]], size: int, pair: Any
) -> None:
    table = _table(np.array(number, dtype=np.int64))
    centres = np.arange(len(number), dtype=np.int64)
    a, b = pair
    expected = set()
    for c in centres:
        js = range(table.first[c, a], table.first[c, a] + table.number[c, a])
        ks = range(table.first[c, b], table.first[c, b] + table.number[c, b])
        expected |= {(c, j, k) for j in js for k in ks if a != b or k > j}
    seen: List[Any] = []
    for block in triplet_blocks(triplet_rows(table, centres, a, b), size):
        assert block.second is not None
        owners = np.repeat(block.centres, block.counts)
        seen += zip(owners.tolist(), block.first.tolist(), block.second.tolist())
        assert len(block.first) < size + max(table.number.max(), 1)  # bounded memory
    assert len(seen) == len(set(seen)) and set(seen) == expected


# --- references at large cutoffs ---------------------------------------------------------


def angular_and_radial_sfs(elements: Sequence[str], rc: float) -> List[SF]:
    """Every SF type (2, 3, 9, 12, 13, 20-25) for every element, at cutoff ``rc``."""
    e1, e2 = elements
    sfs: List[SF] = []
    for c in elements:
        sfs += [
            SF(2, (c, e2), rc, eta=0.05, r_shift=2.5),
            SF(3, (c, e1, e2), rc, eta=0.01, r_shift=0.0, lambda_=1.0, zeta=2.0),
            SF(3, (c, e2, e2), rc, eta=0.02, r_shift=1.0, lambda_=-1.0, zeta=1.0),
            SF(9, (c, e1, e1), rc, eta=0.005, r_shift=0.0, lambda_=1.0, zeta=4.0),
            SF(9, (c, e2, e2), rc, eta=0.005, r_shift=0.0, lambda_=-1.0, zeta=1.0),
            SF(12, (c,), rc, eta=0.02, r_shift=3.0),
            SF(13, (c,), rc, eta=0.01, r_shift=0.5, lambda_=1.0, zeta=2.0),
            SF(20, (c, e1), rc, r_lower=2.0, subtype="p2"),
            SF(21, (c, e2, e2), rc, r_lower=-rc, theta_left=30.0, theta_right=150.0, subtype="p3"),
            SF(22, (c, e1, e2), rc, r_lower=1.0, theta_left=0.0, theta_right=120.0, subtype="p2a"),
            SF(23, (c,), rc, r_lower=-rc, subtype="e"),
            SF(24, (c,), rc, r_lower=-rc, theta_left=60.0, theta_right=180.0, subtype="p1"),
            SF(25, (c,), rc, r_lower=0.5, theta_left=-60.0, theta_right=60.0, subtype="p4"),
        ]
    return sfs


@functools.cache
def cu2s_structure() -> Geometry:
    s = next(iter(read_input_data(DATA / "datasets" / "cu2s-3.data")))
    return Geometry(np.asarray(s.positions), np.asarray(s.lattice), tuple(s.elements))


@functools.cache
def fcc_alloy() -> Geometry:
    """A dense metal: L1_2 Cu3Au (fcc, a = 3.75 Å), 2 x 2 x 2 cells (32 atoms), rattled."""
    a = 3.75
    basis = [("Au", (0, 0, 0)), ("Cu", (0, 0.5, 0.5)), ("Cu", (0.5, 0, 0.5)), ("Cu", (0.5, 0.5, 0))]
    positions, elements = [], []
    for cell in np.ndindex(2, 2, 2):
        for symbol, fraction in basis:
            positions.append((np.array(cell) + np.array(fraction)) * a)
            elements.append(symbol)
    noise = np.random.default_rng(14).normal(scale=0.05, size=(32, 3))
    return Geometry(np.array(positions) + noise, np.eye(3) * 2 * a, tuple(elements))


def compare_with_bruteforce(
    structure: Geometry, sfs: List[SF], kind: int, centres: Sequence[int], **options: Any
) -> None:
    ours = compute(structure, sfs, kind, 0.0, **options)
    positions, lattice = np.asarray(structure.positions), np.asarray(structure.lattice)
    reference = bruteforce.evaluate(positions, lattice, structure.elements, sfs, kind, 0.0, centres)
    row_of = {i: list(structure.elements)[:i].count(e) for i, e in enumerate(structure.elements)}
    for i, values in reference.items():
        computed = ours[structure.elements[i]][row_of[i]]
        np.testing.assert_allclose(computed, values, rtol=1e-9, atol=1e-12, err_msg=f"atom {i}")


@pytest.mark.parametrize("kind", [1, 6])
def test_fcc_metal_at_cutoff_10_matches_bruteforce(kind: int) -> None:
    structure = fcc_alloy()
    sfs = angular_and_radial_sfs(("Cu", "Au"), 10.0)
    counts = np.bincount(neighbours.neighbour_list(structure.positions, structure.lattice, 10.0).i)
    assert counts.min() > 150  # every atom sees hundreds of neighbours and periodic images
    compare_with_bruteforce(structure, sfs, kind, range(32))


def test_cu2s_at_cutoff_12_matches_bruteforce() -> None:
    structure = cu2s_structure()
    sfs = angular_and_radial_sfs(("S", "Cu"), 12.0)
    last = [i for i, e in enumerate(structure.elements) if e == "Cu"][-8:]  # the trailing ones
    compare_with_bruteforce(structure, sfs, 2, [0, 1, 50, 100, *last])


def test_values_do_not_depend_on_the_batch() -> None:
    """A structure's values are the same bits alone and in a batch with other structures
    (molecules searched by brute force, periodic cells by vesin or by brute force)."""
    alloy, cu2s = fcc_alloy(), cu2s_structure()
    molecule = Geometry(np.asarray(alloy.positions)[:7] * 0.6, None, alloy.elements[:7])
    tiny = Geometry(np.zeros((1, 3)), np.diag([2.6, 2.7, 2.8]), ("Cu",))
    sfs = angular_and_radial_sfs(("Cu", "Au"), 5.0)
    engine = sfvalues.Engine.of(sfs, 1)
    batch = engine.evaluate([molecule, alloy, tiny, cu2s, molecule])
    for s, structure in enumerate([molecule, alloy, tiny, cu2s, molecule]):
        alone = engine.evaluate([structure]).structure(0)
        together = batch.structure(s)
        for element, values in alone.values.items():
            assert values.tobytes() == together.values[element].tobytes(), (s, element)
        assert alone.neighbours.distances.tobytes() == together.neighbours.distances.tobytes()


def test_self_check_refuses_a_broken_pair_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a neighbour table that loses the last atom's last pair (as the trailing centres
    were lost in issue 14), the engine refuses rather than report."""
    join = batch_module._join

    def lossy(parts: Any, atoms: int) -> Any:
        pairs = join(parts, atoms)
        start = pairs.start.copy()
        start[-1] -= 1
        return pairs._replace(start=start)

    monkeypatch.setattr(batch_module, "_join", lossy)
    sfs = [SF(2, ("Cu", "Cu"), 12.0, eta=0.01, r_shift=0.0)]
    with pytest.raises(EvaluationError, match=r"summed \d+ pairs where the neighbour list has"):
        compute(cu2s_structure(), sfs, 2)


def test_stats_at_cutoff_12_see_every_atom() -> None:
    """The issue's symptom: at r_c = 12 the Cu-Cu-Cu narrow SF was 0 on most Cu atoms."""
    structure = cu2s_structure()
    sfs = [SF(3, ("Cu", "Cu", "Cu"), 12.0, eta=0.01, r_shift=0.0, lambda_=1.0, zeta=1.0)]
    values = compute(structure, sfs, 2)["Cu"][:, 0]
    assert np.count_nonzero(values) == 96
    reference = bruteforce.evaluate(
        np.asarray(structure.positions), np.asarray(structure.lattice), structure.elements,
        sfs, 2, 0.0, [i for i, e in enumerate(structure.elements) if e == "Cu"],
    )  # fmt: skip
    np.testing.assert_allclose(values, [v[0] for v in reference.values()], rtol=1e-9)


def test_dscribe_agrees_at_cutoff_12() -> None:
    """DScribe's ACSF (an independent C++ implementation): G2, G4 (n2p2 type 3) and G5 (type 9)
    with the cosine cutoff (n2p2 cutoff_type 1, alpha 0)."""
    dscribe = pytest.importorskip("dscribe.descriptors")
    ase = pytest.importorskip("ase")
    structure, rc = cu2s_structure(), 12.0
    atoms = ase.Atoms(
        symbols=list(structure.elements), positions=structure.positions,
        cell=structure.lattice, pbc=True,
    )  # fmt: skip
    acsf = dscribe.ACSF(
        species=["S", "Cu"], r_cut=rc, g2_params=[[0.05, 2.0]], g4_params=[[0.01, 2.0, 1.0]],
        g5_params=[[0.02, 4.0, -1.0]], periodic=True,
    )  # fmt: skip
    features = acsf.create(atoms)
    # DScribe's columns: per species by Z (S, Cu): G1, G2; per pair (S-S, S-Cu, Cu-Cu): G4, G5
    columns: Dict[str, int] = {"S": 1, "Cu": 3, "S-S": 4, "S-Cu": 6, "Cu-Cu": 8}
    sfs, wanted = [], []
    for c in ("S", "Cu"):
        for n in ("S", "Cu"):
            sfs.append(SF(2, (c, n), rc, eta=0.05, r_shift=2.0))
            wanted.append(columns[n])
        for pair in (("S", "S"), ("S", "Cu"), ("Cu", "Cu")):
            sfs.append(SF(3, (c, *pair), rc, eta=0.01, r_shift=0.0, lambda_=1.0, zeta=2.0))
            sfs.append(SF(9, (c, *pair), rc, eta=0.02, r_shift=0.0, lambda_=-1.0, zeta=4.0))
            wanted += [columns["-".join(pair)], columns["-".join(pair)] + 1]
    ours = compute(structure, sfs, 1)
    for element in ("S", "Cu"):
        atoms_of = [i for i, e in enumerate(structure.elements) if e == element]
        mine = wanted[: len(wanted) // 2] if element == "S" else wanted[len(wanted) // 2 :]
        np.testing.assert_allclose(ours[element], features[atoms_of][:, mine], rtol=1e-12)
