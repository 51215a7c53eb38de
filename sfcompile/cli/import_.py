"""``sfcompile import INPUT_NN``: an existing file's SF lines as a spec."""

from __future__ import annotations

import argparse

from .options import EXIT_OK, QUIET_HELP, output_option, report

NAME = "import"
HELP = "turn an existing input.nn's SF lines into a spec"
DESCRIPTION = (
    "Read the symfunction_short/symfunction lines of INPUT_NN (and its elements and "
    "cutoff_type lines) and write a TOML spec that compiles to the same SFs, using generation "
    "rules where the lines match one."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="INPUT_NN", help="an input.nn ('-' for stdin)")
    output_option(parser, "the spec")
    parser.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..inputnn.importer import import_path
    from ..writer import write_atomic

    result = import_path(args.input)
    if not args.quiet:
        report(result.warnings, stderr)
        for note in result.notes:
            print(f"sfcompile: note: {note}", file=stderr)
    if args.output:
        write_atomic(args.output, result.spec_text)
    else:
        stdout.write(result.spec_text)
    return EXIT_OK
