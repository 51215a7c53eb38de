"""``sfcompile diff``: two sources compared as multisets of SFs, on hand-made pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from sfcompile import SpecError
from sfcompile.inputnn.diff import (
    agrees,
    format_diff,
    load_source,
    semantic_diff,
    source_from_input_nn,
)
from tests.conftest import DATA, REPO

A = """\
elements H O
symfunction_short H 2 H 0.01 0.0 6.0
symfunction_short H 2 O 0.01 0.0 6.0
symfunction_short H 3 H O 0.1 1.0 1.0 6.0
symfunction_short O 2 H 0.01 0.0 6.0
symfunction_short O 9 H H 0.1 -1 2.0 6.0
"""


def diff(a: str, b: str) -> str:
    return format_diff(
        semantic_diff(source_from_input_nn(a, "a.nn"), source_from_input_nn(b, "b.nn"))
    )


def test_order_spacing_spelling_and_pair_order_do_not_matter() -> None:
    b = (
        "# the same SFs, shuffled and spelled differently\n"
        "symfunction_short\tO 9 H H 1.000E-01 -1.0 2 6.000E+00 0.0\n"
        "symfunction_short O 2 H 1e-2 0 6\n"
        "symfunction_short H   3   O   H   0.1   1   1   6.0   ! pair reversed, rs written\n"
        "symfunction_short H 2 O 0.010 0.0 6.0\n"
        "symfunction_short H 2 H .01 0.0 6.0\n"
    )
    result = semantic_diff(source_from_input_nn(A, "a.nn"), source_from_input_nn(b, "b.nn"))
    assert result.equal and result.unchanged == 5
    assert format_diff(result) == (
        "--- a.nn (5 SFs)\n"
        "+++ b.nn (5 SFs)\n"
        "equal: the same 5 symmetry functions (as numbers; order, spacing and spelling aside)\n"
    )


def test_added_removed_and_changed_grouped_by_central_element() -> None:
    b = (
        "symfunction_short H 2 H 0.02 0.0 6.0\n"  # eta changed
        "symfunction_short H 2 O 0.01 0.0 6.0\n"
        "symfunction_short H 9 H O 0.1 1.0 1.0 6.0\n"  # type 3 -> 9: removed + added
        "symfunction_short O 2 H 0.01 0.0 6.0\n"
        "symfunction_short O 9 H H 0.1 1 4.0 6.0\n"  # lambda and zeta changed
    )
    assert diff(A, b) == (
        "--- a.nn (5 SFs)\n"
        "+++ b.nn (5 SFs)\n"
        "1 removed, 1 added, 2 changed, 2 unchanged\n"
        "\n"
        "H:\n"
        "~ H 2 H 0.01 0.0 6.0 -> H 2 H 0.02 0.0 6.0    (eta 0.01 -> 0.02; a.nn:2 -> b.nn:1)\n"
        "- H 3 H O 0.1 1 1.0 6.0 0.0    (a.nn:4)\n"
        "+ H 9 H O 0.1 1 1.0 6.0 0.0    (b.nn:3)\n"
        "\n"
        "O:\n"
        "~ O 9 H H 0.1 -1 2.0 6.0 0.0 -> O 9 H H 0.1 1 4.0 6.0 0.0    (lambda -1.0 -> 1.0, "
        "zeta 2.0 -> 4.0; a.nn:6 -> b.nn:5)\n"
    )


def test_three_differences_are_not_a_change() -> None:
    a = "symfunction_short H 3 H H 0.1 1 1 6.0\n"
    b = "symfunction_short H 3 H H 0.2 -1 2 6.0\n"
    result = semantic_diff(source_from_input_nn(a, "a"), source_from_input_nn(b, "b"))
    assert (len(result.removed), len(result.added), len(result.changed)) == (1, 1, 0)


def test_a_change_pairs_with_the_closest_line() -> None:
    a = "symfunction_short H 2 H 0.1 1.0 6.0\n"
    b = "symfunction_short H 2 H 0.2 2.0 6.0\nsymfunction_short H 2 H 0.1 1.5 6.0\n"
    result = semantic_diff(source_from_input_nn(a, "a"), source_from_input_nn(b, "b"))
    (change,) = result.changed
    assert change.new.where == "b:2" and change.fields == ("r_shift",)
    assert [e.where for e in result.added] == ["b:1"]


def test_duplicates_count() -> None:
    a = "symfunction_short H 2 H 0.1 1.0 6.0\nsymfunction_short H 2 H 0.1 1.0 6.0\n"
    b = "symfunction_short H 2 H 0.1 1.0 6.0\n"
    result = semantic_diff(source_from_input_nn(a, "a"), source_from_input_nn(b, "b"))
    assert [e.where for e in result.removed] == ["a:2"] and result.unchanged == 1


def test_polynomial_lines() -> None:
    a = "symfunction_short H 21 H O -6.0 6.0 0.0 180.0 p2\nsymfunction_short H 23 0 6 e\n"
    b = "symfunction_short H 21 O H -6.0 6.0 0.0 90.0 p2\nsymfunction_short H 23 0 6 exp\n"
    assert diff(a, b).split("\n")[2:] == [
        "0 removed, 0 added, 1 changed, 1 unchanged",
        "",
        "H:",
        "~ H 21 H O -6.0 6.0 0.0 180.0 p2 -> H 21 O H -6.0 6.0 0.0 90.0 p2    (theta_r 180.0 -> "
        "90.0; a.nn:1 -> b.nn:1)",
        "",
    ]


def test_a_spec_against_the_file_it_compiles_to(tmp_path: Path) -> None:
    spec = REPO / "examples/configs/water-HO.toml"
    made = DATA / "inputnn/sfcompile_water.nn"  # sfcompile's output for that spec
    result = semantic_diff(load_source(spec), load_source(made))
    assert result.equal and result.a_count == result.b_count == 236
    assert result.a == str(spec)
    edited = tmp_path / "edited.nn"
    lines = made.read_text().split("\n")
    k = next(i for i, line in enumerate(lines) if line.startswith("symfunction_short O  3"))
    removed = lines.pop(k)
    edited.write_text("\n".join(lines))
    result = semantic_diff(load_source(spec), load_source(edited))
    assert len(result.removed) == 1 and not result.added and not result.changed
    (entry,) = result.removed
    assert entry.where.startswith("SF line ")
    assert entry.sf.type_number == 3 and entry.sf.combination[0] == "O"
    assert removed.split()[1:4] == ["O", "3", entry.sf.combination[1]]


def test_spec_numbers_are_compared_as_printed(tmp_path: Path) -> None:
    """A spec's value 1/3 at precision 3 is the file's 3.333E-01, not 0.3333333333333333."""
    spec = tmp_path / "third.toml"
    spec.write_text(
        'elements = ["H"]\ncutoff = 6.0\n[[sets]]\ntype = "radial"\nrule = "custom"\n'
        "r_shift = [1.0]\neta = [0.3333333333333333]\n"
    )
    nn = tmp_path / "third.nn"
    nn.write_text("symfunction_short H 2 H 3.333E-01 1.000E+00 6.000E+00\n")
    assert semantic_diff(load_source(spec), load_source(nn)).equal


def test_a_file_with_errors_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nn"
    bad.write_text("symfunction_short H 2 H 1.0d-2 0.0 6.0\n")
    with pytest.raises(SpecError) as caught:
        load_source(bad)
    assert caught.value.diagnostics[0].format().startswith(f"{bad}:1:25: error: eta: `1.0d-2`")


@pytest.mark.parametrize(
    ("value", "token", "expected"),
    [
        (0.2222222222222222, "2.222E-01", True),
        (0.2222222222222222, "0.2222", True),
        (0.2222222222222222, "0.2223", False),
        (0.125, "0.1", False),  # fewer than 3 significant digits: exact only
        (0.1, "0.1", True),
        (0.0, "0.000E+00", True),
        (11.22, "1.122E+01", True),
    ],
)
def test_agrees(value: float, token: str, expected: bool) -> None:
    assert agrees(value, token) is expected
