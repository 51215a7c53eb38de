"""What the earlier generator's API checks, and how it says so: the spec models validate, this
module turns their findings into the earlier tool's exception types (ValueError, TypeError) and
into messages in its terms (the method and argument names of ``SymFuncParamGenerator``)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any, NamedTuple, Optional, Sequence, Union, get_args

import numpy as np
import numpy.typing as npt
from pydantic import TypeAdapter, ValidationError

from ..spec.models import RULE_MODELS, GeneratedRadialSet, PairCount, Spec
from ..spec.sftypes import SF_TYPES as ALL_SF_TYPES

Array = npt.NDArray[Any]
Fields = dict[str, Any]  # one [[sets]] table of a spec, as plain Python values
Numbers = Union[Sequence[float], Array]
GENERATED_RULES = [n for n, model in RULE_MODELS.items() if issubclass(model, GeneratedRadialSet)]
MODES: tuple[str, ...] = get_args(GeneratedRadialSet.model_fields["mode"].annotation)
SF_TYPES = {name: t for name, t in ALL_SF_TYPES.items() if t.family == "gaussian"}
TYPE_NAMES = list(SF_TYPES)
RADIAL_PLACEHOLDER = next(name for name, t in SF_TYPES.items() if not t.angular)
ANGULAR_PLACEHOLDER = next(name for name, t in SF_TYPES.items() if t.angular)
PLACEHOLDER_PAIRS: Fields = {"rule": "custom", "r_shift": [0.0], "eta": [1.0]}
UNLIMITED = {"max_lines": sys.maxsize}  # like the earlier tool, write sets of any size
TYPE_KINDS = {"number_type", "integer_type", "list_type", "element_type", "string_type"}
PAIR_COUNT: TypeAdapter[int] = TypeAdapter(PairCount)


class Problem(NamedTuple):
    key: str  # spec key concerned ("cutoff", "elements", "r_lower", ...), "" for the whole spec
    kind: str  # pydantic error type
    detail: str  # the models' description of the problem

    @property
    def error(self) -> type[Exception]:
        """The exception type the earlier tool raised for this kind of mistake."""
        return TypeError if self.kind in TYPE_KINDS else ValueError


def problems_of(exc: ValidationError) -> list[Problem]:
    found = []
    for error in exc.errors(include_url=False):
        keys = [p for p in error["loc"] if isinstance(p, str) and p not in ("sets", *RULE_MODELS)]
        found.append(Problem(keys[0] if keys else "", error["type"], error["msg"]))
    return found


def first_of(problems: list[Problem], *keys: str) -> Optional[Problem]:
    return next((p for p in problems if p.key in keys), None)


def as_plain(value: Any) -> Any:
    """numpy scalars → Python numbers (np.int64 is not an int), sequences and arrays → lists."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes, dict)):
        return [as_plain(v) for v in value]
    return value


def validate(elements: Any, cutoff: Any, fields: Fields) -> Spec:
    document = {"elements": elements, "cutoff": cutoff, "sets": [fields]}
    return Spec.model_validate(document, context=UNLIMITED)


def choices(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names)


def type_name_message(value: Any) -> str:
    hint = ""
    by_number = {t.number: name for name, t in SF_TYPES.items()}
    if isinstance(value, str) and value.lower() in SF_TYPES:
        hint = f"; did you mean {value.lower()!r}? (names are case-sensitive)"
    elif isinstance(value, int) and value in by_number:
        hint = f"; n2p2 type {value} is called {by_number[value]!r} (give the name, not the number)"
    expected = choices(TYPE_NAMES)
    return (
        f"symfunc_type={value!r} is not a symmetry-function type{hint}; expected one of {expected}"
    )


def check_pair_count(value: Any) -> None:
    try:
        PAIR_COUNT.validate_python(value)
    except ValidationError as exc:
        problem = problems_of(exc)[0]
        why = "is not an integer" if problem.error is TypeError else f"({problem.detail})"
        raise problem.error(
            f"generate_radial_params: nb_param_pairs={value!r} {why}; pass the number of "
            "(r_shift, eta) pairs to generate, an integer >= 2"
        ) from None


def custom_error(fields: Fields, problems: list[Problem]) -> Exception:
    for key, expected in (("r_shift", ">= 0"), ("eta", "> 0")):
        problem = first_of(problems, key)
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


def constructor_error(symbols: Any, cutoff: Any, problems: list[Problem]) -> Exception:
    problem = first_of(problems, "cutoff")
    if problem is not None:
        return problem.error(
            f"r_cutoff={cutoff!r} is not a valid cutoff radius: {problem.detail}; pass the "
            "cutoff r_c (a positive number, in the length unit of your data)"
        )
    problem = first_of(problems, "elements") or problems[0]
    if problem.kind == "too_short":
        return ValueError(
            "elements is empty; pass the chemical symbols of your system, e.g. ['S', 'Cu'] "
            "(the earlier generator silently wrote nothing)"
        )
    return problem.error(
        f"elements={symbols!r}: {problem.detail}; pass each chemical symbol once, e.g. "
        "['S', 'Cu'] (the earlier generator silently accepted this and wrote garbage)"
    )
