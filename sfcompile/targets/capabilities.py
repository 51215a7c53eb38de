"""What each target can express, and the located refusal of everything it cannot.

A target is a template set plus a small module; the module declares a :class:`Capabilities`
and :func:`refusals` holds a spec against it before anything is rendered. Every refusal names
the set (its ``[[sets]]`` table, at the key that carries the feature when the spec writes one),
the feature and the target, so that nothing is ever lost silently.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from ..errors import Diagnostic, KeyPath
from ..generate.expand import GeneratedSet
from ..spec.load import LoadedSpec
from ..spec.sftypes import BY_NUMBER, SF_TYPES
from .units import NAMES

GAUSSIAN_BASIC = (2, 3, 9)  # radial G2, narrow angular G4, wide angular G5 (Behler 2011)


@dataclass(frozen=True)
class Capabilities:
    """What a target's code can take."""

    name: str  # the target's name (``--target``)
    code: str  # the code and the file it reads, for messages
    types: Tuple[int, ...]  # n2p2 type numbers it can express
    unit: Optional[str]  # the length unit the code assumes ("angstrom", "bohr"), None: any
    angular_shift: bool = True  # r_s != 0 in angular Gaussian SFs
    cutoff_functions: Optional[Tuple[str, ...]] = None  # None: all of n2p2's
    inner_cutoff: bool = True  # alpha > 0
    one_cutoff_per_element: bool = False  # every SF of a central element shares one cutoff
    same_parameters_per_combination: bool = False  # a central's SFs repeat for every combination
    files: str = "one"  # "one" file, or "per-element"
    notes: Tuple[str, ...] = ()  # conventions worth saying in explain

    def can(self) -> List[str]:
        kinds = ", ".join(f"{BY_NUMBER[n].name} ({n})" for n in self.types)
        lines = [f"SF types: {kinds}"]
        if self.unit is not None:
            lines.append(f"lengths in {NAMES[self.unit]}: converted exactly from the spec's unit")
        else:
            lines.append("lengths in any unit (written as the spec gives them)")
        if self.cutoff_functions is None:
            lines.append("every n2p2 cutoff function" + (", alpha" if self.inner_cutoff else ""))
        else:
            lines.append("cutoff function: " + ", ".join(self.cutoff_functions))
        if not self.one_cutoff_per_element:
            lines.append("a cutoff per set (per-set and per-pair cutoffs)")
        if self.angular_shift:
            lines.append("r_shift in angular SFs")
        return lines + list(self.notes)

    def cannot(self) -> List[str]:
        missing = [t for t in SF_TYPES.values() if t.number not in self.types]
        lines = [f"{t.name} ({t.number})" for t in missing]
        if not self.angular_shift:
            lines.append("r_shift != 0 in angular SFs")
        if self.cutoff_functions is not None:
            lines.append("any other cutoff function")
        if not self.inner_cutoff:
            lines.append("an inner cutoff (cutoff_function.alpha > 0)")
        if self.one_cutoff_per_element:
            lines.append("different cutoffs among the SFs of one central element")
        if self.same_parameters_per_combination:
            lines.append(
                "parameters that differ between the element combinations of a central element, "
                "or a combination left out by the filters"
            )
        return lines


def _at(loaded: LoadedSpec, index: int, keys: Sequence[str]) -> KeyPath:
    """The set's table, at the first of ``keys`` the user wrote."""
    for key in keys:
        if ("sets", index, key) in loaded.positions:
            return ("sets", index, key)
    return ("sets", index)


class _Refusals:
    def __init__(self, loaded: LoadedSpec, target: Capabilities) -> None:
        self.loaded, self.target = loaded, target
        self.found: List[Diagnostic] = []

    def add(self, path: KeyPath, feature: str, why: str) -> None:
        message = f"the {self.target.name} target ({self.target.code}) cannot take {feature}: {why}"
        self.found.append(self.loaded.diagnostic("error", path, message))

    def unit(self) -> None:
        spec, wanted = self.loaded.spec, self.target.unit
        if wanted is None or spec.unit is not None:
            return
        message = (
            f"the {self.target.name} target writes lengths in {NAMES[wanted]} ({self.target.code} "
            "assumes it), but the spec does not say which unit its lengths are in: add "
            'unit = "angstrom" or unit = "bohr" at the top of the spec'
        )
        self.found.append(self.loaded.diagnostic("error", ("cutoff",), message))

    def cutoff_function(self) -> None:
        function, allowed = self.loaded.spec.cutoff_function, self.target.cutoff_functions
        if function is None:
            return
        if allowed is not None and function.type not in allowed:
            self.add(
                ("cutoff_function", "type"),
                f"cutoff function {function.type!r}",
                f"it has {', '.join(allowed)} only; use type = {allowed[0]!r} or another target",
            )
        if not self.target.inner_cutoff and function.alpha > 0:
            self.add(
                ("cutoff_function", "alpha"),
                f"an inner cutoff (alpha = {function.alpha!r})",
                "its cutoff function starts falling at r = 0; remove alpha or compile for n2p2",
            )

    def sets(self, generated: Sequence[GeneratedSet]) -> None:
        allowed = ", ".join(f"{BY_NUMBER[n].name} ({n})" for n in self.target.types)
        for g in generated:
            sftype = g.sftype
            if sftype.number not in self.target.types:
                self.add(
                    _at(self.loaded, g.index, ("type",)),
                    f"type {sftype.name!r} (n2p2 type {sftype.number})",
                    f"it has no {sftype.title.lower()} SFs; it takes {allowed}",
                )
                continue
            shifted = sftype.angular and any(row[2] not in (None, 0) for row in g.rows)
            if shifted and not self.target.angular_shift:
                self.add(
                    _at(self.loaded, g.index, ("r_shift", "params", "mode", "rule")),
                    "an angular SF with r_shift != 0",
                    "its angular SFs are centred at r = 0 (exp(-eta r^2)); use r_shift = 0 "
                    '(e.g. mode = "center") or compile for n2p2',
                )

    def one_cutoff(self, generated: Sequence[GeneratedSet]) -> None:
        first: Dict[str, Tuple[float, int]] = {}  # central -> (cutoff, set)
        for g in generated:
            if g.sftype.number not in self.target.types:
                continue
            for combination in g.combinations:
                central = combination[0]
                for row in g.rows:
                    cutoff = float(row[0])
                    seen = first.setdefault(central, (cutoff, g.index))
                    if seen[0] != cutoff:
                        self.add(
                            _at(self.loaded, g.index, ("cutoff",)),
                            f"a second cutoff for central element {central} ({cutoff!r}; "
                            f"sets[{seen[1]}] has {seen[0]!r})",
                            "it applies one cutoff to every SF of a central element; give "
                            "these sets the same cutoff",
                        )
                        return

    def same_parameters(self, generated: Sequence[GeneratedSet], elements: Tuple[str, ...]) -> None:
        """Per central element and type: every element combination has the same rows, and
        every combination of the type is there (the code computes them all)."""
        rows: Dict[Tuple[str, int], Dict[Tuple[str, ...], List[Tuple[object, ...]]]] = {}
        first_set: Dict[Tuple[str, int], int] = {}
        for g in generated:
            number = g.sftype.number
            if number not in self.target.types:
                continue
            for combination in g.combinations:
                key = (combination[0], number)
                first_set.setdefault(key, g.index)
                per = rows.setdefault(key, {})
                per.setdefault(tuple(sorted(combination[1:])), []).extend(g.rows)
        for (central, number), per in rows.items():
            sftype = BY_NUMBER[number]
            every = [tuple(sorted(c[1:])) for c in sftype.combinations(elements) if c[0] == central]
            reference = sorted(map(repr, per.get(every[0], [])))
            odd = [c for c in every if sorted(map(repr, per.get(c, []))) != reference]
            if not odd and all(c in per for c in every):
                continue
            where = _at(self.loaded, first_set[(central, number)], ("include", "exclude"))
            shown = ", ".join("-".join((central, *c)) for c in (odd or every)[:3])
            self.add(
                where,
                f"{sftype.name} SFs of central element {central} whose parameters differ "
                f"between element combinations (e.g. {shown})",
                "it applies the same parameters to every neighbour element (pair) of a central "
                "element; give every combination the same parameters (no include/exclude "
                "filters, the same sets for every neighbour)",
            )


def refusals(
    loaded: LoadedSpec, generated: Sequence[GeneratedSet], target: Capabilities
) -> List[Diagnostic]:
    """Everything in the spec the target cannot express, located (empty: it can take it all)."""
    found = _Refusals(loaded, target)
    found.unit()
    found.cutoff_function()
    found.sets(generated)
    if target.one_cutoff_per_element:
        found.one_cutoff(generated)
    if target.same_parameters_per_combination:
        found.same_parameters(generated, loaded.spec.element_tuple)
    return sorted(found.found, key=lambda d: (d.line or 0, d.column or 0))


def describe(target: Capabilities, problems: Optional[Sequence[Diagnostic]] = None) -> str:
    """``explain --target``: what the target can and cannot take (and, given a spec's
    refusals, whether this spec compiles for it)."""

    def items(texts: Sequence[str]) -> List[str]:
        return [
            line
            for text in texts
            for line in textwrap.wrap(text, 80, initial_indent="    - ", subsequent_indent="      ")
        ]

    lines = [f"Target {target.name} ({target.code})", "  can take:", *items(target.can())]
    cannot = target.cannot()
    lines += ["  cannot take (a located error; nothing is written):"]
    lines += items(cannot) if cannot else ["    - (nothing)"]
    if problems is not None:
        verdict = "compiles for it" if not problems else f"has {len(problems)} refusal(s):"
        lines.append(f"  this spec {verdict}")
        lines += [f"    {d.format()}" for d in problems]
    return "\n".join(lines) + "\n"
