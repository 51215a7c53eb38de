"""The earlier generator's Python API, ``SymFuncParamGenerator``, as a thin facade over sfcompile.

Scripts written for the earlier "Symmetry Function Parameter Generator for n2p2" keep working after
changing one import line, and write the same bytes. Nothing is computed here: parameters are
validated by the spec models (:mod:`.models`), grids come from :mod:`.generate`, every byte from
:mod:`.render`. This module keeps the object's state, raises the earlier tool's exception types
in its check order, and records what was written so that :meth:`to_spec_toml` can turn a session
into a TOML spec. Deliberately stricter than the earlier tool (which wrote garbage for these):
zetas >= 1 and distinct; elements known, distinct, at least one; values within the spec's bounds.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Iterable
from typing import Any, ClassVar, NamedTuple, Optional, Sequence, TextIO, Union, get_args

import numpy as np
import numpy.typing as npt
from pydantic import TypeAdapter, ValidationError

from . import __version__
from .build.generate import GeneratedSet, RadialGrid, generate_set, radial_grid
from .build.render import render_lines, render_overview
from .spec.models import (
    DEFAULT_MAX_LINES,
    RULE_MODELS,
    GaussianSet,
    GeneratedRadialSet,
    PairCount,
    Spec,
)
from .spec.sftypes import SF_TYPES as ALL_SF_TYPES
from .spec.sftypes import Combination

Array = npt.NDArray[Any]
Fields = dict[str, Any]  # one [[sets]] table of a spec, as plain Python values
Numbers = Union[Sequence[float], Array]

GENERATED_RULES = [n for n, model in RULE_MODELS.items() if issubclass(model, GeneratedRadialSet)]
MODES: tuple[str, ...] = get_args(GeneratedRadialSet.model_fields["mode"].annotation)
# The earlier generator knew the Gaussian types only (n2p2 2, 3, 9, 12, 13).
SF_TYPES = {name: t for name, t in ALL_SF_TYPES.items() if t.family == "gaussian"}
TYPE_NAMES = list(SF_TYPES)
# Parameters are checked before the type is known (or without it): any type of the kind will do.
RADIAL_PLACEHOLDER = next(name for name, t in SF_TYPES.items() if not t.angular)
ANGULAR_PLACEHOLDER = next(name for name, t in SF_TYPES.items() if t.angular)
PLACEHOLDER_PAIRS: Fields = {"rule": "custom", "r_shift": [0.0], "eta": [1.0]}
UNLIMITED = {"max_lines": sys.maxsize}  # like the earlier tool, write sets of any size
TYPE_KINDS = {"number_type", "integer_type", "list_type", "element_type", "string_type"}
PAIR_COUNT: TypeAdapter[int] = TypeAdapter(PairCount)

SPEC_TEMPLATE = """\
# sfcompile spec generated from a SymFuncParamGenerator session (sfcompile {version}).
# It reproduces every set the session wrote, in order. Compile it with
#     sfcompile spec.toml > input.nn

elements = {elements}
cutoff = {cutoff}

[output]
# The session wrote no provenance header, so none is written here either (byte-identical
# output). Remove the next line to let sfcompile start the block with its provenance header
# (tool, version, spec name and sha256).
header = false
comments = {comments}
{max_lines}
{sets}"""


class _Problem(NamedTuple):
    key: str  # spec key concerned ("cutoff", "elements", "r_lower", ...), "" for the whole spec
    kind: str  # pydantic error type
    detail: str  # the models' description of the problem

    @property
    def error(self) -> type[Exception]:
        """The exception type the earlier tool raised for this kind of mistake."""
        return TypeError if self.kind in TYPE_KINDS else ValueError


def _problems(exc: ValidationError) -> list[_Problem]:
    found = []
    for error in exc.errors(include_url=False):
        keys = [p for p in error["loc"] if isinstance(p, str) and p not in ("sets", *RULE_MODELS)]
        found.append(_Problem(keys[0] if keys else "", error["type"], error["msg"]))
    return found


def _first(problems: list[_Problem], *keys: str) -> Optional[_Problem]:
    return next((p for p in problems if p.key in keys), None)


def _plain(value: Any) -> Any:
    """numpy scalars → Python numbers (np.int64 is not an int), sequences and arrays → lists."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes, dict)):
        return [_plain(v) for v in value]
    return value


def _validate(elements: Any, cutoff: Any, fields: Fields) -> Spec:
    document = {"elements": elements, "cutoff": cutoff, "sets": [fields]}
    return Spec.model_validate(document, context=UNLIMITED)


def _toml_value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string
    return repr(value)  # ints stay ints; repr of a float round-trips exactly


def _toml_set(fields: Fields) -> str:
    return "[[sets]]\n" + "".join(f"{key} = {_toml_value(v)}\n" for key, v in fields.items())


def _choices(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names)


class SymFuncParamGenerator:
    """Drop-in replacement for the earlier generator's class of the same name.

    Configure one symmetry-function set at a time (type, radial parameters, zetas) and write it;
    :meth:`to_spec_toml` then gives the TOML spec that compiles to everything written so far.
    """

    symfunc_type_numbers: ClassVar[dict[str, int]] = {n: t.number for n, t in SF_TYPES.items()}
    lambdas: ClassVar[Array] = np.array([-1.0, 1.0])

    def __init__(self, elements: Sequence[str], r_cutoff: float) -> None:
        symbols, cutoff = _plain(elements), _plain(r_cutoff)
        try:
            _validate(symbols, cutoff, {"type": RADIAL_PLACEHOLDER, **PLACEHOLDER_PAIRS})
        except ValidationError as exc:
            raise _constructor_error(symbols, cutoff, _problems(exc)) from None
        self._elements: tuple[str, ...] = tuple(symbols)
        self._r_cutoff: float = cutoff
        self._symfunc_type: Optional[str] = None
        self._element_combinations: Optional[list[Combination]] = None
        self._zetas: Optional[Array] = None
        self._radial: Optional[Fields] = None  # rule and its parameters, as in a spec
        self._grid: Optional[RadialGrid] = None
        self._written: list[tuple[Fields, bool, int]] = []  # set, with overview?, line count
        self._overview: Optional[Fields] = None  # set whose overview awaits its lines
        self._unpaired = False  # an overview was not followed by the lines of its set
        self.radial_paramgen_settings: Optional[dict[str, Any]] = None

    @property
    def elements(self) -> list[str]:
        return list(self._elements)

    @property
    def r_cutoff(self) -> float:
        return self._r_cutoff

    @property
    def element_combinations(self) -> Optional[list[Combination]]:
        return self._element_combinations

    @property
    def r_shift_grid(self) -> Optional[Array]:
        return None if self._grid is None else self._grid.r_shift

    @property
    def eta_grid(self) -> Optional[Array]:
        return None if self._grid is None else self._grid.eta

    @property
    def symfunc_type(self) -> Optional[str]:
        return self._symfunc_type

    @symfunc_type.setter
    def symfunc_type(self, value: str) -> None:
        if not (isinstance(value, str) and value in SF_TYPES):
            raise ValueError(_type_name_message(value))
        self._symfunc_type = value
        if not SF_TYPES[value].angular:
            self._zetas = None  # as the earlier tool did: angular types need zetas set anew
        self._element_combinations = self.find_element_combinations()

    @property
    def zetas(self) -> Optional[Array]:
        return self._zetas

    @zetas.setter
    def zetas(self, values: Optional[Numbers]) -> None:
        if values is None:
            self._zetas = None
            return
        plain = _plain(values)
        fields = {"type": ANGULAR_PLACEHOLDER, **PLACEHOLDER_PAIRS, "zetas": plain}
        try:
            _validate(list(self._elements), self._r_cutoff, fields)
        except ValidationError as exc:
            problem = _first(_problems(exc), "zetas") or _problems(exc)[0]
            raise problem.error(
                f"zetas={plain!r}: {problem.detail}; give a non-empty list of distinct numbers "
                ">= 1 (sfcompile refuses zeta < 1, which the earlier generator wrote silently)"
            ) from None
        self._zetas = np.array(plain)

    def generate_radial_params(
        self,
        rule: str,
        mode: str,
        nb_param_pairs: int,
        r_lower: Optional[float] = None,
        r_upper: Optional[float] = None,
    ) -> None:
        """(r_shift, eta) pairs by rule 'gastegger2018' or 'imbalzano2018'."""
        pairs = _plain(nb_param_pairs)
        _check_pair_count(pairs)
        if not (isinstance(rule, str) and rule in GENERATED_RULES):
            raise ValueError(
                f"generate_radial_params: rule={rule!r} is not a rule; expected one of "
                f"{_choices(GENERATED_RULES)} (for your own values call "
                "set_custom_radial_params(r_shift_values, eta_values))"
            )
        fields: Fields = {"rule": rule, "mode": _plain(mode), "nb_param_pairs": pairs}
        if rule == "gastegger2018":
            if r_lower is None:
                raise TypeError(
                    "generate_radial_params: rule 'gastegger2018' needs r_lower, the lower end "
                    "of the radial grid; pass r_lower=... (r_upper is optional and defaults to "
                    f"r_cutoff = {self._r_cutoff!r})"
                )
            fields["r_lower"] = _plain(r_lower)
            if r_upper is not None:
                fields["r_upper"] = _plain(r_upper)
        for name, ignored in (("r_lower", r_lower), ("r_upper", r_upper)):
            if rule == "imbalzano2018" and ignored is not None:
                warnings.warn(
                    f"generate_radial_params: {name}={ignored!r} is ignored, because rule "
                    f"{rule!r} derives its grid from r_cutoff alone; drop the argument",
                    UserWarning,
                    stacklevel=2,
                )
        problems = self._set_radial(fields)
        if problems:
            raise self._radial_error(fields, problems)
        settings = {k: fields[k] for k in ("rule", "mode", "nb_param_pairs")}
        if "r_lower" in fields:
            settings.update(r_lower=fields["r_lower"], r_upper=fields.get("r_upper", self.r_cutoff))
        self.radial_paramgen_settings = settings

    def set_custom_radial_params(self, r_shift_values: Numbers, eta_values: Numbers) -> None:
        """Use the given (r_shift, eta) pairs: equal-length lists, r_shift >= 0, eta > 0."""
        r_shift, eta = _plain(r_shift_values), _plain(eta_values)
        for name, values in (("r_shift_values", r_shift), ("eta_values", eta)):
            if not isinstance(values, list):
                raise TypeError(f"{name}={values!r}: expected a list of numbers")
        if len(r_shift) != len(eta):
            raise TypeError(
                f"set_custom_radial_params: got {len(r_shift)} r_shift_values but "
                f"{len(eta)} eta_values; give exactly one eta per r_shift"
            )
        fields = {"rule": "custom", "r_shift": r_shift, "eta": eta}
        problems = self._set_radial(fields)
        if problems:
            raise _custom_error(fields, problems)
        self.radial_paramgen_settings = None

    def _set_radial(self, fields: Fields) -> list[_Problem]:
        """Validate the radial parameters and compute their grid; the problems if invalid."""
        set_fields = {"type": RADIAL_PLACEHOLDER, **fields}
        try:
            spec = _validate(list(self._elements), self._r_cutoff, set_fields)
        except ValidationError as exc:
            return _problems(exc)
        settings = spec.sets[0]
        assert isinstance(settings, GaussianSet)
        self._grid = radial_grid(settings, settings.effective_cutoff(spec.cutoff))
        self._radial = fields
        return []

    def _radial_error(self, fields: Fields, problems: list[_Problem]) -> Exception:
        mode = fields["mode"]
        if _first(problems, "mode"):
            return ValueError(
                f"generate_radial_params: mode={mode!r} is not a mode of rule "
                f"{fields['rule']!r}; expected one of {_choices(MODES)} (case-sensitive)"
            )
        problem = _first(problems, "r_lower", "r_upper")
        if problem is None:
            return ValueError(f"generate_radial_params: {problems[0].detail}")
        lowest = "0 < r_lower" if mode == "center" else "0 <= r_lower"
        upper = fields.get("r_upper", self._r_cutoff)
        return problem.error(
            f"generate_radial_params: rule 'gastegger2018', mode {mode!r} needs "
            f"{lowest} < r_upper <= r_cutoff, got r_lower={fields['r_lower']!r}, "
            f"r_upper={upper!r}{'' if 'r_upper' in fields else ' (default: r_cutoff)'}, "
            f"r_cutoff={self._r_cutoff!r} ({problem.key}: {problem.detail}); adjust r_lower "
            "and/or r_upper"
        )

    def check_symfunc_type(self, calling_method_name: Optional[str] = None) -> None:
        """Raise ValueError unless a symmetry-function type has been set."""
        caller = f"{calling_method_name}: " if calling_method_name else ""
        if self._symfunc_type is None:
            raise ValueError(
                f"{caller}no symmetry-function type set yet; assign one "
                f"first, e.g. generator.symfunc_type = 'radial' (one of {_choices(TYPE_NAMES)})"
            )

    def check_writing_prerequisites(self, calling_method_name: Optional[str] = None) -> None:
        """Raise ValueError unless type, radial parameters and (angular types) zetas are set."""
        self.check_symfunc_type(calling_method_name)
        caller = f"{calling_method_name}: " if calling_method_name else ""
        if self._radial is None:
            raise ValueError(
                f"{caller}no r_shift/eta values yet; call generate_radial_params(...) or "
                "set_custom_radial_params(...) first"
            )
        if SF_TYPES[str(self._symfunc_type)].angular and self._zetas is None:
            raise ValueError(
                f"{caller}no zetas set, and symmetry-function type {self._symfunc_type!r} is "
                "angular; assign generator.zetas = [...] first (setting a radial type clears "
                "the zetas, so assign them again after switching back to an angular type)"
            )

    def find_element_combinations(self) -> list[Combination]:
        """The element combinations of the current type, in the earlier tool's order."""
        self.check_symfunc_type("find_element_combinations")
        return SF_TYPES[str(self._symfunc_type)].combinations(self._elements)

    def write_settings_overview(self, fileobj: Optional[TextIO] = None) -> None:
        """Write the settings-overview comment block of the current set (stdout by default)."""
        fields, generated = self._generated("write_settings_overview")
        (sys.stdout if fileobj is None else fileobj).write(render_overview(generated))
        self._unpaired |= self._overview is not None
        self._overview = fields

    def write_parameter_strings(self, fileobj: Optional[TextIO] = None) -> None:
        """Write the symfunction_short lines of the current set (stdout by default)."""
        fields, generated = self._generated("write_parameter_strings")
        (sys.stdout if fileobj is None else fileobj).write(render_lines(generated))
        overview = self._overview
        self._unpaired |= overview is not None and _toml_set(overview) != _toml_set(fields)
        self._written.append((fields, overview is not None, generated.line_count))
        self._overview = None

    def _generated(self, method: str) -> tuple[Fields, GeneratedSet]:
        self.check_writing_prerequisites(method)
        fields: Fields = {"type": self._symfunc_type, **(self._radial or {})}
        if self._zetas is not None and SF_TYPES[str(self._symfunc_type)].angular:
            fields["zetas"] = self._zetas.tolist()
        spec = _validate(list(self._elements), self._r_cutoff, fields)  # every part is checked
        return fields, generate_set(spec, 0)

    def to_spec_toml(self) -> str:
        """A TOML spec that compiles (``sfcompile spec.toml``) to every byte written so far.

        Raises ValueError when nothing has been written yet, or when the session cannot be one
        spec: an overview without the lines of its set right after it, or overviews for some
        sets but not for others (a spec has one ``comments`` switch for all its sets).
        """
        if self._unpaired or self._overview is not None:
            raise ValueError(
                "to_spec_toml: a settings overview was written without the parameter lines of "
                "the same set right after it; a spec writes each overview just before its "
                "set's lines, so it cannot reproduce this session"
            )
        if not self._written:
            raise ValueError(
                "to_spec_toml: nothing written yet; the spec reproduces what the session wrote, "
                "so call write_parameter_strings() (after write_settings_overview() if you want "
                "the comment blocks) first"
            )
        comments = {overview for _, overview, _ in self._written}
        if len(comments) > 1:
            raise ValueError(
                "to_spec_toml: some sets were written with write_settings_overview and some "
                "without, but a spec has one [output] comments switch for all sets; write every "
                "set the same way (or use one generator per kind)"
            )
        total = sum(count for _, _, count in self._written)
        return SPEC_TEMPLATE.format(
            version=__version__,
            elements=_toml_value(list(self._elements)),
            cutoff=_toml_value(self._r_cutoff),
            comments=str(comments.pop()).lower(),
            max_lines=f"max_lines = {total}\n" if total > DEFAULT_MAX_LINES else "",
            sets="\n".join(_toml_set(fields) for fields, _, _ in self._written),
        )


def _type_name_message(value: Any) -> str:
    hint = ""
    by_number = {t.number: name for name, t in SF_TYPES.items()}
    if isinstance(value, str) and value.lower() in SF_TYPES:
        hint = f"; did you mean {value.lower()!r}? (names are case-sensitive)"
    elif isinstance(value, int) and value in by_number:
        hint = f"; n2p2 type {value} is called {by_number[value]!r} (give the name, not the number)"
    expected = _choices(TYPE_NAMES)
    return (
        f"symfunc_type={value!r} is not a symmetry-function type{hint}; expected one of {expected}"
    )


def _check_pair_count(value: Any) -> None:
    try:
        PAIR_COUNT.validate_python(value)
    except ValidationError as exc:
        problem = _problems(exc)[0]
        why = "is not an integer" if problem.error is TypeError else f"({problem.detail})"
        raise problem.error(
            f"generate_radial_params: nb_param_pairs={value!r} {why}; pass the number of "
            "(r_shift, eta) pairs to generate, an integer >= 2"
        ) from None


def _custom_error(fields: Fields, problems: list[_Problem]) -> Exception:
    for key, expected in (("r_shift", ">= 0"), ("eta", "> 0")):
        problem = _first(problems, key)
        if problem is not None and problem.kind == "too_short":
            return ValueError(
                "set_custom_radial_params: r_shift_values and eta_values are empty; give at "
                "least one (r_shift, eta) pair"
            )
        if problem is not None:
            return problem.error(
                f"set_custom_radial_params: {key}_values={fields[key]!r}: {problem.detail}; "
                f"correct that value (every {key} must be {expected})"
            )
    return ValueError(f"set_custom_radial_params: {problems[0].detail}")


def _constructor_error(symbols: Any, cutoff: Any, problems: list[_Problem]) -> Exception:
    problem = _first(problems, "cutoff")
    if problem is not None:
        return problem.error(
            f"r_cutoff={cutoff!r} is not a valid cutoff radius: {problem.detail}; pass the "
            "cutoff r_c (a positive number, in the length unit of your data)"
        )
    problem = _first(problems, "elements") or problems[0]
    if problem.kind == "too_short":
        return ValueError(
            "elements is empty; pass the chemical symbols of your system, e.g. ['S', 'Cu'] "
            "(the earlier generator silently wrote nothing)"
        )
    return problem.error(
        f"elements={symbols!r}: {problem.detail}; pass each chemical symbol once, e.g. "
        "['S', 'Cu'] (the earlier generator silently accepted this and wrote garbage)"
    )
