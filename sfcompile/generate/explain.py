"""``sfcompile explain``: what a spec generates, per central element, and what it may cost.

Counts are by n2p2 type and by element combination; cutoffs are the symmetry functions' own
(for polynomial sets: each radial window's end). The largest cutoff is the one LAMMPS's
``pair_style hdnnp`` needs.

Cost units: 1 unit is one symmetry function (SF) with the spec's default cutoff r0 (its top-level
``cutoff``). At fixed atom density the number of neighbours within r_c grows like r_c^3, so a
pair-type SF (n2p2 types 2, 12, 20, 23: a sum over neighbours) with cutoff r_c costs
(r_c/r0)^3 units and a triplet-type SF (3, 9, 13, 21, 22, 24, 25: a sum over pairs of
neighbours) (r_c/r0)^6 units. Both kinds are 1 unit at r0, so the units compare cutoffs and
counts, not run times: no density, no per-type constant factor is folded in.

Nothing here does I/O; the command line prints :func:`format_text` or :func:`to_json`.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..spec.load import LoadedSpec
from ..spec.selection import Selection, header_lines
from ..spec.sftypes import SF_TYPES, Combination, SFType
from .expand import GeneratedSet, SymmetryFunction

JSON_FORMAT = "sfcompile-explain/1"
EXPONENT = {"pair": 3, "triplet": 6}  # cost ~ (neighbours within r_c)^1 or ^2 ~ r_c^3 or r_c^6
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
class Cost:
    """Relative evaluation cost in units (see the module docstring)."""

    pair: float
    triplet: float

    @property
    def total(self) -> float:
        return self.pair + self.triplet

    def share(self, kind: str) -> Optional[float]:
        """Fraction of the total for ``pair`` or ``triplet``; None when there is nothing."""
        part = self.pair if kind == "pair" else self.triplet
        return part / self.total if self.total > 0 else None


@dataclass(frozen=True)
class ElementSummary:
    element: str  # the central element
    count: int
    by_type: Tuple[TypeCount, ...]  # ascending type number
    by_combination: Tuple[CombinationCount, ...]  # radial, angular, weighted; spec element order
    cutoffs: Tuple[float, ...]  # distinct, ascending
    cost: Cost

    @property
    def max_cutoff(self) -> Optional[float]:
        return self.cutoffs[-1] if self.cutoffs else None


@dataclass(frozen=True)
class Explanation:
    spec_name: str
    reference_cutoff: float  # r0: the spec's default cutoff, where one SF costs 1 unit
    elements: Tuple[ElementSummary, ...]  # in the spec's element order
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
    def cost(self) -> Cost:
        return Cost(
            math.fsum(e.cost.pair for e in self.elements),
            math.fsum(e.cost.triplet for e in self.elements),
        )


def kind_of(sftype: SFType) -> str:
    return "triplet" if sftype.triplet else "pair"


def explain(loaded: LoadedSpec, generated: Sequence[GeneratedSet]) -> Explanation:
    """Summarise the generated sets of ``loaded`` per central element (spec order)."""
    elements = loaded.spec.element_tuple
    r0 = float(loaded.spec.cutoff)
    functions: Dict[str, List[Tuple[SFType, SymmetryFunction]]] = {e: [] for e in elements}
    for generated_set in generated:
        for block in generated_set.blocks:
            for function in block:
                functions[function.combination[0]].append((generated_set.sftype, function))
    summaries = tuple(_summarise(e, functions[e], elements, r0) for e in elements)
    return Explanation(loaded.source.file_name, r0, summaries, loaded.spec.selection)


def _summarise(
    element: str,
    functions: List[Tuple[SFType, SymmetryFunction]],
    elements: Tuple[str, ...],
    r0: float,
) -> ElementSummary:
    types = {t.number: t for t, _ in functions}
    per_type = Counter(t.number for t, _ in functions)
    per_combination = Counter(f.combination for _, f in functions)
    weights = Counter((kind_of(t), float(f.cutoff)) for t, f in functions)
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
        cutoffs=tuple(sorted({cutoff for _, cutoff in weights})),
        cost=Cost(_cost(weights, "pair", r0), _cost(weights, "triplet", r0)),
    )


def _cost(weights: Counter[Tuple[str, float]], kind: str, r0: float) -> float:
    """Sum of (r_c/r0)^exponent over the SFs of one kind (math.fsum: order-independent)."""
    exponent = EXPONENT[kind]
    return math.fsum(n * (rc / r0) ** exponent for (k, rc), n in weights.items() if k == kind)


def _length(value: float) -> str:
    """Shortest text that reads back as exactly this float (never rounds a cutoff down)."""
    return repr(float(value))


def _cost_line(cost: Cost) -> str:
    def part(kind: str, value: float) -> str:
        share = cost.share(kind)
        return f"{kind} {value:.2f}" + ("" if share is None else f" ({share:.1%})")

    return (
        f"  cost: {cost.total:.2f} units = {part('pair', cost.pair)}"
        f" + {part('triplet', cost.triplet)}"
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
    return [*lines, _cost_line(summary.cost)]


def _overall_lines(explanation: Explanation) -> List[str]:
    largest = _length(explanation.max_cutoff or 0.0)
    cutoffs = ", ".join(_length(c) for c in explanation.cutoffs)
    return [
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
        _cost_line(explanation.cost),
    ]


def _type_numbers(kind: str) -> str:
    return ", ".join(
        str(n) for n in sorted(t.number for t in SF_TYPES.values() if kind_of(t) == kind)
    )


def _notes(explanation: Explanation) -> List[str]:
    r0 = _length(explanation.reference_cutoff)
    paragraphs = [
        f"Cost units: 1 unit = one symmetry function at the default cutoff r0 = {r0}. At "
        "fixed atom density the neighbours within rc grow like rc^3, so a pair-type SF "
        f"(types {_type_numbers('pair')}) costs (rc/r0)^3 units and a triplet-type SF (types "
        f"{_type_numbers('triplet')}) (rc/r0)^6 units.",
        "This is a relative estimate, not a run time: both kinds count 1 unit at r0, although "
        "a triplet SF there sums over about N/2 times more terms than a pair SF (N: neighbours "
        "within r0, set by the density); constant factors per type are left out too "
        "(polynomial SFs, types 20-25, are reported to be about 4.5-5 times faster than "
        "Gaussian ones: Bircher, Singraber & Dellago 2021).",
    ]
    return [line for p in paragraphs for line in [*_wrap(p, "", ""), ""]][:-1]


def format_text(explanation: Explanation) -> str:
    """The report for a terminal (at most 80 columns wide), ending with a newline."""
    names = ", ".join(e.element for e in explanation.elements)
    lines = [
        f"{explanation.spec_name}: {explanation.count} symmetry functions",
        *_wrap(f"elements: {names}"),
        f"  default cutoff r0: {_length(explanation.reference_cutoff)}",
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


def _cost_dict(cost: Cost) -> Dict[str, Any]:
    return {
        "pair": cost.pair,
        "triplet": cost.triplet,
        "total": cost.total,
        "pair_share": cost.share("pair"),
        "triplet_share": cost.share("triplet"),
    }


def _element_dict(summary: ElementSummary) -> Dict[str, Any]:
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
        "cost": _cost_dict(summary.cost),
    }


def to_dict(explanation: Explanation) -> Dict[str, Any]:
    """The JSON document as Python objects (see :func:`to_json`)."""
    return {
        "format": JSON_FORMAT,
        "spec": explanation.spec_name,
        "elements": [e.element for e in explanation.elements],
        "reference_cutoff": explanation.reference_cutoff,
        "count": explanation.count,
        "cutoffs": list(explanation.cutoffs),
        "max_cutoff": explanation.max_cutoff,
        "cost": _cost_dict(explanation.cost),
        "per_element": [_element_dict(e) for e in explanation.elements],
        "selection": None
        if explanation.selection is None
        else explanation.selection.model_dump(mode="json"),
    }


def to_json(explanation: Explanation) -> str:
    """The explanation as JSON (keys sorted, 2-space indent, no trailing newline).

    Schema ``sfcompile-explain/1``: ``format``; ``spec`` (file name); ``elements`` (spec
    order); ``reference_cutoff`` (r0); ``count`` (all SFs); ``cutoffs`` (distinct, ascending);
    ``max_cutoff``; ``cost`` {``pair``, ``triplet``, ``total`` (units), ``pair_share``,
    ``triplet_share`` (fractions, null without SFs)}; ``per_element``: one object per central
    element in spec order with ``element``, ``count``, ``by_type`` [{``type``, ``name``,
    ``kind``, ``count``}], ``by_combination`` [{``combination`` (list of symbols), ``label``,
    ``count``}], ``cutoffs``, ``max_cutoff`` (null without SFs) and ``cost`` as above;
    ``selection``: the spec's [selection] table as written (null if it has none).
    """
    return json.dumps(to_dict(explanation), indent=2, sort_keys=True)
