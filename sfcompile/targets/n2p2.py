"""The n2p2 target: lay generated sets out as text with the Jinja templates in
``templates/n2p2/``.

This module only prepares values for the templates (formatted by :mod:`.formatting`); the
templates own the layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import groupby
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ..generate.expand import GeneratedSet, Row, SymmetryFunction
from ..generate.ordering import order_n2p2
from ..spec.models import (
    CustomSet,
    Gastegger2018Set,
    GaussianListSet,
    Imbalzano2018Set,
    OutputOptions,
    PolyCustomSet,
    PolyListSet,
    PolyWindowsSet,
)
from ..spec.sftypes import BY_NUMBER
from . import formatting
from .capabilities import Capabilities
from .templates import environment

TOOL_NAME = "sfcompile"
CAPABILITIES = Capabilities(
    name="n2p2",
    code="n2p2 input.nn",
    types=tuple(sorted(BY_NUMBER)),
    unit=None,
    notes=(
        "the symfunction_short block, or a complete input.nn (--full); LAMMPS' pair_style "
        "hdnnp reads the same files",
        "lengths as the spec gives them (n2p2 is unit-agnostic; the unit is not written)",
    ),
)


# Placeholder for each field of a line: templates/n2p2/line.j2 is rendered once per SF type
# with these, giving a str.format pattern that is then filled for every line of that type.
_FIELDS = ("c", "n1", "n2", "eta", "rs", "rc", "lam", "zeta", "rl", "tl", "tr", "sub")
_PLACEHOLDERS = {name: f"{{{i}}}" for i, name in enumerate(_FIELDS)}


@dataclass(frozen=True)
class Provenance:
    spec_name: str
    spec_sha256: str
    cutoff_function: str = ""  # e.g. "cos (n2p2 cutoff_type 1), alpha = 0.0"; "" if not given
    selection: Tuple[str, ...] = ()  # the [selection] table's lines (a selected spec)


def _settings(generated: GeneratedSet) -> List[Tuple[str, str]]:
    """The generation settings (none for custom values), as the earlier tool listed them."""
    s = generated.settings
    if isinstance(s, (CustomSet, PolyCustomSet, GaussianListSet, PolyListSet)):
        return []
    if isinstance(s, PolyWindowsSet):
        upper = generated.cutoff if s.r_upper is None else s.r_upper
        rows = [("rule", s.rule), ("mode", s.mode), ("nb_windows", str(s.nb_windows))]
        rows += [("r_lower", str(s.r_lower)), ("r_upper", str(upper))]
        return rows + ([("width", str(s.width))] if s.width is not None else [])
    assert isinstance(s, (Gastegger2018Set, Imbalzano2018Set))
    rows = [("rule", s.rule), ("mode", s.mode), ("nb_param_pairs", str(s.nb_param_pairs))]
    if isinstance(s, Gastegger2018Set):
        upper = generated.cutoff if s.r_upper is None else s.r_upper
        rows += [("r_lower", str(s.r_lower)), ("r_upper", str(upper))]
    return rows


def _filters(generated: GeneratedSet) -> List[Tuple[str, str]]:
    s = generated.settings
    keys = ("central", "neighbours", "include", "exclude")
    return [(key, str(getattr(s, key))) for key in keys if getattr(s, key) is not None]


def _arrays(generated: GeneratedSet) -> List[Tuple[str, str]]:
    """The parameter arrays of the overview: the grids of a product (``r_shift_grid``, ...), or
    for rule "list" one value per tuple (``r_shift``, ...: the i-th values make the i-th line)."""
    array = formatting.overview_array
    grid = "" if generated.tuples else "_grid"
    plural = "" if generated.tuples else "s"
    if generated.windows is not None:
        rows = [
            (f"r_lower{grid}", array([w[0] for w in generated.windows])),
            (f"r_cutoff{grid}", array([w[1] for w in generated.windows])),
        ]
        if generated.angles:
            rows += [
                ("theta_left", array([a[0] for a in generated.angles])),
                ("theta_right", array([a[1] for a in generated.angles])),
            ]
        return rows + [(f"subtype{plural}", str(list(generated.subtypes or ())))]
    assert generated.grid is not None
    rows = [
        (f"r_shift{grid}", array(generated.grid.r_shift)),
        (f"eta{grid}", array(generated.grid.eta)),
    ]
    if generated.lambdas is not None and generated.zetas is not None:
        angular = [(f"lambda{plural}", array(generated.lambdas)),
                   (f"zeta{plural}", array(generated.zetas))]  # fmt: skip
        rows += angular[::-1] if generated.tuples else angular  # a tuple reads (zeta, lambda)
    return rows


@cache
def line_pattern(type_number: int) -> str:
    """The layout of one line of this n2p2 type, as a ``str.format`` pattern."""
    return environment().get_template("n2p2/line.j2").render(type=type_number, **_PLACEHOLDERS)


Fields = Tuple[str, ...]
Real = Callable[[formatting.Number], str]


def _gaussian_fields(sf: SymmetryFunction, real: Real) -> Fields:
    """eta, rs, rc, lam, zeta: the fields after the element symbols."""
    lam = "" if sf.lambda_ is None else formatting.lambda_(sf.lambda_)
    eta = "" if sf.eta is None else real(sf.eta)
    r_shift = "" if sf.r_shift is None else real(sf.r_shift)
    zeta = "" if sf.zeta is None else real(sf.zeta)
    return (eta, r_shift, real(sf.cutoff), lam, zeta)


def _poly_fields(sf: SymmetryFunction, real: Real) -> Fields:
    """eta..zeta (unused), then rl, tl, tr, sub: the fields after the element symbols."""
    r_lower = "" if sf.r_lower is None else real(sf.r_lower)
    left = "" if sf.theta_left is None else real(sf.theta_left)
    right = "" if sf.theta_right is None else real(sf.theta_right)
    return ("", "", real(sf.cutoff), "", "", r_lower, left, right, sf.subtype or "")


_FAMILY_FIELDS: Dict[str, Callable[[SymmetryFunction, Real], Fields]] = {
    "gaussian": _gaussian_fields,
    "poly": _poly_fields,
}


_SYMBOL_FIELDS = 3  # c, n1, n2: the placeholders {0} {1} {2}; the values follow


@cache
def split_pattern(type_number: int) -> Tuple[str, str]:
    """The line pattern cut where the values begin: the symbols' part and the values' part
    (every layout writes the element symbols before the numbers)."""
    pattern = line_pattern(type_number)
    values = [_PLACEHOLDERS[f] for f in _FIELDS[_SYMBOL_FIELDS:] if _PLACEHOLDERS[f] in pattern]
    cut = min(pattern.find(value) for value in values)
    head, tail = pattern[:cut], pattern[cut:]
    if any(_PLACEHOLDERS[f] in tail for f in _FIELDS[:_SYMBOL_FIELDS]):
        raise AssertionError(
            f"templates/n2p2/line.j2: type {type_number} writes a symbol after a value"
        )
    return head, tail


class LineFormatter:
    """symfunction_short lines, fast: the symbols' part once per element combination, the
    values' part once per distinct parameter tuple (a set repeats its values for every
    element combination)."""

    def __init__(self, numbers: formatting.NumberFormat) -> None:
        self.numbers = numbers
        self._tails: Dict[Tuple[object, ...], str] = {}

    def head(self, type_number: int, combination: Sequence[str]) -> str:
        """The start of a line, up to its first value: keyword, symbols, type."""
        symbols = [formatting.element(e) for e in combination] + ["", ""]
        return split_pattern(type_number)[0].format(*symbols[:_SYMBOL_FIELDS])

    def tails(self, type_number: int, rows: Sequence[Row]) -> List[str]:
        """The rest of each line: the values of each row (the fields after the elements)."""
        tail_pattern = split_pattern(type_number)[1]
        fields = _FAMILY_FIELDS[BY_NUMBER[type_number].family]
        real, blanks = self.numbers.real, ("",) * _SYMBOL_FIELDS
        return [
            tail_pattern.format(*blanks, *fields(SymmetryFunction(type_number, (), *row), real))
            for row in rows
        ]

    def run(self, sfs: Sequence[SymmetryFunction]) -> List[str]:
        """The lines of SFs that share type and element combination."""
        first = sfs[0]
        head_pattern, tail_pattern = split_pattern(first.type_number)
        symbols = [formatting.element(e) for e in first.combination] + ["", ""]
        head = head_pattern.format(*symbols[:_SYMBOL_FIELDS])
        fields = _FAMILY_FIELDS[BY_NUMBER[first.type_number].family]
        tails, real, blanks = self._tails, self.numbers.real, ("",) * _SYMBOL_FIELDS
        lines = []
        for sf in sfs:
            key = sf[:1] + sf[2:]  # everything but the elements
            tail = tails.get(key)
            if tail is None:
                tail = tails[key] = tail_pattern.format(*blanks, *fields(sf, real))
            lines.append(head + tail)
        return lines


def _format_run(run: Sequence[SymmetryFunction], numbers: formatting.NumberFormat) -> List[str]:
    """The lines of SFs that share type and element combination (they share pattern and symbols)."""
    return LineFormatter(numbers).run(run)


def format_line(sf: SymmetryFunction, numbers: formatting.NumberFormat) -> str:
    """The text of one symfunction_short line, exactly as the output writes it."""
    return _format_run([sf], numbers)[0]


def _lines(generated: GeneratedSet, lines: LineFormatter) -> List[str]:
    """Each element combination's lines, joined (one string per combination): the values'
    text once per set, the symbols' once per combination."""
    if not generated.rows:
        return []
    number = generated.sftype.number
    tails = lines.tails(number, generated.rows)
    heads = [lines.head(number, combination) for combination in generated.combinations]
    return [head + ("\n" + head).join(tails) for head in heads]


def _element_lines(sfs: Sequence[SymmetryFunction], lines: LineFormatter) -> str:
    """The lines of SFs in the given order, joined."""
    runs = groupby(sfs, key=lambda sf: (sf.type_number, sf.combination))
    return "\n".join(line for _, run in runs for line in lines.run(list(run)))


def _element_views(
    generated: Sequence[GeneratedSet], numbers: formatting.NumberFormat
) -> List[Dict[str, Any]]:
    """Order "n2p2": each central element's lines in n2p2's order (see :mod:`.ordering`)."""
    lines = LineFormatter(numbers)
    sfs = (sf for g in generated for block in g.blocks for sf in block)
    return [
        {"symbol": element, "count": len(ordered), "lines": _element_lines(ordered, lines)}
        for element, ordered in order_n2p2(sfs, numbers).items()
    ]


def _generated_what(generated: GeneratedSet) -> str:
    if generated.tuples:
        return "parameter tuples, one per line"
    return (
        "radial windows" if generated.windows is not None else "radial parameters r_shift and eta"
    )


def _set_view(
    generated: GeneratedSet, numbers: formatting.NumberFormat, lines: bool = True
) -> Dict[str, Any]:
    return {
        "type": generated.sftype.number,
        "title": generated.sftype.title,
        "elements": repr(list(generated.elements)),
        "cutoff": formatting.overview_scalar(generated.cutoff),
        "settings": _settings(generated),
        "filters": _filters(generated),
        "generated_what": _generated_what(generated),
        "generation_noun": "parameter"
        if generated.tuples
        else "window"
        if generated.windows is not None
        else "radial parameter",
        "arrays": _arrays(generated),
        "blocks": _lines(generated, LineFormatter(numbers)) if lines else [],
    }


def _render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def render_overview(generated: GeneratedSet) -> str:
    """The settings-overview comment block of one set (ends with a blank line)."""
    numbers = formatting.NumberFormat(3)  # the overview prints no E-notation numbers
    return _render("n2p2/overview.j2", set=_set_view(generated, numbers, lines=False))


def render_lines(generated: GeneratedSet, precision: int = 3) -> str:
    """The parameter lines of one set, a blank line after each element combination."""
    numbers = formatting.NumberFormat(precision)
    return _render("n2p2/lines.j2", set=_set_view(generated, numbers))


def render_block(
    generated: Sequence[GeneratedSet],
    output: OutputOptions,
    provenance: Optional[Provenance],
    version: str,
) -> str:
    """The symmetry-function block as text (``\\n`` line endings)."""
    numbers = formatting.NumberFormat(output.precision)
    by_element = output.order == "n2p2"
    return _render(
        "n2p2/block.nn.j2",
        header=output.header and provenance is not None,
        comments=output.comments,
        tool=TOOL_NAME,
        version=version,
        spec_name=provenance.spec_name if provenance else "",
        spec_sha256=provenance.spec_sha256 if provenance else "",
        cutoff_function=provenance.cutoff_function if provenance else "",
        selection=list(provenance.selection) if provenance else [],
        order=output.order,
        sets=[_set_view(g, numbers, lines=not by_element) for g in generated],
        elements=_element_views(generated, numbers) if by_element else [],
    )


def render_full(
    generated: Sequence[GeneratedSet],
    output: OutputOptions,
    provenance: Optional[Provenance],
    version: str,
    *,
    elements: Sequence[str],
    cutoff_type: str,
    keyword_lines: Sequence[str],
) -> str:
    """A complete input.nn: the SF block (without its own header) inside the file frame."""
    block = render_block(generated, output.model_copy(update={"header": False}), None, version)
    return _render(
        "n2p2/full.nn.j2",
        header=output.header and provenance is not None,
        tool=TOOL_NAME,
        version=version,
        spec_name=provenance.spec_name if provenance else "",
        spec_sha256=provenance.spec_sha256 if provenance else "",
        cutoff_function=provenance.cutoff_function if provenance else "",
        selection=list(provenance.selection) if provenance else [],
        elements=list(elements),
        cutoff_type=cutoff_type,
        keyword_lines=list(keyword_lines),
        block=block,
    )
