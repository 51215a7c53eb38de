"""The spec language as pydantic models: every rule a spec must obey is declared here.

The generator trusts a validated :class:`Spec` completely and never re-checks it. Constraints on
single values live in the field types; the ``[[sets]]`` tables are in :mod:`.set_models`; rules
over the whole spec (the size guard) run last, in :meth:`Spec._check_size`.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, Tuple, Union

from pydantic import Field, StrictBool, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError
from typing_extensions import Annotated

from ..errors import KeyPath
from . import n2p2_keywords
from .base import (
    DEFAULT_MAX_LINES,
    MAX_LENGTH,
    SPEC_CONTEXT,
    ElementSymbol,
    Length,
    PairCount,
    SpecContext,
    StrictModel,
    check_repeats,
    raise_at,
    rule_error,
)
from .elements import ATOMIC_NUMBER
from .fields import Checked, Integer, Real, describe_toml_value
from .selection import Selection
from .sets import (
    RULES,
    TAG_MODELS,
    AnySet,
    CustomSet,
    Gastegger2018Set,
    GaussianListSet,
    GaussianParams,
    GaussianSet,
    GeneratedRadialSet,
    Imbalzano2018Set,
    PolyCustomSet,
    PolyListSet,
    PolyParams,
    PolySet,
    PolyWindowsSet,
    SetBase,
    SetSpec,
)

RULE_MODELS = TAG_MODELS  # kept for callers that look models up by tag

#: n2p2's cutoff functions (``cutoff_type``): name -> number.
CUTOFF_TYPES = {
    "hard": 0, "cos": 1, "tanhu": 2, "tanh": 3, "exp": 4,
    "poly1": 5, "poly2": 6, "poly3": 7, "poly4": 8,
}  # fmt: skip
#: Cutoff functions that ignore alpha (n2p2 warns or says nothing).
IGNORES_ALPHA = ("hard", "tanhu", "tanh")
#: The codes a spec compiles to (``[output] target``, ``--target``); see sfcompile.targets.
TARGETS = ("n2p2", "runner", "aenet", "dscribe", "simple-nn", "table")
TargetName = Literal["n2p2", "runner", "aenet", "dscribe", "simple-nn", "table"]
#: The length units a spec may state (``unit``).
UnitName = Literal["angstrom", "bohr"]


def _validate_precision(value: Any) -> Union[int, str]:
    if value == "full" and isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 16:
        raise PydanticCustomError(
            "precision",
            'expected an integer from 1 to 16 or "full", got {got}',
            {"got": describe_toml_value(value)},
        )
    return value


def _validate_cutoff_type(value: Any) -> str:
    if isinstance(value, str) and value in CUTOFF_TYPES:
        return value
    by_number = {number: name for name, number in CUTOFF_TYPES.items()}
    if isinstance(value, int) and not isinstance(value, bool) and value in by_number:
        return by_number[value]
    raise PydanticCustomError(
        "cutoff_type",
        "expected a cutoff function name ({names}) or n2p2's number 0-8, got {got}",
        {"names": ", ".join(CUTOFF_TYPES), "got": describe_toml_value(value)},
    )


N2p2Value = Annotated[
    Any,
    Checked(
        n2p2_keywords.validate_value,
        {"anyOf": [{"type": ["boolean", "number", "string"]}, {"type": "array"}]},
    ),
]
Precision = Annotated[
    Union[int, str],
    Checked(
        _validate_precision,
        {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 16}, {"const": "full"}]},
    ),
]
CutoffTypeName = Annotated[
    str,
    Checked(
        _validate_cutoff_type,
        {"anyOf": [{"enum": list(CUTOFF_TYPES)}, {"type": "integer", "minimum": 0, "maximum": 8}]},
    ),
]


class OutputOptions(StrictModel):
    """How the block is written."""

    precision: Precision = Field(
        3,
        description="Digits after the decimal point of every real number, in E notation "
        '(3 reproduces the earlier generator: 2.222E-01), or "full": the shortest decimal that '
        "reads back as exactly the same double.",
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
    order: Literal["spec", "n2p2"] = Field(
        "spec",
        description="\"spec\": sets in the spec's order (the earlier generator's layout); "
        '"n2p2": per central element, in n2p2\'s internal order (row i of its scaling.data '
        "for that element is the i-th line).",
    )
    target: TargetName = Field(
        "n2p2",
        description="The code to compile for: n2p2 (input.nn), runner (RuNNer 1.x input.nn, "
        "Bohr), aenet (.stp files, Å), dscribe (ACSF keyword arguments as JSON, Å), simple-nn "
        "(params_XX files, Å) or table (every SF with its parameters, JSON or CSV). "
        "--target overrides it.",
    )


class AenetOptions(StrictModel):
    """What an aenet .stp file needs beyond the SFs."""

    rmin: Length = Field(
        description="aenet's RMIN: the shortest distance two atoms may have, in the spec's "
        "length unit (converted to Å with the SFs). Without it aenet warns and uses 1.0."
    )


class CutoffFunction(StrictModel):
    """n2p2's global cutoff function f_c (its ``cutoff_type`` line)."""

    type: CutoffTypeName = Field(
        description="hard, cos, tanhu, tanh, exp, poly1, poly2, poly3, poly4 (or n2p2's 0-8)."
    )
    alpha: Annotated[float, Real(ge=0, lt=1)] = Field(
        0.0,
        description="Inner cutoff as a fraction of r_c: f_c = 1 below alpha*r_c; 0 <= alpha < 1.",
    )

    @property
    def number(self) -> int:
        return CUTOFF_TYPES[self.type]


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
    unit: Optional[UnitName] = Field(
        None,
        description='The length unit of every length and of eta (per length squared): "angstrom" '
        'or "bohr". Needed for the targets whose code assumes a unit (runner: Bohr; aenet, '
        "dscribe, simple-nn: Å), which convert exactly; n2p2 output does not depend on it.",
    )
    cutoff_function: Optional[CutoffFunction] = Field(
        None,
        description="n2p2's cutoff function (recorded in the header; the cutoff_type line of "
        "a complete input.nn).",
    )
    output: OutputOptions = Field(
        default_factory=OutputOptions,
        description="Output options: number precision, comment blocks, header, order, limit.",
    )
    sets: Annotated[List[SetSpec], Field(min_length=1)] = Field(
        description="The generated sets, written in this order."
    )
    n2p2: Optional[Dict[str, N2p2Value]] = Field(
        None,
        description="Other input.nn keywords for a complete file (compile --full), e.g. "
        "global_hidden_layers_short = 2; names are checked against n2p2's keyword list.",
    )
    n2p2_unchecked: Optional[Dict[str, N2p2Value]] = Field(
        None,
        description="input.nn keywords passed through without checking the name (for n2p2 "
        "versions newer than sfcompile's keyword list); a warning names each.",
    )

    aenet: Optional[AenetOptions] = Field(
        None, description="Settings of the aenet target that are not SFs (RMIN)."
    )

    selection: Optional[Selection] = Field(
        None,
        description="Provenance of a selected spec, written by sfcompile select: method, size "
        "rule, pool spec and data set (names, sha256), per element sizes and unexplained "
        "variance. Informational: printed in the header, shown by explain.",
    )

    @field_validator("n2p2", "n2p2_unchecked")
    @classmethod
    def _keywords(cls, table: Optional[Dict[str, Any]], info: ValidationInfo) -> Any:
        if table is None:
            return table
        checked = info.field_name == "n2p2"
        problems = [
            ((name,), rule_error(message, anchor="key"))
            for name in table
            for message in n2p2_keywords.check_names({name: table[name]}, checked)
        ]
        problems += [((key,), rule_error(msg)) for key, msg in n2p2_keywords.check_network(table)]
        raise_at(problems)
        return table

    @model_validator(mode="wrap")
    @classmethod
    def _share_context(cls, data: Any, handler: Any) -> Any:
        token = SPEC_CONTEXT.set(_context_of(data))
        try:
            return handler(data)
        finally:
            SPEC_CONTEXT.reset(token)

    @field_validator("elements")
    @classmethod
    def _unique_elements(cls, elements: List[str]) -> List[str]:
        check_repeats(elements, "elements")
        return elements

    @property
    def element_tuple(self) -> Tuple[str, ...]:
        return tuple(self.elements)

    def line_count(self) -> int:
        return sum(s.line_count(self.element_tuple) for s in self.sets)

    def warnings(self) -> List[Tuple[KeyPath, str]]:
        """Accepted but dubious input, located by key path."""
        found: List[Tuple[KeyPath, str]] = [
            (("n2p2_unchecked", name), "is passed through to input.nn unchecked: make sure "
             "your n2p2 version knows this keyword (n2p2 ignores unknown ones)")
            for name in self.n2p2_unchecked or {}
        ]  # fmt: skip
        function = self.cutoff_function
        if function is not None and function.alpha > 0 and function.type in IGNORES_ALPHA:
            message = (
                f"is ignored by n2p2 for cutoff function {function.type!r}; remove it or "
                "choose cos, exp or poly1-poly4"
            )
            found.append((("cutoff_function", "alpha"), message))
        found += self._selection_warnings()
        for i, s in enumerate(self.sets):
            if not isinstance(s, Imbalzano2018Set):
                continue
            for key in ("r_lower", "r_upper"):
                if getattr(s, key) is not None:
                    ignored = "is ignored by rule 'imbalzano2018'; remove it"
                    found.append((("sets", i, key), ignored))
        return found

    def _selection_warnings(self) -> List[Tuple[KeyPath, str]]:
        """A [selection] table whose counts the sets no longer match (edited by hand?)."""
        if self.selection is None:
            return []
        lines: Dict[str, int] = {}
        for s in self.sets:
            for combination in s.combinations(self.element_tuple):
                lines[combination[0]] = lines.get(combination[0], 0) + s.per_combination()
        return [
            (("selection", "elements", name, "selected"),
             f"says {record.selected} but the sets give {lines.get(name, 0)} SFs of central "
             f"element {name}: the sets were edited after the selection; update or remove "
             "[selection]")
            for name, record in self.selection.elements.items()
            if lines.get(name, 0) != record.selected
        ]  # fmt: skip

    @model_validator(mode="after")
    def _check_size(self, info: ValidationInfo) -> Spec:
        """Refuse huge specs before anything is generated (counted, not built)."""
        override = (info.context or {}).get("max_lines")
        limit = self.output.max_lines if override is None else int(override)
        counts = [s.line_count(self.element_tuple) for s in self.sets]
        if sum(counts) > limit:
            largest = max(range(len(counts)), key=counts.__getitem__)
            alone = f" (this set alone: {counts[largest]:,})" if len(counts) > 1 else ""
            message = (
                f"this spec would produce {sum(counts):,} symmetry-function lines{alone}, "
                f"more than the limit of {limit:,}; raise [output] max_lines (or pass "
                "--max-lines) if you really mean it"
            )
            raise_at([(("sets", largest), rule_error(message, anchor="key"))])
        return self


def _context_of(data: Any) -> SpecContext:
    """The spec's cutoff and elements for the set validators, if they are themselves valid."""
    if not isinstance(data, dict):
        return SpecContext()
    try:
        cutoff: Optional[float] = Real(gt=0, le=MAX_LENGTH).validate(data.get("cutoff"))
    except PydanticCustomError:
        cutoff = None
    elements = data.get("elements")
    valid = (
        isinstance(elements, list)
        and all(isinstance(e, str) and e in ATOMIC_NUMBER for e in elements)
        and len(set(elements)) == len(elements) > 0
    )
    return SpecContext(cutoff, tuple(elements) if valid and elements else None)


__all__ = [
    "CUTOFF_TYPES",
    "DEFAULT_MAX_LINES",
    "RULES",
    "TARGETS",
    "AenetOptions",
    "AnySet",
    "CustomSet",
    "CutoffFunction",
    "Gastegger2018Set",
    "GaussianListSet",
    "GaussianParams",
    "GaussianSet",
    "GeneratedRadialSet",
    "Imbalzano2018Set",
    "OutputOptions",
    "PairCount",
    "PolyCustomSet",
    "PolyListSet",
    "PolyParams",
    "PolySet",
    "PolyWindowsSet",
    "SetBase",
    "Spec",
]
