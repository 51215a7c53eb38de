"""``sfcompile import``: turn the symmetry-function lines of an input.nn into a spec.

The spec compiles to the same *multiset* of SF lines as the file, every number exactly the
double the file writes (the neighbour pair of angular lines is unordered): a potential's
weights belong to the exact SF parameters it was trained with. Lines are grouped into sets per
type and cutoff, and per (r_shift, eta) / window structure with its zetas and lambdas (angles
and subtypes); element combinations a set does not cover for every element become filters.

A set whose values are those of a rule (gastegger2018, imbalzano2018, polynomial windows) says
so when the rule's values, printed at the spec's ``[output] precision``, are exactly the file's
numbers: the file's own E-notation digits, or the fewest digits that reproduce every number of
the file when that lets a rule be recognised; any other set is ``rule = "custom"`` with the
exact values of the file. With ``recognise_rounded`` a rule is also recognised when the file
writes its values rounded (to the digits of each token); those values then move to the rule's,
and the notes, the header and the set's comment say which and by how much.

Every import is verified: the spec is compiled and each generated line matched to a line of the
file (exactly, or with ``recognise_rounded`` to the file's digits), and sfcompile's lint runs on
it (its findings are reported at the lines of the file). Comments, blank lines, keyword spelling
and other keywords are not preserved; the line order is kept when the spec's order reproduces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

from .._gc import paused as paused_gc
from .._version import __version__
from ..errors import Diagnostic, SpecError
from ..generate.expand import (
    GeneratedSet,
    SymmetryFunction,
    generate,
)
from ..generate.lint import lint
from ..generate.ordering import order_n2p2
from ..spec.elements import ATOMIC_NUMBER
from ..spec.load import LoadedSpec, load_spec, source_from_text
from ..spec.models import CUTOFF_TYPES, DEFAULT_MAX_LINES
from ..spec.toml_text import toml_value
from ..targets import formatting
from .grouping import Group, Value, group_records, set_table
from .matching import Agreement, agrees, exact_at, match_records
from .reader import InputNN, SFRecord, find_duplicates, read_file, read_input_nn
from .rounded import Moved, header_claim, moved_values

Precision = Union[int, str]


@dataclass(frozen=True)
class ImportResult:
    spec_text: str  # the TOML spec
    warnings: Tuple[Diagnostic, ...]  # at lines of the input file
    notes: Tuple[str, ...]  # what was found, what is and is not preserved
    exact: bool = True  # the spec compiles to exactly the file's numbers (else: moved, noted)


def import_path(path: Union[str, Path], recognise_rounded: bool = False) -> ImportResult:
    """:func:`import_input_nn` of a file (``-``: standard input), its line endings kept."""
    text, name = read_file(path)
    return import_input_nn(text, name, recognise_rounded=recognise_rounded)


class _Plan(NamedTuple):
    parsed: InputNN
    elements: Tuple[str, ...]
    cutoff: float  # the spec's; sets with another cutoff say so
    precision: Precision
    precision_note: str  # why this precision
    groups: List[Group]
    recognise_rounded: bool


def import_input_nn(text: str, source: str, recognise_rounded: bool = False) -> ImportResult:
    """The spec for the SF lines of an input.nn; raises SpecError listing every problem.

    The spec compiles to exactly the file's numbers; ``recognise_rounded`` lets a rule stand
    for values the file writes rounded (they then move to the rule's; the result says so)."""
    with paused_gc():
        return _import(text, source, recognise_rounded)


def _import(text: str, source: str, recognise_rounded: bool) -> ImportResult:
    parsed = read_input_nn(text, source)
    _refuse(parsed)
    elements = _elements(parsed)
    groups = group_records(parsed.records, elements)
    cutoffs = [g.cutoff for g in groups if g.cutoff is not None]
    cutoff = max(set(cutoffs), key=cutoffs.count) if cutoffs else _poly_cutoff(groups)
    precision, note, tables = _tables(groups, elements, cutoff, parsed.records, recognise_rounded)
    plan = _Plan(parsed, elements, cutoff, precision, note, groups, recognise_rounded)
    verified, warnings, tables = _attempt(plan, tables)
    order = _order(verified, plan.precision)
    moved = moved_values(verified.sfs, verified.set_of, parsed.records, verified.mapping, precision)
    notes = _notes(plan, verified, tables, order, moved)
    text = _render(plan, tables, order, moved)
    return ImportResult(text, tuple(warnings), tuple(notes), exact=not moved)


def _attempt(
    plan: _Plan, tables: List[Dict[str, Value]]
) -> Tuple[_Verified, List[Diagnostic], List[Dict[str, Value]]]:
    """The spec verified and linted: with the rules found, or, if the lint refuses what a rule
    makes (lines that a rounded rule repeats) or a rule fails to verify, with every set custom.
    Raises the lint's errors of the file's own lines."""
    custom = [set_table(g, plan.elements, plan.cutoff, None) for g in plan.groups]
    why = "the spec does not reproduce the file's lines"
    for attempt in (tables, custom) if tables != custom else (custom,):
        try:
            verified = _verify(_render(plan, attempt), plan)
        except SpecError as exc:
            why = exc.diagnostics[0].format()
            continue
        if verified is None:
            continue
        try:
            return verified, _lint(verified, plan.parsed), attempt
        except SpecError:
            if attempt is custom:
                raise
    message = f"internal error: the import could not be verified ({why}); please report it"
    raise SpecError([Diagnostic("error", message, plan.parsed.source)])


def _tables(
    groups: Sequence[Group],
    elements: Tuple[str, ...],
    cutoff: float,
    records: Sequence[SFRecord],
    recognise_rounded: bool,
) -> Tuple[Precision, str, List[Dict[str, Value]]]:
    """The precision, why, and the sets' tables: of the precisions that print every number of
    the file exactly, the one at which the most sets are a rule's values (the first on a tie)."""
    candidates = _precisions(records)
    best: Optional[Tuple[int, Precision, List[Dict[str, Value]]]] = None
    for precision in candidates:
        same: Agreement = agrees if recognise_rounded else exact_at(precision)
        tables = [set_table(g, elements, cutoff, same) for g in groups]
        rules = sum(t["rule"] != "custom" for t in tables)
        if best is None or rules > best[0]:
            best = (rules, precision, tables)
        if recognise_rounded:  # the agreement does not depend on the precision
            break
    assert best is not None
    _, precision, tables = best
    if len(candidates) == 1:
        note = f"numbers: precision = {precision}, as the file writes them"
    elif precision == "full":
        note = ('numbers: precision = "full" (the file does not write every real in one '
                "E-notation precision); each compiles to exactly the file's double")  # fmt: skip
    else:
        note = (f"numbers: precision = {precision}: each of the file's numbers, printed with "
                f"{precision} digits after the point in E notation, is exactly its double, and "
                "at that precision the rules' values are the file's")  # fmt: skip
    return precision, note, tables


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


def _precisions(records: Sequence[SFRecord]) -> List[Precision]:
    """The precisions that print every real of the file as exactly its number: the file's
    E-notation digits if every real uses the same (and re-prints the same); else "full" and
    the fewest digits that do (a rule's values rounded to them may be the file's)."""
    tokens = [t for r in records for name, t in r.written.items() if name != "lambda_"]
    digits = {len(m.group(1)) if m else -1 for m in map(_E_TOKEN.fullmatch, tokens)}
    values = {float(t) for t in tokens}

    def exact(p: int) -> bool:
        return all(float(format(v, f".{p}E")) == v for v in values)

    if len(digits) == 1 and 1 <= min(digits) <= 16 and exact(min(digits)):
        return [min(digits)]
    fewest = next((p for p in range(1, 17) if exact(p)), None)
    return ["full"] if fewest is None else ["full", fewest]


_E_TOKEN = re.compile(r"[+-]?[0-9]\.([0-9]+)[eE][+-]?[0-9]+")


def _poly_cutoff(groups: Sequence[Group]) -> float:
    return max(right for g in groups for _, right in g.items)


# -- the spec text -------------------------------------------------------------------------------


def _render(
    plan: _Plan,
    tables: List[Dict[str, Value]],
    order: Optional[str] = None,
    moved: Optional[Dict[int, Moved]] = None,
) -> str:
    parsed, cutoff_type, moved = plan.parsed, plan.parsed.cutoff_type, moved or {}
    kept = "the line order is kept" if order else "the order of the lines is not kept"
    out = [
        f"# Imported by sfcompile {__version__} from {parsed.source.replace(chr(10), ' ')}: "
        f"{len(parsed.records)} SF lines.",
        *header_claim(moved, kept),
        "# Not kept: comments, blank lines, the keyword's spelling, other keywords.",
        "",
        f"elements = {toml_value(list(plan.elements))}",
        f"cutoff = {toml_value(plan.cutoff)}",
    ]
    if cutoff_type is not None:
        names = {number: n for n, number in CUTOFF_TYPES.items()}
        out += ["", "[cutoff_function]", f"type = {toml_value(names[cutoff_type.number])}"]
        out += [] if cutoff_type.alpha is None else [f"alpha = {toml_value(cutoff_type.alpha)}"]
    out += ["", "[output]", f"precision = {toml_value(plan.precision)}"]
    if order == "n2p2":
        out.append('order = "n2p2"')
    if len(parsed.records) > DEFAULT_MAX_LINES:
        out.append(f"max_lines = {len(parsed.records)}")
    for k, (table, g) in enumerate(zip(tables, plan.groups)):
        out += ["", f"# {len(g.lines)} line(s), the first on line {min(g.lines)}"]
        out += [f"# {moved[k].describe()}"] if k in moved else []
        out.append("[[sets]]")
        out += [f"{key} = {toml_value(value)}" for key, value in table.items()]
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
    numbers = formatting.NumberFormat(plan.precision)
    mapping = match_records(sfs, plan.parsed.records, numbers, plan.recognise_rounded)
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
    plan: _Plan,
    v: _Verified,
    tables: List[Dict[str, Value]],
    order: Optional[str],
    moved: Dict[int, Moved],
) -> List[str]:
    parsed = plan.parsed
    rules = [f"sets[{k}] {_rule_name(t)}" for k, t in enumerate(tables) if t["rule"] != "custom"]
    notes = [f"{len(parsed.records)} SF lines in {len(tables)} set(s); by rule: "
             + (", ".join(rules) or "none"), plan.precision_note]  # fmt: skip
    notes += [f"sets[{k}] {_rule_name(tables[k])}: {m.describe()}" for k, m in moved.items()]
    if not plan.recognise_rounded:
        notes += _rounded_rules(plan, tables)
    notes.append(_ORDER_NOTES[order])
    if any(r.keyword != "symfunction_short" for r in parsed.records):
        notes.append("keyword: the file writes `symfunction`; sfcompile writes symfunction_short")
    if parsed.cutoff_type is None:
        notes.append("no cutoff_type line: the spec has no [cutoff_function]; n2p2 needs one")
    return notes


def _rule_name(table: Dict[str, Value]) -> str:
    return f"{table['rule']} {table.get('mode', '')}".rstrip()


def _rounded_rules(plan: _Plan, tables: List[Dict[str, Value]]) -> List[str]:
    """The custom sets whose values are a rule's written rounded: how to get the rule."""
    found = []
    for k, (table, g) in enumerate(zip(tables, plan.groups)):
        if table["rule"] != "custom":
            continue
        rounded = set_table(g, plan.elements, plan.cutoff, agrees)
        if rounded["rule"] != "custom":
            found.append(
                f"sets[{k}]: its values look like {_rule_name(rounded)} written rounded; they "
                'are kept as the file writes them (rule = "custom"), since the rule would move '
                "them. `sfcompile import --recognise-rounded` writes the rule and reports how "
                "far each value moves"
            )
    return found
