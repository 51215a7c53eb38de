"""What every ``[[sets]]`` table has: its cutoff and the element filters; and the range checks
shared by the rule models.

Rules tying fields of one set together are field validators reading the set's earlier fields
(``info.data``), so that they are reported together with every other mistake; what they need to
know about the surrounding spec (default cutoff, elements) comes from :data:`SPEC_CONTEXT`.
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from typing_extensions import Annotated

from ..errors import KeyPath
from .base import (
    SPEC_CONTEXT,
    ElementSymbol,
    Length,
    StrictModel,
    check_repeats,
    raise_at,
    rule_error,
)
from .sftypes import SF_TYPES, Combination

ElementList = Annotated[List[ElementSymbol], Field(min_length=1)]
CombinationList = Annotated[
    List[Annotated[List[ElementSymbol], Field(min_length=1, max_length=3)]], Field(min_length=1)
]


class SetBase(StrictModel):
    """Keys every set has: its cutoff and the element filters."""

    cutoff: Optional[Length] = Field(
        None, description="Cutoff radius of this set; defaults to the spec's cutoff."
    )
    central: Optional[ElementList] = Field(
        None, description="Only these central elements (default: all elements)."
    )
    neighbours: Optional[ElementList] = Field(
        None, description="Only combinations whose neighbour elements are all in this list."
    )
    include: Optional[CombinationList] = Field(
        None,
        description="Only these element combinations, central element first, e.g. "
        '[["H", "O"]] (radial), [["O", "H", "H"]] (angular), [["H"]] (weighted).',
    )
    exclude: Optional[CombinationList] = Field(
        None, description="Leave out these element combinations (same form as include)."
    )

    @field_validator("central", "neighbours", "include", "exclude")
    @classmethod
    def _known_elements(cls, value: Any, info: ValidationInfo) -> Any:
        elements = SPEC_CONTEXT.get().elements
        if value is None or elements is None:
            return value
        problems: List[Tuple[KeyPath, PydanticCustomError]] = []
        for i, item in enumerate(value):
            names = [item] if isinstance(item, str) else item
            for j, name in enumerate(names):
                if name not in elements:
                    loc = (i,) if isinstance(item, str) else (i, j)
                    message = f"{name!r} is not one of the spec's elements {list(elements)}"
                    problems.append((loc, rule_error(message)))
        raise_at(problems)
        check_repeats([tuple(v) if isinstance(v, list) else v for v in value], str(info.field_name))
        return value

    @property
    def sftype_name(self) -> str:
        return str(getattr(self, "type"))  # noqa: B009 - declared by each family's subclass

    def combinations(self, elements: Tuple[str, ...]) -> List[Combination]:
        """The element combinations of this set, in output order, after the filters."""
        sftype = SF_TYPES[self.sftype_name]
        combos = sftype.combinations(elements)
        position = {e: i for i, e in enumerate(elements)}

        def normal(names: List[str]) -> Combination:
            return (names[0], *sorted(names[1:], key=lambda e: position.get(e, -1)))

        if self.central is not None:
            combos = [c for c in combos if c[0] in self.central]
        if self.neighbours is not None:
            combos = [c for c in combos if all(n in self.neighbours for n in c[1:])]
        if self.include is not None:
            wanted = {normal(names) for names in self.include}
            combos = [c for c in combos if c in wanted]
        if self.exclude is not None:
            unwanted = {normal(names) for names in self.exclude}
            combos = [c for c in combos if c not in unwanted]
        return combos

    def per_combination(self) -> int:
        raise NotImplementedError

    def line_count(self, elements: Tuple[str, ...]) -> int:
        return len(self.combinations(elements)) * self.per_combination()

    def effective_cutoff(self, default: float) -> float:
        return default if self.cutoff is None else self.cutoff

    @model_validator(mode="after")
    def _filters_fit_the_type(self) -> SetBase:
        sftype = SF_TYPES[self.sftype_name]
        arity = {"one": 2, "pair": 3, "none": 1}[sftype.neighbours]
        problems: List[Tuple[KeyPath, PydanticCustomError]] = []
        if sftype.weighted and self.neighbours is not None:
            message = (
                f"key 'neighbours' does not apply to type {sftype.name!r}: weighted types sum "
                "over all neighbours; remove it (use 'central' to choose central elements)"
            )
            problems.append((("neighbours",), rule_error(message, anchor="key")))
        for key in ("include", "exclude"):
            for i, names in enumerate(getattr(self, key) or []):
                if len(names) != arity:
                    message = (
                        f"type {sftype.name!r} combinations have {arity} element(s) (central "
                        f"first), got {len(names)}: {names}"
                    )
                    problems.append(((key, i), rule_error(message)))
        elements = SPEC_CONTEXT.get().elements
        if not problems and elements is not None and not self.combinations(elements):
            message = "the element filters leave this set without any element combination"
            problems.append(((), rule_error(message, anchor="key")))
        raise_at(problems)
        return self


def cutoff_of(info: ValidationInfo) -> Tuple[Optional[float], str]:
    """The set's effective cutoff (None if unknown or invalid) and how to name it."""
    if "cutoff" not in info.data:  # the set's own cutoff is invalid: reported already
        return None, ""
    own = info.data["cutoff"]
    if own is not None:
        return own, "this set's cutoff"
    return SPEC_CONTEXT.get().cutoff, "the spec's cutoff"


def check_range(r_lower: Optional[float], r_upper: Optional[float], info: ValidationInfo) -> None:
    """r_upper <= cutoff and r_lower < r_upper (r_upper defaults to the cutoff)."""
    cutoff, whose = cutoff_of(info)
    problems = []
    if r_upper is not None and cutoff is not None and r_upper > cutoff:
        message = f"expected r_upper <= {whose} ({cutoff!r}), got {r_upper!r}"
        problems.append(((), rule_error(message)))
    upper = cutoff if r_upper is None else r_upper
    if r_lower is not None and upper is not None and r_lower >= upper:
        bound = "r_upper" if r_upper is not None else f"r_upper, which defaults to {whose}"
        message = f"expected r_lower < {bound} ({upper!r}), got {r_lower!r}"
        problems.append(((), rule_error(message, key="r_lower")))
    raise_at(problems)
