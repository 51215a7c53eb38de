"""Benchmark: `sfcompile stats --scheduler` on a 2-worker Dask LocalCluster vs --jobs 2 vs --jobs 1.

Workload: bench/data/cu2s-20 (n2p2's Cu2S example, 179 SFs) repeated --size times (default 10:
200 structures, 28,800 atoms, 50 chunks), its input.nn imported into a spec as bench_stats.py
does. The cluster (2 worker processes, 1 thread each, loopback) is started by this script and
warmed up before timing, as a cluster one points at already runs. Each command is a whole
process (the client only: the cluster's processes are not its children, so the peak RSS is the
client's); one warm-up each, then --runs rounds alternating the three (median, min, max). All
three scaling.data files must be the same bytes.

Then the overhead per chunk: map_chunks over tiny chunks (one 512-atom structure each, a task
that only counts atoms) in this process, in 2 processes and on the cluster, for --chunks and a
tenth of that: the difference gives the cost of one more chunk, the rest the fixed cost.

    pip install ".[dask]" && python bench/bench_dask.py [--runs 5] [--size 10] [--chunks 1000]
"""

from __future__ import annotations

import argparse
import filecmp
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, List

import numpy as np
from _common import measure_side_by_side, sfcompile_command  # bench/ is on sys.path

from sfcompile.engine.parallel import map_chunks
from sfcompile.engine.sfvalues import Geometry

HERE = Path(__file__).resolve().parent
WORKLOAD = HERE / "data" / "cu2s-20"


def atoms_of(context: None, chunk: List[Geometry]) -> int:
    """The tiny task: no work, so that what is timed is the way there and back."""
    return sum(len(g.elements) for g in chunk)


def tiny_chunks(n: int) -> List[Geometry]:
    """n structures of 512 atoms (a chunk each), with positions as real data would have."""
    rng = np.random.default_rng(0)
    return [Geometry(rng.random((512, 3)) * 20, np.eye(3) * 20, ["Cu"] * 512, "", 0, k)
            for k in range(n)]  # fmt: skip


def per_chunk(n: int, **where: Any) -> float:
    structures = tiny_chunks(n)
    start = time.perf_counter()
    total = sum(map_chunks(atoms_of, None, structures, **where))
    elapsed = time.perf_counter() - start
    assert total == 512 * n
    return elapsed


def worker_peak_mib(client: Any) -> float:
    peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return max(peaks.values()) / 1024.0


def whole_runs(address: str, size: int, runs: int, tmp: Path) -> None:
    program = sfcompile_command()
    spec = tmp / "spec.toml"
    command = [*program, "import", str(WORKLOAD / "input.nn"), "-o", str(spec)]
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
    data = tmp / f"input-{size}.data"
    data.write_text((WORKLOAD / "input.data").read_text() * size)
    where = {"cluster (2 workers)": ["--scheduler", address], "--jobs 2": ["--jobs", "2"],
             "--jobs 1": ["--jobs", "1"]}  # fmt: skip
    outputs = {name: tmp / f"scaling-{k}.data" for k, name in enumerate(where)}
    commands = {
        name: [*program, "stats", str(spec), "--data", str(data), *options,
               "-o", str(outputs[name])]
        for name, options in where.items()
    }  # fmt: skip
    print(f"workload: {WORKLOAD.name} x{size}  runs: {runs} (median; warm-up excluded)")
    print(f"{'where':>20} {'median s':>9} {'min s':>7} {'max s':>7} {'client peak MiB':>16}")
    figures = measure_side_by_side(commands, runs)
    for name, f in figures.items():
        print(f"{name:>20} {f.median:9.3f} {f.low:7.3f} {f.high:7.3f} {f.peak_mib:16.1f}")
    reference = outputs["--jobs 1"]
    same = all(filecmp.cmp(path, reference, shallow=False) for path in outputs.values())
    print(f"scaling.data identical for all three: {'yes' if same else 'NO'}")
    chunks = sum(1 for _ in map_chunks(atoms_of, None, _read(data)))
    extra = figures["cluster (2 workers)"].median - figures["--jobs 2"].median
    print(f"chunks: {chunks}; cluster - jobs 2: {extra:.3f} s = {1000 * extra / chunks:.1f} ms "
          "per chunk (import of Dask and connecting included)")  # fmt: skip
    if not same:
        raise SystemExit("the outputs differ")


def _read(path: Path) -> Any:
    from sfcompile.readers.structures import read_input_data

    return read_input_data(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=10)
    parser.add_argument("--chunks", type=int, default=1000)
    args = parser.parse_args()
    import distributed

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    ) as cluster, distributed.Client(cluster.scheduler_address) as client:  # fmt: skip
        address = cluster.scheduler_address
        with tempfile.TemporaryDirectory() as scratch:
            whole_runs(address, args.size, args.runs, Path(scratch))
        print(f"worker peak RSS: {worker_peak_mib(client):.1f} MiB")
        n, few = args.chunks, max(1, args.chunks // 10)
        per_chunk(few, scheduler=address)  # warm-up: imports on the workers
        print(f"\ntiny chunks (512 atoms each, a task that only counts them), {few} and {n}:")
        print(f"{'where':>20} {f'wall s ({n})':>13} {'fixed s':>8} {'ms per chunk':>13}")
        for name, where in (("this process", {}), ("--jobs 2", {"jobs": 2}),
                            ("cluster", {"scheduler": address})):  # fmt: skip
            small, big = per_chunk(few, **where), per_chunk(n, **where)
            slope = (big - small) / (n - few)  # the cost of one more chunk
            fixed = small - slope * few  # starting and stopping (connecting, for the cluster)
            print(f"{name:>20} {big:13.3f} {fixed:8.3f} {1000 * slope:13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
