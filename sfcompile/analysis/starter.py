"""A commented starter spec from what :mod:`.survey` measured in a data set (``sfcompile init``).

The rules, each quoted with its measured figures in the spec's comments:

* elements: those found, by atomic number (n2p2's own order, independent of the file's order);
* length unit: the smallest ratio over element pairs of shortest distance / sum of covalent
  radii (Cordero et al. 2008, in Å). Bonded atoms sit at about 1× that sum in Å and 1.89× in
  Bohr, so a ratio below 1.4 reads as Å, 1.4 to 2.6 as Bohr, anything else as unknown;
* cutoff: the usual value for the unit (6 Å, 12 Bohr) or 2.5 median nearest-neighbour
  distances, whichever is larger (a few neighbour shells), rounded up to 0.5;
* radial sets: element pairs sorted by their shortest distance; a pair whose shortest distance
  is more than 20 % above the smallest of its group starts a new group; each group is one
  Gastegger 2018 ``shift`` set (``include`` filters unless one set covers every pair) with
  r_lower the group's shortest distance rounded down to 0.1 and N Gaussians about 0.5 Å
  (1 Bohr) apart, the last one spacing before the cutoff; pairs never closer than the cutoff
  get no radial SFs (they would be 0 on every atom);
* angular set: type 9 (``angular_wide``: no r_jk factor, so an SF is non-zero wherever its
  triplet occurs within the cutoff, which is what the survey measures), Gastegger 2018
  ``center`` with 3 widths from the closest triplet (the smallest r within which some atom has
  two neighbours) to the cutoff, ζ = 1, 2, 4, 16 and λ = ±1; triplets that never occur within
  the cutoff are excluded. (On a few small molecules a rare triplet seen only at small angles
  can still give a λ = −1, ζ = 16 SF too small to scale; ``sfcompile stats`` names it.)
* ``[cutoff_function]``: poly2 (n2p2's type 6), smooth to the second derivative at r_c.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations_with_replacement
from typing import List, Optional, Sequence, Tuple, TypeVar

from ..errors import Diagnostic
from ..readers.structures import DataError
from .radii import COVALENT_RADIUS
from .stats import Pair
from .survey import SEARCH, Survey

ANGSTROM_BELOW = 1.4  # shortest distance / covalent sum below this: Å
BOHR_BELOW = 2.6  # ... from ANGSTROM_BELOW to this: Bohr
TOO_SHORT = 0.55  # below this, shorter than any bond in Å: unknown
DEFAULTS = {"Å": (6.0, 0.5), "Bohr": (12.0, 1.0)}  # usual cutoff, Gaussian spacing
SHELLS = 2.5  # the cutoff spans at least this many median nearest-neighbour distances
GROUPING = 1.2  # a pair 20 % beyond its group's shortest distance starts a new group
ZETAS = (1.0, 2.0, 4.0, 16.0)
ANGULAR_WIDTHS = 3


@dataclass(frozen=True)
class UnitGuess:
    unit: str  # "Å", "Bohr" or "unknown"
    ratio: Optional[float] = None  # shortest distance / covalent sum of the pair below
    pair: Optional[Pair] = None
    distance: Optional[float] = None
    covalent: Optional[float] = None  # sum of the pair's covalent radii, Å


def guess_units(survey: Survey) -> UnitGuess:
    """The length unit the distances of ``survey`` most likely have (see the module doc)."""
    ratios = [
        (d / (COVALENT_RADIUS[p[0]] + COVALENT_RADIUS[p[1]]), p, d)
        for p, d in sorted(survey.closest.items())
        if p[0] in COVALENT_RADIUS and p[1] in COVALENT_RADIUS
    ]
    if not ratios:
        return UnitGuess("unknown")
    ratio, pair, distance = min(ratios)
    covalent = COVALENT_RADIUS[pair[0]] + COVALENT_RADIUS[pair[1]]
    if TOO_SHORT <= ratio < ANGSTROM_BELOW:
        unit = "Å"
    elif ANGSTROM_BELOW <= ratio < BOHR_BELOW:
        unit = "Bohr"
    else:
        unit = "unknown"
    return UnitGuess(unit, ratio, pair, distance, covalent)


def _real(x: float, digits: int = 2) -> str:
    """``x`` rounded, written as a TOML float (always with a point)."""
    text = f"{round(x, digits):.{digits}f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _down(x: float, step: float = 0.1) -> float:
    return math.floor(x / step + 1e-9) * step


K = TypeVar("K", bound=Tuple[str, ...])


def _group(items: Sequence[Tuple[K, float]]) -> List[List[Tuple[K, float]]]:
    """Element pairs or triplets sorted by distance, cut where one exceeds its group's first by
    20 %."""
    groups: List[List[Tuple[K, float]]] = []
    for pair, d in sorted(items, key=lambda item: (item[1], item[0])):
        if groups and d <= GROUPING * groups[-1][0][1]:
            groups[-1].append((pair, d))
        else:
            groups.append([(pair, d)])
    return groups


def _toml_array(key: str, items: Sequence[Sequence[str]], width: int = 96) -> List[str]:
    """``key = [["A", "B"], ...]``, one line if it fits, else several rows of items."""
    parts = ["[" + ", ".join(f'"{e}"' for e in item) + "]" for item in items]
    line = f"{key} = [{', '.join(parts)}]"
    if len(line) <= width:
        return [line]
    rows, row = [f"{key} = ["], "   "
    for part in parts:
        if len(row) + len(part) + 2 > width:
            rows.append(row.rstrip())
            row = "   "
        row += f" {part},"
    return [*rows, row.rstrip(), "]"]


@dataclass(frozen=True)
class Starter:
    text: str  # the spec
    elements: Tuple[str, ...]
    unit: str
    cutoff: float
    radial_sets: int
    angular_sets: int


class _Writer:
    """The spec's lines, built section by section."""

    def __init__(self, survey: Survey, source: str) -> None:
        self.survey, self.source = survey, source
        self.elements = survey.elements
        self.rank = {e: k for k, e in enumerate(self.elements)}
        self.units = guess_units(survey)
        self.lines: List[str] = []

    def ordered(self, pair: Pair) -> Tuple[str, str]:
        a, b = sorted(pair, key=self.rank.__getitem__)
        return a, b

    def name(self, pair: Pair) -> str:
        return "-".join(self.ordered(pair))

    def header(self) -> None:
        s = self.survey
        atoms = ", ".join(f"{e} {s.atoms[e]}" for e in self.elements)
        self.lines += _wrap(
            f"Starter spec written by `sfcompile init` from {self.source}: {s.structures} "
            f"structures, {s.total_atoms} atoms ({atoms}). Every value is a suggestion, with "
            "the measurement it comes from; look at them with `sfcompile plot SPEC --data DATA "
            "-o sfs.pdf` and `sfcompile stats SPEC --data DATA`, then edit."
        )
        self.lines.append("#")
        self.lines += self.unit_comment()
        self.lines.append("")

    def unit_comment(self) -> List[str]:
        u = self.units
        if u.ratio is None or u.pair is None or u.distance is None or u.covalent is None:
            return ["# Length unit: unknown (no element pair with a known covalent radius);",
                    "# every length below is in the unit of the data."]  # fmt: skip
        a, b = self.ordered(u.pair)
        measured = (
            f"the shortest {a}-{b} distance, {u.distance:.4g}, is {u.ratio:.2f} times the sum "
            f"of their covalent radii ({u.covalent:.2f} Å, Cordero et al. 2008)"
        )
        rule = (
            f"bonded atoms sit at about 1 times that sum in Å and 1.9 times in Bohr (the rule: "
            f"below {ANGSTROM_BELOW} Å, {ANGSTROM_BELOW} to {BOHR_BELOW} Bohr)"
        )
        verdict = {"Å": "probably Å", "Bohr": "probably Bohr"}.get(u.unit, "unknown")
        text = f"Length unit: {verdict}. {measured[0].upper()}{measured[1:]}; {rule}."
        if u.unit == "unknown":
            text += " Neither fits: check the data (pm? nm? overlapping atoms?)."
        return [*_wrap(text), "# Every length below is in the unit of the data."]

    def cutoff(self) -> float:
        median = self.survey.median_nearest()
        if median is None:
            message = (
                f"no two atoms are within {SEARCH:g} of each other anywhere in the data: "
                "cannot suggest a cutoff (are the lengths in pm or in a larger unit?)"
            )
            raise DataError([Diagnostic("error", message, self.source)])
        usual, _ = DEFAULTS.get(self.units.unit, (0.0, 0.0))
        cutoff = min(math.ceil(max(usual, SHELLS * median) * 2.0) / 2.0, SEARCH)
        names = ", ".join(f'"{e}"' for e in self.elements)
        self.lines.append(f"elements = [{names}]  # found in the data, by atomic number")
        self.lines.append(f"cutoff = {_real(cutoff, 1)}")
        why = (
            f"cutoff: the larger of the usual {_real(usual, 1)} {self.units.unit} and "
            f"{SHELLS} median nearest-neighbour distances ({SHELLS} x {median:.3g}; a few "
            "neighbour shells), rounded up to 0.5"
            if usual
            else f"cutoff: {SHELLS} median nearest-neighbour distances ({SHELLS} x {median:.3g};"
            " a few neighbour shells), rounded up to 0.5"
        )
        within = self.survey.mean_neighbours(cutoff)
        self.lines += _wrap(f"{why}; an atom has {within:.1f} neighbours within it on average.")
        unit = {"Å": "angstrom", "Bohr": "bohr"}.get(self.units.unit)
        if unit is not None:
            self.lines.append(f'unit = "{unit}"  # the guess above: check it')
        else:
            self.lines.append('# unit = "angstrom"  # or "bohr": unknown from the data; state it')
        self.lines += [
            "",
            "[cutoff_function]",
            'type = "poly2"  # n2p2 cutoff_type 6: smooth to the second derivative at the cutoff',
            "alpha = 0.0     # no inner plateau: the function decays over the whole range",
            "",
        ]
        return cutoff

    def radial(self, cutoff: float) -> int:
        """One radial set per group of element pairs; returns the number of sets."""
        present = [(p, d) for p, d in sorted(self.survey.closest.items()) if d < cutoff]
        absent = [p for p in _all_pairs(self.elements) if p not in dict(present)]
        groups = _group(present)
        lonely = [e for e in self.elements if not any(e in p for p, _ in present)]
        if lonely:  # n2p2 needs SFs for every element: give them the nearest group's
            groups[0] = groups[0] + [(p, cutoff) for p in absent if set(p) & set(lonely)]
            absent = [p for p in absent if not set(p) & set(lonely)]
        _, spacing = DEFAULTS.get(self.units.unit, (0.0, 0.0))
        if not spacing:
            spacing = round((self.survey.median_nearest() or 1.0) / 4.0, 2) or 0.05
        everything = len(groups) == 1 and not absent
        for group in groups:
            self.radial_set(group, cutoff, spacing, everything)
        if absent:
            names = ", ".join(self.name(p) for p in absent)
            self.lines += _wrap(f"No radial SFs for {names}: never closer than the cutoff in "
                                "the data (they would be 0 on every atom).")  # fmt: skip
            self.lines.append("")
        return len(groups)

    def radial_set(
        self, group: List[Tuple[Pair, float]], cutoff: float, spacing: float, everything: bool
    ) -> None:
        shortest = group[0][1]
        r_lower = _down(shortest)
        n = max(4, min(16, round((cutoff - r_lower) / spacing)))
        step = (cutoff - r_lower) / n
        r_upper = cutoff - step
        measured = " and ".join(f"{self.name(p)} {d:.4g}" for p, d in group if d < cutoff)
        unit = self.units.unit if self.units.unit != "unknown" else "length units"
        several = len(group) > 1
        distances = f"s: {measured} (within 20 % of each other)" if several else f": {measured}"
        why = (
            f"Radial SFs of {', '.join(self.name(p) for p, _ in group)}. Shortest distance"
            f"{distances}. Gastegger's shifted Gaussians: r_lower is the shortest distance "
            "rounded down, "
            f"{n} Gaussians {step:.3g} apart (about {spacing:g} {unit}; eta = 1/(2 spacing^2)), "
            "the last one a spacing below the cutoff (where f_c would not cut it off)."
        )
        self.lines += _wrap(why)
        self.lines += [
            "[[sets]]",
            'type = "radial"',
            'rule = "gastegger2018"',
            'mode = "shift"',
            f"nb_param_pairs = {n}",
            f"r_lower = {_real(r_lower, 1)}",
            f"r_upper = {_real(r_upper, 3)}",
        ]
        if not everything:
            combos = []
            for pair, _ in group:
                a, b = self.ordered(pair)
                combos += [[a, b]] if a == b else [[a, b], [b, a]]
            self.lines += _toml_array("include", combos)
        self.lines.append("")

    def angular(self, cutoff: float) -> int:
        """One angular set for every triplet that occurs within the cutoff; returns the number
        of sets (0 or 1)."""
        triplets = [(c, *pair) for c in self.elements
                    for pair in combinations_with_replacement(self.elements, 2)]  # fmt: skip

        def reach(t: Tuple[str, ...]) -> float:
            low, high = sorted(t[1:])
            return self.survey.reach.get((t[0], low, high), math.inf)

        absent = [t for t in triplets if reach(t) >= cutoff]
        if len(absent) == len(triplets):
            self.lines += _wrap("No angular SFs: no atom has two neighbours within the cutoff.")
            return 0
        shortest = min(reach(t) for t in triplets)
        r_lower = max(_down(shortest), 0.1)
        why = (
            "Angular SFs. Type 9 (wide: no r_jk factor, so an SF is non-zero wherever its "
            "triplet occurs within the cutoff); Gastegger's centred Gaussians of "
            f"{ANGULAR_WIDTHS} widths from the closest triplet in the data (both neighbours "
            f"within {shortest:.4g}; rounded down) to the cutoff; zeta 1, 2, 4, 16 (ever "
            "sharper around theta = 0 or 180 degrees), lambda +1 and -1."
        )
        self.lines += _wrap(why)
        self.lines += [
            "[[sets]]",
            'type = "angular_wide"',
            'rule = "gastegger2018"',
            'mode = "center"',
            f"nb_param_pairs = {ANGULAR_WIDTHS}",
            f"r_lower = {_real(r_lower, 1)}",
            f"zetas = [{', '.join(_real(z, 1) for z in ZETAS)}]",
        ]
        if absent:
            names = ", ".join("-".join(t) for t in absent)
            self.lines += _wrap(f"Left out: {names} (central element first): no atom has such a "
                                "pair of neighbours within the cutoff in the data.")  # fmt: skip
            self.lines += _toml_array("exclude", absent)
        self.lines.append("")
        return 1


def _all_pairs(elements: Sequence[str]) -> List[Pair]:
    return [(a, b) if a <= b else (b, a) for a, b in combinations_with_replacement(elements, 2)]


def _wrap(text: str, width: int = 96) -> List[str]:
    """``text`` as ``# `` comment lines of at most ``width`` characters."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width - 2:
            lines.append("# " + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + (["# " + line] if line else [])


def starter_spec(survey: Survey, source: str) -> Starter:
    """The starter spec for the data set ``source`` that ``survey`` measured."""
    if not survey.atoms:
        message = "the data set has no atoms: nothing to suggest a spec from"
        raise DataError([Diagnostic("error", message, source)])
    writer = _Writer(survey, source)
    writer.header()
    cutoff = writer.cutoff()
    radial = writer.radial(cutoff)
    angular = writer.angular(cutoff)
    text = "\n".join(writer.lines).rstrip("\n") + "\n"
    return Starter(text, tuple(writer.elements), writer.units.unit, cutoff, radial, angular)
