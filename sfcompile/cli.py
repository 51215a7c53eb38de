"""Command line: sequence the stages and map every error to an exit code, in one place.

Exit codes: 0 success; 1 "check found differences"; 2 invalid spec, invalid
usage or an output that could not be written; 3 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Dict, Iterable, List, Optional, Sequence, TextIO, Tuple

from . import __version__
from .build.pipeline import check, render_full_loaded, render_loaded
from .errors import Diagnostic, SfcompileError
from .spec.load import load_spec
from .writer import write_atomic

# The other commands' modules are imported when the command runs: `sfcompile SPEC` is run in
# scripts and Makefiles, and its start-up time is most of its run time.

EXIT_OK = 0
EXIT_DIFFERENCES = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3

EPILOG = """\
examples:
  sfcompile spec.toml > input.nn        compile, block on standard output
  sfcompile spec.toml -o sf-block.nn    compile into a file (written atomically)
  sfcompile compile --strict spec.toml  treat warnings as errors (for CI)
  sfcompile explain spec.toml           SF counts, cutoffs and cost per element
  sfcompile compile --full spec.toml -o input.nn   a complete input.nn
  sfcompile update spec.toml input.nn   refresh the managed block of an input.nn
  sfcompile check spec.toml input.nn    exit 1 if input.nn is out of date (CI)
  sfcompile import old/input.nn -o spec.toml   an existing file's SFs as a spec
  sfcompile diff old.nn spec.toml       what really changes, SF by SF
  sfcompile schema > sfcompile.schema.json
  sfcompile stats spec.toml --data input.data -o scaling.data   SF statistics

'sfcompile SPEC' is short for 'sfcompile compile SPEC'. Use '-' as SPEC to read standard input.
exit codes: 0 ok, 1 check found differences, 2 invalid spec, usage or unwritable
output, 3 internal error.
"""


def _parser() -> Tuple[argparse.ArgumentParser, Dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(
        prog="sfcompile",
        description="Compile a TOML symmetry-function spec into n2p2's symfunction_short block.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sfcompile {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    compile_ = commands.add_parser(
        "compile",
        help="compile a spec (the default command)",
        description="Compile a spec into the symfunction_short block of n2p2's input.nn.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _spec_argument(compile_)
    compile_.add_argument(
        "-o", "--output", metavar="FILE", help="write FILE atomically instead of standard output"
    )
    _spec_checks(compile_, strict=True, quiet=True)
    compile_.add_argument(
        "--full",
        action="store_true",
        help="write a complete input.nn (elements, cutoff_type, the [n2p2] keywords, SFs)",
    )
    compile_.set_defaults(run=_run_compile)

    explain_ = commands.add_parser(
        "explain",
        help="summarise what a spec generates (counts, cutoffs, cost)",
        description="Summarise a spec: per central element the number of SFs by type and "
        "element combination, the cutoffs (the largest is what LAMMPS' pair_style hdnnp "
        "needs) and a relative evaluation-cost estimate.",
    )
    _spec_argument(explain_)
    explain_.add_argument("--json", action="store_true", help="machine-readable JSON output")
    _spec_checks(explain_)
    explain_.set_defaults(run=_run_explain)

    update = commands.add_parser(
        "update",
        help="write the spec's block into the managed block of an input.nn",
        description="Replace the managed block of INPUT_NN with what SPEC compiles to (insert "
        "it on first use); every other byte of the file stays as it was.",
    )
    _spec_argument(update)
    update.add_argument("input", metavar="INPUT_NN", help="n2p2's input.nn, changed in place")
    update.add_argument(
        "--replace-existing",
        action="store_true",
        help="first use: comment out the file's symfunction_short lines, block in their place",
    )
    update.add_argument(
        "--force", action="store_true", help="overwrite a hand-edited block or another spec's"
    )
    _spec_checks(update, strict=True, quiet=True)
    update.set_defaults(run=_run_update)

    check_ = commands.add_parser(
        "check",
        help="exit 1 if an input.nn is not what the spec compiles to (for CI)",
        description="Compare INPUT_NN (its managed block, or the whole file if it was written "
        "by 'sfcompile compile -o') with what SPEC compiles to. Exit 0 equal, 1 different, "
        "2 error.",
    )
    _spec_argument(check_)
    check_.add_argument("input", metavar="INPUT_NN", help="n2p2's input.nn (not changed)")
    check_.add_argument("--diff", action="store_true", help="print a unified diff on stdout")
    _spec_checks(check_, strict=True, quiet=True)
    check_.set_defaults(run=_run_check)

    import_ = commands.add_parser(
        "import",
        help="turn an existing input.nn's SF lines into a spec",
        description="Read the symfunction_short/symfunction lines of INPUT_NN (and its "
        "elements and cutoff_type lines) and write a TOML spec that compiles to the same "
        "SFs, using generation rules where the lines match one.",
    )
    import_.add_argument("input", metavar="INPUT_NN", help="an input.nn ('-' for stdin)")
    import_.add_argument("-o", "--output", metavar="SPEC", help="write the spec atomically")
    import_.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)
    import_.set_defaults(run=_run_import)

    diff = commands.add_parser(
        "diff",
        help="compare two specs or input.nn files as sets of SFs",
        description="Compare A and B (each a .toml spec or an input.nn) as sets of symmetry "
        "functions: added, removed, changed; independent of order, spacing and number "
        "spelling. Exit 0 equal, 1 different, 2 error.",
    )
    diff.add_argument("a", metavar="A")
    diff.add_argument("b", metavar="B")
    diff.set_defaults(run=_run_diff)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of the spec format",
        description="Print the JSON Schema of the spec format (for editors such as Taplo).",
    )
    schema.set_defaults(run=_run_schema)
    stats = commands.add_parser(
        "stats",
        help="SF statistics over a data set; n2p2's scaling.data",
        description="Evaluate the spec's SFs on every structure of a data set (streamed) and "
        "report per SF min, max, mean, sigma and the non-zero fraction, dead SFs, element "
        "combinations and elements absent from the data, and a length-unit sanity check. "
        "-o writes n2p2's scaling.data (as nnp-scaling does).",
    )
    _spec_argument(stats)
    stats.add_argument("--data", required=True, metavar="FILE", help="the structures")
    stats.add_argument("-o", "--output", metavar="FILE", help="write scaling.data atomically")
    stats.add_argument("--jobs", type=_positive_int, default=1, metavar="N", help="processes")
    stats.add_argument(
        "--dead-threshold",
        type=float,
        default=1e-10,
        metavar="X",
        help="dead SF: max - min <= X * max(1, |min|, |max|) (default 1e-10)",
    )
    stats.add_argument(
        "--format",
        default="input.data",
        metavar="FORMAT",
        help="input.data (n2p2/RuNNer, default) or an ASE format name (needs ase)",
    )
    stats.add_argument("--json", action="store_true", help="machine-readable JSON report")
    _spec_checks(stats)
    stats.set_defaults(run=_run_stats)
    return parser, {
        "compile": compile_,
        "explain": explain_,
        "update": update,
        "check": check_,
        "import": import_,
        "diff": diff,
        "schema": schema,
        "stats": stats,
    }


QUIET_HELP = "do not print warnings (errors are always printed)"


def _spec_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", metavar="SPEC", help="the TOML spec ('-' for standard input)")


def _spec_checks(
    parser: argparse.ArgumentParser, *, strict: bool = False, quiet: bool = False
) -> None:
    """The options every command that reads a spec shares."""
    parser.add_argument(
        "--max-lines",
        type=_positive_int,
        metavar="N",
        help="refuse specs producing more than N lines (default: [output] max_lines, 100000)",
    )
    if strict:
        parser.add_argument(
            "--strict", action="store_true", help="treat warnings as errors (exit 2, no output)"
        )
    if quiet:
        parser.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _with_default_command(argv: List[str], commands: Iterable[str]) -> List[str]:
    """``sfcompile SPEC ...`` means ``sfcompile compile SPEC ...``."""
    first = next((a for a in argv if a == "-" or not a.startswith("-")), None)
    if first is None or first in commands:
        return argv
    if any(a in ("-h", "--help", "--version") for a in argv[: argv.index(first)]):
        return argv
    return ["compile", *argv]


def _count(items: Sequence[object], noun: str) -> str:
    return f"{len(items)} {noun}" + ("" if len(items) == 1 else "s")


def _report(diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=stream)


def _run_compile(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    checked = check(load_spec(args.spec, max_lines=args.max_lines))
    shown = checked.diagnostics if args.strict or not args.quiet else tuple(checked.errors)
    _report(shown, stderr)
    if checked.errors:
        print(f"sfcompile: {_count(checked.errors, 'error')}; nothing written", file=stderr)
        return EXIT_ERROR
    if checked.warnings and args.strict:
        count = _count(checked.warnings, "warning")
        print(f"sfcompile: {count} treated as errors (--strict); nothing written", file=stderr)
        return EXIT_ERROR
    render = render_full_loaded if args.full else render_loaded
    text = render(checked.loaded, checked.generated)
    if args.output:
        write_atomic(args.output, text)
    else:
        stdout.write(text)
        stdout.flush()
    return EXIT_OK


def _run_explain(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .build.explain import explain, format_text, to_json
    from .build.generate import generate

    loaded = load_spec(args.spec, max_lines=args.max_lines)
    summary = explain(loaded, generate(loaded.spec))
    stdout.write(to_json(summary) + "\n" if args.json else format_text(summary))
    return EXIT_OK


def _run_update(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .inputnn.managed import update_file

    result = update_file(
        args.spec,
        args.input,
        replace_existing=args.replace_existing,
        force=args.force,
        strict=args.strict,
        max_lines=args.max_lines,
    )
    if not args.quiet:
        _report(result.warnings, stderr)
        print(result.summary(), file=stderr)
    return EXIT_OK


def _run_check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .inputnn.managed import check_file

    result = check_file(args.spec, args.input, strict=args.strict, max_lines=args.max_lines)
    if args.diff:
        stdout.writelines(result.diff)
    if not args.quiet:
        _report(result.warnings, stderr)
        print(result.summary(), file=stderr)
    return EXIT_OK if result.equal else EXIT_DIFFERENCES


def _run_import(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .inputnn.importer import import_path

    result = import_path(args.input)
    if not args.quiet:
        _report(result.warnings, stderr)
        for note in result.notes:
            print(f"sfcompile: note: {note}", file=stderr)
    if args.output:
        write_atomic(args.output, result.spec_text)
    else:
        stdout.write(result.spec_text)
    return EXIT_OK


def _run_diff(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .inputnn.diff import format_diff, load_source, semantic_diff

    result = semantic_diff(load_source(args.a), load_source(args.b))
    stdout.write(format_diff(result))
    return EXIT_OK if result.equal else EXIT_DIFFERENCES


def _run_schema(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .spec.schema import schema_text

    stdout.write(schema_text())
    return EXIT_OK


def _run_stats(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .data.stats import run_command

    checked = check(load_spec(args.spec, max_lines=args.max_lines))
    _report(checked.diagnostics, stderr)
    if checked.errors:
        print(f"sfcompile: {_count(checked.errors, 'error')}; nothing computed", file=stderr)
        return EXIT_ERROR
    return run_command(checked, args, stdout, stderr)


def main(
    argv: Optional[Sequence[str]] = None,
    stdout: Optional[TextIO] = None,
    stderr: Optional[TextIO] = None,
) -> int:
    """Run the command line; returns the exit code (never raises for a user's mistake)."""
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    parser, subparsers = _parser()
    arguments = _with_default_command(list(sys.argv[1:] if argv is None else argv), subparsers)
    try:  # argparse prints --help, --version and usage errors itself, then exits
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args, extra = parser.parse_known_args(arguments)
            if extra:
                subparsers.get(args.command, parser).error(
                    f"unrecognized arguments: {' '.join(extra)}"
                )
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        parser.print_usage(err)
        print("sfcompile: error: give a spec file (sfcompile SPEC) or a command", file=err)
        return EXIT_ERROR
    try:
        return int(args.run(args, out, err))
    except SfcompileError as exc:
        _report(exc.diagnostics, err)
        return exc.exit_code
    except BrokenPipeError:  # e.g. `sfcompile spec.toml | head`: the reader has gone
        if out is sys.__stdout__:
            _silence_stdout()  # so that the interpreter's final flush does not complain
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("SFCOMPILE_DEBUG"):
            raise
        print(
            f"sfcompile: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in sfcompile; please report it with the spec that triggers it "
            "(set SFCOMPILE_DEBUG=1 for a traceback).",
            file=err,
        )
        return EXIT_INTERNAL


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
