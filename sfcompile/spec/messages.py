"""Turn pydantic's validation errors into messages about the spec as the user wrote it.

Pydantic reports locations with internal details (the tag of the discriminated union) and in its
own words ("Extra inputs are not permitted"). Here each error becomes a key path in the spec's
terms, a sentence saying what was expected, and a did-you-mean where a name was misspelled.
"""

from __future__ import annotations

import difflib
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Type

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import KeyPath
from .fields import describe_toml_value
from .models import CutoffFunction, OutputOptions, Spec
from .selection import ElementSelection, Selection
from .sets import (
    RULES,
    RULES_OF_FAMILY,
    TAG_MODELS,
    GaussianListSet,
    GaussianParams,
    PolyListSet,
    PolyParams,
    set_tag,
)
from .sftypes import SF_TYPES

Described = Tuple[KeyPath, str, bool]  # key path, message, point at the key (not the value)


def describe_validation_error(exc: ValidationError, document: Any) -> List[Described]:
    described: List[Described] = []
    seen = set()
    for error in exc.errors(include_url=False):
        path = _user_path(error["loc"])
        for item in _describe(error, path, document):
            if (item[0], item[1]) not in seen:  # unions can report one mistake twice
                seen.add((item[0], item[1]))
                described.append(item)
    return described


def _user_path(loc: Sequence[Any]) -> KeyPath:
    """Drop the union tag pydantic inserts after ``sets[i]``."""
    path: List[Any] = []
    for i, part in enumerate(loc):
        after_set_index = i >= 2 and loc[i - 2] == "sets" and isinstance(loc[i - 1], int)
        if after_set_index and part in TAG_MODELS:
            continue
        path.append(part)
    return tuple(path)


def _describe(error: ErrorDetails, path: KeyPath, document: Any) -> List[Described]:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx", {})
    if kind == "spec_rule":
        if ctx.get("key"):
            path = path[:-1] + (ctx["key"],)
        anchor = ctx.get("anchor", "value")
        if anchor == "table":
            return [(path[:-1], str(ctx["detail"]), True)]
        return [(path, str(ctx["detail"]), anchor == "key")]
    if kind == "missing":
        return [(path[:-1], _missing_message(path, document), True)]
    if kind == "extra_forbidden":
        return [(path, _unknown_key_message(path, document), True)]
    if kind == "union_tag_invalid":
        rule = _get(document, (*path, "rule"))
        return [((*path, "rule"), _choice_message("rule", rule, RULES), False)]
    if kind == "union_tag_not_found":
        if isinstance(value, dict) and "rule" in value:  # present, but not a rule name
            return [((*path, "rule"), _choice_message("rule", value["rule"], RULES), False)]
        if isinstance(value, dict):
            missing = (path, _missing_message((*path, "rule"), document), True)
            return [missing, *_bad_type(path, value), *_unknown_keys_of_any_set(path, value)]
        return [(path, f"expected a table ([[sets]]), got {describe_toml_value(value)}", False)]
    if kind == "literal_error" and path[-1:] == ("type",) and _is_type_name(value):
        family = SF_TYPES[value].family
        rule = _get(document, (*path[:-1], "rule"))
        kind_name = "polynomial" if family == "poly" else "Gaussian"
        return [
            (
                path,
                f"type {value!r} cannot use rule {rule!r}: {kind_name} types use rule "
                f"{_quoted(RULES_OF_FAMILY[family])}",
                False,
            )
        ]
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        choices = [c.strip("'") for c in expected.split(", ")]
        return [(path, _choice_message(str(path[-1]), value, choices), False)]
    return [(path, _value_message(kind, error, value), False)]


def _is_type_name(value: Any) -> bool:
    return isinstance(value, str) and value in SF_TYPES


def _bad_type(path: KeyPath, table: Dict[str, Any]) -> List[Described]:
    """Without a rule the set's model is unknown; still report a ``type`` that no set has."""
    if "type" not in table or _is_type_name(table["type"]):
        return []
    return [((*path, "type"), _choice_message("type", table["type"], list(SF_TYPES)), False)]


def _unknown_keys_of_any_set(path: KeyPath, table: Dict[str, Any]) -> List[Described]:
    """Without a rule the set's model is unknown; still report keys no set takes."""
    known = sorted({key for model in TAG_MODELS.values() for key in _keys_of(model)})
    return [
        ((*path, key), f"unknown key {key!r}{_did_you_mean(key, known)}", True)
        for key in table
        if key not in known
    ]


_EXPECTED = {
    "list_type": "an array",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "dict_type": "a table",
    "string_type": "a string",
    "bool_type": "true or false",
}


def _value_message(kind: str, error: ErrorDetails, value: Any) -> str:
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {describe_toml_value(value)}"
    if kind == "too_short":
        minimum = error.get("ctx", {}).get("min_length", 1)
        if minimum == 1:
            return "must not be empty"
        return f"needs at least {minimum} items, got {len(value)}"
    return str(error["msg"])


def _model_for(path: KeyPath, document: Any) -> Optional[Type[BaseModel]]:
    """The model that validates the table at ``path`` (None when unknown)."""
    if path == ():
        return Spec
    if path == ("output",):
        return OutputOptions
    if len(path) == 2 and path[0] == "sets":
        return TAG_MODELS.get(set_tag(_get(document, path)) or "")
    if path == ("cutoff_function",):
        return CutoffFunction
    if path == ("selection",):
        return Selection
    if len(path) == 3 and path[:2] == ("selection", "elements"):
        return ElementSelection
    if len(path) == 4 and path[0] == "sets" and path[2] == "params":
        model = TAG_MODELS.get(set_tag(_get(document, path[:2])) or "")
        if model is GaussianListSet:
            return GaussianParams
        return PolyParams if model is PolyListSet else None
    return None


def _keys_of(model: Type[BaseModel]) -> List[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def _missing_message(path: KeyPath, document: Any) -> str:
    key = str(path[-1])
    table = path[:-1]
    if key == "rule":
        return f"missing required key 'rule' (one of {_quoted(RULES)})"
    if key == "type" and len(table) == 2 and table[0] == "sets":
        return f"missing required key 'type' (one of {_quoted(SF_TYPES)})"
    model = _model_for(table, document)
    rule = _get(document, (*table, "rule")) if model in TAG_MODELS.values() else None
    why = f" (required by rule {rule!r})" if rule else ""
    return f"missing required key {key!r}{why}"


def _unknown_key_message(path: KeyPath, document: Any) -> str:
    key = str(path[-1])
    table = path[:-1]
    model = _model_for(table, document)
    if model in TAG_MODELS.values():
        users = sorted(
            {tag.replace("poly_", "") for tag, m in TAG_MODELS.items() if key in _keys_of(m)},
            key=RULES.index,
        )
        if users:
            rule = _get(document, table + ("rule",))
            who = f"rule {users[0]!r} takes" if len(users) == 1 else f"rules {_quoted(users)} take"
            return (
                f"key {key!r} does not apply to rule {rule!r} (only {who} it); "
                "remove it or change the rule"
            )
    allowed = _keys_of(model) if model is not None else []
    suggestion = _did_you_mean(key, allowed)
    if suggestion or not allowed:
        return f"unknown key {key!r}{suggestion}"
    return f"unknown key {key!r}; expected one of {_quoted(allowed)}"


def _choice_message(key: str, value: Any, choices: Sequence[str]) -> str:
    if not isinstance(value, str):
        return f"expected one of {_quoted(choices)}, got {describe_toml_value(value)}"
    suggestion = _did_you_mean(value, choices)
    if suggestion:
        return f"unknown {key} {value!r}{suggestion}"
    return f"unknown {key} {value!r}; expected one of {_quoted(choices)}"


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    candidates = list(candidates)
    folded = {c.lower(): c for c in candidates}
    match = folded.get(word.lower())
    if match is None:
        close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
        match = close[0] if close else None
    return f"; did you mean {match!r}?" if match else ""


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _get(document: Any, path: KeyPath) -> Any:
    node = document
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node
