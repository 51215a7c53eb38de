"""Strict scalar types for spec fields, usable as ``Annotated`` metadata.

TOML distinguishes integers from floats and the earlier tool printed them differently
(``r_cutoff = 6`` versus ``6.0`` in the settings overview), so numbers keep the type the user
wrote. Booleans are never numbers, NaN and infinity are rejected, and the bounds are part of the
type so that both the validation message and the JSON Schema come from one declaration.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

TOML_TYPE_NAMES = (
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a float"),
    (str, "a string"),
    (list, "an array"),
    (dict, "a table"),
)


def describe_toml_value(value: object) -> str:
    """Name a parsed TOML value the way a user thinks of it: ``a string ('6.0')``."""
    for kind, name in TOML_TYPE_NAMES:
        if isinstance(value, kind):
            if kind in (list, dict):
                return name
            shown = str(value).lower() if kind is bool else repr(value)
            return f"{name} ({shown})"
    if value is None:
        return "nothing (None)"
    return f"a date/time ({value})"


#: The largest integer magnitude a double holds exactly; larger TOML integers are refused
#: (they would be rounded, or overflow, when used as numbers).
MAX_EXACT_INTEGER = 2**53


def _check_size(value: int, what: str) -> None:
    if abs(value) > MAX_EXACT_INTEGER:
        digits = len(str(abs(value)))
        raise PydanticCustomError(
            "integer_size",
            "expected {what} of at most 2^53 = 9007199254740992 in size, got an integer with "
            "{digits} digits{hint}",
            {
                "what": what,
                "digits": digits,
                "hint": "; write it as a float (e.g. 1.5e20) if you mean it"
                if what == "a number"
                else "",
            },
        )


def _number_text(value: float) -> str:
    return repr(value) if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class _Bounded:
    gt: Optional[float] = None
    ge: Optional[float] = None
    lt: Optional[float] = None
    le: Optional[float] = None

    def bounds_text(self) -> str:
        parts = []
        if self.gt is not None:
            parts.append(f"> {_number_text(self.gt)}")
        if self.ge is not None:
            parts.append(f">= {_number_text(self.ge)}")
        if self.lt is not None:
            parts.append(f"< {_number_text(self.lt)}")
        if self.le is not None:
            parts.append(f"<= {_number_text(self.le)}")
        return " and ".join(parts)

    def check_bounds(self, value: float, what: str) -> None:
        ok = (
            (self.gt is None or value > self.gt)
            and (self.ge is None or value >= self.ge)
            and (self.lt is None or value < self.lt)
            and (self.le is None or value <= self.le)
        )
        if not ok:
            raise PydanticCustomError(
                "out_of_range",
                "expected {what} {bounds}, got {value}",
                {"what": what, "bounds": self.bounds_text(), "value": _number_text(value)},
            )

    def json_bounds(self) -> Dict[str, Any]:
        schema: Dict[str, Any] = {}
        if self.gt is not None:
            schema["exclusiveMinimum"] = self.gt
        if self.ge is not None:
            schema["minimum"] = self.ge
        if self.lt is not None:
            schema["exclusiveMaximum"] = self.lt
        if self.le is not None:
            schema["maximum"] = self.le
        return schema


@dataclass(frozen=True)
class Real(_Bounded):
    """A finite number (TOML integer or float, kept as written) within optional bounds."""

    def validate(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PydanticCustomError(
                "number_type", "expected a number, got {got}", {"got": describe_toml_value(value)}
            )
        if isinstance(value, int):
            _check_size(value, "a number")
        elif not math.isfinite(value):
            raise PydanticCustomError(
                "number_finite", "expected a finite number, got {got}", {"got": repr(value)}
            )
        self.check_bounds(value, "a number")
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.validate)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "number", **self.json_bounds()}


@dataclass(frozen=True)
class Integer(_Bounded):
    """A TOML integer (``3``, not ``3.0`` and not ``true``) within optional bounds."""

    def validate(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise PydanticCustomError(
                "integer_type",
                "expected an integer, got {got}",
                {"got": describe_toml_value(value)},
            )
        _check_size(value, "an integer")
        self.check_bounds(value, "an integer")
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.validate)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "integer", **self.json_bounds()}


class Checked:
    """``Annotated`` metadata: validate with one function, publish a fixed JSON Schema."""

    def __init__(self, func: Callable[[Any], Any], json_schema: Dict[str, Any]) -> None:
        self.func = func
        self.json_schema = json_schema

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.func)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return dict(self.json_schema)


def _suggest_element(value: str) -> str:
    from .elements import ATOMIC_NUMBER

    folded = {symbol.lower(): symbol for symbol in ATOMIC_NUMBER}
    match = folded.get(value.strip().lower())
    if match is None:
        close = difflib.get_close_matches(value, list(ATOMIC_NUMBER), n=1, cutoff=0.6)
        match = close[0] if close else None
    return f"; did you mean {match!r}?" if match else ""


def validate_element(value: Any) -> str:
    """A chemical symbol n2p2 knows (H..No, case-sensitive)."""
    from .elements import ATOMIC_NUMBER

    if not isinstance(value, str):
        raise PydanticCustomError(
            "element_type",
            'expected a chemical symbol such as "Cu", got {got}',
            {"got": describe_toml_value(value)},
        )
    if value in ATOMIC_NUMBER:
        return value
    raise PydanticCustomError(
        "element_unknown",
        "unknown chemical symbol {value}{hint} (symbols are case-sensitive, H to No)",
        {"value": repr(value), "hint": _suggest_element(value)},
    )


def validate_lambda(value: Any) -> float:
    """Lambda of the angular SFs: -1 or 1 (kept as a float, as n2p2 reads it)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value not in (-1, 1):
        raise PydanticCustomError(
            "lambda_value",
            "expected -1 or 1 (lambda selects the sign of the cosine term), got {got}",
            {"got": describe_toml_value(value)},
        )
    return float(value)
