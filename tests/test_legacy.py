"""SymFuncParamGenerator (sfcompile.legacy): the earlier generator's API as a facade.

Reference data: the earlier generator's golden outputs and error cases in tests/data/sfparamgen
(see tests/data/README.md). The facade must write the same bytes, raise the same exception types
in the same order, and turn a session into a TOML spec that compiles to what it wrote.
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import pytest

import sfcompile
from sfcompile import SpecError, SpecWarning, SymFuncParamGenerator, compile_spec

GOLDEN = Path(__file__).parent / "data" / "sfparamgen"
CASES: List[Dict[str, Any]] = json.loads((GOLDEN / "cases.json").read_text())["cases"]
ERRORS: List[Dict[str, Any]] = json.loads((GOLDEN / "errors.json").read_text())["cases"]
CASES_BY_NAME = {case["name"][:3]: case for case in CASES}
RADIAL_KEYS = ("rule", "mode", "nb_param_pairs", "r_lower", "r_upper")


# -- helpers ------------------------------------------------------------------------------------


@contextmanager
def recorded() -> Iterator[List[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def golden_text(case: Dict[str, Any]) -> str:
    return (GOLDEN / str(case["file"])).read_bytes().decode("ascii")


def configure(case: Dict[str, Any]) -> SymFuncParamGenerator:
    """The golden call sequence (fixtures README 1.1); keys absent from the case are not passed."""
    gen = SymFuncParamGenerator(elements=case["elements"], r_cutoff=case["r_cutoff"])
    gen.symfunc_type = case["symfunc_type"]
    if "rule" in case:
        gen.generate_radial_params(**{k: case[k] for k in RADIAL_KEYS if k in case})
    else:
        gen.set_custom_radial_params(case["r_shift_values"], case["eta_values"])
    if "zetas" in case:
        gen.zetas = case["zetas"]
    return gen


def write_both(gen: SymFuncParamGenerator, out: Optional[io.StringIO] = None) -> io.StringIO:
    out = io.StringIO() if out is None else out
    gen.write_settings_overview(out)
    gen.write_parameter_strings(out)
    return out


def compiled(spec: str) -> str:
    """compile_spec, tolerating the compiler's own advice (SpecWarning) but no other warning."""
    with recorded() as caught:
        text = compile_spec(spec)
    assert all(issubclass(w.category, SpecWarning) for w in caught), caught
    return text


def imbalzano(gen: SymFuncParamGenerator, pairs: int = 3) -> None:
    gen.generate_radial_params(rule="imbalzano2018", mode="center", nb_param_pairs=pairs)


# -- golden outputs -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_case_bytes(case: Dict[str, Any]) -> None:
    with recorded() as caught:
        gen = configure(case)
        out = write_both(gen)
    assert [w.category.__name__ for w in caught] == [
        w["category"] for w in case.get("warnings", [])
    ]
    assert out.getvalue() == golden_text(case)


def test_all_golden_cases_are_covered() -> None:
    assert len(CASES) == 94


@pytest.mark.parametrize("method", ["write_settings_overview", "write_parameter_strings"])
def test_write_methods_default_to_stdout(method: str, capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES_BY_NAME["082"]
    gen = configure(case)
    expected = io.StringIO()
    getattr(gen, method)(expected)
    capsys.readouterr()
    getattr(gen, method)()
    assert capsys.readouterr().out == expected.getvalue() != ""


def test_stdout_output_equals_golden(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES_BY_NAME["092"]
    gen = configure(case)
    gen.write_settings_overview()
    gen.write_parameter_strings()
    assert capsys.readouterr().out == golden_text(case)


# -- errors.json replayed -----------------------------------------------------------------------

Step = Dict[str, Any]


class Session:
    """One generator driven by errors.json steps (meta.ops); writes go to one StringIO."""

    def __init__(self) -> None:
        self.gen: Optional[SymFuncParamGenerator] = None
        self.out = io.StringIO()

    def run(self, step: Step) -> None:
        args = {k: v for k, v in step.items() if k != "op"}
        if step["op"] == "init":
            self.gen = SymFuncParamGenerator(elements=args["elements"], r_cutoff=args["r_cutoff"])
            return
        assert self.gen is not None
        OPS[step["op"]](self, self.gen, args)


Op = Callable[[Session, SymFuncParamGenerator, Dict[str, Any]], Any]
OPS: Dict[str, Op] = {
    "set_attr": lambda s, g, a: setattr(g, a["attr"], a["value"]),
    "set_symfunc_type": lambda s, g, a: setattr(g, "symfunc_type", a["value"]),
    "set_zetas": lambda s, g, a: setattr(g, "zetas", a["values"]),
    "generate_radial_params": lambda s, g, a: g.generate_radial_params(**a),
    "set_custom_radial_params": lambda s, g, a: g.set_custom_radial_params(
        a["r_shift_values"], a["eta_values"]
    ),
    "write_settings_overview": lambda s, g, a: g.write_settings_overview(s.out),
    "write_parameter_strings": lambda s, g, a: g.write_parameter_strings(s.out),
    "check_writing_prerequisites": lambda s, g, a: g.check_writing_prerequisites(),
    "find_element_combinations": lambda s, g, a: g.find_element_combinations(),
}

# Key facts our message must state (parameter, offending value, what is expected / the fix).
FACTS: Dict[str, Tuple[str, ...]] = {
    "init_rcutoff_zero": ("r_cutoff=0", "> 0"),
    "init_rcutoff_negative": ("r_cutoff=-5.0", "> 0"),
    "r_cutoff_read_only": (),
    "symfunc_type_unknown": ("symfunc_type='illegal_type'", "'radial'", "'weighted_angular'"),
    "symfunc_type_wrong_case": ("symfunc_type='Radial'", "did you mean 'radial'"),
    "symfunc_type_number": ("symfunc_type=2", "'radial'", "name, not the number"),
    "nb_param_pairs_one_gastegger": ("nb_param_pairs=1", ">= 2"),
    "nb_param_pairs_zero_imbalzano": ("nb_param_pairs=0", ">= 2"),
    "nb_param_pairs_checked_before_rule": ("nb_param_pairs=1", ">= 2"),
    "gastegger_center_missing_r_lower": ("r_lower", "'gastegger2018'", "r_lower=..."),
    "gastegger_shift_missing_r_lower": ("r_lower", "'gastegger2018'", "r_lower=..."),
    "gastegger_missing_r_lower_before_mode": ("r_lower", "'gastegger2018'"),
    "gastegger_center_r_lower_zero": ("0 < r_lower < r_upper <= r_cutoff", "r_lower=0.0"),
    "gastegger_center_r_lower_gt_r_upper": ("r_lower=5.0", "r_upper=1.0", "r_cutoff=6.0"),
    "gastegger_center_r_lower_eq_r_upper": ("r_lower=3.0", "r_upper=3.0"),
    "gastegger_center_r_upper_gt_cutoff": ("r_upper=7.0", "r_cutoff=6.0", "r_upper <= r_cutoff"),
    "gastegger_center_r_lower_gt_cutoff_default_upper": ("r_lower=7.0", "(default: r_cutoff)"),
    "gastegger_shift_r_lower_negative": ("0 <= r_lower < r_upper <= r_cutoff", "r_lower=-1.0"),
    "gastegger_shift_r_lower_gt_r_upper": ("'shift'", "r_lower=5.0", "r_upper=1.0"),
    "gastegger_shift_r_upper_gt_cutoff": ("'shift'", "r_upper=7.0", "r_cutoff=6.0"),
    "gastegger_shift_r_lower_eq_cutoff_default_upper": ("r_lower=6.0", "r_upper=6.0 (default"),
    "gastegger_bad_mode": ("mode='centre'", "'center'", "'shift'"),
    "imbalzano_bad_mode": ("mode='Shift'", "'center'", "'shift'"),
    "imbalzano_bad_mode_after_warning": ("mode='bad_mode'", "'center'"),
    "bad_rule": ("rule='gastegger'", "'gastegger2018'", "'imbalzano2018'"),
    "custom_unequal_length": ("3 r_shift_values", "2 eta_values", "one eta per r_shift"),
    "custom_negative_r_shift": ("r_shift_values=[-0.1, 2.2, 3.3]", ">= 0"),
    "custom_zero_eta": ("eta_values=[0, 2.2, 3.3]", "> 0"),
    "custom_negative_eta": ("eta_values=[0.5, -0.5]", "> 0"),
    "custom_length_checked_first": ("1 r_shift_values", "2 eta_values"),
    "write_overview_without_type": ("write_settings_overview", "symfunc_type = "),
    "write_strings_without_type": ("write_parameter_strings", "symfunc_type = "),
    "check_prerequisites_without_type": ("no symmetry-function type", "symfunc_type = "),
    "write_strings_without_radial_params": ("write_parameter_strings", "generate_radial_params"),
    "write_overview_without_radial_params": ("write_settings_overview", "r_shift/eta"),
    "check_prerequisites_without_radial_params": ("r_shift/eta", "set_custom_radial_params"),
    "write_strings_angular_without_zetas": ("write_parameter_strings", "'angular_narrow'", "zetas"),
    "check_prerequisites_angular_without_zetas": ("'weighted_angular'", "zetas = [...]"),
    "zetas_cleared_by_radial_type": ("write_settings_overview", "'angular_wide'", "clears"),
    "find_element_combinations_without_type": ("find_element_combinations", "symfunc_type = "),
    "implicit_nb_param_pairs_float_gastegger": ("nb_param_pairs=3.0", "not an integer"),
    "implicit_nb_param_pairs_float_imbalzano": ("nb_param_pairs=3.0", "not an integer"),
    "implicit_custom_empty_lists": ("empty", "at least one (r_shift, eta) pair"),
    "implicit_nb_param_pairs_none": ("nb_param_pairs=None", "not an integer"),
}

# errors.json's "accepted" cases that sfcompile deliberately refuses: (step, type, key facts).
DELIBERATE: Dict[str, Tuple[int, type, Tuple[str, ...]]] = {
    "zeta_zero_and_negative_accepted": (3, ValueError, ("zetas=[0.0, -2.0]", ">= 1")),
    "empty_elements_accepted": (0, ValueError, ("elements is empty",)),
    "duplicate_elements_accepted": (0, ValueError, ("'Cu' is listed twice",)),
}


def replay(case: Dict[str, Any]) -> Tuple[Session, Optional[Tuple[int, BaseException]]]:
    session = Session()
    for index, step in enumerate(case["steps"]):
        try:
            session.run(step)
        except Exception as exc:
            return session, (index, exc)
    return session, None


def check_warnings(caught: List[warnings.WarningMessage], expected: List[Dict[str, str]]) -> None:
    assert [w.category.__name__ for w in caught] == [w["category"] for w in expected]
    for ours, theirs in zip(caught, expected):
        argument = "r_lower" if "r_lower" in theirs["message"] else "r_upper"
        assert f"{argument}=" in str(ours.message)
        assert "ignored" in str(ours.message)


@pytest.mark.parametrize("case", ERRORS, ids=[c["name"] for c in ERRORS])
def test_errors_json_case(case: Dict[str, Any]) -> None:
    with recorded() as caught:
        session, raised = replay(case)
    check_warnings(caught, case["expect"]["warnings"])
    if case["name"] in DELIBERATE:
        step, kind, facts = DELIBERATE[case["name"]]
        assert raised is not None and raised[0] == step and type(raised[1]) is kind
        assert all(fact in str(raised[1]) for fact in facts), str(raised[1])
        return
    expected = case["expect"]["raises"]
    if expected is None:
        assert raised is None, raised
    else:
        assert raised is not None, "expected an exception"
        assert (raised[0], type(raised[1]).__name__) == (expected["step"], expected["type"])
        message = str(raised[1])
        assert all(fact in message for fact in FACTS[case["name"]]), message
        if case["message_stable"]:
            assert message != expected["message"]  # our own wording
    if "output" in case["expect"]:
        assert session.out.getvalue() == case["expect"]["output"]


def test_every_error_case_has_facts_or_a_deliberate_difference() -> None:
    raising = {c["name"] for c in ERRORS if c["expect"]["raises"] is not None}
    assert raising == set(FACTS)
    assert set(DELIBERATE) <= {c["name"] for c in ERRORS if c["kind"] == "accepted"}


@pytest.mark.parametrize(
    "call", [lambda g: g.check_writing_prerequisites(), lambda g: g.check_symfunc_type()]
)
def test_direct_checks_name_no_calling_method(call: Callable[[Any], None]) -> None:
    with pytest.raises(ValueError) as info:
        call(SymFuncParamGenerator(["S", "Cu"], 6.0))
    assert "write_" not in str(info.value) and "find_element" not in str(info.value)


def test_check_passes_once_everything_is_set() -> None:
    gen = configure(CASES_BY_NAME["002"])
    gen.check_symfunc_type()
    gen.check_writing_prerequisites()
    gen.check_writing_prerequisites("write_parameter_strings")


# -- state: properties and class attributes -----------------------------------------------------


def test_import_from_package_is_the_legacy_class() -> None:
    from sfcompile.legacy import SymFuncParamGenerator as direct

    assert direct is SymFuncParamGenerator and "SymFuncParamGenerator" in sfcompile.__all__


def test_class_attributes() -> None:
    assert SymFuncParamGenerator.symfunc_type_numbers == {
        "radial": 2,
        "angular_narrow": 3,
        "angular_wide": 9,
        "weighted_radial": 12,
        "weighted_angular": 13,
    }
    lambdas = SymFuncParamGenerator.lambdas
    assert isinstance(lambdas, np.ndarray) and lambdas.tolist() == [-1.0, 1.0]
    assert lambdas.dtype == np.float64


def test_initial_state() -> None:
    gen = SymFuncParamGenerator(["S", "Cu"], 6.0)
    assert gen.elements == ["S", "Cu"] and gen.r_cutoff == 6.0
    assert gen.symfunc_type is None and gen.zetas is None
    assert gen.element_combinations is None
    assert gen.r_shift_grid is None and gen.eta_grid is None
    assert gen.radial_paramgen_settings is None


@pytest.mark.parametrize(
    "attr", ["r_cutoff", "elements", "element_combinations", "r_shift_grid", "eta_grid"]
)
def test_read_only_properties(attr: str) -> None:
    gen = SymFuncParamGenerator(["S", "Cu"], 6.0)
    with pytest.raises(AttributeError):
        setattr(gen, attr, 10.0)


def test_elements_cannot_be_changed_through_the_returned_list() -> None:
    gen = SymFuncParamGenerator(["S", "Cu"], 6.0)
    gen.elements.append("H")
    assert gen.elements == ["S", "Cu"]


COMBINATIONS = {
    "radial": [("S", "S"), ("S", "Cu"), ("Cu", "S"), ("Cu", "Cu")],
    "angular_narrow": [
        ("S", "S", "S"),
        ("S", "S", "Cu"),
        ("S", "Cu", "Cu"),
        ("Cu", "S", "S"),
        ("Cu", "S", "Cu"),
        ("Cu", "Cu", "Cu"),
    ],
    "weighted_radial": [("S",), ("Cu",)],
}
COMBINATIONS["angular_wide"] = COMBINATIONS["angular_narrow"]
COMBINATIONS["weighted_angular"] = COMBINATIONS["weighted_radial"]


def test_element_combinations_follow_every_type_change() -> None:
    gen = SymFuncParamGenerator(["S", "Cu"], 6.0)
    for sftype in ["radial", "angular_narrow", "weighted_radial", "angular_wide", "radial"]:
        gen.symfunc_type = sftype
        assert gen.symfunc_type == sftype
        assert gen.element_combinations == COMBINATIONS[sftype]
        assert gen.find_element_combinations() == COMBINATIONS[sftype]


def test_element_combinations_keep_the_users_element_order() -> None:
    gen = SymFuncParamGenerator(["O", "H"], 6.0)
    gen.symfunc_type = "radial"
    assert gen.element_combinations == [("O", "O"), ("O", "H"), ("H", "O"), ("H", "H")]


@pytest.mark.parametrize("radial_type", ["radial", "weighted_radial"])
def test_radial_type_clears_zetas(radial_type: str) -> None:
    gen = SymFuncParamGenerator(["S", "Cu"], 6.0)
    gen.symfunc_type = "angular_wide"
    gen.zetas = [1.0, 4.0]
    gen.symfunc_type = "weighted_angular"  # angular to angular keeps them
    assert gen.zetas is not None and gen.zetas.tolist() == [1.0, 4.0]
    gen.symfunc_type = radial_type
    assert gen.zetas is None


def test_failed_type_change_keeps_the_state() -> None:
    gen = configure(CASES_BY_NAME["002"])
    with pytest.raises(ValueError):
        gen.symfunc_type = "radial_narrow"
    assert gen.symfunc_type == "angular_narrow" and gen.zetas is not None


@pytest.mark.parametrize(
    ("values", "dtype", "overview"),
    [([1, 2, 4, 16], np.int64, "[ 1  2  4 16]"), ([1.0, 6.0], np.float64, "[1. 6.]")],
)
def test_zetas_are_numpy_arrays_keeping_ints(values: List[Any], dtype: type, overview: str) -> None:
    gen = SymFuncParamGenerator(["Cu"], 6.0)
    gen.symfunc_type = "weighted_angular"
    imbalzano(gen)
    gen.zetas = values
    assert isinstance(gen.zetas, np.ndarray) and gen.zetas.dtype == dtype
    out = io.StringIO()
    gen.write_settings_overview(out)
    assert f"# zetas          = {overview}\n" in out.getvalue()


def test_zetas_can_be_cleared() -> None:
    gen = SymFuncParamGenerator(["Cu"], 6.0)
    gen.zetas = [1.0]
    gen.zetas = None
    assert gen.zetas is None


@pytest.mark.parametrize(
    ("kwargs", "settings"),
    [
        (
            {"rule": "gastegger2018", "mode": "center", "nb_param_pairs": 5, "r_lower": 1.5},
            {"rule": "gastegger2018", "mode": "center", "nb_param_pairs": 5, "r_lower": 1.5,
             "r_upper": 6.0},
        ),
        (
            {"rule": "gastegger2018", "mode": "shift", "nb_param_pairs": 3, "r_lower": 0.0,
             "r_upper": 5.0},
            {"rule": "gastegger2018", "mode": "shift", "nb_param_pairs": 3, "r_lower": 0.0,
             "r_upper": 5.0},
        ),
        (
            {"rule": "imbalzano2018", "mode": "shift", "nb_param_pairs": 4},
            {"rule": "imbalzano2018", "mode": "shift", "nb_param_pairs": 4},
        ),
    ],
)  # fmt: skip
def test_radial_paramgen_settings(kwargs: Dict[str, Any], settings: Dict[str, Any]) -> None:
    gen = SymFuncParamGenerator(["S", "Cu"], 6.0)
    gen.generate_radial_params(**kwargs)
    assert gen.radial_paramgen_settings == settings
    gen.set_custom_radial_params([1.0], [2.0])
    assert gen.radial_paramgen_settings is None


def test_worked_example_grids() -> None:
    """reference-generator.md, r_c = 6, N = 5 (values worked out from the formulas)."""
    gen = SymFuncParamGenerator(["Cu"], 6)
    imbalzano(gen, 5)
    assert gen.r_shift_grid is not None and gen.eta_grid is not None
    assert gen.r_shift_grid.tolist() == [0.0] * 5
    assert gen.eta_grid == pytest.approx([1 / 36, 1 / 18, 1 / 9, 2 / 9, 4 / 9])
    gen.generate_radial_params("gastegger2018", "shift", 5, r_lower=1.5)
    assert gen.r_shift_grid.tolist() == [1.5, 2.625, 3.75, 4.875, 6.0]
    assert gen.eta_grid == pytest.approx([1 / (2 * 1.125**2)] * 5)


def test_custom_values_are_kept_as_given() -> None:
    gen = SymFuncParamGenerator(["Cu"], 6.0)
    gen.set_custom_radial_params((1, 2), np.array([4, 5]))
    assert gen.r_shift_grid is not None and gen.eta_grid is not None
    assert gen.r_shift_grid.tolist() == [1, 2] and gen.r_shift_grid.dtype == np.int64
    assert gen.eta_grid.tolist() == [4, 5]


def test_failed_generation_keeps_the_previous_grid() -> None:
    gen = SymFuncParamGenerator(["Cu"], 6.0)
    imbalzano(gen, 3)
    with pytest.raises(ValueError):
        gen.generate_radial_params("gastegger2018", "center", 3, r_lower=7.0)
    assert gen.eta_grid is not None and len(gen.eta_grid) == 3
    assert gen.radial_paramgen_settings == {
        "rule": "imbalzano2018",
        "mode": "center",
        "nb_param_pairs": 3,
    }


@pytest.mark.parametrize(("cutoff", "printed"), [(6, "6"), (6.0, "6.0")])
@pytest.mark.parametrize("wrap", [lambda v: v, lambda v: np.array([v])[0]])
def test_numpy_scalars_behave_like_python_numbers(
    cutoff: float, printed: str, wrap: Callable[[Any], Any]
) -> None:
    gen = SymFuncParamGenerator([np.str_("Cu")], wrap(cutoff))
    gen.symfunc_type = "weighted_angular"
    gen.generate_radial_params("gastegger2018", "center", wrap(3), r_lower=wrap(1.5))
    gen.zetas = np.array([1, 4])
    out = write_both(gen).getvalue()
    assert f"# r_cutoff       = {printed}\n" in out
    assert f"# r_upper        = {printed}\n" in out
    assert "# zetas          = [1 4]\n" in out


# -- deliberate differences: stricter than the earlier generator --------------------------------


@pytest.mark.parametrize(
    ("elements", "error", "facts"),
    [
        ([], ValueError, ("elements is empty",)),
        (["Cu", "Cu"], ValueError, ("'Cu' is listed twice",)),
        (["S", "Xx"], ValueError, ("unknown chemical symbol 'Xx'",)),
        (["S", "cu"], ValueError, ("did you mean 'Cu'",)),
        ([29], TypeError, ("elements=[29]", "chemical symbol")),
        ("Cu", TypeError, ("elements='Cu'",)),
    ],
)
def test_constructor_refuses_bad_elements(
    elements: Any, error: type, facts: Tuple[str, ...]
) -> None:
    with pytest.raises(error) as info:
        SymFuncParamGenerator(elements, 6.0)
    assert type(info.value) is error
    assert all(fact in str(info.value) for fact in facts), str(info.value)


@pytest.mark.parametrize(
    ("cutoff", "error", "fact"),
    [
        (0.0, ValueError, "r_cutoff=0.0"),
        (1001.0, ValueError, "<= 1000"),
        (float("nan"), ValueError, "finite"),
        ("6.0", TypeError, "r_cutoff='6.0'"),
    ],
)
def test_constructor_refuses_bad_cutoffs(cutoff: Any, error: type, fact: str) -> None:
    with pytest.raises(error) as info:
        SymFuncParamGenerator(["Cu"], cutoff)
    assert type(info.value) is error and fact in str(info.value)


@pytest.mark.parametrize(
    ("zetas", "error", "fact"),
    [
        ([0.0], ValueError, ">= 1"),
        ([1.0, -2.0], ValueError, ">= 1"),
        ([1.0, 1.0], ValueError, "listed twice"),
        ([], ValueError, "empty"),
        (1.0, TypeError, "zetas=1.0"),
    ],
)
def test_zetas_are_checked_at_assignment(zetas: Any, error: type, fact: str) -> None:
    gen = SymFuncParamGenerator(["Cu"], 6.0)
    gen.symfunc_type = "angular_narrow"
    with pytest.raises(error) as info:
        gen.zetas = zetas
    assert type(info.value) is error and fact in str(info.value)
    assert gen.zetas is None


def test_non_integer_nb_param_pairs_is_a_type_error_even_below_two() -> None:
    gen = SymFuncParamGenerator(["Cu"], 6.0)
    with pytest.raises(TypeError, match=r"nb_param_pairs=1\.0"):
        gen.generate_radial_params("imbalzano2018", "center", 1.0)  # type: ignore[arg-type]


def test_custom_r_shift_beyond_cutoff_stays_accepted() -> None:
    gen = SymFuncParamGenerator(["Cu"], 6.0)
    gen.symfunc_type = "weighted_radial"
    gen.set_custom_radial_params([7.0], [1.0])
    out = write_both(gen).getvalue()
    assert "symfunction_short Cu 12 1.000E+00 7.000E+00 6.000E+00\n" in out
    assert compiled(gen.to_spec_toml()) == out


# -- migration: to_spec_toml --------------------------------------------------------------------

MIGRATED = ["001", "011", "034", "081", "082", "083", "084", "086", "088", "089", "090", "094"]


@pytest.mark.parametrize("key", MIGRATED)
def test_to_spec_toml_compiles_to_the_golden_bytes(key: str) -> None:
    case = CASES_BY_NAME[key]
    with recorded():
        gen = configure(case)
    write_both(gen)
    spec = gen.to_spec_toml()
    assert compiled(spec) == golden_text(case)
    assert "r_lower" not in spec or case.get("rule") != "imbalzano2018"  # ignored: left out


def multi_set_session(overviews: bool) -> Tuple[SymFuncParamGenerator, str]:
    """Several types written to one file object, as a typical earlier-generator script did."""
    gen = SymFuncParamGenerator(["S", "Cu"], 6)
    out = io.StringIO()
    write = write_both if overviews else lambda g, o: g.write_parameter_strings(o)

    gen.symfunc_type = "radial"
    gen.generate_radial_params("gastegger2018", "shift", 8, r_lower=1.5, r_upper=5.5)
    write(gen, out)
    gen.symfunc_type = "angular_narrow"
    gen.generate_radial_params("imbalzano2018", "center", 4)
    gen.zetas = [1.0, 4.0]
    write(gen, out)
    gen.symfunc_type = "angular_wide"  # keeps zetas and radial parameters
    write(gen, out)
    gen.symfunc_type = "weighted_radial"
    gen.set_custom_radial_params([0.0, 0.1 + 0.2, 1e-05], [1 / 3, 2, 1e20])
    write(gen, out)
    gen.symfunc_type = "weighted_angular"
    gen.zetas = [1, 16]
    write(gen, out)
    return gen, out.getvalue()


@pytest.mark.parametrize("overviews", [True, False])
def test_to_spec_toml_reproduces_a_multi_set_session(overviews: bool) -> None:
    gen, written = multi_set_session(overviews)
    spec = gen.to_spec_toml()
    assert compiled(spec) == written
    assert spec.count("[[sets]]") == 5
    assert f"comments = {str(overviews).lower()}\n" in spec


def test_to_spec_toml_documents_itself_and_keeps_numbers_exact() -> None:
    gen, _ = multi_set_session(True)
    spec = gen.to_spec_toml()
    assert spec.startswith("# sfcompile spec generated from a SymFuncParamGenerator session")
    assert "header = false\n" in spec and "provenance header" in spec
    assert "cutoff = 6\n" in spec  # an int stays an int
    assert "r_shift = [0.0, 0.30000000000000004, 1e-05]\n" in spec
    assert "eta = [0.3333333333333333, 2, 1e+20]\n" in spec
    assert "zetas = [1, 16]\n" in spec


def test_removing_the_header_line_adds_the_provenance_header() -> None:
    gen, written = multi_set_session(True)
    with_header = compiled(gen.to_spec_toml().replace("header = false\n", ""))
    assert with_header.startswith("# Generated by sfcompile")
    assert with_header.endswith(written)


def test_stdout_writes_are_recorded_too(capsys: pytest.CaptureFixture[str]) -> None:
    gen = configure(CASES_BY_NAME["093"])
    gen.write_settings_overview()
    gen.write_parameter_strings()
    assert compiled(gen.to_spec_toml()) == capsys.readouterr().out


def test_to_spec_toml_needs_something_written() -> None:
    gen = configure(CASES_BY_NAME["001"])
    with pytest.raises(ValueError, match="nothing written yet"):
        gen.to_spec_toml()


def test_to_spec_toml_refuses_mixed_comment_settings() -> None:
    gen = configure(CASES_BY_NAME["001"])
    write_both(gen)
    gen.write_parameter_strings(io.StringIO())
    with pytest.raises(ValueError, match="comments switch"):
        gen.to_spec_toml()


def overview_only(gen: SymFuncParamGenerator) -> None:
    gen.write_settings_overview(io.StringIO())


def overview_twice(gen: SymFuncParamGenerator) -> None:
    gen.write_settings_overview(io.StringIO())
    write_both(gen)


def overview_of_another_set(gen: SymFuncParamGenerator) -> None:
    gen.write_settings_overview(io.StringIO())
    imbalzano(gen, 4)
    write_both(gen)


@pytest.mark.parametrize("session", [overview_only, overview_twice, overview_of_another_set])
def test_to_spec_toml_refuses_an_overview_without_its_lines(
    session: Callable[[SymFuncParamGenerator], None],
) -> None:
    gen = configure(CASES_BY_NAME["001"])
    session(gen)
    with pytest.raises(ValueError, match="overview was written without"):
        gen.to_spec_toml()


def test_to_spec_toml_raises_max_lines_for_big_sessions() -> None:
    gen = SymFuncParamGenerator(["Cu"], 6.0)
    gen.symfunc_type = "weighted_radial"
    out = io.StringIO()
    for _ in range(2):
        gen.generate_radial_params("imbalzano2018", "center", 60_000)
        gen.write_parameter_strings(out)
    spec = gen.to_spec_toml()
    assert "max_lines = 120000\n" in spec
    # the session wrote every line twice: sfcompile refuses that, the bytes still match
    with pytest.raises(SpecError, match="duplicate"):
        compile_spec(spec)
    assert compile_spec(spec, run_lint=False) == out.getvalue()
