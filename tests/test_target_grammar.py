"""The grammar each code's reader enforces, one test per rule, for what sfcompile writes and
what its readers of those files accept. aenet's rules come from its reader (src/sfsetup.f90,
src/ext/io.f90) and manual, SIMPLE-NN's from its params reader and C code, RuNNer's from its
keyword reference; the tests and readers are our own. Plus a fixed-budget fuzz of the readers.
"""

from __future__ import annotations

import re
import time
from typing import Any, Dict, List

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sfcompile import SpecError
from sfcompile.inputnn.aenet import read_stp
from sfcompile.inputnn.formats import import_runner
from sfcompile.inputnn.simple_nn import atom_types, read_params
from sfcompile.targets.registry import compile_target

from .test_target_codes import WATER

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _aenet() -> Dict[str, str]:
    return dict(compile_target(WATER + "\n[aenet]\nrmin = 1.4\n", "aenet"))


def _lines(text: str) -> List[str]:
    return text.split("\n")


# -- aenet: what sfcompile writes ------------------------------------------------------------


def test_aenet_keywords_start_lines_in_aenets_order() -> None:
    """ATOM, ENV, RMIN, FUNCTIONS: aenet reads ATOM's symbol from column 6 and ENV's count
    from column 4 of a line that starts with the keyword."""
    for name, text in _aenet().items():
        keywords = [line.split()[0] for line in _lines(text) if re.match(r"[A-Z]{3,}\b", line)]
        assert keywords == ["DESCR", "END", "ATOM", "ENV", "RMIN", "FUNCTIONS"], name
        assert f"\nATOM {name.split('.')[0]}\n" in text
        assert "\nENV 2\nH\nO\n" in text


def test_aenet_functions_block_count_then_exactly_that_many_lines() -> None:
    """FUNCTIONS type=Behler2011 (case-sensitive; BASIS takes Chebyshev only), the count on
    the very next line, then only function lines (aenet reads them raw)."""
    for text in _aenet().values():
        lines = _lines(text)
        k = lines.index("FUNCTIONS type=Behler2011")
        count = int(lines[k + 1])
        body = lines[k + 2 : k + 2 + count]
        assert all(line.startswith("G=") for line in body)
        assert lines[k + 2 + count :] == [""]  # nothing after: the file ends
        assert "BASIS" not in text


def test_aenet_eta_before_zeta_and_every_key_present() -> None:
    """aenet takes the first occurrence of a key's name: `eta` must come before `zeta`."""
    for text in _aenet().values():
        for line in (line for line in _lines(text) if line.startswith("G=")):
            keys = ["type2", "eta", "Rs", "Rc"] if line.startswith("G=2") else [
                "type2", "type3", "eta", "lambda", "zeta", "Rc"]  # fmt: skip
            for key in keys:
                assert f" {key}=" in line
            if "zeta=" in line:
                assert line.index(" eta=") < line.index("zeta=")


def test_aenet_comments_only_before_keywords() -> None:
    for text in _aenet().values():
        for line in _lines(text):
            if line.startswith("!"):
                assert _lines(text).index(line) < _lines(text).index("DESCR")


# -- aenet: what the reader refuses ----------------------------------------------------------

STP = """\
! a comment
ATOM H
ENV 2
H
O
RMIN 0.75d0
FUNCTIONS type=Behler2011
2
G=2 type2=O eta=0.5 Rs=1.0d0 Rc=6.5
G=4 type2=O type3=H eta=0.1 lambda= -1.0 zeta=2.0 Rc=6.5
"""


def test_aenet_reader_takes_a_hand_written_setup() -> None:
    setup = read_stp(STP, "H.stp")
    assert (setup.atom, setup.env, setup.rmin) == ("H", ["H", "O"], 0.75)
    [(line2, g2), (line4, g4)] = setup.functions
    assert (line2, g2.type_number, g2.combination, g2.eta, g2.r_shift) == (9, 2, ("H", "O"),
                                                                           0.5, 1.0)  # fmt: skip
    assert (line4, g4.type_number, g4.lambda_, g4.zeta, g4.cutoff) == (10, 3, -1.0, 2.0, 6.5)


BROKEN_STP = [
    (STP.replace("FUNCTIONS type=Behler2011", "BASIS type=Behler2011"), 7,
     "BASIS: aenet's BASIS takes its Chebyshev basis only"),
    (STP.replace("Behler2011", "behler2011"), 7, "FUNCTIONS type=behler2011: aenet knows "
     "type=Behler2011 only (case-sensitive)"),
    (STP.replace("Behler2011\n2", "Behler2011\n\n2"), 8, "the number of functions must be on "
     "the line right after FUNCTIONS"),
    (STP.replace("Rc=6.5\nG=4", "Rc=6.5\n! no\nG=4"), 10, "a blank or comment line among the "
     "functions"),
    (STP.replace("eta=0.1 lambda= -1.0 zeta=2.0", "zeta=2.0 lambda= -1.0 eta=0.1"), 10,
     "eta= must come before zeta="),
    (STP.replace(" Rs=1.0d0", ""), 9, "G=2 without Rs=: aenet would use 0"),
    (STP.replace("type3=H", "type3=Cu"), 10, "species 'Cu' is not in ENV (H, O)"),
    (STP.replace("G=2 ", "G=3 "), 9, "G=3: has no n2p2 SF type"),
    (STP.replace("RMIN", "RMAX"), 6, "unknown keyword `RMAX`"),
    (STP.replace("\n2\n", "\n3\n"), 8, "3 functions announced; the file ends before"),
    (STP.replace("ENV 2", "ENV two"), 3, "ENV takes the number of species on its line"),
    (STP.replace("lambda= -1.0", "lambda= 0.5"), 10, "lambda must be -1 or 1"),
    (STP.replace("RMIN 0.75d0", "RMIN -0.75d0"), 6, "RMIN takes a positive distance"),
    (STP + "FUNCTIONS type=Behler2011\n0\n", 11,
     "a second FUNCTIONS block: aenet stops (multiple basis definitions)"),
    (STP.replace("Rs=1.0d0 Rc=6.5", "Rs=1.0d0 Rc=0.0"), 9, "Rc must be > 0 and eta >= 0"),
    # ATOM moved to the end: lines 2-5 ENV, 6 FUNCTIONS, 7 the count, 8 the first function
    (STP.replace("ATOM H\n", "") + "ATOM H\n", 8, "a function before ATOM: aenet needs ATOM first"),
    ("ENV 1\nH\n", 2, "no ATOM line: aenet needs the central species"),
    ("ATOM H\n", 1, "no ENV block: aenet needs the species of the environment"),
    ("ATOM H\nENV 1\nH\n", 3, "no FUNCTIONS type=Behler2011 block (aenet: cutoff undetermined)"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "message"), BROKEN_STP)
def test_aenet_reader_refuses(text: str, line: int, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        read_stp(text, "H.stp")
    first = caught.value.diagnostics[0]
    assert (first.source, first.line) == ("H.stp", line)
    assert message in first.message


# -- SIMPLE-NN ---------------------------------------------------------------------------------


def _simple_nn() -> Dict[str, str]:
    return dict(compile_target(WATER, "simple-nn"))


def test_simple_nn_params_lines_are_what_its_reader_splits() -> None:
    """Seven fields, three integers then four reals, nothing else (no comment, no blank line);
    G2: second index 0 and an unused last real; G4/G5: eta zeta lambda."""
    files = _simple_nn()
    for name in ("params_H", "params_O"):
        rows = [line.split() for line in files[name].split("\n")[:-1]]
        assert rows and all(len(row) == 7 for row in rows)
        for row in rows:
            g, first, second = map(int, row[:3])
            cutoff, eta, p2, p3 = map(float, row[3:])
            assert g in (2, 4, 5) and 1 <= first <= 2 and cutoff > 0 and eta >= 0
            if g == 2:
                assert (second, p3) == (0, 0.0)
            else:
                assert 1 <= second <= 2 and p2 >= 1 and p3 in (-1.0, 1.0)  # zeta, lambda


def test_simple_nn_legend_gives_the_index_order() -> None:
    legend = _simple_nn()["simple-nn-input.yaml"]
    assert atom_types(legend, "simple-nn-input.yaml") == ["H", "O"]
    assert "\n  - H    # index 1\n  - O    # index 2\n" in legend
    assert "    H: params_H\n    O: params_O\n" in legend


BROKEN_PARAMS = [
    ("2 1 0 6.0 0.1 0.0 0.0\n\n2 2 0 6.0 0.1 0.0 0.0\n", 2, "a blank line"),
    ("# eta\n2 1 0 6.0 0.1 0.0 0.0\n", 1, "a comment"),
    ("2 1 0 6.0 0.1 0.0\n", 1, "6 fields; a params line has 7"),
    ("2.0 1 0 6.0 0.1 0.0 0.0\n", 1, "'2.0': the first three fields are integers"),
    ("3 1 1 6.0 0.1 0.0 0.0\n", 1, "SF type 3: SIMPLE-NN has G2, G4 and G5"),
    ("4 1 3 6.0 0.1 1.0 1.0\n", 1, "neighbour index 3: atom_types has 2 element(s)"),
    ("2 0 0 6.0 0.1 0.0 0.0\n", 1, "neighbour index 0"),
    ("4 1 2 6.0 0.1 0.5 1.0\n", 1, "zeta must be >= 1"),
    ("5 1 2 6.0 0.1 2.0 0.0\n", 1, "lambda -1 or 1"),
    ("2 1 0 6.0 abc 0.0 0.0\n", 1, "'abc' is not a number"),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN_PARAMS)
def test_simple_nn_reader_refuses(text: str, line: int, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        read_params(text, "params_H", "H", ["H", "O"])
    first = caught.value.diagnostics[0]
    assert (first.source, first.line) == ("params_H", line)
    assert message in first.message


def test_simple_nn_atom_types_forms() -> None:
    assert atom_types("atom_types: [Si, O]\n", "input.yaml") == ["Si", "O"]
    assert atom_types("x: 1\natom_types:\n  - Si\n  - 'O'\nparams: 2\n", "y") == ["Si", "O"]
    with pytest.raises(SpecError, match="no atom_types list"):
        atom_types("params: {}\n", "input.yaml")


# -- RuNNer ------------------------------------------------------------------------------------


def test_runner_lines() -> None:
    """Type 2: element 2 neighbour eta r_shift r_c; types 3 and 9: element type n1 n2 eta
    lambda zeta r_c, no r_shift; cutoff_type 1; comments start with #."""
    [(_, text)] = compile_target(WATER, "runner")
    body = [line for line in text.split("\n") if line and not line.startswith("#")]
    assert body[0] == "cutoff_type 1"
    for line in body[1:]:
        tokens = line.split()
        assert tokens[0] == "symfunction_short"
        assert len(tokens) == (7 if tokens[2] == "2" else 9)
        for value in tokens[4 if tokens[2] == "2" else 5 :]:
            float(value)
    assert {line.split()[2] for line in body[1:]} == {"2", "3", "9"}


def test_runner_import_refuses_what_it_cannot_map() -> None:
    text = "elements H\ncutoff_type 2\nsymfunction_short H 2 H 0.1 0.0 12.0\n"
    with pytest.raises(SpecError, match="RuNNer cutoff_type other than 1"):
        import_runner(text, "input.nn")
    text = "elements H\nsymfunction_short H 3 H H 0.1 1 2 12.0 1.5\n"
    with pytest.raises(SpecError, match="angular SF with r_shift"):
        import_runner(text, "input.nn")


# -- fuzz --------------------------------------------------------------------------------------

PIECES = st.sampled_from(
    ["ATOM H", "ENV 2", "H", "O", "RMIN 0.7d0", "FUNCTIONS type=Behler2011", "2", "",
     "! c", "DESCR", "END DESCR", "G=2 type2=O eta=0.5 Rs=0 Rc=6", "G=4 type2=H type3=O eta=1 "
     "lambda=1 zeta=1 Rc=6", "G=5 zeta=1", "BASIS type=x", "Rc=", "=", "2 1 0 6.0 0.1 0.0 0.0",
     "4 1 2 6 0.1 1 -1", "x", "1e999", "nan"]
)  # fmt: skip


@FUZZ
@given(st.lists(PIECES, max_size=30), st.text(max_size=40))
def test_fuzz_readers_give_a_result_or_a_located_error(pieces: List[str], noise: str) -> None:
    text = "\n".join(pieces) + noise
    start = time.perf_counter()
    for read in (lambda: read_stp(text, "f.stp"), lambda: read_params(text, "p", "H", ["H", "O"])):
        try:
            read()
        except SpecError as exc:
            assert all(d.source in ("f.stp", "p") for d in exc.diagnostics)
    assert time.perf_counter() - start < 2.0


def test_readers_refuse_huge_files_before_reading(monkeypatch: Any) -> None:
    from sfcompile.inputnn import aenet, simple_nn

    monkeypatch.setattr(aenet, "MAX_BYTES", 100)
    monkeypatch.setattr(simple_nn, "MAX_BYTES", 100)
    with pytest.raises(SpecError, match="larger than"):
        read_stp("!" * 101, "big.stp")
    with pytest.raises(SpecError, match="larger than"):
        read_params("2" * 101, "params_H", "H", ["H"])
