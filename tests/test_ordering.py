"""``[output] order = "n2p2"``: the SF lines of each central element in n2p2's internal order.

The proof is the reference data in ``tests/data/sfvalues``: 22 input.nn files run through n2p2
v2.3.0, each with n2p2's own map from its sorted SF index to the input line (``sfmap.tsv``).
Their SF lines are parsed here into :class:`SymmetryFunction` records, sorted by
:func:`order_n2p2`, and must come out in exactly n2p2's order. The other tests run the option
through :func:`compile_spec` on specs written for the purpose.
"""

from __future__ import annotations

import csv
import json
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from sfcompile import load
from sfcompile.generate.expand import SymmetryFunction, generate
from sfcompile.generate.ordering import SpecPosition, n2p2_index_map, n2p2_key, order_n2p2
from sfcompile.targets.formatting import NumberFormat
from sfcompile.targets.n2p2 import render_lines, render_overview
from tests.conftest import DATA, golden_cases
from tests.conftest import compile_unlinted as compile_spec
from tests.test_golden import golden_text, spec_for_case

SFVALUES = DATA / "sfvalues"
CASES = sorted(path for path in SFVALUES.iterdir() if path.is_dir())
INDEX = {case["name"]: case for case in json.loads((SFVALUES / "index.json").read_text())}
EXACT = NumberFormat("full")  # reads every parsed value back as exactly the same double


def heading(element: str, count: int) -> str:
    noun = "symmetry function" if count == 1 else "symmetry functions"
    return f"# {element}: {count} {noun} in n2p2 order (row i of scaling.data is line i below)"


# --- a small reader for n2p2's symfunction_short lines (test-local on purpose) ---------------


def parse_sf_line(line: str) -> SymmetryFunction:
    """One ``symfunction_short`` line as n2p2 reads it (any whitespace between tokens)."""
    tokens = line.split("#", 1)[0].split()
    assert tokens[0] == "symfunction_short", line
    central, number, rest = tokens[1], int(tokens[2]), tokens[3:]
    real = [float(t) for t in rest if t[0] in "+-.0123456789"]
    names = [t for t in rest if t[0] not in "+-.0123456789"]
    if number == 2:  # e1 eta rs rc
        eta, r_shift, cutoff = real
        return SymmetryFunction(2, (central, *names), cutoff, eta=eta, r_shift=r_shift)
    if number in (3, 9):  # e1 e2 eta lambda zeta rc [rs], rs defaults to 0
        eta, lam, zeta, cutoff, *shift = real
        r_shift = shift[0] if shift else 0.0
        return SymmetryFunction(
            number, (central, *names), cutoff, eta=eta, r_shift=r_shift, lambda_=lam, zeta=zeta
        )
    if number == 12:  # eta rs rc
        eta, r_shift, cutoff = real
        return SymmetryFunction(12, (central,), cutoff, eta=eta, r_shift=r_shift)
    if number == 13:  # eta rs lambda zeta rc (not the type-3 order)
        eta, r_shift, lam, zeta, cutoff = real
        return SymmetryFunction(
            13, (central,), cutoff, eta=eta, r_shift=r_shift, lambda_=lam, zeta=zeta
        )
    *neighbours, subtype = names  # polynomial types end with the subtype
    if number in (20, 23):  # [e1] rl rc sub
        r_lower, cutoff = real
        return SymmetryFunction(
            number, (central, *neighbours), cutoff, r_lower=r_lower, subtype=subtype
        )
    assert number in (21, 22, 24, 25), line  # [e1 e2] rl rc theta_l theta_r sub
    r_lower, cutoff, left, right = real
    return SymmetryFunction(
        number,
        (central, *neighbours),
        cutoff,
        r_lower=r_lower,
        theta_left=left,
        theta_right=right,
        subtype=subtype,
    )


def sf_lines_of(path: Path) -> Dict[int, str]:
    """1-based line number -> line, for every SF line of an input.nn."""
    lines = path.read_text().splitlines()
    return {i: line for i, line in enumerate(lines, 1) if line.startswith("symfunction_short")}


def n2p2_line_order(case: Path) -> Dict[str, List[int]]:
    """sfmap.tsv: per element (in file order) the input lines in n2p2's sorted order."""
    rows: Dict[str, List[Tuple[int, int]]] = {}
    with (case / "sfmap.tsv").open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            rows.setdefault(row["element"], []).append(
                (int(row["n2p2_index"]), int(row["input_line"]))
            )
    for element, pairs in rows.items():  # n2p2_index runs 1..n without gaps
        assert sorted(index for index, _ in pairs) == list(range(1, len(pairs) + 1)), element
    return {element: [line for _, line in sorted(pairs)] for element, pairs in rows.items()}


def test_every_reference_case_is_used() -> None:
    assert len(CASES) == 22
    assert sorted(INDEX) == [case.name for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_order_equals_n2p2s_on_reference_case(case: Path) -> None:
    lines = sf_lines_of(case / "input.nn")
    parsed = {number: parse_sf_line(line) for number, line in lines.items()}
    for sf in parsed.values():  # "full" prints each parsed value so that it reads back exactly
        values = (sf.cutoff, sf.eta, sf.r_shift, sf.zeta, sf.r_lower, sf.theta_left)
        assert all(float(EXACT.real(v)) == v for v in values if v is not None)
    line_of = {id(sf): number for number, sf in parsed.items()}

    ordered = order_n2p2(parsed.values(), EXACT)

    got = {element: [line_of[id(sf)] for sf in sfs] for element, sfs in ordered.items()}
    want = n2p2_line_order(case)
    assert list(got) == list(want) == INDEX[case.name]["elements_n2p2_order"]
    assert {element: len(sfs) for element, sfs in got.items()} == INDEX[case.name]["n_sf"]
    assert got == want


def test_reference_cases_cover_many_lines() -> None:
    total = sum(len(sf_lines_of(case / "input.nn")) for case in CASES)
    assert total == 1213


def test_angular_pair_is_unordered_in_the_key() -> None:
    # n2p2 stores the pair lower atomic number first: "H 3 O H" and "H 3 H O" sort alike
    a = parse_sf_line("symfunction_short H 3 O H 0.1 1.0 1.0 6.0")
    b = parse_sf_line("symfunction_short H 3 H O 0.1 1.0 1.0 6.0")
    assert n2p2_key(a, EXACT) == n2p2_key(b, EXACT)
    # a pair compares its lower element first: H-O (1, 8) before C-C (6, 6)
    c = parse_sf_line("symfunction_short H 3 C C 0.1 1.0 1.0 6.0")
    assert n2p2_key(a, EXACT) < n2p2_key(c, EXACT)


def test_type_3_without_r_shift_is_r_shift_zero() -> None:
    short = parse_sf_line("symfunction_short O 9 H H 0.01 -1.0 2.0 12.0")
    explicit = parse_sf_line("symfunction_short   O 9  H H 0.01 -1.0 2.0 12.0   0.0")
    assert short == explicit


# --- order "n2p2" through compile_spec ------------------------------------------------------


def spec(body: str, output: str = "") -> str:
    """A spec with the given [output] keys (no header, no comments unless asked) and body."""
    keys = "header = false\n" + ("" if "comments" in output else "comments = false\n") + output
    return textwrap.dedent(body).replace("[output]\n", "[output]\n" + keys, 1)


def compiled(body: str, output: str = "") -> Tuple[str, str]:
    """The spec's output in order "spec" and in order "n2p2"."""
    return (
        compile_spec(spec(body, output)),
        compile_spec(spec(body, output + 'order = "n2p2"\n')),
    )


def sf_lines(text: str) -> List[str]:
    return [line for line in text.splitlines() if line.startswith("symfunction_short")]


def element_blocks(text: str) -> Dict[str, List[str]]:
    """Order "n2p2" output: element -> its lines; checks each heading's count."""
    blocks: Dict[str, List[str]] = {}
    for chunk in text.split("\n\n"):
        rows = chunk.splitlines()
        if rows and rows[0].startswith("# ") and "in n2p2 order" in rows[0]:
            element, count = rows[0][2:].split(":")[0], len(rows) - 1
            assert rows[0] == heading(element, count)
            blocks[element] = rows[1:]
    return blocks


def reparsed_order_is_n2p2s(text: str) -> bool:
    """What n2p2 would do: parse the emitted text and sort it; nothing may move."""
    for element, rows in element_blocks(text).items():
        parsed = [parse_sf_line(row) for row in rows]
        if order_n2p2(parsed, EXACT)[element] != parsed:
            return False
    return True


INTERLEAVED = """\
    elements = ["O", "H"]
    cutoff = 6.0
    [output]
    [[sets]]
    type = "radial"
    rule = "custom"
    r_shift = [0.0, 0.0, 0.0]
    eta = [0.3, 0.01, 0.1]
    """


def test_neighbour_elements_interleave_by_eta() -> None:
    by_spec, by_n2p2 = compiled(INTERLEAVED)
    assert by_n2p2 == textwrap.dedent("""\
        # H: 6 symmetry functions in n2p2 order (row i of scaling.data is line i below)
        symfunction_short H  2 H  1.000E-02 0.000E+00 6.000E+00
        symfunction_short H  2 O  1.000E-02 0.000E+00 6.000E+00
        symfunction_short H  2 H  1.000E-01 0.000E+00 6.000E+00
        symfunction_short H  2 O  1.000E-01 0.000E+00 6.000E+00
        symfunction_short H  2 H  3.000E-01 0.000E+00 6.000E+00
        symfunction_short H  2 O  3.000E-01 0.000E+00 6.000E+00

        # O: 6 symmetry functions in n2p2 order (row i of scaling.data is line i below)
        symfunction_short O  2 H  1.000E-02 0.000E+00 6.000E+00
        symfunction_short O  2 O  1.000E-02 0.000E+00 6.000E+00
        symfunction_short O  2 H  1.000E-01 0.000E+00 6.000E+00
        symfunction_short O  2 O  1.000E-01 0.000E+00 6.000E+00
        symfunction_short O  2 H  3.000E-01 0.000E+00 6.000E+00
        symfunction_short O  2 O  3.000E-01 0.000E+00 6.000E+00

        """)
    # spec order: central O first (the user's order), neighbour O block before H block
    assert sf_lines(by_spec)[0] == "symfunction_short O  2 O  3.000E-01 0.000E+00 6.000E+00"
    assert Counter(sf_lines(by_spec)) == Counter(sf_lines(by_n2p2))


SEVERAL_SETS = """\
    elements = ["O", "C", "H"]
    cutoff = 6.0
    [output]
    [[sets]]
    type = "weighted_angular"
    rule = "custom"
    r_shift = [0.0]
    eta = [0.05]
    zetas = [1.0]
    central = ["C"]
    [[sets]]
    type = "angular_narrow"
    rule = "custom"
    r_shift = [0.0]
    eta = [0.05]
    zetas = [4.0, 1.0]
    central = ["C"]
    [[sets]]
    type = "radial"
    rule = "custom"
    r_shift = [0.0, 1.5]
    eta = [1.0, 0.9]
    central = ["C"]
    neighbours = ["H"]
    [[sets]]
    type = "radial"
    cutoff = 4.0
    rule = "custom"
    r_shift = [0.0]
    eta = [2.0]
    central = ["C"]
    include = [["C", "O"]]
    [[sets]]
    type = "weighted_radial"
    rule = "custom"
    r_shift = [0.0]
    eta = [0.5]
    central = ["C"]
    """


def test_several_sets_and_types() -> None:
    by_spec, by_n2p2 = compiled(SEVERAL_SETS)
    # the pairs as generated (spec order O, C, H), in n2p2's order: HH, CH, HO, CC, CO, OO
    pairs = ["H  H ", "C  H ", "O  H ", "C  C ", "O  C ", "O  O "]
    angular = [
        f"symfunction_short C  3 {pair} 5.000E-02 {lam} {zeta} 6.000E+00 0.000E+00"
        for zeta in ("1.000E+00", "4.000E+00")
        for lam in ("-1", " 1")
        for pair in pairs
    ]
    assert element_blocks(by_n2p2) == {
        "C": [
            # type 2: r_c 4 before 6; then eta 0.9 before 1.0 (numbers, not text)
            "symfunction_short C  2 O  2.000E+00 0.000E+00 4.000E+00",
            "symfunction_short C  2 H  9.000E-01 1.500E+00 6.000E+00",
            "symfunction_short C  2 H  1.000E+00 0.000E+00 6.000E+00",
            # type 3: zeta, then lambda, then the neighbour pair (lower Z first)
            *angular,
            "symfunction_short C  12 5.000E-01 0.000E+00 6.000E+00",
            "symfunction_short C  13 5.000E-02 0.000E+00 -1 1.000E+00 6.000E+00 ",
            "symfunction_short C  13 5.000E-02 0.000E+00  1 1.000E+00 6.000E+00 ",
        ]
    }
    assert Counter(sf_lines(by_spec)) == Counter(sf_lines(by_n2p2))
    assert reparsed_order_is_n2p2s(by_n2p2)


POLYNOMIAL = """\
    elements = ["O", "H"]
    cutoff = 12.0
    [output]
    [[sets]]
    type = "poly_angular_narrow"
    rule = "custom"
    windows = [[-12.0, 12.0]]
    angles = [[60, 120], [0, 180]]
    subtypes = ["p2"]
    central = ["H"]
    include = [["H", "O", "O"]]
    [[sets]]
    type = "poly_radial"
    rule = "custom"
    windows = [[-12.0, 12.0], [1.0, 4.0], [-4.0, 4.0]]
    subtypes = ["p2a", "e", "p2", "p1a"]
    central = ["H"]
    [[sets]]
    type = "radial"
    rule = "custom"
    r_shift = [0.0]
    eta = [0.5]
    central = ["H"]
    include = [["H", "O"]]
    """


def test_polynomial_subtypes_neighbours_then_windows() -> None:
    by_spec, by_n2p2 = compiled(POLYNOMIAL)
    # subtype (string order e < p1a < p2 < p2a), then neighbour, then r_c, then r_l
    windows = ["-4.000E+00 4.000E+00", "1.000E+00 4.000E+00", "-1.200E+01 1.200E+01"]
    radial = [
        f"symfunction_short H  20 {neighbour} {window} {subtype}"
        for subtype in ("e", "p1a", "p2", "p2a")
        for neighbour in ("H ", "O ")
        for window in windows
    ]
    assert element_blocks(by_n2p2) == {
        "H": [
            "symfunction_short H  2 O  5.000E-01 0.000E+00 1.200E+01",  # type 2 first
            *radial,
            # theta_l 0 before 60
            "symfunction_short H  21 O  O  -1.200E+01 1.200E+01 0.000E+00 1.800E+02 p2",
            "symfunction_short H  21 O  O  -1.200E+01 1.200E+01 6.000E+01 1.200E+02 p2",
        ]
    }
    assert Counter(sf_lines(by_spec)) == Counter(sf_lines(by_n2p2))
    assert reparsed_order_is_n2p2s(by_n2p2)


ROUNDING = """\
    elements = ["H"]
    cutoff = 6.0
    [output]
    [[sets]]
    type = "radial"
    rule = "custom"
    r_shift = [2.0, 1.0]
    eta = [0.12341, 0.12344]
    [[sets]]
    type = "radial"
    cutoff = 6.0004
    rule = "custom"
    r_shift = [0.0]
    eta = [0.3]
    [[sets]]
    type = "radial"
    cutoff = 6.0001
    rule = "custom"
    r_shift = [0.0]
    eta = [0.4]
    """


def test_order_follows_the_printed_values() -> None:
    # at 3 digits the etas 0.12341/0.12344 both print 1.234E-01, so r_s decides (1.0 first),
    # and the cutoffs 6.0004/6.0001 both print 6.000E+00, so eta decides: the printed values
    # sort differently from the unrounded ones
    _, by_n2p2 = compiled(ROUNDING)
    assert element_blocks(by_n2p2)["H"] == [
        "symfunction_short H  2 H  1.234E-01 1.000E+00 6.000E+00",
        "symfunction_short H  2 H  1.234E-01 2.000E+00 6.000E+00",
        "symfunction_short H  2 H  3.000E-01 0.000E+00 6.000E+00",
        "symfunction_short H  2 H  4.000E-01 0.000E+00 6.000E+00",
    ]
    assert reparsed_order_is_n2p2s(by_n2p2)
    # with every digit printed the unrounded order shows
    _, full = compiled(ROUNDING, 'precision = "full"\n')
    assert element_blocks(full)["H"] == [
        "symfunction_short H  2 H  1.2341E-01 2.0E+00 6.0E+00",
        "symfunction_short H  2 H  1.2344E-01 1.0E+00 6.0E+00",
        "symfunction_short H  2 H  4.0E-01 0.0E+00 6.0001E+00",
        "symfunction_short H  2 H  3.0E-01 0.0E+00 6.0004E+00",
    ]
    assert reparsed_order_is_n2p2s(full)


def test_values_equal_once_printed_keep_a_deterministic_order() -> None:
    # 0.12344 and 0.12341 print alike at 3 digits (duplicates for n2p2, reported elsewhere):
    # they keep their input order; with every digit printed they sort by value
    sfs = [
        SymmetryFunction(2, ("H", "H"), 6.0, eta=eta, r_shift=0.0)
        for eta in (0.12344, 0.5, 0.12341)
    ]
    numbers = NumberFormat(3)
    assert [sf.eta for sf in order_n2p2(sfs, numbers)["H"]] == [0.12344, 0.12341, 0.5]
    assert [sf.eta for sf in order_n2p2(sfs[::-1], numbers)["H"]] == [0.12341, 0.12344, 0.5]
    assert [sf.eta for sf in order_n2p2(sfs, EXACT)["H"]] == [0.12341, 0.12344, 0.5]
    assert n2p2_key(sfs[0], numbers) == n2p2_key(sfs[2], numbers)


def test_overview_blocks_come_first_with_comments() -> None:
    text = compile_spec(spec(SEVERAL_SETS, 'comments = true\norder = "n2p2"\n'))
    generated = generate(load(spec(SEVERAL_SETS)).spec)
    overviews = "".join(render_overview(g) for g in generated)
    assert text.startswith(overviews)
    assert text[len(overviews) :].startswith(heading("C", 30) + "\n")
    assert text[len(overviews) :] == compile_spec(spec(SEVERAL_SETS, 'order = "n2p2"\n'))
    assert overviews.count("symmetry function set, for elements") == len(generated) == 5


def test_header_then_overviews_then_elements() -> None:
    text = compile_spec(
        textwrap.dedent(INTERLEAVED).replace("[output]\n", '[output]\norder = "n2p2"\n')
    )
    header, rest = text.split("\n\n", 1)
    assert header.startswith("# Generated by sfcompile ")
    assert rest.startswith("####")
    headings = [line for line in text.splitlines() if "in n2p2 order" in line]
    assert headings == [heading("H", 6), heading("O", 6)]
    assert text.endswith("6.000E+00\n\n")


def test_one_line_heading_is_singular() -> None:
    one = INTERLEAVED.replace("[0.0, 0.0, 0.0]", "[0.0]").replace("[0.3, 0.01, 0.1]", "[0.1]")
    one = one.replace('["O", "H"]', '["H"]')
    _, by_n2p2 = compiled(one)
    assert by_n2p2.splitlines()[0] == (
        "# H: 1 symmetry function in n2p2 order (row i of scaling.data is line i below)"
    )
    assert by_n2p2.splitlines()[1:] == [
        "symfunction_short H  2 H  1.000E-01 0.000E+00 6.000E+00",
        "",
    ]


# --- the map from n2p2's index back to spec order -------------------------------------------


def test_index_map_points_at_the_spec_order_lines() -> None:
    generated = generate(load(spec(SEVERAL_SETS)).spec)
    numbers = NumberFormat(3)
    per_set = [[row for row in render_lines(g).splitlines() if row] for g in generated]
    mapping = n2p2_index_map(generated, numbers)
    _, by_n2p2 = compiled(SEVERAL_SETS)
    for element, rows in element_blocks(by_n2p2).items():
        assert [per_set[w.set_index][w.position] for w in mapping[element]] == rows
    # row 1 of C's scaling.data is the 4th set's only line; row 2 the 3rd set's 2nd line
    assert mapping["C"][:2] == [SpecPosition(3, 0), SpecPosition(2, 1)]
    assert sorted(mapping["C"]) == [
        SpecPosition(i, p) for i, lines in enumerate(per_set) for p in range(len(lines))
    ]


def test_index_map_by_hand() -> None:
    generated = generate(load(spec(INTERLEAVED)).spec)
    # spec order per set: O-O .3 .01 .1, O-H .3 .01 .1, H-O .3 .01 .1, H-H .3 .01 .1
    assert n2p2_index_map(generated, NumberFormat(3)) == {
        "H": [SpecPosition(0, p) for p in (10, 7, 11, 8, 9, 6)],
        "O": [SpecPosition(0, p) for p in (4, 1, 5, 2, 3, 0)],
    }


# --- order "spec" is unchanged ---------------------------------------------------------------

GOLDEN = golden_cases()[::9]


@pytest.mark.parametrize("case", GOLDEN, ids=[c["name"] for c in GOLDEN])
def test_spec_order_is_the_earlier_layout(case: Dict[str, Any]) -> None:
    explicit = compile_spec(spec_for_case(case, 'header = false\norder = "spec"'))
    assert explicit == golden_text(case)


@pytest.mark.parametrize("case", GOLDEN, ids=[c["name"] for c in GOLDEN])
def test_both_orders_hold_the_same_lines(case: Dict[str, Any]) -> None:
    by_spec = golden_text(case)
    by_n2p2 = compile_spec(spec_for_case(case, 'header = false\norder = "n2p2"'))
    assert Counter(sf_lines(by_spec)) == Counter(sf_lines(by_n2p2))
    assert sum(map(len, element_blocks(by_n2p2).values())) == len(sf_lines(by_n2p2))
    assert reparsed_order_is_n2p2s(by_n2p2)
    # the overview block is the earlier generator's, then the element blocks
    overview = by_spec[: by_spec.index("symfunction_short")]
    assert by_n2p2.startswith(overview)
    assert by_n2p2[len(overview) :].startswith("# ")
