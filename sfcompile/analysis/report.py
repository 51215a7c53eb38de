"""What ``sfcompile stats`` reports: n2p2's ``scaling.data``, a readable summary, JSON.

Findings (all warnings; the run still succeeds):

* dead SF: max − min ≤ threshold · max(1, |min|, |max|) over the data (absolute below 1,
  relative above). n2p2 scales by 1/(max − min): such an SF gives NaN/INF in training.
* combination absent: an SF that is 0 for every atom and for which no atom of a neighbour
  element of its combination (any element, for the weighted types) is within its cutoff of an
  atom of its central element anywhere in the data.
* element absent: an element of the spec without atoms in the data (its scaling.data rows are
  n2p2's ±DBL_MAX / -NAN rows).
* units: (a) no two atoms within the largest cutoff; (b) a shortest distance below
  ``TOO_CLOSE`` (0.5: unphysical in Å and in Bohr); (c) radial Gaussian SFs (types 2, 12) whose
  Gaussian has fallen below ``FADED`` (1e-3) of its peak at the shortest distance in the data
  while centred inside it (r_s < d_min): they lie closer than any two atoms, as when the data
  are in Bohr and the spec in Å (Bohr distances are 1.89 times larger).
* radial gaps: more than 1 % of an element pair's distances within the cutoff lie where no
  radial Gaussian SF of that pair reaches 10 % of its peak (:mod:`.coverage`).
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any, Dict, List, Optional

from ..generate.expand import SymmetryFunction
from ..targets.formatting import NumberFormat, sf_value
from .coverage import gap_warning, radial_gaps
from .stats import Plan, Sums, Totals, element_order

DEAD_THRESHOLD = 1e-10
TOO_CLOSE = 0.5
FADED = 1e-3
_NAN = "-NAN".rjust(24)


def _number(x: float) -> str:
    return _NAN if math.isnan(x) else f"{x:24.16E}"


def scaling_rows(plan: Plan, totals: Totals) -> List[str]:
    """The data rows of n2p2's scaling.data (element by atomic number, then n2p2's index)."""
    rows = []
    for e_index, element in enumerate(element_order(plan.sfs), start=1):
        sums = totals.sums[element]
        low = sums.low if sums.count else [sys.float_info.max] * sums.width
        high = sums.high if sums.count else [-sys.float_info.max] * sums.width
        mean, sigma = sums.mean, sums.sigma
        for sf_index, k in enumerate(plan.n2p2[element], start=1):
            numbers = (low[k], high[k], mean[k], sigma[k])
            rows.append(f"{e_index:10d} {sf_index:10d} " + " ".join(map(_number, numbers)))
    return rows


def scaling_data(plan: Plan, totals: Totals, spec: str, data: str, version: str) -> str:
    """A complete scaling.data that n2p2 reads in place of nnp-scaling's."""
    header = [
        f"# Symmetry-function statistics written by sfcompile {version} (sfcompile stats)",
        f"# spec: {spec}   data: {data}   structures: {totals.structures}",
        "# one row per SF: e_index sf_index sf_min sf_max sf_mean sf_sigma",
        "# e_index: element by atomic number (1-based); sf_index: n2p2's sorted SF index",
        "# sf_sigma: sample standard deviation sqrt((S2 - S1^2/n)/(n - 1))",
    ]
    return "\n".join(header + scaling_rows(plan, totals)) + "\n"


def is_dead(low: float, high: float, threshold: float) -> bool:
    return bool(high - low <= threshold * max(1.0, abs(low), abs(high)))


def _neighbours_present(sf: SymmetryFunction, totals: Totals, elements: List[str]) -> bool:
    centre = sf.combination[0]
    wanted = sf.combination[1:] or tuple(elements)

    def near(other: str) -> bool:
        pair = (centre, other) if centre <= other else (other, centre)
        return totals.closest.get(pair, math.inf) < float(sf.cutoff)

    return any(map(near, wanted)) if not sf.combination[1:] else all(map(near, wanted))


def describe(sf: SymmetryFunction, numbers: Optional[NumberFormat] = None) -> str:
    """``G2 H-O rc=6 eta=0.5 rs=0``: type, combination and the parameters it has; with
    ``numbers`` (the spec's precision) each as the compiled line writes it (``eta=5.000E-01``)."""
    names = ("cutoff", "eta", "r_shift", "lambda_", "zeta", "r_lower", "theta_left", "theta_right")
    short = ("rc", "eta", "rs", "lambda", "zeta", "rl", "theta_l", "theta_r")

    def text(name: str, value: float) -> str:
        return f"{value:g}" if numbers is None else sf_value(name, value, numbers)

    shown = [f"{s}={text(n, getattr(sf, n))}" for n, s in zip(names, short)
             if getattr(sf, n) is not None]  # fmt: skip
    subtype = [sf.subtype] if sf.subtype else []
    return " ".join([f"G{sf.type_number}", "-".join(sf.combination), *subtype, *shown])


def _sf_entries(plan: Plan, totals: Totals, element: str, threshold: float) -> List[Any]:
    sums: Sums = totals.sums[element]
    position = {k: i for i, k in enumerate(plan.n2p2[element], start=1)}
    mean, sigma = sums.mean, sums.sigma
    entries = []
    for k, sf in enumerate(plan.sfs[element]):
        present = sums.count > 0
        low, high = (float(sums.low[k]), float(sums.high[k])) if present else (math.nan,) * 2
        entries.append({
            "sf": describe(sf, plan.numbers), "position": k + 1, "n2p2_index": position[k],
            "min": low, "max": high, "mean": float(mean[k]), "sigma": float(sigma[k]),
            "nonzero": float(sums.nonzero[k]) / sums.count if present else math.nan,
            "dead": present and is_dead(low, high, threshold),
            "combination_absent": present and bool(sums.nonzero[k] == 0)
            and not _neighbours_present(sf, totals, list(plan.elements)),
        })  # fmt: skip
    return entries


def _units(plan: Plan, totals: Totals) -> List[str]:
    shortest = totals.shortest
    if shortest is None:
        return [
            f"units: no two atoms are within the largest cutoff ({plan.max_cutoff:g}): are "
            "the data in a larger length unit than the spec (e.g. data in Bohr or pm, spec in Å)?"
        ]
    d, pair = shortest
    found = []
    if d < TOO_CLOSE:
        found.append(
            f"units: the shortest interatomic distance is {d:.4g} ({'-'.join(pair)}), below "
            f"{TOO_CLOSE} (unphysical in Å and in Bohr): are the data in another unit (e.g. nm)?"
        )
    faded = [
        sf for sfs in plan.sfs.values() for sf in sfs
        if sf.type_number in (2, 12) and sf.eta is not None and (sf.r_shift or 0.0) < d
        and math.exp(-sf.eta * (d - (sf.r_shift or 0.0)) ** 2) < FADED
    ]  # fmt: skip
    if faded:
        example = describe(faded[0], plan.numbers)
        found.append(
            f"units: {len(faded)} radial Gaussian SF(s) (e.g. {example}) have decayed "
            f"below {FADED:g} at the shortest interatomic distance in the data, {d:.4g} "
            f"({'-'.join(pair)}): are data and spec in the same length unit (e.g. data in "
            "Bohr, spec in Å: Bohr distances are 1.89 times larger)?"
        )
    return found


def findings(plan: Plan, totals: Totals, threshold: float = DEAD_THRESHOLD) -> Dict[str, Any]:
    """Everything the report shows, as plain data (the JSON output)."""
    elements = {
        element: {
            "atoms": totals.sums[element].count,
            "sfs": _sf_entries(plan, totals, element, threshold),
        }
        for element in plan.sfs
    }
    shortest = totals.shortest
    return {
        "structures": totals.structures,
        "atoms": dict(totals.atoms),
        "dead_threshold": threshold,
        "shortest_distance": None if shortest is None else {
            "distance": shortest[0], "elements": list(shortest[1])},
        "absent_elements": [e for e in plan.elements if not totals.atoms.get(e)],
        "units_warnings": _units(plan, totals),
        "radial_gaps": radial_gaps(plan.elements, plan.sfs, totals.distances, plan.radial_reach),
        "elements": elements,
    }  # fmt: skip


def to_json(found: Dict[str, Any]) -> str:
    def clean(x: Any) -> Any:
        if isinstance(x, float) and not math.isfinite(x):
            return None
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        return [clean(v) for v in x] if isinstance(x, list) else x

    return json.dumps(clean(found), indent=2)


def _warnings(found: Dict[str, Any]) -> List[str]:
    absent = "of the spec has no atoms in the data (n2p2's empty scaling.data rows)"
    lines = [f"warning: element {e} {absent}" for e in found["absent_elements"]]
    for element, info in found["elements"].items():
        for entry in info["sfs"]:
            where = f"{element} SF {entry['position']} (n2p2 index {entry['n2p2_index']}) "
            if entry["combination_absent"]:
                lines.append(f"warning: {where}{entry['sf']}: its element combination never "
                             "occurs within the cutoff in the data (always 0)")  # fmt: skip
            elif entry["dead"]:
                lines.append(f"warning: {where}{entry['sf']}: dead, max - min = "
                             f"{entry['max'] - entry['min']:.3g} (n2p2 scaling divides by it: "
                             "NaN/INF in training)")  # fmt: skip
    lines += [f"warning: {gap_warning(entry)}" for entry in found["radial_gaps"]]
    return lines + [f"warning: {w}" for w in found["units_warnings"]]


def format_text(found: Dict[str, Any]) -> str:
    """The readable report: per element (spec order) a table of its SFs (spec order)."""
    atoms = ", ".join(f"{e} {n}" for e, n in found["atoms"].items())
    out = [f"structures: {found['structures']}   atoms: {atoms or 'none'}"]
    shortest: Optional[Dict[str, Any]] = found["shortest_distance"]
    if shortest is not None:
        pair = "-".join(shortest["elements"])
        out.append(f"shortest interatomic distance: {shortest['distance']:.6g} ({pair})")
    columns = " ".join(f"{c:>11}" for c in ("min", "max", "mean", "sigma"))
    head = f"{'#':>5} {'n2p2':>5}  {columns} {'nonzero':>7}  SF"
    for element, info in found["elements"].items():
        out += ["", f"{element}: {len(info['sfs'])} SFs, {info['atoms']} atoms", head]
        for e in info["sfs"]:
            flag = " DEAD" if e["dead"] else ""
            stats = " ".join(f"{e[k]:11.4e}" for k in ("min", "max", "mean", "sigma"))
            nonzero = f"{100 * e['nonzero']:6.1f}%"
            where = f"{e['position']:5d} {e['n2p2_index']:5d}"
            out.append(f"{where}  {stats} {nonzero}  {e['sf']}{flag}")
    problems = _warnings(found)
    out += ["", f"{len(problems)} warning(s)" + (":" if problems else ""), *problems]
    return "\n".join(out) + "\n"
