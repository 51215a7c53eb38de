"""Benchmark: `sfcompile select` on n2p2's water data, against `sfcompile stats` on the same.

Workload: bench/data/h2o-4 (n2p2's RPBE-D3 liquid water: 4 periodic structures, 336 atoms,
Bohr, with forces) and examples/configs/water-pool-HO.toml (336 SFs per element: radial
gastegger2018 shift, 24 pairs; angular narrow and wide imbalzano2018, 6 widths, zetas 1, 2, 4,
16), the data also repeated 10 times; for timing also bench/data/h2o-4/pool-large-HO.toml (884
SFs per element, 40 picks). Three parts:

1. time: whole-process `stats` and `select --per-element N` by each method (fit, the default
   on this data; cur; fps), alternating (one warm-up, the median of --runs), peak RSS. Target:
   select < stats + 1 s, < 500 MB.
2. quality: unexplained variance after N picks for cur, fps and random subsets (the mean of 10
   random orders), per element (computed in-process with the library; no timing).
3. cost: `stats` (whole-process) on the selected spec against the pool, and n2p2's SF time
   for each as `explain --data` predicts it.

    python bench/bench_select.py [--runs 7] [--sizes 1,10]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List

import numpy as np
from _common import measure_side_by_side, sfcompile_command  # bench/ is on sys.path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "h2o-4" / "input.data"
POOL = HERE.parent / "examples" / "configs" / "water-pool-HO.toml"
LARGE = HERE / "data" / "h2o-4" / "pool-large-HO.toml"
NS = (1, 2, 5, 10, 15, 20, 25, 30)


def timing(program: List[str], tmp: Path, sizes: List[int], runs: int) -> None:
    print(f"{'pool':>15} {'data':>5} {'command':>24} {'median s':>9} {'min s':>7} {'max s':>7} "
          f"{'peak MiB':>9} {'- stats':>8}")  # fmt: skip
    for pool, picks in ((POOL, 30), (LARGE, 40)):
        for size in sizes:
            data = tmp / f"h2o-{size}.data"
            data.write_text(DATA.read_text() * size)
            select = [*program, "select", str(pool), "--data", str(data), "--per-element",
                      str(picks), "-q", "-o", str(tmp / "s.toml")]  # fmt: skip
            commands = {"stats": [*program, "stats", str(pool), "--data", str(data)]}
            for method in ("fit", "cur", "fps"):
                commands[f"select {method} --per-element {picks}"] = [*select, "--method", method]
            figures = measure_side_by_side(commands, runs)
            base = figures["stats"].median
            for name, f in figures.items():
                margin = "" if name == "stats" else f"{f.median - base:+8.3f}"
                print(f"{pool.stem:>15} {size:>4}x {name:>24} {f.median:9.3f} {f.low:7.3f} "
                      f"{f.high:7.3f} {f.peak_mib:9.1f} {margin}")  # fmt: skip


def quality() -> None:
    import sfcompile
    from sfcompile.analysis.stats import spec_plan
    from sfcompile.generate.pipeline import check, load
    from sfcompile.selection.collect import Job, collect
    from sfcompile.selection.greedy import unexplained_curve

    checked = check(load(POOL))
    runs = {m: sfcompile.select(checked, DATA, per_element=30, method=m) for m in ("cur", "fps")}
    part = collect(Job(spec_plan(checked)), sfcompile.read_structures(DATA))
    print("\nunexplained variance after N picks (random: mean of 10 random subsets)")
    print(f"{'element':>7} {'method':>7} " + " ".join(f"{'N=' + str(n):>7}" for n in NS))
    for element, choice in runs["cur"].run.elements.items():
        keep = np.setdiff1d(np.arange(len(choice.pool)), choice.constant)
        gram, _ = part.moments[element].standardised_gram(keep)
        rng = np.random.default_rng(0)
        orders = [rng.permutation(len(keep))[: max(NS)].tolist() for _ in range(10)]
        curves: Dict[str, List[float]] = {m: runs[m].curve[element] for m in ("cur", "fps")}
        curves["random"] = np.mean([unexplained_curve(gram, o) for o in orders], axis=0).tolist()
        for method, curve in curves.items():
            cells = " ".join(f"{curve[n - 1]:7.4f}" for n in NS)
            print(f"{element:>7} {method:>7} {cells}")
        beats = all(curves["cur"][n - 1] < curves["random"][n - 1] for n in range(5, max(NS) + 1))
        print(f"{'':>7} cur < random at every N >= 5: {'yes' if beats else 'NO'}")


def cost(program: List[str], tmp: Path, runs: int) -> None:
    selected = tmp / "selected.toml"
    subprocess.run([*program, "select", str(POOL), "--data", str(DATA), "--per-element", "30",
                    "--method", "cur", "-q", "-o", str(selected)], check=True)  # fmt: skip
    units = {}
    for name, spec in (("pool", POOL), ("selected", selected)):
        out = subprocess.run([*program, "explain", "--json", str(spec), "--data", str(DATA)],
                             check=True, capture_output=True, text=True).stdout  # fmt: skip
        units[name] = 1e6 * json.loads(out)["cost"]["seconds_per_atom"]
    data = tmp / "h2o-10.data"
    data.write_text(DATA.read_text() * 10)
    commands = {
        name: [*program, "stats", str(spec), "--data", str(data)]
        for name, spec in (("pool", POOL), ("selected", selected))
    }
    figures = measure_side_by_side(commands, runs)
    print(
        "\nevaluation cost: stats on the 10x data (whole process), and n2p2's SF time as "
        "explain predicts it on the data (µs per atom)"
    )
    for name in ("pool", "selected"):
        f = figures[name]
        print(f"{name:>9}: {f.median:7.3f} s (min {f.low:.3f}, max {f.high:.3f}), "
              f"n2p2 {units[name]:8.1f} µs/atom")  # fmt: skip
    print(f"   ratio: {figures['pool'].median / figures['selected'].median:.1f}x faster, "
          f"{units['pool'] / units['selected']:.1f}x less predicted n2p2 time")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="1,10")
    parser.add_argument("--skip", default="", help="comma-separated: timing, quality, cost")
    args = parser.parse_args()
    program = sfcompile_command()
    skip = set(args.skip.split(","))
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        print(f"workload: {POOL.name} on {DATA.parent.name}; runs: {args.runs} (median)")
        if "timing" not in skip:
            timing(program, tmp, [int(s) for s in args.sizes.split(",")], args.runs)
        if "quality" not in skip:
            quality()
        if "cost" not in skip:
            cost(program, tmp, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
