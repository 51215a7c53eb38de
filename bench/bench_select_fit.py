"""Benchmark: the whole selection loop on data with energies and forces, and the score of what
it selects against a hand-made set of the same size.

Per data set (bench/data/cuau-600: fcc Cu–Au, EMT; bench/data/hco-600: H/C/O molecules,
GFN2-xTB) the script runs, each as a whole process: `sfcompile select POOL --data DATA
--per-element N` (the default: the fit to energies and forces), the same with `--cost-weighted`
and with `--method cur`, the plain fit's first picks whose predicted n2p2 time is the
cost-weighted set's (`--count`), `sfcompile stats POOL` (the reference time), and `sfcompile
score` of every set and of the hand-made set, all with the same seed (the same validation
structures). It prints the validation force and energy RMSE of the score's model and the
predicted n2p2 time of each set, and fails (exit 1) if the default selection does not score
better on forces than the hand-made set, or the cost-weighted one not better than the plain
selection of the same predicted time.

The score is a linear model's error, not a trained network's: the trained outcome (n2p2) is
what the README's table reports; `bench/train_with_n2p2.py` is how it was measured.

    python bench/bench_select_fit.py [--per-element 28] [--only cuau,hco] [--jobs 1]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, NamedTuple

from _common import sfcompile_command  # bench/ is on sys.path

HERE = Path(__file__).resolve().parent


class Workload(NamedTuple):
    name: str
    data: Path
    pool: Path
    hand: Path


WORKLOADS = {
    "cuau": Workload("cuau", HERE / "data" / "cuau-600" / "CuAu-EMT-600.data.gz",
                     HERE / "data" / "cuau-600" / "pool-multiwidth-CuAu.toml",
                     HERE / "data" / "cuau-600" / "hand-CuAu.toml"),
    "hco": Workload("hco", HERE / "data" / "hco-600" / "HCO-xTB-600.data.gz",
                    HERE / "data" / "hco-600" / "pool-HCO.toml",
                    HERE / "data" / "hco-600" / "hand-HCO.toml"),
}  # fmt: skip


def timed(command: List[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def score(program: List[str], spec: Path, data: Path, report: Path) -> Dict[str, float]:
    subprocess.run([*program, "score", str(spec), "--data", str(data), "--report", str(report),
                    "-q"], check=True)  # fmt: skip
    document = json.loads(report.read_text())
    return {"forces": document["validation"]["forces"], "energy": document["validation"]["energy"],
            "force_rms": document["reference"]["force_rms"],
            "energy_sigma": document["reference"]["energy_per_atom_sigma"],
            "us": document["n2p2_us_per_atom"]}  # fmt: skip


def matched_counts(plain: Path, budget: float) -> str:
    """``--count`` for the plain selection's first picks whose predicted n2p2 time is within
    ``budget`` (forward selection is deterministic: those counts reproduce that prefix)."""
    curve = json.loads(plain.read_text())["fit"]["curve"]
    counts = Counter(p["element"] for p in curve if p["n2p2_us_per_atom"] <= budget)
    elements = dict.fromkeys(p["element"] for p in curve)
    return ",".join(f"{e}={max(counts[e], 1)}" for e in elements)


def run(workload: Workload, n: int, jobs: int, tmp: Path) -> bool:
    program = sfcompile_command()
    common = ["--data", str(workload.data), "--jobs", str(jobs)]
    select = [*program, "select", str(workload.pool), *common, "-q"]
    size = ["--per-element", str(n)]
    times = {
        "stats": timed([*program, "stats", str(workload.pool), *common, "-o", str(tmp / "s")]),
        "select (fit)": timed([*select, *size, "-o", str(tmp / "fit.toml"),
                               "--report", str(tmp / "fit-report.json")]),
        "select --cost-weighted": timed([*select, *size, "--cost-weighted",
                                         "-o", str(tmp / "cost.toml")]),
        "select --method cur": timed([*select, *size, "--method", "cur",
                                      "-o", str(tmp / "cur.toml")]),
    }  # fmt: skip
    scores = {
        "fit (default)": score(program, tmp / "fit.toml", workload.data, tmp / "fit.json"),
        "fit, cost-weighted": score(program, tmp / "cost.toml", workload.data, tmp / "c.json"),
    }
    counts = matched_counts(tmp / "fit-report.json", scores["fit, cost-weighted"]["us"])
    subprocess.run([*select, "--count", counts, "-o", str(tmp / "matched.toml")], check=True)
    scores[f"fit, same time ({counts})"] = score(program, tmp / "matched.toml", workload.data,
                                                  tmp / "m.json")  # fmt: skip
    scores["cur"] = score(program, tmp / "cur.toml", workload.data, tmp / "cur.json")
    scores["hand-made"] = score(program, workload.hand, workload.data, tmp / "hand.json")
    reference = scores["hand-made"]
    scale = f"forces {reference['force_rms']:.4g}, energy per atom {reference['energy_sigma']:.4g}"
    print(
        f"\n{workload.name}: pool {workload.pool.name}, {n} per element, data "
        f"{workload.data.name}; validation RMSE of the score's model (without SFs: {scale}) "
        "and the predicted n2p2 time"
    )
    print(f"  {'set':<32} {'forces':>10} {'energy/atom':>12} {'n2p2 us/atom':>13}")
    for name, s in scores.items():
        print(f"  {name:<32} {s['forces']:10.4g} {s['energy']:12.4g} {s['us']:13.4g}")
    for name, seconds in times.items():
        print(f"  {name:<24} {seconds:7.2f} s wall (one run; bench_select.py times medians)")
    better = scores["fit (default)"]["forces"] < scores["hand-made"]["forces"]
    verdict = "ok" if better else "FAILED"
    print(f"  default selection scores better on forces than the hand-made set: {verdict}")
    cheaper = (
        scores["fit, cost-weighted"]["forces"] < scores[f"fit, same time ({counts})"]["forces"]
    )
    print("  cost-weighted scores better than the plain selection of the same predicted time: "
          f"{'ok' if cheaper else 'FAILED'}")  # fmt: skip
    return better and cheaper


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--per-element", type=int, default=28)
    parser.add_argument("--only", default=",".join(WORKLOADS))
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as scratch:
        for name in args.only.split(","):
            ok &= run(WORKLOADS[name], args.per_element, args.jobs, Path(scratch))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
