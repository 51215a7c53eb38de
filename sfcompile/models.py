"""The spec language as pydantic models: every rule a spec must obey is declared here.

The generator trusts a validated :class:`Spec` completely and never re-checks it. Constraints on
single values live in the field types. Rules that tie fields of one set together are field
validators reading the set's earlier fields (``info.data``), so that they are reported in the
same run as every other mistake of the file; the spec-wide default cutoff reaches them through
:data:`_DEFAULT_CUTOFF` while a :class:`Spec` validates. Rules over the whole spec (the size
guard) run last, in :meth:`Spec._check_size`.
"""

from __future__ import annotations

import contextvars
from typing import Any, Dict, List, Literal, Optional, Sequence, Tuple, Type, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from typing_extensions import Annotated

from ._types import Checked, Integer, Real, validate_element, validate_lambda
from .elements import ATOMIC_NUMBER
from .errors import KeyPath
from .sftypes import SF_TYPES, SFTypeName

#: Longest cutoff or radius accepted, in the user's length unit (Å or Bohr in practice).
MAX_LENGTH = 1000.0
#: Default limit on the number of SF lines one spec may produce.
DEFAULT_MAX_LINES = 100_000

Length = Annotated[float, Real(gt=0, le=MAX_LENGTH)]
NonNegativeLength = Annotated[float, Real(ge=0, le=MAX_LENGTH)]
Eta = Annotated[float, Real(gt=0)]
Zeta = Annotated[float, Real(ge=1)]
PairCount = Annotated[int, Integer(ge=2)]
ElementSymbol = Annotated[
    str, Checked(validate_element, {"type": "string", "enum": list(ATOMIC_NUMBER)})
]
Lambda = Annotated[float, Checked(validate_lambda, {"type": "number", "enum": [-1, 1]})]
ANGULAR_TYPES: List[Any] = [name for name, t in SF_TYPES.items() if t.angular]

# The spec's default cutoff while a Spec validates (None if it is itself invalid or unknown).
_DEFAULT_CUTOFF: contextvars.ContextVar[Optional[float]] = contextvars.ContextVar(
    "sfcompile_default_cutoff", default=None
)


def rule_error(message: str, anchor: str = "value", key: str = "") -> PydanticCustomError:
    """A rule violation. ``anchor`` says where to point: the value, the key, or the table that
    lacks the key; ``key`` moves the report to a sibling key of the validated field."""
    return PydanticCustomError(
        "spec_rule", "{detail}", {"detail": message, "anchor": anchor, "key": key}
    )


def _raise_at(items: Sequence[Tuple[KeyPath, PydanticCustomError]]) -> None:
    """Raise several errors at once, each at its own location (relative to the field)."""
    if items:
        raise ValidationError.from_exception_data(
            "sfcompile", [InitErrorDetails(type=e, loc=loc, input=None) for loc, e in items]
        )


def _repeats(values: List[Any], key: str, why: str = "") -> None:
    first: Dict[Any, int] = {}
    problems = []
    for i, value in enumerate(values):
        if value in first:
            message = f"{value!r} is listed twice (also at {key}[{first[value]}]){why}"
            problems.append(((i,), rule_error(message)))
        first.setdefault(value, i)
    _raise_at(problems)


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class OutputOptions(StrictModel):
    """How the block is written."""

    precision: Annotated[int, Integer(ge=1, le=16)] = Field(
        3,
        description="Digits after the decimal point of every real number, in E notation "
        "(3 reproduces the earlier generator: 2.222E-01).",
    )
    comments: StrictBool = Field(
        True, description="Write the settings-overview comment block before each set."
    )
    header: StrictBool = Field(
        True,
        description="Start the output with the provenance comment (tool, version, spec name "
        "and sha256). Turn off only to compare with the earlier generator's files.",
    )
    max_lines: Annotated[int, Integer(ge=1)] = Field(
        DEFAULT_MAX_LINES,
        description="Refuse a spec that would produce more symmetry-function lines than this.",
    )


class SetBase(StrictModel):
    # Editors cannot run the validators; tell them the zetas rule in the schema too.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"type": {"enum": ANGULAR_TYPES}}, "required": ["type"]},
            "then": {"required": ["zetas"]},
            "else": {"properties": {"zetas": False, "lambdas": False}},
        }
    )

    type: SFTypeName = Field(
        description="Symmetry-function type: radial (n2p2 type 2), angular_narrow (3), "
        "angular_wide (9), weighted_radial (12), weighted_angular (13)."
    )
    cutoff: Optional[Length] = Field(
        None, description="Cutoff radius of this set; defaults to the spec's cutoff."
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
        _repeats(values or [], key, "; repeated values give duplicate symmetry functions")
        return values

    @property
    def pair_count(self) -> int:
        raise NotImplementedError

    @property
    def angular(self) -> bool:
        return SF_TYPES[self.type].angular

    def effective_cutoff(self, default: float) -> float:
        return default if self.cutoff is None else self.cutoff

    def effective_lambdas(self) -> List[float]:
        return [-1.0, 1.0] if self.lambdas is None else list(self.lambdas)

    def line_count(self, n_elements: int) -> int:
        per_pair = len(self.zetas or ()) * len(self.effective_lambdas()) if self.angular else 1
        return SF_TYPES[self.type].combination_count(n_elements) * self.pair_count * per_pair


class GeneratedRadialSet(SetBase):
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
        if info.data.get("mode") == "center" and r_lower == 0:
            raise rule_error(
                f"expected r_lower > 0 in mode 'center' (eta = 1/(2 r^2) is infinite at r = 0), "
                f"got {r_lower!r}"
            )
        return r_lower

    @field_validator("r_upper")
    @classmethod
    def _ordered(cls, r_upper: Optional[float], info: ValidationInfo) -> Optional[float]:
        r_lower = info.data.get("r_lower")
        if "cutoff" not in info.data:  # the set's own cutoff is invalid: reported already
            return r_upper
        own = info.data["cutoff"]
        cutoff = own if own is not None else _DEFAULT_CUTOFF.get()
        whose = "this set's cutoff" if own is not None else "the spec's cutoff"
        problems = []
        if r_upper is not None and cutoff is not None and r_upper > cutoff:
            message = f"expected r_upper <= {whose} ({cutoff!r}), got {r_upper!r}"
            problems.append(((), rule_error(message)))
        upper = cutoff if r_upper is None else r_upper
        if r_lower is not None and upper is not None and r_lower >= upper:
            bound = "r_upper" if r_upper is not None else f"r_upper, which defaults to {whose}"
            message = f"expected r_lower < {bound} ({upper!r}), got {r_lower!r}"
            problems.append(((), rule_error(message, key="r_lower")))
        _raise_at(problems)
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


class CustomSet(SetBase):
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


SetSpec = Annotated[
    Union[Gastegger2018Set, Imbalzano2018Set, CustomSet], Field(discriminator="rule")
]
RULE_MODELS: Dict[str, Type[SetBase]] = {
    "gastegger2018": Gastegger2018Set,
    "imbalzano2018": Imbalzano2018Set,
    "custom": CustomSet,
}


class Spec(StrictModel):
    """A symmetry-function spec: elements, default cutoff, output options and the sets."""

    schema_url: Optional[str] = Field(
        None, alias="$schema", description="Editor hint; ignored by sfcompile."
    )
    elements: Annotated[List[ElementSymbol], Field(min_length=1)] = Field(
        description="Chemical symbols (H to No), unique; their order is the output order."
    )
    cutoff: Length = Field(
        description="Default cutoff radius r_c (> 0) in the length unit of your data."
    )
    output: OutputOptions = Field(
        default_factory=OutputOptions,
        description="Output options: number precision, comment blocks, header, line limit.",
    )
    sets: Annotated[List[SetSpec], Field(min_length=1)] = Field(
        description="The generated sets, written in this order."
    )

    @model_validator(mode="wrap")
    @classmethod
    def _share_default_cutoff(cls, data: Any, handler: Any) -> Any:
        cutoff = data.get("cutoff") if isinstance(data, dict) else None
        try:
            valid: Optional[float] = Real(gt=0, le=MAX_LENGTH).validate(cutoff)
        except PydanticCustomError:
            valid = None
        token = _DEFAULT_CUTOFF.set(valid)
        try:
            return handler(data)
        finally:
            _DEFAULT_CUTOFF.reset(token)

    @field_validator("elements")
    @classmethod
    def _unique_elements(cls, elements: List[str]) -> List[str]:
        _repeats(elements, "elements")
        return elements

    def line_count(self) -> int:
        return sum(s.line_count(len(self.elements)) for s in self.sets)

    def warnings(self) -> List[Tuple[KeyPath, str]]:
        """Accepted but dubious input, located by key path (the earlier tool's warnings)."""
        found: List[Tuple[KeyPath, str]] = []
        for i, s in enumerate(self.sets):
            if not isinstance(s, Imbalzano2018Set):
                continue
            if s.mode == "center" and s.nb_param_pairs == 2:
                found.append(
                    (
                        ("sets", i, "nb_param_pairs"),
                        "rule 'imbalzano2018' in mode 'center' with 2 pairs gives two identical "
                        "etas (1/r_c^2), i.e. duplicate symmetry functions; use 3 or more pairs",
                    )
                )
            for key in ("r_lower", "r_upper"):
                if getattr(s, key) is not None:
                    ignored = "is ignored by rule 'imbalzano2018'; remove it"
                    found.append((("sets", i, key), ignored))
        return found

    @model_validator(mode="after")
    def _check_size(self, info: ValidationInfo) -> Spec:
        """Refuse huge specs before anything is generated (counted, not built)."""
        override = (info.context or {}).get("max_lines")
        limit = self.output.max_lines if override is None else int(override)
        counts = [s.line_count(len(self.elements)) for s in self.sets]
        if sum(counts) > limit:
            largest = max(range(len(counts)), key=counts.__getitem__)
            alone = f" (this set alone: {counts[largest]:,})" if len(counts) > 1 else ""
            message = (
                f"this spec would produce {sum(counts):,} symmetry-function lines{alone}, "
                f"more than the limit of {limit:,}; raise [output] max_lines (or pass "
                "--max-lines) if you really mean it"
            )
            _raise_at([(("sets", largest), rule_error(message, anchor="key"))])
        return self
