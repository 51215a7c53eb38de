"""compile --full: a complete input.nn, and the [n2p2] / [n2p2_unchecked] pass-through tables."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import List, Tuple

import pytest

from sfcompile.cli import main

# BASE is 11 lines, FUNCTION 3 (12-14), NETWORK 5 ([n2p2] on line 15): extra keys start at 20
BASE = """\
elements = ["H", "O"]
cutoff = 12.0

[output]
comments = false

[[sets]]
type = "radial"
rule = "imbalzano2018"
mode = "center"
nb_param_pairs = 3
"""
FUNCTION = '[cutoff_function]\ntype = "cos"\nalpha = 0.1\n'
NETWORK = """\
[n2p2]
global_hidden_layers_short = 2
global_nodes_short = [15, 15]
global_activation_short = ["t", "t", "l"]
random_seed = 12345
"""

pytestmark = pytest.mark.usefixtures("in_tmp_path")


def run(text: str, *args: str) -> Tuple[int, str, str]:
    Path("spec.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["compile", "spec.toml", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def keywords(text: str) -> List[str]:
    """The first token of every non-comment, non-blank line (what n2p2 reads as keywords)."""
    found = []
    for line in text.splitlines():
        content = line.split("#")[0].split("!")[0].strip()
        if content:
            found.append(content.split()[0])
    return found


def test_keyword_set_is_what_n2p2_needs() -> None:
    # the reference: number_of_elements, elements, cutoff_type, global_hidden_layers_short,
    # global_nodes_short, global_activation_short, random_seed, and >= 1 SF line per element
    code, out, err = run(BASE + FUNCTION + NETWORK, "--full")
    assert (code, err) == (0, "")
    found = keywords(out)
    assert set(found) == {
        "number_of_elements", "elements", "cutoff_type", "global_hidden_layers_short",
        "global_nodes_short", "global_activation_short", "random_seed", "symfunction_short",
    }  # fmt: skip
    assert [k for k in found if k != "symfunction_short"] == [
        "number_of_elements", "elements", "cutoff_type", "global_hidden_layers_short",
        "global_nodes_short", "global_activation_short", "random_seed",
    ]  # fmt: skip
    central = {line.split()[1] for line in out.splitlines() if line.startswith("symfunction")}
    assert central == {"H", "O"}


def test_frame_lines() -> None:
    code, out, _ = run(BASE + FUNCTION + NETWORK, "--full")
    assert code == 0
    lines = out.splitlines()
    assert lines[:4] == [
        lines[0],
        "# spec: spec.toml",
        lines[2],
        "# cutoff function: cos (n2p2 cutoff_type 1), alpha = 0.1",
    ]
    body = lines[lines.index("") + 1 :]
    assert body[:8] == [
        "number_of_elements 2",
        "elements H O",
        "cutoff_type 1 0.1",
        "global_hidden_layers_short 2",
        "global_nodes_short 15 15",
        "global_activation_short t t l",
        "random_seed 12345",
        "",
    ]
    # eta = (2^(m/2) / 12)^2 for m = 0, 1, 2 (imbalzano2018 center, N = 3)
    assert body[8] == "symfunction_short H  2 H  6.944E-03 0.000E+00 1.200E+01"
    # the SF block is the one compile writes without --full, minus its header
    _, block, _ = run(BASE + FUNCTION + NETWORK)
    assert "\n".join(body[8:]) + "\n" == block.split("\n\n", 1)[1]


@pytest.mark.parametrize(("name", "line"), [("hard", "cutoff_type 0"), ("tanhu", "cutoff_type 2"),
                                            ("poly2", "cutoff_type 6 0.0")])  # fmt: skip
def test_cutoff_type_line(name: str, line: str) -> None:
    code, out, _ = run(BASE + f'[cutoff_function]\ntype = "{name}"\n' + NETWORK, "--full")
    assert code == 0 and line in out.splitlines()


def test_value_rendering() -> None:
    extra = (
        "use_short_forces = true\ncenter_symmetry_functions = false\n"
        'atom_energy = [["H", -0.458], ["O", -74.94]]\nepochs = 20\ntest_fraction = 0.1\n'
    )
    code, out, _ = run(BASE + FUNCTION + NETWORK + extra, "--full")
    assert code == 0
    lines = out.splitlines()
    assert "use_short_forces" in lines  # true: the bare keyword
    assert not any(line.startswith("center_symmetry_functions") for line in lines)  # false
    energies = [line for line in lines if line.startswith("atom_energy")]
    assert energies == ["atom_energy H -0.458", "atom_energy O -74.94"]
    assert "epochs 20" in lines and "test_fraction 0.1" in lines


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "global_nodes_shrot = [15, 15]\n",
            "spec.toml:20:1: error: n2p2.global_nodes_shrot: unknown n2p2 keyword "
            "'global_nodes_shrot' (n2p2 would ignore the line); did you mean "
            "'global_nodes_short'?",
        ),
        (
            "elements = 'H O'\n",
            "spec.toml:20:1: error: n2p2.elements: 'elements' is written by sfcompile itself "
            "(from elements, [cutoff_function] and the sets); remove it here",
        ),
        (
            "some_new_thing = 3\n",
            "spec.toml:20:1: error: n2p2.some_new_thing: unknown n2p2 keyword "
            "'some_new_thing' (n2p2 would ignore the line); if your n2p2 version knows it, "
            "put it in [n2p2_unchecked]",
        ),
        (
            "epochs = [[1, 2]]\n",
            "spec.toml:20:1: error: n2p2.epochs: 'epochs' may appear once; an array of arrays "
            "(one line each) is only for atom_energy, element_nodes_short",
        ),
        (
            "epochs = 'a # b'\n",
            "spec.toml:20:10: error: n2p2.epochs: expected a token n2p2 can read (not empty, no "
            "'#', '!' or line break), got 'a # b'",
        ),
    ],
)
def test_pass_through_rejections(extra: str, expected: str) -> None:
    code, out, err = run(BASE + FUNCTION + NETWORK + extra)
    assert (code, out) == (2, "")
    assert err.splitlines() == [expected]


def test_network_keywords_must_agree() -> None:
    text = BASE + FUNCTION + NETWORK.replace("[15, 15]", "[15]").replace('"t", "t", "l"', '"t"')
    code, _, err = run(text)
    assert code == 2
    assert err.splitlines() == [
        "spec.toml:17:22: error: n2p2.global_nodes_short: expected 2 values, one per hidden "
        "layer (global_hidden_layers_short = 2), got 1",
        "spec.toml:18:27: error: n2p2.global_activation_short: expected 3 values, one per "
        "layer (hidden + output) (global_hidden_layers_short = 2), got 1",
    ]


def test_unchecked_keywords_pass_with_a_warning() -> None:
    text = BASE + FUNCTION + NETWORK + "[n2p2_unchecked]\nscreen_electrostatics = [4.8, 8.0]\n"
    code, out, err = run(text, "--full")
    assert code == 0
    assert "screen_electrostatics 4.8 8.0" in out.splitlines()
    assert err.splitlines() == [
        "spec.toml:21:1: warning: n2p2_unchecked.screen_electrostatics: is passed through to "
        "input.nn unchecked: make sure your n2p2 version knows this keyword (n2p2 ignores "
        "unknown ones)"
    ]


def test_full_needs_the_cutoff_function_and_the_network() -> None:
    code, out, err = run(BASE, "--full")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "spec.toml:1:1: error: a complete input.nn needs n2p2's global cutoff function: add a "
        '[cutoff_function] table, e.g. type = "cos"',
        "spec.toml:1:1: error: a complete input.nn needs global_hidden_layers_short, "
        "global_nodes_short, global_activation_short, random_seed (n2p2's nnp-scaling and "
        "training read them); add them to [n2p2]",
    ]
    # without --full the same spec compiles: the block needs neither
    assert run(BASE)[0] == 0
