"""The radial rules and element combinations, against values worked out by hand.

Worked example of the reference (r_c = 6, N = 5, r_lower = 1.5):
  imbalzano2018 center: eta_m = (4^(m/4) / 6)^2 = 2^m / 36
  imbalzano2018 shift:  r_k = 6 / 5^(k/5); pairs (r_{k+1}, 1/(r_k - r_{k+1})^2), r_s ascending
  gastegger2018 center: r = 1.5, 2.625, 3.75, 4.875, 6; eta = 1/(2 r^2)
  gastegger2018 shift:  r_s = r, eta = 1/(2 * 1.125^2) = 0.395062...
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sfcompile.generate.expand import gastegger2018, imbalzano2018
from sfcompile.spec.sftypes import SF_TYPES


def test_imbalzano_center_worked_example() -> None:
    grid = imbalzano2018("center", 5, 6.0)
    assert list(grid.r_shift) == [0.0] * 5
    np.testing.assert_allclose(grid.eta, [2**m / 36 for m in range(5)], rtol=1e-14)
    # the values printed in the reference document
    np.testing.assert_allclose(
        grid.eta, [0.027778, 0.055556, 0.111111, 0.222222, 0.444444], atol=5e-7
    )


def test_imbalzano_shift_worked_example() -> None:
    grid = imbalzano2018("shift", 5, 6.0)
    radii = [6.0 / 5 ** (k / 5) for k in range(6)]
    expected_rs = [radii[k + 1] for k in range(5)][::-1]
    expected_eta = [1.0 / (radii[k] - radii[k + 1]) ** 2 for k in range(5)][::-1]
    np.testing.assert_allclose(grid.r_shift, expected_rs, rtol=1e-14)
    np.testing.assert_allclose(grid.eta, expected_eta, rtol=1e-12)
    assert grid.r_shift[0] == pytest.approx(1.2)  # r_N = r_c / N
    reference = [(1.2, 4.816), (1.6557, 2.5299), (2.2844, 1.3290), (3.1518, 0.6981),
                 (4.3487, 0.3667)]  # fmt: skip
    for (rs, eta), got_rs, got_eta in zip(reference, grid.r_shift, grid.eta):
        assert got_rs == pytest.approx(rs, abs=5e-5)
        assert got_eta == pytest.approx(eta, abs=5e-4)


def test_gastegger_center_worked_example() -> None:
    grid = gastegger2018("center", 5, 1.5, 6.0)
    radii = [1.5, 2.625, 3.75, 4.875, 6.0]
    assert list(grid.r_shift) == [0.0] * 5
    np.testing.assert_allclose(grid.eta, [1 / (2 * r * r) for r in radii], rtol=1e-15)
    np.testing.assert_allclose(grid.eta, [0.22222, 0.07256, 0.03556, 0.02104, 0.01389], atol=5e-6)


def test_gastegger_shift_worked_example() -> None:
    grid = gastegger2018("shift", 5, 1.5, 6.0)
    assert list(grid.r_shift) == [1.5, 2.625, 3.75, 4.875, 6.0]
    assert list(grid.eta) == [1 / (2 * 1.125**2)] * 5
    assert grid.eta[0] == pytest.approx(0.39506, abs=5e-6)


def test_gastegger_shift_spacing_uses_the_grid_ends() -> None:
    grid = gastegger2018("shift", 3, 1, 5)  # integers, as case 088 of the goldens
    assert list(grid.r_shift) == [1.0, 3.0, 5.0]
    assert list(grid.eta) == [0.125] * 3


@pytest.mark.parametrize("n", [3, 9, 40])
def test_imbalzano_center_spans_cutoff_to_step(n: int) -> None:
    # the widest Gaussian has 1/sqrt(eta) = r_c; the narrowest r_c/(n-1)
    eta = imbalzano2018("center", n, 6.0).eta
    assert math.isclose(1 / math.sqrt(eta[0]), 6.0)
    assert math.isclose(1 / math.sqrt(eta[-1]), 6.0 / (n - 1))
    assert np.all(np.diff(eta) > 0)


def test_imbalzano_center_with_two_pairs_repeats_eta() -> None:
    # n' = 1: eta_0 = eta_1 = 1/r_c^2 (golden case 071 shows the same two lines)
    assert list(imbalzano2018("center", 2, 6.0).eta) == [1 / 36, 1 / 36]


def test_combinations_in_the_earlier_tools_order() -> None:
    hco = ["H", "C", "O"]
    assert SF_TYPES["radial"].combinations(["S", "Cu"]) == [
        ("S", "S"), ("S", "Cu"), ("Cu", "S"), ("Cu", "Cu")
    ]  # fmt: skip
    pairs = [("H", "H"), ("H", "C"), ("H", "O"), ("C", "C"), ("C", "O"), ("O", "O")]
    assert SF_TYPES["angular_narrow"].combinations(hco) == [
        (c, a, b) for c in hco for a, b in pairs
    ]
    assert SF_TYPES["angular_wide"].combinations(hco) == SF_TYPES["angular_narrow"].combinations(
        hco
    )
    assert SF_TYPES["weighted_radial"].combinations(hco) == [("H",), ("C",), ("O",)]
    assert SF_TYPES["weighted_angular"].combinations(["Cu"]) == [("Cu",)]


@pytest.mark.parametrize("name", list(SF_TYPES))
@pytest.mark.parametrize("n", [1, 2, 3, 8])
def test_combination_count_without_building(name: str, n: int) -> None:
    elements = ["H", "C", "N", "O", "S", "Cu", "Fe", "Ni"][:n]
    assert SF_TYPES[name].combination_count(n) == len(SF_TYPES[name].combinations(elements))


def test_type_numbers_are_n2p2s() -> None:
    assert {name: t.number for name, t in SF_TYPES.items()} == {
        "radial": 2, "angular_narrow": 3, "angular_wide": 9,
        "weighted_radial": 12, "weighted_angular": 13,
        "poly_radial": 20, "poly_angular_narrow": 21, "poly_angular_wide": 22,
        "weighted_poly_radial": 23, "weighted_poly_angular_narrow": 24,
        "weighted_poly_angular_wide": 25,
    }  # fmt: skip
