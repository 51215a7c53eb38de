"""Every way a spec is rejected, pinned to the exact diagnostic lines printed on stderr.

Each spec is written to a temporary directory (the working directory during the test, so the
diagnostics start with the plain file name) and run through ``sfcompile.cli.main``. Lines and
columns in the expected messages were counted by hand from the TOML text next to them; a
comment notes the count where it is not obvious. Tests marked ``xfail(strict=True)`` describe
what the tool should print but does not yet (see each reason); they start failing once fixed.
"""

from __future__ import annotations

import errno
import io
import os
import textwrap
from pathlib import Path
from typing import List, Tuple

import pytest

from sfcompile.cli import main
from tests.conftest import VALID

SPEC = "spec.toml"

pytestmark = pytest.mark.usefixtures("in_tmp_path")


def run_file(spec: str, *args: str) -> Tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main([spec, *args], stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def run(tmp_path: Path, toml_text: str, *args: str) -> Tuple[int, str, str]:
    """Write ``toml_text`` (dedented) as ``spec.toml`` and compile it."""
    (tmp_path / SPEC).write_text(textwrap.dedent(toml_text), encoding="utf-8")
    return run_file(SPEC, *args)


def run_bytes(tmp_path: Path, content: bytes, *args: str) -> Tuple[int, str, str]:
    (tmp_path / SPEC).write_bytes(content)
    return run_file(SPEC, *args)


def rejected(result: Tuple[int, str, str]) -> List[str]:
    """Assert a clean rejection (exit 2, nothing on stdout, no traceback); the stderr lines."""
    code, out, err = result
    assert "Traceback" not in err
    assert out == ""
    assert code == 2, err
    return err.splitlines()


def test_the_base_spec_is_valid(tmp_path: Path) -> None:
    code, out, err = run(tmp_path, VALID)
    assert (code, err) == (0, "")
    assert out.count("symfunction_short ") == 12


# --- reading the file ------------------------------------------------------------------------


def test_missing_file() -> None:
    assert rejected(run_file("nope.toml")) == ["nope.toml: error: no such file; check the path"]


def test_directory_as_spec(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    assert rejected(run_file("specs")) == [
        "specs: error: is a directory; expected a TOML spec file"
    ]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_file(tmp_path: Path) -> None:
    spec = tmp_path / SPEC
    spec.write_text(VALID, encoding="utf-8")
    spec.chmod(0)
    try:
        lines = rejected(run_file(SPEC))
    finally:
        spec.chmod(0o644)
    assert lines == ["spec.toml: error: cannot read the file: permission denied"]


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
        (OSError(errno.EIO, "Input/output error"), "Input/output error"),
    ],
    ids=["permission", "io-error"],
)
def test_read_error_without_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, message: str
) -> None:
    """The same mapping as test_unreadable_file, also when the tests run as root."""
    (tmp_path / SPEC).write_text(VALID, encoding="utf-8")

    def fail(self: Path) -> bytes:
        raise error

    monkeypatch.setattr(Path, "read_bytes", fail)
    assert rejected(run_file(SPEC)) == [f"spec.toml: error: cannot read the file: {message}"]


def test_binary_file_reports_the_nul_byte(tmp_path: Path) -> None:
    content = b'elements = ["H", "O"]\ncutoff = 6.0\x00\n'  # NUL: line 2, column 13
    assert rejected(run_bytes(tmp_path, content)) == [
        "spec.toml:2:13: error: this is a binary file (NUL byte), not a TOML spec; check the path"
    ]


@pytest.mark.parametrize(
    ("content", "position", "byte"),
    [
        # Latin-1 "Ångström" in a comment: 0xc5 is line 2, column 3
        pytest.param(b'elements = ["H"]\n# \xc5ngstr\xf6m\n', "2:3", "0xc5", id="latin-1"),
        # the column counts characters, not bytes: "é" (2 bytes) is column 25, 0xff column 26
        pytest.param(
            'elements = ["H", "O"] # é'.encode() + b"\xff\n", "1:26", "0xff", id="after-utf-8"
        ),
    ],
)
def test_non_utf8_reports_the_bad_byte(
    tmp_path: Path, content: bytes, position: str, byte: str
) -> None:
    assert rejected(run_bytes(tmp_path, content)) == [
        f"spec.toml:{position}: error: not valid UTF-8 (byte {byte}); TOML files must be UTF-8: "
        "re-save the file with UTF-8 encoding"
    ]


@pytest.mark.parametrize(
    "content",
    [b"", b"\n  \n\t\n", b"\xef\xbb\xbf\n"],
    ids=["empty", "whitespace", "bom-only"],
)
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    assert rejected(run_bytes(tmp_path, content)) == [
        "spec.toml: error: the spec is empty; it needs at least 'elements', 'cutoff' and "
        "one [[sets]] table"
    ]


def test_comment_only_file_is_empty(tmp_path: Path) -> None:
    text = """\
    # elements = ["H", "O"]
    # cutoff = 6.0
    """
    assert rejected(run(tmp_path, text)) == [
        "spec.toml: error: the spec is empty; it needs at least 'elements', 'cutoff' and one "
        "[[sets]] table"
    ]


@pytest.mark.parametrize(
    "content", [b"\xef\xbb\xbfab\x00\n", b"\xef\xbb\xbfab\xff\n"], ids=["nul", "bad-utf-8"]
)
def test_bom_is_not_counted_in_the_column(tmp_path: Path, content: bytes) -> None:
    (line,) = rejected(run_bytes(tmp_path, content))
    assert line.startswith("spec.toml:1:3: error: ")  # "a" is column 1, "b" 2, the byte 3


# --- TOML syntax -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            'elements = ["H", "O"]\ncutoff = 6.0 5.0\n',  # "5.0" starts at column 14
            "spec.toml:2:14: error: invalid TOML: "
            "Expected newline or end of document after a statement",
            id="two-values",
        ),
        pytest.param(
            'elements = ["H", "O"]\ncutoff\n',  # the newline after "cutoff" is column 7
            "spec.toml:2:7: error: invalid TOML: Expected '=' after a key in a key/value pair",
            id="key-without-value",
        ),
        pytest.param(
            'elements = ["H", "O"]\ncutoff = 6.0\n[[sets]\n',  # the lone "]" is column 7
            "spec.toml:3:7: error: invalid TOML: Expected ']]' at the end of an array declaration",
            id="bad-array-header",
        ),
        pytest.param(
            'elements = ["H", "O"',  # no newline: the end of the file is line 1, column 21
            "spec.toml:1:21: error: invalid TOML: unclosed array (opened at 1:12)",
            id="unclosed-array-at-eof",
        ),
        pytest.param(
            'elements = ["H", "O',  # the end of the file is line 1, column 20
            "spec.toml:1:18: error: invalid TOML: unterminated string; add the closing quote",
            id="unterminated-string-at-eof",
        ),
    ],
)
def test_toml_syntax_error(tmp_path: Path, text: str, expected: str) -> None:
    assert rejected(run_bytes(tmp_path, text.encode())) == [expected]


def test_duplicate_key_is_a_toml_error_on_its_line(tmp_path: Path) -> None:
    text = """\
    elements = ["H", "O"]
    cutoff = 6.0
    cutoff = 5.0
    """
    (line,) = rejected(run(tmp_path, text))
    assert line.startswith("spec.toml:3:")
    assert ": error: invalid TOML: " in line


def test_duplicate_key_points_at_the_key_and_names_it(tmp_path: Path) -> None:
    text = """\
    elements = ["H", "O"]
    cutoff = 6.0
    cutoff = 5.0
    """
    (line,) = rejected(run(tmp_path, text))
    assert line.startswith("spec.toml:3:1: error: ")
    assert "cutoff" in line


def test_duplicate_table_is_named_as_written(tmp_path: Path) -> None:
    text = """\
    [output]
    precision = 3
    [output]
    header = true
    """
    (line,) = rejected(run(tmp_path, text))
    assert line.startswith("spec.toml:3:1: error: ")
    assert "[output]" in line
    assert "('output',)" not in line


def test_unterminated_string_is_called_so(tmp_path: Path) -> None:
    (line,) = rejected(run_bytes(tmp_path, b'elements = ["H", "O]\ncutoff = 6.0\n'))
    assert line.startswith("spec.toml:1:")
    assert "nterminated string" in line


def test_unclosed_array_after_comma_is_called_so(tmp_path: Path) -> None:
    (line,) = rejected(run_bytes(tmp_path, b'elements = ["H",\n'))
    assert line == "spec.toml:2:1: error: invalid TOML: unclosed array (opened at 1:12)"


# --- wrong types, bad numbers, bad elements --------------------------------------------------

ONE_ERROR = [
    pytest.param(
        """\
        elements = "H"
        cutoff = 6.0

        [[sets]]
        type = "radial"
        rule = "gastegger2018"
        mode = "center"
        nb_param_pairs = 3
        r_lower = 1.5
        """,
        "spec.toml:1:12: error: elements: expected an array, got a string ('H')",
        id="elements-string",
    ),
    pytest.param(
        VALID.replace("cutoff = 6.0", 'cutoff = "6.0"'),
        "spec.toml:2:10: error: cutoff: expected a number, got a string ('6.0')",
        id="cutoff-string",
    ),
    pytest.param(
        """\
        elements = ["H", "O"]
        cutoff = 6.0

        [sets]
        type = "radial"
        """,
        "spec.toml:4:1: error: sets: expected an array, got a table",
        id="sets-table",
    ),
    pytest.param(
        VALID.replace("cutoff = 6.0\n", "cutoff = 6.0\noutput = 3\n"),
        "spec.toml:3:10: error: output: expected a table, got an integer (3)",
        id="output-number",
    ),
    pytest.param(
        'elements = ["H", "O"]\ncutoff = 6.0\nsets = [1]\n',
        "spec.toml:3:9: error: sets[0]: expected a table ([[sets]]), got an integer (1)",
        id="set-not-a-table",
    ),
    pytest.param(
        'elements = ["H", "O"]\ncutoff = 6.0\nsets = []\n',
        "spec.toml:3:8: error: sets: must not be empty",
        id="sets-empty",
    ),
    pytest.param(
        VALID.replace("cutoff = 6.0", "cutoff = nan"),
        "spec.toml:2:10: error: cutoff: expected a finite number, got nan",
        id="cutoff-nan",
    ),
    pytest.param(
        VALID.replace("cutoff = 6.0", "cutoff = inf"),
        "spec.toml:2:10: error: cutoff: expected a finite number, got inf",
        id="cutoff-inf",
    ),
    pytest.param(
        VALID.replace("cutoff = 6.0", "cutoff = -inf"),
        "spec.toml:2:10: error: cutoff: expected a finite number, got -inf",
        id="cutoff-minus-inf",
    ),
    pytest.param(
        VALID.replace("cutoff = 6.0", "cutoff = 1e6"),
        "spec.toml:2:10: error: cutoff: expected a number > 0 and <= 1000.0, got 1000000.0",
        id="cutoff-huge",
    ),
    pytest.param(
        VALID.replace("cutoff = 6.0", "cutoff = -6.0"),
        "spec.toml:2:10: error: cutoff: expected a number > 0 and <= 1000.0, got -6.0",
        id="cutoff-negative",
    ),
    pytest.param(
        VALID.replace("cutoff = 6.0", "cutoff = 0"),
        "spec.toml:2:10: error: cutoff: expected a number > 0 and <= 1000.0, got 0",
        id="cutoff-zero",
    ),
    pytest.param(
        VALID.replace("nb_param_pairs = 3", "nb_param_pairs = 1000000000"),
        "spec.toml:4:1: error: sets[0]: this spec would produce 4,000,000,000 symmetry-function "
        "lines, more than the limit of 100,000; raise [output] max_lines (or pass --max-lines) "
        "if you really mean it",
        id="nb_param_pairs-huge",
    ),
    pytest.param(
        VALID.replace("nb_param_pairs = 3", "nb_param_pairs = -3"),
        "spec.toml:8:18: error: sets[0].nb_param_pairs: expected an integer >= 2, got -3",
        id="nb_param_pairs-negative",
    ),
    pytest.param(
        VALID.replace("nb_param_pairs = 3", "nb_param_pairs = 3.0"),
        "spec.toml:8:18: error: sets[0].nb_param_pairs: expected an integer, got a float (3.0)",
        id="nb_param_pairs-float",
    ),
    pytest.param(
        VALID.replace("nb_param_pairs = 3", "nb_param_pairs = true"),
        "spec.toml:8:18: error: sets[0].nb_param_pairs: expected an integer, got a boolean (true)",
        id="nb_param_pairs-bool",
    ),
    pytest.param(
        # "H" at column 13, "O" at 18, the second "H" at 23
        VALID.replace('["H", "O"]', '["H", "O", "H"]'),
        "spec.toml:1:23: error: elements[2]: 'H' is listed twice (also at elements[0])",
        id="duplicate-element",
    ),
    pytest.param(
        VALID.replace('["H", "O"]', '["H", "cu"]'),
        "spec.toml:1:18: error: elements[1]: unknown chemical symbol 'cu'; did you mean 'Cu'? "
        "(symbols are case-sensitive, H to No)",
        id="element-lowercase",
    ),
    pytest.param(
        VALID.replace('["H", "O"]', '["H", "Xx"]'),
        "spec.toml:1:18: error: elements[1]: unknown chemical symbol 'Xx' "
        "(symbols are case-sensitive, H to No)",
        id="element-unknown",
    ),
    pytest.param(
        VALID.replace('["H", "O"]', '["H", 29]'),
        "spec.toml:1:18: error: elements[1]: "
        'expected a chemical symbol such as "Cu", got an integer (29)',
        id="element-number",
    ),
    pytest.param(
        VALID.replace('["H", "O"]', "[]"),
        "spec.toml:1:12: error: elements: must not be empty",
        id="elements-empty",
    ),
    pytest.param(
        # multi-line array: the bad symbol is on line 3, after two spaces
        VALID.replace('["H", "O"]', '[\n  "H",\n  "cu",\n]'),
        "spec.toml:3:3: error: elements[1]: unknown chemical symbol 'cu'; did you mean 'Cu'? "
        "(symbols are case-sensitive, H to No)",
        id="element-in-multi-line-array",
    ),
    pytest.param(
        VALID.replace("cutoff = 6.0\n", "cutoff = 6.0\noutput.precision = 0\n"),
        'spec.toml:3:20: error: output.precision: expected an integer from 1 to 16 or "full", '
        "got an integer (0)",
        id="dotted-key",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ONE_ERROR)
def test_one_error(tmp_path: Path, text: str, expected: str) -> None:
    assert rejected(run(tmp_path, text)) == [expected]


# --- keys: unknown, not applicable, missing --------------------------------------------------

KEYS = [
    pytest.param(
        VALID.replace("cutoff =", "cutof ="),
        [
            "spec.toml:1:1: error: missing required key 'cutoff'",
            "spec.toml:2:1: error: cutof: unknown key 'cutof'; did you mean 'cutoff'?",
        ],
        id="unknown-top-level-key",
    ),
    pytest.param(
        VALID.replace("cutoff = 6.0\n", "cutoff = 6.0\ncolour = 1\n"),
        [
            "spec.toml:3:1: error: colour: unknown key 'colour'; "
            "expected one of '$schema', 'elements', 'cutoff', 'unit', 'cutoff_function', "
            "'output', 'sets', 'n2p2', 'n2p2_unchecked', 'aenet', 'selection'",
        ],
        id="unknown-top-level-key-no-suggestion",
    ),
    pytest.param(
        VALID.replace("cutoff = 6.0\n", "cutoff = 6.0\n[output]\nprecison = 4\n"),
        [
            "spec.toml:4:1: error: output.precison: unknown key 'precison'; "
            "did you mean 'precision'?"
        ],
        id="unknown-output-key",
    ),
    pytest.param(
        VALID.replace("nb_param_pairs =", "nb_param_pair ="),
        [
            "spec.toml:4:1: error: sets[0]: missing required key 'nb_param_pairs' "
            "(required by rule 'gastegger2018')",
            "spec.toml:8:1: error: sets[0].nb_param_pair: unknown key 'nb_param_pair'; "
            "did you mean 'nb_param_pairs'?",
        ],
        id="unknown-set-key",
    ),
    pytest.param(
        """\
        elements = ["H", "O"]
        cutoff = 6.0

        [[sets]]
        type = "radial"
        rule = "custom"
        mode = "center"
        r_shift = [0.0, 1.0]
        eta = [0.1, 0.2]
        """,
        [
            "spec.toml:7:1: error: sets[0].mode: key 'mode' does not apply to rule 'custom' "
            "(only rules 'gastegger2018', 'imbalzano2018', 'windows' take it); "
            "remove it or change the rule",
        ],
        id="mode-in-custom",
    ),
    pytest.param(
        VALID + "r_shift = [0.0]\n",
        [
            "spec.toml:10:1: error: sets[0].r_shift: key 'r_shift' does not apply to rule "
            "'gastegger2018' (only rule 'custom' takes it); remove it or change the rule",
        ],
        id="r_shift-in-gastegger2018",
    ),
    pytest.param(
        VALID + "zetas = [1]\n",
        [
            "spec.toml:10:1: error: sets[0].zetas: key 'zetas' does not apply to type 'radial' "
            "(only angular types take it); remove it",
        ],
        id="zetas-for-radial",
    ),
    pytest.param(
        VALID.replace('rule = "gastegger2018"\n', ""),
        [
            "spec.toml:4:1: error: sets[0]: missing required key 'rule' "
            "(one of 'gastegger2018', 'imbalzano2018', 'windows', 'custom', 'list')",
        ],
        id="missing-rule",
    ),
    pytest.param(
        VALID.replace("r_lower = 1.5\n", ""),
        [
            "spec.toml:4:1: error: sets[0]: missing required key 'r_lower' "
            "(required by rule 'gastegger2018')",
        ],
        id="missing-r_lower",
    ),
    pytest.param(
        VALID.replace('"radial"', '"angular_narrow"'),
        [
            "spec.toml:4:1: error: sets[0]: missing required key 'zetas': type "
            "'angular_narrow' is angular and needs a list of exponents zeta >= 1, "
            "e.g. zetas = [1, 4]",
        ],
        id="missing-zetas",
    ),
    pytest.param(
        VALID.replace('"radial"', '"radiall"'),
        ["spec.toml:5:8: error: sets[0].type: unknown type 'radiall'; did you mean 'radial'?"],
        id="bad-type",
    ),
    pytest.param(
        VALID.replace('"radial"', '"xyz"'),
        [
            "spec.toml:5:8: error: sets[0].type: unknown type 'xyz'; expected one of 'radial', "
            "'angular_narrow', 'angular_wide', 'weighted_radial', 'weighted_angular'",
        ],
        id="bad-type-no-suggestion",
    ),
    pytest.param(
        VALID.replace('"gastegger2018"', '"gastegger"'),
        [
            "spec.toml:6:8: error: sets[0].rule: unknown rule 'gastegger'; "
            "did you mean 'gastegger2018'?"
        ],
        id="bad-rule",
    ),
    pytest.param(
        VALID.replace('"gastegger2018"', "2018"),
        [
            "spec.toml:6:8: error: sets[0].rule: expected one of 'gastegger2018', "
            "'imbalzano2018', 'windows', 'custom', 'list', got an integer (2018)",
        ],
        id="rule-number",
    ),
    pytest.param(
        VALID.replace('"center"', '"centre"'),
        ["spec.toml:7:8: error: sets[0].mode: unknown mode 'centre'; did you mean 'center'?"],
        id="bad-mode",
    ),
]


@pytest.mark.parametrize(("text", "expected"), KEYS)
def test_keys(tmp_path: Path, text: str, expected: List[str]) -> None:
    assert rejected(run(tmp_path, text)) == expected


def test_missing_type_is_reported_at_the_set(tmp_path: Path) -> None:
    (line,) = rejected(run(tmp_path, VALID.replace('type = "radial"\n', "")))
    assert line.startswith("spec.toml:4:1: error: sets[0]: missing required key 'type'")


def test_missing_type_lists_the_types(tmp_path: Path) -> None:
    (line,) = rejected(run(tmp_path, VALID.replace('type = "radial"\n', "")))
    assert "required by rule" not in line
    assert "'radial'" in line


def test_key_of_one_other_rule_reads_correctly(tmp_path: Path) -> None:
    (line,) = rejected(run(tmp_path, VALID + "r_shift = [0.0]\n"))
    assert "(only rule 'custom' takes it)" in line


# --- custom and angular values ---------------------------------------------------------------

CUSTOM = """\
elements = ["H", "O"]
cutoff = 6.0

[[sets]]
type = "radial"
rule = "custom"
r_shift = [0.0, 1.0]
eta = [0.1, 0.2]
"""
ANGULAR = VALID.replace('"radial"', '"angular_wide"') + "zetas = [1, 4]\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            CUSTOM.replace("[0.0, 1.0]", "[0.0, 1.0, 2.0]"),
            "spec.toml:8:7: error: sets[0].eta: has 2 values but r_shift has 3; "
            "give exactly one eta per r_shift",
            id="unequal-lengths",
        ),
        pytest.param(
            CUSTOM.replace("[0.1, 0.2]", "[0.1, -0.5]"),  # the -0.5 is column 13
            "spec.toml:8:13: error: sets[0].eta[1]: expected a number >= 0, got -0.5",
            id="eta-negative",
        ),
        pytest.param(
            CUSTOM.replace("[0.0, 1.0]", "[0.0, -1.0]"),  # the -1.0 is column 17
            "spec.toml:7:17: error: sets[0].r_shift[1]: "
            "expected a number >= 0 and <= 1000.0, got -1.0",
            id="r_shift-negative",
        ),
        pytest.param(
            CUSTOM.replace("[0.0, 1.0]", "[]"),
            "spec.toml:7:11: error: sets[0].r_shift: must not be empty",
            id="r_shift-empty",
        ),
        pytest.param(
            ANGULAR + "lambdas = [-1, 0.5]\n",  # the 0.5 is column 16
            "spec.toml:11:16: error: sets[0].lambdas[1]: expected -1 or 1 (lambda selects the "
            "sign of the cosine term), got a float (0.5)",
            id="lambda-half",
        ),
        pytest.param(
            ANGULAR.replace("[1, 4]", "[1, 4, 1.0]"),  # the 1.0 is column 16
            "spec.toml:10:16: error: sets[0].zetas[2]: 1.0 is listed twice (also at zetas[0]); "
            "repeated values give duplicate symmetry functions",
            id="zeta-repeated",
        ),
        pytest.param(
            ANGULAR.replace("[1, 4]", "[]"),
            "spec.toml:10:9: error: sets[0].zetas: must not be empty",
            id="zetas-empty",
        ),
        pytest.param(
            ANGULAR.replace("[1, 4]", "[0.5]"),
            "spec.toml:10:10: error: sets[0].zetas[0]: expected a number >= 1, got 0.5",
            id="zeta-below-one",
        ),
    ],
)
def test_set_values(tmp_path: Path, text: str, expected: str) -> None:
    assert rejected(run(tmp_path, text)) == [expected]


def test_custom_and_angular_bases_are_valid(tmp_path: Path) -> None:
    assert run(tmp_path, CUSTOM)[0] == 0
    assert run(tmp_path, ANGULAR)[0] == 0


# --- gastegger2018: the order of r_lower, r_upper and the cutoff ------------------------------


def gastegger(*lines: str) -> str:
    """VALID with its mode/r_lower lines replaced by ``lines`` (set keys from line 7 on)."""
    head = VALID.split('mode = "center"')[0]
    return head + "".join(f"{line}\n" for line in lines)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            ('mode = "center"', "nb_param_pairs = 3", "r_lower = 0"),
            "spec.toml:9:11: error: sets[0].r_lower: expected r_lower >= 1e-154 in mode "
            "'center' (eta = 1/(2 r^2) overflows below it and is infinite at r = 0), got 0",
            id="center-r_lower-zero",
        ),
        pytest.param(  # 1/(2 r^2) = inf in doubles (it crashed the generator)
            ('mode = "center"', "nb_param_pairs = 3", "r_lower = 1e-200"),
            "spec.toml:9:11: error: sets[0].r_lower: expected r_lower >= 1e-154 in mode "
            "'center' (eta = 1/(2 r^2) overflows below it and is infinite at r = 0), got 1e-200",
            id="center-r_lower-tiny",
        ),
        pytest.param(  # spacing (2e-200 - 0)/2 = 1e-200
            ('mode = "shift"', "nb_param_pairs = 3", "r_lower = 0", "r_upper = 2e-200"),
            "spec.toml:10:11: error: sets[0].r_upper: expected a grid spacing "
            "(r_upper - r_lower)/(nb_param_pairs - 1) >= 1e-154 (eta = 1/(2 dr^2) overflows "
            "below it), got 1e-200; widen r_lower..r_upper or use fewer pairs",
            id="shift-spacing-tiny",
        ),
        pytest.param(
            ('mode = "shift"', "nb_param_pairs = 3", "r_lower = -1.0"),
            "spec.toml:9:11: error: sets[0].r_lower: "
            "expected a number >= 0 and <= 1000.0, got -1.0",
            id="shift-r_lower-negative",
        ),
        pytest.param(
            ('mode = "center"', "nb_param_pairs = 3", "r_lower = 4.0", "r_upper = 4.0"),
            "spec.toml:9:11: error: sets[0].r_lower: expected r_lower < r_upper (4.0), got 4.0",
            id="r_lower-equals-r_upper",
        ),
        pytest.param(
            ('mode = "shift"', "nb_param_pairs = 3", "r_lower = 4.5", "r_upper = 4.0"),
            "spec.toml:9:11: error: sets[0].r_lower: expected r_lower < r_upper (4.0), got 4.5",
            id="r_lower-above-r_upper",
        ),
        pytest.param(
            ('mode = "center"', "nb_param_pairs = 3", "r_lower = 1.0", "r_upper = 7.0"),
            "spec.toml:10:11: error: sets[0].r_upper: "
            "expected r_upper <= the spec's cutoff (6.0), got 7.0",
            id="r_upper-above-cutoff",
        ),
        pytest.param(
            ('mode = "center"', "nb_param_pairs = 3", "r_lower = 6.0"),
            "spec.toml:9:11: error: sets[0].r_lower: "
            "expected r_lower < r_upper, which defaults to the spec's cutoff (6.0), got 6.0",
            id="r_lower-at-cutoff-without-r_upper",
        ),
        pytest.param(
            ("cutoff = 4.0", 'mode = "center"', "nb_param_pairs = 3", "r_lower = 1.0")
            + ("r_upper = 5.0",),  # fine for the global cutoff 6.0, not for the set's 4.0
            "spec.toml:11:11: error: sets[0].r_upper: "
            "expected r_upper <= this set's cutoff (4.0), got 5.0",
            id="r_upper-above-set-cutoff",
        ),
        pytest.param(
            ("cutoff = 4.0", 'mode = "center"', "nb_param_pairs = 3", "r_lower = 4.5"),
            "spec.toml:10:11: error: sets[0].r_lower: "
            "expected r_lower < r_upper, which defaults to this set's cutoff (4.0), got 4.5",
            id="r_lower-above-set-cutoff",
        ),
    ],
)
def test_gastegger_ranges(tmp_path: Path, lines: Tuple[str, ...], expected: str) -> None:
    assert rejected(run(tmp_path, gastegger(*lines))) == [expected]


def test_gastegger_r_lower_and_r_upper_both_wrong(tmp_path: Path) -> None:
    text = gastegger('mode = "center"', "nb_param_pairs = 3", "r_lower = 8.0", "r_upper = 7.0")
    assert rejected(run(tmp_path, text)) == [
        "spec.toml:9:11: error: sets[0].r_lower: expected r_lower < r_upper (7.0), got 8.0",
        "spec.toml:10:11: error: sets[0].r_upper: "
        "expected r_upper <= the spec's cutoff (6.0), got 7.0",
    ]


@pytest.mark.parametrize(
    "lines",
    [
        ('mode = "shift"', "nb_param_pairs = 3", "r_lower = 0", "r_upper = 5.0"),
        ('mode = "center"', "nb_param_pairs = 3", "r_lower = 1.0", "r_upper = 6.0"),
        ("cutoff = 8.0", 'mode = "center"', "nb_param_pairs = 3", "r_lower = 1.0")
        + ("r_upper = 7.5",),
    ],
    ids=["shift-r_lower-zero", "r_upper-at-cutoff", "set-cutoff-above-global"],
)
def test_gastegger_boundaries_accepted(tmp_path: Path, lines: Tuple[str, ...]) -> None:
    code, out, err = run(tmp_path, gastegger(*lines))
    assert (code, err) == (0, "")
    assert out.count("symfunction_short ") == 12


# --- [output] and the line limit -------------------------------------------------------------


@pytest.mark.parametrize("precision", [0, 17, -1])
def test_precision_out_of_range(tmp_path: Path, precision: int) -> None:
    text = VALID.replace("cutoff = 6.0\n", f"cutoff = 6.0\n[output]\nprecision = {precision}\n")
    assert rejected(run(tmp_path, text)) == [
        "spec.toml:4:13: error: output.precision: "
        f'expected an integer from 1 to 16 or "full", got an integer ({precision})'
    ]


def limit_message(count: str, limit: str, at: str = "4:1") -> str:
    """Reported at the [[sets]] header of the largest set (line 4 in VALID)."""
    return (
        f"spec.toml:{at}: error: sets[0]: this spec would produce {count} symmetry-function "
        f"lines, more than the limit of {limit}; raise [output] max_lines (or pass "
        "--max-lines) if you really mean it"
    )


def with_max_lines(limit: int) -> str:
    return VALID.replace("cutoff = 6.0\n", f"cutoff = 6.0\n[output]\nmax_lines = {limit}\n")


def test_line_limit_default_counts_the_lines(tmp_path: Path) -> None:
    # 10 elements: 100 radial combinations x 100000 pairs
    ten = '["H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne"]'
    text = VALID.replace('["H", "O"]', ten).replace("= 3", "= 100000")
    assert rejected(run(tmp_path, text)) == [limit_message("10,000,000", "100,000")]


def test_line_limit_from_output_max_lines(tmp_path: Path) -> None:
    assert rejected(run(tmp_path, with_max_lines(11))) == [limit_message("12", "11", at="6:1")]
    assert run(tmp_path, with_max_lines(12))[:1] == (0,)


def test_line_limit_from_the_command_line(tmp_path: Path) -> None:
    assert rejected(run(tmp_path, VALID, "--max-lines", "11")) == [limit_message("12", "11")]
    code, out, err = run(tmp_path, VALID, "--max-lines", "12")
    assert (code, err) == (0, "")
    assert out.count("symfunction_short ") == 12


def test_command_line_limit_overrides_output_max_lines(tmp_path: Path) -> None:
    code, out, err = run(tmp_path, with_max_lines(11), "--max-lines", "12")
    assert (code, err) == (0, "")
    assert out.count("symfunction_short ") == 12
    assert rejected(run(tmp_path, with_max_lines(100), "--max-lines", "11")) == [
        limit_message("12", "11", at="6:1")
    ]


def test_line_limit_names_the_largest_set(tmp_path: Path) -> None:
    # set 0: 4 combinations x 3 pairs = 12 lines; set 1: 4 x 5 = 20 lines; VALID has 9 lines,
    # then a blank line: the second [[sets]] header is line 11
    second = VALID[VALID.index("[[sets]]") :].replace("= 3", "= 5")
    code, out, err = run(tmp_path, VALID + "\n" + second, "--max-lines", "31")
    assert (code, out) == (2, "")
    assert err == (
        "spec.toml:11:1: error: sets[1]: this spec would produce 32 symmetry-function lines "
        "(this set alone: 20), more than the limit of 31; raise [output] max_lines (or pass "
        "--max-lines) if you really mean it\n"
    )


def test_raised_line_limit_allows_more_pairs(tmp_path: Path) -> None:
    text = gastegger('mode = "center"', "nb_param_pairs = 200000", "r_lower = 1.0")
    text = text.replace('["H", "O"]', '["H"]').replace('"radial"', '"weighted_radial"')
    # 200,000 etas between 1 and 6: at 3 digits many would print alike (duplicates)
    text = text.replace("cutoff = 6.0\n", 'cutoff = 6.0\n[output]\nprecision = "full"\n')
    code, out, err = run(tmp_path, text, "--max-lines", "1000000")
    assert (code, err) == (0, "")
    assert out.count("symfunction_short ") == 200000


# --- many errors at once ---------------------------------------------------------------------


def test_all_errors_reported_together_sorted_by_line(tmp_path: Path) -> None:
    text = """\
    elements = ["H", "cu"]
    cutoff = 6.0
    colour = "red"

    [output]
    precision = 0

    [[sets]]
    type = "radial"
    rule = "gastegger2018"
    mode = "centre"
    nb_param_pairs = 1
    r_lower = 1.0

    [[sets]]
    type = "angular_wide"
    rule = "custom"
    r_shift = [0.0]
    eta = [-1.0]
    zetas = [1]
    """
    assert rejected(run(tmp_path, text)) == [
        "spec.toml:1:18: error: elements[1]: unknown chemical symbol 'cu'; did you mean 'Cu'? "
        "(symbols are case-sensitive, H to No)",
        "spec.toml:3:1: error: colour: unknown key 'colour'; "
        "expected one of '$schema', 'elements', 'cutoff', 'unit', 'cutoff_function', 'output', "
        "'sets', 'n2p2', 'n2p2_unchecked', 'aenet', 'selection'",
        'spec.toml:6:13: error: output.precision: expected an integer from 1 to 16 or "full", '
        "got an integer (0)",
        "spec.toml:11:8: error: sets[0].mode: unknown mode 'centre'; did you mean 'center'?",
        "spec.toml:12:18: error: sets[0].nb_param_pairs: expected an integer >= 2, got 1",
        "spec.toml:19:8: error: sets[1].eta[0]: expected a number >= 0, got -1.0",
    ]


# --- warnings --------------------------------------------------------------------------------

IMBALZANO = VALID.replace("gastegger2018", "imbalzano2018")  # r_lower (line 9) is ignored
IMBALZANO_WARNING = (
    "spec.toml:9:1: warning: sets[0].r_lower: is ignored by rule 'imbalzano2018'; remove it"
)


def test_ignored_key_warns_and_compiles(tmp_path: Path) -> None:
    code, out, err = run(tmp_path, IMBALZANO)
    assert code == 0
    assert err.splitlines() == [IMBALZANO_WARNING]
    assert out.startswith("# Generated by sfcompile ")
    assert out.count("symfunction_short ") == 12


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    assert rejected(run(tmp_path, IMBALZANO, "--strict")) == [
        IMBALZANO_WARNING,
        "sfcompile: 1 warning treated as errors (--strict); nothing written",
    ]


def test_strict_without_warnings_compiles(tmp_path: Path) -> None:
    code, out, err = run(tmp_path, VALID, "--strict")
    assert (code, err) == (0, "")
    assert out.count("symfunction_short ") == 12


def test_quiet_silences_warnings_only(tmp_path: Path) -> None:
    loud = run(tmp_path, IMBALZANO)
    code, out, err = run(tmp_path, IMBALZANO, "-q")
    assert (code, err) == (0, "")
    assert out == loud[1]
    # errors are still printed
    assert rejected(run(tmp_path, VALID.replace("= 6.0", "= -6.0"), "-q")) == [
        "spec.toml:2:10: error: cutoff: expected a number > 0 and <= 1000.0, got -6.0"
    ]


def test_set_errors_and_missing_zetas_reported_together(tmp_path: Path) -> None:
    text = """\
    elements = ["H", "O"]
    cutoff = 6.0

    [[sets]]
    type = "angular_wide"
    rule = "custom"
    r_shift = [0.0]
    eta = [-1.0]
    """
    assert rejected(run(tmp_path, text)) == [
        "spec.toml:4:1: error: sets[0]: missing required key 'zetas': type 'angular_wide' is "
        "angular and needs a list of exponents zeta >= 1, e.g. zetas = [1, 4]",
        "spec.toml:8:8: error: sets[0].eta[0]: expected a number >= 0, got -1.0",
    ]


def test_set_without_rule_still_reports_unknown_keys(tmp_path: Path) -> None:
    text = VALID.replace('rule = "gastegger2018"\n', "").replace("mode =", "mod =")
    assert rejected(run(tmp_path, text)) == [
        "spec.toml:4:1: error: sets[0]: missing required key 'rule' "
        "(one of 'gastegger2018', 'imbalzano2018', 'windows', 'custom', 'list')",
        "spec.toml:6:1: error: sets[0].mod: unknown key 'mod'; did you mean 'mode'?",
    ]
