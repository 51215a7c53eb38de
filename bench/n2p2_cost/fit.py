"""Fit the cost model's coefficients to the measured n2p2 times, and report how well it fits.

Reads the raw runs (measurements.csv, written by measure.py), the SF sets and data
(make_sets.py's output, and the outcome sets in bench/data/cuau-600/sets), measures every data
set's neighbour and triplet counts with sfcompile (analysis/environment.py), and fits

    t(set) − t(baseline) = Σ_k c_k · (terms_k(set) − terms_k(baseline))   per atom,

with c_k ≥ 0 (non-negative least squares on relative errors: every row divided by its
measured time). t is the median user time of the SF phase over the runs; the baseline is the
same data with one radial SF per element at the set's largest cutoff (neighbour list and fixed
costs, next to no SF work). The "measured SF time" reported is t(set) − t(baseline) plus the
model's price of the baseline's one SF per element.

    python bench/n2p2_cost/fit.py [--csv bench/n2p2_cost/measurements.csv] [--check]

``--check``: report the accuracy of the coefficients in sfcompile/generate/cost.py instead of
fitting new ones. Leave-one-data-set-out: each data family (Cu-Au, water, QM9) predicted by
coefficients fitted to the other two. Held out of every fit: n2p2's Cu2S example data with the
example specs and n2p2's own Cu2S SF set, reported separately.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import statistics
from pathlib import Path
from typing import Dict, List, NamedTuple, Sequence, Tuple

import numpy as np
from scipy.optimize import nnls
from scipy.stats import spearmanr

from sfcompile.analysis.environment import measure_environment
from sfcompile.generate.cost import COEFFICIENTS, TERMS, CostModel, MeasuredEnvironment, radii
from sfcompile.generate.expand import SymmetryFunction
from sfcompile.inputnn.reader import read_input_nn
from sfcompile.readers.structures import read_input_data

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SETS = ROOT / "bench/results/n2p2_cost"
OUTCOME = ROOT / "bench/data/cuau-600/sets"
#: the outcome table's "n2p2 SF time (s)" (rand1-3: one range, 5.0-5.5, given as its middle)
README = {
    "pool": 21.7, "cur": 3.74, "fps": 2.87, "cost": 2.48, "rand1": 5.25, "rand2": 5.25,
    "rand3": 5.25, "hand": 2.82, "cur56": 5.23, "rand56": 7.77, "curph": 3.22, "cur2": 3.41,
    "omp_pool": 5.98, "omp": 4.01, "omp_cubic": 3.91,
}  # fmt: skip


#: data families kept out of the fit, to test it: n2p2's Cu2S example data with example specs
HELD_OUT = ("cu2s",)
#: SF work (s, all atoms) below which a set's time is mostly the clock's resolution (10 ms ticks)
RESOLVED = 0.1


class Row(NamedTuple):
    data: str
    name: str
    family: str  # cuau, h2o, qm9
    above: float  # seconds per atom above the baseline's
    atoms: int  # in the data
    spread: float  # (max - min) / median of the set's runs
    delta: Dict[str, float]  # terms(set) - terms(baseline), per atom
    terms: Dict[str, float]  # terms(set)
    base: Dict[str, float]  # terms(baseline)

    def measured(self, coefficients: Dict[str, float]) -> float:
        """The SF time: above the baseline, plus the model's price of the baseline's SFs."""
        return self.above + price(self.base, coefficients)

    def predicted(self, coefficients: Dict[str, float]) -> float:
        return price(self.terms, coefficients)


def price(terms: Dict[str, float], coefficients: Dict[str, float]) -> float:
    return sum(coefficients.get(k, 0.0) * v for k, v in terms.items()) * 1e-9


def statistics_shares(path: Path) -> Dict[Tuple[str, str], Tuple[float, str]]:
    """(data, set) -> share of nnp-scaling's user time in its SF statistics (sf_statistics.py)."""
    with open(path) as f:
        return {(r["data"], r["set"]): (float(r["statistics_share"]), r["set_sha256"])
                for r in csv.DictReader(f)}  # fmt: skip


def medians(path: Path, clock: str, shares: Dict[Tuple[str, str], Tuple[float, str]]
            ) -> Dict[Tuple[str, str], Tuple[float, float, str]]:  # fmt: skip
    """(data, set) -> median phase time less the statistics' time, spread of the runs, sha."""
    runs: Dict[Tuple[str, str], List[float]] = {}
    process: Dict[Tuple[str, str], List[float]] = {}
    digest: Dict[Tuple[str, str], str] = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            key = (r["data"], r["set"])
            runs.setdefault(key, []).append(float(r[f"phase_{clock}_s"]))
            process.setdefault(key, []).append(float(r["process_user_s"]))
            digest[key] = r["set_sha256"]
    found = {}
    for key, times in runs.items():
        share, sha = shares[key]
        if sha != digest[key]:
            raise SystemExit(f"{key}: statistics measured on another set")
        median = statistics.median(times) - share * statistics.median(process[key])
        found[key] = (median, (max(times) - min(times)) / statistics.median(times), digest[key])
    return found


def set_file(data: str, name: str) -> Path:
    if data == "cuau-600" and (OUTCOME / f"{name}.nn").exists():
        return OUTCOME / f"{name}.nn"
    found = list((SETS / data).glob(f"*/{name}.nn"))
    assert len(found) == 1, (data, name, found)
    return found[0]


def read_sfs(path: Path, digest: str) -> List[SymmetryFunction]:
    text = path.read_text()
    lines = [x for x in text.splitlines() if x.split()[:1] == ["symfunction_short"]]
    if hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16] != digest:
        raise SystemExit(f"{path}: not the set that was measured (sha256 differs)")
    return [r.sf for r in read_input_nn(text, path.name).records]


def data_file(data: str) -> Path:
    return SETS / data / "input.data"


def environment(data: str, sets: Sequence[List[SymmetryFunction]]) -> MeasuredEnvironment:
    elements = list(dict.fromkeys(sf.combination[0] for s in sets for sf in s))
    cutoffs = radii([sf for s in sets for sf in s])
    structures = read_input_data(data_file(data))
    return measure_environment(structures, elements, cutoffs, sample=5000)


def baseline_key(sfs: Sequence[SymmetryFunction]) -> Tuple[frozenset, float]:  # type: ignore[type-arg]
    """Which baseline a set is measured against: same elements, same largest cutoff."""
    return frozenset(sf.combination[0] for sf in sfs), max(float(sf.cutoff) for sf in sfs)


def build(csv_path: Path, stats_path: Path, clock: str = "user") -> List[Row]:
    found = medians(csv_path, clock, statistics_shares(stats_path))
    by_data: Dict[str, Dict[str, Tuple[float, float, List[SymmetryFunction]]]] = {}
    for (data, name), (median, spread, digest) in sorted(found.items()):
        sfs = read_sfs(set_file(data, name), digest)
        by_data.setdefault(data, {})[name] = (median, spread, sfs)
    rows = []
    for data, sets in by_data.items():
        env = environment(data, [s for _, _, s in sets.values()])
        model = CostModel(env)
        atoms = sum(env.atoms.values())
        bases = {baseline_key(s): (m, s) for n, (m, _, s) in sets.items() if n.startswith("base-")}
        for name, (median, spread, sfs) in sets.items():
            if name.startswith("base-"):
                continue
            base_median, base_sfs = bases[baseline_key(sfs)]
            terms, base = model.set_terms(sfs), model.set_terms(base_sfs)
            delta = {k: terms.get(k, 0.0) - base.get(k, 0.0) for k in TERMS}
            above = (median - base_median) / atoms
            family = data.split("-")[0]
            rows.append(Row(data, name, family, above, atoms, spread, delta, terms, base))
    return rows


def fit(rows: Sequence[Row], use: Sequence[str]) -> Dict[str, float]:
    """Non-negative least squares on relative errors; coefficients in ns per term."""
    a = np.array([[r.delta.get(k, 0.0) for k in use] for r in rows]) * 1e-9
    y = np.array([r.above for r in rows])
    weight = 1.0 / np.maximum(y, [RESOLVED / r.atoms for r in rows])
    solution, _ = nnls(a * weight[:, None], y * weight)
    return {k: float(v) for k, v in zip(use, solution)}


def report(rows: Sequence[Row], coefficients: Dict[str, float], title: str) -> None:
    """Accuracy over ``rows``, and over those of them with 0.1 s of SF work or more."""
    resolved = [r for r in rows if r.above * r.atoms >= RESOLVED]
    for part, label in ((rows, title), (resolved, "    of which >= 0.1 s of SF work")):
        if len(part) < 3 or (part is resolved and len(resolved) == len(rows)):
            continue
        measured = [r.measured(coefficients) for r in part]
        predicted = [r.predicted(coefficients) for r in part]
        size = [abs(p / m - 1.0) for p, m in zip(predicted, measured)]
        rho = spearmanr(measured, predicted)[0]
        print(f"{label}: {len(part)} sets, |relative error| median "
              f"{statistics.median(size):.1%}, 90th percentile {np.percentile(size, 90):.1%}, "
              f"worst {max(size):.1%}; Spearman {rho:.3f}")  # fmt: skip


def leave_one_out(rows: Sequence[Row], used: Sequence[str]) -> None:
    """Each data family predicted by coefficients fitted to the others: its sets whose SF
    kinds (terms) the others have."""
    for family in sorted({r.family for r in rows}):
        rest = [r for r in rows if r.family != family]
        seen = {k for r in rest for k, v in r.delta.items() if v}
        covered = [r for r in rows if r.family == family
                   and all(k in seen for k, v in r.delta.items() if v)]  # fmt: skip
        if len(rest) > len(used) and covered:
            report(covered, fit(rest, used), f"  {family}, fitted on the others")


def outcome_table(rows: Sequence[Row], coefficients: Dict[str, float]) -> None:
    """The outcome sets: measured, predicted, and the outcome table's figure."""
    outcome = sorted((r for r in rows if r.data == "cuau-600" and r.name in README),
                     key=lambda r: r.above)  # fmt: skip
    if not outcome:
        return
    report(outcome, coefficients, "outcome sets")
    atoms = outcome[0].atoms
    measured = [r.measured(coefficients) * atoms for r in outcome]
    listed = [README[r.name] for r in outcome]
    slope, intercept = np.polyfit(measured, listed, 1)
    rho = spearmanr(measured, listed)[0]
    print(f"  outcome table = {slope:.3f} x measured + {intercept:.2f} s (least squares), "
          f"Spearman {rho:.3f}")  # fmt: skip
    for r, m, x in zip(outcome, measured, listed):
        p = r.predicted(coefficients) * atoms
        print(f"    {r.name:10s} measured {m:6.2f} s  model {p:6.2f} s ({p / m - 1:+.1%})  "
              f"outcome table {x:5.2f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=HERE / "measurements.csv")
    parser.add_argument("--statistics", type=Path, default=HERE / "statistics.csv")
    parser.add_argument("--check", action="store_true")
    parser.add_argument(
        "--clock", choices=("user", "cpu"), default="user",
        help="user time (default; clock ticks) or on-CPU time (user + system, nanoseconds)",
    )  # fmt: skip
    parser.add_argument("--table", action="store_true", help="every set's figures")
    args = parser.parse_args()
    everything = build(args.csv, args.statistics, args.clock)
    rows = [r for r in everything if r.family not in HELD_OUT]
    held_out = [r for r in everything if r.family in HELD_OUT]
    used = [k for k in TERMS if any(abs(r.delta.get(k, 0.0)) > 0 for r in rows)]
    coefficients = dict(COEFFICIENTS) if args.check else fit(rows, used)
    print("COEFFICIENTS = {")
    for k in TERMS:
        print(f'    "{k}": {coefficients.get(k, 0.0):.3g},')
    print("}")
    report(rows, coefficients, "all")
    for family in sorted({r.family for r in rows}):
        report([r for r in rows if r.family == family], coefficients, f"  {family}")
    leave_one_out(rows, used)
    if held_out:
        report(held_out, coefficients, "held out (not fitted)")
    outcome_table(rows, coefficients)
    if args.table:
        for r in everything:
            m, p = r.measured(coefficients), r.predicted(coefficients)
            print(f"{r.data:9s} {r.name:24s} {m * 1e6:9.2f} us {p * 1e6:9.2f} us "
                  f"{p / m - 1:+.1%} (runs spread {r.spread:.0%})")  # fmt: skip


if __name__ == "__main__":
    main()
