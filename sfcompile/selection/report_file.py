"""The report of ``sfcompile select --report FILE.json``, read for ``sfcompile plot --selection``:
per element the SFs picked one after the other and the fraction left unexplained after each
pick; for the force fit also the validation force and energy RMSE after every pick (formats
``sfcompile-select/1`` and ``/2``).

The reader is strict, as every sfcompile reader: a file that is not JSON is refused at its line
and column, anything else at the key path of the offending value.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from typing import Any, List, Optional, Tuple, Union

import numpy as np
import numpy.typing as npt

from ..errors import Diagnostic
from ..readers.structures import DataError

FORMATS = ("sfcompile-select/1", "sfcompile-select/2")
MAX_REPORT_BYTES = 256 * 2**20  # a report of 100,000 picks is some 30 MB


@dataclass(frozen=True)
class SelectionCurve:
    """One element's picks: N = 0, 1, 2, ... and the unexplained fraction (1 before any pick)."""

    element: str
    pool: int
    constant: int  # SFs of the pool left out as constant
    picks: Tuple[str, ...]  # the SF lines, in pick order
    n: npt.NDArray[np.int64]
    unexplained: npt.NDArray[np.float64]


@dataclass(frozen=True)
class FitCurve:
    """The force fit's curve: after N = 1, 2, ... picks (over all elements) the validation RMSE
    of the forces and of the energy per atom (NaN without validation structures), and the
    errors without SFs (the element offsets alone)."""

    n: npt.NDArray[np.int64]
    forces: npt.NDArray[np.float64]
    energy: npt.NDArray[np.float64]
    force_rms: float
    energy_sigma: float


@dataclass(frozen=True)
class Selection:
    method: str
    curves: Tuple[SelectionCurve, ...]
    fit: Optional[FitCurve] = None


def _fail(source: str, message: str, line: Union[int, None] = None, column: int = 1) -> DataError:
    where = (source, line, column if line else None)
    return DataError([Diagnostic("error", message, *where)])


def _expect(ok: bool, source: str, path: str, what: str, value: Any) -> None:
    if not ok:
        shown = json.dumps(value)[:60]
        raise _fail(source, f"{path}: expected {what}, got {shown} (is this the report of "
                            "'sfcompile select --report'?)")  # fmt: skip


def _curve(source: str, element: str, entry: Any) -> SelectionCurve:
    where = f"elements.{element}"
    _expect(isinstance(entry, dict), source, where, "an object", entry)
    pool, picks = entry.get("pool"), entry.get("picks")
    _expect(isinstance(pool, int) and not isinstance(pool, bool) and pool >= 0, source,
            f"{where}.pool", "a number of SFs (an integer >= 0)", pool)  # fmt: skip
    constant = entry.get("constant", [])
    _expect(isinstance(constant, list), source, f"{where}.constant", "a list", constant)
    _expect(isinstance(picks, list), source, f"{where}.picks", "a list of picks", picks)
    lines: List[str] = []
    fractions = [1.0]
    for k, pick in enumerate(picks):
        at = f"{where}.picks[{k}]"
        _expect(isinstance(pick, dict), source, at, "an object", pick)
        rank, fraction = pick.get("rank"), pick.get("unexplained")
        _expect(rank == k + 1 and not isinstance(rank, bool), source, f"{at}.rank",
                f"the rank {k + 1} (picks in order)", rank)  # fmt: skip
        number = isinstance(fraction, (int, float)) and not isinstance(fraction, bool)
        _expect(number and math.isfinite(fraction) and 0.0 <= fraction <= 1.0, source,
                f"{at}.unexplained", "a fraction between 0 and 1", fraction)  # fmt: skip
        lines.append(str(pick.get("line", "")))
        fractions.append(float(fraction))
    n = np.arange(len(fractions), dtype=np.int64)
    return SelectionCurve(element, pool, len(constant), tuple(lines), n, np.array(fractions))


def parse_selection(text: str, source: str) -> Selection:
    """The report ``text`` (read from ``source``, for messages)."""
    try:
        report = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(source, f"not a JSON file: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise _fail(source, "not a selection report: arrays or objects nested too deeply") from None
    _expect(isinstance(report, dict), source, "the report", "a JSON object", report)
    _expect(report.get("format") in FORMATS, source, "format",
            " or ".join(f'"{f}"' for f in FORMATS), report.get("format"))  # fmt: skip
    elements = report.get("elements")
    _expect(isinstance(elements, dict) and bool(elements), source, "elements",
            "an object with one entry per element", elements)  # fmt: skip
    curves = tuple(_curve(source, str(e), entry) for e, entry in elements.items())
    fit = report.get("fit")
    return Selection(str(report.get("method", "")), curves,
                     None if fit is None else _fit_curve(source, fit))  # fmt: skip


def _rmse(source: str, where: str, value: Any) -> float:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    _expect(value is None or (number and math.isfinite(value) and value >= 0), source, where,
            "an RMSE (a number >= 0, or null)", value)  # fmt: skip
    return math.nan if value is None else float(value)


def _fit_curve(source: str, fit: Any) -> FitCurve:
    _expect(isinstance(fit, dict), source, "fit", "an object or null", fit)
    curve, reference = fit.get("curve"), fit.get("reference")
    _expect(isinstance(curve, list), source, "fit.curve", "a list of points", curve)
    _expect(isinstance(reference, dict), source, "fit.reference", "an object", reference)
    forces, energy = [], []
    for k, point in enumerate(curve):
        at = f"fit.curve[{k}]"
        _expect(isinstance(point, dict), source, at, "an object", point)
        _expect(point.get("rank") == k + 1, source, f"{at}.rank",
                f"the rank {k + 1} (points in order)", point.get("rank"))  # fmt: skip
        validation = point.get("validation")
        _expect(isinstance(validation, dict), source, f"{at}.validation", "an object", validation)
        forces.append(_rmse(source, f"{at}.validation.forces", validation.get("forces")))
        energy.append(_rmse(source, f"{at}.validation.energy", validation.get("energy")))
    return FitCurve(
        np.arange(1, len(curve) + 1, dtype=np.int64), np.array(forces), np.array(energy),
        _rmse(source, "fit.reference.force_rms", reference.get("force_rms")),
        _rmse(source, "fit.reference.energy_per_atom_sigma",
              reference.get("energy_per_atom_sigma")),
    )  # fmt: skip


def read_selection(path: Union[str, os.PathLike[str]]) -> Selection:
    """The report at ``path``; :class:`DataError` (located) if it cannot be read."""
    source = os.fspath(path)
    try:
        size = os.path.getsize(source)
        if size > MAX_REPORT_BYTES:
            raise _fail(source, f"{size / 2**20:,.0f} MiB is too large for a selection report "
                                f"(at most {MAX_REPORT_BYTES // 2**20} MiB)")  # fmt: skip
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise _fail(source, f"cannot read the selection report: {reason}") from None
    return parse_selection(text, source)
