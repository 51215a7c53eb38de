"""The neighbour and triplet counts of the cost model, measured on data
(``sfcompile.analysis.environment``): against a brute-force count over periodic images, and the
mean neighbour count against n2p2's own (``neighbors.out`` of ``nnp-scaling``)."""

from __future__ import annotations

import itertools
import json
from typing import Dict, List, Tuple

import numpy as np
import pytest

from sfcompile.analysis.environment import measure_environment
from sfcompile.generate.cost import CountKey
from sfcompile.readers.structures import DataError, Structure, read_input_data

from .conftest import DATA

H2O = DATA / "datasets" / "h2o-4.data"
QM9 = DATA / "datasets" / "qm9-10.data"
COST = DATA / "cost"


def brute_force(structures: List[Structure], elements: Tuple[str, ...], cutoff: float
                ) -> Dict[CountKey, float]:  # fmt: skip
    """Every count by enumeration: all atoms of the 3x3x3 block of cells (the cutoff is less
    than half of every cell edge), every pair of neighbours tested."""
    sums: Dict[CountKey, float] = {}
    atoms = {e: 0 for e in elements}
    for s in structures:
        shifts = [(0, 0, 0)] if s.lattice is None else list(itertools.product((-1, 0, 1), repeat=3))
        box = np.zeros((3, 3)) if s.lattice is None else s.lattice
        kinds = list(s.elements) * len(shifts)
        images = np.concatenate([s.positions + np.dot(shift, box) for shift in shifts])
        for i, centre in enumerate(s.elements):
            atoms[centre] += 1
            vectors = images - s.positions[i]
            distance = np.sqrt((vectors**2).sum(axis=1))
            inside = np.flatnonzero((distance > 0) & (distance < cutoff))
            near = [(kinds[k], vectors[k]) for k in inside]

            def add(kind: str, pair: Tuple[str, ...], n: float = 1.0, centre: str = centre
                    ) -> None:  # fmt: skip
                key = (centre, cutoff, kind, pair)
                sums[key] = sums.get(key, 0.0) + n

            for e in elements:
                add("pair", (e,), 0.0)
                for f in elements:
                    add("wide", tuple(sorted((e, f))), 0.0)
                    add("narrow", tuple(sorted((e, f))), 0.0)
            for e, _ in near:
                add("pair", ())
                add("pair", (e,))
            for (e, a), (f, b) in itertools.combinations(near, 2):
                pair = tuple(sorted((e, f)))
                for kind in ("wide", "narrow") if np.linalg.norm(a - b) < cutoff else ("wide",):
                    add(kind, ())
                    add(kind, pair)
    return {k: v / atoms[k[0]] for k, v in sums.items()}


@pytest.mark.parametrize(("path", "count", "cutoffs"),
                         [(H2O, 1, (2.5, 5.5)), (QM9, 3, (1.0, 2.0, 4.0))],
                         ids=["water", "qm9"])  # fmt: skip
def test_counts_equal_a_brute_force_count(path: object, count: int, cutoffs: Tuple[float, ...]
                                          ) -> None:  # fmt: skip
    """At radii where some atoms or all have no neighbours too (QM9 at 1 Å)."""
    structures = list(read_input_data(path))[:count]  # type: ignore[arg-type]
    elements = tuple(sorted({e for s in structures for e in s.elements}))
    found = measure_environment(structures, elements, cutoffs, sample=10**6)  # every atom
    for cutoff in cutoffs:
        expected = brute_force(structures, elements, cutoff)
        for key, value in expected.items():
            assert found.counts[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
    assert len(found.counts) == len(cutoffs) * len(elements) * (1 + len(elements) + 2 * (
        1 + len(elements) * (len(elements) + 1) // 2))  # fmt: skip


def test_a_sample_estimates_the_narrow_pairs() -> None:
    structures = list(read_input_data(H2O))
    exact = measure_environment(structures, ("H", "O"), [12.0], sample=10**6)
    sampled = measure_environment(structures, ("H", "O"), [12.0], sample=40)
    for key, value in exact.counts.items():
        if key[2] == "narrow":
            assert sampled.counts[key] == pytest.approx(value, rel=0.1), key
        else:  # pairs and wide pairs are always exact
            assert sampled.counts[key] == value, key


def test_mean_neighbours_equal_n2p2s() -> None:
    """cuau-600 at 6 Å: the stored counts (measured by this module on
    bench/data/cuau-600) against n2p2's mean neighbour count of the same data."""
    stored = json.loads((COST / "cuau-600-counts.json").read_text())
    atoms = stored["atoms"]
    counts = {(k[0], k[1], k[2], tuple(k[3])): v for k, v in stored["counts"]}
    total = sum(counts[e, 6.0, "pair", ()] * n for e, n in atoms.items())
    assert total == pytest.approx(stored["n2p2_neighbours"], rel=1e-12)


def test_an_element_outside_the_list_is_a_located_error() -> None:
    structures = read_input_data(H2O, known_elements=("H", "C"))
    with pytest.raises(DataError, match=r"h2o-4.data:\d+:\d+: error: element 'O' is not one"):
        measure_environment(structures, ("H", "C"), [6.0])


def test_without_a_sample_no_narrow_pairs_are_counted() -> None:
    """sample 0 (a spec without angular SFs): neighbours and pairs of neighbours as ever,
    narrow pairs 0, and no pair of neighbours enumerated (no triplet budget to exceed)."""
    structures = list(read_input_data(H2O))
    every = measure_environment(structures, ("H", "O"), [6.0])
    none = measure_environment(structures, ("H", "O"), [6.0], sample=0, max_triplets=1)
    for key, value in every.counts.items():
        assert none.counts[key] == (0.0 if key[2] == "narrow" else value), key
