"""``sfcompile init``: the survey of a data set against a direct computation, the length-unit
guess on data sets of known unit (``tests/data/datasets/datasets.json``: h2o-4 in Bohr, cu2s-3
and the QM9 subsets in Å), and starter specs that compile cleanly and whose SFs live on their
own data."""

from __future__ import annotations

import io
import json
import re
from itertools import combinations_with_replacement
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import pytest

from sfcompile._compat import loads
from sfcompile.analysis.radii import COVALENT_RADIUS
from sfcompile.analysis.report import findings
from sfcompile.analysis.starter import guess_units, starter_spec
from sfcompile.analysis.stats import collect, spec_plan
from sfcompile.analysis.survey import SEARCH, Survey, survey
from sfcompile.cli import main
from sfcompile.engine.neighbours import neighbour_list
from sfcompile.generate.pipeline import check, load
from sfcompile.readers.structures import read_input_data
from sfcompile.spec.elements import SYMBOLS

DATA = Path(__file__).parent / "data" / "datasets"
UNITS = {d["name"]: d["length_unit"] for d in json.loads((DATA / "datasets.json").read_text())}
NAMES = ["h2o-4", "cu2s-3", "qm9-10", "qm9-f1"]


@pytest.fixture(scope="module")
def surveys() -> Dict[str, Survey]:
    return {name: survey(read_input_data(DATA / f"{name}.data")) for name in NAMES}


def brute_force(name: str) -> Tuple[Dict[Tuple[str, str], float], List[float], Dict[str, float]]:
    """Shortest distance per pair, nearest-neighbour distance per atom, and the reach of the
    triplets, from the neighbour list by plain loops."""
    closest: Dict[Tuple[str, str], float] = {}
    nearest: List[float] = []
    reach: Dict[str, float] = {}
    for s in read_input_data(DATA / f"{name}.data"):
        found = neighbour_list(s.positions, s.lattice, SEARCH)
        for atom in range(len(s.elements)):
            mine = [(d, s.elements[j]) for i, j, d in zip(found.i, found.j, found.distances)
                    if i == atom]  # fmt: skip
            if mine:
                nearest.append(min(mine)[0])
            by_element: Dict[str, List[float]] = {}
            for d, e in mine:
                by_element.setdefault(e, []).append(d)
                pair = tuple(sorted((s.elements[atom], e)))
                closest[pair] = min(d, closest.get(pair, np.inf))  # type: ignore[index]
            for a, b in combinations_with_replacement(sorted(by_element), 2):
                da, db = sorted(by_element[a]), sorted(by_element[b])
                if a == b and len(da) < 2:
                    continue
                need = da[1] if a == b else max(da[0], db[0])
                key = f"{s.elements[atom]}-{a}-{b}"
                reach[key] = min(need, reach.get(key, np.inf))
    return closest, nearest, reach


@pytest.mark.parametrize("name", ["h2o-4", "cu2s-3"])
def test_the_survey_equals_a_direct_computation(surveys: Dict[str, Survey], name: str) -> None:
    closest, nearest, reach = brute_force(name)
    measured = surveys[name]
    assert measured.closest == closest
    assert measured.median_nearest() == pytest.approx(float(np.median(nearest)), abs=0.01)
    assert {f"{c}-{a}-{b}": d for (c, a, b), d in measured.reach.items()} == reach
    assert measured.isolated == 0


def test_the_units_guess_matches_the_documented_units(surveys: Dict[str, Survey]) -> None:
    guessed = {name: guess_units(s).unit for name, s in surveys.items()}
    expected = {name: {"Bohr": "Bohr", "Angstrom": "Å"}[UNITS[name]] for name in NAMES}
    assert guessed == expected
    water = guess_units(surveys["h2o-4"])
    assert water.pair == ("H", "O") and water.ratio == pytest.approx(1.747 / 0.97, abs=2e-3)


def test_covalent_radii_are_cordero_2008() -> None:
    data = pytest.importorskip("ase.data")
    for symbol, radius in COVALENT_RADIUS.items():
        assert radius == pytest.approx(float(data.covalent_radii[SYMBOLS.index(symbol) + 1]))
    assert len(COVALENT_RADIUS) == 96  # H to Cm


def spec_of(surveys: Dict[str, Survey], name: str) -> Tuple[str, Dict[str, object]]:
    text = starter_spec(surveys[name], f"{name}.data").text
    return text, loads(text)


@pytest.mark.parametrize("name", NAMES)
def test_starter_specs_compile_without_a_diagnostic(surveys: Dict[str, Survey], name: str) -> None:
    text, _ = spec_of(surveys, name)
    checked = check(load(text))
    assert checked.diagnostics == ()
    assert all(len(line) <= 100 for line in text.splitlines())


def test_the_spec_states_the_guessed_unit(surveys: Dict[str, Survey]) -> None:
    """The guess becomes the spec's unit (the documented unit of each data set), so the
    targets whose code assumes a unit convert without being told."""
    expected = {"Bohr": "bohr", "Angstrom": "angstrom"}
    for name in NAMES:
        _, spec = spec_of(surveys, name)
        assert spec["unit"] == expected[UNITS[name]]


def test_cutoff_and_r_lower_follow_the_rules(surveys: Dict[str, Survey]) -> None:
    _, water = spec_of(surveys, "h2o-4")
    assert water["elements"] == ["H", "O"] and water["cutoff"] == 12.0  # Bohr: 12
    radial = [s for s in water["sets"] if s["type"] == "radial"]  # type: ignore[attr-defined]
    closest = surveys["h2o-4"].closest  # H-O 1.75, H-H 2.72, O-O 4.83: > 20 % apart each
    assert [s["include"] for s in radial] == [[["H", "O"], ["O", "H"]], [["H", "H"]], [["O", "O"]]]
    for spec_set, pair in zip(radial, [("H", "O"), ("H", "H"), ("O", "O")]):
        assert spec_set["r_lower"] == pytest.approx(np.floor(closest[pair] * 10) / 10)
        n, r_lower, r_upper = spec_set["nb_param_pairs"], spec_set["r_lower"], spec_set["r_upper"]
        spacing = (12.0 - r_lower) / n  # the last Gaussian one spacing below the cutoff
        assert r_upper == pytest.approx(12.0 - spacing, abs=1e-3)
        assert 0.8 <= spacing <= 1.25  # about 1 Bohr
    _, cu2s = spec_of(surveys, "cu2s-3")
    assert cu2s["elements"] == ["S", "Cu"] and cu2s["cutoff"] == 6.0  # by atomic number; Å: 6
    radial = [s for s in cu2s["sets"] if s["type"] == "radial"]  # type: ignore[attr-defined]
    # Cu-S and Cu-Cu within 20 % of each other share a set; S-S (3.1) is apart
    assert radial[0]["include"] == [["S", "Cu"], ["Cu", "S"], ["Cu", "Cu"]]
    assert radial[1]["include"] == [["S", "S"]]


def test_absent_combinations_get_no_sfs(surveys: Dict[str, Survey]) -> None:
    _, qm9 = spec_of(surveys, "qm9-10")
    (angular,) = [s for s in qm9["sets"] if s["type"] == "angular_wide"]  # type: ignore[attr-defined]
    reach = surveys["qm9-10"].reach
    for central, a, b in angular["exclude"]:
        assert reach.get((central, *sorted((a, b))), np.inf) >= 6.0  # type: ignore[arg-type]
    assert angular["zetas"] == [1.0, 2.0, 4.0, 16.0] and angular["mode"] == "center"


def test_the_comments_quote_the_measurements(surveys: Dict[str, Survey]) -> None:
    text, _ = spec_of(surveys, "h2o-4")
    text = " ".join(line.lstrip("# ") for line in text.splitlines())  # the comments as prose
    d = surveys["h2o-4"].closest["H", "O"]
    assert f"The shortest H-O distance, {d:.4g}, is 1.80 times the sum" in text
    assert "Length unit: probably Bohr" in text
    median = surveys["h2o-4"].median_nearest()
    assert median is not None and f"2.5 x {median:.3g}" in text


@pytest.mark.parametrize("name", ["h2o-4", "cu2s-3", "qm9-10"])
def test_starter_sfs_are_alive_on_their_data(surveys: Dict[str, Survey], name: str) -> None:
    text, _ = spec_of(surveys, name)
    plan = spec_plan(check(load(text)))
    found = findings(plan, collect(plan, read_input_data(DATA / f"{name}.data")))
    assert found["units_warnings"] == []
    dead = [e["sf"] for info in found["elements"].values() for e in info["sfs"] if e["dead"]]
    if name == "qm9-10":  # 10 molecules: a few triplets seen once, at small angles only
        assert len(dead) <= 6 and all("lambda=-1 zeta=1.600E+01" in sf for sf in dead)
    else:
        assert dead == []


def run(argv: List[str]) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(argv, out, err), out.getvalue(), err.getvalue()


@pytest.mark.usefixtures("in_tmp_path")
def test_cli_stdout_file_and_force(tmp_path: Path) -> None:
    data = str(DATA / "cu2s-3.data")
    code, out, err = run(["init", "--data", data])
    assert code == 0 and out.startswith("# Starter spec written by `sfcompile init`")
    assert re.fullmatch(r"sfcompile init: S, Cu; cutoff 6 \(probably Å\); 2 radial and 1 "
                        r"angular set\(s\), \d+ SFs\n", err)  # fmt: skip
    assert run(["init", "--data", data, "-o", "spec.toml", "-q"]) == (0, "", "")
    assert (tmp_path / "spec.toml").read_text() == out
    (tmp_path / "spec.toml").write_text("mine")
    code, out, err = run(["init", "--data", data, "-o", "spec.toml"])
    assert (code, out) == (2, "")
    assert "spec.toml: error: the file exists" in err and "--force" in err
    assert (tmp_path / "spec.toml").read_text() == "mine"
    assert run(["init", "--data", data, "-o", "spec.toml", "--force", "-q"])[0] == 0
    assert (tmp_path / "spec.toml").read_text().startswith("# Starter spec")


@pytest.mark.usefixtures("in_tmp_path")
def test_cli_unreadable_data_is_located(tmp_path: Path) -> None:
    bad = "begin\natom 0.0 0.0 x H 0 0 0 0 0\nenergy 0\ncharge 0\nend\n"
    (tmp_path / "bad.data").write_text(bad)
    code, out, err = run(["init", "--data", "bad.data", "-o", "spec.toml"])
    assert (code, out) == (2, "")
    assert err.startswith("bad.data:2:14: error: expected a number (z in `atom")
    assert not (tmp_path / "spec.toml").exists()
    code, _, err = run(["init", "--data", "missing.data"])
    assert code == 2 and "missing.data: error: cannot open the data file" in err


@pytest.mark.usefixtures("in_tmp_path")
def test_cli_data_without_neighbours_is_refused(tmp_path: Path) -> None:
    far = "begin\natom 0 0 0 H 0 0 0 0 0\natom 50 0 0 H 0 0 0 0 0\nenergy 0\ncharge 0\nend\n"
    (tmp_path / "far.data").write_text(far)
    code, out, err = run(["init", "--data", "far.data"])
    assert (code, out) == (2, "")
    assert "far.data: error: no two atoms are within 13 of each other" in err
