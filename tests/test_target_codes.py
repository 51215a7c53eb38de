"""The targets against the codes themselves: DScribe's ACSF from the emitted keyword arguments
equals sfcompile's SF values on n2p2's example data; the RuNNer output reads back through
runnerase-core's input.nn reader (PyPI) with the same SFs; every target that can be imported
imports back to an equivalent spec."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Tuple

import numpy as np
import pytest

from sfcompile.engine.sfvalues import compute
from sfcompile.generate.expand import SymmetryFunction
from sfcompile.generate.pipeline import check, load
from sfcompile.inputnn.formats import import_aenet, import_runner, import_simple_nn
from sfcompile.readers.structures import read_input_data
from sfcompile.targets.registry import compile_target
from sfcompile.targets.units import BOHR_IN_ANGSTROM, Conversion

from .conftest import DATA

BOHR = float(BOHR_IN_ANGSTROM)

SPEC = """\
elements = ["{a}", "{b}"]
cutoff = {rc}
unit = "{unit}"

[cutoff_function]
type = "cos"

[[sets]]
type = "radial"
rule = "custom"
r_shift = [0.0, {rs}, 0.0]
eta = [{eta1}, {eta2}, 0.0]

[[sets]]
type = "angular_narrow"
rule = "custom"
r_shift = [0.0, 0.0]
eta = [{eta3}, {eta1}]
zetas = [1, 4]

[[sets]]
type = "angular_wide"
rule = "custom"
r_shift = [0.0]
eta = [{eta1}]
zetas = [2]
"""
WATER = SPEC.format(a="H", b="O", rc=12.0, unit="bohr", rs=2.5, eta1=0.01, eta2=0.05, eta3=0.002)
CU2S = SPEC.format(a="S", b="Cu", rc=6.0, unit="angstrom", rs=2.2, eta1=0.05, eta2=0.5,
                   eta3=0.01)  # fmt: skip


def _structure(name: str, index: int):  # type: ignore[no-untyped-def]
    return list(read_input_data(DATA / "datasets" / name))[index]


def _sfs_of(text: str) -> List[SymmetryFunction]:
    checked = check(load(text))
    return [sf for g in checked.generated for b in g.blocks for sf in b]


@pytest.mark.parametrize(
    ("text", "data", "index", "to_angstrom"),
    [(WATER, "h2o-4.data", 1, BOHR), (CU2S, "cu2s-3.data", 0, 1.0)],
    ids=["water-bohr", "cu2s-angstrom"],
)
def test_dscribe_equals_sfcompile_on_real_structures(
    text: str, data: str, index: int, to_angstrom: float
) -> None:
    """Water in Bohr (its SFs converted to Å by the target, the positions by the test) and
    Cu2S in Å; periodic, with r_c beyond half the small water box (several images count)."""
    dscribe = pytest.importorskip("dscribe.descriptors")
    ase = pytest.importorskip("ase")
    [(_, emitted)] = compile_target(text, "dscribe")
    document = json.loads(emitted)
    structure = _structure(data, index)
    atoms = ase.Atoms(
        symbols=list(structure.elements),
        positions=np.asarray(structure.positions) * to_angstrom,
        cell=np.asarray(structure.lattice) * to_angstrom, pbc=True,
    )  # fmt: skip
    sfs = _sfs_of(text)
    ours = compute(structure, sfs, 1, 0.0)
    elements = list(document["acsf"])
    for central in elements:
        acsf = dscribe.ACSF(periodic=True, **document["acsf"][central])
        mine = [i for i, e in enumerate(structure.elements) if e == central]
        theirs = acsf.create(atoms)[mine]
        columns = document["columns"][central]
        assert len(columns) == theirs.shape[1] == acsf.get_number_of_features()
        spec_columns = [c for c in columns if c["line"] is not None]
        assert sorted(c["line"] for c in spec_columns) == list(range(1, ours[central].shape[1] + 1))
        for c in spec_columns:
            np.testing.assert_allclose(
                theirs[:, c["column"]], ours[central][:, c["line"] - 1], rtol=1e-10, atol=1e-12
            )
        # the hidden G1 column: the sum of f_c over that neighbour element (eta = 0, r_s = 0)
        for c in (c for c in columns if c["kind"] == "G1"):
            probe = [SymmetryFunction(2, (central, c["neighbours"][0]), sfs[0].cutoff, 0.0, 0.0)]
            expected = compute(structure, probe, 1, 0.0)[central][:, 0]
            np.testing.assert_allclose(theirs[:, c["column"]], expected, rtol=1e-10, atol=1e-12)


def test_dscribe_python_api_gives_a_ready_acsf() -> None:
    pytest.importorskip("dscribe.descriptors")
    from sfcompile.targets.dscribe import acsf, acsf_arguments

    made = acsf(WATER, "O", periodic=True)
    arguments = acsf_arguments(WATER)["O"]
    assert made.r_cut == arguments["r_cut"] == 6.350126530836  # 12 x 0.529177210903, exactly
    assert made.g2_params == arguments["g2_params"]
    assert len(arguments["g4_params"]) == 2 * 2 * 2  # eta x zeta x lambda


def test_runner_output_reads_back_through_runnerase() -> None:
    """runnerase-core (PyPI) reads RuNNer input.nn SF lines of types 2 and 3 (it does not know
    type 9; the layout of those lines is the same as type 3's, see test_target_grammar)."""
    runnerase = pytest.importorskip("runnerase_core")
    text = WATER.replace('type = "angular_wide"', 'type = "angular_narrow"').replace(
        "zetas = [2]", "zetas = [2]\nlambdas = [1]\ncutoff = 10.0"
    )
    [(_, emitted)] = compile_target(text, "runner")
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.nn"
        path.write_text(emitted)
        options = runnerase.read_inputnn(str(path))
    assert options["cutoff_type"] == 1
    read = [
        (sf.sftype, tuple(sf.elements), tuple(sf.coefficients), sf.cutoff)
        for sf in options["symfunction_short"]
    ]
    expected = []
    for sf in _sfs_of(text):
        if sf.type_number == 2:
            coefficients: Tuple[float, ...] = (sf.eta, sf.r_shift)  # type: ignore[assignment]
        else:
            coefficients = (sf.eta, sf.lambda_, sf.zeta)  # type: ignore[assignment]
        expected.append((sf.type_number, sf.combination, coefficients, float(sf.cutoff)))
    assert read == expected  # the spec is in Bohr: RuNNer's numbers are the spec's


# -- round trips -----------------------------------------------------------------------------


def _canonical(text: str, unit: str) -> List[Tuple[object, ...]]:
    """The SFs of a spec in ``unit``, as a sorted list (order-free comparison)."""
    loaded = load(text)
    conversion = Conversion(loaded.spec.unit, unit)
    found = []
    for sf in _sfs_of(text):
        sf = conversion.sf(sf)
        neighbours = tuple(sorted(sf.combination[1:]))
        found.append((sf.type_number, sf.combination[0], neighbours, *map(_real, sf[2:])))
    return sorted(found, key=repr)


def _real(value: object) -> object:
    return float(value) if isinstance(value, (int, float)) else value


def _files(text: str, target: str) -> List[Tuple[str, str]]:
    return [(body, name) for name, body in compile_target(text, target)]


@pytest.mark.parametrize("source", [WATER, CU2S], ids=["bohr", "angstrom"])
def test_every_importable_target_imports_back(source: str) -> None:
    [(_, runner)] = compile_target(source, "runner")
    back = import_runner(runner, "input.nn").spec_text
    assert load(back).spec.unit == "bohr"
    assert _canonical(back, "bohr") == _canonical(source, "bohr")
    back = import_aenet(_files(source, "aenet")).spec_text
    assert load(back).spec.unit == "angstrom"
    assert _canonical(back, "angstrom") == _canonical(source, "angstrom")
    files = _files(source, "simple-nn")
    back = import_simple_nn(files, None).spec_text  # the element order from the legend
    assert _canonical(back, "angstrom") == _canonical(source, "angstrom")


def test_aenet_rmin_goes_both_ways() -> None:
    text = WATER + "\n[aenet]\nrmin = 1.5\n"
    files = _files(text, "aenet")
    assert all("\nRMIN 7.9376581635450005E-01\n" in body for body, _ in files)  # 1.5 x 0.529...
    back = load(import_aenet(files).spec_text).spec
    assert back.aenet is not None and back.aenet.rmin == 0.7937658163545
