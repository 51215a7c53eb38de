"""``sfcompile import``: turn the symmetry-function lines of an input.nn into a spec.

The spec compiles to the same *multiset* of SF lines as the file (numbers compared as n2p2
reads them; the neighbour pair of angular lines is unordered). Lines are grouped into sets per
type and cutoff, and per (r_shift, eta) / window structure with its zetas and lambdas (angles
and subtypes); element combinations a set does not cover for every element become filters.
A set whose values are those of a rule (gastegger2018, imbalzano2018, polynomial windows), at
the precision the file writes them, says so; any other set is ``rule = "custom"`` with the
exact values of the file. Every import is verified: the spec is compiled and each generated
line matched to a line of the file, and sfcompile's lint runs on it (its findings are reported
at the lines of the file). Comments, blank lines, keyword spelling and other keywords are not
preserved; the line order is kept when the spec's order reproduces it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

from .. import __version__
from ..build import formatting
from ..build.generate import (
    GeneratedSet,
    RadialGrid,
    SymmetryFunction,
    gastegger2018,
    generate,
    imbalzano2018,
)
from ..build.lint import lint
from ..build.ordering import order_n2p2
from ..errors import Diagnostic, SpecError
from ..spec.elements import ATOMIC_NUMBER
from ..spec.load import LoadedSpec, load_spec, source_from_text
from ..spec.models import CUTOFF_TYPES, DEFAULT_MAX_LINES
from ..spec.sftypes import BY_NUMBER, Combination
from .diff import agrees, match_records
from .reader import InputNN, SFRecord, find_duplicates, read_file, read_input_nn

Item = Tuple[float, float]  # (r_shift, eta) or the radial window (r_lower, cutoff)
Inner = Optional[Tuple[float, ...]]  # (zeta,) or the angle window (theta_l, theta_r)
Last = Union[float, str, None]  # lambda or subtype
Value = Union[float, int, str, Sequence["Value"]]
Precision = Union[int, str]


@dataclass(frozen=True)
class ImportResult:
    spec_text: str  # the TOML spec
    warnings: Tuple[Diagnostic, ...]  # at lines of the input file
    notes: Tuple[str, ...]  # what was found, what is and is not preserved


@dataclass
class _Group:
    """Lines that become one [[sets]] table."""

    type_number: int
    cutoff: Optional[float]  # Gaussian types; polynomial windows carry their own
    items: List[Item]
    inner: Tuple[Inner, ...]
    last: Tuple[Last, ...]
    combinations: List[Combination] = field(default_factory=list)
    lines: List[int] = field(default_factory=list)
    tokens: Dict[Item, Tuple[str, str]] = field(default_factory=dict)


def import_path(path: Union[str, Path]) -> ImportResult:
    """:func:`import_input_nn` of a file (``-``: standard input), its line endings kept."""
    text, name = read_file(path)
    return import_input_nn(text, name)


class _Plan(NamedTuple):
    parsed: InputNN
    elements: Tuple[str, ...]
    cutoff: float  # the spec's; sets with another cutoff say so
    precision: Precision
    groups: List[_Group]


def import_input_nn(text: str, source: str) -> ImportResult:
    """The spec for the SF lines of an input.nn; raises SpecError listing every problem."""
    parsed = read_input_nn(text, source)
    _refuse(parsed)
    elements = _elements(parsed)
    groups = _group(parsed.records, elements)
    cutoffs = [g.cutoff for g in groups if g.cutoff is not None]
    cutoff = max(set(cutoffs), key=cutoffs.count) if cutoffs else _poly_cutoff(groups)
    plan = _Plan(parsed, elements, cutoff, _precision(parsed.records), groups)
    why = "the spec does not reproduce the file's lines"
    for detect in (True, False):  # rules first; all custom if that fails to verify
        tables = [_table(g, elements, cutoff, detect) for g in groups]
        try:
            verified = _verify(_render(plan, tables), plan)
        except SpecError as exc:
            why = exc.diagnostics[0].format()
            continue
        if verified is not None:
            break
    else:
        message = f"internal error: the import could not be verified ({why}); please report it"
        raise SpecError([Diagnostic("error", message, source)])
    warnings = _lint(verified, parsed)
    order = _order(verified, plan.precision)
    notes = _notes(plan, verified, tables, order)
    return ImportResult(_render(plan, tables, order), tuple(warnings), tuple(notes))


# -- refusals --------------------------------------------------------------------------------


def _refuse(parsed: InputNN) -> None:
    problems = list(parsed.problems)
    for repeat, first in find_duplicates(parsed.records):
        problems.append(Diagnostic(
            "error", f"duplicate of line {first.line} (`{first.text.strip()}`): the same type, "
            "elements (the neighbour pair is unordered) and values as numbers. n2p2 computes "
            "every copy silently, and a spec cannot express repeats; remove one of them",
            parsed.source, repeat.line, 1,
        ))  # fmt: skip
    if not parsed.records and not parsed.errors:
        message = "no symfunction_short lines: nothing to import"
        problems.append(Diagnostic("error", message, parsed.source))
    if any(d.severity == "error" for d in problems):
        raise SpecError(sorted(problems, key=lambda d: (d.line or 0, d.column or 0)))


def _elements(parsed: InputNN) -> Tuple[str, ...]:
    if parsed.elements:
        return parsed.elements
    used = {e for r in parsed.records for e in r.sf.combination}
    return tuple(sorted(used, key=ATOMIC_NUMBER.__getitem__))


def _precision(records: Sequence[SFRecord]) -> Precision:
    """The file's E-notation digits if every real uses the same (and re-prints the same)."""
    tokens = [t for r in records for name, t in r.written.items() if name != "lambda_"]
    digits = {len(m.group(1)) if m else -1 for m in map(_E_TOKEN.fullmatch, tokens)}
    if len(digits) != 1 or not 1 <= min(digits) <= 16:
        return "full"
    spec = f".{min(digits)}E"
    same = all(float(format(float(t), spec)) == float(t) for t in tokens)
    return min(digits) if same else "full"


_E_TOKEN = re.compile(r"[+-]?\d\.(\d+)[eE][+-]?\d+")


def _poly_cutoff(groups: Sequence[_Group]) -> float:
    return max(right for g in groups for _, right in g.items)


# -- grouping ----------------------------------------------------------------------------------


def _split(r: SFRecord) -> Tuple[Optional[float], Item, Tuple[str, str], Inner, Last]:
    """A line as (cutoff, item, the item's tokens, inner value, last value)."""
    sf, w = r.sf, r.written
    if BY_NUMBER[sf.type_number].family == "gaussian":
        assert sf.r_shift is not None and sf.eta is not None
        item = (float(sf.r_shift), float(sf.eta))
        inner = None if sf.zeta is None else (float(sf.zeta),)
        return float(sf.cutoff), item, (w.get("r_shift", "0"), w["eta"]), inner, sf.lambda_
    assert sf.r_lower is not None
    window = (float(sf.r_lower), float(sf.cutoff))
    angle = None
    if sf.theta_left is not None and sf.theta_right is not None:
        angle = (float(sf.theta_left), float(sf.theta_right))
    return None, window, (w["r_lower"], w["cutoff"]), angle, sf.subtype


Place = Tuple[int, Optional[float]]  # type, cutoff (Gaussian types)
Atom = Tuple[Place, Combination, Item, Tuple[Inner, ...], Tuple[Last, ...]]


def _group(records: Sequence[SFRecord], elements: Tuple[str, ...]) -> List[_Group]:
    """Factor the lines of each (type, cutoff) into atoms combination x item x inner x last,
    then merge atoms into sets two ways (the items of each combination, or the combinations
    of each item) and keep the way that needs fewer sets."""
    position = {e: i for i, e in enumerate(elements)}
    tree: Dict[Place, Dict[Combination, Dict[Item, Dict[Inner, List[Last]]]]] = {}
    lines: Dict[Tuple[Place, Combination, Item, Inner, Last], int] = {}
    tokens: Dict[Tuple[Place, Item], Tuple[str, str]] = {}
    for r in records:
        central, *neighbours = r.sf.combination
        combo = (central, *sorted(neighbours, key=position.__getitem__))
        cutoff, item, item_tokens, inner, last = _split(r)
        place = (r.sf.type_number, cutoff)
        branch = tree.setdefault(place, {}).setdefault(combo, {}).setdefault(item, {})
        branch.setdefault(inner, []).append(last)
        lines[(place, combo, item, inner, last)] = r.line
        tokens.setdefault((place, item), item_tokens)
    atoms: List[Atom] = []
    for place, combos in tree.items():
        for combo, items in combos.items():
            for item, inners in items.items():
                atoms += [(place, combo, item, *block) for block in _blocks(inners)]
    groups = min(_merge(atoms, False), _merge(atoms, True), key=len)
    for g in groups:
        place = (g.type_number, g.cutoff)
        g.lines = sorted(lines[(place, c, i, n, la)] for c in g.combinations for i in g.items
                         for n in g.inner for la in g.last)  # fmt: skip
        g.tokens = {i: tokens[(place, i)] for i in g.items}
    return sorted(groups, key=lambda g: g.lines[0])


def _blocks(inners: Dict[Inner, List[Last]]) -> List[Tuple[Tuple[Inner, ...], Tuple[Last, ...]]]:
    """Inner values with the same set of last values, as products inner x last."""
    by_last: Dict[Tuple[str, ...], List[Inner]] = {}
    for inner, lasts in inners.items():
        by_last.setdefault(tuple(sorted(map(repr, lasts))), []).append(inner)
    return [(tuple(values), tuple(inners[values[0]])) for values in by_last.values()]


def _merge(atoms: List[Atom], by_item: bool) -> List[_Group]:
    """Sets from atoms: per combination its items (or per item its combinations), then rows
    with equal lists merged."""
    rows: Dict[Tuple[object, ...], Tuple[Atom, List[Combination], List[Item]]] = {}
    for atom in atoms:
        place, combo, item, inner, last = atom
        one: object = item if by_item else combo
        row = rows.setdefault((place, frozenset(inner), frozenset(last), one), (atom, [], []))
        row[1].append(combo)
        row[2].append(item)
    merged: Dict[Tuple[object, ...], _Group] = {}
    for key, ((place, _, _, inner, last), combos, items) in rows.items():
        many = frozenset(combos) if by_item else frozenset(items)
        group = merged.setdefault((*key[:3], many), _Group(place[0], place[1], [], inner, last))
        group.combinations += [c for c in dict.fromkeys(combos) if c not in group.combinations]
        group.items += [i for i in dict.fromkeys(items) if i not in group.items]
    return list(merged.values())


# -- one [[sets]] table ------------------------------------------------------------------------


def _table(g: _Group, elements: Tuple[str, ...], cutoff: float, detect: bool) -> Dict[str, Value]:
    sftype = BY_NUMBER[g.type_number]
    table: Dict[str, Value] = {"type": sftype.name}
    own_cutoff, values = g.cutoff, {}
    rule = (_gaussian_rule if sftype.family == "gaussian" else _window_rule)(g) if detect else None
    if rule is not None:
        window_end = rule.pop("cutoff", None)  # windows rules: the set's cutoff
        own_cutoff = window_end if isinstance(window_end, float) else own_cutoff
        table.update(rule)
    elif sftype.family == "gaussian":
        table["rule"] = "custom"
        values = {"r_shift": [i[0] for i in g.items], "eta": [i[1] for i in g.items]}
    else:
        table.update(rule="custom", windows=[list(i) for i in g.items])
    if own_cutoff is not None and own_cutoff != cutoff:
        table["cutoff"] = own_cutoff
    table.update(_filters(g.type_number, g.combinations, elements))
    table.update(values)
    if sftype.family == "gaussian" and sftype.angular:
        table["zetas"] = [z[0] for z in g.inner if z is not None]
        if list(g.last) != [-1.0, 1.0]:
            table["lambdas"] = [float(x) for x in g.last if isinstance(x, float)]
    elif sftype.family == "poly":
        if sftype.angular:
            table["angles"] = [list(a) for a in g.inner if a is not None]
        if list(g.last) != ["p2"]:
            table["subtypes"] = [str(x) for x in g.last]
    return table


def _filters(number: int, combos: List[Combination], elements: Tuple[str, ...]) -> Dict[str, Value]:
    """The shortest filters that select exactly ``combos``."""
    sftype, wanted = BY_NUMBER[number], set(combos)
    every = sftype.combinations(elements)
    if wanted == set(every):
        return {}
    centrals = [e for e in elements if any(c[0] == e for c in combos)]
    central: Dict[str, Value] = {"central": centrals} if len(centrals) < len(elements) else {}
    candidates = [c for c in every if c[0] in centrals]
    if set(candidates) == wanted and (len(wanted) > 1 or sftype.weighted):
        return central
    if not sftype.weighted:
        near = [e for e in elements if any(e in c[1:] for c in combos)]
        if {c for c in candidates if set(c[1:]) <= set(near)} == wanted and len(wanted) > 1:
            return {**central, "neighbours": near}
        left_out = [list(c) for c in candidates if c not in wanted]
        if len(left_out) < len(wanted):
            return {**central, "exclude": left_out}
    return {"include": [list(c) for c in every if c in wanted]}


# -- rules ---------------------------------------------------------------------------------------


def _pairs_match(expected: Sequence[Item], g: _Group) -> bool:
    if len(expected) != len(g.items):
        return False
    for want, have in zip(sorted(expected), sorted(g.items)):
        if not all(agrees(v, t) for v, t in zip(want, g.tokens[have])):
            return False
    return True


def _grid(grid: RadialGrid) -> List[Item]:
    return list(zip(grid.r_shift.tolist(), grid.eta.tolist()))


def _nice(x: float, prefer: Optional[float] = None, written: bool = False) -> List[float]:
    """Round values near ``x`` (0 to 3 decimals), the simplest first; ``prefer`` (if near)
    before them, ``x`` itself after them if it is a value the file writes."""
    found = [] if prefer is None else [prefer]
    for d in range(4):
        unit, centre = 10.0**-d, round(x, d)
        found += [round(c, d) for c in (centre, centre - unit, centre + unit)]
    found += [x] if written else []
    return list(dict.fromkeys(v for v in found if abs(v - x) <= 0.02 * abs(x) + 1e-9))


def _gaussian_rule(g: _Group) -> Optional[Dict[str, Value]]:
    n, cutoff = len(g.items), g.cutoff
    if n < 2 or cutoff is None:
        return None
    for mode in ("center", "shift"):
        if _pairs_match(_grid(imbalzano2018(mode, n, cutoff)), g):
            return {"rule": "imbalzano2018", "mode": mode, "nb_param_pairs": n}
    shifts, etas = [i[0] for i in g.items], [i[1] for i in g.items]
    if all(s == 0 for s in shifts):
        mode, radii = "center", sorted(1 / math.sqrt(2 * e) for e in etas)
    elif len(set(etas)) == 1:
        mode, radii = "shift", sorted(shifts)
    else:
        return None
    for lower in _nice(radii[0], written=mode == "shift"):
        for upper in _nice(radii[-1], cutoff, written=mode == "shift"):
            if not (lower > 0 or (mode == "shift" and lower == 0)) or not lower < upper <= cutoff:
                continue
            if _pairs_match(_grid(gastegger2018(mode, n, lower, upper)), g):
                found: Dict[str, Value] = {"rule": "gastegger2018", "mode": mode,
                                           "nb_param_pairs": n, "r_lower": lower}  # fmt: skip
                return found if upper == cutoff else {**found, "r_upper": upper}
    return None


def _window_rule(g: _Group) -> Optional[Dict[str, Value]]:
    n = len(g.items)
    if n < 2:
        return None
    lefts, rights = sorted(i[0] for i in g.items), sorted(i[1] for i in g.items)
    if all(left == -right for left, right in g.items):
        for lower in _nice(rights[0], written=True):
            for upper in _nice(rights[-1], written=True):
                step = (upper - lower) / (n - 1)
                windows = [(-(lower + k * step), lower + k * step) for k in range(n)]
                if 0 < lower < upper and _pairs_match(windows, g):
                    return {"rule": "windows", "mode": "center", "nb_windows": n,
                            "r_lower": lower, "cutoff": upper}  # fmt: skip
        return None
    for lower in _nice(lefts[0], written=True):
        for upper in _nice(rights[-1], written=True):
            for width in _nice(rights[0] - lefts[0], written=True):
                step = (upper - lower - width) / (n - 1)
                windows = [(lower + k * step, lower + k * step + width) for k in range(n)]
                if 0 < width < upper - lower and lower + width > 0 and _pairs_match(windows, g):
                    return {"rule": "windows", "mode": "shift", "nb_windows": n,
                            "r_lower": lower, "width": width, "cutoff": upper}  # fmt: skip
    return None


# -- the spec text -------------------------------------------------------------------------------


def _toml(value: Value) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return "[" + ", ".join(_toml(v) for v in value) + "]"


def _render(plan: _Plan, tables: List[Dict[str, Value]], order: Optional[str] = None) -> str:
    parsed, cutoff_type = plan.parsed, plan.parsed.cutoff_type
    kept = "the line order is kept" if order else "the order of the lines is not kept"
    out = [
        f"# Imported by sfcompile {__version__} from {parsed.source.replace(chr(10), ' ')}: "
        f"{len(parsed.records)} SF lines.",
        f"# It compiles to the same SF lines, as numbers (check with `sfcompile diff`); {kept}.",
        "# Not kept: comments, blank lines, the keyword's spelling, other keywords.",
        "",
        f"elements = {_toml(list(plan.elements))}",
        f"cutoff = {_toml(plan.cutoff)}",
    ]
    if cutoff_type is not None:
        names = {number: n for n, number in CUTOFF_TYPES.items()}
        out += ["", "[cutoff_function]", f"type = {_toml(names[cutoff_type.number])}"]
        out += [] if cutoff_type.alpha is None else [f"alpha = {_toml(cutoff_type.alpha)}"]
    out += ["", "[output]", f"precision = {_toml(plan.precision)}"]
    if order == "n2p2":
        out.append('order = "n2p2"')
    if len(parsed.records) > DEFAULT_MAX_LINES:
        out.append(f"max_lines = {len(parsed.records)}")
    for table, g in zip(tables, plan.groups):
        out += ["", f"# {len(g.lines)} line(s), the first on line {min(g.lines)}", "[[sets]]"]
        out += [f"{key} = {_toml(value)}" for key, value in table.items()]
    return "\n".join(out) + "\n"


# -- verification, lint, order -----------------------------------------------------------------


@dataclass(frozen=True)
class _Verified:
    loaded: LoadedSpec
    generated: List[GeneratedSet]
    sfs: List[SymmetryFunction]  # spec order: "SF line N" of the lint is sfs[N - 1]
    set_of: List[int]  # the set of each of sfs
    mapping: List[int]  # sfs[i] is the file's records[mapping[i]]


def _verify(spec_text: str, plan: _Plan) -> Optional[_Verified]:
    """The spec's lines matched to the file's (None: they differ; SpecError: invalid spec)."""
    loaded = load_spec(source_from_text(spec_text, f"<import of {plan.parsed.source}>"))
    generated = generate(loaded.spec)
    sfs = [sf for g in generated for block in g.blocks for sf in block]
    set_of = [g.index for g in generated for block in g.blocks for _ in block]
    mapping = match_records(sfs, plan.parsed.records, formatting.NumberFormat(plan.precision))
    return None if mapping is None else _Verified(loaded, generated, sfs, set_of, mapping)


_SF_LINE = re.compile(r"SF line (\d+)( `[^`]*`)?")


def _lint(v: _Verified, parsed: InputNN) -> List[Diagnostic]:
    """The lint's findings at the lines of the file; raises SpecError if any is an error."""
    records = parsed.records

    def at_file_line(m: re.Match[str]) -> str:
        record = records[v.mapping[int(m.group(1)) - 1]]
        return f"line {record.line}" + (f" `{record.text.strip()}`" if m.group(2) else "")

    found = list(parsed.warnings)
    for d in v.loaded.warnings:  # the spec's own: alpha of a cutoff function that ignores it
        line = parsed.cutoff_type.line if parsed.cutoff_type else None
        message = f"cutoff_type: alpha {d.message}"
        found.append(Diagnostic(d.severity, message, parsed.source, line, 1 if line else None))
    for f in lint(v.loaded, v.generated):
        if f.code == "element-without-sf":
            found.append(
                _without_sf(parsed, str(v.loaded.spec.elements[int(f.diagnostic.path[1])]))
            )
            continue
        line = records[v.mapping[f.lines[0] - 1]].line
        message = f"{_SF_LINE.sub(at_file_line, f.diagnostic.message)} [{f.code}]"
        found.append(Diagnostic(f.severity, message, parsed.source, line, 1))
    found.sort(key=lambda d: (d.line or 0, d.column or 0))
    if any(d.severity == "error" for d in found):
        raise SpecError(found)
    return found


def _without_sf(parsed: InputNN, element: str) -> Diagnostic:
    line = parsed.elements_line or next(
        r.line for r in parsed.records if element in r.sf.combination
    )
    where = "is in the elements line" if parsed.elements_line else "is a neighbour element"
    return Diagnostic("error", f"element {element} {where} but the central element of no SF "
                      "line: n2p2's training and prediction tools need at least one SF per element "
                      f"and abort; add SF lines for {element}, or remove it "
                      "[element-without-sf]", parsed.source, line, 1)  # fmt: skip


def _order(v: _Verified, precision: Precision) -> Optional[str]:
    """ "spec" or "n2p2" if that order of the spec gives the file's order; None otherwise."""
    if v.mapping == sorted(v.mapping):
        return "spec"
    index = {sf: i for i, sf in enumerate(v.sfs)}
    grouped = order_n2p2(v.sfs, formatting.NumberFormat(precision))
    sequence = [v.mapping[index[sf]] for sfs in grouped.values() for sf in sfs]
    return "n2p2" if sequence == sorted(sequence) else None


_ORDER_NOTES = {
    "spec": "line order: kept (the spec's order reproduces it)",
    "n2p2": 'line order: kept with [output] order = "n2p2"',
    None: "line order: not kept (the same lines, grouped by set)",
}


def _notes(
    plan: _Plan, v: _Verified, tables: List[Dict[str, Value]], order: Optional[str]
) -> List[str]:
    parsed, precision = plan.parsed, plan.precision
    rules = [f"sets[{k}] {t['rule']} {t.get('mode', '')}".rstrip()
             for k, t in enumerate(tables) if t["rule"] != "custom"]  # fmt: skip
    notes = [f"{len(parsed.records)} SF lines in {len(tables)} set(s); by rule: "
             + (", ".join(rules) or "none"),
             'numbers: precision = "full" (the file does not write every real in one E-notation '
             "precision); each compiles to exactly the file's double" if precision == "full"
             else f"numbers: precision = {precision}, as the file writes them"]  # fmt: skip
    notes += _rounded(v, parsed) if precision == "full" else []
    notes.append(_ORDER_NOTES[order])
    if any(r.keyword != "symfunction_short" for r in parsed.records):
        notes.append("keyword: the file writes `symfunction`; sfcompile writes symfunction_short")
    if parsed.cutoff_type is None:
        notes.append("no cutoff_type line: the spec has no [cutoff_function]; n2p2 needs one")
    return notes


def _rounded(v: _Verified, parsed: InputNN) -> List[str]:
    """Sets whose rule values the file writes rounded (they compile to the exact values)."""
    found: Dict[int, str] = {}
    for i, sf in enumerate(v.sfs):
        record = parsed.records[v.mapping[i]]
        for name, token in record.written.items():
            value = getattr(sf, name)
            if float(token) != value:
                found.setdefault(v.set_of[i], f"{name} {token} on line {record.line} is {value!r}")
    return [f"sets[{k}]: the file writes the rule's values rounded ({example}); the spec "
            "compiles to the exact values" for k, example in sorted(found.items())]  # fmt: skip
