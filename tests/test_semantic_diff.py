"""``sfcompile diff``: two sources compared as multisets of SFs, on hand-made pairs and on two
unrelated designs (issue 20): "changed" is only a one-parameter edit (the rule in
:mod:`sfcompile.inputnn.diff`), the summary always gives the shared count, and every number is
printed as its source writes it."""

from __future__ import annotations

from pathlib import Path
from typing import List, Set, Tuple

import pytest

from sfcompile import SpecError, compile_spec
from sfcompile.inputnn.diff import format_diff, load_source, semantic_diff, source_from_input_nn
from sfcompile.inputnn.matching import agrees, exact_at
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
    assert result.equal and result.shared == 5
    assert format_diff(result) == (
        "--- a.nn (5 SFs)\n"
        "+++ b.nn (5 SFs)\n"
        "equal: the same 5 symmetry functions (as numbers; order, spacing and spelling aside)\n"
    )


def test_added_removed_and_changed_grouped_by_central_element() -> None:
    """Lines as each file writes them (type-3/9 lines without their optional r_s)."""
    b = (
        "symfunction_short H 2 H 0.02 0.0 6.0\n"  # eta changed
        "symfunction_short H 2 O 0.01 0.0 6.0\n"
        "symfunction_short H 9 H O 0.1 1.0 1.0 6.0\n"  # type 3 -> 9: removed + added
        "symfunction_short O 2 H 0.01 0.0 6.0\n"
        "symfunction_short O 9 H H 0.1 1 4.0 6.0\n"  # lambda and zeta: two, removed + added
    )
    assert diff(A, b) == (
        "--- a.nn (5 SFs)\n"
        "+++ b.nn (5 SFs)\n"
        "2 removed, 2 added, 1 changed, 2 shared\n"
        "\n"
        "H:\n"
        "~ H 2 H 0.01 0.0 6.0 -> H 2 H 0.02 0.0 6.0    (eta 0.01 -> 0.02; a.nn:2 -> b.nn:1)\n"
        "- H 3 H O 0.1 1.0 1.0 6.0    (a.nn:4)\n"
        "+ H 9 H O 0.1 1.0 1.0 6.0    (b.nn:3)\n"
        "\n"
        "O:\n"
        "- O 9 H H 0.1 -1 2.0 6.0    (a.nn:6)\n"
        "+ O 9 H H 0.1 1 4.0 6.0    (b.nn:5)\n"
    )


def test_one_parameter_is_a_change() -> None:
    a = "symfunction_short O 9 H H 0.1 -1 2.0 6.0\n"
    b = "symfunction_short O 9 H H 1.000E-01 1 2.000E+00 6.000E+00 0.000E+00\n"
    assert diff(a, b).split("\n")[2:] == [
        "0 removed, 0 added, 1 changed, 0 shared",
        "",
        "O:",
        "~ O 9 H H 0.1 -1 2.0 6.0 -> O 9 H H 1.000E-01 1 2.000E+00 6.000E+00 0.000E+00    "
        "(lambda -1 -> 1; a.nn:1 -> b.nn:1)",
        "",
    ]


def test_three_differences_are_not_a_change() -> None:
    a = "symfunction_short H 3 H H 0.1 1 1 6.0\n"
    b = "symfunction_short H 3 H H 0.2 -1 2 6.0\n"
    result = semantic_diff(source_from_input_nn(a, "a"), source_from_input_nn(b, "b"))
    assert (len(result.removed), len(result.added), len(result.changed)) == (1, 1, 0)


def counts(a: str, b: str) -> Tuple[int, int, int, int]:
    result = semantic_diff(source_from_input_nn(a, "a"), source_from_input_nn(b, "b"))
    return len(result.removed), len(result.added), len(result.changed), result.shared


def lines(*values: Tuple[float, float]) -> str:
    return "".join(f"symfunction_short H 2 H {eta} {rs} 6.0\n" for eta, rs in values)


def test_a_change_is_the_only_one_parameter_partner() -> None:
    """Rule 1: a:1 differs from b:2 in r_s only, from b:1 in two parameters; b:1 is added."""
    a = lines((0.1, 1.0))
    b = lines((0.2, 2.0), (0.1, 1.5))
    result = semantic_diff(source_from_input_nn(a, "a"), source_from_input_nn(b, "b"))
    (change,) = result.changed
    assert change.new.where == "b:2" and change.fields == ("r_shift",)
    assert [e.where for e in result.added] == ["b:1"]


def test_every_sf_of_the_smaller_side_must_have_its_own_partner() -> None:
    """A Gaussian that shares its r_s with one of an unrelated set is not an edit of it: b's
    (13.93, 1.9) is the only partner of a's (1.89, 1.9), but b's (13.93, 3.2) has none."""
    a = lines((1.89, 1.9), (1.89, 2.4), (1.89, 2.9))
    b = lines((13.93, 1.9), (13.93, 3.2))
    assert counts(a, b) == (3, 2, 0, 0)
    assert counts(a, lines((13.93, 1.9))) == (2, 0, 1, 0)  # an edit, two removed beside it


def test_an_sf_with_two_partners_is_not_paired_by_rule_1() -> None:
    """b's 0.03 differs in eta alone from both of a's: which one was edited is not known."""
    assert counts(lines((0.01, 0.0), (0.02, 0.0)), lines((0.03, 0.0))) == (2, 1, 0, 0)


def test_same_size_sides_pair_in_order_when_every_pair_is_one_edit() -> None:
    """Rule 2: every eta edited (each new eta is a partner of every old one), in order."""
    a = lines((0.01, 0.0), (0.02, 0.0), (0.03, 0.0))
    b = lines((0.033, 0.0), (0.011, 0.0), (0.022, 0.0))
    result = semantic_diff(source_from_input_nn(a, "a"), source_from_input_nn(b, "b"))
    assert [(c.old.where, c.new.where) for c in result.changed] == [
        ("a:1", "b:2"), ("a:2", "b:3"), ("a:3", "b:1")
    ]  # fmt: skip
    assert counts(a, lines((0.011, 0.0), (0.022, 0.0), (0.033, 1.0))) == (3, 3, 0, 0)


def test_duplicates_count() -> None:
    a = "symfunction_short H 2 H 0.1 1.0 6.0\nsymfunction_short H 2 H 0.1 1.0 6.0\n"
    b = "symfunction_short H 2 H 0.1 1.0 6.0\n"
    result = semantic_diff(source_from_input_nn(a, "a"), source_from_input_nn(b, "b"))
    assert [e.where for e in result.removed] == ["a:2"] and result.shared == 1


def test_polynomial_lines() -> None:
    a = "symfunction_short H 21 H O -6.0 6.0 0.0 180.0 p2\nsymfunction_short H 23 0 6 e\n"
    b = "symfunction_short H 21 O H -6.0 6.0 0.0 90.0 p2\nsymfunction_short H 23 0 6 exp\n"
    assert diff(a, b).split("\n")[2:] == [
        "0 removed, 0 added, 1 changed, 1 shared",
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


@pytest.mark.parametrize(
    ("value", "token", "precision", "expected"),
    [
        (1 / 72, "1.389E-02", 3, True),  # 0.013888... printed at 3 digits is the file's number
        (1 / 72, "0.01389", 3, True),  # the same number, spelled otherwise
        (1 / 72, "0.0139", 3, False),  # 1.389E-02 is not 0.0139
        (1 / 72, "0.0139", 2, True),
        (1 / 72, "1.389E-02", "full", False),  # "full" prints 1.3888888888888888E-02
        (0.104, "0.1", 1, False),  # 1.0E-01 at 1 digit, but 1 significant digit: exact only
        (0.1, "0.1", "full", True),
    ],
)
def test_exact_at(value: float, token: str, precision: object, expected: bool) -> None:
    assert exact_at(precision)(value, token) is expected  # type: ignore[arg-type]


# -- two unrelated designs (issue 20) ------------------------------------------------------------

SETS = DATA / "outcome-sets"


def _as_numbers(path: Path) -> List[Tuple[object, ...]]:
    """Each SF line as (central, type, sorted neighbours, numbers): an independent reading of
    these files (every line has its values after the element symbols; lambda is a number)."""
    found = []
    for line in path.read_text().split("\n"):
        if not line.startswith("symfunction_short"):
            continue
        _, central, number, *rest = line.split()
        symbols = [t for t in rest if t[0].isalpha()]
        values = tuple(float(t) for t in rest if not t[0].isalpha())
        found.append((central, int(number), tuple(sorted(symbols)), values))
    return found


def _shared(a: Path, b: Path) -> Set[Tuple[object, ...]]:
    return set(_as_numbers(a)) & set(_as_numbers(b))


def test_unrelated_designs_are_removed_and_added_with_the_shared_count() -> None:
    """The hand-made Cu-Au set (8 radial Gaussians of eta 1.89 per pair, one broad angular
    Gaussian) against a CUR selection from a pool that contained its lines: 3 lines in common
    (Au 2 Cu at r_s 2.414, Au 2 Au at 4.471, Cu 3 Cu Cu lambda 1 zeta 1), nothing else related.
    The earlier pairing made 42 "changes" of it (issue 20)."""
    hand, curph = SETS / "hand.nn", SETS / "curph.nn"
    assert _shared(hand, curph) == {
        ("Au", 2, ("Cu",), (1.89, 2.414, 6.0)),
        ("Au", 2, ("Au",), (1.89, 4.471, 6.0)),
        ("Cu", 3, ("Cu", "Cu"), (0.03, 1.0, 1.0, 6.0, 0.0)),
    }
    out = format_diff(semantic_diff(load_source(hand), load_source(curph))).split("\n")
    assert out[2] == "53 removed, 53 added, 0 changed, 3 shared"
    assert f"- Cu 2 Cu 1.890E+00 2.414E+00 6.000E+00    ({hand}:22)" in out
    assert not [line for line in out if line.startswith("~")]


def test_hand_made_against_selected() -> None:
    hand, cur = SETS / "hand.nn", SETS / "cur.nn"
    assert _shared(hand, cur) == set()
    result = semantic_diff(load_source(hand), load_source(cur))
    assert (len(result.removed), len(result.added), len(result.changed), result.shared) == (
        56, 56, 0, 0
    )  # fmt: skip


def test_spec_numbers_are_shown_as_the_compiled_line_writes_them(tmp_path: Path) -> None:
    """eta 13.927469135802468 at precision 3 is 1.393E+01 in the compiled line, so in the diff."""
    spec = tmp_path / "s.toml"
    spec.write_text(
        'elements = ["Cu"]\ncutoff = 6.0\n[[sets]]\ntype = "radial"\nrule = "custom"\n'
        "r_shift = [2.8474]\neta = [13.927469135802468]\n"
    )
    nn = tmp_path / "s.nn"
    nn.write_text("symfunction_short Cu 2 Cu 13.93 2.8474 6.0\n")
    out = format_diff(semantic_diff(load_source(spec), load_source(nn))).split("\n")
    assert out[2:] == [
        "0 removed, 0 added, 1 changed, 0 shared",
        "",
        "Cu:",
        f"~ Cu 2 Cu 1.393E+01 2.847E+00 6.000E+00 -> Cu 2 Cu 13.93 2.8474 6.0    (rs 2.847E+00 "
        f"-> 2.8474; SF line 1 -> {nn}:1)",
        "",
    ]
    assert "symfunction_short Cu 2 Cu 1.393E+01 2.847E+00 6.000E+00" in compile_spec(
        spec.read_text()
    )


def test_another_cutoff_function_is_a_difference() -> None:
    # the same lines under another f_c are other SFs; a side without cutoff_type says nothing
    cos, tanh = "cutoff_type 1\n" + A, "cutoff_type 6 0.1\n" + A
    result = semantic_diff(source_from_input_nn(cos, "a.nn"), source_from_input_nn(tanh, "b.nn"))
    assert not result.equal and result.shared == 5 and result.cutoff == ((1, 0.0), (6, 0.1))
    assert format_diff(result) == (
        "--- a.nn (5 SFs)\n"
        "+++ b.nn (5 SFs)\n"
        "0 removed, 0 added, 0 changed, 5 shared; the cutoff function differs\n"
        "~ cutoff_type 1 alpha 0.0 -> cutoff_type 6 alpha 0.1: every SF that uses the global "
        "cutoff function (types 2-13) takes other values\n"
    )
    assert semantic_diff(source_from_input_nn(cos, "a.nn"),
                         source_from_input_nn(A, "b.nn")).equal  # fmt: skip
    assert semantic_diff(source_from_input_nn(cos, "a.nn"),
                         source_from_input_nn("cutoff_type 1 0.0\n" + A, "b.nn")).equal  # fmt: skip


def test_a_spec_s_cutoff_function_against_a_file_s(tmp_path: Path) -> None:
    spec = REPO / "examples/configs/water-HO.toml"  # no [cutoff_function]: nothing to compare
    made = DATA / "inputnn/sfcompile_water.nn"
    text = "cutoff_type 2\n" + made.read_text()
    assert semantic_diff(load_source(spec), source_from_input_nn(text, "w.nn")).equal
    cos = tmp_path / "cos.toml"
    body = spec.read_text().replace("[[sets]]", '[cutoff_function]\ntype = "cos"\n\n[[sets]]', 1)
    cos.write_text(body)
    result = semantic_diff(load_source(cos), source_from_input_nn(text, "w.nn"))
    assert result.cutoff == ((1, 0.0), (2, 0.0)) and result.shared == 236
