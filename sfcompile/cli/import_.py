"""``sfcompile import INPUT_NN``: an existing file's SF lines as a spec."""

from __future__ import annotations

import argparse

from .options import EXIT_OK, QUIET_HELP, output_option, report

NAME = "import"
HELP = "turn an existing input.nn (or RuNNer, aenet, SIMPLE-NN files) into a spec"
DESCRIPTION = (
    "Read the symfunction_short/symfunction lines of INPUT_NN (and its elements and "
    "cutoff_type lines) and write a TOML spec that compiles to the same SFs, every number "
    "exactly the file's, using generation rules where their values are the file's numbers. "
    "--format runner reads a RuNNer 1.x input.nn (a spec in Bohr), aenet its .stp files (one "
    "per element, Å), simple-nn its params_XX files (Å; the element order from --elements or an "
    "input.yaml given with them)."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "input", metavar="INPUT_NN", nargs="+", help="an input.nn ('-' for stdin), or the files"
    )
    output_option(parser, "the spec")
    parser.add_argument(
        "--recognise-rounded",
        action="store_true",
        help="also write a rule for a set whose values are the rule's rounded (e.g. eta 0.0139 "
        "for 0.013888...): those values then compile to the rule's, not the file's; the notes, "
        "the header and the set's comment say which move and by how much",
    )
    parser.add_argument(
        "--format",
        choices=("n2p2", "runner", "aenet", "simple-nn"),
        help="the files' code (default: .stp aenet, params_* simple-nn, else n2p2)",
    )
    parser.add_argument(
        "--unit",
        choices=("angstrom", "bohr"),
        help="the length unit of an n2p2 input.nn, written into the spec",
    )
    parser.add_argument(
        "--elements",
        metavar="H,O",
        help="simple-nn: the atom_types order the neighbour indices refer to",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..inputnn.formats import import_files
    from ..writer import write_atomic

    elements = args.elements.split(",") if args.elements else None
    result = import_files(args.input, args.format, unit=args.unit, elements=elements,
                          recognise_rounded=args.recognise_rounded)  # fmt: skip
    if not args.quiet:
        report(result.warnings, stderr)
        for note in result.notes:
            print(f"sfcompile: note: {note}", file=stderr)
    if args.output:
        write_atomic(args.output, result.spec_text)
    else:
        stdout.write(result.spec_text)
    return EXIT_OK
