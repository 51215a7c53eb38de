"""``sfcompile diff A B``: compare two sets of symmetry functions, whatever wrote them.

A and B are specs (``.toml``: compiled, with every number as the spec's ``[output] precision``
prints it, i.e. as n2p2 will read it) or input.nn files (read strictly by :mod:`.inputnn`). The
comparison is of *multisets* of SFs: the order of the lines, spacing, comments, the keyword's
spelling and the spelling of numbers (``0.01`` is ``1.000E-02``) do not matter, and the
neighbour pair of angular SFs is unordered (``H 3 H O`` is ``H 3 O H``). Types 3 and 9 (21/22,
24/25) are different SFs.

**Changed**: after taking out the SFs both sides have, an SF only in A and an SF only in B are
shown as one change when they have the same type, central element and neighbours and differ
in at most two parameters (Gaussian: r_c, eta, r_s, lambda, zeta; polynomial: r_l, r_c,
theta_l, theta_r, subtype). Each SF of A, in sorted order, is paired with the first unpaired SF
of B that differs in the fewest parameters (one before two). Everything else is removed (only
in A) or added (only in B).

:func:`match_records` matches a file's lines to SFs meant to reproduce them, each number to the
digits the file writes (:func:`agrees`); ``sfcompile import`` verifies every spec with it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

from ..errors import SpecError
from ..generate.expand import SymmetryFunction, generate
from ..spec.elements import ATOMIC_NUMBER
from ..spec.load import LoadedSpec, load_spec
from ..spec.sftypes import BY_NUMBER
from ..targets import formatting
from .reader import SFRecord, normal_key, read_file, read_input_nn
from .values import FIELD_NAMES, LAYOUTS

MAX_CHANGED_FIELDS = 2
_GAUSSIAN = ("cutoff", "eta", "r_shift", "lambda_", "zeta")
_POLY = ("r_lower", "cutoff", "theta_left", "theta_right", "subtype")


@dataclass(frozen=True)
class SFEntry:
    """One SF of a source and where it comes from (``file:line``, or a spec's SF line)."""

    sf: SymmetryFunction
    where: str

    @property
    def key(self) -> Tuple[object, ...]:
        return normal_key(self.sf)


@dataclass(frozen=True)
class SFSource:
    name: str
    entries: Tuple[SFEntry, ...]


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
    unchanged: int

    @property
    def equal(self) -> bool:
        return not (self.removed or self.added or self.changed)


def source_from_input_nn(text: str, name: str) -> SFSource:
    """An input.nn's SFs; raises SpecError if the reader finds errors."""
    parsed = read_input_nn(text, name)
    if parsed.errors:
        raise SpecError(parsed.errors)
    return SFSource(name, tuple(SFEntry(r.sf, f"{name}:{r.line}") for r in parsed.records))


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
        entries.append(SFEntry(printed, f"SF line {n}"))
    return SFSource(loaded.source.display_name, tuple(entries))


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


def _differing(old: SFEntry, new: SFEntry) -> Optional[Tuple[str, ...]]:
    """The differing parameters if ``new`` may be a changed ``old`` (else None)."""
    if old.key[:2] != new.key[:2]:  # type, central element and (normalised) neighbours
        return None
    fields = tuple(f for f in _fields(old.sf) if getattr(old.sf, f) != getattr(new.sf, f))
    return fields if 0 < len(fields) <= MAX_CHANGED_FIELDS else None


def _pair(removed: List[SFEntry], added: List[SFEntry]) -> List[Change]:
    free = list(added)
    changes = []
    for old in removed:
        best: Optional[Tuple[int, SFEntry, Tuple[str, ...]]] = None
        for k, new in enumerate(free):
            fields = _differing(old, new)
            if fields is not None and (best is None or len(fields) < len(best[2])):
                best = (k, new, fields)
        if best is not None:
            del free[best[0]]
            changes.append(Change(old, best[1], best[2]))
    return changes


# -- text ---------------------------------------------------------------------------------------


def _number(value: object) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def describe(sf: SymmetryFunction) -> str:
    """The SF as n2p2's tokens after the keyword, numbers in their shortest exact form."""
    tokens = [sf.combination[0], str(sf.type_number)]
    neighbours = iter(sf.combination[1:])
    for name in LAYOUTS[sf.type_number]:
        if name in ("e1", "e2"):
            tokens.append(next(neighbours))
        elif name == "lambda_":
            tokens.append(formatting.lambda_(float(sf.lambda_ or 0.0)).strip())
        else:
            tokens.append(_number(getattr(sf, name)))
    return " ".join(tokens)


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
    out.append(f"{len(result.removed)} removed, {len(result.added)} added, "
               f"{len(result.changed)} changed, {result.unchanged} unchanged")  # fmt: skip
    rows: Dict[str, List[Tuple[Tuple[object, ...], str]]] = {}
    for e in result.removed:
        rows.setdefault(e.sf.combination[0], []).append((_order(e), f"- {describe(e.sf)}"
                                                        f"    ({e.where})"))  # fmt: skip
    for e in result.added:
        rows.setdefault(e.sf.combination[0], []).append((_order(e), f"+ {describe(e.sf)}"
                                                        f"    ({e.where})"))  # fmt: skip
    for c in result.changed:
        what = ", ".join(f"{FIELD_NAMES[f]} {_number(getattr(c.old.sf, f))} -> "
                         f"{_number(getattr(c.new.sf, f))}" for f in c.fields)  # fmt: skip
        rows.setdefault(c.old.sf.combination[0], []).append((_order(c.old),
            f"~ {describe(c.old.sf)} -> {describe(c.new.sf)}    ({what}; {c.old.where} -> "
            f"{c.new.where})"))  # fmt: skip
    for central in sorted(rows, key=ATOMIC_NUMBER.__getitem__):
        out += ["", f"{central}:"] + [text for _, text in sorted(rows[central])]
    return "\n".join(out) + "\n"


# -- a file's lines against SFs meant to reproduce them (import's verification) ----------------

_GAUSSIAN_VALUES = ("cutoff", "eta", "r_shift", "zeta")
_POLY_VALUES = ("cutoff", "r_lower", "theta_left", "theta_right")


def agrees(value: float, token: str) -> bool:
    """``value`` printed at the precision of ``token`` reads back as ``token``'s number.
    Tokens with fewer than 3 significant digits (``0.1``, ``5``) must match exactly."""
    written = float(token)
    if value == written:
        return True
    mantissa, _, _ = token.lower().partition("e")
    digits = mantissa.lstrip("+-").replace(".", "").lstrip("0")
    if len(digits) < 3:
        return False
    decimals = len(mantissa.partition(".")[2])
    spec = f".{decimals}E" if "e" in token.lower() else f".{decimals}f"
    return float(format(value, spec)) == written


def _values(sf: SymmetryFunction) -> Tuple[str, ...]:
    return _GAUSSIAN_VALUES if BY_NUMBER[sf.type_number].family == "gaussian" else _POLY_VALUES


def _bucket(sf: SymmetryFunction) -> Tuple[object, ...]:
    central, *neighbours = sf.combination
    pair = tuple(sorted(neighbours, key=ATOMIC_NUMBER.__getitem__))
    return (sf.type_number, central, pair, sf.subtype, sf.lambda_)


def _printed(sf: SymmetryFunction, numbers: formatting.NumberFormat) -> Tuple[Optional[float], ...]:
    values = (getattr(sf, name) for name in _values(sf))
    return tuple(None if v is None else float(numbers.real(v)) for v in values)


def _sort_key(values: Sequence[Optional[float]]) -> Tuple[float, ...]:
    return tuple(0.0 if v is None else float(v) for v in values)


def _agrees_all(printed: Tuple[Optional[float], ...], record: SFRecord) -> bool:
    """Each printed value agrees with the record's token (or, unwritten, equals its value)."""
    for name, value in zip(_values(record.sf), printed):
        token = record.written.get(name)
        if value is None or token is None:
            if value != getattr(record.sf, name):
                return False
        elif not agrees(value, token):
            return False
    return True


def match_records(
    sfs: Sequence[SymmetryFunction], records: Sequence[SFRecord], numbers: formatting.NumberFormat
) -> Optional[List[int]]:
    """For each generated line, the index of the file's line it reproduces (None: it does not)."""
    if len(sfs) != len(records):
        return None
    buckets: Dict[Tuple[object, ...], Tuple[List[int], List[int]]] = {}
    for i, sf in enumerate(sfs):
        buckets.setdefault(_bucket(sf), ([], []))[0].append(i)
    for j, r in enumerate(records):
        buckets.setdefault(_bucket(r.sf), ([], []))[1].append(j)
    mapping = [-1] * len(sfs)
    for made, read in buckets.values():
        printed = {i: _printed(sfs[i], numbers) for i in made}
        made.sort(key=lambda i: _sort_key(printed[i]))
        read.sort(
            key=lambda j: _sort_key([getattr(records[j].sf, n) for n in _values(records[j].sf)])
        )
        pairs = list(zip(made, read))
        if len(made) != len(read):
            return None
        if not all(_agrees_all(printed[i], records[j]) for i, j in pairs):
            free, pairs = list(read), []
            for i in made:
                found = next((j for j in free if _agrees_all(printed[i], records[j])), None)
                if found is None:
                    return None
                free.remove(found)
                pairs.append((i, found))
        for i, j in pairs:
            mapping[i] = j
    return mapping
