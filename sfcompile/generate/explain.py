"""``sfcompile explain``: what a spec generates, per central element, and what it costs n2p2.

Counts are by n2p2 type and by element combination; cutoffs are the symmetry functions' own
(for polynomial sets: each radial window's end). The largest cutoff is the one LAMMPS's
``pair_style hdnnp`` needs.

Cost: the CPU time n2p2 needs to compute the SFs with derivatives, per atom, as
:mod:`.cost` predicts it from n2p2's SF groups and the neighbour and triplet counts of an
environment: measured on data (``explain --data``) or estimated from a density (the spec's
unit says whether lengths are Å or Bohr).

Nothing here does I/O; the command line prints :func:`format_text` or :func:`to_json`.
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..spec.load import LoadedSpec
from ..spec.selection import Selection, header_lines
from ..spec.sftypes import Combination, SFType
from .cost import CostModel, ElementCost, SetCost
from .counts import BOHR_IN_A, DENSITY_PER_A3, Environment, density_environment
from .expand import GeneratedSet, SymmetryFunction

JSON_FORMAT = "sfcompile-explain/2"
#: Without a unit, a largest cutoff from here on looks like Bohr (Å cutoffs are mostly 4-8).
BOHR_LIKE = 9.0
WIDTH = 80


@dataclass(frozen=True)
class TypeCount:
    number: int  # n2p2 type number
    name: str  # sfcompile's type name, e.g. "angular_narrow"
    kind: str  # "pair" or "triplet"
    count: int


@dataclass(frozen=True)
class CombinationCount:
    combination: Combination  # central element, then neighbour elements (none: weighted)
    count: int

    @property
    def label(self) -> str:
        """``H-O`` (radial), ``H-O-O`` (angular), ``H (weighted)``."""
        if len(self.combination) == 1:
            return f"{self.combination[0]} (weighted)"
        return "-".join(self.combination)


@dataclass(frozen=True)
class CostBasis:
    """Where the neighbour and triplet counts of the cost come from."""

    data: Optional[str] = None  # the data file's name; None: a density estimate
    atoms: Optional[int] = None  # atoms in the data
    structures: Optional[int] = None
    unit: Optional[str] = None  # the spec's ``unit`` (None: not given, Å assumed)

    @property
    def density(self) -> Optional[float]:
        """Atoms per cubic length unit of the estimate (None with data)."""
        if self.data is not None:
            return None
        return DENSITY_PER_A3 * (BOHR_IN_A**3 if self.unit == "bohr" else 1.0)


@dataclass(frozen=True)
class ElementSummary:
    element: str  # the central element
    count: int
    by_type: Tuple[TypeCount, ...]  # ascending type number
    by_combination: Tuple[CombinationCount, ...]  # radial, angular, weighted; spec element order
    cutoffs: Tuple[float, ...]  # distinct, ascending
    cost: ElementCost  # seconds per atom of this element
    fraction: float  # its share of the atoms (data), or the estimate's equal share

    @property
    def max_cutoff(self) -> Optional[float]:
        return self.cutoffs[-1] if self.cutoffs else None


@dataclass(frozen=True)
class Explanation:
    spec_name: str
    default_cutoff: float  # the spec's top-level cutoff
    elements: Tuple[ElementSummary, ...]  # in the spec's element order
    cost: SetCost
    basis: CostBasis
    selection: Optional[Selection] = None  # a selected spec's provenance

    @property
    def count(self) -> int:
        return sum(e.count for e in self.elements)

    @property
    def cutoffs(self) -> Tuple[float, ...]:
        return tuple(sorted({c for e in self.elements for c in e.cutoffs}))

    @property
    def max_cutoff(self) -> Optional[float]:
        return self.cutoffs[-1] if self.cutoffs else None

    @property
    def data_seconds(self) -> Optional[float]:
        """Predicted seconds for every atom of the data (None without data)."""
        atoms = self.basis.atoms
        return None if atoms is None else self.cost.seconds * atoms


def kind_of(sftype: SFType) -> str:
    return "triplet" if sftype.triplet else "pair"


def explain(
    loaded: LoadedSpec,
    generated: Sequence[GeneratedSet],
    environment: Optional[Environment] = None,
    basis: Optional[CostBasis] = None,
) -> Explanation:
    """Summarise the generated sets of ``loaded`` per central element (spec order).
    ``environment``: the counts of the cost (default: the density estimate in the spec's unit);
    ``basis``: what they are, for the report."""
    spec = loaded.spec
    elements = spec.element_tuple
    if environment is None:
        environment = density_environment(elements, spec.unit)
        basis = CostBasis(unit=spec.unit)
    functions: Dict[str, List[Tuple[SFType, SymmetryFunction]]] = {e: [] for e in elements}
    for generated_set in generated:
        for block in generated_set.blocks:
            for function in block:
                functions[function.combination[0]].append((generated_set.sftype, function))
    every = [f for e in elements for _, f in functions[e]]
    cost = CostModel(environment).cost(every, elements)
    summaries = tuple(
        _summarise(e, functions[e], elements, c, environment.fraction(e))
        for e, c in zip(elements, cost.elements)
    )
    return Explanation(loaded.source.file_name, float(spec.cutoff), summaries, cost,
                       basis or CostBasis(), spec.selection)  # fmt: skip


def _summarise(
    element: str,
    functions: List[Tuple[SFType, SymmetryFunction]],
    elements: Tuple[str, ...],
    cost: ElementCost,
    fraction: float,
) -> ElementSummary:
    types = {t.number: t for t, _ in functions}
    per_type = Counter(t.number for t, _ in functions)
    per_combination = Counter(f.combination for _, f in functions)
    position = {e: i for i, e in enumerate(elements)}

    def order(combination: Combination) -> Tuple[int, List[int]]:
        group = {2: 0, 3: 1}.get(len(combination), 2)  # radial, angular, then weighted
        return group, [position[e] for e in combination]

    return ElementSummary(
        element=element,
        count=len(functions),
        by_type=tuple(
            TypeCount(n, types[n].name, kind_of(types[n]), per_type[n]) for n in sorted(per_type)
        ),
        by_combination=tuple(
            CombinationCount(c, per_combination[c]) for c in sorted(per_combination, key=order)
        ),
        cutoffs=tuple(sorted({float(f.cutoff) for _, f in functions})),
        cost=cost,
        fraction=fraction,
    )


def _length(value: float) -> str:
    """Shortest text that reads back as exactly this float (never rounds a cutoff down)."""
    return repr(float(value))


def _micro(seconds: float) -> str:
    """Microseconds with 3 significant digits (at least the units digit)."""
    value = seconds * 1e6
    return f"{value:.0f}" if value >= 99.95 else f"{value:.{1 if value >= 9.995 else 2}f}"


def _share(part: float, whole: float) -> str:
    return f" ({part / whole:.1%})" if whole > 0 else ""


def _cost_lines(seconds: float, radial: float, angular: float, groups: int) -> List[str]:
    return _wrap(
        f"cost: {_micro(seconds)} us/atom = radial {_micro(radial)}"
        f"{_share(radial, seconds)} + angular {_micro(angular)}{_share(angular, seconds)}; "
        f"{groups} group{'s' if groups != 1 else ''}"
    )


def _wrap(text: str, indent: str = "  ", hanging: str = "    ") -> List[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=hanging)


def _columns(cells: List[str], indent: int = 4, gap: int = 4) -> List[str]:
    """Equal-width cells, as many per row as fit in WIDTH columns."""
    width = max(len(c) for c in cells)
    per_row = max(1, (WIDTH - indent + gap) // (width + gap))
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    return [" " * indent + (" " * gap).join(c.ljust(width) for c in row).rstrip() for row in rows]


def _element_lines(summary: ElementSummary) -> List[str]:
    lines = [f"{summary.element} (central): {summary.count} symmetry functions"]
    if not summary.count:
        return [*lines, f"  (the atomic network of {summary.element} would have no inputs)"]
    name_width = max(len(t.name) for t in summary.by_type)
    lines.append("  by n2p2 type:")
    lines += [
        f"    {t.number:>2}  {t.name:<{name_width}}  {t.kind:<7}  {t.count:>7}"
        for t in summary.by_type
    ]
    lines.append("  by element combination:")
    label_width = max(len(c.label) for c in summary.by_combination)
    count_width = max(len(str(c.count)) for c in summary.by_combination)
    lines += _columns(
        [f"{c.label:<{label_width}}  {c.count:>{count_width}}" for c in summary.by_combination]
    )
    cutoffs = ", ".join(_length(c) for c in summary.cutoffs)
    largest = _length(summary.max_cutoff or 0.0)
    lines += _wrap(f"cutoffs: {cutoffs} (largest {largest})")
    c = summary.cost
    return [*lines, *_cost_lines(c.seconds, c.radial, c.angular, c.groups)]


def _overall_lines(explanation: Explanation) -> List[str]:
    largest = _length(explanation.max_cutoff or 0.0)
    cutoffs = ", ".join(_length(c) for c in explanation.cutoffs)
    c = explanation.cost
    lines = [
        f"All central elements: {explanation.count} symmetry functions",
        *_wrap(f"cutoffs: {cutoffs}"),
        f"  largest cutoff: {largest}",
        "    LAMMPS (n2p2 interface) needs at least this as the pair_style cutoff:",
        f"      pair_style hdnnp {largest} dir <nnp-data> ...",
        *_wrap(
            "(in the length unit of the data; if LAMMPS works in another unit, divide by "
            "the cflength given to pair_style)",
            indent="    ",
            hanging="    ",
        ),
        *_cost_lines(c.seconds, c.radial, c.angular, c.groups),
    ]
    basis, total = explanation.basis, explanation.data_seconds
    if basis.data is not None and total is not None:
        lines += _wrap(f"on {basis.data}: {basis.atoms} atoms, {total:.3g} s in all",
                       indent="    ", hanging="    ")  # fmt: skip
    return lines


def _notes(explanation: Explanation) -> List[str]:
    basis = explanation.basis
    model = (
        "Cost: the CPU time n2p2 (v2.3) takes to compute these SFs with derivatives (as "
        "training with forces does), in microseconds per atom, predicted from n2p2's SF groups "
        "(same type, neighbour elements and cutoff) and the neighbours and pairs of neighbours "
        "of each atom (median error 3.5 % on the 181 calibration sets, 8 % on held-out "
        "data, on the machine they were measured on); all central elements: weighted by "
        "their share of the atoms."
    )
    if basis.data is not None:
        counts = (
            f"The counts are those of {basis.data} ({basis.structures} structures; pairs of "
            "neighbours closer than the cutoff to each other counted on up to 2000 atoms per "
            "element)."
        )
    else:
        unit = {"bohr": "Bohr", "angstrom": "Angstrom"}.get(basis.unit or "", "")
        density = f"{basis.density:.4g} atoms per cubic {unit or 'Angstrom'}"
        assumed = "" if unit else " (the spec gives no unit: Angstrom assumed)"
        largest = explanation.max_cutoff or 0.0
        if not unit and largest >= BOHR_LIKE:
            assumed = (
                " (the spec gives no unit: Angstrom assumed; a largest cutoff of "
                f'{_length(largest)} is more usual in Bohr: if so, say unit = "bohr")'
            )
        counts = (
            f"Without --data: {density}{assumed}, spread uniformly, equal shares of the "
            "elements; figures to compare specs by. --data FILE predicts them for your "
            "structures."
        )
    return _wrap(f"{model} {counts}", "", "")


def format_text(explanation: Explanation) -> str:
    """The report for a terminal (at most 80 columns wide), ending with a newline."""
    names = ", ".join(e.element for e in explanation.elements)
    lines = [
        f"{explanation.spec_name}: {explanation.count} symmetry functions",
        *_wrap(f"elements: {names}"),
        f"  default cutoff: {_length(explanation.default_cutoff)}",
        "",
    ]
    for summary in explanation.elements:
        lines += [*_element_lines(summary), ""]
    lines += [*_overall_lines(explanation), ""]
    if explanation.selection is not None:
        lines += ["selection (the [selection] table):"]
        lines += [
            wrapped for line in header_lines(explanation.selection) for wrapped in _wrap(line)
        ]
        lines += [""]
    lines += _notes(explanation)
    return "\n".join(lines) + "\n"


def _cost_dict(seconds: float, radial: float, angular: float, groups: int) -> Dict[str, Any]:
    return {
        "seconds_per_atom": seconds,
        "radial": radial,
        "angular": angular,
        "radial_share": radial / seconds if seconds > 0 else None,
        "angular_share": angular / seconds if seconds > 0 else None,
        "groups": groups,
    }


def _element_dict(summary: ElementSummary) -> Dict[str, Any]:
    c = summary.cost
    return {
        "element": summary.element,
        "count": summary.count,
        "by_type": [
            {"type": t.number, "name": t.name, "kind": t.kind, "count": t.count}
            for t in summary.by_type
        ],
        "by_combination": [
            {"combination": list(c.combination), "label": c.label, "count": c.count}
            for c in summary.by_combination
        ],
        "cutoffs": list(summary.cutoffs),
        "max_cutoff": summary.max_cutoff,
        "fraction": summary.fraction,
        "cost": _cost_dict(c.seconds, c.radial, c.angular, c.groups),
    }


def to_dict(explanation: Explanation) -> Dict[str, Any]:
    """The JSON document as Python objects (see :func:`to_json`)."""
    c, basis = explanation.cost, explanation.basis
    return {
        "format": JSON_FORMAT,
        "spec": explanation.spec_name,
        "elements": [e.element for e in explanation.elements],
        "default_cutoff": explanation.default_cutoff,
        "count": explanation.count,
        "cutoffs": list(explanation.cutoffs),
        "max_cutoff": explanation.max_cutoff,
        "cost": {
            **_cost_dict(c.seconds, c.radial, c.angular, c.groups),
            "data_seconds": explanation.data_seconds,
        },
        "cost_basis": {
            "counts": "density" if basis.data is None else "data",
            "density": basis.density,
            "unit": basis.unit,
            "data": basis.data,
            "structures": basis.structures,
            "atoms": basis.atoms,
        },
        "per_element": [_element_dict(e) for e in explanation.elements],
        "selection": None
        if explanation.selection is None
        else explanation.selection.model_dump(mode="json"),
    }


def to_json(explanation: Explanation) -> str:
    """The explanation as JSON (keys sorted, 2-space indent, no trailing newline).

    Schema ``sfcompile-explain/2``: ``format``; ``spec`` (file name); ``elements`` (spec
    order); ``default_cutoff``; ``count`` (all SFs); ``cutoffs`` (distinct, ascending);
    ``max_cutoff``; ``cost`` {``seconds_per_atom`` (n2p2's predicted CPU time per atom of the
    data, the elements weighted by their share), ``radial``, ``angular`` (its parts, seconds),
    ``radial_share``, ``angular_share`` (fractions, null without SFs), ``groups`` (n2p2 SF
    groups), ``data_seconds`` (for every atom of the data; null without data)};
    ``cost_basis`` {``counts`` ("density" or "data"), ``density`` (atoms per cubic length unit
    of the estimate, null with data), ``unit`` (the spec's, null if not given), ``data``,
    ``structures``, ``atoms`` (null without data)}; ``per_element``: one object per central
    element in spec order with ``element``, ``count``, ``by_type`` [{``type``, ``name``,
    ``kind``, ``count``}], ``by_combination`` [{``combination`` (list of symbols), ``label``,
    ``count``}], ``cutoffs``, ``max_cutoff`` (null without SFs), ``fraction`` (its share of the
    atoms) and ``cost`` as above (seconds per atom of this element; no ``data_seconds``);
    ``selection``: the spec's [selection] table as written (null if it has none).
    """
    return json.dumps(to_dict(explanation), indent=2, sort_keys=True)
