"""Polynomial SF types 20-25: generation rules, line formats and n2p2's validation rules.

Expected lines are worked out by hand from the rules (README, "Polynomial symmetry functions"):
center windows [-w, w] with w = linspace(r_lower, r_upper, N); shift windows of width W starting
at r_lower + k (r_upper - r_lower - W)/(N - 1); angle_windows N: centres 180 k/(N - 1), default
width 360/(N - 1). Loop order: combination -> radial window -> angle window -> subtype.
"""

from __future__ import annotations

import textwrap
from typing import List

import pytest

from sfcompile import SpecError
from tests.conftest import compile_unlinted as compile_spec

HEAD = """\
elements = ["S", "Cu"]
cutoff = 15.0
[output]
header = false
comments = false
"""


def sf_lines(body: str) -> List[str]:
    text = compile_spec(HEAD + textwrap.dedent(body))
    return [line for line in text.splitlines() if line.startswith("symfunction_short")]


def errors(body: str) -> List[str]:
    with pytest.raises(SpecError) as caught:
        compile_spec(HEAD + textwrap.dedent(body))
    return [d.format() for d in caught.value.diagnostics]


def test_center_windows_like_n2p2s_examples() -> None:
    # N = 3 from 5 to 15: half-widths 5, 10, 15 -> [-5, 5], [-10, 10], [-15, 15]
    lines = sf_lines("""\
        [[sets]]
        type = "poly_radial"
        rule = "windows"
        mode = "center"
        nb_windows = 3
        r_lower = 5.0
        central = ["S"]
        include = [["S", "Cu"]]
        """)
    assert lines == [
        "symfunction_short S  20 Cu -5.000E+00 5.000E+00 p2",
        "symfunction_short S  20 Cu -1.000E+01 1.000E+01 p2",
        "symfunction_short S  20 Cu -1.500E+01 1.500E+01 p2",
    ]


def test_shift_windows_like_n2p2s_examples() -> None:
    # step (15 - (-2.5) - 10)/3 = 2.5: [-2.5, 7.5], [0, 10], [2.5, 12.5], [5, 15]
    lines = sf_lines("""\
        [[sets]]
        type = "weighted_poly_radial"
        rule = "windows"
        mode = "shift"
        nb_windows = 4
        r_lower = -2.5
        width = 10.0
        subtypes = ["p2a"]
        central = ["Cu"]
        """)
    assert lines == [
        "symfunction_short Cu 23 -2.500E+00 7.500E+00 p2a",
        "symfunction_short Cu 23 0.000E+00 1.000E+01 p2a",
        "symfunction_short Cu 23 2.500E+00 1.250E+01 p2a",
        "symfunction_short Cu 23 5.000E+00 1.500E+01 p2a",
    ]


@pytest.mark.parametrize(
    ("count", "width", "expected"),
    [
        (3, None, [(-90, 90), (0, 180), (90, 270)]),  # width 360/2 = 180
        (2, None, [(-180, 180), (0, 360)]),  # width 360
        (5, None, [(-45, 45), (0, 90), (45, 135), (90, 180), (135, 225)]),  # width 90
        (3, 60, [(-30, 30), (60, 120), (150, 210)]),
    ],
)
def test_angle_windows(count: int, width: object, expected: List[tuple]) -> None:
    extra = "" if width is None else f"angle_width = {width}\n"
    lines = sf_lines(f"""\
        [[sets]]
        type = "poly_angular_wide"
        rule = "custom"
        windows = [[-8.0, 8.0]]
        angle_windows = {count}
        {extra}
        include = [["S", "S", "Cu"]]
        """)
    angles = [(float(line.split()[7]), float(line.split()[8])) for line in lines]
    assert angles == [(float(a), float(b)) for a, b in expected]
    assert all(line.split()[:5] == ["symfunction_short", "S", "22", "S", "Cu"] for line in lines)


def test_line_formats_and_loop_order_of_every_polynomial_type() -> None:
    body = """\
        [[sets]]
        type = "{t}"
        rule = "custom"
        windows = [[-12.0, 12.0], [1.0, 5.0]]
        subtypes = ["p1", "e"]
        central = ["S"]
        {angles}
        """
    radial = {"poly_radial": "20 S ", "weighted_poly_radial": "23"}
    angular = {
        "poly_angular_narrow": "21 S  S ",
        "poly_angular_wide": "22 S  S ",
        "weighted_poly_angular_narrow": "24",
        "weighted_poly_angular_wide": "25",
    }
    for name, head in radial.items():
        lines = sf_lines(body.format(t=name, angles=""))[:4]
        assert lines == [
            f"symfunction_short S  {head} -1.200E+01 1.200E+01 p1",
            f"symfunction_short S  {head} -1.200E+01 1.200E+01 e",
            f"symfunction_short S  {head} 1.000E+00 5.000E+00 p1",
            f"symfunction_short S  {head} 1.000E+00 5.000E+00 e",
        ]
    for name, head in angular.items():
        lines = sf_lines(body.format(t=name, angles="angles = [[0, 180], [60, 120]]"))[:4]
        assert lines == [
            f"symfunction_short S  {head} -1.200E+01 1.200E+01 0.000E+00 1.800E+02 p1",
            f"symfunction_short S  {head} -1.200E+01 1.200E+01 0.000E+00 1.800E+02 e",
            f"symfunction_short S  {head} -1.200E+01 1.200E+01 6.000E+01 1.200E+02 p1",
            f"symfunction_short S  {head} -1.200E+01 1.200E+01 6.000E+01 1.200E+02 e",
        ]


def test_line_counts_of_polynomial_sets() -> None:
    # 2 elements: radial 4 combinations, pair types 2 x 3 = 6, weighted 2
    body = """\
        [[sets]]
        type = "{t}"
        rule = "windows"
        mode = "center"
        nb_windows = 3
        r_lower = 5.0
        subtypes = ["p2", "p3"]
        {angles}
        """
    counts = {
        "poly_radial": 4 * 3 * 2,
        "weighted_poly_radial": 2 * 3 * 2,
        "poly_angular_narrow": 6 * 3 * 4 * 2,
        "weighted_poly_angular_wide": 2 * 3 * 4 * 2,
    }
    for name, count in counts.items():
        angles = "angles = [[0, 90], [90, 180], [0, 180], [-45, 45]]" if "angular" in name else ""
        assert len(sf_lines(body.format(t=name, angles=angles))) == count


ANGULAR = """\
[[sets]]
type = "poly_angular_narrow"
rule = "custom"
windows = [[-8.0, 8.0]]
"""


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ("[10, 5]", "expected theta_left < theta_right, got [10, 5]"),
        ("[90, 90]", "expected theta_left < theta_right, got [90, 90]"),
        ("[-30, 60]", "a window reaching below 0 must be centred at 0 ([-a, a]), got [-30, 60]"),
        (
            "[150, 200]",
            "a window reaching above 180 must be centred at 180 ([180 - a, 180 + a]), "
            "got [150, 200]",
        ),
        (
            "[-200, 200]",
            "a window reaching above 180 must be centred at 180 ([180 - a, 180 + a]), "
            "got [-200, 200]",
        ),
        ("[180, 200]", "a window reaching above 180 must be centred at 180"),
    ],
)
def test_n2p2_angle_window_rules(window: str, message: str) -> None:
    (line,) = errors(ANGULAR + f"angles = [{window}]\n")
    assert line.startswith("<string>:10:11: error: sets[0].angles[0]: ")
    assert message in line


@pytest.mark.parametrize("window", ["[0, 180]", "[-90, 90]", "[90, 270]", "[0, 110]", "[60, 180]",
                                    "[-180, 180]", "[0, 360]", "[150, 210]"])  # fmt: skip
def test_angle_windows_n2p2_accepts(window: str) -> None:
    assert len(sf_lines(ANGULAR + f"angles = [{window}]\ncentral = ['S']\n")) == 3


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            ANGULAR,
            "<string>:6:1: error: sets[0]: type 'poly_angular_narrow' is angular: give either "
            "'angles' (explicit windows) or 'angle_windows' (a count), not both and not neither",
        ),
        (
            ANGULAR + "angles = [[0, 180]]\nangle_windows = 3\n",
            "<string>:6:1: error: sets[0]: type 'poly_angular_narrow' is angular: give either "
            "'angles' (explicit windows) or 'angle_windows' (a count), not both",
        ),
        (
            ANGULAR + "angle_windows = 3\nangle_width = 200\n",
            "<string>:11:15: error: sets[0].angle_width: expected angle_width <= "
            "360/(angle_windows - 1) = 180.0 (wider windows would cross 0 or 180 degrees "
            "off-centre), got 200",
        ),
        (
            ANGULAR.replace("poly_angular_narrow", "poly_radial") + "angles = [[0, 180]]\n",
            "<string>:10:1: error: sets[0].angles: key 'angles' does not apply to type "
            "'poly_radial' (only angular types take angle windows); remove it",
        ),
        (
            ANGULAR.replace("[[-8.0, 8.0]]", "[[8.0, 8.0], [1.0, -2.0]]") + "angle_windows = 2\n",
            "<string>:9:12: error: sets[0].windows[0]: expected r_l < r_c and r_c > 0, "
            "got [8.0, 8.0]",
        ),
        (
            ANGULAR + "angle_windows = 2\nsubtypes = ['p5']\n",
            "<string>:11:13: error: sets[0].subtypes[0]: expected a polynomial subtype: p1, p2, "
            "p3, p4 (optionally with 'a' for the asymmetric radial form, e.g. p2a) or e, "
            "got a string ('p5')",
        ),
        (
            ANGULAR + "angle_windows = 2\ncutoff = 8.0\n",
            "<string>:11:1: error: sets[0].cutoff: does not apply to custom polynomial windows: "
            "each window [r_l, r_c] gives its own cutoff; remove it",
        ),
    ],
)
def test_polynomial_rejections(body: str, expected: str) -> None:
    assert expected in errors(body)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            'mode = "center"\nnb_windows = 3\nr_lower = 0.0\n',
            "sets[0].r_lower: expected r_lower > 0 in mode 'center' (the smallest half-width), "
            "got 0.0",
        ),
        (
            'mode = "shift"\nnb_windows = 3\nr_lower = 0.0\n',
            "sets[0]: missing required key 'width': mode 'shift' needs the width of the windows",
        ),
        (
            'mode = "shift"\nnb_windows = 3\nr_lower = 0.0\nwidth = 15.0\n',
            "sets[0].width: expected width < r_upper - r_lower = 15.0 (otherwise the windows "
            "coincide), got 15.0",
        ),
        (
            'mode = "center"\nnb_windows = 3\nr_lower = 1.0\nwidth = 2.0\n',
            "sets[0].width: does not apply to mode 'center'; remove it",
        ),
        (
            'mode = "center"\nnb_windows = 3\nr_lower = 1.0\nr_upper = 20.0\n',
            "sets[0].r_upper: expected r_upper <= the spec's cutoff (15.0), got 20.0",
        ),
    ],
)
def test_window_rule_rejections(lines: str, expected: str) -> None:
    body = '[[sets]]\ntype = "poly_radial"\nrule = "windows"\n' + lines
    assert any(expected in line for line in errors(body)), errors(body)


@pytest.mark.parametrize(
    ("sftype", "rule", "expected"),
    [
        ("poly_radial", "gastegger2018", "polynomial types use rule 'windows', 'custom'"),
        ("radial", "windows", "Gaussian types use rule 'gastegger2018', 'imbalzano2018', 'custom'"),
    ],
)
def test_type_and_rule_families_must_match(sftype: str, rule: str, expected: str) -> None:
    body = f'[[sets]]\ntype = "{sftype}"\nrule = "{rule}"\nmode = "center"\n'
    found = errors(body)
    assert any(f"sets[0].type: type {sftype!r} cannot use rule {rule!r}: {expected}" in line
               for line in found), found  # fmt: skip
