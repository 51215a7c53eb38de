"""``sfcompile stats``: statistics equal n2p2's scaling.data; findings; CLI; streaming; --jobs.

References: ``tests/data/sfvalues/<case>/scaling.data``, written by n2p2 v2.3.0's
``nnp-scaling`` for that case's input.nn and data set (22 cases).
"""

from __future__ import annotations

import functools
import io
import json
import math
import tracemalloc
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from sfcompile.analysis.report import findings, scaling_data, scaling_rows
from sfcompile.analysis.stats import Plan, Totals, chunk_totals, collect, make_plan
from sfcompile.cli import main
from sfcompile.generate.expand import SymmetryFunction
from sfcompile.inputnn.reader import read_input_nn
from sfcompile.readers.structures import read_input_data
from sfcompile.targets import formatting

DATA = Path(__file__).parent / "data"
CASES = sorted(p.name for p in (DATA / "sfvalues").iterdir() if (p / "scaling.data").exists())
RTOL = 1e-10


def case_plan(case: str) -> Tuple[Plan, Path]:
    folder = DATA / "sfvalues" / case
    parsed = read_input_nn((folder / "input.nn").read_text(), "input.nn")
    assert parsed.elements is not None and parsed.cutoff_type is not None
    sfs = [r.sf for r in parsed.records]
    cutoff = parsed.cutoff_type
    plan = make_plan(
        parsed.elements, sfs, formatting.NumberFormat("full"), cutoff.number, cutoff.alpha or 0.0
    )
    dataset = json.loads((folder / "case.json").read_text())["dataset"]
    return plan, DATA / "datasets" / f"{dataset}.data"


@functools.cache
def case_result(case: str) -> Tuple[Plan, Totals]:
    plan, data = case_plan(case)
    return plan, collect(plan, read_input_data(data))


def reference_rows(case: str) -> List[List[str]]:
    text = (DATA / "sfvalues" / case / "scaling.data").read_text()
    return [line.split() for line in text.splitlines() if line.strip() and line[0] != "#"]


def test_all_reference_cases_present() -> None:
    assert len(CASES) == 22


def sigma_tolerance(mean: float, sigma: float, n: int) -> float:
    """1e-10, or the cancellation bound of n2p2's one-pass formula where that is larger: its
    sigma amplifies a last-bit difference of the SF values by about (Σx²/(n−1))/(2σ²)
    (fixtures README §4: 64·ε·(Σx²/(n−1))/(2σ²); only qm9-f1, 1-4 atoms per element)."""
    squares = (n * mean * mean + (n - 1) * sigma * sigma) / (n - 1)
    return max(RTOL, 64 * 2.2e-16 * squares / (2 * sigma * sigma)) if sigma else RTOL


@pytest.mark.parametrize("case", CASES)
def test_scaling_data_equals_n2p2(case: str) -> None:
    plan, totals = case_result(case)
    ours = [row.split() for row in scaling_rows(plan, totals)]
    theirs = reference_rows(case)
    assert [r[:2] for r in ours] == [r[:2] for r in theirs]  # same rows, same order
    counts = {str(i): totals.sums[e].count for i, e in enumerate(_by_z([*plan.sfs]), start=1)}
    for mine, ref in zip(ours, theirs):
        for column, (a, b) in enumerate(zip(mine[2:], ref[2:])):
            if b in ("-NAN", "1.7976931348623157E+308", "-1.7976931348623157E+308"):
                assert a == b, (mine, ref)
            elif column < 2 and float(b) == 0.0:
                assert float(a) == 0.0, (mine, ref)
            else:
                n = counts[ref[0]]
                tol = sigma_tolerance(float(ref[4]), float(b), n) if column == 3 else RTOL
                assert math.isclose(float(a), float(b), rel_tol=tol, abs_tol=1e-300), (mine, ref)


def _by_z(elements: List[str]) -> List[str]:
    from sfcompile.analysis.stats import element_order

    return element_order(elements)


def test_special_rows_empty_and_single_atom_elements() -> None:
    plan, totals = case_result("qm9-10_t2-3-9_rc5")
    f_rows = [r for r in scaling_rows(plan, totals) if r.split()[0] == "5"]
    assert f_rows and all(
        r.split()[2:] == ["1.7976931348623157E+308", "-1.7976931348623157E+308", "-NAN", "-NAN"]
        for r in f_rows
    )
    plan, totals = case_result("qm9-f1_t2-3-9_rc5")
    for row in (r.split() for r in scaling_rows(plan, totals) if r.split()[0] == "5"):
        assert row[2] == row[3] == row[4] and row[5] == "-NAN"


def test_row_format_and_header() -> None:
    plan, totals = case_result("h2o-4_cutoff_ct1_cos_a0.0")
    text = scaling_data(plan, totals, "spec.toml", "input.data", "0")
    lines = text.splitlines()
    body = [line for line in lines if not line.startswith("#")]
    assert lines[0].startswith("#") and len(body) == 22
    assert all(len(line) == 10 + 1 + 10 + 4 * 25 for line in body)
    assert body[0][:21] == "         1          1"


def test_jobs_two_gives_identical_output(tmp_path: Path) -> None:
    plan, data = case_plan("cu2s-3_sfparamgen_rc6")
    structures = list(read_input_data(data)) * 3  # several chunks
    one = collect(plan, structures, jobs=1)
    two = collect(plan, structures, jobs=2)
    assert scaling_data(plan, one, "s", "d", "0") == scaling_data(plan, two, "s", "d", "0")


@pytest.mark.parametrize("jobs", [1, 2])
def test_chunk_counts_reported_locally(jobs: int) -> None:
    from sfcompile.engine.cluster import ChunkCount
    from sfcompile.engine.parallel import map_chunks

    plan, data = case_plan("cu2s-3_sfparamgen_rc6")
    structures = list(read_input_data(data)) * 6  # 432 atoms each time: 5 chunks of >= 512
    counts: List[ChunkCount] = []
    parts = list(map_chunks(chunk_totals, plan, structures, jobs, progress=counts.append))
    assert len(parts) == 5 and sum(p.structures for p in parts) == 18
    assert counts[-1] == ChunkCount(5, 5, True, None)
    assert all(c.done <= c.submitted for c in counts)
    assert [c.done for c in counts] == sorted(c.done for c in counts)


def test_geometries_count_as_structures() -> None:
    from sfcompile.engine.parallel import geometry_of

    plan, data = case_plan("cu2s-3_sfparamgen_rc6")
    structures = list(read_input_data(data))
    geometries = [geometry_of(s) for s in structures]
    assert geometries[1].number == 1 and geometries[1].line == structures[1].line
    assert [geometry_of(g) for g in geometries] == geometries
    one, two = collect(plan, structures), collect(plan, geometries)
    assert scaling_data(plan, one, "s", "d", "0") == scaling_data(plan, two, "s", "d", "0")


def _peak(plan: Plan, path: Path) -> int:
    tracemalloc.start()
    collect(plan, read_input_data(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_does_not_grow_with_the_data(tmp_path: Path) -> None:
    plan, data = case_plan("qm9-10_t2-3-9_rc5")
    text = data.read_text()  # 158 atoms; structures are evaluated a chunk (>= 512 atoms) at once
    some, many = tmp_path / "10.data", tmp_path / "40.data"
    some.write_text(text * 10)
    many.write_text(text * 40)
    assert _peak(plan, many) < 1.2 * _peak(plan, some) + 100_000


WATER_BOHR_IN_ANGSTROM_SPEC = """\
elements = ["H", "O"]
cutoff = 6.0
[cutoff_function]
type = "cos"
[output]
precision = 6
[[sets]]
type = "radial"
rule = "custom"
r_shift = [0.0, 0.8]
eta = [0.5, 20.0]
"""

DEAD_SPEC = """\
elements = ["H", "O", "N"]
cutoff = 12.0
[cutoff_function]
type = "cos"
[[sets]]
type = "radial"
rule = "custom"
r_shift = [0.0, 0.0]
eta = [1000.0, 0.1]
"""


def _run(tmp_path: Path, spec: str, *extra: str) -> Tuple[int, str, str]:
    (tmp_path / "spec.toml").write_text(spec)
    out, err = io.StringIO(), io.StringIO()
    code = main(["stats", str(tmp_path / "spec.toml"), *extra], out, err)
    return code, out.getvalue(), err.getvalue()


def test_dead_sf_and_absent_element(tmp_path: Path) -> None:
    data = str(DATA / "datasets" / "h2o-4.data")
    code, out, err = _run(tmp_path, DEAD_SPEC, "--data", data, "--json")
    assert code == 0, err
    found: Dict[str, Any] = json.loads(out)
    assert found["absent_elements"] == ["N"]
    h = found["elements"]["H"]["sfs"]
    dead = [e["sf"] for e in h if e["dead"] and "-N " not in e["sf"]]
    assert len(dead) == 2 and all("eta=1.000E+03" in d for d in dead)  # H-H, H-O: 0 everywhere
    assert not any(e["dead"] for e in h if "eta=1.000E-01" in e["sf"] and "-N " not in e["sf"])
    absent = [e["sf"] for e in h if e["combination_absent"]]
    assert absent and all("-N " in a for a in absent)  # H-N: no N atoms in the data
    code, text, _ = _run(tmp_path, DEAD_SPEC, "--data", data)
    assert "element N of the spec has no atoms" in text and "dead" in text


def test_units_warning_bohr_data_with_angstrom_spec(tmp_path: Path) -> None:
    data = str(DATA / "datasets" / "h2o-4.data")  # Bohr: shortest O-H ~ 1.8
    code, out, _ = _run(tmp_path, WATER_BOHR_IN_ANGSTROM_SPEC, "--data", data)
    assert code == 0
    assert "warning: units:" in out and "Bohr" in out
    cu2s = str(DATA / "datasets" / "cu2s-3.data")  # Å: no units warning with a sane spec
    sane = WATER_BOHR_IN_ANGSTROM_SPEC.replace('"H", "O"', '"S", "Cu"').replace("20.0", "0.2")
    code, out, _ = _run(tmp_path, sane, "--data", cu2s)
    assert code == 0 and "units" not in out


def test_cli_writes_scaling_data(tmp_path: Path) -> None:
    spec = (DATA / "sfvalues" / "cu2s-3_sfparamgen_rc6" / "input.nn").read_text()
    from sfcompile.inputnn.importer import import_input_nn

    spec_text = import_input_nn(spec, "input.nn").spec_text
    target = tmp_path / "scaling.data"
    data = str(DATA / "datasets" / "cu2s-3.data")
    code, out, err = _run(tmp_path, spec_text, "--data", data, "-o", str(target))
    assert code == 0, err
    rows = [r.split() for r in target.read_text().splitlines() if not r.startswith("#")]
    theirs = reference_rows("cu2s-3_sfparamgen_rc6")
    assert [r[:2] for r in rows] == [r[:2] for r in theirs]
    for mine, ref in zip(rows, theirs):
        assert all(math.isclose(float(a), float(b), rel_tol=RTOL) for a, b in zip(mine, ref))
    assert "S: 112 SFs" in out and err == ""


def test_cli_errors(tmp_path: Path) -> None:
    no_cutoff = WATER_BOHR_IN_ANGSTROM_SPEC.replace('[cutoff_function]\ntype = "cos"\n', "")
    data = str(DATA / "datasets" / "h2o-4.data")
    code, _, err = _run(tmp_path, no_cutoff, "--data", data)
    assert code == 2 and "cutoff_function" in err
    only_h = WATER_BOHR_IN_ANGSTROM_SPEC.replace('["H", "O"]', '["H"]')
    code, _, err = _run(tmp_path, only_h, "--data", data)
    assert code == 2 and "O" in err and "h2o-4.data:" in err
    broken = tmp_path / "broken.data"
    broken.write_text("begin\natom 1 2 x H 0 0 0 0 0\nend\n")
    code, _, err = _run(tmp_path, WATER_BOHR_IN_ANGSTROM_SPEC, "--data", str(broken))
    assert code == 2 and "broken.data:" in err


def test_chunk_totals_of_no_structures_is_empty() -> None:
    plan, _ = case_plan("h2o-4_cutoff_ct0_hard")
    totals = chunk_totals(plan, [])
    assert totals.structures == 0 and all(s.count == 0 for s in totals.sums.values())
    assert findings(plan, totals)["absent_elements"] == ["H", "O"]


def test_sfs_evaluated_at_printed_precision() -> None:
    sf = SymmetryFunction(2, ("H", "H"), 6.0, eta=0.1234567, r_shift=0.0)
    plan = make_plan(["H"], [sf], formatting.NumberFormat(3), 1)
    assert plan.sfs["H"][0].eta == 0.1235  # 1.235E-01


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_only_on_a_terminal_and_erased_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sfcompile.cli.progress import ProgressLine, progress_for

    monkeypatch.setattr(ProgressLine, "DELAY", 0.0)  # show from the first structure on
    terminal = _Terminal()
    line = progress_for(terminal, "stats")
    assert line is not None and progress_for(io.StringIO(), "stats") is None
    line(3, 432)
    line.close()
    text = terminal.getvalue()
    assert text.startswith("\rsfcompile stats: 3 structures, 432 atoms, ")
    assert text.endswith("\r\033[K")  # the line is erased: the report starts clean
    quiet = ProgressLine(io.StringIO(), "stats")
    quiet.DELAY = 3600.0  # a short run: nothing is shown
    quiet(1, 10)
    quiet.close()
    assert quiet.stream.getvalue() == ""  # type: ignore[attr-defined]
