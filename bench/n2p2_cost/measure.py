"""Measure the CPU time n2p2 spends computing symmetry functions with derivatives.

Runs n2p2's ``nnp-scaling`` (an existing build; nothing here builds or contains n2p2) on one
data set with one SF set at a time. With ``use_short_forces`` in its input.nn, ``nnp-scaling``
computes every structure's neighbour list and SFs with derivatives (n2p2's SF groups, the same
call nnp-train makes) between the log lines ``*** CALCULATING SYMMETRY FUNCTIONS`` and the next
line of asterisks. n2p2 flushes its log after every entry, so this script reads the log from a
pipe and samples the process's CPU clocks (/proc/PID/stat utime and stime, in clock ticks;
/proc/PID/schedstat, on-CPU nanoseconds) when each of the two lines arrives. The difference is
the SF phase: its user time is what the cost model predicts (sampling latency: the reader
wakes within a millisecond or so, against phases of 0.3 s and more).

Every SF set is run ``--repeat`` times, round-robin over the sets (A B C A B C ...), so that
a change of the shared machine's speed affects all sets alike; one row per run is appended to
the output CSV (raw values, nothing averaged).

    python bench/n2p2_cost/measure.py --n2p2 /tmp/n2p2/src/bin --data DATA --header HEADER.nn \
        --label cuau-600 --repeat 5 --out bench/n2p2_cost/measurements.csv SETS.nn ...
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

START = "*** CALCULATING SYMMETRY FUNCTIONS"
TICK = os.sysconf("SC_CLK_TCK")
FIELDS = [
    "data", "set", "set_sha256", "run", "phase_user_s", "phase_sys_s", "phase_cpu_s",
    "phase_wall_s", "process_user_s", "load_1min", "host",
]  # fmt: skip


def cpu_clocks(pid: int) -> Tuple[float, float, float]:
    """User and system time (s, tick resolution) and on-CPU time (s, ns resolution)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    with open(f"/proc/{pid}/schedstat") as f:
        on_cpu = int(f.read().split()[0]) * 1e-9
    return int(fields[11]) / TICK, int(fields[12]) / TICK, on_cpu


def run_once(binary: Path, workdir: Path) -> Dict[str, float]:
    """One nnp-scaling run in ``workdir``: the SF phase's clocks and the whole process's user
    time."""
    process = subprocess.Popen(
        [str(binary), "1"], cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, bufsize=1,
    )  # fmt: skip
    assert process.stdout is not None
    marks: List[Tuple[float, float, float, float]] = []
    inside = False
    for line in process.stdout:
        if not inside and line.startswith(START):
            marks.append((*cpu_clocks(process.pid), time.perf_counter()))
            inside = True
        elif inside and line.startswith("*******"):
            marks.append((*cpu_clocks(process.pid), time.perf_counter()))
            inside = False
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0 or len(marks) != 2:
        raise RuntimeError(f"nnp-scaling failed in {workdir} (exit {process.returncode})")
    (u0, s0, c0, w0), (u1, s1, c1, w1) = marks
    return {
        "phase_user_s": u1 - u0, "phase_sys_s": s1 - s0, "phase_cpu_s": c1 - c0,
        "phase_wall_s": w1 - w0, "process_user_s": usage.ru_utime,
    }  # fmt: skip


def sf_lines(path: Path) -> List[str]:
    return [
        line for line in path.read_text().splitlines() if line.split()[:1] == ["symfunction_short"]
    ]


def prepare(workdir: Path, data: Path, header: Path, lines: List[str]) -> None:
    workdir.mkdir(parents=True)
    target = workdir / "input.data"
    if data.suffix == ".gz":
        with gzip.open(data, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)
    else:
        os.symlink(data.resolve(), target)
    (workdir / "input.nn").write_text(header.read_text() + "\n" + "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="+", type=Path, help="files with symfunction_short lines")
    parser.add_argument("--n2p2", type=Path, required=True, help="n2p2's bin directory")
    parser.add_argument("--data", type=Path, required=True, help="input.data (or .gz)")
    parser.add_argument("--header", type=Path, required=True, help="input.nn without SF lines")
    parser.add_argument("--label", required=True, help="name of the data set in the output")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, required=True, help="CSV to append rows to")
    args = parser.parse_args()
    binary = args.n2p2 / "nnp-scaling"
    new = not args.out.exists()
    with tempfile.TemporaryDirectory(prefix="n2p2-cost-") as tmp, open(args.out, "a") as out:
        writer = csv.DictWriter(out, FIELDS, lineterminator="\n")
        if new:
            writer.writeheader()
        dirs = {}
        for path in args.sets:
            lines = sf_lines(path)
            digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
            dirs[path.stem] = (Path(tmp) / path.stem, digest)
            prepare(dirs[path.stem][0], args.data, args.header, lines)
        for run in range(args.repeat):
            for name, (workdir, digest) in dirs.items():
                load = os.getloadavg()[0]
                found = run_once(binary, workdir)
                writer.writerow({
                    "data": args.label, "set": name, "set_sha256": digest, "run": run,
                    **{k: f"{v:.4f}" for k, v in found.items()},
                    "load_1min": f"{load:.2f}", "host": platform.node(),
                })  # fmt: skip
                out.flush()
                print(name, run, f"{found['phase_user_s']:.2f}", f"{found['phase_cpu_s']:.3f}",
                      flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
