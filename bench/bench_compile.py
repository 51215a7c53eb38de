"""Benchmark: whole-process time of `sfcompile SPEC -o OUT` (issue 2's target: <= 0.40 s).

Runs the installed console script as a fresh process each time (Python start-up, imports,
validation, generation, rendering and the atomic write all count), after one warm-up run
that fills the OS file cache, and reports the median of the timed runs.

    python bench/bench_compile.py [--runs 9] [--spec bench/compile-8-elements.toml]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import sfcompile_command  # bench/ is on sys.path when run as a script

HERE = Path(__file__).resolve().parent


def time_run(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--spec", type=Path, default=HERE / "compile-8-elements.toml")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out.nn"
        command = [*sfcompile_command(), str(args.spec), "-o", str(out)]
        time_run(command)  # warm-up
        times = sorted(time_run(command) for _ in range(args.runs))
        lines = sum(1 for line in out.read_text().splitlines() if line.startswith("symfunction"))
    print(f"command: {' '.join(command[:1])} {args.spec.name} -o out.nn")
    print(f"SF lines: {lines}")
    print(
        f"runs: {args.runs}  median: {statistics.median(times):.3f} s  "
        f"min: {times[0]:.3f} s  max: {times[-1]:.3f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
