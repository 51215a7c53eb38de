"""Property: ``import`` reproduces a file's numbers exactly (issue 20).

For every input.nn the reader accepts, ``sfcompile import FILE`` → compile →
``sfcompile diff FILE imported.toml`` reports no SF removed, added or changed, and the spec's
header says so. hypothesis writes the files: every SF type (2, 3, 9, 12, 13, 20–25), one to
three elements, one or two cutoffs, values of the generation rules (exact, or rounded to a few
digits as a hand-edited file or another tool writes them) or arbitrary ones, each number
spelled one of many ways (``1.389E-02``, ``1.389e-02``, ``0.0139``, ``.5``, ``+6``, ``6``),
tokens separated by spaces or tabs. With ``recognise_rounded`` the spec may move values, and
then says so: the result is exact exactly when the diff finds nothing, and the header never
claims the same numbers when they are not.

The budget is fixed and small (the suite stays fast); ``SFCOMPILE_FUZZ_EXAMPLES`` raises it
for a longer hunt, as in ``test_fuzz.py``.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, List, Sequence, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sfcompile import SpecError, compile_spec
from sfcompile.generate.expand import gastegger2018, imbalzano2018
from sfcompile.inputnn.diff import DiffResult, semantic_diff, source_from_input_nn, source_from_spec
from sfcompile.inputnn.importer import ImportResult, import_input_nn
from sfcompile.inputnn.reader import find_duplicates, read_input_nn
from sfcompile.spec.load import load_spec, source_from_text

EXAMPLES = max(int(os.environ.get("SFCOMPILE_FUZZ_EXAMPLES", "250")) // 5, 1)
BUDGET = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

ELEMENTS = ("H", "C", "O", "S", "Cu")
GAUSSIAN_RADIAL, GAUSSIAN_ANGULAR, WEIGHTED = (2,), (3, 9), (12, 13)
POLY_RADIAL, POLY_ANGULAR = (20, 23), (21, 22, 24, 25)
NEIGHBOURS = {2: 1, 3: 2, 9: 2, 12: 0, 13: 0, 20: 1, 21: 2, 22: 2, 23: 0, 24: 0, 25: 0}
ANGLES = [(0.0, 180.0), (0.0, 90.0), (90.0, 180.0), (-90.0, 90.0), (90.0, 270.0), (30.0, 150.0)]


# -- numbers, spelled --------------------------------------------------------------------------


@st.composite
def spelling(draw: Any) -> str:
    """How a file writes its numbers: one format for all, or a different one per number."""
    return draw(st.sampled_from(["E3", "E3", "e4", "E1", "E6", "f4", "g4", "g3", "repr", "mixed"]))


def spell(value: float, how: str, choice: int) -> str:
    """``value`` as a file writes it (``choice`` picks the format of a "mixed" file)."""
    if how == "mixed":
        how = ["E3", "e5", "f3", "g4", "repr", "int", "plus", "dot"][choice % 8]
    if how == "int" and value == int(value):
        return str(int(value))
    if how == "plus" and value >= 0:
        return "+" + repr(value)
    if how == "dot" and repr(value).startswith("0."):
        return repr(value)[1:]  # .25
    if how[0] in "Ee" and how[1:].isdigit():
        return format(value, f".{how[1:]}{how[0]}")
    if how[0] in "fg" and how[1:].isdigit():
        return format(value, f".{how[1:]}{how[0]}")
    return repr(value)


# -- the values of one set -------------------------------------------------------------------


@st.composite
def radial_pairs(draw: Any, cutoff: float) -> List[Tuple[float, float]]:
    """(r_shift, eta) pairs: a rule's (rounded later, when the file writes few digits), or any."""
    n = draw(st.integers(2, 6))
    kind = draw(st.sampled_from(["g18-center", "g18-shift", "i18-center", "i18-shift", "any"]))
    if kind.startswith("g18"):
        lower = draw(st.sampled_from([0.5, 1.0, 1.5, 1.9, 2.0]))
        upper = draw(st.sampled_from([cutoff, cutoff - 0.5, 4.0, 5.5]))
        grid = gastegger2018(kind[4:], n, lower, max(upper, lower + 1.0))
    elif kind.startswith("i18"):
        grid = imbalzano2018(kind[4:], n, cutoff)
    else:
        shifts = draw(st.lists(st.floats(0.0, cutoff - 0.1), min_size=n, max_size=n))
        etas = draw(st.lists(st.floats(0.001, 5.0), min_size=n, max_size=n))
        return list(zip(shifts, etas))
    return [(float(r), float(e)) for r, e in grid.pairs()]


@st.composite
def windows(draw: Any) -> List[Tuple[float, float]]:
    """Radial windows (r_l, r_c): the windows rule's (center or shift), or any."""
    n = draw(st.integers(2, 4))
    kind = draw(st.sampled_from(["center", "shift", "any"]))
    if kind == "center":
        lower, upper = draw(st.sampled_from([(2.0, 6.0), (1.5, 5.0), (5.0, 15.0)]))
        step = (upper - lower) / (n - 1)
        return [(-(lower + k * step), lower + k * step) for k in range(n)]
    if kind == "shift":
        lower, upper, width = draw(st.sampled_from([(-2.5, 15.0, 10.0), (0.0, 6.0, 3.0)]))
        step = (upper - lower - width) / (n - 1)
        return [(lower + k * step, lower + k * step + width) for k in range(n)]
    starts = draw(st.lists(st.floats(-3.0, 4.0), min_size=n, max_size=n))
    return [(s, s + draw(st.floats(1.0, 6.0))) for s in starts]


@st.composite
def sf_set(draw: Any, elements: Sequence[str], cutoffs: Sequence[float]) -> List[List[float]]:
    """The value rows (after the element symbols) of one set, with its element combinations:
    a list of (type, combination, values) as lists [type, combination, *values]."""
    number = draw(st.sampled_from(sorted(NEIGHBOURS)))
    centrals = draw(st.lists(st.sampled_from(elements), min_size=1, unique=True))
    combinations = []
    for central in centrals:
        pair = draw(st.lists(st.sampled_from(elements), min_size=NEIGHBOURS[number],
                             max_size=NEIGHBOURS[number]))  # fmt: skip
        combinations.append((central, *pair))
    rows: List[List[Any]] = []
    if number in GAUSSIAN_RADIAL + GAUSSIAN_ANGULAR + WEIGHTED:
        cutoff = draw(st.sampled_from(cutoffs))
        pairs = draw(radial_pairs(cutoff))
        angular = number in GAUSSIAN_ANGULAR or number == 13
        zetas = draw(st.lists(st.sampled_from([1.0, 2.0, 4.0, 16.0, 1.5, 6.0]), min_size=1,
                              max_size=3, unique=True)) if angular else [None]  # fmt: skip
        lambdas = draw(st.sampled_from([[-1.0, 1.0], [1.0], [-1.0]])) if angular else [None]
        for r_shift, eta in pairs:
            for zeta in zetas:
                for lam in lambdas:
                    rows.append(["g", cutoff, eta, r_shift, lam, zeta])
    else:
        angles = [None]
        if number in POLY_ANGULAR:
            angles = draw(st.lists(st.sampled_from(ANGLES), min_size=1, max_size=2, unique=True))
        subtypes = draw(st.lists(st.sampled_from(["p2", "p1", "p4a", "e", "p3a"]), min_size=1,
                                 max_size=2, unique=True))  # fmt: skip
        for r_lower, r_cutoff in draw(windows()):
            for angle in angles:
                for subtype in subtypes:
                    rows.append(["p", r_lower, r_cutoff, angle, subtype])
    return [[number, combination, *row] for combination in combinations for row in rows]


# -- a whole file ---------------------------------------------------------------------------------


def line_text(sf: List[Any], how: str, seps: List[str], k: int) -> str:
    number, combination, family, *row = sf
    central, *pair = combination

    def num(x: float, j: int) -> str:
        return spell(x, how, k + j)

    def lam_text(x: float) -> str:
        return [f"{x:g}", f"{x:.1f}", f"{x:+.3E}"][k % 3]

    if family == "g":
        cutoff, eta, r_shift, lam, zeta = row
        if number == 2:
            values = [pair[0], num(eta, 0), num(r_shift, 1), num(cutoff, 2)]
        elif number == 12:
            values = [num(eta, 0), num(r_shift, 1), num(cutoff, 2)]
        elif number == 13:
            values = [num(eta, 0), num(r_shift, 1), lam_text(lam), num(zeta, 3), num(cutoff, 2)]
        else:
            values = [*pair, num(eta, 0), lam_text(lam), num(zeta, 3), num(cutoff, 2)]
            values += [num(r_shift, 1)] if (k % 3 or r_shift) else []  # r_s may be left out
    else:
        r_lower, r_cutoff, angle, subtype = row
        values = [*pair, num(r_lower, 0), num(r_cutoff, 1)]
        values += [num(angle[0], 2), num(angle[1], 3)] if angle else []
        values.append(subtype)
    tokens = ["symfunction_short", central, str(number), *values]
    return "".join(t + seps[(k + i) % len(seps)] for i, t in enumerate(tokens)).rstrip(" \t")


@st.composite
def input_nn(draw: Any) -> str:
    """An input.nn the reader accepts: repeated lines and lines it refuses (a value rounded to
    0, say) are left out, and every element is the central element of some line."""
    elements = draw(st.lists(st.sampled_from(ELEMENTS), min_size=1, max_size=3, unique=True))
    cutoffs = draw(st.lists(st.sampled_from([6.0, 5.5, 12.0, 11.22]), min_size=1, max_size=2,
                            unique=True))  # fmt: skip
    how = draw(spelling())
    seps = draw(st.sampled_from([[" "], ["\t"], [" ", "\t", "  "], [" \t"]]))
    sfs = [sf for _ in range(draw(st.integers(1, 4))) for sf in draw(sf_set(elements, cutoffs))]
    lines = [line_text(sf, how, seps, k) for k, sf in enumerate(sfs)]
    lines, combinations = _accepted(lines)
    if not lines:  # every line refused (values rounded to 0, say): one plain line
        lines, combinations = [f"symfunction_short {elements[0]} 12 0.5 0.0 6.0"], [elements[:1]]
    used = {e for combination in combinations for e in combination}
    centrals = {combination[0] for combination in combinations}
    lines += [f"symfunction_short {e} 12 0.5 0.0 6.0" for e in sorted(used - centrals)]
    head = []
    if draw(st.booleans()):
        head.append("elements " + " ".join(e for e in ELEMENTS if e in used))
    if draw(st.booleans()):
        head.append(draw(st.sampled_from(["cutoff_type 1", "cutoff_type 2", "cutoff_type 6 0.1"])))
    return "\n".join(head + lines) + "\n"


def _accepted(lines: List[str]) -> Tuple[List[str], List[Tuple[str, ...]]]:
    """The lines the strict reader accepts, each once (as numbers), and their elements."""
    parsed = read_input_nn("\n".join(lines), "gen.nn")
    repeats = {repeat.line for repeat, _ in find_duplicates(parsed.records)}
    kept = [r for r in parsed.records if r.line not in repeats]
    return [lines[r.line - 1] for r in kept], [r.sf.combination for r in kept]


# -- the property ------------------------------------------------------------------------------


def _import(text: str, recognise_rounded: bool) -> Tuple[ImportResult, DiffResult, DiffResult]:
    """The import, ``diff FILE imported.toml`` and ``diff FILE compiled.nn``."""
    result = import_input_nn(text, "gen.nn", recognise_rounded=recognise_rounded)
    loaded = load_spec(source_from_text(result.spec_text, "imported.toml"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compiled = compile_spec(result.spec_text)
    original = source_from_input_nn(text, "gen.nn")
    against_spec = semantic_diff(original, source_from_spec(loaded))
    against_compiled = semantic_diff(original, source_from_input_nn(compiled, "compiled.nn"))
    return result, against_spec, against_compiled


def _refused_by_the_lint(exc: SpecError) -> bool:
    """n2p2's type-13 crash is refused (as documented); nothing else may stop an import of a
    file the reader accepts."""
    return all(d.message.endswith("[type13-crash]") for d in exc.diagnostics)


CLAIM = "# It compiles to the same SF lines, as numbers (check with `sfcompile diff`); "


@BUDGET
@given(input_nn())
def test_import_reproduces_every_number(text: str) -> None:
    assert read_input_nn(text, "gen.nn").problems == []
    try:
        result, against_spec, against_compiled = _import(text, recognise_rounded=False)
    except SpecError as exc:
        assert _refused_by_the_lint(exc), [d.format() for d in exc.diagnostics]
        return
    for diff in (against_spec, against_compiled):
        assert (len(diff.removed), len(diff.added), len(diff.changed)) == (0, 0, 0), text
        assert diff.equal and diff.shared == diff.a_count == diff.b_count
    assert result.exact and result.spec_text.split("\n")[1].startswith(CLAIM)


@BUDGET
@given(input_nn())
def test_recognise_rounded_says_what_it_moves(text: str) -> None:
    try:
        result, against_spec, against_compiled = _import(text, recognise_rounded=True)
    except SpecError as exc:
        assert _refused_by_the_lint(exc), [d.format() for d in exc.diagnostics]
        return
    assert against_spec.equal is against_compiled.equal is result.exact
    claims_same = result.spec_text.split("\n")[1].startswith(CLAIM)
    assert claims_same is result.exact
    if not result.exact:
        assert any("compile to the rule's values instead" in note for note in result.notes)
