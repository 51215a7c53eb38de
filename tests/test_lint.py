"""The lint: what n2p2 swallows in a valid spec.

Every expected line number and value below is worked out by hand from the spec text: lines are
counted 1, 2, ... over the symfunction_short lines in spec order (per set: element combination,
then (r_shift, eta) pair, then zeta, then lambda).
"""

from __future__ import annotations

import dataclasses
import time
from typing import List, Tuple

import pytest

import sfcompile
from sfcompile.generate.expand import GeneratedSet, generate
from sfcompile.generate.lint import Finding, lint

from .conftest import REPO


def findings(text: str) -> List[Finding]:
    loaded = sfcompile.load(text)
    return lint(loaded, generate(loaded.spec))


def summary(found: List[Finding]) -> List[Tuple[str, str, object, Tuple[int, ...]]]:
    return [(f.code, f.severity, f.diagnostic.path, f.lines) for f in found]


def only(text: str) -> Finding:
    found = findings(text)
    assert len(found) == 1, summary(found)
    return found[0]


HEAD = 'elements = ["H", "O"]\ncutoff = 6.0\n'
HEAD_H = 'elements = ["H"]\ncutoff = 6.0\n'


def custom(
    type_: str = "radial", r_shift: str = "[0.0]", eta: str = "[0.5]", extra: str = ""
) -> str:
    return (
        f'\n[[sets]]\ntype = "{type_}"\nrule = "custom"\nr_shift = {r_shift}\neta = {eta}\n{extra}'
    )


# -- duplicate ------------------------------------------------------------------------------

# set 0: (H,H) lines 1-2, (H,O) 3-4, (O,H) 5-6, (O,O) 7-8, r_shift 0.0 then 1.0;
# set 1: central O only: (O,H) line 9, (O,O) line 10, r_shift 1.0004 printed as 1.000E+00.
ROUNDED_DUPLICATES = (
    HEAD
    + custom(r_shift="[0.0, 1.0]", eta="[0.5, 0.5]")
    + custom(r_shift="[1.0004]", eta="[0.5]", extra='central = ["O"]\n')
)


def test_duplicates_across_sets_are_found_after_rounding() -> None:
    finding = only(ROUNDED_DUPLICATES)
    assert (finding.code, finding.severity, finding.lines) == ("duplicate", "error", (9, 10))
    assert finding.diagnostic.path == ("sets", 1)
    assert finding.diagnostic.line == 10  # lines 1-2 HEAD, 3-8 set 0, 9 blank, 10 [[sets]]
    message = finding.diagnostic.message
    assert "2 SF lines" in message
    assert (
        "SF line 9 `symfunction_short O  2 H  5.000E-01 1.000E+00 6.000E+00` repeats SF line 6 "
        "of sets[0]" in message
    )
    assert "SF line 10 `symfunction_short O  2 O  5.000E-01 1.000E+00 6.000E+00`" in message
    assert "repeats SF line 8 of sets[0]" in message
    assert "raise [output] precision" in message  # equal only after rounding


def test_duplicates_depend_on_the_printed_precision() -> None:
    # at precision 4, 1.0004 prints as 1.0004E+00 and 1.0 as 1.0000E+00: no longer equal
    precise = ROUNDED_DUPLICATES.replace(
        "cutoff = 6.0\n", "cutoff = 6.0\n[output]\nprecision = 4\n"
    )
    assert findings(precise) == []


def test_duplicates_inside_one_set() -> None:
    # lines 1, 2, 3 = r_shift 0.0, 0.5, 0.0: line 3 repeats line 1 exactly
    finding = only(HEAD_H + custom(r_shift="[0.0, 0.5, 0.0]", eta="[1.0, 1.0, 1.0]"))
    assert (finding.code, finding.severity, finding.lines) == ("duplicate", "error", (3,))
    assert (
        "SF line 3 `symfunction_short H  2 H  1.000E+00 0.000E+00 6.000E+00` "
        "repeats SF line 1 of this set" in (finding.diagnostic.message)
    )
    assert "precision" not in finding.diagnostic.message  # exact, not made by rounding


def test_the_neighbour_pair_of_angular_lines_is_unordered() -> None:
    # two identical angular sets for (H; H, O): lines 1-2 and 3-4 (lambda -1, 1); set 1 is
    # then rewritten as "H 3 O H", which n2p2 reads as the same SFs as "H 3 H O"
    extra = 'zetas = [1]\ninclude = [["H", "H", "O"]]\n'
    spec = HEAD + custom("angular_narrow", extra=extra) * 2 + custom(extra='central = ["O"]\n')
    loaded = sfcompile.load(spec)
    sets = generate(loaded.spec)
    [as_written] = lint(loaded, sets)
    assert (as_written.code, as_written.lines) == ("duplicate", (3, 4))
    swapped: List[GeneratedSet] = [
        sets[0],
        dataclasses.replace(sets[1], combinations=[("H", "O", "H")]),
        sets[2],
    ]
    [finding] = lint(loaded, swapped)
    assert (finding.code, finding.lines, finding.diagnostic.path) == (
        "duplicate",
        (3, 4),
        ("sets", 1),
    )
    assert (
        "`symfunction_short H  3 O  H  5.000E-01 -1 1.000E+00 6.000E+00 0.000E+00` "
        "repeats SF line 1 of sets[0]" in (finding.diagnostic.message)
    )


def test_types_3_and_9_never_duplicate_each_other() -> None:
    spec = (
        HEAD
        + custom("angular_narrow", extra="zetas = [1]\n")
        + custom("angular_wide", extra="zetas = [1]\n")
    )
    assert findings(spec) == []


# -- the Gaussian's position and width ------------------------------------------------------


def test_gaussian_at_and_beyond_the_cutoff() -> None:
    # one element, one combination: lines 1, 2, 3 = r_shift 5.0, 6.0, 7.0 (cutoff 6.0)
    found = findings(HEAD_H + custom(r_shift="[5.0, 6.0, 7.0]", eta="[1.0, 1.0, 1.0]"))
    assert summary(found) == [
        ("gaussian-at-cutoff", "warning", ("sets", 0), (2,)),
        ("rshift-beyond-cutoff", "warning", ("sets", 0), (3,)),
    ]
    at, beyond = (f.diagnostic.message for f in found)
    assert (
        "(r_shift = r_c) in 1 SF line: "
        "SF line 2 `symfunction_short H  2 H  1.000E+00 6.000E+00 6.000E+00`" in at
    )
    assert "r_upper" in at
    assert (
        "(r_shift > r_c) in 1 SF line: "
        "SF line 3 `symfunction_short H  2 H  1.000E+00 7.000E+00 6.000E+00`" in beyond
    )


def test_gastegger_shift_up_to_the_cutoff_wastes_its_last_gaussian() -> None:
    # grid r = 2, 4, 6 (r_upper defaults to the cutoff 6.0), eta = 1/(2*2^2) = 0.125;
    # four combinations of 3 lines: the r_shift = 6 lines are 3, 6, 9, 12
    spec = (
        HEAD
        + '[[sets]]\ntype = "radial"\nrule = "gastegger2018"\nmode = "shift"\n'
        + "nb_param_pairs = 3\nr_lower = 2.0\n"
    )
    finding = only(spec)
    assert (finding.code, finding.severity, finding.lines) == (
        "gaussian-at-cutoff",
        "warning",
        (3, 6, 9, 12),
    )
    message = finding.diagnostic.message
    assert (
        "in 4 SF lines: SF line 3 `symfunction_short H  2 H  1.250E-01 6.000E+00 6.000E+00`"
        in message
    )
    assert "SF line 6 `symfunction_short H  2 O  1.250E-01 6.000E+00 6.000E+00`" in message
    assert "SF line 9 `symfunction_short O  2 H " in message
    assert "and 1 more" in message
    assert "SF line 12" not in message


def test_eta_too_small_on_both_sides_of_the_threshold() -> None:
    # flat if exp(-eta d^2) > 0.99, d = max(6 - r_s, r_s):
    # line 1: r_s 0 (d = 6), eta 2.7e-4: exp(-0.00972) = 0.99033 -> flat
    # line 2:                eta 2.9e-4: exp(-0.01044) = 0.98961 -> not
    # line 3: r_s 4 (d = 4), eta 6.0e-4: exp(-0.00960) = 0.99045 -> flat
    # line 4:                eta 6.6e-4: exp(-0.01056) = 0.98950 -> not
    spec = HEAD_H + custom(r_shift="[0.0, 0.0, 4.0, 4.0]", eta="[2.7e-4, 2.9e-4, 6.0e-4, 6.6e-4]")
    finding = only(spec)
    assert (finding.code, finding.severity, finding.lines) == ("eta-too-small", "warning", (1, 3))
    message = finding.diagnostic.message
    assert "SF line 1 `symfunction_short H  2 H  2.700E-04 0.000E+00 6.000E+00`" in message
    assert "SF line 3 `symfunction_short H  2 H  6.000E-04 4.000E+00 6.000E+00`" in message
    assert "neighbour count" in message and "0.99" in message


def test_eta_too_small_is_not_reported_for_angular_sets() -> None:
    # a flat radial part is a classic angular SF (angular resolution from zeta and lambda)
    spec = HEAD_H + custom("angular_narrow", r_shift="[0.0]", eta="[2.0e-4]", extra="zetas = [1]\n")
    assert findings(spec) == []


def test_eta_too_large_on_both_sides_of_the_threshold() -> None:
    # r_min = 0.1 * 6 = 0.6; dead if r_s < 0.6 and exp(-eta (0.6 - r_s)^2) < 1e-12 (27.63):
    # line 1: r_s 0,   eta 77.5: 77.5 * 0.36 = 27.90 (7.6e-13) -> dead
    # line 2:          eta 76.0: 76.0 * 0.36 = 27.36 (1.3e-12) -> not
    # line 3: r_s 0.3, eta 310:  310 * 0.09 = 27.90 -> dead;  line 4: eta 304: 27.36 -> not
    # line 5: r_s 1.0 >= r_min: a narrow Gaussian on a neighbour shell -> not
    # (the widest Gaussians at 0, 0.3 and 1.0, lines 2, 4, 5, also leave gaps: radial-gap)
    spec = HEAD_H + custom(
        r_shift="[0.0, 0.0, 0.3, 0.3, 1.0]", eta="[77.5, 76.0, 310.0, 304.0, 1000.0]"
    )
    finding, gap = findings(spec)
    assert (finding.code, finding.severity, finding.lines) == ("eta-too-large", "warning", (1, 3))
    assert (gap.code, gap.lines) == ("radial-gap", (2, 4, 5))
    message = finding.diagnostic.message
    assert "SF line 1 `symfunction_short H  2 H  7.750E+01 0.000E+00 6.000E+00`" in message
    assert "SF line 3 `symfunction_short H  2 H  3.100E+02 3.000E-01 6.000E+00`" in message
    assert "1e-12" in message and "NaN" in message


def test_imbalzano_shift_with_many_pairs_has_a_dead_innermost_gaussian() -> None:
    # r_k = 6/20^(k/20): r_20 = 0.3, r_19 = 6/17.218 = 0.3485, r_18 = 6/14.823 = 0.4048;
    # pairs listed with r_s ascending: line 1 = (0.3, 1/0.0485^2 = 425.6): 425.6 * 0.3^2 = 38.3
    # > 27.63 -> dead; line 2 = (0.3485, 1/0.0563^2 = 315.4): 315.4 * 0.2515^2 = 19.9 -> not
    spec = (
        HEAD_H
        + '[[sets]]\ntype = "radial"\nrule = "imbalzano2018"\nmode = "shift"\nnb_param_pairs = 20\n'
    )
    finding = only(spec)
    assert (finding.code, finding.lines) == ("eta-too-large", (1,))
    assert " 3.000E-01 6.000E+00`" in finding.diagnostic.message


# -- zeta ------------------------------------------------------------------------------------


def test_non_integer_zeta() -> None:
    # lines: (zeta 1, lambda -1), (1, 1), (2.5, -1), (2.5, 1), (3.0004, -1), (3.0004, 1);
    # 3.0004 prints as 3.000E+00, an integer for n2p2
    spec = HEAD_H + custom("angular_narrow", eta="[0.1]", extra="zetas = [1.0, 2.5, 3.0004]\n")
    finding = only(spec)
    assert (finding.code, finding.severity, finding.lines) == (
        "non-integer-zeta",
        "warning",
        (3, 4),
    )
    message = finding.diagnostic.message
    assert (
        "SF line 3 `symfunction_short H  3 H  H  1.000E-01 -1 2.500E+00 6.000E+00 0.000E+00`"
        in message
    )
    assert (
        "SF line 4 `symfunction_short H  3 H  H  1.000E-01  1 2.500E+00 6.000E+00 0.000E+00`"
        in message
    )
    assert "pow()" in message


# -- n2p2's type-13 crash ---------------------------------------------------------------------

# line 1: the only type-13 SF of H at 6.0; line 2: H 2 H at 6.0; lines 3-4: O-centred radial
TYPE13 = 'central = ["H"]\nzetas = [1]\nlambdas = [1]\n'
RADIAL_HH = 'include = [["H", "H"]]\n'
CRASH = (
    HEAD
    + custom("weighted_angular", eta="[0.1]", extra=TYPE13)
    + custom(extra=RADIAL_HH)
    + custom(extra='central = ["O"]\n')
)


def test_type13_crash() -> None:
    finding = only(CRASH)
    assert (finding.code, finding.severity, finding.lines) == ("type13-crash", "error", (1,))
    assert finding.diagnostic.path == ("sets", 0)
    message = finding.diagnostic.message
    assert "segmentation fault" in message
    assert (
        "SF line 1 `symfunction_short H  13 1.000E-01 0.000E+00  1 1.000E+00 6.000E+00`" in message
    )
    assert "only type-13 SF of central element H at cutoff 6.0" in message
    assert "neighbour element(s) H have type-2/3/9 SFs" in message
    assert "but O have none" in message
    assert "every neighbour element (H, O)" in message


@pytest.mark.parametrize(
    "change",
    [
        (RADIAL_HH, 'include = [["H", "H"], ["H", "O"]]\n'),  # every neighbour covered
        (RADIAL_HH, RADIAL_HH + "cutoff = 5.0\n"),  # no neighbour covered at 6.0
        ("lambdas = [1]\n", "lambdas = [-1, 1]\n"),  # a second type-13 line covers all
    ],
)
def test_no_type13_crash(change: Tuple[str, str]) -> None:
    assert findings(CRASH.replace(*change)) == []


def test_a_type12_line_at_the_cutoff_avoids_the_type13_crash() -> None:
    assert findings(CRASH + custom("weighted_radial", extra='central = ["H"]\n')) == []


# -- elements without SFs, windows broken by rounding, the models' share -------------------


def test_element_without_sf() -> None:
    finding = only(HEAD + custom(extra='central = ["H"]\n'))
    assert (finding.code, finding.severity, finding.lines) == ("element-without-sf", "error", ())
    assert finding.diagnostic.path == ("elements", 1)
    assert (finding.diagnostic.line, finding.diagnostic.column) == (1, 18)  # the "O"
    assert (
        "element 'O' is the central element of no symmetry function" in finding.diagnostic.message
    )
    assert "abort" in finding.diagnostic.message


def test_windows_broken_by_rounding() -> None:
    # set 0: windows [-6, 6] (line 1) and [5.9996, 6] (line 2: r_l prints as 6.000E+00 = r_c);
    # set 1: angle window [95.55, 264.45] (line 3) prints as 95.55 and 264.4: centre 179.975
    spec = (
        HEAD_H
        + '\n[[sets]]\ntype = "poly_radial"\nrule = "custom"\n'
        + "windows = [[-6.0, 6.0], [5.9996, 6.0]]\n"
        + '\n[[sets]]\ntype = "poly_angular_narrow"\nrule = "custom"\nwindows = [[-6.0, 6.0]]\n'
        + "angles = [[95.55, 264.45]]\n"
    )
    found = findings(spec)
    assert summary(found) == [
        ("window-rounding", "error", ("sets", 0), (2,)),
        ("window-rounding", "error", ("sets", 1), (3,)),
    ]
    assert (
        "SF line 2 `symfunction_short H  20 H  6.000E+00 6.000E+00 p2`"
        in found[0].diagnostic.message
    )
    assert (
        "SF line 3 `symfunction_short H  21 H  H  -6.000E+00 6.000E+00 9.555E+01 2.644E+02 p2`"
        in (found[1].diagnostic.message)
    )


def imbalzano_shift(cutoff: str) -> str:
    return (
        f'elements = ["H"]\ncutoff = {cutoff}\n\n[[sets]]\ntype = "radial"\n'
        'rule = "imbalzano2018"\nmode = "shift"\nnb_param_pairs = 4\n'
    )


def test_overflowing_parameters_are_an_error() -> None:
    # r_k = r_c / 4^(k/4): with r_c = 1e-200 the gaps (~3e-201) square to 0 in doubles, so
    # eta = 1/gap^2 is infinite (it was a ZeroDivisionError); with r_c = 1e-150 the largest
    # eta, 1/(r_c (4^-0.75 - 4^-1))^2 ~ 9e301, is finite and nothing is reported.
    found = only(imbalzano_shift("1e-200"))
    assert summary([found]) == [("not-finite", "error", ("sets", 0), (1, 2, 3, 4))]
    assert "SF line 1 `symfunction_short H  2 H  INF 2.500E-201 1.000E-200`" in (
        found.diagnostic.message
    )
    assert "n2p2 would read the INF or NAN" in found.diagnostic.message
    assert not [f for f in findings(imbalzano_shift("1e-150")) if f.code == "not-finite"]


def test_negative_r_shift_is_refused_by_the_models() -> None:
    # n2p2 computes types 3/9 with a negative r_shift as r_shift = 0; the lint never sees one
    with pytest.raises(sfcompile.SpecError, match="r_shift"):
        sfcompile.load(HEAD_H + custom("angular_narrow", r_shift="[-0.5]", extra="zetas = [1]\n"))


def test_findings_are_sorted_by_set_then_code() -> None:
    # sets 0 and 1 are equal: H-H lines 1 (r_s 6.0) and 2 (7.0), H-O lines 3, 4; then 5-8
    spec = HEAD + custom(r_shift="[6.0, 7.0]", eta="[1.0, 1.0]", extra='central = ["H"]\n') * 2
    found = findings(spec)
    assert summary(found) == [
        ("element-without-sf", "error", ("elements", 1), ()),
        ("gaussian-at-cutoff", "warning", ("sets", 0), (1, 3)),
        ("rshift-beyond-cutoff", "warning", ("sets", 0), (2, 4)),
        ("duplicate", "error", ("sets", 1), (5, 6, 7, 8)),
        ("gaussian-at-cutoff", "warning", ("sets", 1), (5, 7)),
        ("rshift-beyond-cutoff", "warning", ("sets", 1), (6, 8)),
    ]
    message = found[3].diagnostic.message
    assert "in 4 SF lines" in message and "repeats SF line 3 of sets[0]" in message
    assert "; and 1 more" in message and "SF line 8" not in message


# -- no false alarms -------------------------------------------------------------------------

TYPICAL = {
    "readme": """
elements = ["S", "Cu"]
cutoff = 6.0
[[sets]]
type = "radial"
rule = "gastegger2018"
mode = "shift"
nb_param_pairs = 9
r_lower = 1.5
r_upper = 5.5
[[sets]]
type = "angular_narrow"
rule = "imbalzano2018"
mode = "center"
nb_param_pairs = 3
zetas = [1.0, 6.0]
""",
    "fine-grids": """
elements = ["H", "C", "N", "O"]
cutoff = 6.0
[output]
precision = "full"
[[sets]]
type = "radial"
rule = "gastegger2018"
mode = "center"
nb_param_pairs = 12
r_lower = 0.5
[[sets]]
type = "radial"
rule = "imbalzano2018"
mode = "shift"
nb_param_pairs = 12
[[sets]]
type = "angular_wide"
rule = "imbalzano2018"
mode = "center"
nb_param_pairs = 20
zetas = [1, 2, 4, 8, 16]
""",
    "weighted-bohr": """
elements = ["H", "O"]
cutoff = 12.0
[[sets]]
type = "weighted_radial"
rule = "gastegger2018"
mode = "shift"
nb_param_pairs = 10
r_lower = 1.0
r_upper = 11.0
[[sets]]
type = "weighted_angular"
rule = "imbalzano2018"
mode = "center"
nb_param_pairs = 4
zetas = [1, 4]
[[sets]]
type = "radial"
rule = "custom"
r_shift = [0.0, 0.0, 2.0, 3.5]
eta = [0.001, 0.05, 2.0, 2.0]
""",
    "polynomial": """
elements = ["H", "O"]
cutoff = 6.0
[[sets]]
type = "poly_radial"
rule = "windows"
mode = "center"
nb_windows = 5
r_lower = 2.0
subtypes = ["p2", "p2a", "e"]
[[sets]]
type = "poly_angular_wide"
rule = "windows"
mode = "shift"
nb_windows = 4
r_lower = -1.0
width = 3.0
angle_windows = 8
""",
}


EXAMPLES = sorted((REPO / "examples" / "configs").glob("*.toml"))


# A CUR selection of 12 SFs per element from the one-width water pool: between its H-H
# Gaussians at 3.239 and 5.848 Bohr (eta 2.645, sigma 0.435) the midpoint value is
# exp(-2.645 * 2.609^2 / 4) = 1.1 %: the gap issue 17 is about, left in the example on purpose.
EXPECTED = {"selected-water-HO.toml": [("radial-gap", "warning", ("sets", 0), (1, 2))]}


@pytest.mark.parametrize("name", [p.name for p in EXAMPLES] + sorted(TYPICAL))
def test_examples_and_typical_specs_have_no_findings(name: str) -> None:
    text = TYPICAL.get(name) or (REPO / "examples" / "configs" / name).read_text()
    assert summary(findings(text)) == EXPECTED.get(name, [])


def test_every_example_is_checked() -> None:
    assert len(EXAMPLES) >= 5


def test_the_benchmark_spec_is_linted_quickly() -> None:
    loaded = sfcompile.load(REPO / "bench" / "compile-8-elements.toml")
    sets = generate(loaded.spec)
    start = time.perf_counter()
    assert lint(loaded, sets) == []
    assert time.perf_counter() - start < 0.5  # about 0.006 s on the development machine
