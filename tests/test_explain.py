"""``sfcompile explain``: counts and cutoffs worked out by hand from the specs; the cost worked
out by hand from the model's formulas and coefficients."""

from __future__ import annotations

import json
import math
import re
import textwrap
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest

import sfcompile
from sfcompile.generate.cost import COEFFICIENTS
from sfcompile.generate.expand import generate
from sfcompile.generate.explain import Explanation, explain, format_text, to_json

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "examples" / "configs").glob("*.toml"))
PER_SET_CUTOFFS = REPO / "examples" / "configs" / "per-set-cutoffs.toml"


def explained(text_or_path: Any) -> Explanation:
    loaded = sfcompile.load(text_or_path)
    return explain(loaded, generate(loaded.spec))


def micro(seconds: float) -> str:
    """As explain prints microseconds: 3 significant digits, at least the units digit."""
    x = seconds * 1e6
    return f"{x:.0f}" if x >= 99.95 else f"{x:.{1 if x >= 9.995 else 2}f}"


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
# Cost, by the model's formulas (sfcompile.generate.cost; C = its coefficients, ns per term),
# with the density estimate: no unit, so 0.08 atoms per cubic Angstrom, Cu and S half each:
# n(r) = 0.04 * 4 pi r^3 / 3 neighbours of one element, N(r) = 2 n(r); pairs of neighbours of
# one element n^2/2, of both n^2; narrow pairs 15/32 of those. The neighbour list holds
# N(8.0). Per element (Cu and S alike), n2p2's 8 groups:
#   2 radial (Cu-Cu, Cu-S) at 8.0, 10 members each: loop N(8), group 1, 2 elements of the file,
#     pair n(8), member 10 n(8)
#   3 narrow (Cu-Cu-Cu, Cu-Cu-S, Cu-S-S) at 5.0, 12 members, 3 distinct (eta, r_s): scan
#     M (N(8) - 1)/2 with M = n(5) for one element, 2 n(5) for both; pairs W = n(5)^2/2, n(5)^2,
#     n(5)^2/2; triplets T = 15/32 W; members 12 T; exponentials 3 T
#   3 wide at 4.5, 4 members, 2 distinct (eta, r_s): the same with W(4.5), triplets W
# slots zeroed: radial 20 SFs x n(8); angular: 16 SFs with one neighbour element x n(8) twice,
# 16 with both x 2 n(8): 64 n(8); allocation N(8) (both elements needed), split as the slots;
# 20 + 48 SFs.
def by_hand(coefficients: Dict[str, float]) -> Tuple[float, float]:
    """(radial, angular) seconds per atom of per-set-cutoffs.toml, as worked out above."""
    c = coefficients

    def n(r: float) -> float:
        return 0.04 * 4 * math.pi * r**3 / 3

    listed = 2 * n(8.0)
    fixed = c["loop"] * listed + c["group"] + c["gaussian_group_elements"] * 2
    radial = 2 * (fixed + c["gaussian_pair"] * n(8) + c["gaussian_radial_member"] * 10 * n(8))
    angular = 0.0
    for r, members, exps, narrow in ((5.0, 12, 3, True), (4.5, 4, 2, False)):
        for m, w in ((n(r), n(r) ** 2 / 2), (2 * n(r), n(r) ** 2), (n(r), n(r) ** 2 / 2)):
            t = 15 / 32 * w if narrow else w
            angular += fixed + c["scan"] * m * (listed - 1) / 2 + c["angular_pair"] * w
            angular += (c["gaussian_narrow_triplet"] if narrow else 0.0) * t
            angular += (c["gaussian_angular_member"] * members + c["gaussian_exp"] * exps) * t
    slots = {"radial": 20 * n(8), "angular": 64 * n(8)}
    for part in slots:
        share = slots[part] / (slots["radial"] + slots["angular"])
        extra = c["zero"] * slots[part] + c["alloc"] * listed * share
        extra += c["sf"] * (20 if part == "radial" else 48)
        if part == "radial":
            radial += extra
        else:
            angular += extra
    return radial * 1e-9, angular * 1e-9


def test_cost_of_per_set_cutoffs_by_hand() -> None:
    radial, angular = by_hand(COEFFICIENTS)
    document = as_json(PER_SET_CUTOFFS)
    for cost in [document["cost"]] + [e["cost"] for e in document["per_element"]]:
        assert cost["radial"] == pytest.approx(radial, rel=1e-12)
        assert cost["angular"] == pytest.approx(angular, rel=1e-12)
        assert cost["seconds_per_atom"] == pytest.approx(radial + angular, rel=1e-12)
        assert cost["radial_share"] == pytest.approx(radial / (radial + angular), rel=1e-12)
    assert [e["cost"]["groups"] for e in document["per_element"]] == [8, 8]
    assert document["cost"]["groups"] == 16
    assert document["cost"]["data_seconds"] is None
    assert [e["fraction"] for e in document["per_element"]] == [0.5, 0.5]
    assert document["cost_basis"] == {
        "counts": "density", "density": 0.08, "unit": None, "data": None, "structures": None,
        "atoms": None,
    }  # fmt: skip


def test_text_of_per_set_cutoffs() -> None:
    """The counts by hand (above); the cost lines printed from the figures by hand."""
    radial, angular = by_hand(COEFFICIENTS)
    total = radial + angular

    def line(groups: int) -> str:
        text = (f"cost: {micro(total)} us/atom = radial {micro(radial)} "
                f"({radial / total:.1%}) + angular {micro(angular)} ({angular / total:.1%}); "
                f"{groups} groups")  # fmt: skip
        return "\n".join(textwrap.wrap(text, 80, initial_indent="  ", subsequent_indent="    "))

    expected = EXPECTED_PER_SET_CUTOFFS.format(element_cost=line(8), total_cost=line(16))
    assert format_text(explained(PER_SET_CUTOFFS)) == expected


EXPECTED_PER_SET_CUTOFFS = """\
per-set-cutoffs.toml: 136 symmetry functions
  elements: Cu, S
  default cutoff: 8.0

Cu (central): 68 symmetry functions
  by n2p2 type:
     2  radial          pair          20
     3  angular_narrow  triplet       36
     9  angular_wide    triplet       12
  by element combination:
    Cu-Cu     10    Cu-S      10    Cu-Cu-Cu  16    Cu-Cu-S   16    Cu-S-S    16
  cutoffs: 4.5, 5.0, 8.0 (largest 8.0)
{element_cost}

S (central): 68 symmetry functions
  by n2p2 type:
     2  radial          pair          20
     3  angular_narrow  triplet       36
     9  angular_wide    triplet       12
  by element combination:
    S-Cu     10    S-S      10    S-Cu-Cu  16    S-Cu-S   16    S-S-S    16
  cutoffs: 4.5, 5.0, 8.0 (largest 8.0)
{element_cost}

All central elements: 136 symmetry functions
  cutoffs: 4.5, 5.0, 8.0
  largest cutoff: 8.0
    LAMMPS (n2p2 interface) needs at least this as the pair_style cutoff:
      pair_style hdnnp 8.0 dir <nnp-data> ...
    (in the length unit of the data; if LAMMPS works in another unit, divide by
    the cflength given to pair_style)
{total_cost}

Cost: the CPU time n2p2 (v2.3) takes to compute these SFs with derivatives (as
training with forces does), in microseconds per atom, predicted from n2p2's SF
groups (same type, neighbour elements and cutoff) and the neighbours and pairs
of neighbours of each atom (median error 3.5 % on the 181 calibration sets, 8 %
on held-out data, on the machine they were measured on); all central elements:
weighted by their share of the atoms. Without --data: 0.08 atoms per cubic
Angstrom (the spec gives no unit: Angstrom assumed), spread uniformly, equal
shares of the elements; figures to compare specs by. --data FILE predicts them
for your structures.
"""


def test_json_of_per_set_cutoffs() -> None:
    document = as_json(PER_SET_CUTOFFS)
    assert document["format"] == "sfcompile-explain/2"
    assert document["spec"] == "per-set-cutoffs.toml"
    assert document["default_cutoff"] == 8.0
    assert document["cutoffs"] == [4.5, 5.0, 8.0]
    assert document["max_cutoff"] == 8.0


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
        assert cost["seconds_per_atom"] == pytest.approx(cost["radial"] + cost["angular"])
        assert f"  cost: {micro(cost['seconds_per_atom'])} us/atom = radial" in text
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
    # n2p2's groups: H: 3 H-O-O at 3.0, 20 H-H (both windows: polynomial groups take any), 24;
    # O: 2 O-H, 2 O-O, 3 O-H-H, 20 O-H
    assert (h["cost"]["groups"], o["cost"]["groups"], document["cost"]["groups"]) == (3, 4, 7)
    assert h["cost"]["radial"] > 0 and h["cost"]["angular"] > 0
    text = format_text(explained(FILTERED))
    assert "    24  weighted_poly_angular_narrow  triplet        6\n" in text
    assert "H-H           4    H-O-O         4    H (weighted)  6" in text


def test_element_without_symmetry_functions() -> None:
    spec = FILTERED.split("[[sets]]")[0] + "[[sets]]" + FILTERED.split("[[sets]]")[1]
    document = as_json(spec)  # only the radial set with central = [O]: H has nothing
    h = document["per_element"][0]
    assert (h["count"], h["cutoffs"], h["max_cutoff"]) == (0, [], None)
    assert h["cost"] == {
        "seconds_per_atom": 0.0,
        "radial": 0.0,
        "angular": 0.0,
        "radial_share": None,
        "angular_share": None,
        "groups": 0,
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
def test_longer_cutoffs_cost_more_and_angular_sfs_most(radial: float, angular: float) -> None:
    """At a fixed density the neighbours grow like r_c^3 and the pairs of neighbours like
    r_c^6: doubling both cutoffs multiplies the radial cost by less than 8 (fixed costs per
    group and SF) and the angular cost by more than the radial."""
    before = explained(scaling_spec(radial, angular)).cost
    after = explained(scaling_spec(2 * radial, 2 * angular)).cost
    assert before.radial < after.radial < 8 * before.radial
    assert after.angular / before.angular > after.radial / before.radial
    assert after.angular < 64 * before.angular


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


def test_the_unit_sets_the_density_of_the_estimate() -> None:
    """0.08 atoms per cubic Angstrom is 0.08 x 0.529177210903^3 = 0.0118548... per cubic Bohr;
    without a unit, a largest cutoff of 9 or more draws a hint that it looks like Bohr."""
    pool = (REPO / "examples" / "configs" / "water-pool-HO.toml").read_text()
    text = " ".join(format_text(explained(pool)).split())
    assert ("0.08 atoms per cubic Angstrom (the spec gives no unit: Angstrom assumed; a largest "
            'cutoff of 12.0 is more usual in Bohr: if so, say unit = "bohr")') in text  # fmt: skip
    bohr = pool.replace("cutoff = 12.0", 'unit = "bohr"\ncutoff = 12.0', 1)
    document = as_json(bohr)
    assert document["cost_basis"]["unit"] == "bohr"
    assert document["cost_basis"]["density"] == pytest.approx(0.08 * 0.529177210903**3)
    text = " ".join(format_text(explained(bohr)).split())
    assert "Without --data: 0.01185 atoms per cubic Bohr, spread uniformly" in text
    short = pool.replace("cutoff = 12.0", "cutoff = 6.0", 1).replace("11.5", "5.5")
    assert "more usual in Bohr" not in format_text(explained(short))
