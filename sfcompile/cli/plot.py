"""``sfcompile plot SPEC [--data FILE] -o FILE.pdf``: the SF shapes over the data's neighbour
distances and angles, the SF values, and (``--selection``) the selection curve."""

from __future__ import annotations

import argparse
import dataclasses
import os

from .options import EXIT_ERROR, EXIT_OK, QUIET_HELP, checked_spec, data_arguments, spec_checks

NAME = "plot"
HELP = "draw the SFs over the data's distances and angles (needs sfcompile[plot])"
DESCRIPTION = (
    "Draw every radial SF against r and every angular SF against the angle, per element pair "
    "and triplet, as n2p2 evaluates them; with --data the data's pair distances and angles "
    "underneath and the distribution of each SF's values (dead SFs marked); with --selection "
    "the selection curve of a 'sfcompile select --report' file. -o FILE.pdf: one page per "
    "figure; FILE.png or FILE.svg: one file per figure (the figure's name appended)."
)
FORMATS = (".pdf", ".png", ".svg")

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any, Optional, TextIO


def figure_file(text: str) -> str:
    if os.path.splitext(text)[1].lower() not in FORMATS:
        raise argparse.ArgumentTypeError(
            f"expected a file name ending in .pdf, .png or .svg, got {text!r}"
        )
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "spec", metavar="SPEC", nargs="?", help="the TOML spec ('-' for standard input)"
    )
    data_arguments(parser, required=False)
    parser.add_argument(
        "--selection", metavar="REPORT", help="the JSON report of 'sfcompile select --report'"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", type=figure_file, required=True,
        help="FILE.pdf (one page per figure), FILE.png or FILE.svg (one file per figure)",
    )  # fmt: skip
    parser.add_argument(
        "--dead-threshold", type=float, default=1e-10, metavar="X",
        help="dead SF: max - min <= X * max(1, |min|, |max|) (default 1e-10)",
    )  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)
    spec_checks(parser)


def _usage_error(args: argparse.Namespace) -> Optional[str]:
    if args.spec is None and args.selection is None:
        return "give a SPEC, --selection REPORT, or both"
    if args.spec is None and args.data is not None:
        return "--data needs a SPEC (the SFs to evaluate on the data)"
    return None


def _data(args: argparse.Namespace, plan: Any, stderr: TextIO) -> Any:
    from ..analysis.distributions import collect_distributions
    from ..readers.formats import read_structures
    from .progress import progress_for

    def open_structures() -> Any:
        return read_structures(args.data, args.format, known_elements=plan.elements)

    progress = progress_for(stderr, NAME)
    try:
        return collect_distributions(
            plan, open_structures, args.jobs, args.dead_threshold, progress
        )
    finally:
        if progress is not None:
            progress.close()


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..plot import require_matplotlib

    problem = _usage_error(args)
    if problem is not None:
        print(f"sfcompile plot: error: {problem}", file=stderr)
        return EXIT_ERROR
    require_matplotlib()
    from ..selection.report_file import read_selection

    selection = None if args.selection is None else read_selection(args.selection)
    plan, panels, data = None, [], None
    if args.spec is not None:
        from ..analysis.shapes import angular_panels, radial_panels
        from ..analysis.stats import spec_plan

        checked = checked_spec(args, stderr, "nothing drawn")
        if checked is None:
            return EXIT_ERROR
        plan = dataclasses.replace(
            spec_plan(checked), max_pairs=args.max_neighbours, max_triplets=args.max_triplets
        )
        panels = radial_panels(plan) + angular_panels(plan)
        if args.data is not None:
            data = _data(args, plan, stderr)
    from ..plot.figures import draw_all
    from ..plot.output import file_names, plot_style, write

    with plot_style():
        drawn = draw_all(plan, panels, data, selection)
        write(drawn, args.output)
    names = file_names(args.output, drawn)
    pdf = len(drawn) > 1 and len(set(names)) == 1
    for page, (name, figure) in enumerate(zip(names, drawn), start=1):
        where = f"{name} page {page}" if pdf else name
        print(f"{where}: {figure.title}", file=stdout)
    return EXIT_OK
