"""``sfcompile plot``: what the figures draw (the line and histogram data read back from the
matplotlib axes, compared with the formulas and with direct counts), every kind of figure
written, deterministic files, atomic output and the errors."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Any, List, Tuple

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from sfcompile.analysis.distributions import collect_distributions
from sfcompile.analysis.shapes import angular_panels, radial_panels
from sfcompile.analysis.stats import spec_plan
from sfcompile.cli import main
from sfcompile.generate.pipeline import check, load
from sfcompile.plot import figures
from sfcompile.readers.structures import DataError, read_input_data
from sfcompile.selection.report_file import parse_selection

DATA = Path(__file__).parent / "data" / "datasets"
CU2S = DATA / "cu2s-3.data"
SPEC = """
elements = ["S", "Cu"]
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
type = "angular_narrow"
rule = "custom"
r_shift = [0.0]
eta = [0.05]
zetas = [1, 4]
cutoff = 4.0
[[sets]]
type = "radial"
rule = "custom"
r_shift = [0.0]
eta = [1.0]
cutoff = 1.0
include = [["S", "S"]]
"""
REPORT = {
    "format": "sfcompile-select/1",
    "method": "cur",
    "elements": {
        "S": {"pool": 6, "constant": [], "picks": [
            {"rank": 1, "line": "symfunction_short S 2 S 1 0 5", "score": 3.0, "unexplained": 0.5},
            {"rank": 2, "line": "symfunction_short S 2 Cu 1 0 5", "score": 1.0, "unexplained": 0.1},
        ]},
        "Cu": {"pool": 6, "constant": ["x"], "picks": [
            {"rank": 1, "line": "symfunction_short Cu 2 S 1 0 5", "score": 2.0, "unexplained": 0.3},
        ]},
    },
}  # fmt: skip


def cos_cutoff(r: np.ndarray, rc: float) -> np.ndarray:
    return np.where(r < rc, 0.5 * (np.cos(np.pi * r / rc) + 1.0), 0.0)


@pytest.fixture(scope="module")
def drawn_inputs() -> Tuple[Any, Any]:
    plan = spec_plan(check(load(SPEC)))
    return plan, collect_distributions(plan, lambda: read_input_data(CU2S))


def test_radial_figure_draws_the_gaussians_and_the_pair_distances(drawn_inputs: Any) -> None:
    plan, data = drawn_inputs
    (s_cu,) = [p for p in radial_panels(plan) if p.combination == ("S", "Cu")]
    figure = figures.radial_figure(s_cu, data).figure
    ax, twin = figure.axes
    lines = ax.get_lines()
    assert len(lines) == 4
    delta = 2.5 / 3  # Gastegger shift: r_s = 2, 2.83, 3.67, 4.5; eta = 1/(2 Δ²)
    for k, line in enumerate(lines):
        r, y = line.get_xydata().T
        eta = float(f"{1 / (2 * delta**2):.3E}")  # as printed, precision 3
        r_s = float(f"{2.0 + k * delta:.3E}")
        np.testing.assert_allclose(y, np.exp(-eta * (r - r_s) ** 2) * cos_cutoff(r, 5.0),
                                   rtol=1e-12, atol=1e-15)  # fmt: skip
        assert line.get_label().startswith(f"#{5 + k}: ")  # after the four S-S lines
    (histogram,) = twin.patches
    values, edges = histogram.get_data().values, histogram.get_data().edges
    counts = data.geometry.pairs["S", "Cu"]
    atoms = 3 * 48  # S atoms in cu2s-3
    np.testing.assert_allclose(values, counts / (atoms * (edges[1] - edges[0])))
    assert "length unit of your data" in ax.get_xlabel()
    assert "Cu neighbours per S atom" in twin.get_ylabel()


def test_angular_figure_draws_the_angular_parts(drawn_inputs: Any) -> None:
    plan, data = drawn_inputs
    (cu_s_cu,) = [p for p in angular_panels(plan) if p.combination == ("Cu", "S", "Cu")]
    figure = figures.angular_figure(cu_s_cu, data).figure
    left, right = figure.axes[0], figure.axes[1]
    seen = set()
    for line in left.get_lines():
        theta, y = line.get_xydata().T
        zeta = int(re.search(r"zeta\$=(\d+)", line.get_label()).group(1))  # type: ignore[union-attr]
        lam = -1 if "lambda$=-1" in line.get_label() else 1
        expected = 2.0 ** (1 - zeta) * (1 + lam * np.cos(np.radians(theta))) ** zeta
        np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-15)
        assert line.get_linestyle() == ("--" if lam == -1 else "-")
        seen.add((zeta, lam))
    assert seen == {(1, -1), (1, 1), (4, -1), (4, 1)}
    (factor,) = right.get_lines()
    r, y = factor.get_xydata().T
    np.testing.assert_allclose(y, np.exp(-0.05 * r**2) * cos_cutoff(r, 4.0), rtol=1e-12)
    angle_twin = [a for a in figure.axes if a.patches and "degree" in a.get_ylabel()]
    (histogram,) = angle_twin[0].patches
    values = histogram.get_data().values
    counts = data.geometry.angle_counts(4.0, "Cu", ("S", "Cu"))
    assert counts.sum() > 0
    np.testing.assert_allclose(values, counts / (96 * 3 * 2.0))  # 96 Cu atoms a structure, 2°


def test_values_figure_shows_each_sfs_distribution_and_marks_dead_ones(drawn_inputs: Any) -> None:
    plan, data = drawn_inputs
    values = data.values["S"]
    figure = figures.values_figure(plan, "S", values).figure
    top = figure.axes[0]
    (image,) = top.images
    shown = np.ma.filled(image.get_array(), 0.0)
    np.testing.assert_allclose(shown, values.counts.T / values.atoms)
    lines = {line.get_label().split(":")[0]: line for line in top.get_lines()}
    dead_x = lines["dead SF"].get_xydata()[:, 0]
    assert dead_x.tolist() == [k + 1 for k in np.flatnonzero(values.dead)]
    (s_s_cut,) = [k for k, sf in enumerate(plan.sfs["S"]) if float(sf.cutoff) == 1.0]
    assert values.dead[s_s_cut]  # no S-S pair closer than 1.0: 0 everywhere
    assert values.high[s_s_cut] == values.low[s_s_cut] == 0.0
    assert not values.dead[:4].any()  # the S-S Gaussians at cutoff 5 vary
    mean_x, mean_y = lines["mean"].get_xydata().T
    alive = ~values.dead
    assert mean_x.tolist() == [k + 1 for k in np.flatnonzero(alive)]
    with np.errstate(invalid="ignore"):  # the dead SFs: 0/0, not drawn
        expected = (values.mean - values.low) / (values.high - values.low)
    np.testing.assert_allclose(mean_y, expected[alive])


def test_selection_figure_draws_the_report() -> None:
    selection = parse_selection(json.dumps(REPORT), "report.json")
    ax = figures.selection_figure(selection).figure.axes[0]
    s_line, cu_line = ax.get_lines()
    assert s_line.get_xydata().tolist() == [[0, 1.0], [1, 0.5], [2, 0.1]]
    assert cu_line.get_xydata().tolist() == [[0, 1.0], [1, 0.3]]
    assert "1 constant" in cu_line.get_label() and "pool of 6" in s_line.get_label()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(format="other/1"), 'format: expected "sfcompile-select/1"'),
        (lambda r: r["elements"]["S"]["picks"][1].update(unexplained=1.5),
         "elements.S.picks[1].unexplained: expected a fraction between 0 and 1"),
        (lambda r: r["elements"]["S"]["picks"][1].update(rank=3),
         "elements.S.picks[1].rank: expected the rank 2"),
        (lambda r: r["elements"].clear(), "elements: expected an object with one entry"),
    ],
)  # fmt: skip
def test_selection_reports_are_checked(change: Any, message: str) -> None:
    report = json.loads(json.dumps(REPORT))
    change(report)
    with pytest.raises(DataError, match=re.escape(message)):
        parse_selection(json.dumps(report), "report.json")


def test_a_report_that_is_not_json_is_located() -> None:
    with pytest.raises(DataError) as caught:
        parse_selection('{"format": "sfcompile-select/1",\n  "elements": [,]}', "r.json")
    assert caught.value.diagnostics[0].format().startswith("r.json:2:16: error: not a JSON file")


def run(argv: List[str]) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def spec_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "cu2s.toml"
    path.write_text(SPEC)
    return path


def test_every_kind_of_figure_in_a_paged_pdf(spec_file: Path) -> None:
    (spec_file.parent / "report.json").write_text(json.dumps(REPORT))
    code, out, err = run(["plot", "cu2s.toml", "--data", str(CU2S), "--selection",
                          "report.json", "-o", "all.pdf"])  # fmt: skip
    assert (code, err) == (0, "")
    titles = [line.split(": ", 1)[1] for line in out.splitlines()]
    kinds = [t.split()[0] for t in titles]
    # 4 radial pairs, 6 angular triplets, 2 value figures, 1 selection curve
    assert kinds == ["radial"] * 4 + ["angular"] * 6 + ["SF"] * 2 + ["selection"]
    assert out.splitlines()[0] == "all.pdf page 1: radial SFs S-S"
    pdf = (spec_file.parent / "all.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type /Page\b", pdf)) == 13
    assert b"CreationDate" not in pdf and b"ModDate" not in pdf


def test_png_gives_one_file_per_figure(spec_file: Path) -> None:
    code, out, _ = run(["plot", "cu2s.toml", "-o", "shapes.png"])
    assert code == 0
    names = sorted(p.name for p in spec_file.parent.glob("shapes-*.png"))
    assert len(names) == 10 and "shapes-radial-S-Cu.png" in names
    assert "shapes-angular-Cu-S-Cu.png" in names
    assert (spec_file.parent / "shapes-radial-S-Cu.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "shapes-radial-S-S.png: radial SFs S-S" in out.splitlines()


@pytest.mark.parametrize("suffix", [".svg", ".pdf", ".png"])
def test_files_are_deterministic(spec_file: Path, suffix: str) -> None:
    argv = ["plot", "cu2s.toml", "--data", str(CU2S), "-o"]
    assert run([*argv, f"a{suffix}"])[0] == 0
    assert run([*argv, f"b{suffix}"])[0] == 0
    first = sorted(spec_file.parent.glob(f"a*{suffix}"))
    second = sorted(spec_file.parent.glob(f"b*{suffix}"))
    assert first and len(first) == len(second)
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    if suffix == ".svg":
        assert b"<dc:date>" not in first[0].read_bytes()


def test_selection_alone_writes_the_named_file(spec_file: Path) -> None:
    (spec_file.parent / "report.json").write_text(json.dumps(REPORT))
    code, out, _ = run(["plot", "--selection", "report.json", "-o", "curve.png"])
    assert (code, out) == (0, "curve.png: selection curve\n")
    assert (spec_file.parent / "curve.png").exists()


def test_missing_matplotlib_names_the_extra(
    spec_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    code, out, err = run(["plot", "cu2s.toml", "-o", "x.pdf"])
    assert (code, out) == (2, "")
    assert 'pip install "sfcompile[plot]"' in err and "Traceback" not in err
    assert not (spec_file.parent / "x.pdf").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plot", "cu2s.toml", "-o", "x.jpg"], "expected a file name ending in .pdf, .png or .svg"),
        (["plot", "-o", "x.pdf"], "give a SPEC, --selection REPORT, or both"),
        (["plot", "--data", "d", "--selection", "r.json", "-o", "x.pdf"], "--data needs a SPEC"),
        (["plot", "cu2s.toml", "--selection", "missing.json", "-o", "x.pdf"],
         "missing.json: error: cannot read the selection report"),
        (["plot", "cu2s.toml", "--data", "missing.data", "-o", "x.pdf"], "missing.data"),
    ],
)  # fmt: skip
def test_usage_and_input_errors_write_nothing(
    spec_file: Path, argv: List[str], message: str
) -> None:
    code, out, err = run(argv)
    assert (code, out) == (2, "")
    assert message in err and "Traceback" not in err
    assert sorted(p.name for p in spec_file.parent.iterdir()) == ["cu2s.toml"]


def test_a_spec_error_writes_nothing(spec_file: Path) -> None:
    spec_file.write_text(SPEC.replace("nb_param_pairs = 4", "nb_param_pairs = 1"))
    code, out, err = run(["plot", "cu2s.toml", "-o", "x.pdf"])
    assert (code, out) == (2, "")
    assert (
        err == "cu2s.toml:10:18: error: sets[0].nb_param_pairs: expected an integer >= 2, got 1\n"
    )
    assert not (spec_file.parent / "x.pdf").exists()


def test_data_with_unknown_elements_is_refused_with_its_location(spec_file: Path) -> None:
    code, _, err = run(["plot", "cu2s.toml", "--data", str(DATA / "h2o-4.data"), "-o", "x.pdf"])
    assert code == 2 and "h2o-4.data:" in err and "error" in err
    assert not (spec_file.parent / "x.pdf").exists()


def test_a_panel_of_gaussian_and_polynomial_angular_sfs_gets_styles() -> None:
    """Colour by zeta and dashes for lambda = -1; polynomial curves beside them dotted."""
    from sfcompile.analysis.shapes import Curve
    from sfcompile.plot.figures import _angular_styles

    zero = np.zeros(2)
    curves = [
        Curve("#1", zero, zero, (1,), ("gaussian", 1.0, 1.0)),
        Curve("#2", zero, zero, (2,), ("gaussian", 1.0, -1.0)),
        Curve("#3", zero, zero, (3,), ("gaussian", 4.0, 1.0)),
        Curve("#4", zero, zero, (4,), ("window", 0.0, 180.0, "p2")),
    ]
    colours, styles = _angular_styles(curves)
    assert styles == ["-", "--", "-", ":"]
    assert colours[0] == colours[1] and len({colours[0], colours[2], colours[3]}) == 3


def test_a_report_nested_too_deeply_or_too_large_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sfcompile.selection import report_file

    with pytest.raises(DataError) as caught:
        parse_selection("[" * 100_000 + "]" * 100_000, "deep.json")
    assert [d.format() for d in caught.value.diagnostics] == [
        "deep.json: error: not a selection report: arrays or objects nested too deeply"
    ]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(REPORT) + " " * 3 * 2**20)
    monkeypatch.setattr(report_file, "MAX_REPORT_BYTES", 2**20)
    with pytest.raises(DataError) as caught:
        report_file.read_selection(path)
    assert [d.format() for d in caught.value.diagnostics] == [
        f"{path}: error: 3 MiB is too large for a selection report (at most 1 MiB)"
    ]
