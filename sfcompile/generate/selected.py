"""A spec for a subset of a pool spec's symmetry functions (what ``sfcompile select`` writes).

The subset's lines are grouped per (type, cutoff) (polynomial types: per type; each window
carries its cutoff), and element combinations with the same parameter rows share one set, with
the shortest element filters. A group is written

* as the pool's own set table (new filters only) when it holds all of that set's rows;
* else as ``rule = "custom"`` when its rows are a Cartesian product ((r_shift, eta) pairs ×
  zetas × lambdas; radial windows × angle windows × subtypes);
* else as ``rule = "list"``: one parameter tuple per line.

Numbers are written with ``repr``, which reads back as the same double, so every line prints
exactly as the pool printed it. Everything else the pool says (elements, cutoff, cutoff
function, [output], [n2p2], [n2p2_unchecked]) is copied. The result is verified: the written
spec is loaded, generated and compared with the subset, line by line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ..errors import Diagnostic, SpecError
from ..spec.load import LoadedSpec, load_spec, source_from_text
from ..spec.sftypes import BY_NUMBER, Combination
from ..spec.toml_text import toml_key, toml_value
from .expand import GeneratedSet, Row, SymmetryFunction, generate
from .filters import shortest_filters

FILTER_KEYS = ("central", "neighbours", "include", "exclude")
# the keys of a copied set in the order the manual writes them (any other key after them)
_ORDER = ["rule", "mode", "nb_param_pairs", "nb_windows", "r_lower", "r_upper", "width",
          "cutoff", "r_shift", "eta", "windows", "params", "zetas", "lambdas", "angles",
          "angle_windows", "angle_width", "subtypes"]  # fmt: skip
Place = Tuple[int, Optional[float]]  # type number, cutoff (Gaussian types)


@dataclass
class _Group:
    place: Place
    rows: Tuple[Row, ...]  # in pool order
    sources: Tuple[Tuple[int, int], ...]  # (set index, row index) of each row
    combinations: List[Combination] = field(default_factory=list)


def _locations(
    generated: Sequence[GeneratedSet],
) -> Dict[SymmetryFunction, Tuple[int, Combination, int]]:
    """Every pool line → (set index, combination, row index)."""
    found: Dict[SymmetryFunction, Tuple[int, Combination, int]] = {}
    for g in generated:
        for combination, block in zip(g.combinations, g.blocks):
            for r, sf in enumerate(block):
                found.setdefault(sf, (g.index, combination, r))
    return found


def _groups(generated: Sequence[GeneratedSet], chosen: Iterable[SymmetryFunction]) -> List[_Group]:
    locations = _locations(generated)
    by_set = {g.index: g for g in generated}
    places: Dict[Place, Dict[Combination, List[Tuple[int, int]]]] = {}
    for sf in chosen:
        set_index, combination, r = locations[sf]
        family = BY_NUMBER[sf.type_number].family
        place = (sf.type_number, float(sf.cutoff) if family == "gaussian" else None)
        places.setdefault(place, {}).setdefault(combination, []).append((set_index, r))
    groups: Dict[Tuple[Place, Tuple[Row, ...]], _Group] = {}
    for place, combos in places.items():
        for combination, sources in combos.items():
            ordered = tuple(sorted(sources))
            rows = tuple(by_set[s].rows[r] for s, r in ordered)
            group = groups.setdefault((place, rows), _Group(place, rows, ordered))
            group.combinations.append(combination)
    return sorted(groups.values(), key=lambda g: min(locations_of(g, by_set)))


def locations_of(group: _Group, by_set: Dict[int, GeneratedSet]) -> List[Tuple[int, int, int]]:
    """Where the group's lines sit in the pool: (set, combination position, row)."""
    places = []
    for combination in group.combinations:
        for s, r in group.sources:
            places.append((s, by_set[s].combinations.index(combination), r))
    return places


def _product(rows: Sequence[Row], parts: Sequence[slice]) -> Optional[List[List[Any]]]:
    """The factors (distinct values of each part of the row, in order of appearance) if the
    rows are exactly their Cartesian product; None otherwise."""
    factors: List[List[Any]] = [list(dict.fromkeys(row[p] for row in rows)) for p in parts]
    size = 1
    for factor in factors:
        size *= len(factor)
    if size != len(rows) or len(set(rows)) != len(rows):
        return None
    wanted = set(rows)
    stack: List[Tuple[Any, ...]] = [()]
    for factor in factors:
        stack = [done + tuple(v) for done in stack for v in factor]
    return factors if all(_assemble(t, rows[0], parts) in wanted for t in stack) else None


def _assemble(values: Tuple[Any, ...], template: Row, parts: Sequence[slice]) -> Row:
    row = list(template)
    k = 0
    for p in parts:
        width = len(range(*p.indices(len(row))))
        row[p] = values[k : k + width]
        k += width
    return tuple(row)


# Row layout (see generate.py): (cutoff, eta, r_shift, lambda, zeta, r_lower, theta_l, theta_r,
# subtype).
_GAUSSIAN_PARTS = (slice(1, 3), slice(4, 5), slice(3, 4))  # (eta, r_shift), zeta, lambda


def _gaussian_table(group: _Group, angular: bool) -> Dict[str, Any]:
    factors = _product(group.rows, _GAUSSIAN_PARTS if angular else _GAUSSIAN_PARTS[:1])
    if factors is not None:
        table: Dict[str, Any] = {"rule": "custom"}
        pairs = factors[0]
        table["r_shift"] = [p[1] for p in pairs]
        table["eta"] = [p[0] for p in pairs]
        if angular:
            table["zetas"] = [z[0] for z in factors[1]]
            table["lambdas"] = [int(x[0]) for x in factors[2]]  # -1 or 1
        return table
    params = []
    for row in group.rows:
        item: Dict[str, Any] = {"r_shift": row[2], "eta": row[1]}
        if angular:
            item.update(zeta=row[4], **{"lambda": int(row[3])})
        params.append(item)
    return {"rule": "list", "params": params}


def _poly_table(group: _Group, angular: bool) -> Dict[str, Any]:
    parts = (_WINDOW, slice(6, 8), slice(8, 9)) if angular else (_WINDOW, slice(8, 9))
    factors = _product(group.rows, parts)
    if factors is not None:
        table: Dict[str, Any] = {"rule": "custom"}
        table["windows"] = [[w[1], w[0]] for w in factors[0]]
        if angular:
            table["angles"] = [list(a) for a in factors[1]]
        table["subtypes"] = [s[0] for s in factors[-1]]
        return table
    params = []
    for row in group.rows:
        item: Dict[str, Any] = {"r_lower": row[5], "r_cutoff": row[0]}
        if angular:
            item.update(theta_left=row[6], theta_right=row[7])
        item["subtype"] = row[8]
        params.append(item)
    return {"rule": "list", "params": params}


_WINDOW = slice(0, 6, 5)  # (r_c, r_l)


def _table(group: _Group, spec_cutoff: float, by_set: Dict[int, GeneratedSet]) -> Dict[str, Any]:
    number, cutoff = group.place
    sftype = BY_NUMBER[number]
    table: Dict[str, Any] = {"type": sftype.name}
    sets = {s for s, _ in group.sources}
    whole = next(iter(sets)) if len(sets) == 1 else None
    if whole is not None and len(group.rows) == len(by_set[whole].rows):
        own = by_set[whole].settings.model_dump(exclude_unset=True, by_alias=True)
        keys = sorted(own, key=lambda k: _ORDER.index(k) if k in _ORDER else len(_ORDER))
        table.update((k, own[k]) for k in keys if k not in FILTER_KEYS and k != "type")
        values: Dict[str, Any] = {}
    else:
        values = (_gaussian_table if sftype.family == "gaussian" else _poly_table)(
            group, sftype.angular
        )
        table["rule"] = values.pop("rule")
        if cutoff is not None and cutoff != spec_cutoff:
            table["cutoff"] = group.rows[0][0]
    elements = by_set[next(iter(sets))].elements
    table.update(shortest_filters(number, group.combinations, elements))
    table.update(values)
    return table


def _table_text(name: str, table: Dict[str, Any]) -> List[str]:
    """A table and its sub-tables (a header only where the table has keys of its own)."""
    own = [f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items() if not isinstance(v, dict)]
    lines = [f"[{name}]", *own] if own else []
    for key, value in table.items():
        if isinstance(value, dict):
            lines += ["", *_table_text(f"{name}.{toml_key(key)}", value)]
    return lines[1:] if lines and not lines[0] else lines


WIDTH = 100


def _assignment(key: str, value: Any) -> List[str]:
    """``key = value``; a long array over several lines, as many items per line as fit."""
    text = f"{toml_key(key)} = {toml_value(value)}"
    if len(text) <= WIDTH or not isinstance(value, list):
        return [text]
    lines, line = [f"{toml_key(key)} = ["], "   "
    for item in map(toml_value, value):
        if len(line) + len(item) + 2 > WIDTH and line.strip():
            lines.append(line.rstrip())
            line = "   "
        line += f" {item},"
    return [*lines, line.rstrip(), "]"]


def _set_text(table: Dict[str, Any], count: int) -> List[str]:
    lines = [f"# {count} line(s)", "[[sets]]"]
    for key, value in table.items():
        if key == "params":
            lines += ["params = [", *(f"  {toml_value(item)}," for item in value), "]"]
        else:
            lines += _assignment(key, value)
    return lines


def selected_spec_text(
    loaded: LoadedSpec,
    generated: Sequence[GeneratedSet],
    chosen: Sequence[SymmetryFunction],
    selection: Dict[str, Any],
    preamble: Sequence[str] = (),
) -> str:
    """The spec text for ``chosen`` (lines of ``generated``, the pool's), with a [selection]
    table and ``preamble`` comment lines; verified to generate exactly ``chosen``."""
    spec = loaded.spec
    by_set = {g.index: g for g in generated}
    out = [f"# {line}" if line else "#" for line in preamble]
    out += [
        "",
        f"elements = {toml_value(list(spec.elements))}",
        f"cutoff = {toml_value(spec.cutoff)}",
        *([f"unit = {toml_value(spec.unit)}"] if spec.unit is not None else []),
    ]
    tables: List[Tuple[str, Dict[str, Any]]] = []
    if spec.cutoff_function is not None:
        tables.append(("cutoff_function", spec.cutoff_function.model_dump(exclude_unset=True)))
    output = spec.output.model_dump(exclude_unset=True)
    if output:
        tables.append(("output", output))
    if spec.aenet is not None:
        tables.append(("aenet", spec.aenet.model_dump(exclude_unset=True)))
    for name in ("n2p2", "n2p2_unchecked"):
        table = getattr(spec, name)
        if table:
            tables.append((name, dict(table)))
    tables.append(("selection", selection))
    for name, table in tables:
        out += ["", *_table_text(name, table)]
    for group in _groups(generated, chosen):
        table = _table(group, spec.cutoff, by_set)
        out += ["", *_set_text(table, len(group.rows) * len(group.combinations))]
    text = "\n".join(out) + "\n"
    _verify(text, chosen, loaded)
    return text


def _verify(text: str, chosen: Sequence[SymmetryFunction], pool: LoadedSpec) -> None:
    written = load_spec(source_from_text(text, f"<selection of {pool.source.display_name}>"))
    lines = [sf for g in generate(written.spec) for block in g.blocks for sf in block]
    if Counter(lines) != Counter(chosen):
        message = (
            "internal error: the selected spec does not generate exactly the selected lines "
            f"({len(lines)} lines for {len(chosen)} selected); please report it"
        )
        raise SpecError([Diagnostic("error", message, pool.source.display_name)])
