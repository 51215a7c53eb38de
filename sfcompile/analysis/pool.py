"""A candidate pool for ``sfcompile select`` from what :mod:`.survey` measured
(``sfcompile init --pool``).

A selection keeps SFs of its pool and nothing else. From a pool whose radial Gaussians all have
one narrow width, the few it keeps leave gaps between them where no radial SF responds to a
neighbour; a pool with several widths lets it keep broad Gaussians where the data need no
detail (docs/select.md, "Pools"). The rules, each quoted in the spec's comments:

* elements, length unit, cutoff, ``[cutoff_function]``: as the starter spec's (:mod:`.starter`);
* radial: the starter's groups of element pairs (a pair more than 20 % beyond the shortest
  distance of its group starts a new group). Per group, with r_lower the group's shortest
  distance rounded down to 0.1 and span L = cutoff - r_lower: four Gastegger 2018 ``shift``
  sets of n = 6, 8, 12 and 20 Gaussians, spacing s = L/n from r_lower to one spacing below the
  cutoff, each as wide as its spacing (sigma = s); and one ``center`` set of 8 Gaussians
  centred at 0 with sigma from r_lower to L/8 below the cutoff: 54 SFs per element pair;
* angular: for every element triplet found within the cutoff, ``custom`` sets of one width
  each: Imbalzano 2018's centred widths eta_m = (3^(m/3)/r_c)^2 (m = 0..3: sigma = 1/sqrt(2
  eta) from r_c/sqrt(2) to r_c/(3 sqrt(2))) as ``angular_narrow`` (type 3) and
  ``angular_wide`` (type 9), and one broad ``angular_wide`` set with eta = 0 (the angles
  weighted by the cutoff function only); zeta = 1, 2, 4, 16 and lambda = +-1 in each. Fewer
  for more elements (:func:`angular_plan`): the triplets grow as E^2 (E (E+1)/2 per central
  element);
* SFs constant on the data: the pool is evaluated on the data as ``sfcompile stats`` does, and
  a set leaves out every element combination on which one of its SFs is constant there
  (max - min <= 1e-10 max(1, |min|, |max|): ``stats``' dead SFs, never picked by ``select``),
  saying so in a comment (:func:`constant_combinations`). An element on which every SF is
  constant (a single atom in the data) keeps them: n2p2 needs SFs for every element; the header
  says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import combinations_with_replacement
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ..engine.limits import MAX_PAIRS, MAX_TRIPLETS
from ..engine.sfvalues import StructureLike
from ..errors import Diagnostic
from ..generate.expand import SymmetryFunction
from ..generate.pipeline import Checked, check
from ..readers.structures import DataError
from ..spec.load import load_spec, source_from_text
from ..targets.formatting import NumberFormat
from .report import DEAD_THRESHOLD, describe, is_dead
from .starter import Starter, _down, _real, _toml_array, _wrap, _Writer
from .stats import Pair, Progress, Totals, collect, spec_plan
from .survey import Survey

Combination = Tuple[str, ...]
SHIFTS = (6, 8, 12, 20)  # Gaussians per shift set: spacings L/6 ... L/20
CENTRED = 8
ZETAS = (1.0, 2.0, 4.0, 16.0)
WIDTH_STEPS = 3  # Imbalzano 2018 centred, 4 widths: eta_m = (3^(m/3)/r_c)^2, m = 0..3


@dataclass(frozen=True)
class AngularPlan:
    """Which angular sets every element triplet gets."""

    types: Tuple[str, ...]  # angular_narrow and/or angular_wide
    widths: Tuple[int, ...]  # m of eta_m = (3^(m/3)/r_c)^2

    def per_triplet(self) -> int:
        return (len(self.types) * len(self.widths) + 1) * len(ZETAS) * 2  # + the broad set


def angular_plan(n_elements: int) -> AngularPlan:
    """Fewer angular widths for more elements: 72 SFs per triplet for 1 or 2 elements, 40 for
    3, 24 for 4 and 16 from 5 on (the broad set included)."""
    both = ("angular_narrow", "angular_wide")
    if n_elements <= 2:
        return AngularPlan(both, (0, 1, 2, 3))
    if n_elements == 3:
        return AngularPlan(both, (1, 3))
    if n_elements == 4:
        return AngularPlan(("angular_wide",), (1, 3))
    return AngularPlan(("angular_wide",), (2,))


def angular_eta(m: int, cutoff: float) -> float:
    """Imbalzano 2018's centred eta_m for 4 widths, to 4 significant digits."""
    return float(f"{(WIDTH_STEPS ** (m / WIDTH_STEPS) / cutoff) ** 2:.4g}")


def _toml_float(x: float) -> str:
    """``x`` as a TOML float: repr, with a point (``0.0577``, ``1e-05`` -> ``1.0e-05``)."""
    text = repr(float(x))
    if "e" in text and "." not in text.split("e")[0]:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


@dataclass(frozen=True)
class Pool(Starter):
    """A starter spec's figures, and how many element combinations the pool left out."""

    left_out: int  # element combinations left out of a set because one of its SFs is constant
    stuck: Tuple[str, ...] = ()  # elements on which every SF is constant (kept)


class _PoolWriter(_Writer):
    """The starter's sections, with the pool's radial and angular sets; ``dropped`` holds, per
    ``[[sets]]`` table of the first draft (0-based), the combinations to leave out."""

    def __init__(
        self,
        survey: Survey,
        source: str,
        dropped: Mapping[int, Mapping[Combination, str]],
        stuck: Sequence[str] = (),
    ) -> None:
        super().__init__(survey, source)
        self.dropped, self.stuck = dropped, stuck
        self.planned = 0  # tables planned so far: the draft's set index of the next one
        self.written = {"radial": 0, "angular": 0}
        self.left_out = 0

    def header(self) -> None:
        s = self.survey
        atoms = ", ".join(f"{e} {s.atoms[e]}" for e in self.elements)
        self.lines += _wrap(
            f"Candidate pool written by `sfcompile init --pool` from {self.source}: "
            f"{s.structures} structures, {s.total_atoms} atoms ({atoms}). It is meant for "
            "`sfcompile select POOL --data DATA` (too many SFs to train with): radial "
            "Gaussians at five widths per element pair and angular SFs of several widths, "
            "zetas and both lambdas, so that a selection can keep broad SFs where the data "
            "need no detail; from one narrow width, the few SFs a selection keeps leave gaps "
            "where no radial SF responds. SFs constant on the data are left out."
        )
        for element in self.stuck:
            n = s.atoms.get(element, 0)
            self.lines += _wrap(
                f"Every SF of {element} is constant on the data ({n} atom{'s' if n != 1 else ''}"
                f" of {element}): they are kept (n2p2 needs SFs for every element), but select "
                f"refuses an element on which nothing varies; add structures with {element}."
            )
        self.lines.append("#")
        self.lines += self.unit_comment()
        self.lines.append("")

    def normal(self, combination: Sequence[str]) -> Combination:
        """Central element first, the neighbours in element order (as the models compare)."""
        return (combination[0], *sorted(combination[1:], key=self.rank.__getitem__))

    def table(self, sftype: str, label: str, body: List[str], combos: Sequence[Combination],
              key: str, fixed: Sequence[Combination] = ()) -> None:  # fmt: skip
        """One ``[[sets]]`` table of type ``sftype`` over ``combos``, the filter ``key``
        ("include" or "exclude", with the ``fixed`` ones excluded) leaving out the combinations
        ``dropped`` names, with a comment; none if nothing is left (``label``: what it was)."""
        index, self.planned = self.planned, self.planned + 1
        drop = {self.normal(c): sf for c, sf in self.dropped.get(index, {}).items()}
        kept = [c for c in combos if c not in drop]
        self.left_out += len(combos) - len(kept)
        if not kept:
            example = drop[combos[0]]
            self.lines += _wrap(f"No {label}: for each of its element combinations one of its "
                                f"SFs is constant on the data (e.g. {example}).")  # fmt: skip
            self.lines.append("")
            return
        if drop:
            names = ", ".join("-".join(c) for c in combos if c in drop)
            first = next(drop[c] for c in combos if c in drop)
            self.lines += _wrap(f"Left out of this set: {names} (central element first): one "
                                f"of its SFs is constant on the data there (e.g. {first}; max - "
                                "min <= 1e-10).")  # fmt: skip
        self.lines += ["[[sets]]", f'type = "{sftype}"', *body]
        if key == "include":
            self.lines += _toml_array("include", kept)
        else:
            excluded = sorted({*fixed, *(c for c in combos if c in drop)}, key=self.order)
            if excluded:
                self.lines += _toml_array("exclude", excluded)
        self.lines.append("")
        self.written["angular" if sftype.startswith("angular") else "radial"] += 1

    def order(self, combination: Combination) -> Tuple[int, ...]:
        return tuple(self.rank[e] for e in combination)

    def radial(self, cutoff: float) -> int:
        super().radial(cutoff)
        return self.written["radial"]

    def radial_set(
        self, group: List[Tuple[Pair, float]], cutoff: float, spacing: float, everything: bool
    ) -> None:
        shortest = group[0][1]
        r_lower = _down(shortest)
        span = cutoff - r_lower
        measured = " and ".join(f"{self.name(p)} {d:.4g}" for p, d in group if d < cutoff)
        distances = (f"s: {measured} (within 20 % of each other)" if len(group) > 1
                     else f": {measured}")  # fmt: skip
        spacings = ", ".join(f"{span / n:.3g}" for n in SHIFTS)
        self.lines += _wrap(
            f"Radial SFs of {', '.join(self.name(p) for p, _ in group)} at five widths. "
            f"Shortest distance{distances}; r_lower: the shortest rounded down. Gastegger's "
            f"shifted Gaussians, {', '.join(map(str, SHIFTS))} of them, spaced {spacings} from "
            "r_lower to one spacing below the cutoff, each as wide as its spacing (sigma = "
            f"spacing); and {CENTRED} Gaussians centred at 0, sigma from r_lower to "
            f"{_real(cutoff - span / CENTRED, 3)}: {sum(SHIFTS) + CENTRED} SFs per element pair."
        )
        combos: List[Combination] = []
        for pair, _ in group:
            a, b = self.ordered(pair)
            combos += [(a, b)] if a == b else [(a, b), (b, a)]
        if everything:
            combos = [(a, b) for a in self.elements for b in self.elements]
        key = "exclude" if everything else "include"
        for n, mode in [*((n, "shift") for n in SHIFTS), (CENTRED, "center")]:
            body = [
                'rule = "gastegger2018"',
                f'mode = "{mode}"',
                f"nb_param_pairs = {n}",
                f"r_lower = {_real(r_lower, 1)}",
                f"r_upper = {_real(cutoff - span / n, 3)}",
            ]
            self.table("radial", f"radial {mode} set of {n} Gaussians", body, combos, key)

    def angular(self, cutoff: float) -> int:
        triplets = [(c, *pair) for c in self.elements
                    for pair in combinations_with_replacement(self.elements, 2)]  # fmt: skip

        def reach(t: Combination) -> float:
            low, high = sorted(t[1:])
            return self.survey.reach.get((t[0], low, high), math.inf)

        absent = [t for t in triplets if reach(t) >= cutoff]
        present = [t for t in triplets if reach(t) < cutoff]
        if not present:
            self.lines += _wrap("No angular SFs: no atom has two neighbours within the cutoff.")
            return 0
        plan = angular_plan(len(self.elements))
        etas = [angular_eta(m, cutoff) for m in plan.widths]
        kinds = " and ".join(f"{t} (type {3 if t.endswith('narrow') else 9})" for t in plan.types)
        why = (
            f"Angular SFs: {kinds} at the widths eta = {', '.join(map(_toml_float, etas))} "
            f"(Imbalzano's centred widths (3^(m/3)/r_c)^2, m = "
            f"{', '.join(map(str, plan.widths))}), and a broad angular_wide set with eta = 0 "
            "(the angles weighted by the cutoff function only); zeta 1, 2, 4, 16 and lambda +1 "
            f"and -1 in each: {plan.per_triplet()} SFs per element triplet ({len(self.elements)}"
            " element(s); fewer widths for more elements)."
        )
        self.lines += _wrap(why)
        if absent:
            names = ", ".join("-".join(t) for t in absent)
            self.lines += _wrap(f"Left out of every angular set: {names} (central element "
                                "first): no atom has such a pair of neighbours within the "
                                "cutoff in the data.")  # fmt: skip
        self.lines.append("")
        widths = [(t, eta) for t in plan.types for eta in etas] + [("angular_wide", 0.0)]
        for sftype, eta in widths:
            sigma = f"sigma = 1/sqrt(2 eta) = {1.0 / math.sqrt(2.0 * eta):.3g}" if eta else "broad"
            self.lines.append(f"# type {3 if sftype.endswith('narrow') else 9}, {sigma}")
            body = [
                'rule = "custom"',
                "r_shift = [0.0]",
                f"eta = [{_toml_float(eta)}]",
                f"zetas = [{', '.join(_real(z, 1) for z in ZETAS)}]",
            ]
            label = f"{sftype} set with eta = {_toml_float(eta)}"
            self.table(sftype, label, body, present, "exclude", absent)
        return self.written["angular"]


def pool_spec(
    survey: Survey,
    source: str,
    dropped: Optional[Mapping[int, Mapping[Combination, str]]] = None,
    stuck: Sequence[str] = (),
) -> Pool:
    """The candidate pool for the data set ``source`` that ``survey`` measured, leaving out
    the combinations ``dropped`` names per set index of the pool written without them (with
    the SF that is constant there); ``stuck``: the elements on which every SF is constant."""
    if not survey.atoms:
        message = "the data set has no atoms: nothing to suggest a pool from"
        raise DataError([Diagnostic("error", message, source)])
    writer = _PoolWriter(survey, source, dropped or {}, stuck)
    writer.header()
    cutoff = writer.cutoff()
    radial = writer.radial(cutoff)
    angular = writer.angular(cutoff)
    text = "\n".join(writer.lines).rstrip("\n") + "\n"
    return Pool(text, tuple(writer.elements), writer.units.unit, cutoff, radial, angular,
                writer.left_out, tuple(stuck))  # fmt: skip


@dataclass(frozen=True)
class Constant:
    """What is constant on the data: per set index the element combinations on which one of
    the set's SFs is (with the first such SF), and the central elements on which every SF is
    (an element with one atom in the data: nothing to leave out, nothing to select)."""

    dropped: Dict[int, Dict[Combination, str]]
    stuck: Tuple[str, ...]


def constant_combinations(
    checked: Checked, totals: Totals, threshold: float = DEAD_THRESHOLD
) -> Constant:
    """What is constant over the data of ``totals`` (the stats of :func:`.stats.spec_plan` of
    ``checked``, whose SFs are in spec order per central element)."""
    dead = {
        element: [is_dead(float(low), float(high), threshold)
                  for low, high in zip(sums.low, sums.high)]
        for element, sums in totals.sums.items()
    }  # fmt: skip
    stuck = tuple(e for e in checked.loaded.spec.elements if dead.get(e) and all(dead[e]))
    numbers = NumberFormat(checked.loaded.spec.output.precision)
    position: Dict[str, int] = {}
    found: Dict[int, Dict[Combination, str]] = {}
    for g in checked.generated:
        for combination in g.combinations:
            central = combination[0]
            start = position.get(central, 0)
            position[central] = start + len(g.rows)
            if central in stuck:
                continue
            for j, row in enumerate(g.rows):
                if dead[central][start + j]:
                    sf = SymmetryFunction(g.sftype.number, combination, *row)
                    found.setdefault(g.index, {})[combination] = describe(sf, numbers)
                    break
    return Constant(found, stuck)


def checked_text(text: str, name: str) -> Checked:
    """``text`` checked; a spec of init's that does not compile cleanly is a bug of init."""
    checked = check(load_spec(source_from_text(text, name)))
    if checked.diagnostics:
        problems = "; ".join(d.format() for d in checked.diagnostics)
        raise RuntimeError(f"the spec of sfcompile init does not compile cleanly: {problems}")
    return checked


def candidate_pool(
    survey: Survey,
    source: str,
    structures: Iterable[StructureLike],
    *,
    name: str = "<pool>",
    jobs: int = 1,
    progress: Optional[Progress] = None,
    max_pairs: Optional[int] = MAX_PAIRS,
    max_triplets: Optional[int] = MAX_TRIPLETS,
    scheduler: Optional[str] = None,
) -> Pool:
    """The pool for the data set ``source`` that ``survey`` measured, evaluated on its
    ``structures`` (the same data, read again) to leave out what is constant there."""
    draft = pool_spec(survey, source)
    checked = checked_text(draft.text, name)
    plan = replace(spec_plan(checked), max_pairs=max_pairs, max_triplets=max_triplets)
    totals = collect(plan, structures, jobs, progress, scheduler=scheduler)
    constant = constant_combinations(checked, totals)
    if not constant.dropped and not constant.stuck:
        return draft
    return pool_spec(survey, source, constant.dropped, constant.stuck)
