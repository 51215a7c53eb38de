"""``select`` by fit to energies and forces, and ``score``: the normal equations against ones
built from explicit matrices, the greedy steps against brute-force least squares, the run's
independence of processes, and every refusal.

Data: the first 40 structures of the Cu–Au outcome set (EMT energies and forces), n2p2's QM9
excerpt (its forces are all 0) and water (Bohr)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np
import pytest

import sfcompile
from sfcompile.analysis.stats import spec_plan
from sfcompile.cli import main
from sfcompile.engine.derivatives import atom_derivatives
from sfcompile.generate.pipeline import check, load
from sfcompile.readers.structures import read_input_data
from sfcompile.selection.fit import FitJob, Normal, collect_fit, keys, scaling
from sfcompile.selection.forward import Candidate, Forward, forward_selection, weights

from .conftest import DATA, REPO

CUAU = REPO / "bench" / "data" / "cuau-600" / "cuau-40.data"
QM9 = DATA / "datasets" / "qm9-10.data"

POOL = """\
elements = ["Cu", "Au"]
cutoff = 5.0

[cutoff_function]
type = "cos"

[[sets]]
type = "radial"
rule = "gastegger2018"
mode = "shift"
nb_param_pairs = 4
r_lower = 2.0
r_upper = 4.5

[[sets]]
type = "radial"
rule = "gastegger2018"
mode = "center"
nb_param_pairs = 3
r_lower = 2.0
r_upper = 4.5

[[sets]]
type = "angular_narrow"
rule = "imbalzano2018"
mode = "center"
nb_param_pairs = 3
zetas = [1, 4]
"""


def structures() -> List[Any]:
    return list(read_input_data(CUAU))


# --- the normal equations ----------------------------------------------------------------------


def explicit_rows(job: FitJob, structure: Any) -> Tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """The energy row, energy per atom, force rows and forces of one structure, built from
    atom_derivatives and the values (independently of the kernel's chain sums)."""
    plan = job.plan
    sfs = [sf for e in plan.sfs for sf in plan.sfs[e]]
    values = sfcompile.compute(structure, sfs, plan.cutoff_type, plan.alpha)
    n = len(structure.elements)
    energy = np.zeros(job.width)
    force = np.zeros((3 * n, job.width))
    for k, element in enumerate(plan.elements):
        energy[k] = sum(1 for s in structure.elements if s == element)
    row_of = {element: 0 for element in plan.sfs}
    for atom, element in enumerate(structure.elements):
        g = (values[element][row_of[element]] - job.shift[element]) * job.scale[element]
        row_of[element] += 1
        grad = atom_derivatives(structure, sfs, plan.cutoff_type, atom, plan.alpha)
        for p in range(job.powers):
            columns = job.offsets[element] + np.arange(len(g)) * job.powers + p
            energy[columns] += g ** (p + 1)
            chain = (p + 1) * g**p * job.scale[element]
            force[:, columns] -= (grad * chain).reshape(3 * n, -1)
    return energy / n, structure.energy / n, force, np.asarray(structure.forces).reshape(-1)


def test_the_normal_equations_are_those_of_the_explicit_rows() -> None:
    plan = spec_plan(check(load(POOL)))
    data = structures()[:6]
    shift, scale, _ = scaling(plan, data)
    job = FitJob(plan, 2, shift, scale, validation=0.0, seed=0)
    part = collect_fit(job, data)
    energy, force = Normal.empty(job.width), Normal.empty(job.width)
    for structure in data:
        ex, ey, fx, fy = explicit_rows(job, structure)
        energy.add(ex[None, :], np.array([ey]))
        force.add(fx, fy)
    for name, expected in (("energy", energy), ("forces", force)):
        got = part.normal[name, "training"]
        assert got.rows == expected.rows
        scale_ = np.abs(expected.gram).max()
        np.testing.assert_allclose(got.gram, expected.gram, rtol=1e-9, atol=1e-12 * scale_)
        np.testing.assert_allclose(got.rhs, expected.rhs, rtol=1e-9,
                                   atol=1e-12 * np.abs(expected.rhs).max())  # fmt: skip
        assert got.squares == pytest.approx(expected.squares, rel=1e-12)
    assert part.normal["forces", "validation"].rows == 0


def test_the_split_and_the_samples_depend_on_the_seed_and_the_position_only() -> None:
    numbers = np.arange(2000)
    first, again, other = keys(3, 1, numbers), keys(3, 1, numbers), keys(4, 1, numbers)
    assert first.tobytes() == again.tobytes() and (first != other).mean() > 0.99
    assert abs((first < 0.1).mean() - 0.1) < 0.02  # uniform
    assert keys(3, 1, numbers[500:510]).tobytes() == first[500:510].tobytes()  # any chunking
    assert (keys(3, 2, numbers) != first).all()  # streams are independent


# --- the greedy steps --------------------------------------------------------------------------


def test_each_step_is_the_best_exact_refit() -> None:
    """On random normal equations the picks and objectives equal brute-force ridge least
    squares over every candidate at every step."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(300, 13))
    x[:, 0] = 1.0  # an offset column
    y = x[:, 3] * 2 - x[:, 7] + x[:, 8] ** 2 + rng.normal(scale=0.1, size=300)
    normal = {
        (p, s): Normal.empty(13) for p in ("energy", "forces") for s in ("training", "validation")
    }
    normal["forces", "training"].add(x, y)
    normal["forces", "validation"].add(x[:50], y[:50])
    candidates = [Candidate("Cu", k, np.array([1 + 2 * k, 2 + 2 * k])) for k in range(6)]
    ridge = 1e-3
    length = np.sqrt((x * x).sum(axis=0))  # the penalty is then ridge × (w × length)²
    machine = Forward(normal, np.array([0]), candidates, ridge=ridge, spread=length)
    steps = forward_selection(machine, {"Cu": 4})
    xs, ys = x / length, y
    chosen = [0]
    _, w_f = weights(normal, np.array([0]), 1.0)

    def loss(columns: List[int]) -> float:
        penalty = ridge * np.diag([0.0] + [1.0] * (len(columns) - 1)) + 1e-12 * np.eye(len(columns))
        a = w_f * xs[:, columns].T @ xs[:, columns] + penalty
        b = w_f * xs[:, columns].T @ ys
        return float(w_f * ys @ ys - b @ np.linalg.solve(a, b))

    start = loss(chosen)
    for step in steps:
        trial = {k: loss(chosen + list(candidates[k].columns)) for k in range(6)
                 if k not in [s.candidate for s in steps[: steps.index(step)]]}  # fmt: skip
        best = min(trial, key=trial.get)
        assert step.candidate == best
        chosen += list(candidates[best].columns)
        assert step.objective == pytest.approx(trial[best] / start, rel=1e-8)


# --- the command -------------------------------------------------------------------------------


def run(*args: str) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("pool.toml").write_text(POOL)
    return tmp_path


def test_fit_is_the_default_where_the_data_has_forces(pool: Path) -> None:
    code, out, err = run("select", "pool.toml", "--data", str(CUAU), "--per-element", "5",
                         "--validation", "0.25", "--report", "r.json")  # fmt: skip
    assert code == 0, err
    report = json.loads(Path("r.json").read_text())
    assert report["method"] == "fit" and report["fit"]["degree"] == 3
    curve = report["fit"]["curve"]
    assert len(curve) == 10 and {p["element"] for p in curve} == {"Cu", "Au"}
    assert all(p["validation"]["forces"] is not None for p in curve)
    forces = [p["validation"]["forces"] for p in curve]
    assert forces[-1] < 0.8 * report["fit"]["reference"]["force_rms"]
    spec = load(out).spec
    assert spec.selection is not None and spec.selection.method == "fit"
    assert spec.selection.fit is not None and spec.selection.fit.degree == 3
    assert spec.selection.fit.force_rmse == pytest.approx(curve[-1]["validation"]["forces"],
                                                           rel=1e-5)  # fmt: skip
    assert err.startswith("sfcompile select: pool.toml on cuau-40.data: fit, per-element 5;")


def test_score_of_the_selected_set_is_the_curve_s_last_point(pool: Path) -> None:
    """The same model, the same split: score gives the selection's final validation RMSE."""
    assert run("select", "pool.toml", "--data", str(CUAU), "--per-element", "4",
               "--validation", "0.25", "--report", "r.json", "-o", "s.toml")[0] == 0  # fmt: skip
    last = json.loads(Path("r.json").read_text())["fit"]["curve"][-1]
    document = sfcompile.score("s.toml", CUAU, validation=0.25)
    assert document["validation"]["forces"] == pytest.approx(last["validation"]["forces"],
                                                             rel=1e-6)  # fmt: skip
    assert document["validation"]["energy"] == pytest.approx(last["validation"]["energy"],
                                                             rel=1e-6)  # fmt: skip
    code, out, _ = run("score", "s.toml", "--data", str(CUAU), "--validation", "0.25")
    assert code == 0 and out.startswith("sfcompile score: s.toml on cuau-40.data: model of "
                                        "degree 3 with 8 SFs (Cu 4, Au 4)")  # fmt: skip


def test_the_selection_does_not_depend_on_jobs(pool: Path) -> None:
    outputs = []
    for jobs in ("1", "2"):
        Path(jobs).mkdir()
        args = ["--per-element", "4", "--jobs", jobs, "--report", f"{jobs}/r.json"]
        assert (
            run("select", "pool.toml", "--data", str(CUAU), *args, "-o", f"{jobs}/s.toml")[0] == 0
        )
        outputs.append((Path(f"{jobs}/s.toml").read_bytes(), Path(f"{jobs}/r.json").read_bytes()))
    assert outputs[0] == outputs[1]


def test_max_validation_rmse_stops_at_the_first_pick_below_it(pool: Path) -> None:
    code, _, err = run("select", "pool.toml", "--data", str(CUAU), "--max-validation-rmse",
                       "0.8", "--validation", "0.25", "--report", "r.json")  # fmt: skip
    assert code == 0, err
    fit = json.loads(Path("r.json").read_text())["fit"]
    curve = [p["validation"]["forces"] for p in fit["curve"]]
    assert len(curve) > 1 and curve[-1] <= 0.8 and all(x > 0.8 for x in curve[:-1])


def test_data_without_forces_is_selected_by_cur_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("pool.toml").write_text(POOL.replace('["Cu", "Au"]', '["H", "C", "N", "O"]'))
    code, _, err = run("select", "pool.toml", "--data", str(QM9), "--per-element", "2",
                       "--report", "r.json")  # fmt: skip
    assert code == 0, err
    report = json.loads(Path("r.json").read_text())
    assert report["method"] == "cur" and report["fit"] is None
    assert report["notes"] == [
        "qm9-10.data has no reference forces (or they are all 0): selected by CUR on the SF "
        "values, not by the fit to energies and forces"
    ]


# --- refusals ----------------------------------------------------------------------------------


def refused(result: Tuple[int, str, str]) -> List[str]:
    code, out, err = result
    assert code == 2 and out == ""
    return [line for line in err.splitlines() if line]


def test_fit_on_data_without_forces_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("pool.toml").write_text(POOL.replace('["Cu", "Au"]', '["H", "C", "N", "O"]'))
    assert refused(
        run("select", "pool.toml", "--data", str(QM9), "--per-element", "2", "--method", "fit")
    ) == [
        "qm9-10.data: error: every force in it is 0; the force fit needs reference forces",
    ]


def test_a_frame_without_forces_is_refused_at_its_line(pool: Path) -> None:
    pytest.importorskip("ase")
    from ase import Atoms
    from ase.calculators.singlepoint import SinglePointCalculator
    from ase.io import write

    frames = []
    for k in range(3):
        atoms = Atoms("Cu2", positions=[[0, 0, 0], [2.5 + 0.1 * k, 0, 0]])
        if k != 1:
            atoms.calc = SinglePointCalculator(atoms, energy=-1.0 - k, forces=np.ones((2, 3)))
        frames.append(atoms)
    write("frames.extxyz", frames, format="extxyz")
    Path("cu.toml").write_text(POOL.replace('["Cu", "Au"]', '["Cu"]'))
    lines = refused(run("select", "cu.toml", "--data", "frames.extxyz", "--format", "extxyz",
                        "--per-element", "1", "--method", "fit"))  # fmt: skip
    assert lines == [
        "frames.extxyz:5:1: error: structure 1 (0-based) has no reference forces: the force fit "
        "needs the energy and forces of every structure (extxyz: a calculator's results or a "
        "forces array); or select with --method cur or fps",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-unexplained", "0.1"],
         "<select>: error: --max-unexplained is a size rule of cur and fps (a fraction of the SF "
         "values' variance); the force fit stops by --max-validation-rmse (or give a number of "
         "SFs)"),
        (["--max-validation-rmse", "0.1", "--method", "cur"],
         "<select>: error: --max-validation-rmse is a size rule of the force fit, not of cur; use "
         "--max-unexplained, or select by fit"),
        (["--per-element", "60"],
         "pool.toml:1:13: error: elements[0]: per-element 60: the pool has only 50 SFs of "
         "central element Cu; ask for at most 50"),
    ],
)  # fmt: skip
def test_size_rules_the_method_cannot_take_are_refused(
    pool: Path, args: List[str], message: str
) -> None:
    assert refused(run("select", "pool.toml", "--data", str(CUAU), *args))[0] == message


def test_a_pool_too_large_for_the_memory_limit(pool: Path) -> None:
    code, _, err = run("select", "pool.toml", "--data", str(CUAU), "--per-element", "2",
                       "--max-memory", "2", "--report", "r.json")  # fmt: skip
    assert code == 0, err  # 102 columns at degree 1 need 1.2 MiB; degree 3 needs 10.4 MiB
    notes: Dict[str, Any] = json.loads(Path("r.json").read_text())
    assert notes["fit"]["degree"] < 3
    assert any(n.startswith(f"fitted with degree {notes['fit']['degree']}, not 3:")
               for n in notes["notes"])  # fmt: skip


def test_the_fit_curve_is_read_back_and_drawn(pool: Path) -> None:
    pytest.importorskip("matplotlib")
    from sfcompile.plot import figures
    from sfcompile.selection.report_file import read_selection

    assert run("select", "pool.toml", "--data", str(CUAU), "--per-element", "3",
               "--validation", "0.25", "--report", "r.json")[0] == 0  # fmt: skip
    selection = read_selection("r.json")
    report = json.loads(Path("r.json").read_text())
    assert selection.fit is not None and list(selection.fit.n) == list(range(1, 7))
    expected = [p["validation"]["forces"] for p in report["fit"]["curve"]]
    np.testing.assert_allclose(selection.fit.forces, expected)
    ax = figures.fit_figure(selection.fit).figure.axes[0]
    force_line = ax.get_lines()[0]
    scale = report["fit"]["reference"]["force_rms"]
    np.testing.assert_allclose(force_line.get_ydata(), np.array(expected) / scale)


@pytest.mark.filterwarnings("error::RuntimeWarning")  # ±inf bounds of the element without atoms
def test_an_element_the_data_cannot_rank_is_refused_or_kept_unranked(pool: Path) -> None:
    Path("pool.toml").write_text(POOL.replace('["Cu", "Au"]', '["Cu", "Au", "Ag"]'))
    assert refused(run("select", "pool.toml", "--data", str(CUAU), "--per-element", "3")) == [
        "pool.toml:1:25: error: elements[2]: every SF of central element Ag is constant on "
        "cuau-40.data (or no atom of Ag is in it): nothing to fit them by; add structures with "
        "Ag, or keep all its pool SFs unranked with --keep-unranked",
    ]
    for rule in (["--per-element", "3"], ["--max-validation-rmse", "0.5"]):
        code, out, err = run("select", "pool.toml", "--data", str(CUAU), *rule,
                             "--keep-unranked", "--report", "r.json")  # fmt: skip
        assert code == 0, err
        report = json.loads(Path("r.json").read_text())
        assert report["elements"]["Ag"]["unranked"] is True
        picked = [p["element"] for p in report["fit"]["curve"]]
        assert "Ag" not in picked and {"Cu", "Au"} <= set(picked)
        lines = [line for line in sfcompile.compile_spec(out).splitlines()
                 if line.startswith("symfunction_short Ag ")]  # fmt: skip
        assert len(lines) == report["elements"]["Ag"]["pool"] > 0


def test_the_fit_reports_n2p2_s_predicted_time_and_can_trade_against_it(pool: Path) -> None:
    from sfcompile.analysis.environment import measure_environment
    from sfcompile.generate.cost import CostModel
    from sfcompile.selection.fit_run import survey

    checked = check(load(POOL))
    plan = spec_plan(checked)
    runs = {}
    for weighted in (False, True):
        result = sfcompile.select(checked, CUAU, per_element=6, cost_weighted=weighted)
        runs[weighted] = result
        curve = result.report["fit"]["curve"]
        # the curve is the cost model's time of the picks so far, on the fit's basis sample
        model = CostModel(measure_environment(survey(structures(), 0).head, ["Cu", "Au"], [5.0]))
        picked = []
        for point in curve:
            k = [described(sf) for sf in plan.sfs[point["element"]]].index(point["sf"])
            picked.append(plan.sfs[point["element"]][k])
            assert point["n2p2_us_per_atom"] == pytest.approx(1e6 * model.seconds(picked),
                                                              rel=1e-5)  # fmt: skip
        assert result.report["cost_weighted"] is weighted
    final = [runs[w].report["fit"]["curve"][-1]["n2p2_us_per_atom"] for w in (False, True)]
    assert final[1] < 0.8 * final[0]
    selection = load(runs[True].spec_text).spec.selection
    assert selection is not None and selection.fit is not None
    assert selection.fit.n2p2_us_per_atom == pytest.approx(final[1], rel=1e-5)


def described(sf: Any) -> str:
    from sfcompile.analysis.report import describe
    from sfcompile.targets.formatting import NumberFormat

    return describe(sf, NumberFormat(check(load(POOL)).loaded.spec.output.precision))


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**40])
def test_one_structure_s_key_is_the_array_s(seed: int) -> None:
    from sfcompile.selection.fit import structure_key

    numbers = np.array([0, 1, 7, 19999, 2**40], dtype=np.int64)
    for stream in (1, 2, 3, 4):
        assert [structure_key(seed, stream, int(n)) for n in numbers] == \
            keys(seed, stream, numbers).tolist()  # fmt: skip
