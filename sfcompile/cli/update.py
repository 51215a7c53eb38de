"""``sfcompile update SPEC INPUT_NN``: refresh the managed block of an input.nn in place."""

from __future__ import annotations

import argparse

from .options import EXIT_OK, report, spec_argument, spec_checks

NAME = "update"
HELP = "write the spec's block into the managed block of an input.nn"
DESCRIPTION = (
    "Replace the managed block of INPUT_NN with what SPEC compiles to (insert it on first "
    "use); every other byte of the file stays as it was."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    spec_argument(parser)
    parser.add_argument("input", metavar="INPUT_NN", help="n2p2's input.nn, changed in place")
    parser.add_argument(
        "--replace-existing",
        action="store_true",
        help="first use: comment out the file's symfunction_short lines, block in their place",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite a hand-edited block or another spec's"
    )
    spec_checks(parser, strict=True, quiet=True)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..inputnn.managed import update_file

    result = update_file(
        args.spec,
        args.input,
        replace_existing=args.replace_existing,
        force=args.force,
        strict=args.strict,
        max_lines=args.max_lines,
    )
    if not args.quiet:
        report(result.warnings, stderr)
        print(result.summary(), file=stderr)
    return EXIT_OK
