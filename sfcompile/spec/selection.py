"""The ``[selection]`` table: where a selected spec comes from (``sfcompile select`` writes it).

It records how the SFs were chosen (method, size rule), from what (the pool spec and the data
set, by file name and sha256, the atoms used) and how well (per central element: pool size,
selected size, SFs constant on the data, unexplained variance (CUR, FPS); for the force fit the
validation errors of its model). Nothing in it changes the output lines; ``compile`` prints it
in the header and ``explain`` shows it.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Literal, Optional

from pydantic import Field, StrictBool, StrictStr, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from typing_extensions import Annotated

from .base import SPEC_CONTEXT, ElementSymbol, StrictModel, raise_at, rule_error
from .fields import Checked, Integer, Real, describe_toml_value

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _validate_sha256(value: Any) -> str:
    if not (isinstance(value, str) and _SHA256.fullmatch(value)):
        raise PydanticCustomError(
            "sha256",
            "expected a sha256 digest (64 lowercase hexadecimal digits), got {got}",
            {"got": describe_toml_value(value)},
        )
    return value


Sha256 = Annotated[str, Checked(_validate_sha256, {"type": "string", "pattern": _SHA256.pattern})]
Count = Annotated[int, Integer(ge=0)]


class ElementSelection(StrictModel):
    """The selection of one central element's SFs."""

    pool: Annotated[int, Integer(ge=1)] = Field(description="SFs of this element in the pool.")
    selected: Count = Field(description="SFs kept.")
    constant: Count = Field(0, description="Pool SFs constant on the data (never selected).")
    atoms: Count = Field(description="Atoms of this element the selection was computed on.")
    unexplained: Optional[Annotated[float, Real(ge=0, le=1)]] = Field(
        None,
        description="cur, fps: fraction of the pool's variance (standardised SFs) the selected "
        "SFs leave unexplained, 0 to 1.",
    )
    unranked: StrictBool = Field(
        False,
        description="The data could not rank this element's SFs (no atoms of it, or every SF "
        "constant); all its pool SFs were kept (select --keep-unranked).",
    )

    @field_validator("unexplained")
    @classmethod
    def _at_most_the_pool(cls, value: float, info: ValidationInfo) -> float:
        pool, selected = info.data.get("pool"), info.data.get("selected")
        if pool is not None and selected is not None and selected > pool:
            raise rule_error(f"expected selected <= pool ({pool}), got {selected}", key="selected")
        return value


NonNegative = Annotated[float, Real(ge=0)]


class FitSelection(StrictModel):
    """How well the force fit's model did on the held-out structures (the data's units)."""

    degree: Annotated[int, Integer(ge=1, le=3)] = Field(description="Powers of each SF.")
    validation_structures: Count = Field(description="Structures held out for validation.")
    force_rmse: Optional[NonNegative] = Field(
        None, description="Validation RMSE of the force components, with the selected SFs."
    )
    energy_rmse: Optional[NonNegative] = Field(
        None, description="Validation RMSE of the energy per atom, with the selected SFs."
    )
    force_rms: Optional[NonNegative] = Field(
        None, description="RMS of the training structures' force components (the scale)."
    )
    energy_sigma: Optional[NonNegative] = Field(
        None,
        description="RMSE of the training structures' energy per atom with the element offsets "
        "alone: the spread the composition does not explain (the scale).",
    )
    n2p2_us_per_atom: Optional[NonNegative] = Field(
        None,
        description="The selected SFs' predicted n2p2 time, values and derivatives, in "
        "microseconds per atom of the data (sfcompile's cost model).",
    )


class Selection(StrictModel):
    """Provenance of a selected spec (informational: it does not change the lines)."""

    tool: StrictStr = Field(description="Program and version that selected, e.g. sfcompile 0.2.0.")
    method: Literal["fit", "cur", "fps"] = Field(
        description="fit (to reference energies and forces), cur (CUR decomposition) or fps."
    )
    cost_weighted: StrictBool = Field(
        False,
        description="Picks traded each SF's gain against its cost (fit: its marginal n2p2 time "
        "predicted by the cost model; cur, fps: its measured neighbour terms).",
    )
    size_rule: StrictStr = Field(description="How many were kept, e.g. 'per-element 30'.")
    pool: StrictStr = Field(description="File name of the pool spec.")
    pool_sha256: Sha256 = Field(description="sha256 of the pool spec file.")
    data: StrictStr = Field(description="File name of the data set.")
    data_sha256: Sha256 = Field(description="sha256 of the data set file (as stored).")
    atoms: Count = Field(description="Atoms used, all elements.")
    max_atoms: Optional[Annotated[int, Integer(ge=1)]] = Field(
        None, description="The --max-atoms subsample size per element, if one was drawn."
    )
    seed: Optional[Count] = Field(
        None, description="The --seed of the subsample (and of the fit's validation split)."
    )
    elements: Dict[ElementSymbol, ElementSelection] = Field(
        description="Per central element: pool, selected, constant, atoms, unexplained."
    )
    fit: Optional[FitSelection] = Field(None, description="The force fit's validation errors.")

    @field_validator("elements")
    @classmethod
    def _spec_elements(cls, table: Dict[str, ElementSelection]) -> Dict[str, ElementSelection]:
        elements = SPEC_CONTEXT.get().elements
        if elements is not None:
            raise_at([
                ((name,), rule_error(f"{name!r} is not one of the spec's elements "
                                     f"{list(elements)}", anchor="key"))
                for name in table
                if name not in elements
            ])  # fmt: skip
        return table


def header_lines(selection: Selection) -> List[str]:
    """The provenance of a selection, for the header of the output (without '# ')."""
    weighted = ", cost-weighted" if selection.cost_weighted else ""
    sample = (
        f", a subsample of at most {selection.max_atoms} atoms per element (seed {selection.seed})"
        if selection.max_atoms is not None
        else ""
    )
    lines = [
        f"selected by {selection.tool}: {selection.method}{weighted}, {selection.size_rule}",
        f"pool: {selection.pool} (sha256 {selection.pool_sha256})",
        f"data: {selection.data} (sha256 {selection.data_sha256}), {selection.atoms} atoms"
        + sample,
    ]
    for name, e in selection.elements.items():
        unexplained = "" if e.unexplained is None else \
            f", unexplained variance {e.unexplained:.4g}"  # fmt: skip
        lines.append(
            f"{name}: {e.selected} of {e.pool} SFs ({e.constant} constant on the data)"
            f"{unexplained}, {e.atoms} atoms{', kept unranked' if e.unranked else ''}"
        )
    if selection.fit is not None:
        lines.append(_fit_line(selection.fit))
    return [_one_line(line) for line in lines]


def _fit_line(fit: FitSelection) -> str:
    def figure(x: Optional[float]) -> str:
        return "-" if x is None else f"{x:.4g}"

    errors = (
        f"force RMSE {figure(fit.force_rmse)}, energy per atom RMSE {figure(fit.energy_rmse)}"
        if fit.force_rmse is not None else "no validation errors (no validation structures)"
    )  # fmt: skip
    cost = "" if fit.n2p2_us_per_atom is None else \
        f"; predicted n2p2 time {fit.n2p2_us_per_atom:.4g} us per atom"  # fmt: skip
    return (
        f"fit (degree {fit.degree}) on {fit.validation_structures} validation structures: "
        f"{errors}; without SFs {figure(fit.force_rms)} and {figure(fit.energy_sigma)}{cost}"
    )


def _one_line(text: str) -> str:
    """Control characters (a newline in a file name) would end the comment line early."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
