"""The simple-nn target: SIMPLE-NN's ``params_XX`` files (one per central element) and a
legend of the neighbour index order, in Å.

SIMPLE-NN's G2 is n2p2's type 2, its G4 type 3 and G5 type 9 with r_s = 0 (sums over unordered
neighbour pairs with 2^(1-zeta), cosine cutoff, a cutoff per line). A line names its neighbour
elements by their 1-based position in input.yaml's ``atom_types``; sfcompile uses the spec's
element order and writes it down in ``simple-nn-input.yaml``, keys to copy into input.yaml.
The angular parameters are written in SIMPLE-NN's order, eta zeta lambda (n2p2: eta lambda
zeta).
"""

from __future__ import annotations

from typing import Dict, List

from .capabilities import GAUSSIAN_BASIC, Capabilities
from .common import Job, Rendered, render_template

CAPABILITIES = Capabilities(
    name="simple-nn",
    code="SIMPLE-NN params_XX",
    types=GAUSSIAN_BASIC,
    unit="angstrom",
    angular_shift=False,
    cutoff_functions=("cos",),
    inner_cutoff=False,
    files="per-element",
    notes=(
        "one params_<element> per central element and simple-nn-input.yaml (atom_types order "
        "of the 1-based neighbour indices): -o DIR or -o PATTERN with {element}",
    ),
)
G_OF_TYPE = {2: 2, 3: 4, 9: 5}  # n2p2 type -> SIMPLE-NN's G
LEGEND = "simple-nn-input.yaml"


def file_name(element: str) -> str:
    return f"params_{element}"


def render(job: Job) -> Rendered:
    index = {e: k for k, e in enumerate(job.elements, start=1)}
    files = []
    for element, sfs in job.by_central():
        functions: List[Dict[str, object]] = []
        for sf in sfs:
            first = index[sf.combination[1]]
            if sf.type_number == 2:
                row = (first, 0, job.number(sf.eta), job.number(sf.r_shift), job.number(0.0))
            else:
                second = index[sf.combination[2]]
                row = (
                    first,
                    second,
                    job.number(sf.eta),
                    job.number(sf.zeta),
                    job.number(sf.lambda_),
                )
            i1, i2, p1, p2, p3 = row
            functions.append({
                "g": G_OF_TYPE[sf.type_number], "i1": i1, "i2": i2, "rc": job.number(sf.cutoff),
                "p1": p1, "p2": p2, "p3": p3,
            })  # fmt: skip
        text = render_template("simple-nn/params.j2", functions=functions)
        files.append((file_name(element), text))
    legend = render_template(
        "simple-nn/legend.j2",
        header=job.provenance("simple-nn"),
        elements=list(job.elements),
        params=[(e, file_name(e)) for e in job.elements],
    )
    return Rendered((*files, (LEGEND, legend)), (*job.elements, None))
