"""The command line through ``sfcompile.cli.main(argv, stdout, stderr)``; twice as a real process.

Every test runs in its own temporary directory (the working directory), so relative names such
as ``spec.toml`` and ``out.nn`` appear in messages as written.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path
from typing import List, Optional, TextIO, Tuple

import pytest

import sfcompile.writer
from sfcompile import __version__
from sfcompile.cli import main
from tests.conftest import DATA, VALID

REPO = Path(__file__).resolve().parent.parent
COMMITTED_SCHEMA = REPO / "schemas" / "sfcompile.schema.json"

INVALID = VALID.replace("cutoff = 6.0", "cutoff = -6.0")
INVALID_MESSAGE = "spec.toml:2:10: error: cutoff: expected a number > 0 and <= 1000.0, got -6.0"
HEADER_LINES = 3  # tool and version, spec name, spec sha256


pytestmark = pytest.mark.usefixtures("in_tmp_path")


def run(*argv: str, stdout: Optional[TextIO] = None) -> Tuple[int, str, str]:
    out = io.StringIO() if stdout is None else stdout
    err = io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue() if isinstance(out, io.StringIO) else "", err.getvalue()


def write(path: Path, text: str = VALID) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def compiled(*argv: str) -> str:
    """Stdout of a successful run (asserting exit 0 and an empty stderr)."""
    code, out, err = run(*argv)
    assert (code, err) == (0, ""), err
    assert out.count("symfunction_short ") == 12
    return out


def body(text: str) -> str:
    """The output without its provenance header."""
    return text.split("\n", HEADER_LINES)[HEADER_LINES]


def temp_files(directory: Path) -> List[str]:
    return sorted(p.name for p in directory.glob(".*.tmp"))


# --- the default command ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "options", [[], ["-q"], ["--strict"], ["--max-lines", "100"]], ids=lambda o: " ".join(o)
)
def test_shorthand_equals_compile(tmp_path: Path, options: List[str]) -> None:
    write(tmp_path / "spec.toml")
    full = compiled("compile", "spec.toml", *options)
    assert compiled("spec.toml", *options) == full
    assert compiled(*options, "spec.toml") == full


# --- -o FILE ---------------------------------------------------------------------------------


def test_output_file_is_written_and_stdout_stays_empty(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml")
    expected = compiled("spec.toml")
    assert run("spec.toml", "-o", "out.nn") == (0, "", "")
    assert (tmp_path / "out.nn").read_bytes() == expected.encode()
    assert temp_files(tmp_path) == []


def test_output_file_replaces_an_existing_one_keeping_its_mode(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml")
    target = tmp_path / "out.nn"
    target.write_text("old content\n")
    target.chmod(0o640)
    assert run("spec.toml", "--output", "out.nn") == (0, "", "")
    assert target.read_text() == compiled("spec.toml")
    assert target.stat().st_mode & 0o777 == 0o640
    assert temp_files(tmp_path) == []


OLD = b"# the previous block, which must survive\n"


def test_invalid_spec_leaves_the_output_untouched(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml", INVALID)
    (tmp_path / "out.nn").write_bytes(OLD)
    assert run("spec.toml", "-o", "out.nn") == (2, "", INVALID_MESSAGE + "\n")
    assert (tmp_path / "out.nn").read_bytes() == OLD
    assert temp_files(tmp_path) == []


def assert_write_failure(err: str, reason: str) -> None:
    """The diagnostic names the output file and the reason; one line, no traceback."""
    pattern = rf"out\.nn: error: cannot write the output: {re.escape(reason)}\n"
    assert re.fullmatch(pattern, err), err


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failed_write_leaves_the_output_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    write(tmp_path / "spec.toml")
    expected = compiled("spec.toml")
    (tmp_path / "out.nn").write_bytes(OLD)
    seen: List[str] = []

    def fail(*args: object) -> None:
        # by now the temporary file exists next to the target
        (temp,) = temp_files(tmp_path)
        assert temp.startswith(".out.nn.")
        assert (tmp_path / temp).read_text() == expected  # written and flushed
        seen.append(temp)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sfcompile.writer.os, failing, fail)
    code, out, err = run("spec.toml", "-o", "out.nn")
    assert len(seen) == 1
    assert (code, out) == (2, "")
    assert_write_failure(err, "No space left on device")
    assert (tmp_path / "out.nn").read_bytes() == OLD
    assert temp_files(tmp_path) == []


def test_output_to_a_directory(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml")
    (tmp_path / "out.nn").mkdir()
    code, out, err = run("spec.toml", "-o", "out.nn")
    assert (code, out) == (2, "")
    assert_write_failure(err, "it is a directory; give a file name")
    assert list((tmp_path / "out.nn").iterdir()) == []


def test_output_into_a_missing_directory(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml")
    code, out, err = run("spec.toml", "-o", "missing/out.nn")
    assert (code, out) == (2, "")
    assert err == (
        "missing/out.nn: error: cannot write the output: directory 'missing' does not exist\n"
    )
    assert not (tmp_path / "missing").exists()


# --- argument handling (argparse prints to the process's streams) ---------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", __version__)
    code, out, err = run("--version")
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out + out == f"sfcompile {__version__}\n"
    assert captured.err + err == ""


def test_help_shows_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("--help")
    text = capsys.readouterr().out + out
    assert code == 0
    assert text.startswith("usage: sfcompile ")
    squeezed = re.sub(r"  +", "  ", text)  # the command column's width follows the longest name
    assert "  compile  compile a spec (the default command)" in squeezed
    assert "  schema  print the JSON Schema of the spec format" in squeezed
    for expected in (
        "examples:",
        "sfcompile spec.toml > input.nn",
        "sfcompile spec.toml -o sf-block.nn",
        "sfcompile compile --strict spec.toml",
        "sfcompile schema > sfcompile.schema.json",
        "'sfcompile SPEC' is short for 'sfcompile compile SPEC'",
        "Use '-' as SPEC to read standard input.",
        "exit codes: 0 ok,",
        "1 check found differences, 2 invalid spec, usage or unwritable",
        "output, 3 internal error.",
    ):
        assert expected in text


def test_compile_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("compile", "--help")
    text = capsys.readouterr().out + out
    assert code == 0
    assert text.startswith("usage: sfcompile compile ")
    for expected in ("-o FILE, --output FILE", "--max-lines N", "--strict", "-q, --quiet"):
        assert expected in text
    assert "examples:" in text
    assert "exit codes: 0 ok," in text


def test_no_arguments_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run()
    captured = capsys.readouterr()
    assert (code, out, captured.out) == (2, "", "")
    lines = (captured.err + err).splitlines()
    assert lines[0].startswith("usage: sfcompile ")
    assert lines[-1] == "sfcompile: error: give a spec file (sfcompile SPEC) or a command"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--bogus", "spec.toml"], "unrecognized arguments: --bogus"),
        (["spec.toml", "--bogus"], "unrecognized arguments: --bogus"),
        (["compile"], "the following arguments are required: SPEC"),
        (
            ["spec.toml", "--max-lines", "0"],
            "argument --max-lines: expected a positive integer, got 0",
        ),
        (
            ["spec.toml", "--max-lines", "many"],
            "argument --max-lines: expected a positive integer, got 'many'",
        ),
        (["schema", "extra"], "unrecognized arguments: extra"),
    ],
    ids=[
        "unknown-option-first",
        "unknown-option-last",
        "no-spec",
        "max-lines-0",
        "max-lines-word",
        "schema-extra",
    ],
)
def test_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: List[str], message: str
) -> None:
    write(tmp_path / "spec.toml")
    code, out, err = run(*argv)
    captured = capsys.readouterr()
    assert (code, out, captured.out) == (2, "", "")
    text = captured.err + err
    assert "Traceback" not in text
    assert f"error: {message}\n" in text


def test_usage_errors_go_to_the_given_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run("--bogus", "spec.toml")
    assert code == 2
    assert "unrecognized arguments: --bogus" in err
    assert capsys.readouterr() == ("", "")


def test_unknown_option_after_the_spec_shows_the_compile_usage() -> None:
    code, out, err = run("spec.toml", "--bogus")
    assert (code, out) == (2, "")
    assert err.startswith("usage: sfcompile compile ")
    assert err.endswith("error: unrecognized arguments: --bogus\n")


def test_help_and_version_go_to_the_given_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--version")[:2] == (0, f"sfcompile {sfcompile.__version__}\n")
    code, out, _ = run("--help")
    assert code == 0 and out.startswith("usage: sfcompile ")
    assert capsys.readouterr() == ("", "")


# --- standard input --------------------------------------------------------------------------


def feed_stdin(monkeypatch: pytest.MonkeyPatch, content: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(content)))


@pytest.mark.parametrize("argv", [["-"], ["compile", "-"], ["-q", "-"]], ids=" ".join)
def test_spec_from_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: List[str]) -> None:
    write(tmp_path / "spec.toml")
    from_file = compiled("spec.toml")
    feed_stdin(monkeypatch, VALID.encode())
    text = compiled(*argv)
    lines = text.splitlines()
    assert lines[1] == "# spec: <stdin>"
    assert lines[2] == f"# spec sha256: {hashlib.sha256(VALID.encode()).hexdigest()}"
    assert body(text) == body(from_file)


def test_invalid_spec_from_stdin_is_located(monkeypatch: pytest.MonkeyPatch) -> None:
    feed_stdin(monkeypatch, INVALID.encode())
    assert run("-") == (2, "", INVALID_MESSAGE.replace("spec.toml", "<stdin>") + "\n")


# --- schema ----------------------------------------------------------------------------------


def test_schema_equals_the_committed_file() -> None:
    code, out, err = run("schema")
    assert (code, err) == (0, "")
    assert json.loads(out) == json.loads(COMMITTED_SCHEMA.read_text(encoding="utf-8"))
    assert out == COMMITTED_SCHEMA.read_text(encoding="utf-8")


# --- the output: provenance header and determinism -------------------------------------------


def test_output_is_deterministic(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml")
    assert compiled("spec.toml") == compiled("spec.toml")
    run("spec.toml", "-o", "first.nn")
    run("spec.toml", "-o", "second.nn")
    assert (tmp_path / "first.nn").read_bytes() == (tmp_path / "second.nn").read_bytes()


def test_provenance_header(tmp_path: Path) -> None:
    spec = write(tmp_path / "some" / "dir" / "my-spec.toml")
    text = compiled(str(spec))
    lines = text.splitlines()
    assert lines[0].startswith(f"# Generated by sfcompile {__version__} ")
    assert lines[1] == "# spec: my-spec.toml"
    assert lines[2] == f"# spec sha256: {hashlib.sha256(spec.read_bytes()).hexdigest()}"
    assert str(tmp_path) not in text
    assert lines[HEADER_LINES].strip() == ""  # a blank line, then the first set
    assert lines[HEADER_LINES + 1].startswith("####")


def test_same_spec_in_another_directory_gives_the_same_output(tmp_path: Path) -> None:
    first = write(tmp_path / "a" / "spec.toml")
    second = write(tmp_path / "b" / "c" / "spec.toml")
    assert compiled(str(first)) == compiled(str(second)) == compiled("a/spec.toml")


def test_sha256_changes_with_the_bytes_not_the_meaning(tmp_path: Path) -> None:
    plain = compiled(str(write(tmp_path / "spec.toml")))
    commented = compiled(str(write(tmp_path / "spec.toml", "# a comment\n" + VALID)))
    assert plain.splitlines()[2] != commented.splitlines()[2]
    assert body(plain) == body(commented)


@pytest.mark.parametrize(
    "content",
    [b"#:schema ./x.json\n" + VALID.encode(), b"\xef\xbb\xbf" + VALID.encode()],
    ids=["schema-comment", "utf-8-bom"],
)
def test_accepted_prefixes(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "spec.toml").write_bytes(content)
    text = compiled("spec.toml")
    assert text.splitlines()[2] == f"# spec sha256: {hashlib.sha256(content).hexdigest()}"
    write(tmp_path / "plain.toml")
    assert body(text) == body(compiled("plain.toml"))


# --- failures of the environment and of sfcompile itself -------------------------------------


class BrokenPipe(io.StringIO):
    """A standard output whose reader has gone away (``sfcompile spec.toml | head -0``)."""

    attempts = 0

    def write(self, text: str) -> int:
        self.attempts += 1
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


def test_broken_pipe_is_quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "spec.toml")
    # sfcompile points the process's stdout at /dev/null after a broken pipe: keep pytest's
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    stdout = BrokenPipe()
    code, _, err = run("spec.toml", stdout=stdout)
    assert stdout.attempts == 1
    assert (code, err) == (0, "")


def test_internal_error_is_reported_as_a_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "spec.toml")

    def broken(*args: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr("sfcompile.generate.pipeline.render_loaded", broken)
    code, out, err = run("spec.toml")
    assert (code, out) == (3, "")
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines[0] == "sfcompile: internal error: RuntimeError: boom"
    assert "This is a bug in sfcompile" in lines[1]
    assert "SFCOMPILE_DEBUG=1" in lines[1]


def test_internal_error_is_raised_with_sfcompile_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "spec.toml")

    def broken(*args: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr("sfcompile.generate.pipeline.render_loaded", broken)
    monkeypatch.setenv("SFCOMPILE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        run("spec.toml")


# --- as a real process -----------------------------------------------------------------------


def run_process(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SFCOMPILE_DEBUG"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "sfcompile", *argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_python_m_sfcompile(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml")
    process = run_process(tmp_path, "spec.toml")
    assert (process.returncode, process.stderr) == (0, "")
    assert process.stdout.startswith(f"# Generated by sfcompile {__version__} ")
    assert process.stdout == compiled("spec.toml")


def test_python_m_sfcompile_invalid_spec(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml", INVALID)
    process = run_process(tmp_path, "spec.toml")
    assert (process.returncode, process.stdout) == (2, "")
    assert process.stderr == INVALID_MESSAGE + "\n"


# --- explain ---------------------------------------------------------------------------------


def test_explain_prints_the_summary(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml")
    code, out, err = run("explain", "spec.toml")
    assert (code, err) == (0, "")
    # VALID: H and O, radial, 3 pairs: per element 2 combinations x 3 = 6 lines
    assert out.startswith("spec.toml: 12 symmetry functions\n")
    assert "H (central): 6 symmetry functions" in out
    assert "pair_style hdnnp 6.0 dir <nnp-data> ..." in out


def test_explain_json(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml")
    code, out, err = run("explain", "--json", "spec.toml")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["count"], data["max_cutoff"], data["elements"]) == (12, 6.0, ["H", "O"])


def test_explain_with_data_prices_the_spec_on_its_structures(tmp_path: Path) -> None:
    """--data: the counts of the structures (the model fed with counts measured separately
    gives the same figures); the text says so and gives the data's total."""
    from sfcompile import load
    from sfcompile.analysis.environment import measure_environment
    from sfcompile.generate.cost import CostModel, radii
    from sfcompile.generate.expand import generate
    from sfcompile.readers.structures import read_input_data

    write(tmp_path / "spec.toml")
    data = DATA / "datasets" / "h2o-4.data"
    code, out, err = run("explain", "--json", "spec.toml", "--data", str(data))
    assert (code, err) == (0, "")
    document = json.loads(out)
    basis = {"counts": "data", "density": None, "unit": None, "data": "h2o-4.data",
             "structures": 4, "atoms": 336}  # fmt: skip
    assert document["cost_basis"] == basis
    sfs = [sf for s in generate(load(VALID).spec) for b in s.blocks for sf in b]
    env = measure_environment(read_input_data(data), ("H", "O"), radii(sfs))
    seconds = CostModel(env).seconds(sfs)
    assert document["cost"]["seconds_per_atom"] == pytest.approx(seconds, rel=1e-12)
    assert document["cost"]["data_seconds"] == pytest.approx(336 * seconds, rel=1e-12)
    assert [e["fraction"] for e in document["per_element"]] == [224 / 336, 112 / 336]
    code, out, err = run("explain", "spec.toml", "--data", str(data))
    assert f"    on h2o-4.data: 336 atoms, {336 * seconds:.3g} s in all\n" in out
    assert "The counts are those of h2o-4.data (4 structures;" in " ".join(out.split())


def test_explain_data_with_another_element_is_a_located_error(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml", VALID.replace('"O"', '"C"'))
    data = DATA / "datasets" / "h2o-4.data"
    code, out, err = run("explain", "spec.toml", "--data", str(data))
    assert (code, out) == (2, "")
    assert err.startswith(f"{data}:6:")
    assert "error: element 'O' is not one of the spec's elements (H, C)" in err


ANGULAR = """
[[sets]]
type = "angular_narrow"
rule = "custom"
r_shift = [0.0]
eta = [0.1]
zetas = [1]
"""


def test_explain_data_beyond_the_budgets_is_a_located_error(tmp_path: Path) -> None:
    """The same budgets as stats: about 336 x 335 neighbour pairs at 30 Bohr in a cell of
    24.6 Bohr would be several times that; 100 pairs of neighbours are few for water."""
    write(tmp_path / "spec.toml", VALID.replace("cutoff = 6.0", "cutoff = 30.0"))
    data = DATA / "datasets" / "h2o-4.data"
    code, out, err = run("explain", "spec.toml", "--data", str(data), "--max-neighbours", "1000")
    assert (code, out) == (2, "")
    assert err.startswith(f"{data}:1:1: error: structure 0 (0-based): about ")
    assert "more than the limit of 1,000: is the cell much smaller than the cutoff" in err
    write(tmp_path / "spec.toml")  # radial only: no pairs of neighbours counted, none refused
    assert run("explain", "spec.toml", "--data", str(data), "--max-triplets", "100")[0] == 0
    write(tmp_path / "spec.toml", VALID + ANGULAR)
    code, out, err = run("explain", "spec.toml", "--data", str(data), "--max-triplets", "100")
    assert (code, out) == (2, "")
    assert err.startswith(f"{data}:1:1: error: structure 0 (0-based): ")
    assert "triplets (pairs of neighbours) within the cutoff 6" in err
    assert "more than the limit of 100 for angular SFs" in err


def test_explain_rejects_an_invalid_spec_like_compile(tmp_path: Path) -> None:
    (tmp_path / "spec.toml").write_text(INVALID, encoding="utf-8")
    assert run("explain", "spec.toml") == (2, "", INVALID_MESSAGE + "\n")


# --- lint on every compile -------------------------------------------------------------------

DUPLICATES = (
    VALID.replace("nb_param_pairs = 3", "nb_param_pairs = 2")
    .replace("gastegger2018", "imbalzano2018")
    .replace("r_lower = 1.5\n", "")
)
AT_CUTOFF = VALID.replace('mode = "center"', 'mode = "shift"')  # r_upper defaults to r_c


def test_lint_errors_refuse_the_spec_and_keep_the_old_file(tmp_path: Path) -> None:
    # imbalzano2018 center with 2 pairs: eta = 1/r_c^2 twice, so every line is duplicated
    (tmp_path / "spec.toml").write_text(DUPLICATES, encoding="utf-8")
    (tmp_path / "out.nn").write_text("old\n", encoding="utf-8")
    code, out, err = run("spec.toml", "-o", "out.nn")
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[-1] == "sfcompile: 1 error; nothing written"
    assert lines[0].startswith("spec.toml:4:1: error: sets[0]: ")
    assert "duplicate" in lines[0]
    assert (tmp_path / "out.nn").read_text(encoding="utf-8") == "old\n"
    assert run("spec.toml", "-q")[:2] == (2, "")  # -q hides warnings, never errors


def test_lint_warnings_are_printed_and_the_block_written(tmp_path: Path) -> None:
    (tmp_path / "spec.toml").write_text(AT_CUTOFF, encoding="utf-8")
    code, out, err = run("spec.toml")
    assert code == 0 and out.count("symfunction_short") == 12
    assert err.startswith("spec.toml:4:1: warning: sets[0]: Gaussian centred exactly at the cutoff")
    assert run("spec.toml", "-q") == (0, out, "")
    code, out, err = run("spec.toml", "--strict")
    assert (code, out) == (2, "")
    assert (
        err.splitlines()[-1] == "sfcompile: 1 warning treated as errors (--strict); nothing written"
    )


# --- update and check ------------------------------------------------------------------------


def test_update_then_check_through_the_command_line(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml")
    (tmp_path / "input.nn").write_text("random_seed 1\n", encoding="utf-8")
    code, out, err = run("update", "spec.toml", "input.nn")
    assert (code, out) == (0, "")
    assert err.startswith("input.nn: managed block inserted")
    assert (tmp_path / "input.nn").read_text(encoding="utf-8").startswith("random_seed 1\n")
    assert run("check", "spec.toml", "input.nn")[0] == 0
    # the spec changes: check exits 1 and --diff prints the difference on stdout
    write(tmp_path / "spec.toml", VALID.replace("nb_param_pairs = 3", "nb_param_pairs = 4"))
    code, out, err = run("check", "--diff", "spec.toml", "input.nn")
    assert code == 1
    assert out.startswith("--- ") and "+symfunction_short" in out
    assert "differs" in err
    assert run("update", "spec.toml", "input.nn")[0] == 0
    assert run("check", "spec.toml", "input.nn")[0] == 0


def test_check_on_a_file_without_a_block_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml")
    (tmp_path / "input.nn").write_text("random_seed 1\n", encoding="utf-8")
    code, out, err = run("check", "spec.toml", "input.nn")
    assert (code, out) == (2, "")
    assert err.startswith("input.nn")


# --- import and diff -------------------------------------------------------------------------


def test_import_then_compile_then_diff(tmp_path: Path) -> None:
    write(tmp_path / "spec.toml")
    assert run("spec.toml", "-o", "input.nn")[0] == 0
    code, out, err = run("import", "input.nn", "-o", "imported.toml")
    assert (code, out) == (0, "")
    assert "sfcompile: note:" in err
    text = (tmp_path / "imported.toml").read_text(encoding="utf-8")
    assert 'rule = "gastegger2018"' in text  # the rule is recognised, not listed value by value
    assert run("diff", "imported.toml", "input.nn")[0] == 0
    assert run("diff", "spec.toml", "imported.toml")[0] == 0


def test_diff_exits_1_on_differences(tmp_path: Path) -> None:
    write(tmp_path / "a.toml")
    write(tmp_path / "b.toml", VALID.replace("nb_param_pairs = 3", "nb_param_pairs = 4"))
    code, out, err = run("diff", "a.toml", "b.toml")
    assert (code, err) == (1, "")
    assert out.startswith("--- a.toml (12 SFs)\n+++ b.toml (16 SFs)\n")


def test_import_refuses_a_malformed_file(tmp_path: Path) -> None:
    (tmp_path / "input.nn").write_text(
        "elements H\nsymfunction_short H 2 H 1.0d-2 0.0\n", encoding="utf-8"
    )
    code, out, err = run("import", "input.nn")
    assert (code, out) == (2, "")
    assert err.startswith("input.nn:2:")
