"""``sfcompile diff A B``: two specs or input.nn files compared SF by SF."""

from __future__ import annotations

import argparse

from .options import EXIT_DIFFERENCES, EXIT_OK

NAME = "diff"
HELP = "compare two specs or input.nn files as sets of SFs"
DESCRIPTION = (
    "Compare A and B (each a .toml spec or an input.nn) as sets of symmetry functions: removed, "
    "added, changed (one parameter of an SF edited), shared; independent of order, spacing and "
    "number spelling. Exit 0 equal, 1 different, 2 error."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", metavar="A")
    parser.add_argument("b", metavar="B")


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..inputnn.diff import format_diff, load_source, semantic_diff

    result = semantic_diff(load_source(args.a), load_source(args.b))
    stdout.write(format_diff(result))
    return EXIT_OK if result.equal else EXIT_DIFFERENCES
