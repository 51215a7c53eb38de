"""Element filters, the cutoff function, and precision "full" (values worked out by hand)."""

from __future__ import annotations

import re
import textwrap
import warnings
from typing import List

import pytest

from sfcompile import SpecError, SpecWarning, load
from sfcompile.generate.expand import generate
from tests.conftest import compile_unlinted as compile_spec

HEAD = """\
elements = ["H", "C", "O"]
cutoff = 6.0
[output]
header = false
comments = false
"""
RADIAL = """\
[[sets]]
type = "radial"
rule = "custom"
r_shift = [0.0]
eta = [0.5]
"""
ANGULAR = """\
[[sets]]
type = "angular_narrow"
rule = "custom"
r_shift = [0.0]
eta = [0.5]
zetas = [1]
lambdas = [1]
"""


def combos(body: str) -> List[str]:
    """The element columns of each line: central element and neighbours ("H O", "O H H")."""
    text = compile_spec(HEAD + textwrap.dedent(body))
    found = []
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0] == "symfunction_short":
            found.append(" ".join(f for f in fields[1:] if re.fullmatch("[A-Z][a-z]?", f)))
    return found


def errors(body: str) -> List[str]:
    with pytest.raises(SpecError) as caught:
        compile_spec(HEAD + textwrap.dedent(body))
    return [d.format() for d in caught.value.diagnostics]


def test_no_filter_gives_every_combination() -> None:
    assert combos(RADIAL) == ["H H", "H C", "H O", "C H", "C C", "C O", "O H", "O C", "O O"]


def test_central_and_neighbours() -> None:
    assert combos(RADIAL + 'central = ["O", "H"]\n') == ["H H", "H C", "H O", "O H", "O C", "O O"]
    assert combos(RADIAL + 'neighbours = ["O"]\n') == ["H O", "C O", "O O"]
    # angular: both neighbours must be in the list; pairs in combinations_with_replacement order
    assert combos(ANGULAR + 'central = ["C"]\nneighbours = ["H", "O"]\n') == [
        "C H H", "C H O", "C O O"
    ]  # fmt: skip


def test_include_normalises_the_neighbour_pair_and_keeps_output_order() -> None:
    body = ANGULAR + 'include = [["O", "O", "H"], ["H", "C", "C"]]\n'
    assert combos(body) == ["H C C", "O H O"]


def test_exclude() -> None:
    body = RADIAL + 'exclude = [["H", "H"], ["O", "C"]]\n'
    assert combos(body) == ["H C", "H O", "C H", "C C", "C O", "O H", "O O"]


def test_per_pair_cutoffs_with_filters() -> None:
    # a C-H bond and an O-O contact get their own cutoffs
    body = RADIAL + 'include = [["C", "H"]]\ncutoff = 3.0\n' + RADIAL + 'include = [["O", "O"]]\n'
    text = compile_spec(HEAD + body)
    assert [line for line in text.splitlines() if line.startswith("symf")] == [
        "symfunction_short C  2 H  5.000E-01 0.000E+00 3.000E+00",
        "symfunction_short O  2 O  5.000E-01 0.000E+00 6.000E+00",
    ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            'central = ["N"]\n',
            "<string>:11:12: error: sets[0].central[0]: 'N' is not one of the spec's elements "
            "['H', 'C', 'O']",
        ),
        (
            'include = [["H", "Fe"]]\n',
            "<string>:11:18: error: sets[0].include[0][1]: 'Fe' is not one of the spec's "
            "elements ['H', 'C', 'O']",
        ),
        (
            'include = [["H", "O", "O"]]\n',
            "<string>:11:12: error: sets[0].include[0]: type 'radial' combinations have 2 "
            "element(s) (central first), got 3: ['H', 'O', 'O']",
        ),
        (
            'central = ["H"]\nexclude = [["H", "H"], ["H", "C"], ["H", "O"]]\n',
            "<string>:6:1: error: sets[0]: the element filters leave this set without any "
            "element combination",
        ),
        (
            'central = ["H", "H"]\n',
            "<string>:11:17: error: sets[0].central[1]: 'H' is listed twice (also at central[0])",
        ),
        ("central = []\n", "<string>:11:11: error: sets[0].central: must not be empty"),
    ],
)
def test_filter_rejections(extra: str, expected: str) -> None:
    assert errors(RADIAL + extra) == [expected]


def test_neighbours_filter_does_not_apply_to_weighted_types() -> None:
    body = RADIAL.replace('"radial"', '"weighted_radial"') + 'neighbours = ["O"]\n'
    assert errors(body) == [
        "<string>:11:1: error: sets[0].neighbours: key 'neighbours' does not apply to type "
        "'weighted_radial': weighted types sum over all neighbours; remove it (use 'central' to "
        "choose central elements)"
    ]


@pytest.mark.parametrize(
    ("table", "described"),
    [
        ('type = "cos"', "cos (n2p2 cutoff_type 1), alpha = 0.0"),
        ("type = 6\nalpha = 0.25", "poly2 (n2p2 cutoff_type 6), alpha = 0.25"),
        ('type = "tanhu"', "tanhu (n2p2 cutoff_type 2), alpha = 0.0"),
    ],
)
def test_cutoff_function_recorded_in_the_header(table: str, described: str) -> None:
    text = compile_spec(
        HEAD.replace("header = false\n", "") + RADIAL + f"[cutoff_function]\n{table}\n"
    )
    assert text.splitlines()[3] == f"# cutoff function: {described}"


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            'type = "cosine"',
            "<string>:12:8: error: cutoff_function.type: expected a cutoff function name (hard, "
            "cos, tanhu, tanh, exp, poly1, poly2, poly3, poly4) or n2p2's number 0-8, got a "
            "string ('cosine')",
        ),
        (
            "type = 9",
            "<string>:12:8: error: cutoff_function.type: expected a cutoff function name (hard, "
            "cos, tanhu, tanh, exp, poly1, poly2, poly3, poly4) or n2p2's number 0-8, got an "
            "integer (9)",
        ),
        (
            'type = "cos"\nalpha = 1.0',
            "<string>:13:9: error: cutoff_function.alpha: expected a number >= 0 and < 1, got 1.0",
        ),
    ],
)
def test_cutoff_function_rejections(table: str, expected: str) -> None:
    assert errors(RADIAL + f"[cutoff_function]\n{table}\n") == [expected]


@pytest.mark.parametrize("name", ["hard", "tanhu", "tanh"])
def test_alpha_ignored_by_n2p2_warns(name: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compile_spec(HEAD + RADIAL + f'[cutoff_function]\ntype = "{name}"\nalpha = 0.1\n')
    messages = [str(w.message) for w in caught if issubclass(w.category, SpecWarning)]
    assert messages == [
        f"<string>:13:1: warning: cutoff_function.alpha: is ignored by n2p2 for cutoff function "
        f"{name!r}; remove it or choose cos, exp or poly1-poly4"
    ]


def test_full_precision_round_trips_every_number() -> None:
    body = """\
        [[sets]]
        type = "angular_wide"
        rule = "imbalzano2018"
        mode = "shift"
        nb_param_pairs = 7
        zetas = [1, 2.5]
        [[sets]]
        type = "radial"
        rule = "gastegger2018"
        mode = "center"
        nb_param_pairs = 9
        r_lower = 0.37
        cutoff = 5.123456789
        """
    full = HEAD.replace("comments = false", 'comments = false\nprecision = "full"')
    text = compile_spec(full + textwrap.dedent(body))
    three = compile_spec(HEAD + textwrap.dedent(body))
    numbers = re.findall(r"-?\d\.\d+E[+-]\d+", text)
    assert len(numbers) > 100
    rounded = re.findall(r"-?\d\.\d+E[+-]\d+", three)
    assert len(numbers) == len(rounded)
    for exact, short in zip(numbers, rounded):
        # the same value: rounding the exact text to 3 digits gives the 3-digit text
        assert f"{float(exact):.3E}" == short
    # every printed number reads back as exactly the generated double, in line order
    loaded = load(full + textwrap.dedent(body))
    printed_fields = {9: ("eta", "zeta", "cutoff", "r_shift"), 2: ("eta", "r_shift", "cutoff")}
    doubles = [
        float(getattr(sf, name))
        for generated in generate(loaded.spec)
        for block in generated.blocks
        for sf in block
        for name in printed_fields[generated.sftype.number]
    ]
    printed = [float(n) for n in numbers]
    assert len(printed) == len(doubles)
    assert printed == doubles
    # and they are the formula's values (imbalzano shift, r_c 6, N 7) to within rounding
    r = [6.0 / 7 ** (k / 7) for k in range(8)]
    etas = sorted(1 / (r[k] - r[k + 1]) ** 2 for k in range(7))
    grid = generate(loaded.spec)[0].grid
    assert grid is not None
    assert sorted(list(grid.eta)) == pytest.approx(etas, rel=1e-14)
    assert {float(repr(e)) for e in list(grid.eta)} <= set(printed)
