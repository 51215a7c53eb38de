"""``sfcompile import INPUT_NN``: an existing file's SF lines as a spec."""

from __future__ import annotations

import argparse

from .options import EXIT_OK, QUIET_HELP, output_option, report

NAME = "import"
HELP = "turn an existing input.nn's SF lines into a spec"
DESCRIPTION = (
    "Read the symfunction_short/symfunction lines of INPUT_NN (and its elements and "
    "cutoff_type lines) and write a TOML spec that compiles to the same SFs, every number "
    "exactly the file's, using generation rules where their values are the file's numbers."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="INPUT_NN", help="an input.nn ('-' for stdin)")
    output_option(parser, "the spec")
    parser.add_argument(
        "--recognise-rounded",
        action="store_true",
        help="also write a rule for a set whose values are the rule's rounded (e.g. eta 0.0139 "
        "for 0.013888...): those values then compile to the rule's, not the file's; the notes, "
        "the header and the set's comment say which move and by how much",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..inputnn.importer import import_path
    from ..writer import write_atomic

    result = import_path(args.input, recognise_rounded=args.recognise_rounded)
    if not args.quiet:
        report(result.warnings, stderr)
        for note in result.notes:
            print(f"sfcompile: note: {note}", file=stderr)
    if args.output:
        write_atomic(args.output, result.spec_text)
    else:
        stdout.write(result.spec_text)
    return EXIT_OK
