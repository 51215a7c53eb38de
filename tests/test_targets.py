"""The targets: one spec to every code. Units converted exactly (checked with decimal
arithmetic), every inexpressible feature a located refusal with its message pinned, nothing
written on a refusal, n2p2's bytes unchanged, explain --target, the table's indices."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, getcontext
from pathlib import Path
from typing import List, Tuple

import pytest

import sfcompile
from sfcompile.cli import main
from sfcompile.generate.pipeline import check, load
from sfcompile.spec.models import TARGETS
from sfcompile.targets.formatting import NumberFormat
from sfcompile.targets.registry import MODULES, compile_target
from sfcompile.targets.units import BOHR_IN_ANGSTROM, Conversion

from .conftest import REPO

WATER = """\
elements = ["H", "O"]
cutoff = 12.0
unit = "bohr"

[[sets]]
type = "radial"
rule = "custom"
r_shift = [0.0, 2.0]
eta = [0.001, 0.02]

[[sets]]
type = "angular_narrow"
rule = "custom"
r_shift = [0.0]
eta = [0.01]
zetas = [1, 4]

[[sets]]
type = "angular_wide"
rule = "custom"
r_shift = [0.0]
eta = [0.005]
zetas = [2]
lambdas = [1]
"""


def run(argv: List[str]) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


def spec_file(tmp_path: Path, text: str, name: str = "spec.toml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_target_names_agree() -> None:
    from sfcompile.cli.options import TARGET_NAMES

    assert TARGETS == TARGET_NAMES == tuple(MODULES)


def test_n2p2_bytes_unchanged_by_target_and_unit(tmp_path: Path) -> None:
    """--target n2p2 and [output] target = "n2p2" give compile_spec's bytes; the unit changes
    nothing but the spec's sha256 in the header."""
    plain = (REPO / "examples/configs/sfparamgen-walkthrough-SCu.toml").read_text()
    path = spec_file(tmp_path, plain, "sfparamgen-walkthrough-SCu.toml")
    expected = sfcompile.compile_spec(Path(path))
    assert run([path, "--target", "n2p2"]) == (0, expected, "")
    with_unit = plain.replace("cutoff = 6.0", 'cutoff = 6.0\nunit = "angstrom"', 1)
    ours = sfcompile.compile_spec(Path(spec_file(tmp_path, with_unit, Path(path).name)))
    assert [x for x in ours.splitlines() if "sha256" not in x] == [
        x for x in expected.splitlines() if "sha256" not in x
    ]


# -- units ---------------------------------------------------------------------------------


def _decimal(value: float, power: int) -> float:
    """value x (0.529177210903)^power in 50-digit decimal arithmetic, then to a double."""
    getcontext().prec = 50
    return float(Decimal(repr(value)) * Decimal(BOHR_IN_ANGSTROM) ** power)


def test_bohr_to_angstrom_is_exact() -> None:
    to_angstrom, to_bohr = Conversion("bohr", "angstrom"), Conversion("angstrom", "bohr")
    assert to_angstrom.length(12.0) == 6.350126530836 == _decimal(12.0, 1)
    for eta in (0.001, 0.02, 0.3, 1.7e-5):
        assert to_angstrom.eta(eta) == _decimal(eta, -2)
        assert to_bohr.eta(eta) == _decimal(eta, 2)
    assert to_bohr.length(6.350126530836) == 12.0
    assert Conversion("bohr", "bohr").identity and Conversion(None, None).identity


def test_runner_lines_in_bohr_aenet_in_angstrom(tmp_path: Path) -> None:
    angstrom = WATER.replace('unit = "bohr"', 'unit = "angstrom"')
    [(_, runner)] = compile_target(angstrom, "runner")
    lines = [line for line in runner.splitlines() if line.startswith("symfunction_short")]
    # 12 Å / 0.529177210903 and 0.02 Å^-2 x 0.529177210903^2, worked out in decimal
    rc, eta = _decimal(12.0, -1), _decimal(0.02, 2)
    exact = NumberFormat(16).real  # converted numbers: 17 significant digits
    assert lines[1] == f"symfunction_short H 2 H {exact(eta)} {exact(_decimal(2.0, -1))} " + (
        f"{exact(rc)}"
    )
    assert "cutoff_type 1" in runner.splitlines()
    assert "# units: lengths in Bohr, eta in 1/Bohr^2: converted from Å exactly" in runner
    files = dict(compile_target(WATER, "aenet"))
    assert "Rc=6.3501265308360004E+00" in files["H.fingerprint.stp"]
    [(_, same_unit)] = compile_target(WATER, "runner")  # no conversion: n2p2's own numbers
    assert "symfunction_short H 2 O 2.000E-02 2.000E+00 1.200E+01" in same_unit.splitlines()


# -- refusals ------------------------------------------------------------------------------

REFUSALS = [
    (
        "runner",
        WATER.replace('unit = "bohr"\n', ""),
        "spec.toml:2:1: error: cutoff: the runner target writes lengths in Bohr (RuNNer 1.x "
        "input.nn assumes it), but the spec does not say which unit its lengths are in: add "
        'unit = "angstrom" or unit = "bohr" at the top of the spec',
    ),
    (
        "runner",
        WATER + '\n[[sets]]\ntype = "weighted_radial"\nrule = "custom"\nr_shift = [0.0]\n'
        "eta = [0.1]\n",
        "spec.toml:27:1: error: sets[3].type: the runner target (RuNNer 1.x input.nn) cannot "
        "take type 'weighted_radial' (n2p2 type 12): it has no weighted radial SFs; it takes "
        "radial (2), angular_narrow (3), angular_wide (9)",
    ),
    (
        "aenet",
        WATER + '\n[[sets]]\ntype = "poly_radial"\nrule = "windows"\nmode = "shift"\n'
        "nb_windows = 3\nr_lower = 1.0\nwidth = 4.0\n",
        "spec.toml:27:1: error: sets[3].type: the aenet target (aenet .stp, Behler2011 "
        "functions) cannot take type 'poly_radial' (n2p2 type 20): it has no polynomial radial "
        "SFs; it takes radial (2), angular_narrow (3), angular_wide (9)",
    ),
    (
        "dscribe",
        WATER.replace("r_shift = [0.0]\neta = [0.01]", "r_shift = [1.5]\neta = [0.01]"),
        "spec.toml:14:1: error: sets[1].r_shift: the dscribe target (DScribe ACSF) cannot take "
        "an angular SF with r_shift != 0: its angular SFs are centred at r = 0 "
        '(exp(-eta r^2)); use r_shift = 0 (e.g. mode = "center") or compile for n2p2',
    ),
    (
        "simple-nn",
        WATER + '\n[cutoff_function]\ntype = "tanh"\n',
        "spec.toml:27:1: error: cutoff_function.type: the simple-nn target (SIMPLE-NN "
        "params_XX) cannot take cutoff function 'tanh': it has cos only; use type = 'cos' or "
        "another target",
    ),
    (
        "runner",
        WATER + '\n[cutoff_function]\ntype = "cos"\nalpha = 0.2\n',
        "spec.toml:28:1: error: cutoff_function.alpha: the runner target (RuNNer 1.x input.nn) "
        "cannot take an inner cutoff (alpha = 0.2): its cutoff function starts falling at "
        "r = 0; remove alpha or compile for n2p2",
    ),
    (
        "dscribe",
        WATER.replace("zetas = [2]", "zetas = [2]\ncutoff = 10.0"),
        "spec.toml:24:1: error: sets[2].cutoff: the dscribe target (DScribe ACSF) cannot take a "
        "second cutoff for central element H (10.0; sets[0] has 12.0): it applies one cutoff "
        "to every SF of a central element; give these sets the same cutoff",
    ),
    (
        "dscribe",
        WATER.replace("eta = [0.001, 0.02]", 'eta = [0.001, 0.02]\nexclude = [["H", "O"]]'),
        "spec.toml:10:1: error: sets[0].exclude: the dscribe target (DScribe ACSF) cannot take "
        "radial SFs of central element H whose parameters differ between element combinations "
        "(e.g. H-O): it applies the same parameters to every neighbour element (pair) of a "
        "central element; give every combination the same parameters (no include/exclude "
        "filters, the same sets for every neighbour)",
    ),
]


@pytest.mark.parametrize(("target", "text", "message"), REFUSALS)
def test_refusal_is_located_and_nothing_is_written(
    target: str, text: str, message: str, tmp_path: Path, in_tmp_path: None
) -> None:
    Path("spec.toml").write_text(text)
    out = "out.txt" if target not in ("aenet", "simple-nn") else "out/"
    code, stdout, stderr = run(["spec.toml", "--target", target, "-o", out])
    assert (code, stdout) == (2, "")
    assert message in stderr.splitlines()
    assert not Path(out).exists()
    code, stdout, _ = run(["spec.toml", "--target", target])  # standard output stays empty
    assert (code, stdout) == (2, "")


def test_refusal_from_the_spec_target_and_python() -> None:
    text = WATER.replace('unit = "bohr"', 'unit = "bohr"\n\n[output]\ntarget = "dscribe"', 1)
    bad = text.replace("r_shift = [0.0]\neta = [0.01]", "r_shift = [1.5]\neta = [0.01]")
    with pytest.raises(sfcompile.SpecError, match=r"sets\[1\]\.r_shift: the dscribe target"):
        compile_target(bad)
    [(_, document)] = compile_target(text)
    assert json.loads(document)["format"] == "sfcompile-dscribe/1"


def test_multi_file_targets_need_a_directory_or_pattern(tmp_path: Path, in_tmp_path: None) -> None:
    Path("spec.toml").write_text(WATER)
    code, out, err = run(["spec.toml", "--target", "aenet"])
    assert (code, out) == (2, "")
    assert "the aenet target writes one file per element; give -o DIR" in err
    assert run(["spec.toml", "--target", "aenet", "-o", "stp/"])[0] == 0
    assert sorted(p.name for p in Path("stp").iterdir()) == [
        "H.fingerprint.stp", "O.fingerprint.stp",
    ]  # fmt: skip
    assert run(["spec.toml", "--target", "simple-nn", "-o", "nn/params_{element}"])[0] == 0
    assert sorted(p.name for p in Path("nn").iterdir()) == [
        "params_H", "params_O", "simple-nn-input.yaml",
    ]  # fmt: skip
    code, _, err = run(["spec.toml", "--target", "runner", "--full"])
    assert code == 2 and "--full writes n2p2's input.nn; not with target runner" in err


def test_explain_target_lists_what_it_can_and_cannot_take(tmp_path: Path) -> None:
    code, out, _ = run(["explain", "--target", "runner"])
    assert code == 0
    assert out.splitlines()[:2] == ["Target runner (RuNNer 1.x input.nn)", "  can take:"]
    assert "    - weighted_radial (12)" in out and "    - r_shift != 0 in angular SFs" in out
    path = spec_file(tmp_path, WATER.replace('unit = "bohr"\n', ""))
    code, out, _ = run(["explain", path, "--target", "aenet"])
    assert code == 0 and "  this spec has 1 refusal(s):" in out
    code, _, err = run(["explain"])
    assert code == 2 and "give a spec" in err


# -- the table -------------------------------------------------------------------------------


def test_table_rows_agree_with_n2p2_order(tmp_path: Path) -> None:
    [(_, text)] = compile_target(WATER, "table")
    table = json.loads(text)
    assert (table["unit"], table["eta_unit"]) == ("bohr", "1/bohr^2")
    rows = table["functions"]
    checked = check(load(WATER))
    lines = [sf for g in checked.generated for b in g.blocks for sf in b]
    assert len(rows) == len(lines) == 2 * 2 * 2 + 2 * 3 * 4 + 2 * 3
    index_map = sfcompile.n2p2_index_map(checked.generated, NumberFormat(3))
    for element in ("H", "O"):
        mine = [r for r in rows if r["central"] == element]
        for n2p2_index, where in enumerate(index_map[element], start=1):
            row = next(r for r in mine if r["n2p2_index"] == n2p2_index)
            generated = checked.generated[where.set_index]
            sf = [s for b in generated.blocks for s in b][where.position]
            assert (row["type"], row["eta"], row["cutoff"]) == (sf.type_number, sf.eta, sf.cutoff)
    first = rows[0]
    assert first["n2p2"] == "symfunction_short H  2 H  1.000E-03 0.000E+00 1.200E+01"
    [(_, csv_text)] = compile_target(WATER, "table", csv=True)
    parsed = list(csv.DictReader(io.StringIO(csv_text)))
    assert [float(r["eta"]) for r in parsed] == [r["eta"] for r in rows]
    assert parsed[0]["lambda"] == "" and parsed[-1]["lambda"] == "1.0"


def test_every_target_compiles_the_examples_it_can_take() -> None:
    """Each example spec compiles for every target, or is refused with located errors only."""
    for example in sorted((REPO / "examples/configs").glob("*.toml")):
        text = example.read_text()
        if "unit =" not in text:
            text = text.replace("\ncutoff =", '\nunit = "angstrom"\ncutoff =', 1)
        for target in TARGETS:
            try:
                files = compile_target(text, target)
            except sfcompile.SpecError as exc:
                assert all(d.line is not None for d in exc.diagnostics), example.name
                assert all(f"the {target} target" in d.message for d in exc.diagnostics)
            else:
                assert files and all(text for _, text in files)


def test_unknown_unit_and_target_are_located_with_a_suggestion(tmp_path: Path) -> None:
    text = WATER.replace('unit = "bohr"', 'unit = "nm"\n\n[output]\ntarget = "runer"', 1)
    code, out, err = run([spec_file(tmp_path, text)])
    assert (code, out) == (2, "")
    assert err.splitlines()[0].endswith(
        "spec.toml:3:8: error: unit: unknown unit 'nm'; expected one of 'angstrom', 'bohr'"
    )
    assert err.splitlines()[1].endswith(
        "spec.toml:6:10: error: output.target: unknown target 'runer'; did you mean 'runner'?"
    )
    code, out, err = run([spec_file(tmp_path, WATER), "--target", "runer"])
    assert code == 2 and "argument --target: invalid choice: 'runer'" in err


def test_every_target_gets_the_sfs_n2p2_reads() -> None:
    """A rule's values are printed at [output] precision in the n2p2 output; every target
    takes the same numbers (as n2p2 parses them), so one spec means one set of SFs."""
    text = WATER.replace(
        "r_shift = [0.0, 2.0]\neta = [0.001, 0.02]",
        "r_shift = [0.0, 2.0123456]\neta = [0.001, 0.0212345]",
    )
    [(_, runner)] = compile_target(text, "runner")
    assert "symfunction_short H 2 H 2.123E-02 2.012E+00 1.200E+01" in runner.splitlines()
    [(_, table)] = compile_target(
        text.replace('unit = "bohr"', 'unit = "bohr"\n[output]\nprecision = "full"'), "table"
    )
    assert json.loads(table)["functions"][1]["r_shift"] == 2.0123456


# -- import of the codes' files from the command line ------------------------------------------


def test_cli_imports_each_codes_files(tmp_path: Path, in_tmp_path: None) -> None:
    Path("spec.toml").write_text(WATER)
    assert run(["spec.toml", "--target", "aenet", "-o", "stp/"])[0] == 0
    assert run(["spec.toml", "--target", "simple-nn", "-o", "nn/"])[0] == 0
    assert run(["spec.toml", "--target", "runner", "-o", "runner.nn"])[0] == 0
    code, out, _ = run(["import", "stp/H.fingerprint.stp", "stp/O.fingerprint.stp", "-q"])
    assert code == 0 and 'unit = "angstrom"' in out.splitlines()
    code, out, _ = run(["import", "--format", "runner", "runner.nn", "-q"])
    assert code == 0 and 'unit = "bohr"' in out.splitlines()
    code, out, _ = run(["import", "nn/params_H", "nn/params_O", "--elements", "H,O", "-q"])
    assert code == 0 and load(out).spec.unit == "angstrom"
    code, out, err = run(["import", "nn/params_H", "nn/params_O"])
    assert (code, out) == (2, "")
    assert err == (
        "sfcompile import: error: SIMPLE-NN's neighbour indices need the element order: give "
        "--elements H,O or the input.yaml with its atom_types\n"
    )
    Path("bad.stp").write_text("ATOM H\nENV 1\nH\nFUNCTIONS type=Behler2011\n1\n"
                               "G=2 type2=O eta=0.1 Rs=0 Rc=6\n")  # fmt: skip
    code, out, err = run(["import", "bad.stp"])
    assert (code, out) == (2, "")
    assert err == "bad.stp:6:1: error: species 'O' is not in ENV (H): aenet stops; list it " \
        "under ENV\n"  # fmt: skip
    Path("nn/params_Cu").write_text(Path("nn/params_H").read_text())
    code, out, err = run(["import", "nn/params_Cu", "--elements", "H,O"])
    assert (code, out) == (2, "")
    assert err == "nn/params_Cu: error: name the file params_<element> with an element of " \
        "atom_types (H, O)\n"  # fmt: skip
    code, out, err = run(["import", "runner.nn", "--unit", "bohr", "-q"])
    assert code == 0 and 'unit = "bohr"' in out.splitlines()


def test_explain_json_carries_the_target(tmp_path: Path) -> None:
    path = spec_file(tmp_path, WATER.replace('unit = "bohr"\n', ""))
    code, out, _ = run(["explain", path, "--json", "--target", "dscribe"])
    document = json.loads(out)
    assert code == 0 and document["target"]["name"] == "dscribe"
    assert document["target"]["refusals"] == [
        f"{path}:2:1: error: cutoff: the dscribe target writes lengths in Å (DScribe ACSF "
        "assumes it), but the spec does not say which unit its lengths are in: add unit = "
        '"angstrom" or unit = "bohr" at the top of the spec'
    ]
    code, out, _ = run(["explain", path, "--json"])
    assert "target" not in json.loads(out)
