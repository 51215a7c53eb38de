"""Benchmark: the SF engine (`stats`, `select`) against n2p2's nnp-scaling, the previous release
and DScribe, workload by workload (issue 18).

Workloads (prepared in a scratch directory; --only NAME,... picks some, by name or group):
  qm9-poly-x1, -x3    n2p2's QM9 example (100 molecules; without --n2p2-examples
                      tests/data/datasets/qm9-10.data repeated 10 times), once and 3 times
                      concatenated, with n2p2's own QM9 SFs (types 23, 24, 25; cutoff_type 6)
                      imported from tests/data/sfvalues/qm9-10_t23-24-25_example/input.nn
  qm9-gauss-x1, -x3   the same molecules with the Gaussian starter spec `sfcompile init` writes
  cu2s                bench/data/cu2s-20 (n2p2's Cu2S example, 2,880 atoms), its 179 SFs imported
  water               n2p2's water example (nnp-scaling/H2O_RPBE-D3, Bohr), its input.nn
                      imported; without --n2p2-examples bench/data/h2o-4 with
                      examples/configs/water-HO.toml (+ [cutoff_function] cos)
  one-atom            20,000 one-atom structures: fcc Cu primitive cells, random strain up to
                      ±5 %, cutoff 6 Å, 24 Gaussian SFs (radial, narrow and wide angular)
  one-atom-isolated   20,000 isolated Cu atoms, the same spec
Every spec is written without a `unit` key (the previous release refuses it).

Programs, each a whole process (Python start-up, imports, reading, work, output), all of a
workload in the same rounds, alternating (one warm-up each, then the median of --runs):
  this -jN    this installation's `sfcompile stats SPEC --data DATA --jobs N -o scaling.data`
  baseline    --baseline PATH: another sfcompile console script, the same command (--jobs 1)
  n2p2        --n2p2-bin DIR: `nnp-scaling BINS` in a run directory holding input.nn (the spec
              compiled with `compile --full` and the [n2p2] keywords nnp-scaling reads; no
              use_short_forces: SF values only) and input.data
  dscribe     --dscribe: bench/dscribe_stats.py (DScribe's ACSF for every atom, per-SF mean and
              standard deviation) with the arguments `sfcompile SPEC --target dscribe` writes;
              skipped, with sfcompile's reason, where DScribe cannot express the SFs
  select      this installation's `sfcompile select SPEC --data DATA --per-element N
              --keep-unranked` (--method auto: the force fit where the data has non-zero forces,
              else CUR; an element the data cannot rank, as QM9's single F atom, keeps its
              pool SFs); where it still refuses, skipped with its reason

Checks (a failed check makes the exit code 1): every run exits 0; this's scaling.data agrees
with n2p2's (or, for cu2s without n2p2, with n2p2's stored bench/data/cu2s-20/scaling.data) to
1e-10 relative (sigma: its square, relative to mean² + sigma²; not where the SF is constant
on the data, where it is rounding noise); --jobs N gives this's --jobs 1 numbers; DScribe's
means and standard deviations agree with this's `stats --json` as closely. The baseline's
deviation is printed only.

    python bench/bench_engine.py [--runs 5] [--only NAME,...] [--jobs 1,2]
        [--baseline OTHER/bin/sfcompile] [--n2p2-bin N2P2/bin] [--n2p2-examples N2P2/examples]
        [--dscribe] [--n2p2-bins 100] [--select-per-element 10] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

from _common import Figures, measure_side_by_side, sfcompile_command  # bench/ is on sys.path
from _workloads import Preparer, Workload, wanted

HERE = Path(__file__).resolve().parent
N2P2_KEYWORDS = """
[n2p2]
global_hidden_layers_short = 1
global_nodes_short = [5]
global_activation_short = ["t", "l"]
random_seed = 12345
"""
TOLERANCE = 1e-10
TARGETS = {"this/n2p2": " (target <= 1, moonshot <= 0.5)", "select-stats": " s (target <= 1 s)"}


class Setup(NamedTuple):
    commands: Dict[str, List[str]]
    cwd: Dict[str, Path]
    skipped: Dict[str, str]  # program -> why not run
    outputs: Dict[str, Path]  # this -jN -> its scaling.data


def run(command: List[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True)


def first_error(stderr: str) -> str:
    """The first diagnostic, without its file:line:column prefix, and how many more."""
    errors = [s.split("error:", 1)[1].strip() for s in stderr.splitlines() if ": error:" in s]
    if not errors:
        return stderr.strip()[-300:]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return errors[0] + more


def stats_report(this: List[str], w: Workload) -> Dict[str, Any]:
    done = run([*this, "stats", str(w.spec), "--data", str(w.data), "--json"])
    if done.returncode:
        raise SystemExit(f"{w.name}: sfcompile stats failed:\n{done.stderr}")
    report: Dict[str, Any] = json.loads(done.stdout)
    return report


def n2p2_run_dir(this: List[str], w: Workload, where: Path) -> Path:
    where.mkdir()
    spec = where / "spec-n2p2.toml"
    text = w.spec.read_text()
    spec.write_text(text if "\n[n2p2]" in text else text + N2P2_KEYWORDS)
    done = run([*this, "compile", "--full", str(spec), "-o", str(where / "input.nn")])
    if done.returncode:
        raise SystemExit(f"{w.name}: compile --full failed:\n{done.stderr}")
    (where / "input.data").symlink_to(w.data.resolve())
    return where


def dscribe_arguments(this: List[str], w: Workload, where: Path) -> Tuple[Optional[Path], str]:
    """The ACSF arguments for this workload, or None and sfcompile's reason."""
    spec = where / "spec-unit.toml"
    spec.write_text(f'unit = "{w.unit}"\n' + w.spec.read_text())
    out = where / "acsf.json"
    done = run([*this, str(spec), "--target", "dscribe", "-o", str(out)])
    return (None, first_error(done.stderr)) if done.returncode else (out, "")


def select_refusal(command: List[str], report: Dict[str, Any]) -> str:
    """Why select refuses this pool and data ('' if it does not). select cannot rank an element
    without atoms or whose every SF is constant on the data (QM9's single F atom, isolated
    atoms): only then is it tried once beforehand, so that a refusal is reported instead of
    stopping the bench."""
    elements = report["elements"].values()
    if not any(r["atoms"] == 0 or all(sf["dead"] for sf in r["sfs"]) for r in elements):
        return ""
    done = run(command)
    if done.returncode == 0:
        return ""
    return f"refused (exit {done.returncode}): {first_error(done.stderr)}"


def setup(args: argparse.Namespace, this: List[str], w: Workload, report: Dict[str, Any],
          where: Path) -> Setup:  # fmt: skip
    s = Setup({}, {}, {}, {})
    data = ["--data", str(w.data)]
    for jobs in args.jobs:
        out = s.outputs[f"this -j{jobs}"] = where / f"scaling-this-j{jobs}.data"
        s.commands[f"this -j{jobs}"] = [*this, "stats", str(w.spec), *data, "--jobs", str(jobs),
                                        "-o", str(out)]  # fmt: skip
    if args.baseline:
        out = where / "scaling-baseline.data"
        s.commands["baseline"] = [args.baseline, "stats", str(w.spec), *data, "-o", str(out)]
    if args.n2p2_bin:
        s.cwd["n2p2"] = n2p2_run_dir(this, w, where / "n2p2")
        s.commands["n2p2"] = [str(args.n2p2_bin / "nnp-scaling"), str(args.n2p2_bins)]
    if args.dscribe:
        acsf, why = dscribe_arguments(this, w, where)
        if acsf is None:
            s.skipped["dscribe"] = why
        else:
            s.commands["dscribe"] = [sys.executable, str(HERE / "dscribe_stats.py"), str(acsf),
                                     str(w.data), "-o", str(where / "dscribe.json")]  # fmt: skip
            if w.unit == "bohr":
                s.commands["dscribe"].append("--bohr")
    command = [
        *this, "select", str(w.spec), *data, "--per-element", str(args.select_per_element),
        "--keep-unranked", "-q", "-o", str(where / "selected.toml"),
        "--report", str(where / "select.json"),
    ]  # fmt: skip
    refusal = select_refusal(command, report)
    if refusal:
        s.skipped["select"] = refusal
    else:
        s.commands["select"] = command
    return s


def rows(path: Path) -> List[List[str]]:
    lines = path.read_text().splitlines()
    return [line.split() for line in lines if line.strip() and not line.startswith("#")]


def relative(x: float, y: float, scale: float) -> float:
    """|x - y| relative to ``scale``; 0 for equal values, NaN included; inf for NaN against a
    number."""
    if math.isnan(x) or math.isnan(y):
        return 0.0 if math.isnan(x) and math.isnan(y) else math.inf
    return 0.0 if x == y else abs(x - y) / max(scale, sys.float_info.min)


def scaling_deviation(ours: Path, reference: Path) -> float:
    """The largest relative deviation between two scaling.data files (inf if their rows
    differ): min, max and mean relative to the reference's value; sigma through the variance,
    relative to the second moment mean² + sigma² (what both codes accumulate: sigma is the root
    of a difference that cancels). A constant SF's sigma (reference min = max) is rounding noise
    in both codes, 0, 1e-7 or the NaN of a negative variance's root, and is not compared."""
    a, b = rows(ours), rows(reference)
    if [r[:2] for r in a] != [r[:2] for r in b]:
        return math.inf
    worst = 0.0
    for mine, theirs in zip(a, b):
        x, y = [float(v) for v in mine[2:6]], [float(v) for v in theirs[2:6]]
        for u, v in zip(x[:3], y[:3]):
            worst = max(worst, relative(u, v, abs(v)))
        if not (y[0] == y[1] and math.isfinite(y[2])):
            worst = max(worst, relative(x[3] ** 2, y[3] ** 2, y[2] ** 2 + y[3] ** 2))
    return worst


def dscribe_deviation(found: Path, report: Dict[str, Any]) -> float:
    """DScribe's mean and sigma of every SF against this's `stats --json`, measured as
    scaling_deviation measures them."""
    moments = json.loads(found.read_text())
    worst = 0.0
    for element, sfs in moments.items():
        ours = {str(sf["position"]): sf for sf in report["elements"][element]["sfs"]}
        for line, (mean, sigma) in sfs.items():
            m, s = ours[line]["mean"], ours[line]["sigma"]
            worst = max(worst, relative(mean, m, abs(m)), relative(sigma**2, s**2, m**2 + s**2))
    return worst


def verdict(value: float, tolerance: float) -> str:
    return "ok" if value <= tolerance else "FAILED"


def checks(w: Workload, s: Setup, report: Dict[str, Any], where: Path) -> List[str]:
    lines: List[str] = []
    names = list(s.outputs)
    first = s.outputs[names[0]]
    if "n2p2" in s.commands:
        reference: Optional[Path] = where / "n2p2" / "scaling.data"
        label = "n2p2's scaling.data"
    else:
        reference, label = w.reference, "n2p2's stored scaling.data"
    for name in names:
        out = s.outputs[name]
        if reference is not None:
            worst = scaling_deviation(out, reference)
            lines.append(f"{name} vs {label}: max rel. deviation {worst:.1e} "
                         f"{verdict(worst, TOLERANCE)}")  # fmt: skip
        if out != first:
            worst = scaling_deviation(out, first)
            lines.append(f"{name} vs {names[0]}: max rel. deviation {worst:.1e} "
                         f"{verdict(worst, TOLERANCE)}")  # fmt: skip
    if "baseline" in s.commands:
        worst = scaling_deviation(where / "scaling-baseline.data", reference or first)
        against = label if reference else names[0]
        lines.append(f"baseline vs {against}: max rel. deviation {worst:.1e} (not checked)")
    if "dscribe" in s.commands:
        worst = dscribe_deviation(where / "dscribe.json", report)
        lines.append(f"dscribe mean and sigma vs this: max rel. deviation {worst:.1e} "
                     f"{verdict(worst, TOLERANCE)}")  # fmt: skip
    if "select" in s.commands:
        method = json.loads((where / "select.json").read_text()).get("method", "?")
        lines.append(f"select: method {method}")
    return lines


def table(s: Setup, figures: Dict[str, Figures]) -> None:
    print(f"  {'program':<10} {'median s':>9} {'min s':>8} {'max s':>8} {'peak MiB':>9}")
    for name, f in figures.items():
        print(f"  {name:<10} {f.median:9.3f} {f.low:8.3f} {f.high:8.3f} {f.peak_mib:9.1f}")
    for name, why in s.skipped.items():
        print(f"  {name:<10} skipped: {why}")


def ratios(figures: Dict[str, Figures]) -> Dict[str, float]:
    stats = figures["this -j1"].median if "this -j1" in figures else math.nan
    found = {"this": stats}
    for name in ("n2p2", "baseline"):
        if name in figures:
            found[f"this/{name}"] = stats / figures[name].median
    if "select" in figures:
        found["select-stats"] = figures["select"].median - stats
    for name, f in figures.items():
        if name.startswith("this -j") and name != "this -j1":
            found[f"speed-up {name[5:]}"] = stats / f.median
    return found


def bench(args: argparse.Namespace, this: List[str], w: Workload, tmp: Path) -> Dict[str, Any]:
    where = tmp / w.name
    where.mkdir()
    report = stats_report(this, w)
    sfs = sum(len(r["sfs"]) for r in report["elements"].values())
    print(f"\n== {w.name}: {w.about}")
    print(f"   {sum(report['atoms'].values()):,} atoms, {sfs} SFs; load average before: "
          f"{os.getloadavg()[0]:.2f}")  # fmt: skip
    s = setup(args, this, w, report, where)
    figures = measure_side_by_side(s.commands, args.runs, s.cwd, quiet=True)
    table(s, figures)
    found = ratios(figures)
    shown = [f"{k} {v:.3f}{TARGETS.get(k, '')}" for k, v in found.items() if k != "this"]
    print("  " + "; ".join(shown))
    lines = checks(w, s, report, where)
    for line in lines:
        print(f"  check: {line}")
    print(f"  load average after: {os.getloadavg()[0]:.2f}")
    return {"workload": w.name, "atoms": sum(report["atoms"].values()), "sfs": sfs,
            "medians": {n: f.median for n, f in figures.items()}, **found,
            "failed": [line for line in lines if line.endswith("FAILED")]}  # fmt: skip


def summary(results: List[Dict[str, Any]]) -> None:
    columns = ("this", "this/n2p2", "this/baseline", "select-stats")
    print(f"\n{'workload':<18} {'atoms':>7} {'SFs':>5} " + " ".join(f"{c:>13}" for c in columns))
    for r in results:
        cells = " ".join(f"{r[c]:13.3f}" if c in r else f"{'-':>13}" for c in columns)
        print(f"{r['workload']:<18} {r['atoms']:7d} {r['sfs']:5d} {cells}")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help="workloads or groups, comma-separated")
    parser.add_argument("--jobs", default="1,2", help="--jobs values for this (default 1,2)")
    parser.add_argument("--baseline", help="another sfcompile console script, run alongside")
    parser.add_argument("--n2p2-bin", type=Path, help="the directory holding nnp-scaling")
    parser.add_argument("--n2p2-bins", type=int, default=100, help="nnp-scaling's histogram bins")
    parser.add_argument("--n2p2-examples", type=Path, help="n2p2's examples/ (QM9, water data)")
    parser.add_argument("--dscribe", action="store_true", help="run DScribe's ACSF alongside")
    parser.add_argument("--select-per-element", type=int, default=10)
    parser.add_argument("--workdir", type=Path, help="keep the prepared files here (new dir)")
    parser.add_argument("--json", type=Path, help="write the results as JSON")
    args = parser.parse_args()
    args.jobs = [int(j) for j in args.jobs.split(",")]
    if args.jobs[0] != 1:
        parser.error("--jobs: the first value must be 1 (the ratios are of one process)")
    return args


def main() -> int:
    args = parse()
    this = sfcompile_command()
    names = wanted(args.only)
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        if args.workdir:
            args.workdir.mkdir(parents=True)
            tmp = args.workdir
        workloads = Preparer(this, tmp, args.n2p2_examples).prepare(names)
        version = run([*this, "--version"]).stdout.strip()
        print(f"this: {' '.join(this)} ({version}); runs: {args.runs} (median; warm-up excluded)")
        if args.baseline:
            print(f"baseline: {args.baseline} ({run([args.baseline, '--version']).stdout.strip()})")
        if args.n2p2_bin:
            print(f"n2p2: {args.n2p2_bin / 'nnp-scaling'} {args.n2p2_bins}")
        print(f"n2p2 examples: {args.n2p2_examples or 'not given (repository stand-ins)'}; "
              f"{os.cpu_count()} CPUs")  # fmt: skip
        results = [bench(args, this, w, tmp) for w in workloads]
    summary(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    failed = [f"{r['workload']}: {line}" for r in results for line in r["failed"]]
    for line in failed:
        print(f"FAILED {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
