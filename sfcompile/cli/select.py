"""``sfcompile select POOL --data FILE``: keep the SFs of a pool spec that describe the data
best (CUR or FPS per central element), written as a spec."""

from __future__ import annotations

import argparse

from .options import (
    EXIT_ERROR,
    EXIT_OK,
    checked_spec,
    data_arguments,
    fit_arguments,
    fit_settings,
    output_option,
    positive_int,
    positive_number,
    selection_arguments,
    single_threaded_blas,
    spec_argument,
    spec_checks,
)

NAME = "select"
HELP = "keep the pool's SFs that fit the data's forces best (or describe it best); as a spec"
DESCRIPTION = (
    "Evaluate every SF of the pool spec on a data set and pick. On data with reference "
    "energies and forces (the default, --method fit): a model whose energy is a sum over atoms "
    "of a polynomial of each SF is fitted to the training structures' forces and energies, and "
    "SFs are added one at a time by the largest drop of the fit's residual, with an exact refit "
    "after each; a seeded share of the structures is held out, and the report gives the "
    "validation force and energy RMSE after every pick: the curve to choose N from. On data "
    "without forces (or with --method cur|fps): CUR (Imbalzano et al. 2018) or farthest-point "
    "sampling per central element on the standardised SF values. SFs constant on the data are "
    "never picked. The selection is written as a spec that compiles to exactly those lines of "
    "the pool (standard output, or -o); the report goes to standard error (--report: JSON)."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Callable, Dict, TextIO


def element_counts(text: str) -> Dict[str, int]:
    """``H=27,O=30`` as {"H": 27, "O": 30}."""
    counts: Dict[str, int] = {}
    for item in text.split(","):
        name, equals, number = item.strip().partition("=")
        if not equals or not name.strip():
            raise argparse.ArgumentTypeError(
                f"expected ELEMENT=N[,ELEMENT=N...], e.g. H=27,O=30; got {text!r}"
            )
        if name.strip() in counts:
            raise argparse.ArgumentTypeError(f"element {name.strip()!r} is given twice")
        counts[name.strip()] = positive_int(number.strip())
    return counts


def _fraction(low_open: bool) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if low_open and not 0 < value <= 1:
            raise argparse.ArgumentTypeError(f"expected a fraction in (0, 1], got {text}")
        if not low_open and not 0 <= value < 1:
            raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text}")
        return value

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    spec_argument(parser)
    data_arguments(parser)
    output_option(parser, "the selected spec (TOML) instead of standard output")
    size = parser.add_argument_group("size rule (exactly one)").add_mutually_exclusive_group(
        required=True
    )
    size.add_argument("--per-element", type=positive_int, metavar="N", help="N SFs per element")
    size.add_argument(
        "--count", type=element_counts, metavar="E=N,...", help="per element, e.g. H=27,O=30"
    )
    size.add_argument(
        "--fraction", type=_fraction(True), metavar="F", help="a fraction F of the varying SFs"
    )
    size.add_argument(
        "--max-unexplained",
        type=_fraction(False),
        metavar="E",
        help="cur, fps: as few as leave at most the fraction E of the pool's variance unexplained",
    )
    size.add_argument(
        "--max-validation-rmse",
        type=positive_number,
        metavar="F",
        help="fit: as few as bring the validation force RMSE down to F (the data's units)",
    )
    selection_arguments(
        parser, ("auto", "fit", "cur", "fps"),
        "auto (default): fit where the data has energies and forces, else cur",
    )  # fmt: skip
    parser.add_argument(
        "--cost-weighted",
        action="store_true",
        help="trade each pick's gain against its cost (fit: against its predicted time in n2p2)",
    )
    parser.add_argument(
        "--keep-unranked",
        action="store_true",
        help="an element the data cannot rank (no atoms of it, or every SF constant on it, as "
        "a single atom) keeps all its pool SFs instead of refusing the selection",
    )
    fit_arguments(parser)
    parser.add_argument(
        "--max-atoms", type=positive_int, metavar="M",
        help="cur, fps: a random sample of M atoms per element",
    )  # fmt: skip
    spec_checks(parser)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    single_threaded_blas()
    import os

    from ..selection.api import run_select
    from ..selection.report import format_text, to_json
    from ..selection.run import SizeRule
    from ..writer import write_atomic
    from .progress import progress_for

    checked = checked_spec(args, stderr, "nothing selected")
    if checked is None:
        return EXIT_ERROR
    rule = SizeRule(args.per_element, args.count, args.fraction, args.max_unexplained,
                    args.max_validation_rmse)  # fmt: skip
    fit = fit_settings(args)
    progress = progress_for(stderr, NAME)
    try:
        result = run_select(
            checked, args.data, rule, format=args.format, method=args.method,
            cost_weighted=args.cost_weighted, max_atoms=args.max_atoms, seed=args.seed,
            jobs=args.jobs, progress=progress, max_memory=args.max_memory * 2**20,
            max_pairs=args.max_neighbours, max_triplets=args.max_triplets,
            output_name=os.path.basename(args.output or ""), scheduler=args.scheduler,
            chunk_progress=None if progress is None else progress.chunks, fit=fit,
            keep_unranked=args.keep_unranked,
        )  # fmt: skip
    finally:
        if progress is not None:
            progress.close()
    if args.report:
        write_atomic(args.report, to_json(result.report))
    if args.output:
        write_atomic(args.output, result.spec_text)
    else:
        stdout.write(result.spec_text)
        stdout.flush()
    if not args.quiet:
        stderr.write(format_text(result.report))
    return EXIT_OK
