"""``--scheduler``: the chunks on a Dask cluster give the same bytes as ``--jobs 1``, through a
lost worker too; a task's error reaches the user unchanged; an unreachable or malformed
scheduler, a bad scheduler file and a missing Dask are located errors; Ctrl-C cancels the
cluster's tasks.

The reference is the local run (``--jobs 1``): the cluster must reproduce it bit for bit. The
cluster is a LocalCluster of 2 worker processes on loopback, shared by the module's tests.
"""

from __future__ import annotations

import io
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest

from sfcompile.analysis.report import scaling_data
from sfcompile.analysis.stats import Plan, Totals, collect, spec_plan
from sfcompile.cli import main
from sfcompile.engine import cluster as cluster_module
from sfcompile.engine.parallel import map_chunks
from sfcompile.inputnn.importer import import_input_nn
from sfcompile.readers.structures import read_input_data

from . import cluster_tasks
from .conftest import REPO

CU2S = REPO / "bench" / "data" / "cu2s-20"
SMALL = REPO / "tests" / "data" / "datasets" / "cu2s-3.data"


def needs_dask() -> None:
    pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a 2-worker LocalCluster (processes, one thread each, loopback only),
    whose scheduler also writes a scheduler file (``SCHEDULER_FILES``). Its HTTP endpoints
    take any free port (None would still try 8787, which another cluster may hold)."""
    distributed = pytest.importorskip("distributed")
    import dask

    path = tmp_path_factory.mktemp("cluster") / "scheduler.json"
    # a chunk that kills every worker it reaches is given up after 2 deaths, not 4
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        local = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address="127.0.0.1:0", scheduler_kwargs={"scheduler_file": str(path)},
        )  # fmt: skip
    with local:
        SCHEDULER_FILES[local.scheduler_address] = path
        yield local.scheduler_address


def both_workers_up(scheduler: str) -> None:
    """Wait until the nannies have restarted the workers the tests killed."""
    import distributed

    with distributed.Client(scheduler, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=30)


SCHEDULER_FILES: dict[str, Path] = {}


@pytest.fixture(scope="module")
def workload(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, Path]:
    """n2p2's Cu2S example three times over (60 structures, 15 chunks) and its spec."""
    folder = tmp_path_factory.mktemp("cu2s")
    data = folder / "input.data"
    data.write_text((CU2S / "input.data").read_text() * 3)
    spec = folder / "cu2s.toml"
    spec.write_text(import_input_nn((CU2S / "input.nn").read_text(), "input.nn").spec_text)
    return spec, data


def run(*argv: str) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def cu2s_plan(spec: Path) -> Plan:
    from sfcompile.generate.pipeline import check
    from sfcompile.spec.load import load_spec

    return spec_plan(check(load_spec(str(spec))))


def test_stats_on_the_cluster_gives_the_bytes_of_jobs_1(
    scheduler: str, workload: Tuple[Path, Path], tmp_path: Path
) -> None:
    spec, data = workload
    local, remote = tmp_path / "local.data", tmp_path / "remote.data"
    code, report, err = run("stats", str(spec), "--data", str(data), "-o", str(local))
    assert code == 0, err
    code, remote_report, err = run(
        "stats", str(spec), "--data", str(data), "--scheduler", scheduler, "-o", str(remote)
    )
    assert code == 0 and err == "", err
    assert remote.read_bytes() == local.read_bytes()
    assert remote_report == report and "structures: 60" in report


def test_select_and_select_structures_on_the_cluster_give_the_bytes_of_jobs_1(
    scheduler: str, workload: Tuple[Path, Path], tmp_path: Path
) -> None:
    spec, data = workload
    outputs = {}
    for where in ([], ["--scheduler", scheduler]):
        name = "remote" if where else "local"
        (tmp_path / name).mkdir()
        selected, report = tmp_path / name / "s.toml", tmp_path / name / "r.json"
        subset = tmp_path / name / "subset.data"
        code, out, err = run(
            "select",
            str(spec),
            "--data",
            str(data),
            "--per-element",
            "8",
            "-o",
            str(selected),
            "--report",
            str(report),
            "-q",
            *where,
        )
        assert (code, out, err) == (0, "", "")
        code, out, err = run(
            "select-structures",
            str(spec),
            "--data",
            str(data),
            "-n",
            "5",
            "-o",
            str(subset),
            "-q",
            *where,
        )
        assert (code, out, err) == (0, "", "")
        outputs[name] = [p.read_bytes() for p in (selected, report, subset)]
    assert outputs["remote"] == outputs["local"]


def test_a_scheduler_file_names_the_cluster(scheduler: str, tmp_path: Path) -> None:
    spec = tmp_path / "cu2s.toml"
    spec.write_text(import_input_nn((CU2S / "input.nn").read_text(), "input.nn").spec_text)
    local, remote = tmp_path / "local.data", tmp_path / "remote.data"
    assert run("stats", str(spec), "--data", str(SMALL), "-o", str(local))[0] == 0
    path = str(SCHEDULER_FILES[scheduler])  # written by the scheduler itself
    code, _, err = run("stats", str(spec), "--data", str(SMALL), "--scheduler", path,
                       "-o", str(remote))  # fmt: skip
    assert code == 0, err
    assert remote.read_bytes() == local.read_bytes()


def test_results_come_back_in_chunk_order_whatever_finishes_first(
    scheduler: str, workload: Tuple[Path, Path]
) -> None:
    _, data = workload
    structures = list(read_input_data(data))
    local = [n for n, _ in map_chunks(cluster_tasks.numbers_slow_first, 0.0, structures)]
    found = list(map_chunks(cluster_tasks.numbers_slow_first, 1.0, structures, 1, scheduler))
    assert [n for n, _ in found] == local  # chunk order: 0-3, 4-7, ...
    first, *later = [when for _, when in found]
    assert min(later) < first  # later chunks really finished before the first


def test_no_structures_no_chunks(scheduler: str) -> None:
    assert list(map_chunks(cluster_tasks.numbers_slowly, 0.0, [], 1, scheduler)) == []


def test_a_worker_lost_mid_run_changes_nothing(
    scheduler: str, workload: Tuple[Path, Path], tmp_path: Path
) -> None:
    spec, data = workload
    plan = cu2s_plan(spec)
    flag = tmp_path / "killed"
    context = (plan, str(flag), 20)  # the worker that gets structures 20-23 dies
    totals = Totals.empty(plan)
    for part in map_chunks(cluster_tasks.totals_killing_once, context,
                           read_input_data(data), 1, scheduler):  # fmt: skip
        totals.merge(part)
    assert flag.exists()  # a worker did die, with the chunk in hand
    both_workers_up(scheduler)
    reference = collect(plan, read_input_data(data))
    assert scaling_data(plan, totals, "s", "d", "0") == scaling_data(plan, reference, "s", "d", "0")


def test_a_chunk_that_kills_every_worker_is_named(
    scheduler: str, workload: Tuple[Path, Path]
) -> None:
    spec, data = workload
    plan = cu2s_plan(spec)
    lines = [s.line for s in read_input_data(data)]
    with pytest.raises(cluster_module.ClusterError) as caught:
        list(map_chunks(cluster_tasks.totals_killing_always, (plan, 20), read_input_data(data),
                        1, scheduler))  # fmt: skip
    # Dask blames every task a dying worker held: the chunk that kills (structures 20-23) or
    # one in flight beside it on the same worker (at most 2 per worker thread: 4 chunks of 4
    # structures), whichever fails first
    expected = [
        f"{data}:{lines[first]}:1: error: structures {first}-{first + 3}: every worker that ran "
        "this chunk died (out of memory, or killed); nothing is reported: run it on this "
        "machine (leave out --scheduler) to see why"
        for first in (8, 12, 16, 20)
    ]
    assert caught.value.diagnostics[0].format() in expected
    both_workers_up(scheduler)


def test_a_lost_scheduler_ends_the_run_with_a_located_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", 1)  # the client's reconnect window
    structures = list(read_input_data(SMALL)) * 8  # 6 chunks, numbered 0, 1, 2, 0, 1, 2, ...
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    ) as local:  # fmt: skip
        address = local.scheduler_address
        parts = map_chunks(cluster_tasks.numbers_slowly, 0.3, structures, 1, address)
        assert next(parts) == [0, 1, 2, 0]
        local.close()  # the scheduler goes away mid-run
        with pytest.raises(cluster_module.ClusterError) as caught:
            list(parts)
    assert caught.value.diagnostics[0].format() == (
        f"{address}: error: the cluster dropped the run (scheduler-connection-lost): nothing is "
        "reported; run again once the scheduler is back, or leave out --scheduler to run on "
        "this machine"
    )


def test_an_error_in_a_task_reaches_the_user_unchanged(
    scheduler: str, workload: Tuple[Path, Path], tmp_path: Path
) -> None:
    spec, data = workload
    target = tmp_path / "scaling.data"
    target.write_text("old\n")
    budget = ("--max-neighbours", "1000")
    local = run("stats", str(spec), "--data", str(data), *budget, "-o", str(target))
    remote = run("stats", str(spec), "--data", str(data), *budget, "--scheduler", scheduler,
                 "-o", str(target))  # fmt: skip
    assert remote == local
    code, out, err = remote
    assert code == 2 and out == "" and err.startswith(f"{data}:1:1: error: structure 0 (0-based)")
    assert target.read_text() == "old\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_scheduler_is_named_and_nothing_is_written(
    workload: Tuple[Path, Path], tmp_path: Path
) -> None:
    needs_dask()
    spec, data = workload
    target = tmp_path / "scaling.data"
    target.write_text("old\n")
    address = f"tcp://127.0.0.1:{free_port()}"
    start = time.monotonic()
    code, out, err = run("stats", str(spec), "--data", str(data), "--scheduler", address,
                         "-o", str(target))  # fmt: skip
    assert time.monotonic() - start < 15
    assert (code, out) == (2, "")
    assert err == (
        f"{address}: error: no Dask scheduler answered within 5 s: check the address, or start "
        f"the scheduler (dask scheduler) and its workers (dask worker {address}); to run on this "
        "machine, leave out --scheduler\n"
    )
    assert target.read_text() == "old\n"


@pytest.mark.parametrize(
    ("given", "content", "message"),
    [
        ("tcp://127.0.0.1:port", None,
         "tcp://127.0.0.1:port: error: not a scheduler address (tcp://127.0.0.1:port: invalid "
         "literal for int() with base 10: 'port'): expected tcp://HOST:PORT, as the scheduler "
         "prints it"),
        ("udp://127.0.0.1:8786", None,
         "udp://127.0.0.1:8786: error: not a scheduler address (udp://127.0.0.1:8786: unknown "
         "address scheme 'udp' (known schemes: ['inproc', 'tcp', 'tls', 'ucx', 'ws', 'wss'])): "
         "expected tcp://HOST:PORT, as the scheduler prints it"),
        ("scheduler.json", None,
         "scheduler.json: error: neither a scheduler address nor a readable scheduler file (no "
         "such file): give the address the scheduler prints (tcp://HOST:PORT) or the file it "
         "writes (dask scheduler --scheduler-file FILE)"),
        ("scheduler.json", '{"address": "tcp://127.0.0.1:8786",\n "id": }',
         "scheduler.json:2:8: error: not a scheduler file: Expecting value"),
        ("scheduler.json", '{"workers": {}}',
         'scheduler.json: error: not a scheduler file: no "address" in it'),
    ],
)  # fmt: skip
def test_a_malformed_address_or_scheduler_file_is_refused(
    given: str, content: Any, message: str, in_tmp_path: None
) -> None:
    needs_dask()
    if content is not None:
        Path(given).write_text(content)
    Path("spec.toml").write_text(
        import_input_nn((CU2S / "input.nn").read_text(), "input.nn").spec_text
    )
    code, out, err = run("stats", "spec.toml", "--data", str(SMALL), "--scheduler", given)
    assert (code, out, err) == (2, "", message + "\n")


def test_without_dask_the_extra_is_named(
    monkeypatch: pytest.MonkeyPatch, in_tmp_path: None
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed: ImportError
    Path("spec.toml").write_text(
        import_input_nn((CU2S / "input.nn").read_text(), "input.nn").spec_text
    )
    code, out, err = run("stats", "spec.toml", "--data", str(SMALL), "--scheduler", "tcp://h:1")
    assert (code, out) == (2, "")
    assert err == (
        "tcp://h:1: error: running on a Dask cluster needs dask.distributed, which is not "
        'installed here: pip install "sfcompile[dask]", or leave out --scheduler to run on this '
        "machine\n"
    )


def test_jobs_and_scheduler_exclude_each_other(in_tmp_path: None) -> None:
    code, out, err = run("stats", "s.toml", "--data", "d", "--jobs", "2", "--scheduler", "x:1")
    assert (code, out) == (2, "")
    assert err.endswith("error: argument --scheduler: not allowed with argument --jobs\n")


def test_workers_with_other_software_are_refused(
    scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = (("sfcompile", "0.0.0"), ("numpy", "1.0"), ("vesin", "0.1"))
    real = ", ".join(f"{name} {version}" for name, version in cluster_module.software())
    monkeypatch.setattr(cluster_module, "software", lambda: fake)  # on the client only
    structures = list(read_input_data(SMALL))
    with pytest.raises(cluster_module.ClusterError) as caught:
        list(map_chunks(cluster_tasks.numbers_slow_first, 0.0, structures, 1, scheduler))
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.source.startswith("worker tcp://127.0.0.1:")
    assert diagnostic.message == (
        f"it runs {real}, the client sfcompile 0.0.0, numpy 1.0, vesin 0.1: install the same "
        "versions on every worker (values could differ in their last digits otherwise)"
    )


def sfcompile_tasks(dask_scheduler: Any) -> int:
    """On the scheduler: how many of sfcompile's tasks it holds."""
    return sum(1 for key in dask_scheduler.tasks if str(key).startswith("sfcompile-"))


def test_ctrl_c_cancels_the_cluster_s_tasks(
    scheduler: str, workload: Tuple[Path, Path], tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    spec, _ = workload
    data = tmp_path / "input.data"
    data.write_text((CU2S / "input.data").read_text() * 10)  # 50 chunks: several seconds
    target = tmp_path / "scaling.data"
    command: List[str] = [sys.executable, "-m", "sfcompile", "stats", str(spec), "--data",
                          str(data), "--scheduler", scheduler, "-o", str(target)]  # fmt: skip
    with distributed.Client(scheduler, set_as_default=False) as observer:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)  # fmt: skip
        deadline = time.monotonic() + 20
        while observer.run_on_scheduler(sfcompile_tasks) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
        assert process.returncode == 130, err
        assert out == "" and err.endswith("sfcompile: interrupted; nothing written\n"), err
        deadline = time.monotonic() + 5
        while observer.run_on_scheduler(sfcompile_tasks) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert observer.run_on_scheduler(sfcompile_tasks) == 0
    assert not target.exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_counts_chunks_on_a_cluster_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from sfcompile.cli.progress import ProgressLine

    monkeypatch.setattr(ProgressLine, "DELAY", 0.0)
    terminal = _Terminal()
    line = ProgressLine(terminal, "stats")
    line.chunks(cluster_module.ChunkCount(0, 1, False, None))  # local: the line as it was
    line(4, 576)
    line.chunks(cluster_module.ChunkCount(1, 4, False, 0))
    line.chunks(cluster_module.ChunkCount(1, 5, False, 1))
    line.chunks(cluster_module.ChunkCount(3, 5, True, 2))
    shown = terminal.getvalue().split("\r")[1:]
    assert shown[0].startswith("sfcompile stats: 4 structures, 576 atoms, ")
    assert shown[0].endswith(" s") and "chunks" not in shown[0]
    head = "sfcompile stats: 4 structures, 576 atoms, chunks "
    assert shown[1].startswith(head + "1 of 4 submitted so far, 0 workers (waiting for workers), ")
    assert shown[2].startswith(head + "1 of 5 submitted so far, 1 worker, ")
    assert shown[3].startswith(head + "3 of 5, 2 workers, ")
    assert all(s.endswith(" s\033[K") for s in shown[1:])  # erases a longer line before it


def test_stats_on_a_terminal_shows_the_chunks(
    scheduler: str, monkeypatch: pytest.MonkeyPatch, in_tmp_path: None
) -> None:
    from sfcompile.cli.progress import ProgressLine

    monkeypatch.setattr(ProgressLine, "DELAY", 0.0)
    Path("spec.toml").write_text(
        import_input_nn((CU2S / "input.nn").read_text(), "input.nn").spec_text
    )
    terminal = _Terminal()
    both_workers_up(scheduler)
    argv = ["stats", "spec.toml", "--data", str(SMALL), "--scheduler", scheduler]
    assert main(argv, io.StringIO(), terminal) == 0
    text = terminal.getvalue()
    assert "\rsfcompile stats: 0 structures, 0 atoms, chunks 0 of 1 submitted so far, " in text
    assert "\rsfcompile stats: 3 structures, 432 atoms, chunks 1 of 1, 2 workers, " in text
    assert text.endswith("\r\033[K")
