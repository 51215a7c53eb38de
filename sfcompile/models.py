"""The spec language as pydantic models: every rule a spec must obey is declared here.

The generator trusts a validated :class:`Spec` completely and never re-checks it. Constraints on
single values live in the field types; rules that tie fields of one set together live in the set's
validator; rules that need the spec-wide cutoff or element list live in :meth:`Spec._cross_check`.
"""

from __future__ import annotations

import difflib
from typing import Any, Dict, Iterator, List, Literal, Optional, Tuple, Type, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from typing_extensions import Annotated

from ._types import Checked, Integer, Real, describe_toml_value
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
PairCount = Annotated[int, Integer(ge=2, le=DEFAULT_MAX_LINES)]


def _validate_element(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "element_type",
            'expected a chemical symbol such as "Cu", got {got}',
            {"got": describe_toml_value(value)},
        )
    if value in ATOMIC_NUMBER:
        return value
    hint = _suggest_element(value)
    raise PydanticCustomError(
        "element_unknown",
        "unknown chemical symbol {value}{hint} (symbols are case-sensitive, H to No)",
        {"value": repr(value), "hint": hint},
    )


def _suggest_element(value: str) -> str:
    folded = {symbol.lower(): symbol for symbol in ATOMIC_NUMBER}
    match = folded.get(value.strip().lower())
    if match is None:
        close = difflib.get_close_matches(value, list(ATOMIC_NUMBER), n=1, cutoff=0.6)
        match = close[0] if close else None
    return f"; did you mean {match!r}?" if match else ""


def _validate_lambda(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value not in (-1, 1):
        raise PydanticCustomError(
            "lambda_value",
            "expected -1 or 1 (lambda selects the sign of the cosine term), got {got}",
            {"got": describe_toml_value(value)},
        )
    return float(value)


ElementSymbol = Annotated[
    str, Checked(_validate_element, {"type": "string", "enum": list(ATOMIC_NUMBER)})
]
Lambda = Annotated[float, Checked(_validate_lambda, {"type": "number", "enum": [-1, 1]})]


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


ANGULAR_TYPES: List[Any] = [name for name, t in SF_TYPES.items() if t.angular]


class SetBase(StrictModel):
    # Editors cannot see the set validator; tell them the zetas rule in the schema too.
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
        None, description="Angular types only (required there): exponents zeta, each >= 1."
    )
    lambdas: Optional[Annotated[List[Lambda], Field(min_length=1)]] = Field(
        None, description="Angular types only: values of lambda, each -1 or 1. Default [-1, 1]."
    )

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

    def _type_problems(self) -> Iterator[Tuple[KeyPath, str]]:
        if self.angular and self.zetas is None:
            yield (), f"missing required key 'zetas' (type {self.type!r} is angular)"
        if not self.angular:
            for key in ("zetas", "lambdas"):
                if getattr(self, key) is not None:
                    yield (
                        (key,),
                        (f"does not apply to type {self.type!r} (only angular types take it)"),
                    )
        for key in ("zetas", "lambdas"):
            values = getattr(self, key) or []
            seen: dict[float, int] = {}
            for i, value in enumerate(values):
                if value in seen:
                    yield (
                        (key, i),
                        (
                            f"{value!r} is listed twice (also at {key}[{seen[value]}]); "
                            "repeated values give duplicate symmetry functions"
                        ),
                    )
                seen.setdefault(value, i)

    def _rule_problems(self) -> Iterator[Tuple[KeyPath, str]]:
        return iter(())

    @model_validator(mode="after")
    def _check_set(self) -> SetBase:
        _raise_located(type(self).__name__, [*self._type_problems(), *self._rule_problems()])
        return self


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
        None, description="Upper end of the radial grid; defaults to the set's cutoff."
    )

    def _rule_problems(self) -> Iterator[Tuple[KeyPath, str]]:
        if self.mode == "center" and self.r_lower == 0:
            yield (
                ("r_lower",),
                ("expected r_lower > 0 in mode 'center' (eta = 1/(2 r^2) is infinite at 0), got 0"),
            )


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

    @property
    def pair_count(self) -> int:
        return len(self.r_shift)

    def _rule_problems(self) -> Iterator[Tuple[KeyPath, str]]:
        if len(self.r_shift) != len(self.eta):
            yield (
                ("eta",),
                (
                    f"has {len(self.eta)} values but r_shift has {len(self.r_shift)}; "
                    "give exactly one eta per r_shift"
                ),
            )


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

    def line_count(self) -> int:
        return sum(s.line_count(len(self.elements)) for s in self.sets)

    def warnings(self) -> List[Tuple[KeyPath, str]]:
        """Accepted but dubious input, located by key path (the earlier tool's warnings)."""
        found: List[Tuple[KeyPath, str]] = []
        for i, s in enumerate(self.sets):
            if isinstance(s, Imbalzano2018Set) and s.mode == "center" and s.nb_param_pairs == 2:
                found.append(
                    (
                        ("sets", i, "nb_param_pairs"),
                        "rule 'imbalzano2018' in mode 'center' with 2 pairs gives two identical "
                        "etas (1/r_c^2), i.e. duplicate symmetry functions; use 3 or more pairs",
                    )
                )
            if isinstance(s, Imbalzano2018Set):
                for key in ("r_lower", "r_upper"):
                    if getattr(s, key) is not None:
                        found.append(
                            (("sets", i, key), "is ignored by rule 'imbalzano2018'; remove it")
                        )
        return found

    def _element_problems(self) -> Iterator[Tuple[KeyPath, str]]:
        first: dict[str, int] = {}
        for i, symbol in enumerate(self.elements):
            if symbol in first:
                yield (
                    ("elements", i),
                    (f"{symbol!r} is listed twice (also at elements[{first[symbol]}])"),
                )
            first.setdefault(symbol, i)

    def _range_problems(self) -> Iterator[Tuple[KeyPath, str]]:
        for i, s in enumerate(self.sets):
            if not isinstance(s, Gastegger2018Set):
                continue
            cutoff = s.effective_cutoff(self.cutoff)
            upper = cutoff if s.r_upper is None else s.r_upper
            if s.r_upper is not None and s.r_upper > cutoff:
                yield (
                    ("sets", i, "r_upper"),
                    (f"expected r_upper <= cutoff ({cutoff}), got {s.r_upper}"),
                )
            if s.r_lower >= upper:
                where = "r_upper" if s.r_upper is not None else "the cutoff (r_upper's default)"
                yield (
                    ("sets", i, "r_lower"),
                    (f"expected r_lower < {where} ({upper}), got {s.r_lower}"),
                )

    def _size_problems(self, limit: int) -> Iterator[Tuple[KeyPath, str]]:
        count = self.line_count()
        if count > limit:
            yield (
                (),
                (
                    f"this spec would produce {count:,} symmetry-function lines, more than the "
                    f"limit of {limit:,}; raise [output] max_lines (or pass --max-lines) if you "
                    "really mean it"
                ),
            )

    @model_validator(mode="after")
    def _cross_check(self, info: ValidationInfo) -> Spec:
        override = (info.context or {}).get("max_lines")
        limit = self.output.max_lines if override is None else int(override)
        problems = [*self._element_problems(), *self._range_problems()]
        if not problems:
            problems.extend(self._size_problems(limit))
        _raise_located("Spec", problems)
        return self


def _raise_located(title: str, problems: List[Tuple[KeyPath, str]]) -> None:
    """Raise every problem at once, each at its own key path (relative to the model)."""
    if not problems:
        return
    raise ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(
                type=PydanticCustomError("spec_rule", "{detail}", {"detail": message}),
                loc=path,
                input=None,
            )
            for path, message in problems
        ],
    )
