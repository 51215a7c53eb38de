"""Fuzz tests of every reader: whatever the input, a result or a located error, never another
exception, and never an unbounded run.

hypothesis feeds mutated copies of real files (characters and lines inserted, deleted, swapped,
replaced) and random text to the spec loader, the input.data reader and the input.nn reader.
The budget is fixed (a few hundred examples each, a few seconds in all), so the suite stays fast;
a failing example is printed and kept by hypothesis' database for the next run.
"""

from __future__ import annotations

import contextlib
import io
import os
from typing import Any, List

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sfcompile
from sfcompile import SfcompileError
from sfcompile.inputnn.importer import import_input_nn
from sfcompile.inputnn.reader import read_input_nn
from sfcompile.readers.structures import read_input_data
from sfcompile.selection.report_file import parse_selection

from .conftest import DATA, REPO

# SFCOMPILE_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py: a longer hunt
EXAMPLES = int(os.environ.get("SFCOMPILE_FUZZ_EXAMPLES", "250"))
BUDGET = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

SPECS = [p.read_text() for p in sorted((REPO / "examples" / "configs").glob("*.toml"))]
INPUT_NN = [
    (DATA / "sfvalues" / "h2o-4_alltypes_ct2" / "input.nn").read_text(),
    (DATA / "n2p2-examples" / "Carbon_chain_4G" / "input.nn").read_text(),
]
STRUCTURES = (DATA / "datasets" / "qm9-10.data").read_text()[:6000]  # a few molecules
STRUCTURES += "".join((DATA / "datasets" / "h2o-4.data").read_text().splitlines(True)[:120])

# characters that matter to the readers: TOML punctuation, digits, signs, exotic digits
ALPHABET = st.sampled_from(
    [*" \t\n\r[]{}=,.\"'#!-+eE0123456789_abcHOxyz", "\u0661", "\x00", "\u00e9"]
)


@st.composite
def mutated(draw: Any, texts: List[str]) -> str:
    """One of ``texts`` with a few characters or whole lines inserted, deleted or replaced."""
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):  # line level
            lines = text.split("\n")
            k = draw(st.integers(0, max(0, len(lines) - 1)))
            action = draw(st.sampled_from(["delete", "duplicate", "swap", "replace"]))
            if action == "delete":
                del lines[k]
            elif action == "duplicate":
                lines.insert(k, lines[k] if lines else "")
            elif action == "swap" and len(lines) > 1:
                j = draw(st.integers(0, len(lines) - 1))
                lines[k], lines[j] = lines[j], lines[k]
            else:
                lines[k] = draw(st.text(ALPHABET, max_size=30))
            text = "\n".join(lines)
        else:  # character level
            k = draw(st.integers(0, len(text)))
            cut = draw(st.integers(0, 3))
            text = text[:k] + draw(st.text(ALPHABET, max_size=4)) + text[k + cut :]
    return text


@BUDGET
@given(st.one_of(mutated(SPECS), st.text(ALPHABET, max_size=200)))
def test_spec_loader(text: str) -> None:
    with contextlib.suppress(SfcompileError):
        sfcompile.compile_spec(text)


@BUDGET
@given(mutated(INPUT_NN))
def test_input_nn_reader(text: str) -> None:
    parsed = read_input_nn(text, "input.nn")  # reports problems, never raises
    assert all(d.line is None or d.line >= 1 for d in parsed.problems)
    with contextlib.suppress(SfcompileError):
        import_input_nn(text, "input.nn")


@BUDGET
@given(mutated([STRUCTURES]))
def test_input_data_reader(text: str) -> None:
    try:
        for structure in read_input_data(io.StringIO(text), source="input.data"):
            assert structure.positions.shape == (len(structure.elements), 3)
    except SfcompileError as exc:
        assert all(d.source == "input.data" for d in exc.diagnostics)


@settings(
    max_examples=max(EXAMPLES // 4, 1), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(mutated([STRUCTURES]))
def test_stats_on_mutated_data(text: str) -> None:
    """The whole engine on damaged data (coordinates changed, atoms moved): a result or a
    located error."""
    from sfcompile.analysis.stats import collect, spec_plan

    checked = sfcompile.check(sfcompile.load(SPEC_FOR_DATA))
    with contextlib.suppress(SfcompileError):
        collect(spec_plan(checked), read_input_data(io.StringIO(text), source="input.data"))


SPEC_FOR_DATA = """\
elements = ["H", "C", "N", "O"]
cutoff = 5.0
[cutoff_function]
type = "cos"
[[sets]]
type = "radial"
rule = "custom"
r_shift = [0.0]
eta = [0.5]
[[sets]]
type = "angular_wide"
rule = "custom"
r_shift = [0.0]
eta = [0.1]
zetas = [1]
"""


REPORT = """{"format": "sfcompile-select/1", "method": "cur", "elements": {
  "H": {"pool": 3, "constant": ["symfunction_short H 2 H 1 0 6"], "picks": [
    {"rank": 1, "line": "symfunction_short H 2 O 1 0 6", "score": 0.5, "unexplained": 0.4},
    {"rank": 2, "line": "symfunction_short H 2 O 2 0 6", "score": null, "unexplained": 0.1}]},
  "O": {"pool": 1, "picks": [{"rank": 1, "line": "x", "unexplained": 0}]}}}"""


@BUDGET
@given(st.one_of(mutated([REPORT]), st.text(ALPHABET, max_size=100)))
def test_selection_report_reader(text: str) -> None:
    try:
        selection = parse_selection(text, "report.json")
    except SfcompileError as exc:
        assert all(d.source == "report.json" for d in exc.diagnostics)
        return
    for curve in selection.curves:
        assert curve.unexplained[0] == 1.0 and len(curve.n) == len(curve.picks) + 1


@settings(
    max_examples=max(EXAMPLES // 10, 1), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(mutated([STRUCTURES]))
def test_select_on_mutated_data(text: str) -> None:
    """The selection on damaged data: a spec that compiles to a subset of the pool, or a
    located error."""
    from sfcompile.selection.api import select_sfs

    structures: List[Any] = []
    with contextlib.suppress(SfcompileError):  # the structures before any damage
        structures.extend(read_input_data(io.StringIO(text), source="input.data"))
    if not structures:
        return
    try:
        result = select_sfs(SPEC_FOR_DATA, structures, per_element=1)
    except SfcompileError as exc:
        assert all(d.line is None or d.line >= 1 for d in exc.diagnostics)
        return

    def lines(text: str) -> List[str]:
        return [x for x in text.splitlines() if x.startswith("symfunction_short")]

    selected = lines(sfcompile.compile_spec(result.spec_text))
    assert selected and set(selected) <= set(lines(sfcompile.compile_spec(SPEC_FOR_DATA)))
