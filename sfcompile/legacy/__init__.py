"""The earlier generator's Python API, ``SymFuncParamGenerator``, as a thin facade over sfcompile.

Scripts written for the earlier "Symmetry Function Parameter Generator for n2p2" keep working after
changing one import line, and write the same bytes. Nothing is computed here: parameters are
validated by the spec models (:mod:`sfcompile.spec.models`; the earlier tool's exception types
and wording come from :mod:`.checks`), grids come from :mod:`sfcompile.generate.expand`, every
byte from :mod:`sfcompile.targets.n2p2`. The object keeps its state, checks in the earlier
tool's order, and records what was written, so that :meth:`to_spec_toml` can turn a session
into a TOML spec (:mod:`.spec_text`). Deliberately stricter than the earlier tool (which wrote
garbage for these): zetas >= 1 and distinct; elements known, distinct, at least one; values
within the spec's bounds.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any, ClassVar, Optional, Sequence, TextIO

import numpy as np
from pydantic import ValidationError

from .._version import __version__
from ..generate.expand import GeneratedSet, RadialGrid, generate_set, radial_grid
from ..spec.models import DEFAULT_MAX_LINES, GaussianSet
from ..spec.sftypes import Combination
from ..spec.toml_text import toml_value
from ..targets.n2p2 import render_lines, render_overview
from .checks import (
    ANGULAR_PLACEHOLDER,
    GENERATED_RULES,
    MODES,
    PLACEHOLDER_PAIRS,
    RADIAL_PLACEHOLDER,
    SF_TYPES,
    TYPE_NAMES,
    Array,
    Fields,
    Numbers,
    Problem,
    as_plain,
    check_pair_count,
    choices,
    constructor_error,
    custom_error,
    first_of,
    problems_of,
    type_name_message,
    validate,
)
from .spec_text import SPEC_TEMPLATE, toml_set

__all__ = ["SymFuncParamGenerator"]


class SymFuncParamGenerator:
    """Drop-in replacement for the earlier generator's class of the same name.

    Configure one symmetry-function set at a time (type, radial parameters, zetas) and write it;
    :meth:`to_spec_toml` then gives the TOML spec that compiles to everything written so far.
    """

    symfunc_type_numbers: ClassVar[dict[str, int]] = {n: t.number for n, t in SF_TYPES.items()}
    lambdas: ClassVar[Array] = np.array([-1.0, 1.0])

    def __init__(self, elements: Sequence[str], r_cutoff: float) -> None:
        symbols, cutoff = as_plain(elements), as_plain(r_cutoff)
        try:
            validate(symbols, cutoff, {"type": RADIAL_PLACEHOLDER, **PLACEHOLDER_PAIRS})
        except ValidationError as exc:
            raise constructor_error(symbols, cutoff, problems_of(exc)) from None
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
        return None if self._grid is None else np.array(self._grid.r_shift)

    @property
    def eta_grid(self) -> Optional[Array]:
        return None if self._grid is None else np.array(self._grid.eta)

    @property
    def symfunc_type(self) -> Optional[str]:
        return self._symfunc_type

    @symfunc_type.setter
    def symfunc_type(self, value: str) -> None:
        if not (isinstance(value, str) and value in SF_TYPES):
            raise ValueError(type_name_message(value))
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
        plain = as_plain(values)
        fields = {"type": ANGULAR_PLACEHOLDER, **PLACEHOLDER_PAIRS, "zetas": plain}
        try:
            validate(list(self._elements), self._r_cutoff, fields)
        except ValidationError as exc:
            problem = first_of(problems_of(exc), "zetas") or problems_of(exc)[0]
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
        pairs = as_plain(nb_param_pairs)
        check_pair_count(pairs)
        if not (isinstance(rule, str) and rule in GENERATED_RULES):
            raise ValueError(
                f"generate_radial_params: rule={rule!r} is not a rule; expected one of "
                f"{choices(GENERATED_RULES)} (for your own values call "
                "set_custom_radial_params(r_shift_values, eta_values))"
            )
        fields: Fields = {"rule": rule, "mode": as_plain(mode), "nb_param_pairs": pairs}
        if rule == "gastegger2018":
            if r_lower is None:
                raise TypeError(
                    "generate_radial_params: rule 'gastegger2018' needs r_lower, the lower end "
                    "of the radial grid; pass r_lower=... (r_upper is optional and defaults to "
                    f"r_cutoff = {self._r_cutoff!r})"
                )
            fields["r_lower"] = as_plain(r_lower)
            if r_upper is not None:
                fields["r_upper"] = as_plain(r_upper)
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
        r_shift, eta = as_plain(r_shift_values), as_plain(eta_values)
        for name, values in (("r_shift_values", r_shift), ("eta_values", eta)):
            if not isinstance(values, list):
                raise TypeError(f"{name}={values!r}: expected a list of numbers")
        if len(r_shift) != len(eta):
            raise TypeError(
                f"set_custom_radial_params: got {len(r_shift)} r_shift_values but "
                f"{len(eta)} eta_values; give exactly one eta per r_shift"
            )
        fields = {"rule": "custom", "r_shift": r_shift, "eta": eta}
        problems = self._set_radial(fields, positive_eta=True)
        if problems:
            raise custom_error(fields, problems)
        self.radial_paramgen_settings = None

    def _set_radial(self, fields: Fields, positive_eta: bool = False) -> list[Problem]:
        """Validate the radial parameters and compute their grid; the problems if invalid.
        ``positive_eta``: the earlier generator's own rule for custom values, eta > 0 (spec
        files accept eta = 0, a plain cutoff-weighted neighbour count)."""
        set_fields = {"type": RADIAL_PLACEHOLDER, **fields}
        try:
            spec = validate(list(self._elements), self._r_cutoff, set_fields)
        except ValidationError as exc:
            return problems_of(exc)
        settings = spec.sets[0]
        assert isinstance(settings, GaussianSet)
        zero = [e for e in getattr(settings, "eta", ()) if e == 0] if positive_eta else []
        if zero:
            return [Problem("eta", "greater_than", f"expected a number > 0, got {zero[0]!r}")]
        self._grid = radial_grid(settings, settings.effective_cutoff(spec.cutoff))
        self._radial = fields
        return []

    def _radial_error(self, fields: Fields, problems: list[Problem]) -> Exception:
        mode = fields["mode"]
        if first_of(problems, "mode"):
            return ValueError(
                f"generate_radial_params: mode={mode!r} is not a mode of rule "
                f"{fields['rule']!r}; expected one of {choices(MODES)} (case-sensitive)"
            )
        problem = first_of(problems, "r_lower", "r_upper")
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
                f"first, e.g. generator.symfunc_type = 'radial' (one of {choices(TYPE_NAMES)})"
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
        self._unpaired |= overview is not None and toml_set(overview) != toml_set(fields)
        self._written.append((fields, overview is not None, generated.line_count))
        self._overview = None

    def _generated(self, method: str) -> tuple[Fields, GeneratedSet]:
        self.check_writing_prerequisites(method)
        fields: Fields = {"type": self._symfunc_type, **(self._radial or {})}
        if self._zetas is not None and SF_TYPES[str(self._symfunc_type)].angular:
            fields["zetas"] = self._zetas.tolist()
        spec = validate(list(self._elements), self._r_cutoff, fields)  # every part is checked
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
            elements=toml_value(list(self._elements)),
            cutoff=toml_value(self._r_cutoff),
            comments=str(comments.pop()).lower(),
            max_lines=f"max_lines = {total}\n" if total > DEFAULT_MAX_LINES else "",
            sets="\n".join(toml_set(fields) for fields, _, _ in self._written),
        )
