"""The force fit's part of the ``select`` report: how the fit was made and its curve.

JSON (the report's ``fit`` object, ``sfcompile-select/2``): ``degree`` (powers of each SF in
the model), ``validation_share``, ``energy_weight``, ``ridge``, ``force_share`` and
``energy_share`` (the sampled shares of atoms and structures), ``structures`` and ``rows``
{``energy``, ``forces``} per set (``training``, ``validation``), ``reference`` {``force_rms``,
``energy_per_atom_sigma``}: the training errors of the element offsets alone — the RMS of the
force components and the spread of the energy per atom that the composition does not explain
(the scale of the errors, in the data's units) — and ``curve``: after every pick (``rank`` over
all elements, its ``element``, ``line`` as compiled and ``sf``), the training ``objective``
left (a fraction of the offsets-only model's) and the RMSE of the refitted model on the
``validation`` and ``training`` structures: {``forces`` (per component), ``energy`` (per
atom)}, null where there are no such rows, and ``n2p2_us_per_atom``: the time n2p2 takes for
the SFs picked so far, predicted by the cost model (:mod:`.pricing`: microseconds per atom of the
data, values and derivatives).
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional

from ..analysis.report import describe
from ..targets import formatting
from ..targets.n2p2 import format_line
from .fit_run import FitOutcome, reference_figures


def _number(x: float) -> Optional[float]:
    """Six significant digits; None for NaN (no such rows)."""
    return None if not math.isfinite(x) else float(f"{x:.6g}")


def fit_section(
    outcome: FitOutcome, pools: Dict[str, Any], numbers: formatting.NumberFormat
) -> Dict[str, Any]:
    """The ``fit`` object (``pools``: per element its pool SFs, and as n2p2 reads them)."""
    part, planned, settings = outcome.part, outcome.planned, outcome.settings
    curve: List[Dict[str, Any]] = []
    for rank, step in enumerate(outcome.steps, start=1):
        candidate = outcome.candidates[step.candidate]
        pool, printed = pools[candidate.element]
        curve.append({
            "rank": rank,
            "element": candidate.element,
            "line": format_line(pool[candidate.position], numbers),
            "sf": describe(printed[candidate.position], numbers),
            "objective": _number(step.objective),
            "validation": {"forces": _number(step.validation.forces),
                           "energy": _number(step.validation.energy)},
            "training": {"forces": _number(step.training.forces),
                         "energy": _number(step.training.energy)},
            "n2p2_us_per_atom": _number(outcome.cost[rank - 1]),
        })  # fmt: skip
    return {
        "degree": planned.degree,
        "validation_share": settings.validation,
        "energy_weight": settings.energy_weight,
        "ridge": settings.ridge,
        "force_share": _number(planned.force_share),
        "energy_share": _number(planned.energy_share),
        "structures": dict(part.structures),
        "rows": {
            kind: {which: part.normal[kind, which].rows for which in ("training", "validation")}
            for kind in ("energy", "forces")
        },
        "reference": {k: _number(v) for k, v in reference_figures(outcome).items()},
        "curve": curve,
    }


def _rmse(x: Optional[float], scale: Optional[float]) -> str:
    if x is None:
        return "-"
    share = f" ({x / scale:.1%})" if scale else ""
    return f"{x:.4g}{share}"


def fit_text(document: Dict[str, Any]) -> List[str]:
    """The fit's lines of the terminal report."""
    fit = document["fit"]
    reference = fit["reference"]
    structures = fit["structures"]
    lines = [
        "",
        f"fit: degree {fit['degree']}, {structures.get('training', 0)} training and "
        f"{structures.get('validation', 0)} validation structures (share "
        f"{fit['validation_share']:g}); {fit['rows']['forces']['training']:,} force rows "
        f"(sampled share {fit['force_share']:.3g} of the atoms); without SFs (element offsets "
        f"only): force RMS {_rmse(reference['force_rms'], None)}, energy per atom RMSE "
        f"{_rmse(reference['energy_per_atom_sigma'], None)} (the data's units; the percentages "
        "below are of these)",
        f"  {'rank':>4}  {'element':<7}  {'valid. F RMSE':>20}  {'valid. E/atom RMSE':>20}  "
        f"{'n2p2 us/atom':>12}  sf",
    ]
    for point in fit["curve"]:
        lines.append(
            f"  {point['rank']:>4}  {point['element']:<7}  "
            f"{_rmse(point['validation']['forces'], reference['force_rms']):>20}  "
            f"{_rmse(point['validation']['energy'], reference['energy_per_atom_sigma']):>20}  "
            f"{point['n2p2_us_per_atom']:>12.4g}  {point['sf']}"
        )
    return lines


def fit_table(outcome: FitOutcome) -> Dict[str, Any]:
    """The ``fit`` table of the selected spec's [selection] (no entry for a missing figure)."""
    last = outcome.steps[-1] if outcome.steps else None
    figures = {
        "force_rmse": None if last is None else _number(last.validation.forces),
        "energy_rmse": None if last is None else _number(last.validation.energy),
        "force_rms": _number(outcome.force_rms),
        "energy_sigma": _number(outcome.energy_sigma),
        "n2p2_us_per_atom": _number(outcome.cost[-1]) if outcome.cost else None,
    }
    table: Dict[str, Any] = {
        "degree": outcome.planned.degree,
        "validation_structures": outcome.part.structures.get("validation", 0),
    }
    table.update({k: v for k, v in figures.items() if v is not None})
    return table
