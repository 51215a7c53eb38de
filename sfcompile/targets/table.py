"""The table target: every SF of every element with all its parameters, as JSON or CSV, for
custom codes and papers.

Lengths are in the spec's unit (stated when the spec gives one), eta per that unit squared,
angles in degrees. Each row gives the SF's place in spec order, its index in n2p2's internal
order (row i of n2p2's scaling.data for that element is the SF with n2p2_index i) and its
n2p2 line as the n2p2 target writes it; the numbers are the ones n2p2 reads from that line.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Dict, List

from ..spec.sftypes import BY_NUMBER
from .capabilities import Capabilities
from .common import Job, Rendered
from .formatting import NumberFormat
from .n2p2 import format_line

CAPABILITIES = Capabilities(
    name="table",
    code="a table of every SF",
    types=tuple(sorted(BY_NUMBER)),
    unit=None,
    notes=("JSON (standard output, or -o FILE) or CSV (-o FILE.csv); lengths in the spec's unit",),
)
FORMAT = "sfcompile-table/1"
COLUMNS = ("central", "line", "n2p2_index", "set", "type", "type_name", "neighbour_1",
           "neighbour_2", "cutoff", "eta", "r_shift", "lambda", "zeta", "r_lower",
           "theta_left", "theta_right", "subtype", "n2p2")  # fmt: skip


def rows(job: Job) -> List[Dict[str, Any]]:
    from ..generate.ordering import n2p2_key

    numbers = NumberFormat(job.loaded.spec.output.precision)
    found: List[Dict[str, Any]] = []
    per_element: Dict[str, List[Dict[str, Any]]] = {}
    for index, sf in job.functions():
        neighbours = [*sf.combination[1:], None, None]
        row = {
            "central": sf.combination[0], "set": index, "type": sf.type_number,
            "type_name": BY_NUMBER[sf.type_number].name, "neighbour_1": neighbours[0],
            "neighbour_2": neighbours[1], "cutoff": sf.cutoff, "eta": sf.eta,
            "r_shift": sf.r_shift, "lambda": sf.lambda_, "zeta": sf.zeta,
            "r_lower": sf.r_lower, "theta_left": sf.theta_left, "theta_right": sf.theta_right,
            "subtype": sf.subtype, "n2p2": format_line(sf, numbers).rstrip(),
        }  # fmt: skip
        rows_of = per_element.setdefault(sf.combination[0], [])
        row["line"] = len(rows_of) + 1
        row["_key"] = n2p2_key(sf, numbers)
        rows_of.append(row)
        found.append(row)
    for element_rows in per_element.values():
        ordered = sorted(range(len(element_rows)), key=lambda k: element_rows[k]["_key"])
        for n2p2_index, k in enumerate(ordered, start=1):
            element_rows[k]["n2p2_index"] = n2p2_index
    for row in found:
        del row["_key"]
    return [{name: row[name] for name in COLUMNS} for row in found]


def document(job: Job) -> Dict[str, Any]:
    unit = job.loaded.spec.unit
    return {
        "format": FORMAT,
        "header": job.provenance("table"),
        "unit": unit,
        "eta_unit": None if unit is None else f"1/{unit}^2",
        "angle_unit": "degree",
        "columns": list(COLUMNS),
        "functions": rows(job),
    }


def render(job: Job) -> Rendered:
    return Rendered((("", json.dumps(document(job), indent=2, ensure_ascii=False) + "\n"),))


def render_csv(job: Job) -> Rendered:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows(job):
        writer.writerow(["" if row[c] is None else _cell(row[c]) for c in COLUMNS])
    return Rendered((("", out.getvalue()),))


def _cell(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)
