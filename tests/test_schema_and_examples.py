"""The committed JSON Schema, and every example config (compiled and schema-validated)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, List

import jsonschema
import pytest

from sfcompile import _compat, compile_spec, load
from sfcompile.spec.schema import build_schema, schema_text
from tests.conftest import REPO

EXAMPLES = sorted((REPO / "examples" / "configs").glob("*.toml"))
#: The specs of the benchmarks (pools, hand-made sets): users read them as examples too.
SPECS = EXAMPLES + sorted((REPO / "bench").rglob("*.toml"))
COMMITTED = REPO / "schemas" / "sfcompile.schema.json"


def schema() -> Any:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_committed_schema_matches_the_models() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "schemas/sfcompile.schema.json is out of date: run `sfcompile schema > "
        "schemas/sfcompile.schema.json` and commit it"
    )


def test_schema_is_valid_draft7() -> None:
    jsonschema.Draft7Validator.check_schema(schema())
    assert schema()["$schema"] == "http://json-schema.org/draft-07/schema#"


def _nodes(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def test_no_keyword_beside_a_ref() -> None:
    # draft-07 ignores siblings of $ref: descriptions there would be lost in editors
    for node in _nodes(build_schema()):
        if "$ref" in node:
            assert set(node) == {"$ref"}, node


def test_every_property_has_a_description() -> None:
    definitions = build_schema()["definitions"]
    for where in [build_schema(), *definitions.values()]:
        for key, prop in where.get("properties", {}).items():
            if key in ("rule",):  # the discriminator: its const value says it all
                continue
            assert prop.get("description"), key


def test_no_null_in_a_toml_schema() -> None:
    assert '"null"' not in schema_text()


def test_there_are_examples() -> None:
    names = {p.name for p in EXAMPLES}
    assert len(EXAMPLES) >= 5
    assert "sfparamgen-walkthrough-SCu.toml" in names


@pytest.mark.parametrize("path", SPECS, ids=[str(p.relative_to(REPO)) for p in SPECS])
def test_example_validates_against_schema(path: Path) -> None:
    document = _compat.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema()).validate(document)


@pytest.mark.parametrize("path", SPECS, ids=[str(p.relative_to(REPO)) for p in SPECS])
def test_example_compiles_without_warnings(path: Path) -> None:
    loaded = load(path)
    assert loaded.warnings == ()
    text = compile_spec(path)
    assert f"# spec: {path.name}\n" in text
    assert text.count("symfunction_short") == loaded.spec.line_count()


@pytest.mark.parametrize(
    "document",
    [
        {"elements": ["H"], "cutoff": 6.0, "sets": [{"type": "radial", "rule": "custom",
          "r_shift": [0.0], "eta": [1.0], "zetas": [1]}]},
        {"elements": ["H"], "cutoff": 6.0, "sets": [{"type": "angular_wide", "rule": "custom",
          "r_shift": [0.0], "eta": [1.0]}]},
        {"elements": ["Xx"], "cutoff": 6.0, "sets": []},
        {"elements": ["H"], "cutoff": 0, "sets": [{"type": "radial", "rule": "imbalzano2018",
          "mode": "center", "nb_param_pairs": 3}]},
        {"elements": ["H"], "cutoff": 6.0, "sets": [{"type": "radial", "rule": "imbalzano2018",
          "mode": "center", "nb_param_pairs": 3, "typo": 1}]},
    ],
)  # fmt: skip
def test_schema_rejects_what_the_models_reject(document: Any) -> None:
    errors: List[Any] = list(jsonschema.Draft7Validator(schema()).iter_errors(document))
    assert errors
