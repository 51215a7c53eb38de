"""``sfcompile explain``: counts, cutoffs and cost units, worked out by hand from the specs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict

import pytest

import sfcompile
from sfcompile.generate.expand import generate
from sfcompile.generate.explain import Explanation, explain, format_text, to_json

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "examples" / "configs").glob("*.toml"))
PER_SET_CUTOFFS = REPO / "examples" / "configs" / "per-set-cutoffs.toml"


def explained(text_or_path: Any) -> Explanation:
    loaded = sfcompile.load(text_or_path)
    return explain(loaded, generate(loaded.spec))


def as_json(text_or_path: Any) -> Dict[str, Any]:
    document: Dict[str, Any] = json.loads(to_json(explained(text_or_path)))
    return document


# examples/configs/per-set-cutoffs.toml, by hand. elements = [Cu, S], default cutoff r0 = 8.0.
#
# Counts per central element (the same for Cu and S):
#   set 0, radial (type 2), gastegger2018 shift, nb_param_pairs = 10, cutoff 8.0 (the default):
#     neighbours Cu, S -> 2 combinations x 10 pairs = 20 SFs (Cu-Cu 10, Cu-S 10)
#   set 1, angular_narrow (type 3), gastegger2018 center, 3 pairs, zetas [1, 4], lambdas
#     [-1, 1] (default), cutoff 5.0: neighbour pairs (Cu,Cu), (Cu,S), (S,S) -> 3 combinations
#     x 3 x 2 x 2 = 36 SFs, 12 per combination
#   set 2, angular_wide (type 9), imbalzano2018 shift, nb_param_pairs = 2 (shift: 2 pairs),
#     zetas [1], lambdas [-1, 1], cutoff 4.5 -> 3 combinations x 2 x 1 x 2 = 12 SFs, 4 each
#   per element 20 + 36 + 12 = 68; each angular combination 12 + 4 = 16; total 2 x 68 = 136.
#   cutoffs 4.5, 5.0, 8.0; largest 8.0.
#
# Cost units (1 unit = one SF at r0 = 8.0; pair SF (rc/r0)^3, triplet SF (rc/r0)^6):
#   pair:    20 x (8/8)^3 = 20
#   triplet: 36 x (5/8)^6 = 36 x 15625/262144 = 2.1457672...
#            12 x (4.5/8)^6 = 12 x (9/16)^6 = 12 x 531441/16777216 = 0.3801162...
#            sum 2.5258834...  -> "2.53"
#   element total 22.5258834... -> "22.53"; pair share 20/22.5258834 = 88.787 % -> "88.8%",
#   triplet share 11.213 % -> "11.2%".  Overall: pair 40, triplet 5.0517669 -> "5.05",
#   total 45.0517669 -> "45.05", the same shares.
TRIPLET_PER_ELEMENT = 36 * 15625 / 262144 + 12 * 531441 / 16777216

EXPECTED_PER_SET_CUTOFFS = """\
per-set-cutoffs.toml: 136 symmetry functions
  elements: Cu, S
  default cutoff r0: 8.0

Cu (central): 68 symmetry functions
  by n2p2 type:
     2  radial          pair          20
     3  angular_narrow  triplet       36
     9  angular_wide    triplet       12
  by element combination:
    Cu-Cu     10    Cu-S      10    Cu-Cu-Cu  16    Cu-Cu-S   16    Cu-S-S    16
  cutoffs: 4.5, 5.0, 8.0 (largest 8.0)
  cost: 22.53 units = pair 20.00 (88.8%) + triplet 2.53 (11.2%)

S (central): 68 symmetry functions
  by n2p2 type:
     2  radial          pair          20
     3  angular_narrow  triplet       36
     9  angular_wide    triplet       12
  by element combination:
    S-Cu     10    S-S      10    S-Cu-Cu  16    S-Cu-S   16    S-S-S    16
  cutoffs: 4.5, 5.0, 8.0 (largest 8.0)
  cost: 22.53 units = pair 20.00 (88.8%) + triplet 2.53 (11.2%)

All central elements: 136 symmetry functions
  cutoffs: 4.5, 5.0, 8.0
  largest cutoff: 8.0
    LAMMPS (n2p2 interface) needs at least this as the pair_style cutoff:
      pair_style hdnnp 8.0 dir <nnp-data> ...
    (in the length unit of the data; if LAMMPS works in another unit, divide by
    the cflength given to pair_style)
  cost: 45.05 units = pair 40.00 (88.8%) + triplet 5.05 (11.2%)

Cost units: 1 unit = one symmetry function at the default cutoff r0 = 8.0. At
fixed atom density the neighbours within rc grow like rc^3, so a pair-type SF
(types 2, 12, 20, 23) costs (rc/r0)^3 units and a triplet-type SF (types 3, 9,
13, 21, 22, 24, 25) (rc/r0)^6 units.

This is a relative estimate, not a run time: both kinds count 1 unit at r0,
although a triplet SF there sums over about N/2 times more terms than a pair SF
(N: neighbours within r0, set by the density); constant factors per type are
left out too (polynomial SFs, types 20-25, are reported to be about 4.5-5 times
faster than Gaussian ones: Bircher, Singraber & Dellago 2021).
"""


def test_text_of_per_set_cutoffs_is_worked_out_by_hand() -> None:
    assert format_text(explained(PER_SET_CUTOFFS)) == EXPECTED_PER_SET_CUTOFFS


def test_json_of_per_set_cutoffs_has_the_exact_costs() -> None:
    document = as_json(PER_SET_CUTOFFS)
    assert document["format"] == "sfcompile-explain/1"
    assert document["spec"] == "per-set-cutoffs.toml"
    assert document["reference_cutoff"] == 8.0
    assert document["cutoffs"] == [4.5, 5.0, 8.0]
    assert document["max_cutoff"] == 8.0
    for element in document["per_element"]:
        assert element["cost"]["pair"] == pytest.approx(20.0, rel=1e-15)
        assert element["cost"]["triplet"] == pytest.approx(TRIPLET_PER_ELEMENT, rel=1e-15)
    total = 2 * (20 + TRIPLET_PER_ELEMENT)
    assert document["cost"]["total"] == pytest.approx(total, rel=1e-15)
    assert document["cost"]["pair_share"] == pytest.approx(40 / total, rel=1e-15)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_json_agrees_with_text_and_the_spec(path: Path) -> None:
    loaded = sfcompile.load(path)
    explanation = explain(loaded, generate(loaded.spec))
    document = json.loads(to_json(explanation))
    text = format_text(explanation)
    assert document["count"] == loaded.spec.line_count()
    assert document["elements"] == loaded.spec.elements
    assert [e["element"] for e in document["per_element"]] == loaded.spec.elements
    assert sum(e["count"] for e in document["per_element"]) == document["count"]
    for element in document["per_element"]:
        assert sum(t["count"] for t in element["by_type"]) == element["count"]
        assert sum(c["count"] for c in element["by_combination"]) == element["count"]
        assert element["max_cutoff"] == max(element["cutoffs"])
        assert f"\n{element['element']} (central): {element['count']} symmetry" in text
        for t in element["by_type"]:
            assert re.search(rf"\n +{t['type']}  {t['name']} +{t['kind']} +{t['count']}\n", text)
        for c in element["by_combination"]:
            assert re.search(rf"  {re.escape(c['label'])} +{c['count']}\b", text)
        cost = element["cost"]
        assert cost["total"] == pytest.approx(cost["pair"] + cost["triplet"])
        assert f"  cost: {cost['total']:.2f} units = pair {cost['pair']:.2f}" in text
    assert text.startswith(f"{path.name}: {document['count']} symmetry functions\n")
    assert f"pair_style hdnnp {document['max_cutoff']!r} " in text
    assert document["max_cutoff"] == max(s.cutoff for s in generate(loaded.spec))
    assert max(len(line) for line in text.splitlines()) <= 80


# Element filters and polynomial sets. elements = [H, O], r0 = 6.0.
#   set 0, radial (2), custom 2 pairs, central = [O]: O-H 2, O-O 2; cutoff 6.0
#   set 1, angular_narrow (3), custom 1 pair, zetas [1, 2], lambdas [-1, 1] -> 4 per
#     combination; include = [[H, O, O], [O, H, H]]: H-O-O 4, O-H-H 4; cutoff 3.0
#   set 2, poly_radial (20), custom windows [-3, 3] and [1, 4.5], subtypes p2, p4 -> 4 per
#     combination; neighbours = [H]: H-H 4, O-H 4; cutoffs 3.0 (2 SFs), 4.5 (2 SFs) each
#   set 3, weighted_poly_angular_narrow (24), windows center, 2 windows r_lower 2, r_upper 4
#     -> windows [-2, 2], [-4, 4]; angle_windows = 3 -> 2 x 3 = 6 per combination;
#     central = [H]: H (weighted) 6; cutoffs 2.0, 4.0 (3 SFs each)
# H: types 3: 4, 20: 4, 24: 6 -> 14; cutoffs 2.0, 3.0, 4.0, 4.5
# O: types 2: 4, 3: 4, 20: 4 -> 12; cutoffs 3.0, 4.5, 6.0;  total 26; all cutoffs 2, 3, 4, 4.5, 6
# Cost (r0 = 6): poly_radial per element 2 (3/6)^3 + 2 (4.5/6)^3 = 0.25 + 0.84375 = 1.09375
#   H: pair 1.09375; triplet 4 (3/6)^6 + 3 ((2/6)^6 + (4/6)^6) = 0.0625 + 195/729
#   O: pair 4 x 1 + 1.09375 = 5.09375; triplet 4 (3/6)^6 = 0.0625
FILTERED = """\
elements = ["H", "O"]
cutoff = 6.0

[[sets]]
type = "radial"
rule = "custom"
r_shift = [0.0, 1.0]
eta = [0.5, 1.0]
central = ["O"]

[[sets]]
type = "angular_narrow"
rule = "custom"
r_shift = [0.0]
eta = [0.1]
zetas = [1, 2]
cutoff = 3.0
include = [["H", "O", "O"], ["O", "H", "H"]]

[[sets]]
type = "poly_radial"
rule = "custom"
windows = [[-3.0, 3.0], [1.0, 4.5]]
subtypes = ["p2", "p4"]
neighbours = ["H"]

[[sets]]
type = "weighted_poly_angular_narrow"
rule = "windows"
mode = "center"
nb_windows = 2
r_lower = 2.0
r_upper = 4.0
angle_windows = 3
central = ["H"]
"""


def test_filters_and_polynomial_sets() -> None:
    document = as_json(FILTERED)
    assert document["count"] == 26 == sfcompile.load(FILTERED).spec.line_count()
    h, o = document["per_element"]
    assert [(t["type"], t["kind"], t["count"]) for t in h["by_type"]] == [
        (3, "triplet", 4),
        (20, "pair", 4),
        (24, "triplet", 6),
    ]
    assert [(t["type"], t["count"]) for t in o["by_type"]] == [(2, 4), (3, 4), (20, 4)]
    assert [(c["label"], c["count"]) for c in h["by_combination"]] == [
        ("H-H", 4),
        ("H-O-O", 4),
        ("H (weighted)", 6),
    ]
    assert h["by_combination"][2]["combination"] == ["H"]
    assert [(c["label"], c["count"]) for c in o["by_combination"]] == [
        ("O-H", 6),  # 2 radial (type 2) + 4 polynomial radial (type 20)
        ("O-O", 2),
        ("O-H-H", 4),
    ]
    assert (h["count"], o["count"]) == (14, 12)
    assert h["cutoffs"] == [2.0, 3.0, 4.0, 4.5] and h["max_cutoff"] == 4.5
    assert o["cutoffs"] == [3.0, 4.5, 6.0] and o["max_cutoff"] == 6.0
    assert document["cutoffs"] == [2.0, 3.0, 4.0, 4.5, 6.0] and document["max_cutoff"] == 6.0
    assert h["cost"]["pair"] == pytest.approx(1.09375, rel=1e-15)
    assert h["cost"]["triplet"] == pytest.approx(0.0625 + 195 / 729, rel=1e-15)
    assert o["cost"]["pair"] == pytest.approx(5.09375, rel=1e-15)
    assert o["cost"]["triplet"] == pytest.approx(0.0625, rel=1e-15)
    assert document["cost"]["pair"] == pytest.approx(6.1875, rel=1e-15)
    text = format_text(explained(FILTERED))
    assert "    24  weighted_poly_angular_narrow  triplet        6\n" in text
    assert "H-H           4    H-O-O         4    H (weighted)  6" in text


def test_element_without_symmetry_functions() -> None:
    spec = FILTERED.split("[[sets]]")[0] + "[[sets]]" + FILTERED.split("[[sets]]")[1]
    document = as_json(spec)  # only the radial set with central = [O]: H has nothing
    h = document["per_element"][0]
    assert (h["count"], h["cutoffs"], h["max_cutoff"]) == (0, [], None)
    assert h["cost"] == {
        "pair": 0.0,
        "triplet": 0.0,
        "total": 0.0,
        "pair_share": None,
        "triplet_share": None,
    }
    assert "H (central): 0 symmetry functions\n" in format_text(explained(spec))


def scaling_spec(radial_cutoff: float, angular_cutoff: float) -> str:
    return f"""\
elements = ["Si"]
cutoff = 10.0

[[sets]]
type = "radial"
rule = "custom"
r_shift = [0.0, 1.0]
eta = [0.1, 0.2]
cutoff = {radial_cutoff!r}

[[sets]]
type = "angular_wide"
rule = "custom"
r_shift = [0.0]
eta = [0.1]
zetas = [1, 2]
cutoff = {angular_cutoff!r}
"""


@pytest.mark.parametrize(("radial", "angular"), [(3.0, 2.5), (4.0, 4.0), (5.0, 3.1)])
def test_doubling_a_cutoff_multiplies_pair_cost_by_8_and_triplet_cost_by_64(
    radial: float, angular: float
) -> None:
    before = explained(scaling_spec(radial, angular)).cost
    after = explained(scaling_spec(2 * radial, 2 * angular)).cost
    assert after.pair == pytest.approx(8 * before.pair, rel=1e-12)
    assert after.triplet == pytest.approx(64 * before.triplet, rel=1e-12)
    # and by hand: 2 radial SFs x (rc/10)^3; 1 x 2 zetas x 2 lambdas = 4 angular SFs x (rc/10)^6
    assert before.pair == pytest.approx(2 * (radial / 10) ** 3, rel=1e-12)
    assert before.triplet == pytest.approx(4 * (angular / 10) ** 6, rel=1e-12)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_deterministic(path: Path) -> None:
    first, second = explained(path), explained(Path(str(path)))
    assert first == second
    assert format_text(first) == format_text(second)
    assert to_json(first) == to_json(second)
    text = path.read_text(encoding="utf-8")
    assert to_json(explained(text)) == to_json(first).replace(
        json.dumps(path.name), json.dumps("<string>")
    )
    keys = re.findall(r'^  "(\w+)":', to_json(first), flags=re.MULTILINE)
    assert keys == sorted(keys)
