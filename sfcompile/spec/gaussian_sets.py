"""Gaussian sets (n2p2 types 2, 3, 9, 12, 13): rules gastegger2018, imbalzano2018, custom."""

from __future__ import annotations

from typing import Any, List, Literal, Optional

from pydantic import (
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from typing_extensions import Annotated

from .base import (
    Eta,
    Lambda,
    Length,
    NonNegativeLength,
    PairCount,
    Zeta,
    check_repeats,
    rule_error,
)
from .fields import Real
from .set_base import SetBase, check_range, cutoff_of
from .sftypes import SF_TYPES, GaussianTypeName

_ANGULAR_GAUSSIAN: List[Any] = [
    n for n, t in SF_TYPES.items() if t.angular and t.family == "gaussian"
]


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
        if info.data.get("mode") == "center" and not _finite_eta(r_lower):
            raise rule_error(
                f"expected r_lower >= {_SMALLEST_WIDTH:g} in mode 'center' (eta = 1/(2 r^2) "
                f"overflows below it and is infinite at r = 0), got {r_lower!r}"
            )
        return r_lower

    @field_validator("r_upper")
    @classmethod
    def _ordered(cls, r_upper: Optional[float], info: ValidationInfo) -> Optional[float]:
        r_lower = info.data.get("r_lower")
        check_range(r_lower, r_upper, info)
        upper = cutoff_of(info)[0] if r_upper is None else r_upper
        pairs = info.data.get("nb_param_pairs")
        if info.data.get("mode") == "shift" and r_lower is not None and upper is not None:
            spacing = (upper - r_lower) / (pairs - 1 if pairs else 1)
            if not _finite_eta(spacing):
                raise rule_error(
                    f"expected a grid spacing (r_upper - r_lower)/(nb_param_pairs - 1) >= "
                    f"{_SMALLEST_WIDTH:g} (eta = 1/(2 dr^2) overflows below it), got "
                    f"{spacing!r}; widen r_lower..r_upper or use fewer pairs",
                    key="r_upper" if r_upper is not None else "r_lower",
                )
        return r_upper


#: Below this width 1/(2 w^2) overflows a double (w^2 underflows first).
_SMALLEST_WIDTH = 1e-154


def _finite_eta(width: float) -> bool:
    return width >= _SMALLEST_WIDTH


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
        description="Gaussian widths eta, each >= 0; one per r_shift."
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
