"""``sfcompile stats``: the data's pair distances in gaps of the radial Gaussian SFs
(sfcompile/analysis/coverage.py). Expected values are worked out by hand on a three-atom
structure, and on water against a direct count over every neighbour pair."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from sfcompile.analysis.report import findings
from sfcompile.analysis.stats import Plan, collect, spec_plan
from sfcompile.cli import main
from sfcompile.engine.neighbours import neighbour_list
from sfcompile.generate.pipeline import check, load
from sfcompile.readers.structures import read_input_data
from tests.conftest import REPO

DATA = Path(__file__).parent / "data" / "datasets"

# H at x = 0, 2.0 and 5.1 (no cell): distances 2.0, 3.1 and 5.1, each seen from both atoms
LINE = "begin\natom 0 0 0 H 0 0 0 0 0\natom 2.0 0 0 H 0 0 0 0 0\natom 5.1 0 0 H 0 0 0 0 0\n"
THREE = LINE + "energy 0\ncharge 0\nend\n"


def spec(type_: str = "radial", r_shift: str = "[2.0, 5.0]", eta: str = "[4.0, 4.0]") -> str:
    return (
        'elements = ["H"]\ncutoff = 6.0\n[cutoff_function]\ntype = "cos"\n'
        f'[[sets]]\ntype = "{type_}"\nrule = "custom"\nr_shift = {r_shift}\neta = {eta}\n'
    )


def run(tmp_path: Path, text: str, data: str, *extra: str) -> Tuple[int, str, str]:
    (tmp_path / "spec.toml").write_text(text)
    (tmp_path / "line.data").write_text(data)
    out, err = io.StringIO(), io.StringIO()
    args = ["stats", str(tmp_path / "spec.toml"), "--data", str(tmp_path / "line.data"), *extra]
    return main(args, out, err), out.getvalue(), err.getvalue()


def test_a_distance_in_a_gap_by_hand(tmp_path: Path) -> None:
    # Gaussians at 2 and 5, eta 4: at 3.1 the larger is exp(-4 * 1.1^2) = 0.8 % (< 10 %); 2.0 is
    # on a centre and 5.1 beyond the outermost one: 1 of the 3 distances is in a gap. The bins
    # are 6/1000 wide: 3.1 falls in [3.096, 3.102)
    code, out, _ = run(tmp_path, spec(), THREE)
    assert code == 0
    assert out.endswith(
        "1 warning(s):\nwarning: radial gaps: 33.3 % of the H-H distances within the cutoff (6) "
        "lie in gaps of the radial Gaussian SFs of H with H neighbours (below their outermost "
        "centre, where none reaches 10 % of its peak): 3.096 to 3.102 (33 %). A neighbour there "
        "moves none of these SFs; add Gaussians there, or wider ones (a pool with several widths "
        "to select from: sfcompile init --pool)\n"
    )
    code, out, _ = run(tmp_path, spec(), THREE, "--json")
    [entry] = json.loads(out)["radial_gaps"]
    assert entry["combination"] == ["H", "H"] and entry["cutoff"] == 6.0
    assert entry["share"] == pytest.approx(1 / 3)
    [gap] = entry["gaps"]
    assert (gap["from"], gap["to"]) == pytest.approx((516 * 0.006, 517 * 0.006))


def test_no_warning_when_the_gap_holds_no_distance_or_a_wider_gaussian_covers_it(
    tmp_path: Path,
) -> None:
    # a third Gaussian on 3.1: the gap left between 3.1 and 5 (exp(-4 * 0.95^2) = 2.7 % at
    # 4.05) holds no distance (the lint names it)
    _, out, err = run(tmp_path, spec(r_shift="[2.0, 3.1, 5.0]", eta="[4.0, 4.0, 4.0]"), THREE)
    assert out.endswith("0 warning(s)\n") and "gap between radial Gaussians" in err
    # eta 1 at 5: exp(-1.9^2) = 2.7 % at 3.1 is still a gap; eta 0.5 at 5: exp(-0.5 * 1.9^2) =
    # 16 % is not
    _, out, _ = run(tmp_path, spec(eta="[4.0, 1.0]"), THREE)
    assert "33.3 % of the H-H distances" in out
    _, out, _ = run(tmp_path, spec(eta="[4.0, 0.5]"), THREE)
    assert out.endswith("0 warning(s)\n")


def test_weighted_radial_sfs_count_for_every_neighbour_element(tmp_path: Path) -> None:
    # the middle atom an O: H-O distances 2.0 and 3.1 (from H and from O), H-H 5.1 beyond
    # the outermost centre. With type 12 (every neighbour) H sees 2.0 covered, 3.1 in the gap:
    # of the H-O distances within the cutoff, half (the 3.1 ones) are in a gap
    data = THREE.replace("atom 2.0 0 0 H", "atom 2.0 0 0 O")
    text = spec("weighted_radial").replace('["H"]', '["H", "O"]')
    _, out, _ = run(tmp_path, text, data, "--json")
    gaps = {tuple(g["combination"]): g["share"] for g in json.loads(out)["radial_gaps"]}
    assert gaps == pytest.approx({("H", "O"): 0.5, ("O", "H"): 0.5})


def test_shares_on_water_equal_a_direct_count() -> None:
    # the selected example (12 SFs per element from the one-width pool) on n2p2's water: every
    # neighbour pair within the cutoff, its coverage computed from the SFs directly
    checked = check(load(REPO / "examples" / "configs" / "selected-water-HO.toml"))
    plan = spec_plan(checked)
    found = findings(plan, collect(plan, read_input_data(DATA / "h2o-4.data")))
    binned = {tuple(g["combination"]): g["share"] for g in found["radial_gaps"]}
    direct = direct_shares(plan)
    assert set(binned) == {pair for pair, share in direct.items() if share > 0.01}
    for pair, share in binned.items():
        assert share == pytest.approx(direct[pair], abs=0.002)  # bins 0.012 wide
    assert len(binned) == 4 and binned["H", "O"] > 0.3  # one H-O Gaussian, at 9.3 Bohr


def direct_shares(plan: Plan) -> Dict[Tuple[str, str], float]:
    inside: Dict[Tuple[str, str], int] = {}
    in_gap: Dict[Tuple[str, str], int] = {}
    for s in read_input_data(DATA / "h2o-4.data"):
        pairs = neighbour_list(s.positions, s.lattice, 12.0)
        for i, j, d in zip(pairs.i.tolist(), pairs.j.tolist(), pairs.distances.tolist()):
            key = (s.elements[i], s.elements[j])
            mine = [
                sf for sf in plan.sfs[key[0]] if sf.type_number == 2 and sf.combination[1] == key[1]
            ]
            inside[key] = inside.get(key, 0) + 1
            outermost = max(float(sf.r_shift or 0) for sf in mine)
            top = max(
                math.exp(-float(sf.eta or 0) * (d - float(sf.r_shift or 0)) ** 2) for sf in mine
            )
            if d < outermost and top < 0.1:
                in_gap[key] = in_gap.get(key, 0) + 1
    return {key: in_gap.get(key, 0) / n for key, n in inside.items()}


def test_the_result_does_not_depend_on_jobs() -> None:
    checked = check(load(REPO / "examples" / "configs" / "selected-water-HO.toml"))
    plan = spec_plan(checked)
    found: List[Any] = [
        findings(plan, collect(plan, read_input_data(DATA / "h2o-4.data"), jobs))["radial_gaps"]
        for jobs in (1, 2)
    ]
    assert found[0] == found[1]
