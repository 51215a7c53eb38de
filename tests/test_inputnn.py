"""The strict input.nn reader: n2p2's reference files, file-level rules, and one test per kind
of line n2p2 would reject or silently mis-read (message pinned with FILE:LINE:COLUMN).

Expected counts come from ``tests/data/sfvalues/index.json`` (what n2p2 itself reported for
each case); expected values are read off the files by hand.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import List

import pytest

from sfcompile.generate.expand import SymmetryFunction
from sfcompile.inputnn.reader import CutoffType, find_duplicates, read_input_nn
from tests.conftest import DATA

SFVALUES = DATA / "sfvalues"
INDEX = {case["name"]: case for case in json.loads((SFVALUES / "index.json").read_text())}


def messages(text: str) -> List[str]:
    return [d.format() for d in read_input_nn(text, "in.nn").problems]


# -- n2p2's reference files ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(INDEX))
def test_reference_files_read_without_problems(name: str) -> None:
    case = INDEX[name]
    parsed = read_input_nn((SFVALUES / name / "input.nn").read_text(), name)
    assert parsed.problems == []
    types = Counter(str(r.sf.type_number) for r in parsed.records)
    assert dict(types) == case["sf_type_counts"]
    assert dict(Counter(r.sf.combination[0] for r in parsed.records)) == case["n_sf"]
    assert list(parsed.elements or ()) == case["elements_input_order"]
    assert parsed.number_of_elements == len(case["elements_input_order"])
    number, *alpha = case["cutoff_type_line"].split()[1:]
    assert parsed.cutoff_type == CutoffType(
        int(number),
        float(alpha[0]) if alpha else None,
        parsed.cutoff_type.line,  # type: ignore[union-attr]
    )


def test_values_of_every_token_order() -> None:
    """Lines of h2o-4_alltypes_ct2, values read off by hand."""
    parsed = read_input_nn((SFVALUES / "h2o-4_alltypes_ct2/input.nn").read_text(), "x")
    by_line = {r.line: r for r in parsed.records}
    sf = SymmetryFunction
    # symfunction_short H 3 H O 0.01 1.0 1.0 12.0  (8 tokens: rs defaults to 0)
    assert by_line[19].sf == sf(3, ("H", "H", "O"), 12.0, eta=0.01, r_shift=0.0, lambda_=1.0,
                                zeta=1.0)  # fmt: skip
    assert "r_shift" not in by_line[19].written
    # symfunction_short H 3 O H 0.05 -1.0 1.0 12.0 2.0  (pair as written)
    assert by_line[26].sf == sf(3, ("H", "O", "H"), 12.0, eta=0.05, r_shift=2.0, lambda_=-1.0,
                                zeta=1.0)  # fmt: skip
    # symfunction_short H 13 0.03 1.5 -1.0 4.0 8.0  (<eta> <rs> <lambda> <zeta> <rc>)
    assert by_line[46].sf == sf(13, ("H",), 8.0, eta=0.03, r_shift=1.5, lambda_=-1.0, zeta=4.0)
    # symfunction_short O 22 O H 0.5 10.0 0.0 360.0 e
    assert by_line[71].sf == sf(22, ("O", "O", "H"), 10.0, r_lower=0.5, theta_left=0.0,
                                theta_right=360.0, subtype="e")  # fmt: skip
    assert by_line[71].written == {"r_lower": "0.5", "cutoff": "10.0", "theta_left": "0.0",
                                   "theta_right": "360.0"}  # fmt: skip
    # symfunction_short H 23 1.0 6.0 p1a
    assert by_line[75].sf == sf(23, ("H",), 6.0, r_lower=1.0, subtype="p1a")


def test_earlier_generator_files_read_without_problems() -> None:
    for path in sorted((DATA / "sfparamgen").glob("*.out")):
        parsed = read_input_nn(path.read_text(), path.name)
        assert parsed.problems == [], path.name
        assert parsed.elements is None and parsed.cutoff_type is None


# -- file-level rules ----------------------------------------------------------------------------


def test_comments_tabs_and_blank_lines() -> None:
    text = (
        "# a comment line\n"
        "! another comment line\n"
        "\n"
        "elements\tH   O   ! the elements\n"
        "symfunction_short\tH\t2\tO   0.5\t1.0  6.0# no space before the comment\n"
        "   symfunction_short H 2 H 0.5 0.0 6.0 !rest ignored: 1 2 3\n"
        "\t\n"
    )
    parsed = read_input_nn(text, "in.nn")
    assert parsed.problems == []
    assert parsed.elements == ("H", "O")
    assert [r.sf for r in parsed.records] == [
        SymmetryFunction(2, ("H", "O"), 6.0, eta=0.5, r_shift=1.0),
        SymmetryFunction(2, ("H", "H"), 6.0, eta=0.5, r_shift=0.0),
    ]
    assert [r.line for r in parsed.records] == [5, 6]


def test_crlf_is_read_with_a_warning() -> None:
    parsed = read_input_nn((DATA / "inputnn/crlf.nn").read_bytes().decode(), "crlf.nn")
    assert [d.format() for d in parsed.problems] == [
        "crlf.nn:1:14: warning: CRLF (Windows) line endings (7 line(s), the first here): n2p2 "
        'does not treat "\\r" as whitespace and breaks on them (e.g. `Element "O\\r" unknown`); '
        "sfcompile read the lines without the \\r. Convert the file to \\n line endings (e.g. "
        "`dos2unix`) before n2p2 reads it"
    ]
    assert parsed.elements == ("Cu", "S")
    assert [r.sf.combination for r in parsed.records][-1] == ("S", "S")
    assert all("\r" not in r.text for r in parsed.records)


def test_the_alias_keyword() -> None:
    parsed = read_input_nn((DATA / "inputnn/alias_weighted.nn").read_text(), "alias.nn")
    assert parsed.problems == []
    assert len(parsed.records) == 24
    assert {r.keyword for r in parsed.records} == {"symfunction"}


def test_mixed_spellings() -> None:
    text = "symfunction_short H 2 H 0.01 0.0 6.0\nsymfunction H 2 H 0.02 0.0 6.0\n"
    assert messages(text) == [
        "in.nn:2:1: error: `symfunction` here but `symfunction_short` on line 1: the two are "
        "the same keyword to n2p2, but a file must not mix the spellings; write "
        "`symfunction_short` throughout"
    ]


def test_duplicates_are_found_as_numbers_with_the_pair_unordered() -> None:
    text = (
        "symfunction_short H 3 H O 0.01 1.0 1.0 6.0\n"
        "symfunction_short H 3 O H 1.000E-02 1 1 6.000E+00 0.0\n"  # the same SF
        "symfunction_short H 9 O H 0.01 1.0 1.0 6.0\n"  # another type
    )
    parsed = read_input_nn(text, "in.nn")
    assert [(a.line, b.line) for a, b in find_duplicates(parsed.records)] == [(2, 1)]


def test_misspelled_keyword() -> None:
    assert messages("SYMFUNCTION_SHORT H 2 H 0.01 0.0 6.0\nsymfunction_shrot H\n") == [
        "in.nn:1:1: error: unknown keyword `SYMFUNCTION_SHORT` (did you mean "
        "`symfunction_short`?): n2p2 only logs a warning and drops the line; fix the spelling "
        "(keywords are case-sensitive)",
        "in.nn:2:1: error: unknown keyword `symfunction_shrot` (did you mean "
        "`symfunction_short`?): n2p2 only logs a warning and drops the line; fix the spelling "
        "(keywords are case-sensitive)",
    ]
    assert messages("global_nodes_short 15 15\nelement_nodes_short H 10\n") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("number_of_elements 3\nelements H O\n", "in.nn:1:20: error: number_of_elements is 3, "
         "but the elements line (line 2) lists 2; n2p2 requires them to agree"),
        ("elements H O H\n", "in.nn:1:14: error: element H is listed twice; list each once"),
        ("elements H\nelements O\n", "in.nn:2:1: error: `elements` is given twice (first on "
         "line 1); keep one line"),
        ("elements H Xx\n", "in.nn:1:12: error: unknown element `Xx` in `elements`: n2p2 "
         'accepts only the symbols H ... No and stops with `Element "Xx" unknown`'),
        ("cutoff_type 9\n", "in.nn:1:13: error: `cutoff_type` takes n2p2's cutoff function "
         "number 0-8 (0 hard, 1 cos, 2 tanhu, 3 tanh, 4 exp, 5-8 poly1-poly4), then optionally "
         "alpha"),
        ("cutoff_type 1 1.0\n", "in.nn:1:15: error: alpha is 1.0: n2p2 aborts unless 0 <= "
         "alpha < 1 (the inner cutoff is alpha * rc)"),
        ("cutoff_type 1 0.1 2\n", "in.nn:1:19: error: too many tokens: `cutoff_type` takes the "
         "cutoff function number and optionally alpha; remove the rest"),
    ],
)  # fmt: skip
def test_global_keywords(text: str, expected: str) -> None:
    assert messages(text) == [expected]


def test_cutoff_type_without_alpha() -> None:
    parsed = read_input_nn("cutoff_type 2\n", "in.nn")
    assert parsed.cutoff_type == CutoffType(2, None, 1)


# -- one test per kind of malformed SF line ------------------------------------------------------

MALFORMED = {
    "too few tokens": (
        "symfunction_short H 2 H 0.01 0.0\n",
        "in.nn:1:30: error: too few tokens: type 2 is `<ec> 2 <e1> <eta> <rs> <rc>`, got 3 "
        "value(s) after the type; n2p2 aborts without saying which line",
    ),
    "too few tokens, type 13 without rs": (
        "symfunction_short H 13 0.01 1.0 1.0 6.0\n",
        "in.nn:1:37: error: too few tokens: type 13 is `<ec> 13 <eta> <rs> <lambda> <zeta> <rc>` "
        "(rs is required for type 13 and comes 2nd), got 4 value(s) after the type; n2p2 aborts "
        "without saying which line",
    ),
    "no type": (
        "symfunction_short H\n",
        "in.nn:1:19: error: too few tokens: expected `<ec> <type> ...`; n2p2 aborts without "
        "saying which line",
    ),
    "too many tokens": (
        "symfunction_short H 2 H 0.01 0.0 6.0 1.0\n",
        "in.nn:1:38: error: too many tokens: type 2 is `<ec> 2 <e1> <eta> <rs> <rc>`; n2p2 "
        "ignores the 1 extra token(s) silently. Remove them, or check the token order",
    ),
    "too many tokens, type 3": (
        "symfunction_short H 3 H H 0.01 1 1 6.0 0.0 0.0\n",
        "in.nn:1:44: error: too many tokens: type 3 is `<ec> 3 <e1> <e2> <eta> <lambda> <zeta> "
        "<rc> [<rs>]`; n2p2 ignores the 1 extra token(s) silently. Remove them, or check the "
        "token order",
    ),
    "unknown element": (
        "symfunction_short Xx 2 H 0.01 0.0 6.0\n",
        "in.nn:1:19: error: unknown element `Xx` as central element: n2p2 accepts only the "
        'symbols H ... No and stops with `Element "Xx" unknown`',
    ),
    "element in the wrong case": (
        "symfunction_short H 2 cu 0.01 0.0 6.0\n",
        "in.nn:1:23: error: unknown element `cu` as neighbour element (did you mean Cu? symbols "
        'are case-sensitive): n2p2 accepts only the symbols H ... No and stops with `Element "cu" '
        "unknown`",
    ),
    "element not in the elements line": (
        "elements H O\nsymfunction_short H 3 H C 0.01 1.0 1.0 6.0\n",
        "in.nn:2:25: error: element C (as neighbour element) is not in the elements line (line "
        '1: H O): n2p2 stops with `Element "C" unknown`; add it there or remove this line',
    ),
    "unknown type": (
        "symfunction_short H 7 H 0.01 0.0 6.0\n",
        "in.nn:1:21: error: unknown symmetry-function type 7: n2p2 has only types 2, 3, 9, 12, "
        "13, 20, 21, 22, 23, 24, 25",
    ),
    "type 2.5": (
        "symfunction_short H 2.5 H 0.01 0.0 6.0\n",
        "in.nn:1:21: error: the type must be an integer, got `2.5`: n2p2 reads it as type 2 "
        "without complaint; write one of 2, 3, 9, 12, 13, 20, 21, 22, 23, 24, 25",
    ),
    "Fortran exponent": (
        "symfunction_short H 2 H 1.0d-2 0.0 6.0\n",
        "in.nn:1:25: error: eta: `1.0d-2` is not a plain decimal or E-notation number: n2p2 "
        "reads it leniently, as 1.0, without complaint; a Fortran exponent: write 1.0E-2",
    ),
    "not a number": (
        "symfunction_short H 2 H abc 0.0 6.0\n",
        "in.nn:1:25: error: eta: `abc` is not a plain decimal or E-notation number: n2p2 reads "
        "it leniently, as 0.0, without complaint; write plain decimal or E notation",
    ),
    "trailing garbage": (
        "symfunction_short H 12 0.01 0.0 6.0x\n",
        "in.nn:1:33: error: rc: `6.0x` is not a plain decimal or E-notation number: n2p2 reads "
        "it leniently, as 6.0, without complaint; write plain decimal or E notation",
    ),
    "nan": (
        "symfunction_short H 2 H nan 0.0 6.0\n",
        "in.nn:1:25: error: eta: `nan` is NaN: n2p2 accepts it silently and computes garbage; "
        "write a finite number",
    ),
    "inf": (
        "symfunction_short H 2 H 0.01 0.0 -inf\n",
        "in.nn:1:34: error: rc: `-inf` is infinity: n2p2 accepts it silently and computes "
        "garbage; write a finite number",
    ),
    "type 13 in type-3 order": (
        "symfunction_short H 13 0.01 1.0 1.0 12.0 0.0\n",
        "in.nn:1:24: error: the values are in type-3/9 token order: type 13 is `<ec> 13 <eta> "
        "<rs> <lambda> <zeta> <rc>`, so n2p2 reads eta = 0.01, rs = 1.0, lambda = 1.0, zeta = "
        "12.0, rc = 0.0 and computes garbage without complaint. Reorder them: `H 13 0.01 0.0 1.0 "
        "1.0 12.0`",
    ),
    "type 13 in type-3 order, lambda slot not 1": (
        "symfunction_short O 13 0.02 -1 4.0 8.0 1.5\n",
        "in.nn:1:24: error: the values are in type-3/9 token order: type 13 is `<ec> 13 <eta> "
        "<rs> <lambda> <zeta> <rc>`, so n2p2 reads eta = 0.02, rs = -1, lambda = 4.0, zeta = "
        "8.0, rc = 1.5 and computes garbage without complaint. Reorder them: `O 13 0.02 1.5 -1 "
        "4.0 8.0`",
    ),
    "type 3 in type-13 order": (
        "symfunction_short O 3 H H 0.01 1.5 -1.0 2.0 12.0\n",
        "in.nn:1:27: error: the values are in type-13 token order: type 3 is `<ec> 3 <e1> <e2> "
        "<eta> <lambda> <zeta> <rc> [<rs>]`, so n2p2 reads eta = 0.01, lambda = 1.5, zeta = "
        "-1.0, rc = 2.0, rs = 12.0 and computes garbage without complaint. Reorder them: `O 3 H H "
        "0.01 -1.0 2.0 12.0 1.5`",
    ),
    "lambda": (
        "symfunction_short O 3 H H 0.01 0.5 2.0 12.0\n",
        "in.nn:1:32: error: lambda = 0.5: must be -1 or 1 (n2p2 accepts any value silently and "
        "computes garbage)",
    ),
    "zeta below 1": (
        "symfunction_short O 9 H H 0.01 1.0 0.5 12.0\n",
        "in.nn:1:36: error: zeta = 0.5: must be >= 1 (n2p2 accepts it silently)",
    ),
    "negative eta": (
        "symfunction_short O 2 H -0.5 0.0 12.0\n",
        "in.nn:1:25: error: eta = -0.5: must be >= 0 (n2p2 accepts it silently; the Gaussian "
        "grows with distance)",
    ),
    "negative cutoff": (
        "symfunction_short O 12 0.01 0.0 -6.0\n",
        "in.nn:1:33: error: rc = -6.0: must be > 0 (n2p2 accepts it silently; the SF is 0 "
        "everywhere)",
    ),
    "cutoff beyond sfcompile's limit": (
        "symfunction_short O 12 0.01 0.0 1200\n",
        "in.nn:1:33: error: rc = 1200.0: sfcompile accepts lengths up to 1000.0",
    ),
    "negative rs on type 3": (
        "symfunction_short O 3 H H 0.01 1.0 1.0 12.0 -1.0\n",
        "in.nn:1:45: error: rs = -1.0 < 0: n2p2's production tools compute a negative rs on "
        "types 3/9 as rs = 0; use rs >= 0",
    ),
    "negative rs on type 2": (
        "symfunction_short O 2 H 0.01 -1.0 12.0\n",
        "in.nn:1:30: error: rs = -1.0 < 0: sfcompile refuses negative rs; use rs >= 0",
    ),
    "polynomial subtype": (
        "symfunction_short H 20 H -6.0 6.0 p5\n",
        "in.nn:1:35: error: unknown polynomial subtype `p5`: n2p2 knows p1, p2, p3, p4 "
        "(optionally with `a`, e.g. p2a) and e",
    ),
    "angle window below 0, off-centre": (
        "symfunction_short H 24 -6.0 6.0 -30.0 60.0 p2\n",
        "in.nn:1:33: error: angle window [-30.0, 60.0] reaches below 0 but is not centred at 0 "
        "([-a, a]); n2p2 aborts or computes garbage",
    ),
    "angle window above 180, off-centre": (
        "symfunction_short H 25 -6.0 6.0 170.0 200.0 p2\n",
        "in.nn:1:33: error: angle window [170.0, 200.0] reaches above 180 but is not centred at "
        "180 ([180 - a, 180 + a]); n2p2 aborts or computes garbage",
    ),
    "empty angle window": (
        "symfunction_short H 21 H H -6.0 6.0 120.0 60.0 p2\n",
        "in.nn:1:37: error: angle window [120.0, 60.0]: theta_l must be < theta_r; n2p2 aborts "
        "or computes garbage",
    ),
    "empty radial window": (
        "symfunction_short H 23 6.0 6.0 p2\n",
        "in.nn:1:24: error: radial window [6.0, 6.0]: must have rl < rc (n2p2 does not check "
        "it; rl = rc divides by zero)",
    ),
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_line(kind: str) -> None:
    text, expected = MALFORMED[kind]
    parsed = read_input_nn(text, "in.nn")
    assert [d.format() for d in parsed.problems] == [expected]
    assert parsed.records == []  # nothing is read silently wrong


def test_every_problem_of_a_file_is_reported_and_good_lines_are_kept() -> None:
    text = (
        "symfunction_short H 2 H 0.01 0.0 6.0\n"
        "symfunction_short H 2 H abc 0.0 6.0\n"
        "symfunction_short H 2 H 0.02 0.0 6.0 7\n"
    )
    parsed = read_input_nn(text, "in.nn")
    assert [(d.line, d.column) for d in parsed.errors] == [(2, 25), (3, 38)]
    assert [r.line for r in parsed.records] == [1]


def test_exp_subtype_is_read_as_e_with_a_warning() -> None:
    parsed = read_input_nn("symfunction_short H 20 H -6.0 6.0 exp\n", "in.nn")
    assert [d.format() for d in parsed.problems] == [
        "in.nn:1:35: warning: subtype `exp`: n2p2 reads it as `e`; sfcompile writes `e`"
    ]
    assert parsed.records[0].sf.subtype == "e"


def test_valid_angle_windows_of_the_reference() -> None:
    text = (
        "symfunction_short O 22 H H -8.0 8.0 -180.0 180.0 p4\n"
        "symfunction_short O 22 O H 0.5 10.0 0.0 360.0 e\n"
        "symfunction_short O 21 H O 1.0 8.0 150.0 210.0 p1\n"
        "symfunction_short H 24 -12.0 12.0 -30.0 30.0 p3a\n"
    )
    assert messages(text) == []
