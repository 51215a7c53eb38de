"""Measure the part of nnp-scaling's SF phase that training does not do: per-SF statistics.

``nnp-scaling`` adds every SF value of every atom to its statistics (min, max, mean:
``Element::updateSymmetryFunctionStatistics`` and ``SymFncStatistics::addValue``) right after
computing the atom's SFs, inside the phase ``measure.py`` times; ``nnp-train`` does not collect
them. This script runs ``nnp-scaling`` once per SF set under ``perf record -e cpu-clock:u``
(user-time samples) and writes the share of the samples in those two functions; ``fit.py``
multiplies it by the process's median user time (measure.py's ``process_user_s``) and
subtracts that, the statistics' user time, from the measured phase.

    python bench/n2p2_cost/sf_statistics.py --n2p2 BIN --data DATA --header HEADER.nn \
        --label NAME --out bench/n2p2_cost/statistics.csv SETS.nn ...
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import subprocess
import tempfile
from pathlib import Path

from measure import prepare, sf_lines

FUNCTIONS = ("SymFncStatistics::addValue", "Element::updateSymmetryFunctionStatistics")
FIELDS = ["data", "set", "set_sha256", "samples", "statistics_share"]


def shares(report: str) -> tuple[int, float]:
    """Total samples and the fraction in the statistics functions, from ``perf report``."""
    total, share = 0, 0.0
    for line in report.splitlines():
        if line.startswith("# Samples:"):
            total = int(float(line.split()[2].rstrip("KM")) * (1000 if "K" in line else 1))
        parts = line.split()
        if parts and parts[0].endswith("%") and any(f in line for f in FUNCTIONS):
            share += float(parts[0].rstrip("%")) / 100.0
    return total, share


def run(binary: Path, workdir: Path) -> tuple[int, float]:
    command = ["perf", "record", "-q", "-e", "cpu-clock:u", "-F", "2000", "-o", "perf.data",
               str(binary), "1"]  # fmt: skip
    subprocess.run(command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)  # fmt: skip
    report = subprocess.run(
        ["perf", "report", "-i", "perf.data", "--no-children", "--sort", "symbol", "--stdio"],
        cwd=workdir, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return shares(report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--n2p2", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--header", type=Path, required=True)
    parser.add_argument("--label", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    new = not args.out.exists()
    with tempfile.TemporaryDirectory(prefix="n2p2-stats-") as tmp, open(args.out, "a") as out:
        writer = csv.DictWriter(out, FIELDS, lineterminator="\n")
        if new:
            writer.writeheader()
        for path in args.sets:
            lines = sf_lines(path)
            digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
            workdir = Path(tmp) / path.stem
            prepare(workdir, args.data, args.header, lines)
            total, share = run(args.n2p2 / "nnp-scaling", workdir)
            writer.writerow({"data": args.label, "set": path.stem, "set_sha256": digest,
                             "samples": total, "statistics_share": f"{share:.5f}"})  # fmt: skip
            out.flush()
            print(path.stem, total, f"{share:.4f}", flush=True)


if __name__ == "__main__":
    main()
