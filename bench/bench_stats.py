"""Benchmark: whole-process `sfcompile stats SPEC --data input.data -o scaling.data`.

Workload: bench/data/cu2s-20 (n2p2's Cu2S example: 20 structures, 144 atoms each; 179 SFs).
The script imports that input.nn into a spec (`sfcompile import`), runs `stats` as a fresh
process (one warm-up, then the median of --runs runs), checks the numbers against n2p2's
scaling.data (1e-10 relative), and reports time and peak RSS for 1x, 10x and 100x the data
set (structures repeated) and the speed-up of --jobs 2. Target for 1x: <= 1.30 s, <= 200 MB
(n2p2's nnp-scaling: 1.30 s, 22 MiB).

    python bench/bench_stats.py [--runs 5] [--workload DIR] [--sizes 1,10,100]
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List, Tuple

from _common import sfcompile_command  # bench/ is on sys.path when run as a script

HERE = Path(__file__).resolve().parent
WORKLOAD = HERE / "data" / "cu2s-20"


def run_measured(command: List[str]) -> Tuple[float, float]:
    """Wall time (s) and peak RSS (MiB) of one child process."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "t = time.perf_counter() - t\n"
        "print(t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    # a fresh parent per run, so that RUSAGE_CHILDREN holds this run's child only
    out = subprocess.run(
        [sys.executable, "-c", code, *command], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), float(out[1]) / 1024.0


def measure(command: List[str], runs: int) -> Tuple[float, float, float, float]:
    run_measured(command)  # warm-up
    results = [run_measured(command) for _ in range(runs)]
    times = sorted(t for t, _ in results)
    return statistics.median(times), times[0], times[-1], max(m for _, m in results)


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
    args = parser.parse_args()
    sfcompile = sfcompile_command()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        spec = tmp / "spec.toml"
        import_command = [*sfcompile, "import", str(args.workload / "input.nn"), "-o", str(spec)]
        subprocess.run(import_command, check=True, stderr=subprocess.DEVNULL)
        data = (args.workload / "input.data").read_text()
        print(f"workload: {args.workload}  runs: {args.runs} (median; warm-up excluded)")
        print(f"{'data':>6} {'jobs':>4} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9}")
        for size in (int(s) for s in args.sizes.split(",")):
            path = tmp / f"input-{size}.data"
            path.write_text(data * size)
            medians = {}
            for jobs in (1, 2):
                out = tmp / f"scaling-{size}-{jobs}.data"
                command = [*sfcompile, "stats", str(spec), "--data", str(path), "-o", str(out)]
                command += ["--jobs", str(jobs)]
                median, low, high, peak = measure(command, args.runs)
                medians[jobs] = median
                print(f"{size:>5}x {jobs:>4} {median:9.3f} {low:7.3f} {high:7.3f} {peak:9.1f}")
                if size == 1:
                    worst = max_deviation(out, args.workload / "scaling.data")
                    verdict = "ok" if worst <= 1e-10 else "FAILED"
                    print(f"       vs n2p2: max rel. deviation {worst:.2e} {verdict}")
            print(f"       --jobs 2 speed-up: {medians[1] / medians[2]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
