"""``sfcompile check SPEC INPUT_NN``: is the file what the spec compiles to? (for CI)"""

from __future__ import annotations

import argparse

from .options import EXIT_DIFFERENCES, EXIT_OK, report, spec_argument, spec_checks

NAME = "check"
HELP = "exit 1 if an input.nn is not what the spec compiles to (for CI)"
DESCRIPTION = (
    "Compare INPUT_NN (its managed block, or the whole file if it was written by 'sfcompile "
    "compile -o') with what SPEC compiles to. Exit 0 equal, 1 different, 2 error."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    spec_argument(parser)
    parser.add_argument("input", metavar="INPUT_NN", help="n2p2's input.nn (not changed)")
    parser.add_argument("--diff", action="store_true", help="print a unified diff on stdout")
    spec_checks(parser, strict=True, quiet=True)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..inputnn.managed import check_file

    result = check_file(args.spec, args.input, strict=args.strict, max_lines=args.max_lines)
    if args.diff:
        stdout.writelines(result.diff)
    if not args.quiet:
        report(result.warnings, stderr)
        print(result.summary(), file=stderr)
    return EXIT_OK if result.equal else EXIT_DIFFERENCES
