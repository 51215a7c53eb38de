"""The data behind ``sfcompile plot`` (no matplotlib): SF shapes against the formulas of
docs/formulas.md and n2p2's input.nn documentation, worked out here with plain numpy; the data's
distance, angle and value histograms against a direct count."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import pytest

from sfcompile.analysis.distributions import (
    ANGLE_BINS,
    PAIR_BINS,
    VALUE_BINS,
    DataDistributions,
    collect_distributions,
    value_bins,
)
from sfcompile.analysis.shapes import Panel, angular_panels, radial_panels
from sfcompile.analysis.stats import Plan, make_plan, spec_plan
from sfcompile.engine.neighbours import neighbour_list
from sfcompile.engine.sfvalues import compute
from sfcompile.generate.expand import SymmetryFunction
from sfcompile.generate.pipeline import check, load
from sfcompile.readers.structures import read_input_data
from sfcompile.targets import formatting

DATA = Path(__file__).parent / "data" / "datasets"

SPEC = """
elements = ["H", "O"]
cutoff = 6.0

[cutoff_function]
type = "cos"

[[sets]]
type = "radial"
rule = "custom"
r_shift = [0.0, 1.5]
eta = [0.5, 2.0]

[[sets]]
type = "angular_narrow"
rule = "custom"
r_shift = [0.0]
eta = [0.1]
zetas = [1, 4]
cutoff = 4.5

[[sets]]
type = "poly_radial"
rule = "custom"
windows = [[-3.0, 3.0], [1.0, 4.0]]
include = [["O", "H"]]

[[sets]]
type = "poly_angular_wide"
rule = "custom"
windows = [[0.5, 5.0]]
angles = [[-90.0, 90.0], [60.0, 180.0]]
central = ["O"]
"""


def plan_of(text: str) -> Plan:
    return spec_plan(check(load(text)))


def panel(panels: List[Panel], *combination: str) -> Panel:
    (found,) = [p for p in panels if p.combination == combination]
    return found


def cos_cutoff(r: np.ndarray, rc: float) -> np.ndarray:
    """n2p2's cutoff_type 1: (cos(π r/r_c) + 1)/2 below r_c, 0 beyond."""
    return np.where(r < rc, 0.5 * (np.cos(np.pi * r / rc) + 1.0), 0.0)


def p2_bump(v: np.ndarray, left: float, right: float) -> np.ndarray:
    """The compact p2 bump: 1 − 10y³ + 15y⁴ − 6y⁵ at y = |v − centre|/half-width, inside."""
    y = np.abs(v - (left + right) / 2) / ((right - left) / 2)
    return np.where((v > left) & (v < right), 1 - 10 * y**3 + 15 * y**4 - 6 * y**5, 0.0)


def test_radial_curves_are_the_gaussians_times_the_cutoff_function() -> None:
    h_o = panel(radial_panels(plan_of(SPEC)), "H", "O")
    assert h_o.cutoff == 6.0 and h_o.types == (2,)
    assert [c.positions for c in h_o.curves] == [(3,), (4,)]  # after the two H-H lines
    for curve, (r_s, eta) in zip(h_o.curves, [(0.0, 0.5), (1.5, 2.0)]):
        r = curve.x
        assert r[0] == 0.0 and r[-1] == 6.0
        expected = np.exp(-eta * (r - r_s) ** 2) * cos_cutoff(r, 6.0)
        np.testing.assert_allclose(curve.y, expected, rtol=1e-12, atol=1e-15)
    assert "$\\eta$=2" in h_o.curves[1].label and "$r_s$=1.5" in h_o.curves[1].label


def test_polynomial_radial_windows_are_the_compact_bumps() -> None:
    o_h = panel(radial_panels(plan_of(SPEC)), "O", "H")
    windows = [c for c in o_h.curves if "window" in c.label]
    assert len(windows) == 2 and o_h.types == (2, 20)
    for curve, (left, right) in zip(windows, [(-3.0, 3.0), (1.0, 4.0)]):
        np.testing.assert_allclose(curve.y, p2_bump(curve.x, left, right), atol=1e-12)
    assert windows[1].y[np.argmin(abs(windows[1].x - 2.5))] == pytest.approx(1.0, abs=1e-4)
    assert panel(radial_panels(plan_of(SPEC)), "H", "O").types == (2,)  # include: O-H only


def test_angular_parts_and_radial_factors() -> None:
    h_oo = panel(angular_panels(plan_of(SPEC)), "H", "O", "O")
    assert h_oo.cutoff == 4.5 and len(h_oo.curves) == 4  # (ζ, λ) = (1, ±1), (4, ±1)
    theta = h_oo.curves[0].x
    assert theta[0] == 0.0 and theta[-1] == 180.0
    cos = np.cos(np.radians(theta))
    expected = {(z, m): 2 ** (1 - z) * (1 + m * cos) ** z for z in (1, 4) for m in (-1, 1)}
    for curve in h_oo.curves:
        zeta = 4 if "$\\zeta$=4" in curve.label else 1
        lam = -1 if "$\\lambda$=-1" in curve.label else 1
        np.testing.assert_allclose(curve.y, expected[zeta, lam], rtol=1e-12, atol=1e-15)
    (factor,) = h_oo.radial  # one (η, r_s) for all four SFs
    r = factor.x
    np.testing.assert_allclose(factor.y, np.exp(-0.1 * r**2) * cos_cutoff(r, 4.5), rtol=1e-12)
    assert factor.positions == (13, 14, 15, 16)  # after 4 radial, H-H-H and H-H-O


def test_polynomial_angle_windows_in_degrees() -> None:
    o_hh = panel(angular_panels(plan_of(SPEC)), "O", "H", "H")
    windows = [c for c in o_hh.curves if "angles" in c.label]
    assert len(windows) == 2
    for curve, (left, right) in zip(windows, [(-90.0, 90.0), (60.0, 180.0)]):
        np.testing.assert_allclose(curve.y, p2_bump(curve.x, left, right), atol=1e-12)
    assert windows[0].y[0] == pytest.approx(1.0)  # centred at 0°
    (radial_window,) = [c for c in o_hh.radial if "window" in c.label]
    np.testing.assert_allclose(radial_window.y, p2_bump(radial_window.x, 0.5, 5.0), atol=1e-12)


@pytest.mark.parametrize(
    ("number", "formula"),
    [
        (0, lambda x: np.ones_like(x)),
        (2, lambda x: np.tanh(1 - x) ** 3),
        (6, lambda x: 1 - 10 * x**3 + 15 * x**4 - 6 * x**5),
    ],
)
def test_the_spec_cutoff_function_is_used(number: int, formula: object) -> None:
    text = SPEC.replace('type = "cos"', f"type = {number}")
    h_h = panel(radial_panels(plan_of(text)), "H", "H")
    curve = h_h.curves[0]  # r_s = 0, eta = 0.5
    x = curve.x / 6.0
    expected = np.exp(-0.5 * curve.x**2) * np.where(x < 1, formula(x), 0.0)  # type: ignore[operator]
    np.testing.assert_allclose(curve.y, expected, rtol=1e-10, atol=1e-14)


def test_curves_use_the_printed_parameters() -> None:
    """n2p2 computes with the numbers of the compiled file: eta 0.123456 at precision 3 is
    1.235E-01."""
    sf = SymmetryFunction(2, ("H", "H"), 6.0, eta=0.123456, r_shift=0.0)
    plan = make_plan(["H"], [sf], formatting.NumberFormat(3), 1)
    (only,) = radial_panels(plan)
    r = only.curves[0].x
    np.testing.assert_allclose(only.curves[0].y, np.exp(-0.1235 * r**2) * cos_cutoff(r, 6.0))


WATER = """
elements = ["H", "O"]
cutoff = 6.0
[cutoff_function]
type = "cos"
[[sets]]
type = "radial"
rule = "custom"
r_shift = [0.0, 2.0]
eta = [0.3, 1.0]
[[sets]]
type = "angular_wide"
rule = "custom"
r_shift = [0.0]
eta = [0.05]
zetas = [1]
cutoff = 4.0
"""


def brute_force_histograms(
    path: Path, top: float, angle_cutoff: float
) -> Tuple[Dict[Tuple[str, str], np.ndarray], Dict[Tuple[str, str, str], np.ndarray]]:
    """Pair distances and angles counted pair by pair and triplet by triplet."""
    pairs: Dict[Tuple[str, str], np.ndarray] = {}
    angles: Dict[Tuple[str, str, str], np.ndarray] = {}
    for s in read_input_data(path):
        found = neighbour_list(s.positions, s.lattice, top)
        for i, j, d in zip(found.i, found.j, found.distances):
            key = (s.elements[i], s.elements[j])
            counts = pairs.setdefault(key, np.zeros(PAIR_BINS, dtype=np.int64))
            counts[min(int(d * PAIR_BINS / top), PAIR_BINS - 1)] += 1
        for i in range(len(s.elements)):
            mine = [k for k in range(len(found.i)) if found.i[k] == i]
            mine = [k for k in mine if found.distances[k] < angle_cutoff]
            for a in range(len(mine)):
                for b in range(a + 1, len(mine)):
                    u, v = found.vectors[mine[a]], found.vectors[mine[b]]
                    cos = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
                    theta = math.degrees(math.acos(max(-1.0, min(1.0, cos))))
                    names = sorted((s.elements[found.j[mine[a]]], s.elements[found.j[mine[b]]]))
                    key3 = (s.elements[i], names[0], names[1])
                    counts = angles.setdefault(key3, np.zeros(ANGLE_BINS, dtype=np.int64))
                    counts[min(int(theta / 2.0), ANGLE_BINS - 1)] += 1
    return pairs, angles


Water = Tuple[Plan, DataDistributions]


@pytest.fixture(scope="module")
def water() -> Water:
    plan = plan_of(WATER)
    path = DATA / "h2o-4.data"
    return plan, collect_distributions(plan, lambda: read_input_data(path))


def test_distance_and_angle_histograms_equal_a_direct_count(water: Water) -> None:
    _, found = water
    pairs, angles = brute_force_histograms(DATA / "h2o-4.data", 6.0, 4.0)
    geometry = found.geometry
    assert sorted(geometry.pairs) == sorted(pairs)
    for key, counts in pairs.items():
        np.testing.assert_array_equal(geometry.pairs[key], counts)
    for (central, a, b), counts in angles.items():
        np.testing.assert_array_equal(geometry.angle_counts(4.0, central, (a, b)), counts)
        np.testing.assert_array_equal(geometry.angle_counts(4.0, central, (b, a)), counts)
    assert geometry.atoms == {"H": 224, "O": 112}
    # the pair histogram of H around O equals the one of O around H (every pair both ways)
    np.testing.assert_array_equal(geometry.pairs["H", "O"], geometry.pairs["O", "H"])


def test_value_histograms_equal_a_direct_count(water: Water) -> None:
    plan, found = water
    sfs = [sf for e in plan.elements for sf in plan.sfs[e]]
    values: Dict[str, List[np.ndarray]] = {"H": [], "O": []}
    for s in read_input_data(DATA / "h2o-4.data"):
        for element, rows in compute(s, sfs, plan.cutoff_type, plan.alpha).items():
            values[element].append(rows)
    for element, parts in values.items():
        rows = np.concatenate(parts)
        distribution = found.values[element]
        assert distribution.atoms == len(rows)
        np.testing.assert_array_equal(distribution.low, rows.min(axis=0))
        np.testing.assert_array_equal(distribution.high, rows.max(axis=0))
        constant = []
        for k in range(rows.shape[1]):
            low, high = rows[:, k].min(), rows[:, k].max()
            constant.append(bool(high == low))
            if high == low:  # all in the first bin
                expected = np.r_[len(rows), np.zeros(VALUE_BINS - 1, dtype=np.int64)]
            else:
                scaled = (rows[:, k] - low) / (high - low)
                expected = np.histogram(scaled, bins=VALUE_BINS, range=(0.0, 1.0))[0]
            np.testing.assert_array_equal(distribution.counts[k], expected)
        assert distribution.dead.tolist() == constant
    assert found.values["O"].dead.any()  # O-O-O never within 4 Bohr: always 0


def test_constant_sfs_are_dead_and_counted_in_one_bin() -> None:
    assert value_bins(np.array([2.0, 2.0]), 2.0, 2.0).tolist() == [0, 0]
    assert value_bins(np.array([0.0, 0.5, 1.0]), 0.0, 1.0).tolist() == [0, 25, VALUE_BINS - 1]
    text = WATER + '\n[[sets]]\ntype = "radial"\nrule = "custom"\nr_shift = [0.0]\n' \
        'eta = [0.5]\ncutoff = 0.5\n'  # fmt: skip
    plan = plan_of(text)
    found = collect_distributions(plan, lambda: read_input_data(DATA / "h2o-4.data"))
    dead = found.values["H"].dead
    assert len(dead) == 4 + 6 + 2
    assert not dead[:4].any() and dead[-2:].all()  # no pair is within 0.5


def test_jobs_do_not_change_the_histograms(water: Water) -> None:
    path = DATA / "cu2s-3.data"
    text = WATER.replace('"H", "O"', '"S", "Cu"')
    plan = plan_of(text)
    one = collect_distributions(plan, lambda: read_input_data(path), jobs=1)
    two = collect_distributions(plan, lambda: read_input_data(path), jobs=2)
    for key in one.geometry.pairs:
        np.testing.assert_array_equal(one.geometry.pairs[key], two.geometry.pairs[key])
    assert one.geometry.angles.keys() == two.geometry.angles.keys()
    for element in one.values:
        np.testing.assert_array_equal(one.values[element].counts, two.values[element].counts)
