"""The lint's ``radial-gap``: radial Gaussians much narrower than the spacing of their centres.

Every value is worked out by hand from the rule (sfcompile/generate/lint/gaps.py): between two
neighbouring centres a < b the lowest coverage is where the falling and the rising Gaussians
cross; for widths eta_a, eta_b that is r = (sqrt(eta_a) a + sqrt(eta_b) b)/(sqrt(eta_a) +
sqrt(eta_b)), where both are exp(-eta_a eta_b (b - a)^2/(sqrt(eta_a) + sqrt(eta_b))^2); for one
width the midpoint, exp(-eta (b - a)^2/4). A gap: below 10 %.
"""

from __future__ import annotations

import re
import time
import warnings
from typing import List, Tuple

import pytest

import sfcompile
from sfcompile.generate.expand import generate
from sfcompile.generate.lint import Finding, lint
from sfcompile.inputnn.importer import import_input_nn
from tests.conftest import compile_unlinted

HEAD_H = 'elements = ["H"]\ncutoff = 6.0\n'
HEAD = 'elements = ["H", "O"]\ncutoff = 6.0\n'


def radial(r_shift: str, eta: str, type_: str = "radial", extra: str = "") -> str:
    return (
        f'\n[[sets]]\ntype = "{type_}"\nrule = "custom"\nr_shift = {r_shift}\neta = {eta}\n{extra}'
    )


def gap_findings(text: str) -> List[Finding]:
    loaded = sfcompile.load(text)
    return [f for f in lint(loaded, generate(loaded.spec)) if f.code == "radial-gap"]


def summary(found: List[Finding]) -> List[Tuple[str, str, object, Tuple[int, ...]]]:
    return [(f.code, f.severity, f.diagnostic.path, f.lines) for f in found]


@pytest.mark.parametrize(
    "eta, gap",
    [
        (2.0, False),  # centres 1 and 3, midpoint 2: exp(-2 * 4 / 4) = 13.5 %
        (2.30, False),  # exp(-2.30) = 10.03 %
        (2.31, True),  # exp(-2.31) = 9.93 %: 4 ln(10)/2^2 = 2.3026 is the limit
        (3.0, True),  # exp(-3) = 4.98 %
    ],
)
def test_one_width_on_both_sides_of_the_threshold(eta: float, gap: bool) -> None:
    found = gap_findings(HEAD_H + radial("[1.0, 3.0]", f"[{eta}, {eta}]"))
    assert summary(found) == ([("radial-gap", "warning", ("sets", 0), (1, 2))] if gap else [])


def test_the_message_is_pinned() -> None:
    # (H, H) lines 1-2, (H, O) 3-4, (O, H) 5-6, (O, O) 7-8; the gap of r_s 1 and 3, eta 3:
    # 4.98 % at r = 2; sigma = 1/sqrt(6) = 0.4082; eta <= 4 ln(10)/4 = 2.303 closes it
    [finding] = gap_findings(HEAD + radial("[1.0, 3.0]", "[3.0, 3.0]"))
    assert finding.lines == (1, 2, 3, 4, 5, 6, 7, 8)
    assert finding.diagnostic.format() == (
        "<string>:4:1: warning: sets[0]: gap between radial Gaussians: in 1 place no Gaussian "
        "of this set reaches 10 % of its peak (the same in each of its 4 element combinations): "
        "between SF line 1 `symfunction_short H  2 H  3.000E+00 1.000E+00 6.000E+00` and SF "
        "line 2 `symfunction_short H  2 H  3.000E+00 3.000E+00 6.000E+00`, at most 5 % (r = 2; "
        "centres 2 apart, sigma = 1/sqrt(2 eta) = 0.4082). Its Gaussians are much narrower "
        "than the spacing of their centres: a neighbour at such a distance moves none of these "
        "SFs. Add Gaussians in the gaps, widen them (one width: eta <= 4 ln(10)/d^2 = 2.303 for "
        "the widest gap, d = 2), or select from a pool with several widths (sfcompile init "
        "--pool)"
    )


def test_two_widths_cross_off_the_midpoint() -> None:
    # eta 1 at 1, eta 4 at 3: cross at r = (1 + 2*3)/3 = 7/3, exp(-(4/3)^2) = 16.9 %: no gap;
    # eta 4 at 1, eta 9 at 3: r = (2 + 9)/5 = 2.2, exp(-4 * 1.2^2) = exp(-5.76) = 0.32 %
    assert gap_findings(HEAD_H + radial("[1.0, 3.0]", "[1.0, 4.0]")) == []
    [finding] = gap_findings(HEAD_H + radial("[1.0, 3.0]", "[4.0, 9.0]"))
    message = finding.diagnostic.message
    assert (
        "at most 0.32 % (r = 2.2; centres 2 apart, sigma = 1/sqrt(2 eta) = 0.3536 and 0.2357)"
        in message
    )


def test_a_wide_gaussian_covers_a_gap_and_the_widest_at_a_centre_counts() -> None:
    # a centred eta 0.05 is exp(-0.05 * 4) = 82 % at r = 2: no gap between 1 and 3 (eta 3);
    # between 0 and 1 the widest at 0 (eta 0.05) is 95 % at 1
    assert gap_findings(HEAD_H + radial("[0.0, 1.0, 3.0]", "[0.05, 3.0, 3.0]")) == []
    # two Gaussians at 1, eta 9 and 1: the wider one counts. Eta 1 at 1 and eta 3 at 3 cross
    # at r = (1 + 1.732*3)/2.732 = 2.268: exp(-1.268^2) = 20 %, no gap (with eta 9 at 1 instead:
    # exp(-9*3*4/(3 + 1.732)^2) = 0.8 %)
    assert gap_findings(HEAD_H + radial("[1.0, 1.0, 3.0]", "[9.0, 1.0, 3.0]")) == []


def test_centres_beyond_the_cutoff_and_the_weighted_type() -> None:
    # the earlier generator's case 086: weighted radial, r_s 2.0 and 7.5, eta 0.5, cutoff 6:
    # the Gaussians cross at 4.75 (inside the cutoff): exp(-0.5 * 2.75^2) = 2.3 %; the line at
    # 7.5 also gets rshift-beyond-cutoff
    text = 'elements = ["H", "C", "O"]\ncutoff = 6.0\n' + radial(
        "[2.0, 7.5]", "[0.5, 0.5]", "weighted_radial"
    )
    loaded = sfcompile.load(text)
    codes = [(f.code, f.lines) for f in lint(loaded, generate(loaded.spec))]
    assert codes == [("radial-gap", (1, 2, 3, 4, 5, 6)), ("rshift-beyond-cutoff", (2, 4, 6))]
    [finding] = gap_findings(text)
    assert "at most 2.3 % (r = 4.75; centres 5.5 apart" in finding.diagnostic.message
    # where the crossing lies beyond the cutoff, the lowest point is the cutoff: r_s 2 and 11,
    # eta 0.5 (crossing at 6.5): at 6, exp(-0.5 * 4^2) = 0.034 % (exp(-0.5 * 5^2) from 11)
    [far] = gap_findings(HEAD_H + radial("[2.0, 11.0]", "[0.5, 0.5]"))
    assert "at most 0.034 % (r = 6;" in far.diagnostic.message
    # two centres at or beyond the cutoff are not compared
    assert gap_findings(HEAD_H + radial("[6.0, 9.0]", "[5.0, 5.0]")) == []


def test_more_than_three_gaps_are_counted() -> None:
    # five centres 1 apart with eta 20: exp(-20/4) = 0.67 % at each of the 4 midpoints
    five = radial("[1.0, 2.0, 3.0, 4.0, 5.0]", "[20.0, 20.0, 20.0, 20.0, 20.0]")
    [finding] = gap_findings(HEAD_H + five)
    message = finding.diagnostic.message
    assert message.startswith("gaps between radial Gaussians: in 4 places")
    assert "SF line 3 `" in message and "; and 1 more." in message
    assert "SF line 5 `" not in message
    assert finding.lines == (1, 2, 3, 4, 5)


def test_angular_and_polynomial_sets_are_not_checked() -> None:
    angular = radial("[1.0, 3.0]", "[3.0, 3.0]", "angular_narrow", "zetas = [1]\n")
    assert gap_findings(HEAD_H + angular) == []


@pytest.mark.parametrize(
    "rule",
    [
        'rule = "gastegger2018"\nmode = "shift"\nnb_param_pairs = 20\nr_lower = 1.9\nr_upper = 5.5',
        'rule = "imbalzano2018"\nmode = "shift"\nnb_param_pairs = 12',
        'rule = "gastegger2018"\nmode = "center"\nnb_param_pairs = 8\nr_lower = 1.0',
    ],
)
def test_the_rules_have_no_gaps(rule: str) -> None:
    # Gastegger shift: sigma = spacing, exp(-1/8) = 88 % at the midpoints; Imbalzano shift:
    # sigma = spacing/sqrt(2), exp(-1/4) = 78 %; centred: one centre
    assert gap_findings(HEAD_H + f'\n[[sets]]\ntype = "radial"\n{rule}\n') == []


def test_the_warning_does_not_change_the_output() -> None:
    text = HEAD + radial("[1.0, 3.0]", "[3.0, 3.0]")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert sfcompile.compile_spec(text) == compile_unlinted(text)
    assert ["gap between radial Gaussians" in str(w.message) for w in caught] == [True]
    with pytest.raises(sfcompile.SpecError, match="gap between radial Gaussians"):
        sfcompile.compile_spec(text, strict=True)


def test_import_reports_the_gap_at_the_file_lines() -> None:
    text = (
        "symfunction_short H 2 H 3.0 1.0 6.0\n"
        "symfunction_short H 2 H 3.0 3.0 6.0\n"
        "symfunction_short H 2 H 3.0 5.0 6.0\n"
    )
    result = import_input_nn(text, "in.nn")
    [warning] = result.warnings
    assert warning.format().startswith(
        "in.nn:1:1: warning: gaps between radial Gaussians: in 2 places no Gaussian of this "
        "set reaches 10 % of its peak: between line 1 `symfunction_short H 2 H 3.0 1.0 6.0` "
        "and line 2 `symfunction_short H 2 H 3.0 3.0 6.0`, at most 5 %"
    )
    assert warning.message.endswith("[radial-gap]")


def test_the_check_of_a_huge_set_is_bounded() -> None:
    # 3000 Gaussians 0.001 apart with eta 1e8 (sigma 7e-5): a gap between every two
    # (exp(-1e8 * 1e-6 / 4) = exp(-25)); each costs about 2 x 3000 evaluations, so the budget
    # of 2,000,000 stops the check after a few hundred, and the message says so
    r_shift = "[" + ", ".join(f"{k / 1000:.3f}" for k in range(1, 3001)) + "]"
    eta = "[" + ", ".join(["1e8"] * 3000) + "]"
    start = time.perf_counter()
    [finding] = gap_findings(HEAD_H + radial(r_shift, eta))
    assert time.perf_counter() - start < 5.0  # about 0.4 s on the development machine
    message = finding.diagnostic.message
    expected = (r"gaps between radial Gaussians: in at least (\d+) places \(the check stopped "
                r"after 2,000,000 evaluations of its 3,000 Gaussians\)")  # fmt: skip
    match = re.match(expected, message)
    assert match is not None and 100 < int(match.group(1)) < 2999


def test_a_gap_another_set_covers_is_no_gap() -> None:
    """One element pair's radial SFs split over two sets (as select writes them): the narrow
    set's gap is covered by the other set's Gaussian, so nothing is reported; alone it is."""
    narrow = HEAD_H + radial("[2.0, 4.0]", "[20.0, 20.0]")
    assert summary(gap_findings(narrow)) == [("radial-gap", "warning", ("sets", 0), (1, 2))]
    assert gap_findings(narrow + radial("[3.0]", "[2.0]")) == []
