"""``sfcompile stats SPEC --data FILE``: the spec's SFs over a data set; n2p2's scaling.data."""

from __future__ import annotations

import argparse
import dataclasses
import os

from .options import (
    EXIT_ERROR,
    EXIT_OK,
    checked_spec,
    data_arguments,
    output_option,
    spec_argument,
    spec_checks,
)

NAME = "stats"
HELP = "SF statistics over a data set; n2p2's scaling.data"
DESCRIPTION = (
    "Evaluate the spec's SFs on every structure of a data set (streamed) and report per SF "
    "min, max, mean, sigma and the non-zero fraction, dead SFs, element combinations and "
    "elements absent from the data, and a length-unit sanity check. -o writes n2p2's "
    "scaling.data (as nnp-scaling does)."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    spec_argument(parser)
    data_arguments(parser)
    output_option(parser, "scaling.data")
    parser.add_argument(
        "--dead-threshold",
        type=float,
        default=1e-10,
        metavar="X",
        help="dead SF: max - min <= X * max(1, |min|, |max|) (default 1e-10)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable JSON report")
    spec_checks(parser)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .._version import __version__
    from ..analysis.report import findings, format_text, scaling_data, to_json
    from ..analysis.stats import collect, spec_plan
    from ..readers.formats import read_structures
    from ..writer import write_atomic
    from .progress import progress_for

    checked = checked_spec(args, stderr, "nothing computed")
    if checked is None:
        return EXIT_ERROR
    plan = dataclasses.replace(
        spec_plan(checked), max_pairs=args.max_neighbours, max_triplets=args.max_triplets
    )
    progress = progress_for(stderr, NAME)
    try:
        structures = read_structures(args.data, args.format, known_elements=plan.elements)
        totals = collect(
            plan, structures, args.jobs, progress, scheduler=args.scheduler,
            chunk_progress=None if progress is None else progress.chunks,
        )  # fmt: skip
    finally:
        if progress is not None:
            progress.close()
    if args.output:
        name = checked.loaded.source.file_name
        text = scaling_data(plan, totals, name, os.path.basename(args.data), __version__)
        write_atomic(args.output, text)
    found = findings(plan, totals, args.dead_threshold)
    stdout.write(to_json(found) + "\n" if args.json else format_text(found))
    return EXIT_OK
