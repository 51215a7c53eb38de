"""Pieces shared by the spec models: field types, the rule-error helpers, the spec context."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError
from typing_extensions import Annotated

from ..errors import KeyPath
from .elements import ATOMIC_NUMBER
from .fields import Checked, Integer, Real, validate_element, validate_lambda

#: Longest cutoff or radius accepted, in the user's length unit (Å or Bohr in practice).
MAX_LENGTH = 1000.0
#: Default limit on the number of SF lines one spec may produce.
DEFAULT_MAX_LINES = 100_000

Length = Annotated[float, Real(gt=0, le=MAX_LENGTH)]
NonNegativeLength = Annotated[float, Real(ge=0, le=MAX_LENGTH)]
SignedLength = Annotated[float, Real(ge=-MAX_LENGTH, le=MAX_LENGTH)]
Angle = Annotated[float, Real(ge=-360, le=540)]
Eta = Annotated[float, Real(ge=0)]  # 0: a cutoff-weighted count (radial), common in angular SFs
Zeta = Annotated[float, Real(ge=1)]
PairCount = Annotated[int, Integer(ge=2)]
ElementSymbol = Annotated[
    str, Checked(validate_element, {"type": "string", "enum": list(ATOMIC_NUMBER)})
]
Lambda = Annotated[float, Checked(validate_lambda, {"type": "number", "enum": [-1, 1]})]


@dataclass(frozen=True)
class SpecContext:
    """What a set's validators need to know about the spec around it (None: itself invalid)."""

    cutoff: Optional[float] = None
    elements: Optional[Tuple[str, ...]] = None


# Set while a Spec validates, so that set validators can check against the spec's values.
SPEC_CONTEXT: contextvars.ContextVar[SpecContext] = contextvars.ContextVar(
    "sfcompile_spec_context",
    default=SpecContext(),  # noqa: B039 - frozen, hence immutable
)


class StrictModel(BaseModel):
    # defer_build: a schema is built only for the models validated on their own (Spec), not
    # for every base and nested model at import: most of a compile's start-up otherwise.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


def rule_error(message: str, anchor: str = "value", key: str = "") -> PydanticCustomError:
    """A rule violation. ``anchor`` says where to point: the value, the key, or the table that
    lacks the key; ``key`` moves the report to a sibling key of the validated field."""
    return PydanticCustomError(
        "spec_rule", "{detail}", {"detail": message, "anchor": anchor, "key": key}
    )


def raise_at(items: Sequence[Tuple[KeyPath, PydanticCustomError]]) -> None:
    """Raise several errors at once, each at its own location (relative to the field)."""
    if items:
        raise ValidationError.from_exception_data(
            "sfcompile", [InitErrorDetails(type=e, loc=loc, input=None) for loc, e in items]
        )


def check_repeats(values: List[Any], key: str, why: str = "") -> None:
    first: Dict[Any, int] = {}
    problems = []
    for i, value in enumerate(values):
        if value in first:
            message = f"{value!r} is listed twice (also at {key}[{first[value]}]){why}"
            problems.append(((i,), rule_error(message)))
        first.setdefault(value, i)
    raise_at(problems)
