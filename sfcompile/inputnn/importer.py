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
from .diff import match_records
from .grouping import Group, Value, group_records, set_table
from .reader import InputNN, SFRecord, find_duplicates, read_file, read_input_nn

Precision = Union[int, str]


@dataclass(frozen=True)
class ImportResult:
    spec_text: str  # the TOML spec
    warnings: Tuple[Diagnostic, ...]  # at lines of the input file
    notes: Tuple[str, ...]  # what was found, what is and is not preserved


def import_path(path: Union[str, Path]) -> ImportResult:
    """:func:`import_input_nn` of a file (``-``: standard input), its line endings kept."""
    text, name = read_file(path)
    return import_input_nn(text, name)


class _Plan(NamedTuple):
    parsed: InputNN
    elements: Tuple[str, ...]
    cutoff: float  # the spec's; sets with another cutoff say so
    precision: Precision
    groups: List[Group]


def import_input_nn(text: str, source: str) -> ImportResult:
    """The spec for the SF lines of an input.nn; raises SpecError listing every problem."""
    with paused_gc():
        return _import(text, source)


def _import(text: str, source: str) -> ImportResult:
    parsed = read_input_nn(text, source)
    _refuse(parsed)
    elements = _elements(parsed)
    groups = group_records(parsed.records, elements)
    cutoffs = [g.cutoff for g in groups if g.cutoff is not None]
    cutoff = max(set(cutoffs), key=cutoffs.count) if cutoffs else _poly_cutoff(groups)
    plan = _Plan(parsed, elements, cutoff, _precision(parsed.records), groups)
    why = "the spec does not reproduce the file's lines"
    for detect in (True, False):  # rules first; all custom if that fails to verify
        tables = [set_table(g, elements, cutoff, detect) for g in groups]
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


_E_TOKEN = re.compile(r"[+-]?[0-9]\.([0-9]+)[eE][+-]?[0-9]+")


def _poly_cutoff(groups: Sequence[Group]) -> float:
    return max(right for g in groups for _, right in g.items)


# -- the spec text -------------------------------------------------------------------------------


def _render(plan: _Plan, tables: List[Dict[str, Value]], order: Optional[str] = None) -> str:
    parsed, cutoff_type = plan.parsed, plan.parsed.cutoff_type
    kept = "the line order is kept" if order else "the order of the lines is not kept"
    out = [
        f"# Imported by sfcompile {__version__} from {parsed.source.replace(chr(10), ' ')}: "
        f"{len(parsed.records)} SF lines.",
        f"# It compiles to the same SF lines, as numbers (check with `sfcompile diff`); {kept}.",
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
    for table, g in zip(tables, plan.groups):
        out += ["", f"# {len(g.lines)} line(s), the first on line {min(g.lines)}", "[[sets]]"]
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
