"""The argument parser: each command module declares its own arguments."""

from __future__ import annotations

import argparse
import contextlib
from types import ModuleType

from .._version import __version__
from . import (
    check,
    compile,
    diff,
    explain,
    import_,
    init,
    plot,
    schema,
    score,
    select,
    select_structures,
    stats,
    update,
)
from .options import EXIT_ERROR

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Collection, Dict, List, TextIO, Tuple, Union


COMMANDS: List[ModuleType] = [
    init, compile, explain, update, check, import_, diff, schema, stats, plot, select,
    select_structures, score,
]  # fmt: skip

EPILOG = """\
examples:
  sfcompile spec.toml > input.nn        compile, block on standard output
  sfcompile spec.toml -o sf-block.nn    compile into a file (written atomically)
  sfcompile compile --strict spec.toml  treat warnings as errors (for CI)
  sfcompile explain spec.toml           SF counts, cutoffs and cost per element
  sfcompile compile --full spec.toml -o input.nn   a complete input.nn
  sfcompile update spec.toml input.nn   refresh the managed block of an input.nn
  sfcompile check spec.toml input.nn    exit 1 if input.nn is out of date (CI)
  sfcompile spec.toml --target aenet -o stp/   the same SFs for aenet (runner, dscribe, ...)
  sfcompile explain --target dscribe    what DScribe's ACSF can and cannot take
  sfcompile import old/input.nn -o spec.toml   an existing file's SFs as a spec
  sfcompile import --format aenet stp/*.stp -o spec.toml   another code's files
  sfcompile diff old.nn spec.toml       what really changes, SF by SF
  sfcompile schema > sfcompile.schema.json
  sfcompile stats spec.toml --data input.data -o scaling.data   SF statistics
  sfcompile stats spec.toml --data input.data --scheduler tcp://HOST:8786   on a Dask cluster
  sfcompile init --data input.data -o spec.toml   a starter spec from the data
  sfcompile plot spec.toml --data input.data -o sfs.pdf   SF shapes over the data
  sfcompile select pool.toml --data input.data --per-element 30 -o selected.toml
  sfcompile score selected.toml --data input.data   select's model with a set's SFs
  sfcompile select-structures spec.toml --data input.data -n 100 -o subset.data

'sfcompile SPEC' is short for 'sfcompile compile SPEC'. Use '-' as SPEC to read standard input.
exit codes: 0 ok, 1 check found differences, 2 invalid spec, usage or unwritable
output, 3 internal error.
"""


def build() -> Tuple[argparse.ArgumentParser, Dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(
        prog="sfcompile",
        description="Compile a TOML symmetry-function spec into n2p2's symfunction_short block, "
        "or the files of RuNNer, aenet, DScribe or SIMPLE-NN (--target).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sfcompile {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    found: Dict[str, argparse.ArgumentParser] = {}
    for module in COMMANDS:
        sub = commands.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.DESCRIPTION,
            epilog=EPILOG if module is compile else None,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
        found[module.NAME] = sub
    return parser, found


def with_default_command(argv: List[str], commands: Collection[str]) -> List[str]:
    """``sfcompile SPEC ...`` means ``sfcompile compile SPEC ...``."""
    first = next((a for a in argv if a == "-" or not a.startswith("-")), None)
    if first is None or first in commands:
        return argv
    if any(a in ("-h", "--help", "--version") for a in argv[: argv.index(first)]):
        return argv
    return ["compile", *argv]


def parse(argv: List[str], out: TextIO, err: TextIO) -> Union[argparse.Namespace, int]:
    """The parsed arguments, or the exit code when argparse has answered already (``--help``,
    ``--version``, a usage error) or no command was given."""
    parser, subparsers = build()
    arguments = with_default_command(argv, subparsers)
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
    return args
