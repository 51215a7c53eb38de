"""Benchmark: whole-process `sfcompile import IN.nn -o spec.toml` for N distinct valid SF lines.

The input is generated: three elements, radial (type 2) and narrow angular (type 3) lines with
distinct values, as a hand-edited or concatenated input.nn can have them, so that every line is
its own item and the import's grouping has the most work. Time must grow like N log N, not N²
(the merging of lines into sets was quadratic: 100,000 lines took more than 300 s).

    python bench/bench_import.py [--sizes 8000,32000,100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List

from _common import measure_side_by_side, sfcompile_command  # bench/ is on sys.path

ELEMENTS = ("H", "C", "O")


def input_nn(lines: int) -> str:
    out = [f"elements {' '.join(ELEMENTS)}", "cutoff_type 1"]
    for k in range(lines):
        central, one, two = (ELEMENTS[(k + d) % 3] for d in (0, 1, 2))
        eta = f"{0.001 * (k + 1):.6f}"
        if k % 4:
            out.append(f"symfunction_short {central} 2 {one} {eta} {0.01 * (k % 97):.3f} 6.0")
        else:
            zeta = float(1 + k % 8)
            out.append(f"symfunction_short {central} 3 {one} {two} {eta} 1 {zeta} 6.0 0.0")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="8000,32000,100000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    program = sfcompile_command()
    print(f"runs: {args.runs} (median, after a warm-up)")
    print(f"{'lines':>8} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9} {'s per 1k':>9}")
    with tempfile.TemporaryDirectory() as scratch:
        for size in (int(s) for s in args.sizes.split(",")):
            source = Path(scratch) / f"in-{size}.nn"
            source.write_text(input_nn(size))
            command: List[str] = [*program, "import", str(source), "-q"]
            command += ["-o", str(Path(scratch) / "spec.toml")]
            subprocess.run(command, check=True)  # it must succeed
            f = measure_side_by_side({"this": command}, args.runs)["this"]
            print(f"{size:>8} {f.median:9.2f} {f.low:7.2f} {f.high:7.2f} {f.peak_mib:9.1f} "
                  f"{1000 * f.median / size:9.3f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
