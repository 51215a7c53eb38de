"""Benchmark: whole-process `sfcompile stats SPEC --data input.data -o scaling.data`.

Workload: bench/data/cu2s-20 (n2p2's Cu2S example: 20 structures, 144 atoms each; 179 SFs).
The script imports that input.nn into a spec (`sfcompile import`), runs `stats` as a fresh
process (one warm-up, then the median of --runs runs), checks the numbers against n2p2's
scaling.data (1e-10 relative), and reports time and peak RSS for 1x, 10x and 100x the data
set (structures repeated) and the speed-up of --jobs 2. Target for 1x: <= 1.30 s, <= 200 MB
(n2p2's nnp-scaling: 1.30 s, 22 MiB).

--baseline SFCOMPILE runs a second installation's console script (e.g. an older version in
another virtual environment) in the same rounds, alternating with this one, and prints both.

    python bench/bench_stats.py [--runs 5] [--workload DIR] [--sizes 1,10,100] [--jobs 1,2]
                                [--baseline OTHER/bin/sfcompile]
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List

from _common import measure_side_by_side, sfcompile_command  # bench/ is on sys.path

HERE = Path(__file__).resolve().parent
WORKLOAD = HERE / "data" / "cu2s-20"


def rows(path: Path) -> List[List[str]]:
    lines = path.read_text().splitlines()
    return [line.split() for line in lines if line.strip() and not line.startswith("#")]


def max_deviation(ours: Path, reference: Path) -> float:
    a, b = rows(ours), rows(reference)
    if [r[:2] for r in a] != [r[:2] for r in b]:
        raise SystemExit("scaling.data rows differ from n2p2's (e_index/sf_index)")
    worst = 0.0
    for mine, ref in zip(a, b):
        for x, y in zip(mine[2:], ref[2:]):
            fx, fy = float(x), float(y)
            if fx != fy:
                worst = max(worst, abs(fx - fy) / max(abs(fy), math.ulp(0.0)))
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workload", type=Path, default=WORKLOAD)
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--baseline", help="another sfcompile console script, run alongside")
    args = parser.parse_args()
    programs: Dict[str, List[str]] = {"this": sfcompile_command()}
    if args.baseline:
        programs["baseline"] = [args.baseline]
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        spec = tmp / "spec.toml"
        import_command = [*programs["this"], "import", str(args.workload / "input.nn")]
        subprocess.run([*import_command, "-o", str(spec)], check=True, stderr=subprocess.DEVNULL)
        data = (args.workload / "input.data").read_text()
        print(f"workload: {args.workload}  runs: {args.runs} (median; warm-up excluded)")
        print(f"{'data':>6} {'jobs':>4} {'program':>9} {'median s':>9} {'min s':>7} "
              f"{'max s':>7} {'peak MiB':>9}")  # fmt: skip
        for size in (int(s) for s in args.sizes.split(",")):
            path = tmp / f"input-{size}.data"
            path.write_text(data * size)
            medians = {}
            for jobs in (int(j) for j in args.jobs.split(",")):
                commands = {
                    name: [*program, "stats", str(spec), "--data", str(path), "--jobs", str(jobs),
                           "-o", str(tmp / f"scaling-{name}-{size}-{jobs}.data")]
                    for name, program in programs.items()
                }  # fmt: skip
                figures = measure_side_by_side(commands, args.runs)
                for name, f in figures.items():
                    print(f"{size:>5}x {jobs:>4} {name:>9} {f.median:9.3f} {f.low:7.3f} "
                          f"{f.high:7.3f} {f.peak_mib:9.1f}")  # fmt: skip
                medians[jobs] = figures["this"].median
                if "baseline" in figures:
                    ratio = figures["baseline"].median / figures["this"].median
                    print(f"       baseline / this: {ratio:.2f}x")
                if size == 1:
                    out = tmp / f"scaling-this-{size}-{jobs}.data"
                    worst = max_deviation(out, args.workload / "scaling.data")
                    verdict = "ok" if worst <= 1e-10 else "FAILED"
                    print(f"       vs n2p2: max rel. deviation {worst:.2e} {verdict}")
            if 1 in medians and 2 in medians:
                print(f"       --jobs 2 speed-up: {medians[1] / medians[2]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
