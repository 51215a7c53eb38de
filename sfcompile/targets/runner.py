"""The runner target: RuNNer 1.x's input.nn SF lines, in Bohr.

RuNNer works in atomic units (lengths in Bohr). Its SF lines read like n2p2's for types 2, 3
and 9 (n2p2 took them over), except that the angular types carry no r_shift: RuNNer's angular
SFs are centred at r = 0. Of RuNNer's cutoff functions sfcompile writes only the cosine
(``cutoff_type 1``, RuNNer's default), the one whose definition and number are the same in
RuNNer and n2p2 without doubt; others, and an inner cutoff, are refused.
"""

from __future__ import annotations

from typing import Dict, List

from .capabilities import GAUSSIAN_BASIC, Capabilities
from .common import Job, Rendered, render_template

CAPABILITIES = Capabilities(
    name="runner",
    code="RuNNer 1.x input.nn",
    types=GAUSSIAN_BASIC,
    unit="bohr",
    angular_shift=False,
    cutoff_functions=("cos",),
    inner_cutoff=False,
    notes=(
        "writes cutoff_type 1 (the cosine) and the symfunction_short lines, in spec order",
        "a spec without [cutoff_function] gets the cosine, RuNNer's default",
    ),
)


def render(job: Job) -> Rendered:
    functions: List[Dict[str, object]] = []
    for _, sf in job.functions():
        neighbours = [*sf.combination[1:], "", ""]
        functions.append({
            "type": sf.type_number, "c": sf.combination[0], "n1": neighbours[0],
            "n2": neighbours[1], "eta": job.number(sf.eta), "rs": job.number(sf.r_shift),
            "rc": job.number(sf.cutoff), "lam": job.number(sf.lambda_), "zeta": job.number(sf.zeta),
        })  # fmt: skip
    text = render_template(
        "runner/block.j2",
        header=job.provenance("runner"),
        functions=functions,
        count=len(functions),
    )
    return Rendered((("", text),))
