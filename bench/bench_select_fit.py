"""Benchmark: the whole selection loop on data with energies and forces, and the score of what
it selects against a hand-made set of the same size.

Per data set (bench/data/cuau-600: fcc Cu–Au, EMT; bench/data/hco-600: H/C/O molecules,
GFN2-xTB) the script runs, each as a whole process: `sfcompile select POOL --data DATA
--per-element N` (the default: the fit to energies and forces), the same with `--method cur`,
`sfcompile stats POOL` (the reference time: select should stay within stats + a few seconds),
and `sfcompile score` of the fit's set, CUR's set and the hand-made set, all with the same seed
(the same validation structures). It prints the validation force and energy RMSE of the
score's model for each set and the wall times, and fails (exit 1) if the default selection
does not score better on forces than the hand-made set.

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
            "energy_sigma": document["reference"]["energy_per_atom_sigma"]}  # fmt: skip


def run(workload: Workload, n: int, jobs: int, tmp: Path) -> bool:
    program = sfcompile_command()
    common = ["--data", str(workload.data), "--jobs", str(jobs)]
    times = {
        "stats": timed([*program, "stats", str(workload.pool), *common, "-o", str(tmp / "s")]),
        "select (fit)": timed(
            [
                *program,
                "select",
                str(workload.pool),
                *common,
                "--per-element",
                str(n),
                "-o",
                str(tmp / "fit.toml"),
            ]
        ),
        "select --method cur": timed(
            [
                *program,
                "select",
                str(workload.pool),
                *common,
                "--per-element",
                str(n),
                "--method",
                "cur",
                "-o",
                str(tmp / "cur.toml"),
            ]
        ),
    }
    scores = {
        "fit (default)": score(program, tmp / "fit.toml", workload.data, tmp / "fit.json"),
        "cur": score(program, tmp / "cur.toml", workload.data, tmp / "cur.json"),
        "hand-made": score(program, workload.hand, workload.data, tmp / "hand.json"),
    }
    reference = scores["hand-made"]
    scale = f"forces {reference['force_rms']:.4g}, energy per atom {reference['energy_sigma']:.4g}"
    print(
        f"\n{workload.name}: pool {workload.pool.name}, {n} per element, data "
        f"{workload.data.name}; validation RMSE of the score's model (without SFs: {scale})"
    )
    print(f"  {'set':<16} {'forces':>10} {'energy/atom':>12}")
    for name, s in scores.items():
        print(f"  {name:<16} {s['forces']:10.4g} {s['energy']:12.4g}")
    for name, seconds in times.items():
        print(f"  {name:<22} {seconds:7.2f} s wall")
    better = scores["fit (default)"]["forces"] < scores["hand-made"]["forces"]
    verdict = "ok" if better else "FAILED"
    print(f"  default selection scores better on forces than the hand-made set: {verdict}")
    return better


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
