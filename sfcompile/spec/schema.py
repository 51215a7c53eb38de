"""The JSON Schema of the spec format, generated from the models.

Editors (Taplo / "Even Better TOML") validate with draft-07 semantics, where keywords beside a
``$ref`` are ignored; so every ``$ref`` that carries a description is wrapped in ``allOf``.
TOML has no null, so pydantic's ``anyOf [X, null]`` for optional keys is reduced to ``X``.
"""

from __future__ import annotations

import json
from typing import Any, Dict

from .models import Spec

SCHEMA_ID = "https://sfcompile.invalid/schemas/sfcompile.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"


def _without_null(node: Dict[str, Any]) -> Dict[str, Any]:
    branches = [b for b in node.get("anyOf", []) if b != {"type": "null"}]
    if "anyOf" in node and len(branches) < len(node["anyOf"]):
        node = {k: v for k, v in node.items() if k != "anyOf"}
        if len(branches) == 1:
            node = {**branches[0], **node}
        else:
            node["anyOf"] = branches
        if node.get("default", 0) is None:
            del node["default"]
    return node


def _for_editors(node: Any) -> Any:
    if isinstance(node, list):
        return [_for_editors(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = _without_null({key: _for_editors(value) for key, value in node.items()})
    if "$ref" in node and len(node) > 1:
        ref = node.pop("$ref")
        node["allOf"] = [{"$ref": ref}]
    return node


def build_schema() -> Dict[str, Any]:
    schema = Spec.model_json_schema(by_alias=True, ref_template="#/definitions/{model}")
    definitions = schema.pop("$defs", {})
    schema = _for_editors(schema)
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "sfcompile spec",
        **{k: v for k, v in schema.items() if k != "title"},
        "definitions": _for_editors(definitions),
    }


def schema_text() -> str:
    """The schema as committed in ``schemas/sfcompile.schema.json`` (sorted, 2-space indent)."""
    return json.dumps(build_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
