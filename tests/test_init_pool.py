"""``sfcompile init --pool``: candidate pools for ``select`` from the bundled data sets. Each
compiles without a diagnostic, is valid against the JSON Schema, has no SF constant on its own
data (counted independently by ``stats``' findings) and the size the rules give (worked out by
hand below)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Dict, List, Tuple

import jsonschema
import pytest

from sfcompile._compat import loads
from sfcompile.analysis.pool import Pool, angular_eta, angular_plan, candidate_pool, pool_spec
from sfcompile.analysis.report import findings
from sfcompile.analysis.stats import collect, spec_plan
from sfcompile.analysis.survey import Survey, survey
from sfcompile.cli import main
from sfcompile.generate.pipeline import check, load
from sfcompile.readers.structures import read_input_data
from tests.conftest import REPO

DATA = Path(__file__).parent / "data" / "datasets"
NAMES = ["h2o-4", "cu2s-3", "qm9-10"]


@pytest.fixture(scope="module")
def pools() -> Dict[str, Tuple[Survey, Pool]]:
    made = {}
    for name in NAMES:
        measured = survey(read_input_data(DATA / f"{name}.data"))
        pool = candidate_pool(measured, f"{name}.data", read_input_data(DATA / f"{name}.data"))
        made[name] = (measured, pool)
    return made


def per_element(text: str) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for g in check(load(text)).generated:
        for combination in g.combinations:
            counts[combination[0]] = counts.get(combination[0], 0) + len(g.rows)
    return counts


@pytest.mark.parametrize("name", NAMES)
def test_pools_compile_cleanly_and_validate(
    pools: Dict[str, Tuple[Survey, Pool]], name: str
) -> None:
    text = pools[name][1].text
    assert check(load(text)).diagnostics == ()
    schema = json.loads((REPO / "schemas" / "sfcompile.schema.json").read_text())
    jsonschema.Draft7Validator(schema).validate(loads(text))
    assert all(len(line) <= 100 for line in text.splitlines())


@pytest.mark.parametrize("name", NAMES)
def test_every_sf_of_a_pool_varies_on_its_data(
    pools: Dict[str, Tuple[Survey, Pool]], name: str
) -> None:
    plan = spec_plan(check(load(pools[name][1].text)))
    found = findings(plan, collect(plan, read_input_data(DATA / f"{name}.data")))
    dead = [e["sf"] for info in found["elements"].values() for e in info["sfs"] if e["dead"]]
    assert dead == []
    assert found["radial_gaps"] == [] and found["units_warnings"] == []


def test_the_size_of_the_water_pool_by_hand(pools: Dict[str, Tuple[Survey, Pool]]) -> None:
    # H, O: every pair and triplet occurs within 12 Bohr. Per element: 2 neighbour elements x
    # (6 + 8 + 12 + 20 shifted + 8 centred) = 108 radial; 3 triplets x (2 types x 4 widths + 1
    # broad) x 4 zetas x 2 lambdas = 216 angular
    measured, pool = pools["h2o-4"]
    assert per_element(pool.text) == {"H": 324, "O": 324}
    assert (pool.radial_sets, pool.angular_sets, pool.left_out) == (15, 9, 0)
    spec = loads(pool.text)
    assert spec["cutoff"] == 12.0
    shifts = [s for s in spec["sets"] if s.get("mode") == "shift"]  # type: ignore[attr-defined]
    assert [s["nb_param_pairs"] for s in shifts] == [6, 8, 12, 20] * 3
    for s in shifts:  # n Gaussians from r_lower to one spacing below the cutoff
        n, low, high = s["nb_param_pairs"], s["r_lower"], s["r_upper"]
        assert (high - low) / (n - 1) == pytest.approx((12.0 - low) / n, abs=1e-3)
    h_o = shifts[0]  # H-O first: the shortest distance, 1.747 Bohr, rounded down
    assert h_o["include"] == [["H", "O"], ["O", "H"]] and h_o["r_lower"] == 1.7
    assert measured.closest["H", "O"] == pytest.approx(1.747, abs=1e-3)


def test_angular_widths_and_sizes_by_hand() -> None:
    # Imbalzano 2018, 4 widths: eta_m = (3^(m/3)/r_c)^2 = 3^(2m/3)/36 for r_c = 6: 1/36 =
    # 0.02778, 2.0801/36 = 0.05778, 4.3267/36 = 0.1202, 9/36 = 0.25 (4 significant digits)
    assert [angular_eta(m, 6.0) for m in range(4)] == [0.02778, 0.05778, 0.1202, 0.25]
    # per triplet: (types x widths + broad) x 4 zetas x 2 lambdas
    sizes = [angular_plan(n).per_triplet() for n in range(1, 7)]
    assert sizes == [72, 72, 40, 24, 16, 16]


def test_constant_sfs_are_left_out_with_a_comment(pools: Dict[str, Tuple[Survey, Pool]]) -> None:
    # 10 small molecules: a few triplets are seen only at small angles and some radial
    # Gaussians between the distances of a pair; the pool leaves them out (the test above
    # checks that nothing constant is left), and says where
    _, pool = pools["qm9-10"]
    assert pool.left_out > 0
    assert pool.text.count("# Left out of this set:") > 0
    counts = per_element(pool.text)
    # 4 elements: radial 4 x 54, angular 10 triplets x 24 = 456 at most per element
    assert all(count <= 456 for count in counts.values()) and sum(counts.values()) > 1000


def run(argv: List[str]) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(argv, out, err), out.getvalue(), err.getvalue()


@pytest.mark.usefixtures("in_tmp_path")
def test_cli_pool_summary_file_and_jobs(tmp_path: Path) -> None:
    data = str(DATA / "h2o-4.data")
    code, out, err = run(["init", "--pool", "--data", data])
    assert code == 0 and out.startswith("# Candidate pool written by `sfcompile init --pool`")
    assert err == (
        "sfcompile init: H, O; cutoff 12 (probably Bohr); candidate pool: 15 radial and 9 "
        "angular set(s), 648 SFs (H 324, O 324); 0 element combination(s) left out of a set (an "
        "SF constant on the data)\n"
    )
    assert run(["init", "--pool", "--data", data, "-o", "pool.toml", "-q", "--jobs", "2"]) == (
        0, "", "",
    )  # fmt: skip
    assert (tmp_path / "pool.toml").read_text() == out  # the same bytes for any --jobs
    code, _, err = run(["init", "--pool", "--data", data, "-o", "pool.toml"])
    assert code == 2 and "pool.toml: error: the file exists" in err


@pytest.mark.usefixtures("in_tmp_path")
def test_cli_pool_with_left_out_combinations(tmp_path: Path) -> None:
    code, out, err = run(["init", "--pool", "--data", str(DATA / "qm9-10.data"), "-o", "p.toml"])
    assert (code, out) == (0, "")
    pattern = (r"sfcompile init: H, C, N, O; cutoff 6 \(probably Å\); candidate pool: 20 radial "
               r"and 3 angular set\(s\), (\d+) SFs \(H (\d+), C (\d+), N (\d+), O (\d+)\); "
               r"(\d+) element combination\(s\) left out of a set \(an SF constant on the "
               r"data\); written to p.toml\n")  # fmt: skip
    match = re.fullmatch(pattern, err)
    assert match is not None
    total, *each, left_out = map(int, match.groups())
    assert total == sum(each) and left_out > 0
    assert dict(zip("HCNO", each)) == per_element((tmp_path / "p.toml").read_text())


def hand_survey() -> Survey:
    """Cu and Au, every pair from 2.5 (one radial group: no include filters), every triplet
    within 2.6; the median nearest-neighbour distance 2.5 (cutoff 6.5)."""
    measured = Survey(structures=1, atoms={"Cu": 2, "Au": 2})
    measured.closest = {("Au", "Cu"): 2.5, ("Cu", "Cu"): 2.5, ("Au", "Au"): 2.55}
    measured.nearest[250] = 4
    measured.neighbours[250] = 12
    measured.reach = {(c, a, b): 2.6 for c in ("Cu", "Au")
                      for a, b in (("Au", "Au"), ("Au", "Cu"), ("Cu", "Cu"))}  # fmt: skip
    return measured


def test_the_writer_leaves_out_what_it_is_told() -> None:
    draft = pool_spec(hand_survey(), "hand.data")
    sets = loads(draft.text)["sets"]
    assert [s.get("include", s.get("exclude")) for s in sets] == [None] * 14
    dropped = {
        0: {("Cu", "Au"): "G2 Cu-Au (first)"},  # one combination of the first shift set
        1: {c: "G2 (second)" for c in [("Cu", "Cu"), ("Cu", "Au"), ("Au", "Cu"), ("Au", "Au")]},
        13: {("Au", "Cu", "Cu"): "G9 Au-Cu-Cu (broad)"},  # the broad angular set
    }
    pool = pool_spec(hand_survey(), "hand.data", dropped)
    assert check(load(pool.text)).diagnostics == ()
    assert (pool.radial_sets, pool.angular_sets, pool.left_out) == (4, 9, 6)
    sets = loads(pool.text)["sets"]
    assert sets[0]["exclude"] == [["Cu", "Au"]] and "exclude" not in sets[1]
    assert sets[12]["eta"] == [0.0] and sets[12]["exclude"] == [["Au", "Cu", "Cu"]]
    text = " ".join(line.lstrip("# ") for line in pool.text.splitlines())
    assert ("No radial shift set of 8 Gaussians: for each of its element combinations one of its "
            "SFs is constant on the data (e.g. G2 (second)).") in text  # fmt: skip
    assert ("Left out of this set: Cu-Au (central element first): one of its SFs is constant "
            "on the data there (e.g. G2 Cu-Au (first); max - min <= 1e-10).") in text  # fmt: skip
    per = per_element(pool.text)  # 108 - 8 (shift 8 set) x 2 - 6 (Cu-Au of the first) = 86
    assert per == {"Cu": 108 - 16 - 6 + 216, "Au": 108 - 16 + 216 - 8}


def test_an_element_with_one_atom_keeps_its_constant_sfs() -> None:
    # qm9-f1: one molecule, one F atom: every F SF has one value, so nothing can be left out
    # for F without leaving F without SFs (n2p2 needs some); the pool keeps them and says so.
    # Every SF of the other elements varies.
    path = DATA / "qm9-f1.data"
    pool = candidate_pool(survey(read_input_data(path)), "qm9-f1.data", read_input_data(path))
    assert pool.stuck == ("F",) and pool.left_out > 0
    assert check(load(pool.text)).diagnostics == ()
    text = " ".join(line.lstrip("# ") for line in pool.text.splitlines())
    assert "Every SF of F is constant on the data (1 atom of F): they are kept" in text
    plan = spec_plan(check(load(pool.text)))
    found = findings(plan, collect(plan, read_input_data(path)))
    dead = {e: sum(s["dead"] for s in info["sfs"]) for e, info in found["elements"].items()}
    assert dead == {"H": 0, "C": 0, "N": 0, "O": 0, "F": len(found["elements"]["F"]["sfs"])}
