"""Numbers in reports are spelled as the compiled input.nn spells them (issue 20): a value a
report names can be found in the compiled file (``1.393E+01``, not ``13.93`` or
``13.927469135802468``). The diff's and the import's numbers are checked in
``test_semantic_diff.py`` and ``test_import.py``; here the selection report."""

from __future__ import annotations

import io
import json
from pathlib import Path

from sfcompile.cli import main
from sfcompile.targets.formatting import NumberFormat, sf_value
from tests.conftest import DATA

H2O = DATA / "datasets" / "h2o-4.data"

# gastegger2018 shift over 1.5..7.5 with 5 pairs: eta = 1/(2 * 1.5^2) = 0.2222..., which
# precision 4 prints 2.2222E-01; imbalzano2018 center at r_c 8: eta = (2^(m/2)/8)^2.
POOL = """\
elements = ["H", "O"]
cutoff = 8.0

[cutoff_function]
type = "cos"

[output]
precision = 4

[[sets]]
type = "radial"
rule = "gastegger2018"
mode = "shift"
nb_param_pairs = 5
r_lower = 1.5
r_upper = 7.5

[[sets]]
type = "angular_narrow"
rule = "imbalzano2018"
mode = "center"
nb_param_pairs = 3
zetas = [1, 4]
"""


def test_one_function_spells_every_parameter() -> None:
    """Reals at the spec's precision (``%.3E``, or the shortest exact digits), lambda as the
    line's ``%2.0f`` without its padding, the subtype as it is."""
    assert sf_value("eta", 13.927469135802468, NumberFormat(3)) == "1.393E+01"
    assert sf_value("eta", 0.25, NumberFormat("full")) == "2.5E-01"
    assert sf_value("lambda_", -1.0, NumberFormat(3)) == "-1"
    assert sf_value("lambda_", 1.0, NumberFormat(3)) == "1"
    assert sf_value("subtype", "p2a", NumberFormat(3)) == "p2a"


def test_the_selection_report_names_numbers_as_the_compiled_lines(tmp_path: Path) -> None:
    pool = tmp_path / "pool.toml"
    pool.write_text(POOL)
    report, err = tmp_path / "r.json", io.StringIO()
    args = ["select", str(pool), "--data", str(H2O), "--per-element", "4", "-o",
            str(tmp_path / "s.toml"), "--report", str(report)]  # fmt: skip
    assert main(args, stdout=io.StringIO(), stderr=err) == 0
    picks = [p for e in json.loads(report.read_text())["elements"].values() for p in e["picks"]]
    assert len(picks) == 8
    for pick in picks:
        tokens = pick["line"].split()
        values = [part.split("=")[1] for part in pick["sf"].split()[2:] if "=" in part]
        assert values and all(v in tokens for v in values), (pick["sf"], pick["line"])
        assert pick["sf"] in err.getvalue()
    assert all(p["sf"].split()[2] == "rc=8.0000E+00" for p in picks)
    assert any("eta=2.2222E-01" in p["sf"] for p in picks)  # a radial pick: 1/(2 * 1.5^2)
