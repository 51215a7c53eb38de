"""``sfcompile [compile] SPEC``: the symmetry-function block (or a complete input.nn)."""

from __future__ import annotations

import argparse

from .options import EXIT_ERROR, EXIT_OK, checked_spec, output_option, spec_argument, spec_checks

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import TextIO


NAME = "compile"
HELP = "compile a spec (the default command)"
DESCRIPTION = "Compile a spec into the symfunction_short block of n2p2's input.nn."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    spec_argument(parser)
    output_option(parser, "FILE instead of standard output")
    spec_checks(parser, strict=True, quiet=True)
    parser.add_argument(
        "--full",
        action="store_true",
        help="write a complete input.nn (elements, cutoff_type, the [n2p2] keywords, SFs)",
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..generate.pipeline import render_full_loaded, render_loaded
    from ..writer import write_atomic

    checked = checked_spec(args, stderr, "nothing written")
    if checked is None:
        return EXIT_ERROR
    render = render_full_loaded if args.full else render_loaded
    text = render(checked.loaded, checked.generated)
    if args.output:
        write_atomic(args.output, text)
    else:
        stdout.write(text)
        stdout.flush()
    return EXIT_OK
