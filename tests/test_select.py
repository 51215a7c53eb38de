"""``sfcompile select``: the picks (against scikit-matter), the selected spec (against the pool's
own lines), the measured costs (against a brute-force count), the sample, and every refusal.

Reference values: scikit-matter's ``CUR``/``FPS`` on the standardised SF matrix that
``sfcompile.compute`` gives (the same engine ``stats`` checks against n2p2), and independent
counts of neighbours (tests/bruteforce.py). Nothing here is compared with a stored output of
select itself.
"""

from __future__ import annotations

import io
import json
import warnings
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np
import pytest

import sfcompile
from sfcompile.analysis.environment import measure_environment
from sfcompile.analysis.stats import spec_plan
from sfcompile.cli import main
from sfcompile.generate.cost import CostModel
from sfcompile.generate.pipeline import check, load
from sfcompile.readers.structures import read_input_data
from sfcompile.selection import greedy
from sfcompile.selection.collect import Job, atom_keys, collect, term_key
from sfcompile.selection.greedy import select_columns, select_rows, unexplained_curve
from sfcompile.selection.moments import Moments
from tests.bruteforce import neighbours_of
from tests.conftest import DATA, REPO

H2O = DATA / "datasets" / "h2o-4.data"
CU2S = DATA / "datasets" / "cu2s-3.data"
POOL = REPO / "examples" / "configs" / "water-pool-HO.toml"

# A smaller pool for the command-line tests: 16 radial + 36 narrow + 36 wide SFs per element.
SMALL = """\
elements = ["H", "O"]
cutoff = 8.0

[cutoff_function]
type = "cos"

[[sets]]
type = "radial"
rule = "gastegger2018"
mode = "shift"
nb_param_pairs = 8
r_lower = 1.5
r_upper = 7.5

[[sets]]
type = "angular_narrow"
rule = "imbalzano2018"
mode = "center"
nb_param_pairs = 3
zetas = [1, 4]

[[sets]]
type = "angular_wide"
rule = "imbalzano2018"
mode = "center"
nb_param_pairs = 3
zetas = [1, 16]
"""


def sf_matrix(checked: Any, path: Path) -> Dict[str, np.ndarray]:
    """Every atom's SF values per central element, as the engine computes them."""
    plan = spec_plan(checked)
    sfs = [sf for element in plan.sfs for sf in plan.sfs[element]]
    rows: Dict[str, List[np.ndarray]] = {e: [] for e in plan.sfs}
    for structure in sfcompile.read_structures(path):
        for element, values in sfcompile.compute(structure, sfs, 1).items():
            rows[element].append(values)
    return {e: np.concatenate(v) for e, v in rows.items()}


@pytest.fixture(scope="module")
def pool() -> Tuple[Any, Dict[str, np.ndarray]]:
    checked = check(load(POOL))
    return checked, sf_matrix(checked, H2O)


def standardised(x: np.ndarray, keep: np.ndarray) -> np.ndarray:
    x = x[:, keep]
    return (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)


@pytest.mark.parametrize("method", ["cur", "fps"])
def test_picks_equal_scikit_matter(pool: Tuple[Any, Any], method: str) -> None:
    skmatter = pytest.importorskip("skmatter.feature_selection")
    checked, matrices = pool
    result = sfcompile.select(checked, H2O, per_element=30, method=method)
    for element, x in matrices.items():
        choice = result.run.elements[element]
        keep = np.setdiff1d(np.arange(x.shape[1]), choice.constant)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "cur":
                reference = skmatter.CUR(n_to_select=30, recompute_every=1, k=1)
            else:
                first = int(np.flatnonzero(keep == choice.picks.indices[0])[0])
                reference = skmatter.FPS(n_to_select=30, initialize=first)
            reference.fit(standardised(x, keep))
        assert keep[reference.selected_idx_].tolist() == choice.picks.indices, element


def test_the_constant_sfs_are_the_dead_ones_and_never_picked(pool: Tuple[Any, Any]) -> None:
    checked, matrices = pool
    result = sfcompile.select(checked, H2O, per_element=5, method="cur")
    for element, x in matrices.items():
        spread = x.max(axis=0) - x.min(axis=0)
        dead = np.flatnonzero(spread <= 1e-10 * np.maximum(1, abs(x).max(axis=0))).tolist()
        assert result.run.elements[element].constant == dead
        assert not set(dead) & set(result.run.elements[element].picks.indices)
    assert len(result.run.elements["O"].constant) == 2  # as `stats` reports for this pool


def test_the_streamed_gram_matrix_is_the_standardised_one() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(5.0, [1e-3, 1.0, 30.0, 0.2], size=(1000, 4))
    whole = Moments.of(x)
    merged = Moments(4)
    for part in np.array_split(x, [3, 250, 251, 900]):
        merged.merge(Moments.of(part))
    s = standardised(x, np.arange(4))
    for moments in (whole, merged):
        gram, _ = moments.standardised_gram(np.arange(4))
        np.testing.assert_allclose(gram, s.T @ s, rtol=1e-11, atol=1e-9)


def test_cur_beats_random_subsets_from_five_sfs_on(pool: Tuple[Any, Any]) -> None:
    checked, _ = pool
    result = sfcompile.select(checked, H2O, per_element=30, method="cur")
    part = collect(Job(spec_plan(checked)), sfcompile.read_structures(H2O))
    for element, choice in result.run.elements.items():
        keep = np.setdiff1d(np.arange(len(choice.pool)), choice.constant)
        gram, _ = part.moments[element].standardised_gram(keep)
        rng = np.random.default_rng(0)
        random = np.mean(
            [unexplained_curve(gram, rng.permutation(len(keep))[:30].tolist()) for _ in range(10)],
            axis=0,
        )
        cur = np.array(choice.picks.unexplained)
        assert (cur[4:] < random[4:]).all(), element
        assert (np.diff(cur) <= 1e-12).all()  # each pick explains more


def test_greedy_rows_equal_scikit_matter_sample_selection() -> None:
    skmatter = pytest.importorskip("skmatter.sample_selection")
    x = np.random.default_rng(3).normal(size=(40, 12)) @ np.diag(np.linspace(0.2, 3, 12))
    x = (x - x.mean(0)) / x.std(0, ddof=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cur = skmatter.CUR(n_to_select=10, recompute_every=1, k=1).fit(x)
        ours = select_rows(x, "cur", 10)
        assert ours.indices == cur.selected_idx_.tolist()
        fps = skmatter.FPS(n_to_select=10, initialize=ours.indices[0]).fit(x)
    assert select_rows(x, "fps", 10).indices == fps.selected_idx_.tolist()


@pytest.mark.parametrize("decay", [5.0, 60.0, 400.0])  # fast to slow decay of the spectrum
def test_lanczos_gives_the_leading_eigenvector_of_large_gram_matrices(decay: float) -> None:
    rng = np.random.default_rng(7)
    m = 300  # above greedy.DIRECT: Lanczos
    x = rng.standard_normal((900, m)) * np.exp(-np.arange(m) / decay) @ rng.standard_normal((m, m))
    gram = np.cov(x, rowvar=False)
    residual = gram.copy()
    for _ in range(5):  # also on the deflated matrices CUR makes
        found = greedy.leading_vector(residual)
        _, vectors = np.linalg.eigh(residual)
        assert np.allclose(found**2, vectors[:, -1] ** 2, rtol=0, atol=1e-12)
        greedy._remove(residual, int(np.argmax(found**2)))


def test_greedy_columns_stop_when_the_data_is_exhausted() -> None:
    x = np.random.default_rng(1).normal(size=(6, 3))
    x = np.concatenate([x, x @ np.ones((3, 1)), 2 * x[:, :1]], axis=1)  # rank 3 of 5
    x = (x - x.mean(0)) / x.std(0, ddof=1)
    picks = select_columns(x.T @ x, "cur", 5)
    assert picks.exhausted and len(picks.indices) == 3
    assert picks.unexplained[-1] < 1e-12


# -- measured costs ------------------------------------------------------------------------


def test_measured_costs_equal_a_brute_force_count() -> None:
    spec = SMALL.replace("cutoff = 8.0", "cutoff = 5.0").replace("r_upper = 7.5", "r_upper = 4.5")
    checked = check(load(spec))
    plan = spec_plan(checked)
    part = collect(Job(plan), list(sfcompile.read_structures(CU2S))[:1])
    structure = next(iter(sfcompile.read_structures(CU2S)))
    symbols = list(structure.elements)
    expected: Dict[str, Counter[Any]] = {"H": Counter(), "O": Counter()}
    del expected  # the spec is for H and O; Cu2S has neither: every count must be zero
    assert all(float(t.sum()) == 0.0 for t in part.terms.values())
    water = list(sfcompile.read_structures(H2O))[1]  # 48 atoms
    part = collect(Job(plan), [water])
    symbols = list(water.elements)
    for element in ("H", "O"):
        centres = [i for i, s in enumerate(symbols) if s == element]
        for k, sf in enumerate(plan.sfs[element]):
            cutoff, kind, names = term_key(sf)
            total = 0
            for i in centres:
                _, atoms = neighbours_of(water.positions, water.lattice, i, cutoff)
                species = [symbols[j] for j in atoms]
                if kind == "pair":
                    total += species.count(names[0])
                else:
                    total += sum(
                        1
                        for a in range(len(species))
                        for b in range(a + 1, len(species))
                        if sorted((species[a], species[b])) == list(names)
                    )
            assert part.terms[element][k] == total, (element, k)


def test_cost_weighting_prefers_sfs_cheap_in_n2p2(pool: Tuple[Any, Any]) -> None:
    checked, _ = pool
    plain = sfcompile.select(checked, H2O, per_element=10, method="cur")
    weighted = sfcompile.select(checked, H2O, per_element=10, cost_weighted=True, method="cur")
    model = CostModel(measure_environment(read_input_data(H2O), ["H", "O"], [12.0]))
    spent = [model.seconds([sf for c in run.run.elements.values() for sf in c.chosen])
             for run in (plain, weighted)]  # fmt: skip
    assert spent[1] < 0.5 * spent[0]
    assert weighted.report["cost_weighted"] is True
    assert "cost_weighted = true" in weighted.spec_text


def test_a_marginal_cost_is_asked_at_every_step() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((200, 12))
    gram = np.cov(x, rowvar=False)
    weights = rng.uniform(0.5, 2.0, 12)
    fixed = select_columns(gram, "cur", 6, cost=weights)
    asked: List[Tuple[int, Tuple[int, ...]]] = []

    def marginal(c: int, picked: Any) -> float:
        asked.append((c, tuple(picked)))
        return float(weights[c])

    assert select_columns(gram, "cur", 6, cost=marginal).indices == fixed.indices
    assert {p for _, p in asked} == {tuple(fixed.indices[:k]) for k in range(6)}
    # a column that becomes free once column 0 is picked is taken next
    free = select_columns(gram, "cur", 2, cost=lambda c, p: 1e-9 if c == 5 and p else 1.0)
    assert free.indices[1] == 5


# -- the selected spec --------------------------------------------------------------------


def pool_lines(spec: Any) -> List[str]:
    return [line for line in sfcompile.compile_spec(spec).splitlines() if line.startswith("sym")]


@pytest.mark.parametrize(
    "size", [{"per_element": 7}, {"fraction": 1.0}, {"count": {"H": 1, "O": 40}}]
)
def test_the_selected_spec_compiles_to_exactly_the_selected_lines(size: Dict[str, Any]) -> None:
    result = sfcompile.select(SMALL, H2O, **size)
    selected = pool_lines(result.spec_text)
    chosen = [line for lines in result.lines.values() for line in lines]
    assert Counter(selected) == Counter(chosen)
    assert set(selected) <= set(pool_lines(SMALL))
    assert len(selected) == sum(len(c.picks.indices) for c in result.run.elements.values())


def test_a_set_kept_whole_keeps_its_rule_and_a_subset_becomes_custom_or_list() -> None:
    text = sfcompile.select(SMALL, H2O, count={"H": 88, "O": 30}).spec_text
    sets = text.split("[[sets]]\n")[1:]
    whole = [s for s in sets if "central" in s and '["H"]' in s.split("\n\n")[0]]
    assert {s.splitlines()[1] for s in whole} == {
        'rule = "gastegger2018"',
        'rule = "imbalzano2018"',
    }  # every H SF: the pool's three sets, for central H only
    partial = [s.splitlines()[1] for s in sets if s not in whole]
    assert partial and set(partial) <= {'rule = "custom"', 'rule = "list"'}


def test_diff_against_the_pool_shows_only_removals(in_tmp_path: None) -> None:
    Path("pool.toml").write_text(SMALL)
    out, err = io.StringIO(), io.StringIO()
    assert (
        main(
            [
                "select",
                "pool.toml",
                "--data",
                str(H2O),
                "--per-element",
                "9",
                "-o",
                "selected.toml",
                "-q",
            ],
            stdout=out,
            stderr=err,
        )
        == 0
    )
    assert out.getvalue() == "" and err.getvalue() == ""
    out = io.StringIO()
    main(["diff", "pool.toml", "selected.toml"], stdout=out, stderr=err)
    summary = out.getvalue().splitlines()[2]
    assert summary == "158 removed, 0 added, 0 changed, 18 shared"


def test_the_output_does_not_depend_on_jobs(in_tmp_path: None) -> None:
    Path("pool.toml").write_text(SMALL)
    texts = []
    for jobs in ("1", "2"):
        Path(f"j{jobs}").mkdir()
        args = ["select", "pool.toml", "--data", str(H2O), "--per-element", "12", "--jobs", jobs,
                "-o", f"j{jobs}/s.toml", "--report", f"j{jobs}/r.json"]  # fmt: skip
        assert main(args, stdout=io.StringIO(), stderr=io.StringIO()) == 0
        texts.append((Path(f"j{jobs}/s.toml").read_bytes(), Path(f"j{jobs}/r.json").read_bytes()))
    assert texts[0] == texts[1]


def test_the_report_lists_every_pick_with_its_curve(in_tmp_path: None) -> None:
    Path("pool.toml").write_text(SMALL)
    err = io.StringIO()
    assert (
        main(
            [
                "select",
                "pool.toml",
                "--method",
                "cur",
                "--data",
                str(H2O),
                "--max-unexplained",
                "0.2",
                "--report",
                "r.json",
                "-o",
                "s.toml",
            ],
            stdout=io.StringIO(),
            stderr=err,
        )
        == 0
    )
    report = json.loads(Path("r.json").read_text())
    assert report["format"] == "sfcompile-select/2"
    for element, e in report["elements"].items():
        curve = [p["unexplained"] for p in e["picks"]]
        assert curve[-1] <= 0.2 < curve[-2]  # as few as leave at most 0.2 unexplained
        assert [p["rank"] for p in e["picks"]] == list(range(1, len(curve) + 1))
        assert e["picks"][0]["line"].startswith(f"symfunction_short {element}")
    text = err.getvalue()
    assert text.startswith("sfcompile select: pool.toml on h2o-4.data: cur, max-unexplained 0.2;")
    assert "\nH: " in text and "\nO: " in text


def test_the_selected_spec_records_its_provenance() -> None:
    result = sfcompile.select(SMALL, H2O, per_element=3, max_atoms=50, seed=4, method="cur")
    spec = load(result.spec_text).spec
    assert spec.selection is not None
    table = spec.selection.model_dump()
    assert table["method"] == "cur" and table["size_rule"] == "per-element 3"
    assert table["data"] == "h2o-4.data"
    assert (
        table["data_sha256"] == "5513a2b1e15a5c53a6c7938ae030d57de9cdc125d2f8145fc71186fb0bfdf597"
    )
    assert (table["max_atoms"], table["seed"], table["atoms"]) == (50, 4, 100)
    assert table["elements"]["O"]["pool"] == 88 and table["elements"]["O"]["selected"] == 3


# -- the sample -------------------------------------------------------------------------------


def test_the_sample_is_the_atoms_with_the_smallest_keys() -> None:
    structures = list(sfcompile.read_structures(H2O))
    keys: Dict[str, List[float]] = {"H": [], "O": []}
    for number, s in enumerate(structures):
        for symbol, key in zip(s.elements, atom_keys(11, number, len(s.elements))):
            keys[symbol].append(float(key))
    checked = check(load(SMALL))
    plan = spec_plan(checked)
    from sfcompile.selection.collect import draw_sample

    thresholds = draw_sample(structures, ["H", "O"], 30, 11)
    assert thresholds == {e: sorted(k)[29] for e, k in keys.items()}
    part = collect(Job(plan, thresholds, 11), structures, jobs=2)
    assert part.used == {"H": 30, "O": 30} and part.seen == {"H": 224, "O": 112}


def test_a_sample_is_reproducible_and_depends_on_the_seed() -> None:
    first = sfcompile.select(SMALL, H2O, per_element=5, max_atoms=40, seed=1, method="cur")
    again = sfcompile.select(SMALL, H2O, per_element=5, max_atoms=40, seed=1, method="cur")
    other = sfcompile.select(SMALL, H2O, per_element=5, max_atoms=40, seed=2, method="cur")
    assert first.spec_text == again.spec_text
    assert first.report != other.report  # another sample, other statistics


# -- refusals ------------------------------------------------------------------------------


def run_select(*args: str) -> Tuple[int, str, str]:
    """``sfcompile select`` (CUR unless the arguments name a method: this module tests the
    variance-based methods; tests/test_select_fit.py the force fit)."""
    if "--method" not in args:
        args = (*args, "--method", "cur")
    out, err = io.StringIO(), io.StringIO()
    code = main(["select", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def refused(result: Tuple[int, str, str]) -> List[str]:
    code, out, err = result
    assert "Traceback" not in err and out == "" and code == 2, err
    return err.splitlines()


@pytest.fixture
def small_pool(in_tmp_path: None) -> str:
    Path("pool.toml").write_text(SMALL)
    return "pool.toml"


def test_more_than_the_pool_is_refused_before_the_data_is_read(small_pool: str) -> None:
    assert refused(run_select(small_pool, "--data", "missing.data", "--per-element", "89")) == [
        "pool.toml:1:13: error: elements[0]: per-element 89: the pool has only 88 SFs of "
        "central element H; ask for at most 88",
        "pool.toml:1:18: error: elements[1]: per-element 89: the pool has only 88 SFs of "
        "central element O; ask for at most 88",
    ]


def test_more_than_the_varying_sfs_is_refused(small_pool: str) -> None:
    big = SMALL.replace("cutoff = 8.0", "cutoff = 12.0").replace("r_upper = 7.5", "r_upper = 3.0")
    Path("pool.toml").write_text(big)
    o = sf_matrix(check(load(big)), H2O)["O"]
    dead = int((o.max(axis=0) - o.min(axis=0) <= 1e-10 * np.maximum(1, abs(o).max(0))).sum())
    assert dead > 0
    lines = refused(run_select(small_pool, "--data", str(H2O), "--per-element", "88"))
    assert lines == [
        f"pool.toml:1:18: error: elements[1]: per-element 88: only {88 - dead} of the 88 SFs of "
        f"central element O vary on h2o-4.data (the other {dead} are constant: never picked); "
        f"ask for at most {88 - dead}",
    ]


def test_count_names_every_central_element_and_no_other(small_pool: str) -> None:
    assert refused(run_select(small_pool, "--data", str(H2O), "--count", "H=3,C=2")) == [
        "pool.toml:1:1: error: elements: --count C=2: C is not a central element of the "
        "pool's SFs (they are H, O)",
        "pool.toml:1:18: error: elements[1]: --count gives no number for central element O; "
        "add O=N",
    ]
    code, _, err = run_select(small_pool, "--data", str(H2O), "--count", "H=3,O")
    assert code == 2 and "argument --count: expected ELEMENT=N[,ELEMENT=N...]" in err


def test_an_element_without_atoms_in_the_data_is_refused(in_tmp_path: None) -> None:
    Path("pool.toml").write_text(SMALL.replace('["H", "O"]', '["H", "O", "S"]'))
    assert refused(run_select("pool.toml", "--data", str(H2O), "--per-element", "2")) == [
        "pool.toml:1:23: error: elements[2]: no atom of element S in h2o-4.data: its SFs "
        "cannot be ranked; add structures with S, or keep all its pool SFs unranked with "
        "--keep-unranked",
    ]


def test_keep_unranked_keeps_every_sf_of_an_element_without_atoms(in_tmp_path: None) -> None:
    Path("pool.toml").write_text(SMALL.replace('["H", "O"]', '["H", "O", "S"]'))
    code, out, err = run_select("pool.toml", "--data", str(H2O), "--per-element", "2",
                                "--keep-unranked", "--report", "r.json")  # fmt: skip
    assert code == 0, err
    lines = pool_lines(out)
    s_lines = [line for line in lines if line.split()[1] == "S"]
    assert s_lines == [line for line in pool_lines(SMALL.replace('["H", "O"]', '["H", "O", "S"]'))
                       if line.split()[1] == "S"] and s_lines  # fmt: skip
    assert len([line for line in lines if line.split()[1] in ("H", "O")]) == 4
    report = json.loads(Path("r.json").read_text())
    assert report["elements"]["S"]["unranked"] is True and report["elements"]["S"]["picks"] == []
    assert report["elements"]["H"]["unranked"] is False
    selection = sfcompile.load(out).spec.selection
    assert selection is not None and selection.elements["S"].unranked
    assert (f"S: not ranked (0 atoms, every SF constant on the data): all {len(s_lines)} pool "
            "SFs kept (--keep-unranked)") in err  # fmt: skip


def test_data_that_makes_every_sf_constant_is_refused(in_tmp_path: None) -> None:
    molecule = "begin\natom 0 0 0 O 0 0 0 0 0\natom 1.8 0 0 H 0 0 0 0 0\nenergy 0\ncharge 0\nend\n"
    Path("one.data").write_text(molecule + molecule.replace("1.8 0 0", "0 1.8 0"))
    Path("pool.toml").write_text(SMALL)
    lines = refused(run_select("pool.toml", "--data", "one.data", "--per-element", "2"))
    assert lines == [
        "pool.toml:1:13: error: elements[0]: every one of the 88 SFs of central element H is "
        "constant on one.data (2 atoms): nothing to rank them by; use more varied data (or "
        "check the length unit of the data against the cutoffs), or keep all its pool SFs "
        "unranked with --keep-unranked",
        "pool.toml:1:18: error: elements[1]: every one of the 88 SFs of central element O is "
        "constant on one.data (2 atoms): nothing to rank them by; use more varied data (or "
        "check the length unit of the data against the cutoffs), or keep all its pool SFs "
        "unranked with --keep-unranked",
    ]


def test_an_unknown_method_and_a_missing_size_rule_are_usage_errors(small_pool: str) -> None:
    code, out, err = run_select(
        small_pool, "--data", str(H2O), "--per-element", "2", "--method", "pca"
    )
    assert code == 2 and out == ""
    assert "argument --method: invalid choice: 'pca' (choose from auto, fit, cur, fps)" in (
        err.replace("'auto', 'fit', 'cur', 'fps'", "auto, fit, cur, fps")
    )
    code, _, err = run_select(small_pool, "--data", str(H2O))
    assert (
        code == 2
        and "one of the arguments --per-element --count --fraction --max-unexplained "
        "--max-validation-rmse is required"
        in err
    )


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--energy-weight", "0", "argument --energy-weight: expected a positive number, got 0"),
        ("--energy-weight", "inf", "argument --energy-weight: expected a positive number, got inf"),
        ("--max-validation-rmse", "abc",
         "argument --max-validation-rmse: expected a number, got 'abc'"),
    ],
)  # fmt: skip
def test_options_that_take_a_positive_number(
    small_pool: str, option: str, value: str, message: str
) -> None:
    size = [] if option == "--max-validation-rmse" else ["--per-element", "2"]
    code, out, err = run_select(small_pool, "--data", str(H2O), *size, option, value)
    assert code == 2 and out == ""
    assert err.rstrip().endswith(f"sfcompile select: error: {message}")


def test_a_set_the_filters_leave_empty_is_refused(in_tmp_path: None) -> None:
    Path("pool.toml").write_text(
        SMALL + '\n[[sets]]\ntype = "radial"\nrule = "custom"\n'
        'r_shift = [0]\neta = [1]\ninclude = [["H", "H"]]\nexclude = [["H", "H"]]\n'
    )
    assert refused(run_select("pool.toml", "--data", str(H2O), "--per-element", "2")) == [
        "pool.toml:29:1: error: sets[3]: the element filters leave this set without any "
        "element combination",
    ]


def test_the_memory_estimate_refuses_before_any_work(small_pool: str) -> None:
    # 2 Gram matrices of 88 x 88 doubles, (6 + 2 jobs x 2) copies: 1.2 MiB
    lines = refused(
        run_select(
            small_pool,
            "--data",
            "missing.data",
            "--per-element",
            "2",
            "--max-memory",
            "1",
            "--jobs",
            "2",
        )
    )
    assert lines == [
        "<select>: error: the selection would need about 1 MiB for the Gram matrices of the "
        "pool's SFs per central element (H 88, O 88; 8 bytes × m² each, per process), more than "
        "the limit of 1 MiB; use fewer SFs or processes, or raise --max-memory",
    ]


def test_a_failed_selection_leaves_the_old_output_untouched(small_pool: str) -> None:
    Path("selected.toml").write_text("old\n")
    Path("r.json").write_text("old report\n")
    refused(
        run_select(
            small_pool,
            "--data",
            str(H2O),
            "--per-element",
            "500",
            "-o",
            "selected.toml",
            "--report",
            "r.json",
        )
    )
    assert Path("selected.toml").read_text() == "old\n"
    assert Path("r.json").read_text() == "old report\n"
    code, out, err = run_select(
        small_pool, "--data", "nothing-here.data", "--per-element", "2", "-o", "selected.toml"
    )
    assert code == 2 and out == "" and "nothing-here.data: error: cannot open the data file" in err
    assert Path("selected.toml").read_text() == "old\n"


def test_a_pool_without_a_cutoff_function_is_refused(in_tmp_path: None) -> None:
    Path("pool.toml").write_text(SMALL.replace('[cutoff_function]\ntype = "cos"\n', ""))
    assert refused(run_select("pool.toml", "--data", str(H2O), "--per-element", "2")) == [
        "pool.toml:1:1: error: evaluating Gaussian SFs on data needs n2p2's global cutoff "
        'function: add a [cutoff_function] table, e.g. type = "cos"',
    ]


def test_gzip_data_gives_the_same_selection(in_tmp_path: None) -> None:
    import gzip

    Path("h2o.data.gz").write_bytes(gzip.compress(H2O.read_bytes()))
    plain = sfcompile.select(SMALL, H2O, per_element=6)
    packed = sfcompile.select(SMALL, "h2o.data.gz", per_element=6)
    assert packed.lines == plain.lines and packed.curve == plain.curve
    assert 'data = "h2o.data.gz"' in packed.spec_text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--per-element", "2", "--seed", "-1"],
            "argument --seed: expected an integer >= 0, got -1",
        ),
        (
            ["--per-element", "2", "--seed", "x"],
            "argument --seed: expected an integer >= 0, got 'x'",
        ),
        (["--count", "H=2,H=3"], "argument --count: element 'H' is given twice"),
        (["--count", "H=0"], "argument --count: expected a positive integer, got 0"),
        (["--fraction", "0"], "argument --fraction: expected a fraction in (0, 1], got 0"),
        (["--fraction", "half"], "argument --fraction: expected a number, got 'half'"),
        (
            ["--max-unexplained", "1"],
            "argument --max-unexplained: expected a fraction in [0, 1), got 1",
        ),
        (
            ["--per-element", "2", "--fraction", "0.5"],
            "argument --fraction: not allowed with argument --per-element",
        ),
    ],
)
def test_option_values_are_usage_errors(small_pool: str, args: List[str], message: str) -> None:
    code, out, err = run_select(small_pool, "--data", str(H2O), *args)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == f"sfcompile select: error: {message}"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {},
            "give exactly one size rule: per_element, counts, fraction, max_unexplained or "
            "max_validation_rmse",
        ),
        (
            {"per_element": 2, "fraction": 0.5},
            "give exactly one size rule: per_element, counts, fraction, max_unexplained or "
            "max_validation_rmse",
        ),
        ({"fraction": 1.5}, "fraction must be in (0, 1], not 1.5"),
        ({"max_unexplained": 1.0}, "max_unexplained must be in [0, 1), not 1.0"),
        ({"per_element": 0}, "a number of SFs must be a positive integer, not 0"),
        ({"count": {"H": 2.5}}, "a number of SFs must be a positive integer, not 2.5"),
    ],
)
def test_the_api_refuses_a_bad_size_rule(rule: Dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        sfcompile.select(SMALL, H2O, **rule)
    assert str(caught.value) == message


def test_the_api_refuses_an_unknown_method() -> None:
    with pytest.raises(ValueError) as caught:
        sfcompile.select(SMALL, H2O, per_element=2, method="pca")
    assert str(caught.value) == "unknown method 'pca'; expected one of auto, fit, cur, fps"
