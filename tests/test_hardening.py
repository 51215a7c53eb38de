"""Inputs that once crashed, hung or were read wrong (issue 10): each refusal pinned, located.

Items: (1) deep nesting, (2) integers too large for a double, (3) a `type` that is no string,
(6) the Python API with text that is no usable path or no valid Unicode, (10) non-ASCII digits
in input.nn, (11) `-o ''`, (12) eta = 0 and n2p2's own 4G example potentials. The structure and
neighbour-list items are in test_structures.py and test_stats.py; the fuzz tests in
test_fuzz.py.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import List

import pytest

import sfcompile
from sfcompile import SfcompileError, SpecError
from sfcompile.cli import main
from sfcompile.inputnn.diff import load_source, semantic_diff
from sfcompile.inputnn.importer import import_input_nn

from .conftest import DATA, VALID

EXAMPLES = DATA / "n2p2-examples"


def errors_of(text: str) -> List[str]:
    with pytest.raises(SpecError) as caught:
        sfcompile.compile_spec(text)
    return [d.format() for d in caught.value.diagnostics]


def set_with(**keys: str) -> str:
    body = {"type": '"radial"', "rule": '"custom"', "r_shift": "[0.0]", "eta": "[0.5]", **keys}
    lines = [f"{k} = {v}" for k, v in body.items() if v]
    return 'elements = ["H"]\ncutoff = 6.0\n[[sets]]\n' + "\n".join(lines) + "\n"


# (1) nesting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["elements = " + "[" * 500 + "]" * 500, "x = " + "{a = " * 300 + "1" + "}" * 300],
    ids=["arrays", "inline-tables"],
)
def test_deep_nesting_is_refused_before_parsing(text: str) -> None:
    [message] = errors_of(text)
    column = [i for i, c in enumerate(text) if c in "[{"][32] + 1
    assert message == (
        f"<string>:1:{column}: error: arrays and inline tables nested more than 32 levels deep "
        'here; a spec needs 3 (e.g. include = [["H", "O"]] in a [[sets]] table): check the '
        "brackets"
    )


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    text = VALID + "# " + "[" * 100 + '\n[n2p2]\nx = "' + "{" * 100 + '"\n'
    with pytest.raises(SpecError, match="unknown n2p2 keyword 'x'"):
        sfcompile.compile_spec(text)


# (2) large integers ----------------------------------------------------------------------


def test_an_integer_too_large_for_a_double() -> None:
    huge = "1" + "0" * 400
    text = set_with(r_shift=f"[0.0, {huge}]", eta="[0.5, 1]").replace(
        "cutoff = 6.0", f"cutoff = {huge}"
    )
    assert errors_of(text) == [
        "<string>:2:10: error: cutoff: expected a number of at most 2^53 = 9007199254740992 in "
        "size, got an integer with 401 digits; write it as a float (e.g. 1.5e20) if you mean it",
        "<string>:6:17: error: sets[0].r_shift[1]: expected a number of at most 2^53 = "
        "9007199254740992 in size, got an integer with 401 digits; write it as a float (e.g. "
        "1.5e20) if you mean it",
    ]


def test_an_integer_count_too_large() -> None:
    text = set_with(rule='"gastegger2018"', mode='"shift"', nb_param_pairs=str(2**60),
                    r_lower="1.0", r_shift="", eta="")  # fmt: skip
    assert errors_of(text) == [
        "<string>:7:18: error: sets[0].nb_param_pairs: expected an integer of at most 2^53 = "
        "9007199254740992 in size, got an integer with 19 digits"
    ]


def test_an_integer_with_thousands_of_digits() -> None:
    assert errors_of('elements = ["H"]\ncutoff = 1' + "0" * 5000 + "\n") == [
        "<string>:2:10: error: a number with thousands of digits: too large to read; check the "
        "value"
    ]


# (3) type that is no string ----------------------------------------------------------------

NAMES = "'radial', 'angular_narrow', 'angular_wide', 'weighted_radial', 'weighted_angular'"


@pytest.mark.parametrize(("value", "got"), [('["radial"]', "an array"), ("{a = 1}", "a table")])
def test_a_type_that_is_no_string(value: str, got: str) -> None:
    assert errors_of(set_with(type=value)) == [
        f"<string>:4:8: error: sets[0].type: expected one of {NAMES}, got {got}"
    ]
    without_rule = errors_of(set_with(type=value, rule=""))
    assert without_rule[0] == (
        "<string>:3:1: error: sets[0]: missing required key 'rule' (one of 'gastegger2018', "
        "'imbalzano2018', 'windows', 'custom', 'list')"
    )
    assert without_rule[1].startswith(f"<string>:4:8: error: sets[0].type: expected one of {NAMES}")
    assert without_rule[1].endswith(f", got {got}")


def test_a_misspelled_type_without_rule_is_reported_too() -> None:
    assert errors_of(set_with(type='"radail"', rule=""))[1] == (
        "<string>:4:8: error: sets[0].type: unknown type 'radail'; did you mean 'radial'?"
    )


# (6) the Python API --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\x00b", "a\\x00b: error: is not a usable file name (NUL or unpaired surrogate)"),
        ("\ud800", "\\ud800: error: is not a usable file name (NUL or unpaired surrogate)"),
        (
            'elements = ["H"]\n# \ud800\n',
            "<string>:2:3: error: not valid Unicode text: an unpaired surrogate U+D800",
        ),
    ],
)
def test_api_text_that_is_no_path_or_no_unicode(text: str, expected: str) -> None:
    with pytest.raises(SpecError) as caught:
        sfcompile.compile_spec(text)
    assert [d.format() for d in caught.value.diagnostics] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "elements = " + "[" * 600,
        "cutoff = 1" + "0" * 400,
        'elements = ["H"]\n[[sets]]\ntype = [1]\nrule = "custom"\n',
    ],
)
def test_only_documented_errors_escape_the_api(text: str) -> None:
    with pytest.raises(SfcompileError):
        sfcompile.compile_spec(text)
    with pytest.raises(SfcompileError):
        sfcompile.load(text)


# (10) non-ASCII digits in input.nn ---------------------------------------------------------


@pytest.mark.parametrize("token", ["0.\u0661", "\uff12", "\uff16.0"])
def test_non_ascii_digits_are_refused(token: str) -> None:
    text = f"elements H O\nsymfunction_short H 2 H {token} 0.0 6.0\n"
    with pytest.raises(SpecError) as caught:
        import_input_nn(text, "in.nn")
    assert [d.format() for d in caught.value.diagnostics] == [
        f"in.nn:2:25: error: eta: `{token}` has a non-ASCII character: n2p2 stops reading the "
        "number there and reads 0.0 without complaint; write the number with ASCII digits"
    ]


def test_a_non_ascii_type_number_is_refused() -> None:
    with pytest.raises(SpecError) as caught:
        import_input_nn("elements H\nsymfunction_short H \uff12 H 0.5 0.0 6.0\n", "in.nn")
    assert caught.value.diagnostics[0].format() == (
        "in.nn:2:21: error: the type must be an integer, got `\uff12`: n2p2 cannot read it as a "
        "type; write one of 2, 3, 9, 12, 13, 20, 21, 22, 23, 24, 25"
    )


# (11) -o '' ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["compile", "import", "stats"])
def test_an_empty_output_name_is_a_usage_error(command: str, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = {"compile": ["compile", "spec.toml"], "import": ["import", "in.nn"],
            "stats": ["stats", "spec.toml", "--data", "x.data"]}[command]  # fmt: skip
    assert main([*argv, "-o", ""], out, err) == 2
    assert out.getvalue() == ""
    assert "argument -o/--output: expected a file name, got an empty string" in err.getvalue()


# (12) eta = 0 --------------------------------------------------------------------------------


def test_eta_zero_is_a_valid_spec_value() -> None:
    radial = set_with(eta="[0.0]")
    with pytest.warns(sfcompile.SpecWarning, match="eta-too-small|Gaussian too wide"):
        text = sfcompile.compile_spec(radial)
    assert "symfunction_short H  2 H  0.000E+00 0.000E+00 6.000E+00" in text
    angular = set_with(type='"angular_narrow"', eta="[0.0]", zetas="[1, 4]")
    assert text.count("symfunction") == 1
    assert sfcompile.compile_spec(angular).count("symfunction_short H  3 H  H  0.000E+00") == 4


def test_carbon_chain_4g_imports_and_round_trips() -> None:
    path = EXAMPLES / "Carbon_chain_4G" / "input.nn"
    result = import_input_nn(path.read_text(), str(path))
    spec = sfcompile.load(result.spec_text)
    diff = semantic_diff(load_source(path), _source_of(spec))
    assert diff.equal and diff.shared == 60


def test_alaumgo_4g_imports_but_for_its_two_negative_zetas() -> None:
    """n2p2's AlAuMgO_4G potential has two lines with zeta = -1 and -2 (lambda and zeta
    swapped?), which n2p2 accepts and computes garbage with; every other line imports."""
    path = EXAMPLES / "AlAuMgO_4G" / "input.nn"
    text = path.read_text()
    with pytest.raises(SpecError) as caught:
        import_input_nn(text, "input.nn")
    assert [d.format() for d in caught.value.diagnostics] == [
        "input.nn:385:33: error: zeta = -1.0: must be >= 1 (n2p2 accepts it silently)",
        "input.nn:386:33: error: zeta = -2.0: must be >= 1 (n2p2 accepts it silently)",
    ]
    lines = text.split("\n")
    kept = "\n".join(line for n, line in enumerate(lines, 1) if n not in (385, 386))
    result = import_input_nn(kept, "input.nn")
    diff = semantic_diff(_source_of_text(kept), _source_of(sfcompile.load(result.spec_text)))
    assert diff.equal and diff.shared == 149  # 151 lines, 2 left out


def _source_of(loaded: object) -> object:
    from sfcompile.inputnn.diff import source_from_spec

    return source_from_spec(loaded)  # type: ignore[arg-type]


def _source_of_text(text: str) -> object:
    from sfcompile.inputnn.diff import source_from_input_nn

    return source_from_input_nn(text, "input.nn")


# (5, 7) the neighbour search: budgets and molecules vesin cannot take -------------------------


def stats_of(tmp_path: Path, data: str, *extra: str) -> tuple:
    spec = tmp_path / "spec.toml"
    spec.write_text(
        'elements = ["S", "Cu"]\ncutoff = 6.0\n[cutoff_function]\ntype = "cos"\n'
        '[[sets]]\ntype = "radial"\nrule = "custom"\nr_shift = [0.0]\neta = [0.1]\n'
        '[[sets]]\ntype = "angular_narrow"\nrule = "custom"\nr_shift = [0.0]\neta = [0.1]\n'
        "zetas = [1]\n"
    )
    (tmp_path / "in.data").write_text(data)
    out, err = io.StringIO(), io.StringIO()
    argv = ["stats", str(spec), "--data", str(tmp_path / "in.data"), *extra]
    return main(argv, out, err), out.getvalue(), err.getvalue()


def structure(atoms: str, lattice: str = "") -> str:
    return f"begin\n{lattice}{atoms}energy 0\ncharge 0\nend\n"


def test_atoms_a_million_apart_in_a_molecule(tmp_path: Path) -> None:
    """vesin died of SIGFPE on this; the molecule is now searched part by part."""
    atoms = "".join(
        f"atom {x} 0 0 {e} 0 0 0 0 0\n"
        for x, e in [(0, "S"), (2.0, "Cu"), (1e6, "Cu"), (1e6 + 2.2, "S")]
    )
    code, out, err = stats_of(tmp_path, structure(atoms), "--jobs", "2")
    assert code == 0, err
    assert "shortest interatomic distance: 2 (Cu-S)" in out


def test_a_cell_far_smaller_than_the_cutoff_is_refused_with_the_figure(tmp_path: Path) -> None:
    cell = "lattice 0.1 0 0\nlattice 0 0.1 0\nlattice 0 0 0.1\n"
    data = structure("atom 0 0 0 S 0 0 0 0 0\n") + structure("atom 0 0 0 S 0 0 0 0 0\n", cell)
    code, out, err = stats_of(tmp_path, data)
    assert (code, out) == (2, "")
    assert (
        err.splitlines()[0].startswith(
            f"{tmp_path / 'in.data'}:5:1: error: structure 1 (0-based): 9.05e+05"
        )
        is False
    )  # the pair estimate (9.0e5) is under the budget; the triplets are not:
    assert f"{tmp_path / 'in.data'}:6:1: error: structure 1 (0-based): 4.09e+11 triplets" in err
    assert "more than the limit of 100,000,000 for angular SFs" in err
    code, _, err = stats_of(tmp_path, data, "--max-neighbours", "1000")
    assert code == 2
    assert err.splitlines()[0] == (
        f"{tmp_path / 'in.data'}:6:1: error: structure 1 (0-based): about 9.05e+05 neighbour "
        "pairs within the cutoff 6 (1 atom, a cell of volume 0.001), more than the limit of "
        "1,000: is the cell much smaller than the cutoff, or are the lengths in another unit "
        "than the spec's? Raise the limit with --max-neighbours if the structure is right"
    )


@pytest.mark.parametrize(
    "lattice",
    [
        "lattice 5e-8 0 0\nlattice 0 5e-8 0\nlattice 0 0 5e-8\n",
        "lattice 10 0 0\nlattice 0 10 0\nlattice 10 10 1e-8\n",
    ],
    ids=["tiny", "nearly-flat"],
)
def test_degenerate_cells_are_refused_before_the_search(tmp_path: Path, lattice: str) -> None:
    code, out, err = stats_of(tmp_path, structure("atom 0 0 0 S 0 0 0 0 0\n", lattice))
    assert (code, out) == (2, "")
    assert "neighbour pairs within the cutoff 6 (1 atom, a cell of volume" in err
    assert "--max-neighbours" in err


def test_budget_errors_come_back_whole_from_worker_processes(tmp_path: Path) -> None:
    cell = "lattice 0.1 0 0\nlattice 0 0.1 0\nlattice 0 0 0.1\n"
    data = structure("atom 0 0 0 S 0 0 0 0 0\n", cell) * 3
    code, _, err = stats_of(tmp_path, data, "--jobs", "2")
    assert code == 2 and "in.data:1:1: error: structure 0 (0-based): 4.09e+11 triplets" in err


COINCIDENT = "begin\natom 0 0 0 O 0 0 0 0 0\natom 1.8 0 0 H 0 0 0 0 0\natom 1.8 0 0 H 0 0 0 0 0\n"
COINCIDENT += "energy 0\ncharge 0\nend\n"
ANGULAR = """\
elements = ["H", "O"]
cutoff = 6.0
[cutoff_function]
type = "cos"
[[sets]]
type = "angular_wide"
rule = "custom"
r_shift = [0]
eta = [0.1]
zetas = [1]
"""


@pytest.mark.parametrize("command", [["stats"], ["select", "--per-element", "1"]])
def test_two_atoms_at_one_position_are_refused(
    command: List[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("dup.data").write_text(COINCIDENT)
    Path("spec.toml").write_text(ANGULAR)
    out, err = io.StringIO(), io.StringIO()
    code = main([command[0], "spec.toml", "--data", "dup.data", *command[1:]], out, err)
    assert (code, out.getvalue()) == (2, "")
    assert err.getvalue().splitlines() == [
        "dup.data:1:1: error: structure 0 (0-based): atoms 1 and 2 (0-based) are 0 apart: the "
        "same position (an atom written twice?); their SF values would be infinite or NaN",
    ]
