"""``sfcompile score SPEC --data FILE``: the force fit's validation errors with a spec's SFs."""

from __future__ import annotations

import argparse

from .options import (
    EXIT_ERROR,
    EXIT_OK,
    checked_spec,
    data_arguments,
    file_name,
    fit_arguments,
    fit_settings,
    single_threaded_blas,
    spec_argument,
    spec_checks,
)

NAME = "score"
HELP = "how well a set's SFs fit the data's forces and energies (select's model, no training)"
DESCRIPTION = (
    "Fit the model that 'sfcompile select' picks by (per element an offset plus a polynomial "
    "of each SF, summed over atoms; forces by the chain rule) with every SF of the spec to the "
    "training structures' energies and forces, and report its RMSE on the validation "
    "structures (the same seeded split as select with the same --seed): a comparison of sets "
    "without training a network. It ranks sets from one pool about as n2p2's training does, "
    "but undervalues sets of a few broad SFs, which a network combines better than a "
    "polynomial of each SF."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    spec_argument(parser)
    data_arguments(parser)
    fit_arguments(parser)
    parser.add_argument("--report", type=file_name, metavar="FILE", help="the report as JSON")
    parser.add_argument(
        "--max-memory", type=int, default=2048, metavar="MIB",
        help="refuse a fit estimated to need more (default 2048 MiB)",
    )  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="no report on standard output")
    spec_checks(parser, quiet=False)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    single_threaded_blas()
    from ..selection.api import score_spec
    from ..selection.report import to_json
    from ..selection.score import format_score
    from ..writer import write_atomic
    from .progress import progress_for

    checked = checked_spec(args, stderr, "nothing scored")
    if checked is None:
        return EXIT_ERROR
    progress = progress_for(stderr, NAME)
    try:
        document = score_spec(
            checked, args.data, fit_settings(args), format=args.format, seed=args.seed,
            jobs=args.jobs, progress=progress, max_memory=args.max_memory * 2**20,
            max_pairs=args.max_neighbours, max_triplets=args.max_triplets,
            scheduler=args.scheduler, chunk_progress=None if progress is None else progress.chunks,
        )  # fmt: skip
    finally:
        if progress is not None:
            progress.close()
    if args.report:
        write_atomic(args.report, to_json(document))
    if not args.quiet:
        stdout.write(format_score(document))
    return EXIT_OK
