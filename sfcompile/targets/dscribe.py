"""The dscribe target: the keyword arguments of ``dscribe.descriptors.ACSF`` per central
element, as JSON, in Å (and, from Python, ready ``ACSF`` objects: :func:`acsf`).

DScribe's ACSF (Behler 2011) computes, for every atom, G1 (the sum of the cutoff function: a
column per neighbour element that no spec asks for), then G2 for every (eta, R_s) pair, per
neighbour element, then G4 and G5 for every (eta, zeta, lambda), per unordered neighbour pair.
Its G2/G4/G5 are n2p2's types 2/3/9 with r_s = 0 for the angular ones: it sums unordered pairs
with 2 ((1 + lambda cos)/2)^zeta = 2^(1-zeta) (1 + lambda cos)^zeta, includes f_c(r_jk) in
G4, and uses the cosine cutoff with one r_cut. So one ACSF object stands for the SFs of one
central element when they share one cutoff and every neighbour element (pair) has the same
parameters; "columns" says which DScribe column is which SF (species in atomic-number order).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple, Union

from ..generate.expand import SymmetryFunction
from ..spec.elements import ATOMIC_NUMBER
from .capabilities import GAUSSIAN_BASIC, Capabilities
from .common import Job, Rendered

CAPABILITIES = Capabilities(
    name="dscribe",
    code="DScribe ACSF",
    types=GAUSSIAN_BASIC,
    unit="angstrom",
    angular_shift=False,
    cutoff_functions=("cos",),
    inner_cutoff=False,
    one_cutoff_per_element=True,
    same_parameters_per_combination=True,
    notes=(
        "one ACSF (keyword arguments) per central element; DScribe adds a G1 column per "
        "neighbour element, which 'columns' marks",
    ),
)
FORMAT = "sfcompile-dscribe/1"
KIND = {2: "G2", 3: "G4", 9: "G5"}


def _rows(sfs: List[SymmetryFunction], number: int) -> List[Tuple[float, ...]]:
    """The parameter rows of one type, as DScribe takes them, in spec order (each once)."""
    found: Dict[Tuple[float, ...], None] = {}
    for sf in sfs:
        if sf.type_number != number:
            continue
        if number == 2:
            found.setdefault((float(sf.eta or 0.0), float(sf.r_shift or 0.0)))
        else:
            found.setdefault(
                (float(sf.eta or 0.0), float(sf.zeta or 0.0), float(sf.lambda_ or 0.0))
            )
    return list(found)


def _row_of(sf: SymmetryFunction) -> Tuple[float, ...]:
    if sf.type_number == 2:
        return (float(sf.eta or 0.0), float(sf.r_shift or 0.0))
    return (float(sf.eta or 0.0), float(sf.zeta or 0.0), float(sf.lambda_ or 0.0))


def keyword_arguments(elements: Tuple[str, ...], sfs: List[SymmetryFunction]) -> Dict[str, Any]:
    """ACSF's keyword arguments for the SFs of one central element (already in Å)."""
    arguments: Dict[str, Any] = {"species": list(elements)}
    arguments["r_cut"] = float(sfs[0].cutoff) if sfs else None
    for name, number in (("g2_params", 2), ("g4_params", 3), ("g5_params", 9)):
        rows = _rows(sfs, number)
        if rows:
            arguments[name] = [list(row) for row in rows]
    return arguments


def columns(elements: Tuple[str, ...], sfs: List[SymmetryFunction]) -> List[Dict[str, Any]]:
    """Every column of DScribe's output for this central element: G1 (not an SF of the spec)
    or the SF (its 1-based place among the central element's SFs in spec order)."""
    species = sorted(elements, key=ATOMIC_NUMBER.__getitem__)
    place = {e: k for k, e in enumerate(species)}
    rows = {n: {row: m for m, row in enumerate(_rows(sfs, n))} for n in (2, 3, 9)}
    n2, n4, n5 = len(rows[2]), len(rows[3]), len(rows[9])
    table: Dict[int, Dict[str, Any]] = {}
    for j, element in enumerate(species):
        table[j * (1 + n2)] = {"kind": "G1", "neighbours": [element], "line": None}
    for line, sf in enumerate(sfs, start=1):
        neighbours = sorted(sf.combination[1:], key=place.__getitem__)
        m = rows[sf.type_number][_row_of(sf)]
        if sf.type_number == 2:
            column = place[neighbours[0]] * (1 + n2) + 1 + m
        else:
            k, j = place[neighbours[0]], place[neighbours[1]]
            pair = j * (j + 1) // 2 + k
            column = (
                len(species) * (1 + n2) + pair * (n4 + n5) + (m if sf.type_number == 3 else n4 + m)
            )
        table[column] = {"kind": KIND[sf.type_number], "neighbours": neighbours, "line": line}
    return [{"column": c, **table[c]} for c in sorted(table)]


def document(job: Job) -> Dict[str, Any]:
    per_element = job.by_central()
    return {
        "format": FORMAT,
        "header": job.provenance("dscribe"),
        "unit": "angstrom",
        "acsf": {e: keyword_arguments(job.elements, sfs) for e, sfs in per_element},
        "columns": {e: columns(job.elements, sfs) for e, sfs in per_element},
    }


def render(job: Job) -> Rendered:
    return Rendered((("", json.dumps(document(job), indent=2, ensure_ascii=False) + "\n"),))


def acsf(spec: Union[str, Any], central: str, *, periodic: bool = False) -> Any:
    """A ``dscribe.descriptors.ACSF`` for the SFs of ``central`` in ``spec`` (a path, TOML
    text or a loaded spec); raises SpecError if the spec has what DScribe cannot take."""
    from dscribe.descriptors import ACSF  # the extra is needed only here

    arguments = acsf_arguments(spec)[central]
    return ACSF(periodic=periodic, **arguments)


def acsf_arguments(spec: Union[str, Any]) -> Dict[str, Dict[str, Any]]:
    """Central element -> ACSF keyword arguments of ``spec`` (what the JSON's "acsf" holds)."""
    from .registry import job_for

    job = job_for(spec, "dscribe")
    return {e: keyword_arguments(job.elements, sfs) for e, sfs in job.by_central()}
