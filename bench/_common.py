"""What the benchmark scripts share: the command to run, whole-process timing, comparisons."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple


def sfcompile_command() -> List[str]:
    """The console script next to this interpreter, else one on PATH, else ``python -m``."""
    script = Path(sys.executable).parent / "sfcompile"
    if script.exists():
        return [str(script)]
    found = shutil.which("sfcompile")
    return [found] if found else [sys.executable, "-m", "sfcompile"]


def timed_environment() -> Dict[str, str]:
    """The environment of timed runs: as a user's install runs, with Python's bytecode caches.
    Some sandboxes set PYTHONDONTWRITEBYTECODE, which makes every run of a source checkout
    compile sfcompile's modules again (about 0.1 s, measured); no installed copy pays that."""
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def run_measured(
    command: Sequence[str], cwd: Optional[Path] = None, quiet: bool = False
) -> Tuple[float, float]:
    """Wall time (s) and peak RSS (MiB) of one child process, run in ``cwd``. ``quiet``: its
    standard error is held back and shown only if it fails. A non-zero exit stops the bench."""
    code = (
        "import resource, subprocess, sys, time\n"
        "quiet = sys.argv[1] == '1'\n"
        "t = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL,\n"
        "                      stderr=subprocess.PIPE if quiet else None)\n"
        "t = time.perf_counter() - t\n"
        "if done.returncode:\n"
        "    sys.stderr.buffer.write((done.stderr or b'')[-4000:])\n"
        "    sys.exit(done.returncode)\n"
        "print(t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    # a fresh parent per run, so that RUSAGE_CHILDREN holds this run's child only
    done = subprocess.run(
        [sys.executable, "-c", code, "1" if quiet else "0", *command],
        capture_output=True, text=True, cwd=cwd, env=timed_environment(),
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(
            f"failed with exit code {done.returncode}: {' '.join(command)}"
            + (f" (in {cwd})" if cwd else "")
            + f"\n{done.stderr.rstrip()}"
        )
    out = done.stdout.split()
    return float(out[0]), float(out[1]) / 1024.0


class Figures(NamedTuple):
    median: float
    low: float
    high: float
    peak_mib: float


def summarise(results: Sequence[Tuple[float, float]]) -> Figures:
    times = sorted(t for t, _ in results)
    return Figures(statistics.median(times), times[0], times[-1], max(m for _, m in results))


def measure_side_by_side(
    commands: Dict[str, List[str]],
    runs: int,
    cwd: Optional[Dict[str, Path]] = None,
    quiet: bool = False,
) -> Dict[str, Figures]:
    """Each command once as a warm-up, then ``runs`` rounds running every command in turn
    (A B A B ...), so that a drift of the machine's speed affects all of them alike.
    ``cwd``: the directory to run a command in, by name (default: this one)."""
    where = cwd or {}
    for name, command in commands.items():
        run_measured(command, where.get(name), quiet)
    results: Dict[str, List[Tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            results[name].append(run_measured(command, where.get(name), quiet))
    return {name: summarise(found) for name, found in results.items()}
