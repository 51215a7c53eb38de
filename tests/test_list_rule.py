"""Rule ``list`` (explicit parameter tuples) and the ``[selection]`` provenance table.

Expected lines are written by hand from n2p2's line layout (``n2p2-input-nn.md``): element
symbols left-aligned in width 2, reals as %.3E, lambda as %2.0f; Gaussian radial lines are
``e 2 e_j eta r_s r_c``, angular ``e 3 e_j e_k eta lambda zeta r_c r_s``, polynomial angular
``e 22 e_j e_k r_l r_c theta_l theta_r subtype``.
"""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path
from typing import List

import pytest

import sfcompile
from sfcompile.cli import main
from tests.conftest import compile_unlinted
from tests.test_rejections import rejected, run

pytestmark = pytest.mark.usefixtures("in_tmp_path")

HEAD = """\
elements = ["H", "O"]
cutoff = 6.0
[output]
header = false
comments = false
"""


def lines_of(text: str) -> List[str]:
    return [line for line in text.splitlines() if line.startswith("symfunction_short")]


def test_a_radial_list_gives_one_line_per_tuple_and_combination() -> None:
    spec = HEAD + textwrap.dedent("""
        [[sets]]
        type = "radial"
        rule = "list"
        central = ["O"]
        params = [{r_shift = 1.5, eta = 0.25}, {r_shift = 0, eta = 4}]
    """)
    assert lines_of(compile_unlinted(spec)) == [
        "symfunction_short O  2 H  2.500E-01 1.500E+00 6.000E+00",
        "symfunction_short O  2 H  4.000E+00 0.000E+00 6.000E+00",
        "symfunction_short O  2 O  2.500E-01 1.500E+00 6.000E+00",
        "symfunction_short O  2 O  4.000E+00 0.000E+00 6.000E+00",
    ]


def test_an_angular_list_keeps_its_order_and_each_tuples_zeta_and_lambda() -> None:
    spec = HEAD + textwrap.dedent("""
        [[sets]]
        type = "angular_narrow"
        rule = "list"
        cutoff = 5.0
        include = [["H", "O", "H"]]
        params = [
          {r_shift = 0.5, eta = 0.01, zeta = 4, lambda = 1},
          {r_shift = 0.0, eta = 0.2, zeta = 1, lambda = -1},
        ]
    """)
    assert lines_of(compile_unlinted(spec)) == [
        "symfunction_short H  3 H  O  1.000E-02  1 4.000E+00 5.000E+00 5.000E-01",
        "symfunction_short H  3 H  O  2.000E-01 -1 1.000E+00 5.000E+00 0.000E+00",
    ]


def test_a_polynomial_list_takes_a_window_and_an_angle_per_tuple() -> None:
    spec = HEAD + textwrap.dedent("""
        [[sets]]
        type = "poly_angular_wide"
        rule = "list"
        include = [["O", "H", "H"]]
        params = [
          {r_lower = -3.0, r_cutoff = 3.0, theta_left = 0, theta_right = 90},
          {r_lower = 0.5, r_cutoff = 4.0, theta_left = -45, theta_right = 45, subtype = "p1a"},
        ]
    """)
    assert lines_of(compile_unlinted(spec)) == [
        "symfunction_short O  22 H  H  -3.000E+00 3.000E+00 0.000E+00 9.000E+01 p2",
        "symfunction_short O  22 H  H  5.000E-01 4.000E+00 -4.500E+01 4.500E+01 p1a",
    ]


def test_a_list_of_a_products_tuples_compiles_like_the_product() -> None:
    product = HEAD + textwrap.dedent("""
        [[sets]]
        type = "angular_wide"
        rule = "custom"
        r_shift = [0.0, 1.0]
        eta = [0.1, 0.3]
        zetas = [1, 4]
        lambdas = [-1, 1]
    """)
    tuples = ", ".join(
        f"{{r_shift = {rs}, eta = {eta}, zeta = {zeta}, lambda = {lam}}}"
        for rs, eta in ((0.0, 0.1), (1.0, 0.3))
        for zeta in (1, 4)
        for lam in (-1, 1)
    )
    listed = HEAD + f'[[sets]]\ntype = "angular_wide"\nrule = "list"\nparams = [{tuples}]\n'
    assert lines_of(compile_unlinted(listed)) == lines_of(compile_unlinted(product))
    assert len(lines_of(compile_unlinted(listed))) == 2 * 3 * 8


def test_the_overview_lists_one_value_per_tuple() -> None:
    spec = HEAD.replace("comments = false", "comments = true") + textwrap.dedent("""
        [[sets]]
        type = "angular_narrow"
        rule = "list"
        params = [{r_shift = 0.0, eta = 0.01, zeta = 1, lambda = -1},
                  {r_shift = 0.5, eta = 0.2, zeta = 4, lambda = 1}]
    """)
    overview = compile_unlinted(spec).split("symfunction_short")[0]
    assert "# A custom set of values was used for the parameter tuples, one per line." in overview
    assert "# r_shift        = [0.  0.5]" in overview
    assert "# zeta           = [1 4]" in overview
    assert "# lambda         = [-1.  1.]" in overview


LIST_ERRORS = """\
elements = ["H", "O"]
cutoff = 6.0

[[sets]]
type = "angular_narrow"
rule = "list"
zetas = [1]
params = [
  {r_shift = 0.0, eta = 0.01, zeta = 1},
  {r_shift = 0.0, eta = 0.01, zeta = 2, lambda = 1, lamda = 1},
]

[[sets]]
type = "radial"
rule = "list"
params = [{r_shift = 1, eta = 2, zeta = 1}, {r_shift = 2, eta = 3}]

[[sets]]
type = "radial"
rule = "list"
params = [{r_shift = 2}]

[[sets]]
type = "poly_angular_wide"
rule = "list"
cutoff = 3.0
params = [{r_lower = 3.0, r_cutoff = 3.0, theta_left = 0},
          {r_lower = 0.5, r_cutoff = 4.0, theta_left = -45, theta_right = 50}]

[[sets]]
type = "radial"
rule = "list"
params = [{r_shift = 1, eta = 2}, {r_shift = 1.0, eta = 2.0}]

[[sets]]
type = "radial"
rule = "lsit"
"""


def test_list_rule_rejections(tmp_path: Path) -> None:
    assert rejected(run(tmp_path, LIST_ERRORS)) == [
        "spec.toml:10:53: error: sets[0].params[1].lamda: unknown key 'lamda'; did you mean "
        "'lambda'?",
        "spec.toml:16:34: error: sets[1].params[0].zeta: key 'zeta' does not apply to type "
        "'radial' (only angular types take it); remove it",
        "spec.toml:21:11: error: sets[2].params[0]: missing required key 'eta'",
        "spec.toml:26:1: error: sets[3].cutoff: key 'cutoff' does not apply to rule 'list': "
        "each tuple gives its own r_cutoff",
        "spec.toml:27:11: error: sets[3].params[0]: missing required key 'theta_right': type "
        "'poly_angular_wide' is angular",
        "spec.toml:27:22: error: sets[3].params[0].r_lower: expected r_lower < r_cutoff, got "
        "3.0 and 3.0",
        "spec.toml:28:56: error: sets[3].params[1].theta_left: a window reaching below 0 must "
        "be centred at 0 ([-a, a]), got [-45, 50]",
        "spec.toml:33:35: error: sets[4].params[1]: the same parameters as params[0]: a "
        "repeated tuple gives a duplicate symmetry function; remove one",
        "spec.toml:37:8: error: sets[5].rule: unknown rule 'lsit'; did you mean 'list'?",
    ]


def test_zetas_beside_a_list_and_a_missing_lambda_are_reported_together(tmp_path: Path) -> None:
    spec = LIST_ERRORS.split('\n[[sets]]\ntype = "radial"')[0].replace(", lamda = 1", "")
    assert rejected(run(tmp_path, spec)) == [
        "spec.toml:7:1: error: sets[0].zetas: key 'zetas' does not apply to rule 'list': give "
        "zeta and lambda in each of params",
        "spec.toml:9:3: error: sets[0].params[0]: missing required key 'lambda': type "
        "'angular_narrow' is angular",
    ]


SELECTED = """\
elements = ["H", "O"]
cutoff = 6.0

[selection]
tool = "sfcompile 0.1.0"
method = "cur"
size_rule = "per-element 2"
pool = "pool.toml"
pool_sha256 = "5513a2b1e15a5c53a6c7938ae030d57de9cdc125d2f8145fc71186fb0bfdf597"
data = "input.data"
data_sha256 = "7a1bc684a831081ece59a5aa1afe7d3e0d73daa64f6819c4a566083d8ac515fe"
atoms = 336

[selection.elements.H]
pool = 10
selected = 2
constant = 1
atoms = 224
unexplained = 0.25

[selection.elements.O]
pool = 10
selected = 2
atoms = 112
unexplained = 0.5

[[sets]]
type = "radial"
rule = "list"
include = [["H", "O"], ["O", "H"]]
params = [{r_shift = 1, eta = 2}, {r_shift = 2, eta = 2}]
"""


def test_the_selection_table_is_printed_in_the_header() -> None:
    header = sfcompile.compile_spec(SELECTED).split("\n\n")[0].splitlines()
    assert header[3:] == [
        "# selected by sfcompile 0.1.0: cur, per-element 2",
        "# pool: pool.toml (sha256 "
        "5513a2b1e15a5c53a6c7938ae030d57de9cdc125d2f8145fc71186fb0bfdf597)",
        "# data: input.data (sha256 "
        "7a1bc684a831081ece59a5aa1afe7d3e0d73daa64f6819c4a566083d8ac515fe), 336 atoms",
        "# H: 2 of 10 SFs (1 constant on the data), unexplained variance 0.25, 224 atoms",
        "# O: 2 of 10 SFs (0 constant on the data), unexplained variance 0.5, 112 atoms",
    ]


def test_explain_shows_the_selection(tmp_path: Path) -> None:
    (tmp_path / "selected.toml").write_text(SELECTED)
    out, err = io.StringIO(), io.StringIO()
    assert main(["explain", "selected.toml"], stdout=out, stderr=err) == 0
    expected = (
        "selection (the [selection] table):\n  selected by sfcompile 0.1.0: cur, per-element 2"
    )
    assert expected in out.getvalue()
    out = io.StringIO()
    assert main(["explain", "--json", "selected.toml"], stdout=out, stderr=err) == 0
    document = json.loads(out.getvalue())
    assert document["selection"]["elements"]["O"] == {
        "pool": 10, "selected": 2, "constant": 0, "atoms": 112, "unexplained": 0.5,
        "unranked": False,
    }  # fmt: skip


def test_a_selection_that_no_longer_matches_the_sets_is_a_warning(tmp_path: Path) -> None:
    edited = SELECTED.replace("selected = 2\natoms = 112", "selected = 3\natoms = 112")
    code, out, err = run(tmp_path, edited)
    assert code == 0 and out
    assert err.splitlines() == [
        "spec.toml:23:1: warning: selection.elements.O.selected: says 3 but the sets give 2 SFs "
        "of central element O: the sets were edited after the selection; update or remove "
        "[selection]",
    ]


def test_selection_table_rejections(tmp_path: Path) -> None:
    spec = (
        SELECTED.replace('method = "cur"', 'method = "pca"')
        .replace('pool_sha256 = "5513', 'pool_sha256 = "X513')
        .replace("[selection.elements.O]", "[selection.elements.C]")
        .replace("pool = 10\nselected = 2\nconstant = 1", "pool = 1\nselected = 2\nconstant = 1")
        .replace("atoms = 336", "atoms = 336\nrule = 1")
    )
    assert rejected(run(tmp_path, spec)) == [
        "spec.toml:6:10: error: selection.method: unknown method 'pca'; expected one of 'fit', "
        "'cur', 'fps'",
        "spec.toml:9:15: error: selection.pool_sha256: expected a sha256 digest (64 lowercase "
        "hexadecimal digits), got a string "
        "('X513a2b1e15a5c53a6c7938ae030d57de9cdc125d2f8145fc71186fb0bfdf597')",
        "spec.toml:13:1: error: selection.rule: unknown key 'rule'; did you mean 'size_rule'?",
        "spec.toml:17:12: error: selection.elements.H.selected: expected selected <= pool (1), "
        "got 2",
    ]
    # the element names are checked once every element's table is valid
    spec = SELECTED.replace("[selection.elements.O]", "[selection.elements.C]")
    assert rejected(run(tmp_path, spec)) == [
        "spec.toml:21:1: error: selection.elements.C: 'C' is not one of the spec's elements "
        "['H', 'O']",
    ]


def test_product_keys_beside_a_polynomial_list_are_refused(tmp_path: Path) -> None:
    spec = """\
elements = ["H", "O"]
cutoff = 6.0

[[sets]]
type = "poly_angular_wide"
rule = "list"
angles = [[0, 90]]
subtypes = ["p3"]
params = [{r_lower = -3.0, r_cutoff = 3.0, theta_left = 0, theta_right = 90}]
"""
    assert rejected(run(tmp_path, spec)) == [
        "spec.toml:7:1: error: sets[0].angles: key 'angles' does not apply to rule 'list': give "
        "theta_left and theta_right in each of params",
        "spec.toml:8:1: error: sets[0].subtypes: key 'subtypes' does not apply to rule 'list': "
        "give subtype in each of params",
    ]


def test_a_control_character_in_the_selection_stays_inside_its_comment_line() -> None:
    spec = SELECTED.replace('pool = "pool.toml"', 'pool = "pool\\nsymfunction_short H 2 H 1 0 6"')
    header = sfcompile.compile_spec(spec).split("\n\n")[0].splitlines()
    assert all(line.startswith("#") for line in header)
    assert "# pool: pool\\nsymfunction_short H 2 H 1 0 6 (sha256 " in "\n".join(header)
