"""``sfcompile select-structures``: picks against scikit-matter's sample selection on
independently built summaries, structures copied byte for byte, refusals."""

from __future__ import annotations

import gzip
import io
import json
import warnings
from pathlib import Path
from typing import List, Tuple

import numpy as np
import pytest

import sfcompile
from sfcompile.analysis.stats import spec_plan
from sfcompile.cli import main
from sfcompile.generate.pipeline import check, load
from tests.conftest import DATA

QM9 = DATA / "datasets" / "qm9-10.data"
SPEC = """\
elements = ["H", "C", "N", "O"]
cutoff = 5.0

[cutoff_function]
type = "cos"

[[sets]]
type = "radial"
rule = "gastegger2018"
mode = "shift"
nb_param_pairs = 6
r_lower = 0.8
r_upper = 4.5

[[sets]]
type = "angular_wide"
rule = "imbalzano2018"
mode = "center"
nb_param_pairs = 3
zetas = [1, 4]
central = ["C", "O"]
neighbours = ["H", "C"]
"""

pytestmark = pytest.mark.usefixtures("in_tmp_path")


def blocks(text: str) -> List[str]:
    """The structures of an input.data text, begin to end, as written."""
    found, current = [], []
    for line in text.splitlines(keepends=True):
        if line.split()[:1] == ["begin"]:
            current = []
        current.append(line)
        if line.split()[:1] == ["end"]:
            found.append("".join(current))
    return found


def summaries() -> np.ndarray:
    """Per structure, per element the mean SF vector (NaN where the element is missing),
    built with the public compute(), standardised as documented."""
    checked = check(load(SPEC))
    plan = spec_plan(checked)
    sfs = [sf for e in plan.sfs for sf in plan.sfs[e]]
    rows = []
    for structure in sfcompile.read_structures(QM9):
        values = sfcompile.compute(structure, sfs, 1)
        row = []
        for element, own in plan.sfs.items():
            v = values.get(element)
            mean = v.mean(axis=0) if v is not None and len(v) else np.full(len(own), np.nan)
            row.append(mean)
        rows.append(np.concatenate(row))
    x = np.array(rows)
    columns = []
    for k in range(x.shape[1]):
        present = x[~np.isnan(x[:, k]), k]
        if len(present) < 2 or present.max() - present.min() <= 1e-10 * max(1, abs(present).max()):
            continue
        z = (x[:, k] - present.mean()) / present.std(ddof=1)
        columns.append(np.where(np.isnan(z), 0.0, z))
    return np.array(columns).T


def run(*args: str) -> Tuple[int, str, str]:
    Path("spec.toml").write_text(SPEC)
    out, err = io.StringIO(), io.StringIO()
    code = main(["select-structures", "spec.toml", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("method", ["cur", "fps"])
def test_picks_equal_scikit_matter_sample_selection(method: str) -> None:
    skmatter = pytest.importorskip("skmatter.sample_selection")
    chosen = sfcompile.select_structures(SPEC, QM9, 6, method=method)
    x = summaries()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "cur":
            reference = skmatter.CUR(n_to_select=6, recompute_every=1, k=1)
        else:
            reference = skmatter.FPS(n_to_select=6, initialize=chosen.indices[0])
        reference.fit(x)
    assert chosen.indices == reference.selected_idx_.tolist()


def test_the_chosen_structures_are_copied_unchanged_in_file_order() -> None:
    code, out, err = run("--data", str(QM9), "-n", "4", "-o", "subset.data", "--report", "r.json")
    assert (code, out) == (0, "")
    report = json.loads(Path("r.json").read_text())
    numbers = [p["structure"] for p in report["picks"]]
    original = blocks(QM9.read_text())
    assert Path("subset.data").read_text() == "".join(original[n] for n in sorted(numbers))
    assert err.startswith("sfcompile select-structures: qm9-10.data: 4 of 10 structures by cur")
    assert [p["atoms"] for p in report["picks"]] == [
        blocks(QM9.read_text())[n].count("\natom ") for n in numbers
    ]


def test_a_gz_output_is_compressed_reproducibly() -> None:
    assert run("--data", str(QM9), "-n", "3", "-o", "a.data.gz", "-q")[0] == 0
    assert run("--data", str(QM9), "-n", "3", "-o", "b.data", "-q")[0] == 0
    packed = Path("a.data.gz").read_bytes()
    assert gzip.decompress(packed) == Path("b.data").read_bytes()
    assert packed[4:8] == b"\0\0\0\0"  # no time stamp
    assert run("--data", str(QM9), "-n", "3", "-o", "c.data.gz", "-q")[0] == 0
    assert Path("c.data.gz").read_bytes() == packed


def test_xyz_frames_are_copied_unchanged() -> None:
    ase_io = pytest.importorskip("ase.io")
    frames = []
    for s in sfcompile.read_structures(QM9):
        lines = [f"{len(s.elements)}\n", f"frame {len(frames)}\n"]
        lines += [
            f"{e} {p[0]:.6f} {p[1]:.6f} {p[2]:.6f}\n" for e, p in zip(s.elements, s.positions)
        ]
        frames.append("".join(lines))
    Path("qm9.xyz").write_text("".join(frames))
    assert ase_io.read("qm9.xyz", index=":").__len__() == 10
    code, _, err = run("--data", "qm9.xyz", "--format", "xyz", "-n", "3", "-o", "sub.xyz", "-q")
    assert code == 0, err
    chosen = sfcompile.select_structures(SPEC, "qm9.xyz", 3, format="xyz").indices
    assert Path("sub.xyz").read_text() == "".join(frames[n] for n in sorted(chosen))


def test_more_structures_than_the_data_has_is_refused() -> None:
    Path("subset.data").write_text("old\n")
    code, out, err = run("--data", str(QM9), "-n", "11", "-o", "subset.data")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "qm9-10.data: error: -n 11: qm9-10.data has only 10 structures; ask for at most 10"
    ]
    assert Path("subset.data").read_text() == "old\n"


@pytest.mark.parametrize("format", ["traj", "ase"])
def test_a_format_that_cannot_be_copied_unchanged_is_refused_first(format: str) -> None:
    code, out, err = run("--data", "x.traj", "--format", format, "-n", "2", "-o", "s.traj")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "x.traj: error: select-structures copies the chosen structures unchanged, which it can "
        f"do for input.data and (extended) XYZ files, not for format {format!r}; convert the "
        "data to one of them first"
    ]
    assert not Path("s.traj").exists()


def test_the_structures_matrix_over_the_memory_limit_is_refused() -> None:
    Path("big.data").write_text(QM9.read_text() * 50)  # 500 structures
    code, out, err = run("--data", "big.data", "-n", "2", "-o", "s.data", "--max-memory", "1")
    assert (code, out) == (2, "")
    plan = spec_plan(check(load(SPEC)))
    width = sum(len(sfs) for sfs in plan.sfs.values())  # every SF's mean, per structure
    assert err.splitlines() == [
        f"<select-structures>: error: the structures x SFs matrix would exceed 1 MiB (already "
        f"{3 * 8 * width * structures_at_refusal(width) / 2**20:,.0f} MiB after "
        f"{structures_at_refusal(width)} structures, {width} SFs each): select from part of the "
        "data, use a spec with fewer SFs, or raise --max-memory",
    ]
    assert not Path("s.data").exists()


def structures_at_refusal(width: int) -> int:
    """Where the budget (1 MiB for 3 copies of 8-byte values) is first exceeded: the check
    runs after each chunk (whole structures, at least 512 atoms)."""
    sizes = [len(s.elements) for s in sfcompile.read_structures(QM9)] * 50
    done = atoms = 0
    for n in sizes:
        done, atoms = done + 1, atoms + n
        if atoms >= 512:
            if 3 * 8 * width * done > 2**20:
                return done
            atoms = 0
    raise AssertionError("never refused")


def test_structures_that_the_summaries_cannot_tell_apart_are_refused() -> None:
    one = blocks(QM9.read_text())[0]
    Path("same.data").write_text(one * 3)
    code, out, err = run("--data", "same.data", "-n", "2", "-o", "s.data")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "same.data: error: the per-structure SF means do not vary over the 3 structures of "
        "same.data: nothing to tell the structures apart by"
    ]
