"""``sfcompile init --data FILE [-o spec.toml]``: a commented starter spec from a data set."""

from __future__ import annotations

import argparse
import os

from .options import EXIT_ERROR, EXIT_OK, data_arguments, output_option

NAME = "init"
HELP = "write a commented starter spec from a data set"
DESCRIPTION = (
    "Measure a data set (elements, shortest distance per element pair, nearest-neighbour "
    "distances, which triplets occur) and write a starter spec: the elements, a cutoff, "
    "radial sets per group of element pairs with r_lower from their shortest distance, an "
    "angular set, and a guess of the length unit, each value with a comment saying why. "
    "Standard output, or -o FILE (never overwritten without --force)."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    data_arguments(parser)
    output_option(parser, "the spec")
    parser.add_argument("--force", action="store_true", help="overwrite an existing -o FILE")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line")


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if args.output and os.path.lexists(args.output) and not args.force:
        print(
            f"{args.output}: error: the file exists; sfcompile init does not overwrite it "
            "(add --force to replace it)",
            file=stderr,
        )
        return EXIT_ERROR
    from ..analysis.starter import starter_spec
    from ..analysis.survey import survey
    from ..generate.pipeline import check
    from ..readers.formats import read_structures
    from ..spec.load import load_spec, source_from_text
    from ..writer import write_atomic
    from .progress import progress_for

    progress = progress_for(stderr, NAME)
    try:
        measured = survey(read_structures(args.data, args.format), args.jobs,
                          args.max_neighbours, progress)  # fmt: skip
    finally:
        if progress is not None:
            progress.close()
    starter = starter_spec(measured, os.path.basename(args.data))
    name = os.path.basename(args.output) if args.output else "<stdout>"
    checked = check(load_spec(source_from_text(starter.text, name)))
    if checked.diagnostics:  # a starter that does not compile cleanly is a bug of init
        problems = "; ".join(d.format() for d in checked.diagnostics)
        raise RuntimeError(f"the starter spec does not compile cleanly: {problems}")
    lines = sum(g.line_count for g in checked.generated)
    if args.output:
        write_atomic(args.output, starter.text)
    else:
        stdout.write(starter.text)
    if not args.quiet:
        unit = {"unknown": "unit unknown"}.get(starter.unit, f"probably {starter.unit}")
        print(
            f"sfcompile init: {', '.join(starter.elements)}; cutoff {starter.cutoff:g} ({unit}); "
            f"{starter.radial_sets} radial and {starter.angular_sets} angular set(s), "
            f"{lines} SFs" + (f"; written to {args.output}" if args.output else ""),
            file=stderr,
        )
    return EXIT_OK
