"""Benchmark: whole-process time of `sfcompile SPEC -o OUT` and of `sfcompile --version`.

Runs the installed console script as a fresh process each time (Python start-up, imports,
validation, generation, rendering and the atomic write all count), after one warm-up run
that fills the OS file cache (and Jinja's cache of compiled templates), and reports the median
of the timed runs. Targets (issue 11, on the 2-core machine): compile <= 0.20 s (the earlier
generator: ~0.25 s), --version <= 0.05 s.

--baseline SFCOMPILE runs a second installation's console script (e.g. the previous version in
another virtual environment) in the same rounds, alternating with this one, and prints the
ratio, so that the comparison holds when the machine's speed drifts.

    python bench/bench_compile.py [--runs 15] [--spec bench/compile-8-elements.toml]
                                  [--baseline OTHER/bin/sfcompile]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Dict, List

from _common import measure_side_by_side, sfcompile_command  # bench/ is on sys.path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--spec", type=Path, default=HERE / "compile-8-elements.toml")
    parser.add_argument("--baseline", help="another sfcompile console script, run alongside")
    args = parser.parse_args()
    programs: Dict[str, List[str]] = {"this": sfcompile_command()}
    if args.baseline:
        programs["baseline"] = [args.baseline]
    with tempfile.TemporaryDirectory() as scratch:
        outputs = {name: Path(scratch) / f"{name}.nn" for name in programs}
        compiles = {
            name: [*p, str(args.spec), "-o", str(outputs[name])] for name, p in programs.items()
        }
        versions = {name: [*p, "--version"] for name, p in programs.items()}
        results = {
            "compile": measure_side_by_side(compiles, args.runs),
            "--version": measure_side_by_side(versions, args.runs),
        }
        text = outputs["this"].read_text()
        lines = sum(1 for line in text.splitlines() if line.startswith("symfunction"))
        same = all(o.read_text() == text for o in outputs.values())
    print(
        f"spec: {args.spec.name} ({lines} SF lines); runs: {args.runs} (median; warm-up excluded)"
    )
    print(
        f"{'command':>10} {'program':>9} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9}"
    )
    for command, figures in results.items():
        for name, f in figures.items():
            print(f"{command:>10} {name:>9} {f.median:9.3f} {f.low:7.3f} {f.high:7.3f} "
                  f"{f.peak_mib:9.1f}")  # fmt: skip
        if "baseline" in figures:
            ratio = figures["this"].median / figures["baseline"].median
            print(f"{'':>10} this / baseline: {ratio:.2f}")
    if args.baseline:
        print("outputs identical" if same else "OUTPUTS DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
