"""The aenet target: one structural-fingerprint setup (``.stp``) per central element, in Å.

aenet's ``Behler2011`` functions (Behler, J. Chem. Phys. 134, 074106 (2011)): G=2 is n2p2's
type 2, G=4 its type 3 and G=5 its type 9 with r_s = 0. aenet sums the angular terms over
unordered neighbour pairs with 2^(1-zeta) ((1 + lambda cos)/2)^zeta = 2^(1-zeta) (1 + lambda
cos)^zeta, exactly as n2p2 does, and uses the cosine cutoff only; every function has its own
Rc. ENV lists the spec's elements (aenet refuses a function whose species is not in ENV).
"""

from __future__ import annotations

from typing import Dict, List

from .capabilities import GAUSSIAN_BASIC, Capabilities
from .common import Job, Rendered, render_template

CAPABILITIES = Capabilities(
    name="aenet",
    code="aenet .stp, Behler2011 functions",
    types=GAUSSIAN_BASIC,
    unit="angstrom",
    angular_shift=False,
    cutoff_functions=("cos",),
    inner_cutoff=False,
    files="per-element",
    notes=(
        "one file per central element: -o DIR (DIR/<element>.fingerprint.stp) or -o PATTERN "
        "with {element}",
        "RMIN from [aenet] rmin (converted to Å); without it aenet warns and uses 1.0",
    ),
)
G_OF_TYPE = {2: 2, 3: 4, 9: 5}  # n2p2 type -> aenet's G


def file_name(element: str) -> str:
    return f"{element}.fingerprint.stp"


def render(job: Job) -> Rendered:
    spec = job.loaded.spec
    rmin = None if spec.aenet is None else job.number(job.conversion.length(spec.aenet.rmin))
    files = []
    for element, sfs in job.by_central():
        functions: List[Dict[str, object]] = []
        for sf in sfs:
            neighbours = [*sf.combination[1:], ""]
            functions.append({
                "g": G_OF_TYPE[sf.type_number], "n1": neighbours[0], "n2": neighbours[1],
                "eta": job.number(sf.eta), "rs": job.number(sf.r_shift),
                "rc": job.number(sf.cutoff), "lam": job.number(sf.lambda_),
                "zeta": job.number(sf.zeta),
            })  # fmt: skip
        text = render_template(
            "aenet/stp.j2",
            header=job.provenance("aenet"),
            element=element,
            spec_name=job.loaded.source.file_name,
            env=list(job.elements),
            rmin=rmin,
            count=len(functions),
            functions=functions,
        )
        files.append((file_name(element), text))
    return Rendered(tuple(files), tuple(job.elements))
