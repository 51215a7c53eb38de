"""Polynomial sets with compact support (n2p2 types 20-25): rules windows and custom."""

from __future__ import annotations

import re
from typing import Any, List, Literal, Optional, Tuple

from pydantic import (
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError
from typing_extensions import Annotated

from ..errors import KeyPath
from .base import (
    Angle,
    Length,
    SignedLength,
    check_repeats,
    raise_at,
    rule_error,
)
from .fields import Checked, Integer, Real, describe_toml_value
from .set_base import SetBase, check_range, cutoff_of
from .sftypes import SF_TYPES, PolyTypeName

SUBTYPES = ["p1", "p2", "p3", "p4", "p1a", "p2a", "p3a", "p4a", "e"]
_SUBTYPE = re.compile(r"p[1-4]a?|e")
Window = Annotated[List[SignedLength], Field(min_length=2, max_length=2)]
AngleWindow = Annotated[List[Angle], Field(min_length=2, max_length=2)]
_ANGULAR_POLY: List[Any] = [n for n, t in SF_TYPES.items() if t.angular and t.family == "poly"]


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
        check_range(r_lower, r_upper, info)
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
            (info.data["r_upper"], "") if info.data["r_upper"] is not None else cutoff_of(info)
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
