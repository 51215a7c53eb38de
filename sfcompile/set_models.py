"""The ``[[sets]]`` tables: one model per (family, rule), and the element filters they share.

Rules tying fields of one set together are field validators reading the set's earlier fields
(``info.data``), so that they are reported together with every other mistake; what they need to
know about the surrounding spec (default cutoff, elements) comes from :data:`SPEC_CONTEXT`.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Literal, Optional, Set, Tuple, Type, Union

from pydantic import (
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from typing_extensions import Annotated

from ._model_base import (
    SPEC_CONTEXT,
    Angle,
    ElementSymbol,
    Eta,
    Lambda,
    Length,
    NonNegativeLength,
    PairCount,
    SignedLength,
    StrictModel,
    Zeta,
    check_repeats,
    raise_at,
    rule_error,
)
from ._types import Checked, Integer, Real, describe_toml_value
from .errors import KeyPath
from .sftypes import SF_TYPES, Combination, GaussianTypeName, PolyTypeName

SUBTYPES = ["p1", "p2", "p3", "p4", "p1a", "p2a", "p3a", "p4a", "e"]
_SUBTYPE = re.compile(r"p[1-4]a?|e")
ElementList = Annotated[List[ElementSymbol], Field(min_length=1)]
CombinationList = Annotated[
    List[Annotated[List[ElementSymbol], Field(min_length=1, max_length=3)]], Field(min_length=1)
]
Window = Annotated[List[SignedLength], Field(min_length=2, max_length=2)]
AngleWindow = Annotated[List[Angle], Field(min_length=2, max_length=2)]


def _validate_subtype(value: Any) -> str:
    if not (isinstance(value, str) and _SUBTYPE.fullmatch(value)):
        raise PydanticCustomError(
            "subtype",
            "expected a polynomial subtype: p1, p2, p3, p4 (optionally with 'a' for the "
            "asymmetric radial form, e.g. p2a) or e, got {got}",
            {"got": describe_toml_value(value)},
        )
    return value


Subtype = Annotated[str, Checked(_validate_subtype, {"type": "string", "enum": SUBTYPES})]
_ANGULAR_GAUSSIAN: List[Any] = [
    n for n, t in SF_TYPES.items() if t.angular and t.family == "gaussian"
]
_ANGULAR_POLY: List[Any] = [n for n, t in SF_TYPES.items() if t.angular and t.family == "poly"]


def _angle_problem(left: float, right: float) -> Optional[str]:
    """n2p2's rule for an angle window (degrees), plus: it must overlap [0, 180]."""
    if not left < right:
        return f"expected theta_left < theta_right, got [{left!r}, {right!r}]"
    if left < 0 and left != -right:
        return (
            f"a window reaching below 0 must be centred at 0 ([-a, a]), got [{left!r}, {right!r}]"
        )
    if right > 180 and left + right != 360:
        return (
            "a window reaching above 180 must be centred at 180 ([180 - a, 180 + a]), "
            f"got [{left!r}, {right!r}]"
        )
    if right <= 0 or left >= 180:
        return f"the window [{left!r}, {right!r}] does not overlap 0..180 degrees"
    return None


class SetBase(StrictModel):
    """Keys every set has: its cutoff and the element filters."""

    cutoff: Optional[Length] = Field(
        None, description="Cutoff radius of this set; defaults to the spec's cutoff."
    )
    central: Optional[ElementList] = Field(
        None, description="Only these central elements (default: all elements)."
    )
    neighbours: Optional[ElementList] = Field(
        None, description="Only combinations whose neighbour elements are all in this list."
    )
    include: Optional[CombinationList] = Field(
        None,
        description="Only these element combinations, central element first, e.g. "
        '[["H", "O"]] (radial), [["O", "H", "H"]] (angular), [["H"]] (weighted).',
    )
    exclude: Optional[CombinationList] = Field(
        None, description="Leave out these element combinations (same form as include)."
    )

    @field_validator("central", "neighbours", "include", "exclude")
    @classmethod
    def _known_elements(cls, value: Any, info: ValidationInfo) -> Any:
        elements = SPEC_CONTEXT.get().elements
        if value is None or elements is None:
            return value
        problems: List[Tuple[KeyPath, PydanticCustomError]] = []
        for i, item in enumerate(value):
            names = [item] if isinstance(item, str) else item
            for j, name in enumerate(names):
                if name not in elements:
                    loc = (i,) if isinstance(item, str) else (i, j)
                    message = f"{name!r} is not one of the spec's elements {list(elements)}"
                    problems.append((loc, rule_error(message)))
        raise_at(problems)
        check_repeats([tuple(v) if isinstance(v, list) else v for v in value], str(info.field_name))
        return value

    @property
    def sftype_name(self) -> str:
        return str(getattr(self, "type"))  # noqa: B009 - declared by each family's subclass

    def combinations(self, elements: Tuple[str, ...]) -> List[Combination]:
        """The element combinations of this set, in output order, after the filters."""
        sftype = SF_TYPES[self.sftype_name]
        combos = sftype.combinations(elements)
        position = {e: i for i, e in enumerate(elements)}

        def normal(names: List[str]) -> Combination:
            return (names[0], *sorted(names[1:], key=lambda e: position.get(e, -1)))

        if self.central is not None:
            combos = [c for c in combos if c[0] in self.central]
        if self.neighbours is not None:
            combos = [c for c in combos if all(n in self.neighbours for n in c[1:])]
        if self.include is not None:
            wanted = {normal(names) for names in self.include}
            combos = [c for c in combos if c in wanted]
        if self.exclude is not None:
            unwanted = {normal(names) for names in self.exclude}
            combos = [c for c in combos if c not in unwanted]
        return combos

    def per_combination(self) -> int:
        raise NotImplementedError

    def line_count(self, elements: Tuple[str, ...]) -> int:
        return len(self.combinations(elements)) * self.per_combination()

    def effective_cutoff(self, default: float) -> float:
        return default if self.cutoff is None else self.cutoff

    @model_validator(mode="after")
    def _filters_fit_the_type(self) -> SetBase:
        sftype = SF_TYPES[self.sftype_name]
        arity = {"one": 2, "pair": 3, "none": 1}[sftype.neighbours]
        problems: List[Tuple[KeyPath, PydanticCustomError]] = []
        if sftype.weighted and self.neighbours is not None:
            message = (
                f"key 'neighbours' does not apply to type {sftype.name!r}: weighted types sum "
                "over all neighbours; remove it (use 'central' to choose central elements)"
            )
            problems.append((("neighbours",), rule_error(message, anchor="key")))
        for key in ("include", "exclude"):
            for i, names in enumerate(getattr(self, key) or []):
                if len(names) != arity:
                    message = (
                        f"type {sftype.name!r} combinations have {arity} element(s) (central "
                        f"first), got {len(names)}: {names}"
                    )
                    problems.append(((key, i), rule_error(message)))
        elements = SPEC_CONTEXT.get().elements
        if not problems and elements is not None and not self.combinations(elements):
            message = "the element filters leave this set without any element combination"
            problems.append(((), rule_error(message, anchor="key")))
        raise_at(problems)
        return self


class GaussianSet(SetBase):
    # Editors cannot run the validators; tell them the zetas rule in the schema too.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"type": {"enum": _ANGULAR_GAUSSIAN}}, "required": ["type"]},
            "then": {"required": ["zetas"]},
            "else": {"properties": {"zetas": False, "lambdas": False}},
        }
    )

    type: GaussianTypeName = Field(
        description="Gaussian symmetry-function type: radial (n2p2 type 2), angular_narrow "
        "(3), angular_wide (9), weighted_radial (12), weighted_angular (13)."
    )
    zetas: Optional[Annotated[List[Zeta], Field(min_length=1)]] = Field(
        None,
        validate_default=True,
        description="Angular types only (required there): exponents zeta, each >= 1.",
    )
    lambdas: Optional[Annotated[List[Lambda], Field(min_length=1)]] = Field(
        None,
        validate_default=True,
        description="Angular types only: values of lambda, each -1 or 1. Default [-1, 1].",
    )

    @field_validator("zetas", "lambdas")
    @classmethod
    def _angular_only(cls, values: Optional[List[float]], info: ValidationInfo) -> Any:
        sftype = info.data.get("type")
        angular = sftype is not None and SF_TYPES[sftype].angular
        key = str(info.field_name)
        if values is None and angular and key == "zetas":
            raise rule_error(
                f"missing required key 'zetas': type {sftype!r} is angular and needs a "
                "list of exponents zeta >= 1, e.g. zetas = [1, 4]",
                anchor="table",
            )
        if values is not None and sftype is not None and not angular:
            raise rule_error(
                f"key {key!r} does not apply to type {sftype!r} (only angular types take "
                "it); remove it",
                anchor="key",
            )
        check_repeats(values or [], key, "; repeated values give duplicate symmetry functions")
        return values

    @property
    def pair_count(self) -> int:
        raise NotImplementedError

    @property
    def angular(self) -> bool:
        return SF_TYPES[self.type].angular

    def effective_lambdas(self) -> List[float]:
        return [-1.0, 1.0] if self.lambdas is None else list(self.lambdas)

    def per_combination(self) -> int:
        angular = len(self.zetas or ()) * len(self.effective_lambdas()) if self.angular else 1
        return self.pair_count * angular


class GeneratedRadialSet(GaussianSet):
    mode: Literal["center", "shift"] = Field(
        description="center: all Gaussians centred at r = 0 with growing width; "
        "shift: equal-width Gaussians shifted across the radial range."
    )
    nb_param_pairs: PairCount = Field(description="Number of (r_shift, eta) pairs, >= 2.")

    @property
    def pair_count(self) -> int:
        return self.nb_param_pairs


def _cutoff_of(info: ValidationInfo) -> Tuple[Optional[float], str]:
    """The set's effective cutoff (None if unknown or invalid) and how to name it."""
    if "cutoff" not in info.data:  # the set's own cutoff is invalid: reported already
        return None, ""
    own = info.data["cutoff"]
    if own is not None:
        return own, "this set's cutoff"
    return SPEC_CONTEXT.get().cutoff, "the spec's cutoff"


def _check_range(r_lower: Optional[float], r_upper: Optional[float], info: ValidationInfo) -> None:
    """r_upper <= cutoff and r_lower < r_upper (r_upper defaults to the cutoff)."""
    cutoff, whose = _cutoff_of(info)
    problems = []
    if r_upper is not None and cutoff is not None and r_upper > cutoff:
        message = f"expected r_upper <= {whose} ({cutoff!r}), got {r_upper!r}"
        problems.append(((), rule_error(message)))
    upper = cutoff if r_upper is None else r_upper
    if r_lower is not None and upper is not None and r_lower >= upper:
        bound = "r_upper" if r_upper is not None else f"r_upper, which defaults to {whose}"
        message = f"expected r_lower < {bound} ({upper!r}), got {r_lower!r}"
        problems.append(((), rule_error(message, key="r_lower")))
    raise_at(problems)


class Gastegger2018Set(GeneratedRadialSet):
    """Radial parameters from the rules of Gastegger et al., J. Chem. Phys. 148, 241709 (2018)."""

    rule: Literal["gastegger2018"]
    r_lower: NonNegativeLength = Field(
        description="Lower end of the radial grid (center: > 0; shift: >= 0)."
    )
    r_upper: Optional[Length] = Field(
        None,
        validate_default=True,
        description="Upper end of the radial grid; defaults to the set's cutoff.",
    )

    @field_validator("r_lower")
    @classmethod
    def _positive_in_center_mode(cls, r_lower: float, info: ValidationInfo) -> float:
        if info.data.get("mode") == "center" and r_lower == 0:
            raise rule_error(
                f"expected r_lower > 0 in mode 'center' (eta = 1/(2 r^2) is infinite at r = 0), "
                f"got {r_lower!r}"
            )
        return r_lower

    @field_validator("r_upper")
    @classmethod
    def _ordered(cls, r_upper: Optional[float], info: ValidationInfo) -> Optional[float]:
        _check_range(info.data.get("r_lower"), r_upper, info)
        return r_upper


class Imbalzano2018Set(GeneratedRadialSet):
    """Radial parameters from the rules of Imbalzano et al., J. Chem. Phys. 148, 241730 (2018)."""

    rule: Literal["imbalzano2018"]
    r_lower: Optional[Annotated[float, Real()]] = Field(
        None, description="Ignored by this rule (accepted with a warning, as the earlier tool did)."
    )
    r_upper: Optional[Annotated[float, Real()]] = Field(
        None, description="Ignored by this rule (accepted with a warning, as the earlier tool did)."
    )


class CustomSet(GaussianSet):
    """Explicit (r_shift, eta) pairs."""

    rule: Literal["custom"]
    r_shift: Annotated[List[NonNegativeLength], Field(min_length=1)] = Field(
        description="Gaussian centres r_shift, each >= 0; one per eta."
    )
    eta: Annotated[List[Eta], Field(min_length=1)] = Field(
        description="Gaussian widths eta, each > 0; one per r_shift."
    )

    @field_validator("eta")
    @classmethod
    def _one_eta_per_shift(cls, eta: List[float], info: ValidationInfo) -> List[float]:
        r_shift = info.data.get("r_shift")
        if r_shift is not None and len(r_shift) != len(eta):
            raise rule_error(
                f"has {len(eta)} values but r_shift has {len(r_shift)}; "
                "give exactly one eta per r_shift"
            )
        return eta

    @property
    def pair_count(self) -> int:
        return len(self.r_shift)


class PolySet(SetBase):
    """Polynomial SFs with compact support (n2p2 types 20-25)."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"type": {"enum": _ANGULAR_POLY}}, "required": ["type"]},
            "then": {"anyOf": [{"required": ["angles"]}, {"required": ["angle_windows"]}]},
            "else": {"properties": {"angles": False, "angle_windows": False, "angle_width": False}},
        }
    )

    type: PolyTypeName = Field(
        description="Polynomial symmetry-function type: poly_radial (n2p2 type 20), "
        "poly_angular_narrow (21), poly_angular_wide (22), weighted_poly_radial (23), "
        "weighted_poly_angular_narrow (24), weighted_poly_angular_wide (25)."
    )
    subtypes: Annotated[List[Subtype], Field(min_length=1)] = Field(
        default_factory=lambda: ["p2"],
        description="Polynomial cores: p1..p4 (smoothness 1..4), e (exponential), an 'a' "
        "suffix (p2a) makes the radial part asymmetric. Default ['p2'].",
    )
    angles: Optional[Annotated[List[AngleWindow], Field(min_length=1)]] = Field(
        None,
        description="Angular types: explicit angle windows [theta_left, theta_right] in degrees, "
        "e.g. [[0, 180], [-90, 90]].",
    )
    angle_windows: Optional[Annotated[int, Integer(ge=2)]] = Field(
        None,
        description="Angular types: N windows centred at 0, 180/(N-1), ..., 180 degrees "
        "(instead of 'angles').",
    )
    angle_width: Optional[Annotated[float, Real(gt=0, le=360)]] = Field(
        None,
        validate_default=True,
        description="Width of the angle_windows in degrees; at most and by default "
        "360/(N-1), which covers every angle twice.",
    )

    @field_validator("subtypes")
    @classmethod
    def _distinct_subtypes(cls, subtypes: List[str]) -> List[str]:
        check_repeats(subtypes, "subtypes", "; repeated values give duplicate symmetry functions")
        return subtypes

    @field_validator("angles")
    @classmethod
    def _n2p2_angle_rules(cls, angles: Optional[List[List[float]]]) -> Any:
        problems: List[Tuple[KeyPath, PydanticCustomError]] = []
        for i, (left, right) in enumerate(angles or []):
            problem = _angle_problem(left, right)
            if problem:
                problems.append(((i,), rule_error(problem)))
        raise_at(problems)
        check_repeats([tuple(a) for a in angles or []], "angles")
        return angles

    @field_validator("angle_width")
    @classmethod
    def _angle_keys(cls, width: Optional[float], info: ValidationInfo) -> Optional[float]:
        sftype = info.data.get("type")
        if sftype is None or not {"angles", "angle_windows"} <= set(info.data):
            return width  # reported elsewhere
        angles, count = info.data["angles"], info.data["angle_windows"]
        given = [k for k in ("angles", "angle_windows", "angle_width") if info.data.get(k)]
        given += ["angle_width"] if width is not None and "angle_width" not in given else []
        if not SF_TYPES[sftype].angular:
            if given:
                message = (
                    f"key {given[0]!r} does not apply to type {sftype!r} (only angular types "
                    "take angle windows); remove it"
                )
                raise rule_error(message, anchor="key", key=given[0])
            return width
        if (angles is None) == (count is None):
            message = (
                f"type {sftype!r} is angular: give either 'angles' (explicit windows) or "
                "'angle_windows' (a count), not both" + ("" if angles else " and not neither")
            )
            raise rule_error(message, anchor="table")
        if width is not None and count is None:
            raise rule_error("goes with 'angle_windows'; remove it or use angle_windows")
        if width is not None and count is not None and width > 360 / (count - 1):
            raise rule_error(
                f"expected angle_width <= 360/(angle_windows - 1) = {360 / (count - 1)!r} "
                "(wider windows would cross 0 or 180 degrees off-centre), got "
                f"{width!r}"
            )
        return width

    def angle_windows_list(self) -> List[Tuple[float, float]]:
        """The angle windows in output order (empty for radial types)."""
        if self.angles is not None:
            return [(a[0], a[1]) for a in self.angles]
        if self.angle_windows is None:
            return []
        n = self.angle_windows
        width = 360 / (n - 1) if self.angle_width is None else self.angle_width
        centres = [180 * k / (n - 1) for k in range(n)]
        return [(c - width / 2, c + width / 2) for c in centres]

    def radial_windows(self, default_cutoff: float) -> List[Tuple[float, float]]:
        raise NotImplementedError

    def per_combination(self) -> int:
        angles = max(1, len(self.angle_windows_list()))
        return self.window_count * angles * len(self.subtypes)

    @property
    def window_count(self) -> int:
        raise NotImplementedError


class PolyWindowsSet(PolySet):
    """Radial windows generated like the Gaussian rules: centred at 0, or shifted."""

    rule: Literal["windows"]
    mode: Literal["center", "shift"] = Field(
        description="center: windows [-w, w] with w from r_lower to r_upper; shift: windows of "
        "equal width from r_lower to r_upper."
    )
    nb_windows: Annotated[int, Integer(ge=2)] = Field(description="Number of radial windows.")
    r_lower: SignedLength = Field(
        description="center: the smallest half-width (> 0); shift: where the first window "
        "starts (may be negative)."
    )
    r_upper: Optional[Length] = Field(
        None,
        validate_default=True,
        description="center: the largest half-width; shift: where the last window ends. "
        "Defaults to the set's cutoff.",
    )
    width: Optional[Length] = Field(
        None,
        validate_default=True,
        description="shift only (required there): the width r_c - r_l of every window.",
    )

    @field_validator("r_upper")
    @classmethod
    def _ordered(cls, r_upper: Optional[float], info: ValidationInfo) -> Optional[float]:
        r_lower = info.data.get("r_lower")
        if info.data.get("mode") == "center" and r_lower is not None and r_lower <= 0:
            message = (
                f"expected r_lower > 0 in mode 'center' (the smallest half-width), got {r_lower!r}"
            )
            raise rule_error(message, key="r_lower")
        _check_range(r_lower, r_upper, info)
        return r_upper

    @field_validator("width")
    @classmethod
    def _width_for_shift(cls, width: Optional[float], info: ValidationInfo) -> Optional[float]:
        mode = info.data.get("mode")
        if mode == "center" and width is not None:
            raise rule_error("does not apply to mode 'center'; remove it", anchor="key")
        if mode != "shift" or not {"r_lower", "r_upper"} <= set(info.data):
            return width
        if width is None:
            raise rule_error(
                "missing required key 'width': mode 'shift' needs the width of the windows",
                anchor="table",
            )
        r_lower = info.data["r_lower"]
        r_upper, _ = (
            (info.data["r_upper"], "") if info.data["r_upper"] is not None else _cutoff_of(info)
        )
        if r_upper is not None and not width < r_upper - r_lower:
            raise rule_error(
                f"expected width < r_upper - r_lower = {r_upper - r_lower!r} (otherwise the "
                f"windows coincide), got {width!r}"
            )
        if r_lower + width <= 0:
            raise rule_error(
                f"the first window [{r_lower!r}, {r_lower + width!r}] ends at or below 0"
            )
        return width

    @property
    def window_count(self) -> int:
        return self.nb_windows

    def radial_windows(self, default_cutoff: float) -> List[Tuple[float, float]]:
        upper = self.effective_cutoff(default_cutoff) if self.r_upper is None else self.r_upper
        n = self.nb_windows
        if self.mode == "center":
            step = (upper - self.r_lower) / (n - 1)
            return [(-(self.r_lower + k * step), self.r_lower + k * step) for k in range(n)]
        assert self.width is not None
        step = (upper - self.r_lower - self.width) / (n - 1)
        return [(self.r_lower + k * step, self.r_lower + k * step + self.width) for k in range(n)]


class PolyCustomSet(PolySet):
    """Explicit radial windows [r_l, r_c]."""

    rule: Literal["custom"]
    windows: Annotated[List[Window], Field(min_length=1)] = Field(
        description="Radial windows [r_l, r_c]: the SF counts neighbours with r_l < r < r_c "
        "(r_l = -r_c gives a cutoff-like window)."
    )

    @field_validator("windows")
    @classmethod
    def _valid_windows(cls, windows: List[List[float]], info: ValidationInfo) -> Any:
        problems: List[Tuple[KeyPath, PydanticCustomError]] = []
        if info.data.get("cutoff") is not None:
            message = (
                "does not apply to custom polynomial windows: each window [r_l, r_c] gives its "
                "own cutoff; remove it"
            )
            problems.append(((), rule_error(message, anchor="key", key="cutoff")))
        for i, (left, right) in enumerate(windows):
            if not left < right or right <= 0:
                message = f"expected r_l < r_c and r_c > 0, got [{left!r}, {right!r}]"
                problems.append(((i,), rule_error(message)))
        raise_at(problems)
        check_repeats([tuple(w) for w in windows], "windows")
        return windows

    @property
    def window_count(self) -> int:
        return len(self.windows)

    def radial_windows(self, default_cutoff: float) -> List[Tuple[float, float]]:
        return [(w[0], w[1]) for w in self.windows]


def set_tag(data: Any) -> Optional[str]:
    """Which model validates a [[sets]] table: its rule, but 'custom' serves both families."""
    if isinstance(data, dict):
        rule, sftype = data.get("rule"), data.get("type")
        if rule == "custom" and isinstance(sftype, str) and sftype in SF_TYPES:
            return "poly_custom" if SF_TYPES[sftype].family == "poly" else "custom"
        return rule if isinstance(rule, str) else None
    return TAG_OF_MODEL.get(type(data))


TAG_MODELS: Dict[str, Type[SetBase]] = {
    "gastegger2018": Gastegger2018Set,
    "imbalzano2018": Imbalzano2018Set,
    "custom": CustomSet,
    "windows": PolyWindowsSet,
    "poly_custom": PolyCustomSet,
}
TAG_OF_MODEL: Dict[type, str] = {model: tag for tag, model in TAG_MODELS.items()}
RULES = ["gastegger2018", "imbalzano2018", "windows", "custom"]
RULES_OF_FAMILY = {
    "gaussian": ["gastegger2018", "imbalzano2018", "custom"],
    "poly": ["windows", "custom"],
}

SetSpec = Annotated[
    Union[
        Annotated[Gastegger2018Set, Tag("gastegger2018")],
        Annotated[Imbalzano2018Set, Tag("imbalzano2018")],
        Annotated[CustomSet, Tag("custom")],
        Annotated[PolyWindowsSet, Tag("windows")],
        Annotated[PolyCustomSet, Tag("poly_custom")],
    ],
    Discriminator(set_tag),
]
AnySet = Union[Gastegger2018Set, Imbalzano2018Set, CustomSet, PolyWindowsSet, PolyCustomSet]
__all__ = ["AnySet", "Set", "SetSpec"]
