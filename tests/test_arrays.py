"""The compile path works without numpy; these tests hold its replacements against numpy itself.

* ``targets.arrays.array_text`` must print exactly what ``numpy.array2string`` prints with the
  overview's options (the earlier generator printed its grids with numpy);
* the radial rules in plain Python must give exactly the doubles the earlier generator's numpy
  expressions give (``linspace``, squares, powers), bit for bit.
"""

from __future__ import annotations

from typing import List, Sequence, Union

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sfcompile.generate.expand import gastegger2018, imbalzano2018
from sfcompile.targets.arrays import array_text

Number = Union[int, float]


def numpy_text(values: Sequence[Number]) -> str:
    return np.array2string(
        np.asarray(values), precision=4, max_line_width=75, separator=" ",
        floatmode="maxprec", suppress_small=False, sign="-", threshold=1000, edgeitems=3,
        legacy=False,
    )  # fmt: skip


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
magnitudes = st.builds(lambda m, e, s: s * m * 10.0**e, st.floats(1, 10), st.integers(-9, 9),
                       st.sampled_from([1.0, -1.0]))  # fmt: skip
tidy = st.builds(round, st.floats(-1e4, 1e4), st.integers(0, 6))
values = st.one_of(
    st.lists(finite.filter(lambda x: abs(x) < 1e300), min_size=1, max_size=40),
    st.lists(magnitudes, min_size=1, max_size=40),
    st.lists(tidy, min_size=1, max_size=40),
    st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=40),
    st.lists(st.one_of(st.integers(-50, 50), tidy), min_size=1, max_size=20),
    st.lists(
        st.sampled_from([0.0, -0.0, 1e-4, 9.99995e-5, 1e8, 99999999.99995, 0.5]),
        min_size=1,
        max_size=12,
    ),
)


@settings(max_examples=1500, deadline=None)
@given(values)
def test_array_text_is_numpys(data: List[Number]) -> None:
    assert array_text(data) == numpy_text(data)


@pytest.mark.parametrize(
    "data",
    [
        [x / 7 for x in range(1200)],  # summarised: first 3, ..., last 3
        list(range(1001)),
        [1.0, 6.0],
        [1, 2, 4, 16],
        [1e-05, 1e-03, 1e-01, 1e01],
        [10.0**k for k in range(-8, 9)],  # wraps over several lines
    ],
)
def test_array_text_special_cases(data: List[Number]) -> None:
    assert array_text(data) == numpy_text(data)


def numpy_gastegger(mode: str, n: int, lower: Number, upper: Number) -> List[List[float]]:
    radii = np.linspace(lower, upper, n)
    if mode == "center":
        return [np.zeros(n).tolist(), (1.0 / (2.0 * radii**2)).tolist()]
    spacing = (upper - lower) / (n - 1)
    return [radii.tolist(), np.full(n, 1.0 / (2.0 * spacing**2)).tolist()]


def numpy_imbalzano(mode: str, n: int, cutoff: Number) -> List[List[float]]:
    if mode == "center":
        m = np.arange(n)
        return [np.zeros(n).tolist(), ((n - 1) ** (m / (n - 1)) / cutoff) ** 2]
    k = np.arange(n + 1)
    radii = cutoff / n ** (k / n)
    eta = 1.0 / (radii[:-1] - radii[1:]) ** 2
    return [radii[1:][::-1].tolist(), eta[::-1].tolist()]


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["center", "shift"]),
    st.integers(2, 40),
    st.floats(0.05, 5.0),
    st.floats(0.5, 20.0),
    st.booleans(),
)
def test_radial_rules_give_numpys_doubles(
    mode: str, n: int, lower: float, width: float, integral: bool
) -> None:
    upper = lower + width
    if integral:
        lower = max(1, round(lower))
        upper = lower + max(1, round(width))
    ours = gastegger2018(mode, n, lower, upper)
    assert [list(ours.r_shift), list(ours.eta)] == numpy_gastegger(mode, n, lower, upper)
    # Powers: ours are the C library's pow; numpy's vectorised pow (SVML on AVX-512 machines)
    # may differ in the last bits. The printed digits are the same (the 94 goldens).
    grid = imbalzano2018(mode, n, upper)
    reference = numpy_imbalzano(mode, n, upper)
    np.testing.assert_array_max_ulp(np.array(grid.r_shift), np.array(reference[0]), maxulp=4)
    # eta = 1/(r_k - r_k+1)^2 amplifies those bits by the cancellation of r_k - r_k+1
    np.testing.assert_allclose(grid.eta, reference[1], rtol=1e-12)
