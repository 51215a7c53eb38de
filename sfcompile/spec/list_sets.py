"""Rule ``list``: explicit parameter tuples, one line per tuple and element combination.

The rules and ``custom`` sets make Cartesian products (pairs × zetas × lambdas, windows × angles ×
subtypes). A subset of a product, such as the symmetry functions ``sfcompile select`` keeps, is
not one in general; ``list`` writes it as it is, one table per line:

    params = [{r_shift = 0.0, eta = 0.01, zeta = 1, lambda = -1}, ...]          # Gaussian
    params = [{r_lower = -3.0, r_cutoff = 3.0, theta_left = 0, theta_right = 90,
               subtype = "p2"}, ...]                                            # polynomial

Each tuple is validated like the same value of the other rules; a repeated tuple is refused
(it would be a duplicate line).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Literal, Optional, Tuple

from pydantic import ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from typing_extensions import Annotated

from ..errors import KeyPath
from .base import (
    Angle,
    Eta,
    Lambda,
    Length,
    NonNegativeLength,
    SignedLength,
    StrictModel,
    Zeta,
    raise_at,
    rule_error,
)
from .gaussian_sets import GaussianSet
from .poly_sets import PolySet, Subtype, _angle_problem
from .sftypes import SF_TYPES


def _without(*keys: str) -> Callable[[Dict[str, Any]], None]:
    def edit(schema: Dict[str, Any]) -> None:
        for key in keys:
            schema.get("properties", {}).pop(key, None)

    return edit


class GaussianParams(StrictModel):
    """One Gaussian symmetry function's parameters."""

    r_shift: NonNegativeLength = Field(description="Gaussian centre r_shift (>= 0).")
    eta: Eta = Field(description="Gaussian width eta (>= 0).")
    zeta: Optional[Zeta] = Field(None, description="Angular types only (required): zeta >= 1.")
    lambda_: Optional[Lambda] = Field(
        None, alias="lambda", description="Angular types only (required): -1 or 1."
    )

    def key(self) -> Tuple[float, ...]:
        return (self.r_shift, self.eta, self.zeta or 0.0, self.lambda_ or 0.0)


class PolyParams(StrictModel):
    """One polynomial symmetry function's parameters."""

    r_lower: SignedLength = Field(description="Start r_l of the radial window (may be < 0).")
    r_cutoff: Length = Field(description="End r_c of the radial window (> r_lower, > 0).")
    theta_left: Optional[Angle] = Field(
        None, description="Angular types only (required): start of the angle window, degrees."
    )
    theta_right: Optional[Angle] = Field(
        None, description="Angular types only (required): end of the angle window, degrees."
    )
    subtype: Subtype = Field("p2", description="Polynomial core: p1..p4, p1a..p4a or e.")

    def key(self) -> Tuple[Any, ...]:
        return (self.r_lower, self.r_cutoff, self.theta_left, self.theta_right, self.subtype)


def _check_tuples(
    params: List[Any], info: ValidationInfo, angular_keys: Tuple[str, ...]
) -> List[Tuple[KeyPath, PydanticCustomError]]:
    """Angular types need ``angular_keys`` in every tuple; radial types must not have them."""
    sftype = info.data.get("type")
    if sftype is None:
        return []
    angular = SF_TYPES[sftype].angular
    problems: List[Tuple[KeyPath, PydanticCustomError]] = []
    for i, item in enumerate(params):
        for key in angular_keys:
            value = getattr(item, _ATTRIBUTE.get(key, key))
            if angular and value is None:
                message = f"missing required key {key!r}: type {sftype!r} is angular"
                problems.append(((i,), rule_error(message, anchor="key")))
            elif not angular and value is not None:
                message = (
                    f"key {key!r} does not apply to type {sftype!r} (only angular types take "
                    "it); remove it"
                )
                problems.append(((i, key), rule_error(message, anchor="key")))
    return problems


class GaussianListSet(GaussianSet):
    """Explicit (r_shift, eta[, zeta, lambda]) tuples, one line each."""

    # the keys of the product rules that list refuses are left out of the schema
    model_config = ConfigDict(json_schema_extra=_without("zetas", "lambdas"))

    rule: Literal["list"]
    params: Annotated[List[GaussianParams], Field(min_length=1)] = Field(
        description="One table per symmetry function: r_shift and eta; angular types also "
        "zeta and lambda. Lines are written in this order (for each element combination)."
    )

    @field_validator("params")
    @classmethod
    def _complete(cls, params: List[GaussianParams], info: ValidationInfo) -> Any:
        problems = [
            ((), rule_error(f"key {key!r} does not apply to rule 'list': give zeta and lambda "
                            "in each of params", anchor="key", key=key))
            for key in ("zetas", "lambdas")
            if info.data.get(key) is not None
        ]  # fmt: skip
        raise_at(problems + _check_tuples(params, info, ("zeta", "lambda")))
        _check_repeats(params)
        return params

    @field_validator("zetas")
    @classmethod
    def _angular_only(cls, values: Optional[List[float]], info: ValidationInfo) -> Any:
        return values  # the list rule takes zeta per tuple (checked with params)

    @property
    def pair_count(self) -> int:
        return len(self.params)

    def per_combination(self) -> int:
        return len(self.params)


class PolyListSet(PolySet):
    """Explicit (r_lower, r_cutoff[, theta_left, theta_right], subtype) tuples, one line each."""

    model_config = ConfigDict(
        json_schema_extra=_without("cutoff", "subtypes", "angles", "angle_windows", "angle_width")
    )

    rule: Literal["list"]
    params: Annotated[List[PolyParams], Field(min_length=1)] = Field(
        description="One table per symmetry function: r_lower, r_cutoff, subtype; angular "
        "types also theta_left and theta_right. Lines are written in this order."
    )

    @field_validator("params")
    @classmethod
    def _complete(cls, params: List[PolyParams], info: ValidationInfo) -> Any:
        problems: List[Tuple[KeyPath, PydanticCustomError]] = []
        for key in ("cutoff", "angles", "angle_windows", "angle_width"):
            if info.data.get(key) is not None:
                message = f"key {key!r} does not apply to rule 'list': " + (
                    "each tuple gives its own r_cutoff"
                    if key == "cutoff"
                    else "give theta_left and theta_right in each of params"
                )
                problems.append(((), rule_error(message, anchor="key", key=key)))
        if info.data.get("subtypes") not in (None, ["p2"]):
            message = "key 'subtypes' does not apply to rule 'list': give subtype in each of params"
            problems.append(((), rule_error(message, anchor="key", key="subtypes")))
        problems += _check_tuples(params, info, ("theta_left", "theta_right"))
        for i, p in enumerate(params):
            if not p.r_lower < p.r_cutoff:
                message = f"expected r_lower < r_cutoff, got {p.r_lower!r} and {p.r_cutoff!r}"
                problems.append(((i, "r_lower"), rule_error(message)))
            if p.theta_left is not None and p.theta_right is not None:
                problem = _angle_problem(p.theta_left, p.theta_right)
                if problem:
                    problems.append(((i, "theta_left"), rule_error(problem)))
        raise_at(problems)
        _check_repeats(params)
        return params

    @field_validator("angle_width")
    @classmethod
    def _angle_keys(cls, width: Optional[float], info: ValidationInfo) -> Optional[float]:
        return width  # the list rule takes angles per tuple (checked with params)

    @property
    def window_count(self) -> int:
        return len(self.params)

    def per_combination(self) -> int:
        return len(self.params)

    def radial_windows(self, default_cutoff: float) -> List[Tuple[float, float]]:
        return [(p.r_lower, p.r_cutoff) for p in self.params]

    def angle_windows_list(self) -> List[Tuple[float, float]]:
        return [
            (p.theta_left, p.theta_right)
            for p in self.params
            if p.theta_left is not None and p.theta_right is not None
        ]


_ATTRIBUTE = {"lambda": "lambda_"}  # TOML key -> field name


def _check_repeats(params: List[Any]) -> None:
    first: Dict[Tuple[Any, ...], int] = {}
    problems: List[Tuple[KeyPath, PydanticCustomError]] = []
    for i, item in enumerate(params):
        k = first.setdefault(item.key(), i)
        if k != i:
            message = (
                f"the same parameters as params[{k}]: a repeated tuple gives a duplicate "
                "symmetry function; remove one"
            )
            problems.append(((i,), rule_error(message)))
    raise_at(problems)
