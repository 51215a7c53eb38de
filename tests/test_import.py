"""``sfcompile import``: an input.nn becomes a spec that compiles to the same multiset of SFs.

Every round trip is checked independently of the importer: the spec is compiled with
:func:`sfcompile.compile_spec` (models and lint), the output is read back with the strict
reader, and each line of the file must be matched by exactly one compiled line of the same
type and elements (neighbour pair unordered) whose numbers are exactly the file's (the compiled
token and the file's token read as the same double). ``sfcompile diff`` of the file
and the spec must say "equal" too. Only ``--recognise-rounded`` may move values, by at most half
a unit in the last digit the file writes. Expected rules come from where the files came from
(``cases.json`` of the earlier generator, the example specs, the files' own overview comments,
the README's worked values), never from the importer's output.
"""

from __future__ import annotations

import json
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from sfcompile import SpecError, _compat, compile_spec, load
from sfcompile.inputnn.diff import semantic_diff, source_from_input_nn
from sfcompile.inputnn.importer import ImportResult, import_input_nn, import_path
from sfcompile.inputnn.reader import SFRecord, read_input_nn
from sfcompile.spec.elements import ATOMIC_NUMBER
from tests.conftest import DATA, REPO, golden_cases

SFVALUES = DATA / "sfvalues"
CORPUS = DATA / "inputnn"
INDEX = {case["name"]: case for case in json.loads((SFVALUES / "index.json").read_text())}
VALUES = ("eta", "r_shift", "cutoff", "zeta", "r_lower", "theta_left", "theta_right")


def _close(value: float, record: SFRecord, name: str, rounded: bool) -> bool:
    """The compiled value is the file's number (``rounded``: within half a unit of its last
    written digit)."""
    token = record.written.get(name)
    if token is None:  # not written (rs of a type-3 line without it): the reader's 0.0
        return bool(value == getattr(record.sf, name))
    if not rounded:
        return value == float(token)
    tolerance = Decimal(5) * Decimal(10) ** (Decimal(token).as_tuple().exponent - 1)  # type: ignore[operator]
    return abs(Decimal(repr(value)) - Decimal(token)) <= tolerance


def _kind(r: SFRecord) -> Tuple[object, ...]:
    sf = r.sf
    pair = tuple(sorted(sf.combination[1:], key=ATOMIC_NUMBER.__getitem__))
    return (sf.type_number, sf.combination[0], pair, sf.subtype, sf.lambda_)


def _same_values(c: SFRecord, r: SFRecord, rounded: bool) -> bool:
    """The compiled line ``c`` has the values of the file's line ``r``."""
    for name in VALUES:
        have, want = getattr(c.sf, name), getattr(r.sf, name)
        if (have is None) != (want is None):
            return False
        if want is not None and not _close(have, r, name, rounded):
            return False
    return True


def assert_same_multiset(
    original: List[SFRecord], compiled: List[SFRecord], rounded: bool = False
) -> None:
    assert len(original) == len(compiled)
    free: Dict[Tuple[object, ...], List[SFRecord]] = {}
    for c in compiled:
        free.setdefault(_kind(c), []).append(c)
    for r in original:
        candidates = free.get(_kind(r), [])
        match = next((c for c in candidates if _same_values(c, r, rounded)), None)
        assert match is not None, f"line {r.line} `{r.text}` is not reproduced"
        candidates.remove(match)


def round_trip(text: str, source: str, recognise_rounded: bool = False) -> Tuple[ImportResult, str]:
    result = import_input_nn(text, source, recognise_rounded=recognise_rounded)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compiled = compile_spec(result.spec_text)
    original = read_input_nn(text, source).records
    back = read_input_nn(compiled, "compiled")
    assert back.problems == []
    assert_same_multiset(original, back.records, rounded=recognise_rounded)
    diff = semantic_diff(source_from_input_nn(text, source), source_from_input_nn(compiled, "c"))
    assert diff.equal is result.exact and (result.exact or recognise_rounded)
    return result, compiled


def spec_of(result: ImportResult) -> Dict[str, Any]:
    document: Dict[str, Any] = _compat.loads(result.spec_text)
    return document


def rules(result: ImportResult) -> List[Tuple[Any, ...]]:
    return [(s["type"], s["rule"], s.get("mode")) for s in spec_of(result)["sets"]]


# -- n2p2's 22 reference files --------------------------------------------------------------


T13_REFUSAL = [
    "{f}:10:1: error: n2p2 crashes (segmentation fault, a known n2p2 defect) on line 10 "
    "`symfunction_short H 13 0.01 0.0 1.0 1.0 10.0`: it is the only type-13 SF of central "
    "element H at cutoff 10.0, and at that cutoff neighbour element(s) H have type-2/3/9 SFs of "
    "central element H but O have none. Give every neighbour element (H, O) such an SF at cutoff "
    "10.0, or none of them (e.g. another cutoff for those sets) [type13-crash]",
    "{f}:13:1: error: n2p2 crashes (segmentation fault, a known n2p2 defect) on line 13 "
    "`symfunction_short O 13 0.005 0.0 1.0 4.0 10.0`: it is the only type-13 SF of central "
    "element O at cutoff 10.0, and at that cutoff neighbour element(s) H have type-2/3/9 SFs of "
    "central element O but O have none. Give every neighbour element (H, O) such an SF at cutoff "
    "10.0, or none of them (e.g. another cutoff for those sets) [type13-crash]",
]


@pytest.mark.parametrize("name", sorted(INDEX))
def test_reference_file_round_trip(name: str) -> None:
    source = f"{name}/input.nn"
    text = (SFVALUES / source).read_text()
    if name == "h2o-4_t13_cachebug":  # built to trigger n2p2's type-13 segfault
        with pytest.raises(SpecError) as caught:
            import_input_nn(text, source)
        assert [d.format() for d in caught.value.diagnostics] == [
            m.format(f=source) for m in T13_REFUSAL
        ]
        return
    result, _ = round_trip(text, source)
    spec = spec_of(result)
    case = INDEX[name]
    assert spec["elements"] == case["elements_input_order"]
    number, *alpha = case["cutoff_type_line"].split()[1:]
    names = ["hard", "cos", "tanhu", "tanh", "exp", "poly1", "poly2", "poly3", "poly4"]
    assert spec["cutoff_function"]["type"] == names[int(number)]
    assert spec["cutoff_function"].get("alpha") == (float(alpha[0]) if alpha else None)


def test_reference_file_of_the_earlier_generator_finds_its_rules() -> None:
    """Its overview comments: gastegger2018 shift (8 pairs, 1.5 to 5.5), imbalzano2018 center
    (4 pairs) for the narrow and the wide angular set, zetas 1 and 4."""
    text = (SFVALUES / "cu2s-3_sfparamgen_rc6/input.nn").read_text()
    result, _ = round_trip(text, "cu2s.nn")
    radial, narrow, wide = spec_of(result)["sets"]
    assert radial == {"type": "radial", "rule": "gastegger2018", "mode": "shift",
                      "nb_param_pairs": 8, "r_lower": 1.5, "r_upper": 5.5}  # fmt: skip
    for table, kind in ((narrow, "angular_narrow"), (wide, "angular_wide")):
        assert table == {"type": kind, "rule": "imbalzano2018", "mode": "center",
                         "nb_param_pairs": 4, "zetas": [1.0, 4.0]}  # fmt: skip
    assert spec_of(result)["output"] == {"precision": 3}


@pytest.mark.parametrize("name", ["h2o-4_alltypes_ct2", "qm9-10_t2-3-9_rc5",
                                  "qm9-10_t23-24-25_example"])  # fmt: skip
def test_hand_written_reference_files_are_custom(name: str) -> None:
    result, _ = round_trip((SFVALUES / name / "input.nn").read_text(), name)
    assert {s["rule"] for s in spec_of(result)["sets"]} == {"custom"}
    assert spec_of(result)["output"]["precision"] == "full"


# -- the earlier generator's 94 golden files ------------------------------------------------------

GOLDEN = {case["name"]: case for case in golden_cases()}
DUPLICATES = {  # imbalzano2018 center with 2 pairs gives the same eta twice (README)
    "033_angw_SCu_rc6.0_i18-center_n2_z1-2-4-16",
    "071_rad_HCO_rc6.0_i18-center_n2",
    "075_wang_HCO_rc6.0_i18-center_n2_z1.0-6.0",
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_earlier_generator_file_finds_its_rule(name: str) -> None:
    case = GOLDEN[name]
    path = DATA / "sfparamgen" / case["file"]
    text = path.read_text()
    if name in DUPLICATES:
        with pytest.raises(SpecError) as caught:
            import_input_nn(text, case["file"])
        lines = text.split("\n")
        for d in caught.value.diagnostics:
            first = int(d.message.split("duplicate of line ")[1].split(" ")[0])
            assert d.message.startswith(f"duplicate of line {first} (`{lines[first - 1].strip()}`)")
            assert lines[d.line - 1] == lines[first - 1]  # type: ignore[operator]
        assert len(caught.value.diagnostics) == case["n_sf_lines"] // 2
        return
    result, compiled = round_trip(text, case["file"])
    (table,) = spec_of(result)["sets"]
    assert table["type"] == case["symfunc_type"]
    assert table.get("zetas") == ([float(z) for z in case["zetas"]] if "zetas" in case else None)
    if "rule" not in case:
        assert table["rule"] == "custom"
        # the file's values: the inputs as the earlier generator printed them (%.3E)
        assert table["r_shift"] == [float(f"{x:.3E}") for x in case["r_shift_values"]]
        assert table["eta"] == [float(f"{x:.3E}") for x in case["eta_values"]]
        return
    assert (table["rule"], table["mode"], table["nb_param_pairs"]) == (
        case["rule"], case["mode"], case["nb_param_pairs"])  # fmt: skip
    if case["rule"] == "gastegger2018":
        assert table["r_lower"] == case["r_lower"]
        assert table.get("r_upper", case["r_cutoff"]) == case.get("r_upper", case["r_cutoff"])
    golden_lines = [x for x in text.split("\n") if x.startswith("symfunction_short")]
    assert [x for x in compiled.split("\n") if x.startswith("symfunction_short")] == golden_lines


# -- our own corpus -------------------------------------------------------------------------------


def corpus(name: str) -> str:
    return (CORPUS / name).read_bytes().decode("utf-8")


def test_corpus_is_complete() -> None:
    """Every corpus file is round-tripped by a test below."""
    assert sorted(p.name for p in CORPUS.glob("*.nn")) == sorted(CORPUS_RULES)


def example_rules(path: Path) -> List[Dict[str, Any]]:
    """The sets of an example spec as the import writes them (numbers as floats)."""
    found = []
    for s in _compat.loads(path.read_text())["sets"]:
        table = {k: (float(v) if isinstance(v, int) and k != "nb_param_pairs"
                     and k != "nb_windows" else v) for k, v in s.items()}  # fmt: skip
        for key in ("zetas", "lambdas"):
            if key in table:
                table[key] = [float(z) for z in table[key]]
        if table.get("lambdas") == [-1.0, 1.0]:
            del table["lambdas"]  # the default: the import leaves it out
        found.append(table)
    return found


CORPUS_RULES = {
    "water_handwritten.nn": [("radial", "custom", None), ("angular_narrow", "custom", None),
                             ("angular_wide", "custom", None)],
    "alias_weighted.nn": [("weighted_radial", "custom", None),
                          ("weighted_angular", "custom", None)],
    "crlf.nn": [("radial", "custom", None), ("radial", "custom", None)],
    "mixed_spelling.nn": [("radial", "custom", None), ("angular_wide", "custom", None)],
    "polynomial_windows.nn": [
        ("poly_radial", "windows", "center"), ("weighted_poly_radial", "windows", "shift"),
        ("poly_angular_narrow", "custom", None), ("poly_angular_wide", "custom", None),
        ("weighted_poly_angular_narrow", "custom", None),
        ("weighted_poly_angular_wide", "custom", None)],
    "rounded_plain.nn": [("radial", "custom", None)],  # a rule would move its values
    "sfcompile_water.nn": [("radial", "gastegger2018", "shift"),
                           ("angular_narrow", "gastegger2018", "center"),
                           ("angular_wide", "imbalzano2018", "center")],
    "sfcompile_hco_n2p2_order.nn": [("radial", "imbalzano2018", "shift"),
                                    ("angular_narrow", "imbalzano2018", "center"),
                                    ("weighted_radial", "gastegger2018", "shift"),
                                    ("weighted_angular", "gastegger2018", "center")],
    "sfcompile_polynomial_qm9.nn": [("weighted_poly_radial", "custom", None),
                                    ("weighted_poly_radial", "windows", "shift"),
                                    ("weighted_poly_angular_narrow", "windows", "center"),
                                    ("weighted_poly_angular_wide", "custom", None)],
    "sfparamgen_022_angn_HCO_rc6.0_g18-shift_rl1.5_ru5.0_n3_z1-2-4-16.nn": [
        ("angular_narrow", "gastegger2018", "shift")],
    "sfparamgen_076_rad_SCu_rc6.0_i18-shift_n3.nn": [("radial", "imbalzano2018", "shift")],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CORPUS_RULES))
def test_corpus_round_trip(name: str) -> None:
    result, _ = round_trip(corpus(name), name)
    assert rules(result) == CORPUS_RULES[name]


def test_file_made_by_sfcompile_gives_back_the_example_spec() -> None:
    result, _ = round_trip(corpus("sfcompile_water.nn"), "water.nn")
    assert spec_of(result)["sets"] == example_rules(REPO / "examples/configs/water-HO.toml")
    assert spec_of(result)["output"] == {"precision": 3}
    assert "line order: kept (the spec's order reproduces it)" in result.notes


def test_n2p2_order_is_detected_and_reproduced() -> None:
    text = corpus("sfcompile_hco_n2p2_order.nn")
    result, compiled = round_trip(text, "hco.nn")
    assert spec_of(result)["output"] == {"precision": 3, "order": "n2p2"}
    assert spec_of(result)["sets"] == example_rules(CORPUS / "sfcompile_hco_n2p2_order.toml")

    def sf_lines(t: str) -> List[str]:
        return [x for x in t.split("\n") if x.startswith("symfunction_short")]

    assert sf_lines(compiled) == sf_lines(text)


def test_polynomial_windows_rules() -> None:
    """README: center, 3 windows, 5 to 15 -> [-5, 5], [-10, 10], [-15, 15]; shift, 4 windows
    of width 10 from -2.5 to 15 -> [-2.5, 7.5], [0, 10], [2.5, 12.5], [5, 15]."""
    result, _ = round_trip(corpus("polynomial_windows.nn"), "poly.nn")
    sets = spec_of(result)["sets"]
    assert sets[0] == {"type": "poly_radial", "rule": "windows", "mode": "center",
                       "nb_windows": 3, "r_lower": 5.0}  # fmt: skip
    assert sets[1] == {"type": "weighted_poly_radial", "rule": "windows", "mode": "shift",
                       "nb_windows": 4, "r_lower": -2.5, "width": 10.0,
                       "subtypes": ["p2a", "e"]}  # fmt: skip
    assert spec_of(result)["cutoff"] == 15.0
    assert sets[2]["angles"] == [[-90.0, 90.0], [0.0, 180.0], [90.0, 270.0]]
    assert sets[3]["include"] == [["H", "H", "O"]]


ROUNDED_ETAS = [0.2222, 0.0726, 0.0356, 0.0210, 0.0139]  # rounded_plain.nn, 4 decimals


def test_rule_values_written_rounded_stay_the_files_numbers() -> None:
    """Gastegger center, r_c 6, N 5, r_lower 1.5 (eta = 1/(2 r^2) for r = 1.5, 2.625, 3.75,
    4.875, 6: 0.22222, 0.072562, 0.035556, 0.021039, 0.013889), written with 4 decimals (the
    file of issue 20): the rule would move every value, so the set keeps the file's numbers,
    and a note says how to get the rule."""
    result, compiled = round_trip(corpus("rounded_plain.nn"), "rounded.nn")
    spec = spec_of(result)
    assert spec["sets"] == [{"type": "radial", "rule": "custom", "r_shift": [0.0] * 5,
                             "eta": ROUNDED_ETAS}]  # fmt: skip
    assert spec["elements"] == ["O", "H"] and spec["output"] == {"precision": "full"}
    assert result.exact
    assert (
        "sets[0]: its values look like gastegger2018 center written rounded; they are kept as "
        'the file writes them (rule = "custom"), since the rule would move them. `sfcompile '
        "import --recognise-rounded` writes the rule and reports how far each value moves"
    ) in result.notes
    assert result.spec_text.split("\n")[1] == (
        "# It compiles to the same SF lines, as numbers (check with `sfcompile diff`); the line "
        "order is kept."
    )
    assert " 2.222E-01 " in compiled  # 0.2222 at "full": its shortest exact digits


def test_recognise_rounded_moves_values_and_says_by_how_much() -> None:
    """With the option the rule is written; the largest relative change is eta 0.0210 against
    1/(2 * 4.875^2) = 0.0210388 (0.18 %; 0.0356 against 0.0355556 is 0.12 %), first on line 6."""
    result, compiled = round_trip(corpus("rounded_plain.nn"), "rounded.nn", True)
    spec = spec_of(result)
    assert spec["sets"] == [{"type": "radial", "rule": "gastegger2018", "mode": "center",
                             "nb_param_pairs": 5, "r_lower": 1.5}]  # fmt: skip
    assert not result.exact
    exact = 1 / (2 * 4.875**2)
    assert float("2.10387902695595E-02") == exact  # its shortest exact digits ("full")
    assert f"{abs(exact - 0.0210) / 0.0210:.2%}" == "0.18%"
    moved = (
        "20 value(s) on 20 line(s) that the file writes rounded compile to the rule's values "
        "instead, by at most 0.18 % (relative); the largest: line 6 `symfunction_short O 2 O "
        "0.0210 0.0 6.0`: eta 0.0210 -> 2.10387902695595E-02"
    )
    assert f"sets[0] gastegger2018 center: {moved}" in result.notes
    assert f"# {moved}" in result.spec_text.split("\n")
    assert result.spec_text.split("\n")[1:4] == [
        "# It compiles to the same SF lines, as numbers, except 20 value(s) of sets[0]: the",
        "# file writes them rounded and they compile to the rule's values, by at most 0.18 % "
        "(relative;",
        "# see the set's comment, `sfcompile diff` lists them); the line order is kept.",
    ]
    assert " 2.10387902695595E-02 " in compiled


def test_rule_values_with_the_files_own_rounding_are_exact() -> None:
    """The same values with 4 significant digits each (as ``%.4g`` writes them): printed at
    precision 3 (2.222E-01, 7.256E-02, 3.556E-02, 2.104E-02, 1.389E-02) the rule's values are
    exactly the file's, so the rule is recognised and the spec has precision 3."""
    etas = ["0.2222", "0.07256", "0.03556", "0.02104", "0.01389"]
    text = "".join(f"symfunction_short H 2 H {eta} 0 6\n" for eta in etas)
    result, compiled = round_trip(text, "g.nn")
    assert result.exact and spec_of(result)["output"] == {"precision": 3}
    assert spec_of(result)["sets"] == [{"type": "radial", "rule": "gastegger2018",
                                        "mode": "center", "nb_param_pairs": 5,
                                        "r_lower": 1.5}]  # fmt: skip
    assert [line.split()[4] for line in compiled.split("\n") if line.startswith("symf")] == [
        "2.222E-01", "7.256E-02", "3.556E-02", "2.104E-02", "1.389E-02"
    ]  # fmt: skip
    assert (
        "numbers: precision = 3: each of the file's numbers, printed with 3 digits after the "
        "point in E notation, is exactly its double, and at that precision the rules' values "
        "are the file's"
    ) in result.notes


def test_few_digits_must_match_a_rule_exactly() -> None:
    """0.5 and 0.1 (1 significant digit) are not rounded values of gastegger2018 center with
    r_lower 1, r_upper 2 (eta 0.5, 0.125): the set stays custom."""
    text = "symfunction_short H 2 H 0.5 0.0 6.0\nsymfunction_short H 2 H 0.1 0.0 6.0\n"
    result, _ = round_trip(text, "in.nn")
    assert spec_of(result)["sets"] == [
        {"type": "radial", "rule": "custom", "r_shift": [0.0, 0.0], "eta": [0.5, 0.1]}
    ]


def test_a_rule_no_double_can_hold_is_not_tried() -> None:
    """r_s 0 and 4.9E-324 (the smallest double): gastegger2018 shift between them has a spacing
    whose square is 0, eta infinite; the set is custom (found by the round-trip property)."""
    text = "symfunction_short H 2 H 1.000E+00 0.000E+00 6.000E+00\n" \
        "symfunction_short H 2 H 1.000E+00 4.941E-324 6.000E+00\n"  # fmt: skip
    result, _ = round_trip(text, "in.nn")
    assert spec_of(result)["sets"] == [
        {"type": "radial", "rule": "custom", "r_shift": [0.0, 5e-324], "eta": [1.0, 1.0]}
    ]


def test_exact_values_of_a_rule_are_found() -> None:
    """eta 0.5 and 0.125 are 1/(2 r^2) for r = 1 and 2: gastegger2018 center."""
    text = "symfunction_short H 2 H 0.5 0.0 6.0\nsymfunction_short H 2 H 0.125 0.0 6.0\n"
    result, _ = round_trip(text, "in.nn")
    assert spec_of(result)["sets"] == [
        {"type": "radial", "rule": "gastegger2018", "mode": "center", "nb_param_pairs": 2,
         "r_lower": 1.0, "r_upper": 2.0}
    ]  # fmt: skip


def test_custom_values_keep_every_digit() -> None:
    result, _ = round_trip(corpus("mixed_spelling.nn"), "mixed.nn")
    spec = spec_of(result)
    assert spec["cutoff_function"] == {"type": "poly2", "alpha": 0.1}
    radial, wide = spec["sets"]
    assert radial["r_shift"] == [0.0, 1.25, 3.0] and radial["eta"] == [0.01, 0.5, 2.5]
    assert wide["eta"] == [0.001] and wide["zetas"] == [1.0] and "lambdas" not in wide


def test_alias_file_and_its_order() -> None:
    """Per element: type 12 by eta then rs, then type 13 by zeta then lambda, elements by
    atomic number: n2p2's order (README), which the sets' order is not."""
    result, _ = round_trip(corpus("alias_weighted.nn"), "alias.nn")
    assert spec_of(result)["output"] == {"precision": "full", "order": "n2p2"}
    assert "keyword: the file writes `symfunction`; sfcompile writes symfunction_short" in (
        result.notes
    )


def test_crlf_file_imports_with_the_warning() -> None:
    result, _ = round_trip(corpus("crlf.nn"), "crlf.nn")
    assert [d.line for d in result.warnings] == [1]
    assert "CRLF" in result.warnings[0].message


def test_filters() -> None:
    text = (
        "elements H C O\n"
        "symfunction_short H 2 H 0.5 0.0 6.0\n"  # central H only: central
        "symfunction_short H 2 C 0.5 0.0 6.0\n"
        "symfunction_short H 2 O 0.5 0.0 6.0\n"
        "symfunction_short C 2 H 0.2 0.0 6.0\n"  # neighbour H only: neighbours
        "symfunction_short O 2 H 0.2 0.0 6.0\n"
        "symfunction_short H 2 H 0.2 0.0 6.0\n"
        "symfunction_short H 13 0.1 0.0 1 1 6.0\n"  # weighted, every element
        "symfunction_short C 13 0.1 0.0 1 1 6.0\n"
        "symfunction_short O 13 0.1 0.0 1 1 6.0\n"
        "symfunction_short H 13 0.1 0.0 -1 1 6.0\n"
        "symfunction_short C 13 0.1 0.0 -1 1 6.0\n"
        "symfunction_short O 13 0.1 0.0 -1 1 6.0\n"
        "symfunction_short C 3 O C 0.1 1 1 6.0\n"  # one combination: include
    )
    result, _ = round_trip(text, "in.nn")
    keys = ("central", "neighbours", "include", "exclude")
    filters = [{k: v for k, v in s.items() if k in keys} for s in spec_of(result)["sets"]]
    assert filters == [
        {"central": ["H"]},
        {"neighbours": ["H"]},
        {},
        {"include": [["C", "C", "O"]]},
    ]


def test_lint_warnings_are_reported_at_the_file_lines() -> None:
    text = "symfunction_short H 2 H 0.5 2.0 6.0\nsymfunction_short H 2 H 0.5 6.0 6.0\n"
    result, _ = round_trip(text, "in.nn")
    assert [d.format() for d in result.warnings] == [
        "in.nn:2:1: warning: Gaussian centred exactly at the cutoff (r_shift = r_c) in 1 SF "
        "line: line 2 `symfunction_short H 2 H 0.5 6.0 6.0`. f_c vanishes at r_c, so the SF is "
        "suppressed where its Gaussian peaks: a wasted input (gastegger2018 'shift' does this "
        "when r_upper is the cutoff). Keep r_shift below the cutoff, e.g. r_upper = cutoff minus "
        "one grid spacing [gaussian-at-cutoff]"
    ]


def test_alpha_of_a_cutoff_function_that_ignores_it() -> None:
    result, _ = round_trip("cutoff_type 0 0.5\nsymfunction_short H 2 H 0.5 2.0 6.0\n", "in.nn")
    assert [d.format() for d in result.warnings] == [
        "in.nn:1:1: warning: cutoff_type: alpha is ignored by n2p2 for cutoff function 'hard'; "
        "remove it or choose cos, exp or poly1-poly4"
    ]
    assert spec_of(result)["cutoff_function"] == {"type": "hard", "alpha": 0.5}


# -- refusals -----------------------------------------------------------------------------------


def refusal(text: str) -> List[str]:
    with pytest.raises(SpecError) as caught:
        import_input_nn(text, "in.nn")
    return [d.format() for d in caught.value.diagnostics]


def test_duplicates_are_refused_with_both_lines() -> None:
    text = (
        "symfunction_short H 2 H 0.5 1.0 6.0\n"
        "symfunction_short H 3 H O 0.1 1 1 6.0\n"
        "symfunction_short H 2 H 5.000E-01 1.000E+00 6.000E+00\n"
        "symfunction_short H 3 O H 0.1 1.0 1.0 6.0 0.0\n"
    )
    assert refusal(text) == [
        "in.nn:3:1: error: duplicate of line 1 (`symfunction_short H 2 H 0.5 1.0 6.0`): the same "
        "type, elements (the neighbour pair is unordered) and values as numbers. n2p2 computes "
        "every copy silently, and a spec cannot express repeats; remove one of them",
        "in.nn:4:1: error: duplicate of line 2 (`symfunction_short H 3 H O 0.1 1 1 6.0`): the "
        "same type, elements (the neighbour pair is unordered) and values as numbers. n2p2 "
        "computes every copy silently, and a spec cannot express repeats; remove one of them",
    ]


def test_a_file_with_errors_yields_no_spec() -> None:
    text = "symfunction_short H 2 H 0.5 1.0 6.0\nsymfunction_short H 2 H 0.5 1.0 6.0 7\n"
    assert refusal(text) == [
        "in.nn:2:37: error: too many tokens: type 2 is `<ec> 2 <e1> <eta> <rs> <rc>`; n2p2 "
        "ignores the 1 extra token(s) silently. Remove them, or check the token order"
    ]


def test_element_without_sf() -> None:
    assert refusal("elements H O\nsymfunction_short H 2 O 0.5 1.0 6.0\n") == [
        "in.nn:1:1: error: element O is in the elements line but the central element of no SF "
        "line: n2p2's training and prediction tools need at least one SF per element and abort; "
        "add SF lines for O, or remove it [element-without-sf]"
    ]
    assert refusal("symfunction_short H 2 O 0.5 1.0 6.0\n") == [
        "in.nn:1:1: error: element O is a neighbour element but the central element of no SF "
        "line: n2p2's training and prediction tools need at least one SF per element and abort; "
        "add SF lines for O, or remove it [element-without-sf]"
    ]


def test_nothing_to_import() -> None:
    assert refusal("elements H\n# no SF lines\n") == [
        "in.nn: error: no symfunction_short lines: nothing to import"
    ]


def test_the_spec_loads_and_says_what_it_is() -> None:
    result = import_input_nn(corpus("water_handwritten.nn"), "water.nn")
    assert result.spec_text.startswith("# Imported by sfcompile ")
    assert "the order of the lines is not kept" in result.spec_text.split("\n")[1]
    assert load(result.spec_text).spec.elements == ["H", "O"]
    assert "line order: not kept (the same lines, grouped by set)" in result.notes


def test_import_path_keeps_crlf_and_reports_missing_files(tmp_path: Path) -> None:
    result = import_path(CORPUS / "crlf.nn")
    assert result.warnings[0].format().startswith(f"{CORPUS / 'crlf.nn'}:1:14: warning: CRLF")
    with pytest.raises(SpecError) as caught:
        import_path(tmp_path / "missing.nn")
    assert [d.format() for d in caught.value.diagnostics] == [
        f"{tmp_path / 'missing.nn'}: error: no such file; check the path"
    ]
