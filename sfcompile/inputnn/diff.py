"""``sfcompile diff A B``: compare two sets of symmetry functions, whatever wrote them.

A and B are specs (``.toml``: compiled, with every number as the spec's ``[output] precision``
prints it, i.e. as n2p2 will read it) or input.nn files (read strictly by :mod:`.inputnn`). The
comparison is of *multisets* of SFs: the order of the lines, spacing, comments, the keyword's
spelling and the spelling of numbers (``0.01`` is ``1.000E-02``) do not matter, and the
neighbour pair of angular SFs is unordered (``H 3 H O`` is ``H 3 O H``). Types 3 and 9 (21/22,
24/25) are different SFs.

**Changed** (the one-parameter edit rule): after taking out the SFs both sides have (the
*shared* SFs), the rest are put in groups of the same type, central element and neighbour
elements (the pair unordered; the type fixes the family, Gaussian or polynomial, and so the
parameters: r_c, eta, r_s, lambda, zeta or r_l, r_c, theta_l, theta_r, subtype). In a group, an
SF only in A and an SF only in B are *partners* when exactly one of their parameters differs.
The group's SFs are shown as changed pairs

1. when every SF of its smaller side (both sides, when they are the same size) has exactly
   one partner, and that partner has no other: one-parameter edits, perhaps beside SFs added
   or removed; or else
2. when both sides have the same number of SFs and the k-th SF of one side and the k-th of the
   other, each side in parameter order, are partners for every k (every eta of a set edited,
   say, or every value a rule rounds differently).

Otherwise every SF of the group is removed (only in A) or added (only in B): between two
unrelated designs a Gaussian that happens to share its r_s with one of the other side is not an
edit of it. The shared count is always reported.

**The cutoff function** (an input.nn's ``cutoff_type`` line, a spec's ``[cutoff_function]``)
is compared too where both sides give one: with another function or alpha every Gaussian SF
takes other values, so two such files differ even with the same lines.

Every SF is shown with its numbers as its source writes them: an input.nn's tokens as the
file has them, a spec's as its compiled line prints them (:func:`formatting.sf_value`), so that
each can be found in the file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ..errors import SpecError
from ..generate.expand import SymmetryFunction, generate
from ..spec.elements import ATOMIC_NUMBER
from ..spec.load import LoadedSpec, load_spec
from ..spec.sftypes import BY_NUMBER
from ..targets import formatting
from .reader import SFRecord, normal_key, read_file, read_input_nn
from .values import FIELD_NAMES, LAYOUTS

_GAUSSIAN = ("cutoff", "eta", "r_shift", "lambda_", "zeta")
_POLY = ("r_lower", "cutoff", "theta_left", "theta_right", "subtype")


@dataclass(frozen=True)
class SFEntry:
    """One SF of a source, where it comes from (``file:line``, or a spec's SF line) and its
    parameters as the source writes them (an input.nn's tokens; a spec's compiled line's)."""

    sf: SymmetryFunction
    where: str
    tokens: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> Tuple[object, ...]:
        return normal_key(self.sf)


#: n2p2's cutoff_type and alpha (0 where not written).
CutoffFunction = Tuple[int, float]


@dataclass(frozen=True)
class SFSource:
    name: str
    entries: Tuple[SFEntry, ...]
    cutoff: Optional[CutoffFunction] = None  # None: the source does not say


@dataclass(frozen=True)
class Change:
    old: SFEntry
    new: SFEntry
    fields: Tuple[str, ...]  # the parameters that differ (SymmetryFunction field names)


@dataclass(frozen=True)
class DiffResult:
    a: str
    b: str
    a_count: int
    b_count: int
    removed: Tuple[SFEntry, ...]  # only in A
    added: Tuple[SFEntry, ...]  # only in B
    changed: Tuple[Change, ...]
    shared: int  # SFs in both (as a multiset)
    #: (A's, B's) where both give a cutoff function and they differ
    cutoff: Optional[Tuple[CutoffFunction, CutoffFunction]] = None

    @property
    def equal(self) -> bool:
        return not (self.removed or self.added or self.changed or self.cutoff)


def source_from_input_nn(text: str, name: str) -> SFSource:
    """An input.nn's SFs; raises SpecError if the reader finds errors."""
    parsed = read_input_nn(text, name)
    if parsed.errors:
        raise SpecError(parsed.errors)
    found = parsed.cutoff_type
    cutoff = None if found is None else (found.number, found.alpha or 0.0)
    return SFSource(name, tuple(_entry(r, name) for r in parsed.records), cutoff)


def _entry(record: SFRecord, name: str) -> SFEntry:
    tokens = dict(record.written)
    if record.sf.subtype is not None:
        tokens["subtype"] = record.sf.subtype
    return SFEntry(record.sf, f"{name}:{record.line}", tokens)


def source_from_spec(loaded: LoadedSpec) -> SFSource:
    """A spec's SFs, each number as the spec prints it (what n2p2 will read)."""
    numbers = formatting.NumberFormat(loaded.spec.output.precision)

    def p(value: Optional[float]) -> Optional[float]:
        return None if value is None else float(numbers.real(value))

    entries = []
    sfs = (sf for g in generate(loaded.spec) for block in g.blocks for sf in block)
    for n, sf in enumerate(sfs, start=1):
        printed = SymmetryFunction(
            sf.type_number, sf.combination, float(numbers.real(sf.cutoff)), eta=p(sf.eta),
            r_shift=p(sf.r_shift), lambda_=None if sf.lambda_ is None else float(sf.lambda_),
            zeta=p(sf.zeta), r_lower=p(sf.r_lower), theta_left=p(sf.theta_left),
            theta_right=p(sf.theta_right), subtype=sf.subtype,
        )  # fmt: skip
        tokens = {f: formatting.sf_value(f, getattr(sf, f), numbers) for f in _fields(sf)
                  if getattr(sf, f) is not None}  # fmt: skip
        entries.append(SFEntry(printed, f"SF line {n}", tokens))
    function = loaded.spec.cutoff_function
    cutoff = None if function is None else (function.number, function.alpha)
    return SFSource(loaded.source.display_name, tuple(entries), cutoff)


def load_source(path: Union[str, Path]) -> SFSource:
    """``*.toml``: a spec; anything else: an input.nn (``-``: standard input, an input.nn).
    Raises SpecError if it cannot be read, is an invalid spec, or an input.nn with errors."""
    if str(path).endswith(".toml"):
        return source_from_spec(load_spec(str(path)))
    text, name = read_file(path)
    return source_from_input_nn(text, name)


def semantic_diff(a: SFSource, b: SFSource) -> DiffResult:
    """What B adds to, removes from and changes in A, as multisets of SFs."""
    in_a, in_b = _by_key(a.entries), _by_key(b.entries)
    count_a = Counter({k: len(v) for k, v in in_a.items()})
    count_b = Counter({k: len(v) for k, v in in_b.items()})
    removed = [e for k, n in (count_a - count_b).items() for e in in_a[k][-n:]]
    added = [e for k, n in (count_b - count_a).items() for e in in_b[k][-n:]]
    removed.sort(key=_order)
    added.sort(key=_order)
    changed = _pair(removed, added)
    paired_old = {id(c.old) for c in changed}
    paired_new = {id(c.new) for c in changed}
    return DiffResult(
        a.name, b.name, len(a.entries), len(b.entries),
        tuple(e for e in removed if id(e) not in paired_old),
        tuple(e for e in added if id(e) not in paired_new),
        tuple(changed), sum((count_a & count_b).values()),
        (a.cutoff, b.cutoff) if a.cutoff and b.cutoff and a.cutoff != b.cutoff else None,
    )  # fmt: skip


def _by_key(entries: Sequence[SFEntry]) -> Dict[Tuple[object, ...], List[SFEntry]]:
    found: Dict[Tuple[object, ...], List[SFEntry]] = {}
    for e in entries:
        found.setdefault(e.key, []).append(e)
    return found


def _order(e: SFEntry) -> Tuple[object, ...]:
    sf = e.sf
    neighbours = tuple(ATOMIC_NUMBER[n] for n in normal_key(sf)[1][1:])  # type: ignore[index]
    values = tuple((v is None, str(v) if isinstance(v, str) else v or 0.0) for v in sf[2:])
    return (ATOMIC_NUMBER[sf.combination[0]], sf.type_number, neighbours, values)


def _fields(sf: SymmetryFunction) -> Tuple[str, ...]:
    return _GAUSSIAN if BY_NUMBER[sf.type_number].family == "gaussian" else _POLY


def _one_edit(old: SFEntry, new: SFEntry) -> Optional[str]:
    """The parameter in which ``new`` differs from ``old`` if it is exactly one (same group)."""
    differ = [f for f in _fields(old.sf) if getattr(old.sf, f) != getattr(new.sf, f)]
    return differ[0] if len(differ) == 1 else None


def _pair(removed: List[SFEntry], added: List[SFEntry]) -> List[Change]:
    """The changed pairs of the one-parameter edit rule (module docstring), in A's order."""
    groups: Dict[Tuple[object, ...], Tuple[List[SFEntry], List[SFEntry]]] = {}
    for e in removed:
        groups.setdefault(e.key[:2], ([], []))[0].append(e)
    for e in added:
        groups.setdefault(e.key[:2], ([], []))[1].append(e)
    changes: List[Change] = []
    for olds, news in groups.values():
        changes += _group_pairs(olds, news)
    order = {id(e): k for k, e in enumerate(removed)}
    return sorted(changes, key=lambda c: order[id(c.old)])


def _group_pairs(olds: List[SFEntry], news: List[SFEntry]) -> List[Change]:
    """A group's changed pairs: all of its smaller side, each with its only partner; else, the
    sides as large, the k-th of each in order if they are partners for every k; else none."""
    if not olds or not news:
        return []
    unique = _unique_partners(olds, news)
    if len(unique) == min(len(olds), len(news)):
        return unique
    if len(olds) != len(news):  # olds and news are in _order already
        return []
    edits = [_one_edit(old, new) for old, new in zip(olds, news)]
    if any(edited is None for edited in edits):
        return []
    return [Change(old, new, (f,)) for old, new, f in zip(olds, news, edits) if f is not None]


def _unique_partners(olds: List[SFEntry], news: List[SFEntry]) -> List[Change]:
    """The pairs of partners that have no other partner."""
    partners: Dict[int, List[Tuple[SFEntry, str]]] = {}
    for old in olds:
        for new in news:
            edited = _one_edit(old, new)
            if edited is not None:
                partners.setdefault(id(old), []).append((new, edited))
                partners.setdefault(id(new), []).append((old, edited))
    changes = []
    for old in olds:
        found = partners.get(id(old), [])
        if len(found) == 1 and len(partners[id(found[0][0])]) == 1:
            changes.append(Change(old, found[0][0], (found[0][1],)))
    return changes


# -- text ---------------------------------------------------------------------------------------


def _token(e: SFEntry, name: str) -> str:
    """A parameter as the source writes it (a value it does not write: shortest exact)."""
    text = e.tokens.get(name)
    if text is None:
        text = formatting.sf_value(name, getattr(e.sf, name), _SHORTEST)
    return text


_SHORTEST = formatting.NumberFormat("full")


def describe(e: SFEntry) -> str:
    """The SF as n2p2's tokens after the keyword, numbers as its source writes them (an r_s
    that a type-3/9 line leaves out is left out)."""
    sf = e.sf
    tokens = [sf.combination[0], str(sf.type_number)]
    neighbours = iter(sf.combination[1:])
    for name in LAYOUTS[sf.type_number]:
        if name in ("e1", "e2"):
            tokens.append(next(neighbours))
        elif e.tokens.get(name) is not None or name != "r_shift" or sf.type_number not in (3, 9):
            tokens.append(_token(e, name))
    return " ".join(tokens)


def summary(result: DiffResult) -> str:
    """The counts: ``R removed, A added, C changed, S shared`` (and the cutoff function)."""
    cutoff = "; the cutoff function differs" if result.cutoff else ""
    return (f"{len(result.removed)} removed, {len(result.added)} added, "
            f"{len(result.changed)} changed, {result.shared} shared{cutoff}")  # fmt: skip


def _function(cutoff: CutoffFunction) -> str:
    return f"cutoff_type {cutoff[0]} alpha {cutoff[1]!r}"


def format_diff(result: DiffResult) -> str:
    """Counts, then ``- line`` / ``+ line`` / ``~ old -> new`` grouped by central element."""
    out = [
        f"--- {result.a} ({result.a_count} SFs)",
        f"+++ {result.b} ({result.b_count} SFs)",
    ]
    if result.equal:
        out.append(f"equal: the same {result.a_count} symmetry functions (as numbers; order, "
                   "spacing and spelling aside)")  # fmt: skip
        return "\n".join(out) + "\n"
    out.append(summary(result))
    if result.cutoff:
        old, new = result.cutoff
        out.append(f"~ {_function(old)} -> {_function(new)}: every SF that uses the global "
                   "cutoff function (types 2-13) takes other values")  # fmt: skip
    rows: Dict[str, List[Tuple[Tuple[object, ...], str]]] = {}
    for sign, entries in (("-", result.removed), ("+", result.added)):
        for e in entries:
            rows.setdefault(e.sf.combination[0], []).append(
                (_order(e), f"{sign} {describe(e)}    ({e.where})")
            )
    for c in result.changed:
        what = ", ".join(f"{FIELD_NAMES[f]} {_token(c.old, f)} -> {_token(c.new, f)}"
                         for f in c.fields)  # fmt: skip
        rows.setdefault(c.old.sf.combination[0], []).append((_order(c.old),
            f"~ {describe(c.old)} -> {describe(c.new)}    ({what}; {c.old.where} -> "
            f"{c.new.where})"))  # fmt: skip
    for central in sorted(rows, key=ATOMIC_NUMBER.__getitem__):
        out += ["", f"{central}:"] + [text for _, text in sorted(rows[central])]
    return "\n".join(out) + "\n"
