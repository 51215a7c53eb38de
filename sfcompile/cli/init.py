"""``sfcompile init --data FILE [-o spec.toml]``: a commented starter spec from a data set."""

from __future__ import annotations

import argparse
import contextlib
import os

from .options import EXIT_ERROR, EXIT_OK, data_arguments, output_option

NAME = "init"
HELP = "write a commented starter spec from a data set"
DESCRIPTION = (
    "Measure a data set (elements, shortest distance per element pair, nearest-neighbour "
    "distances, which triplets occur) and write a starter spec: the elements, a cutoff, "
    "radial sets per group of element pairs with r_lower from their shortest distance, an "
    "angular set, and a guess of the length unit, each value with a comment saying why. "
    "With --pool: a candidate pool for sfcompile select instead (radial Gaussians at five "
    "widths per element pair, angular SFs of several widths; SFs constant on the data left "
    "out, which reads the data a second time). "
    "Standard output, or -o FILE (never overwritten without --force)."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Dict, Iterator, Optional, TextIO

    from ..analysis.pool import Pool
    from ..analysis.survey import Survey
    from .progress import ProgressLine


def add_arguments(parser: argparse.ArgumentParser) -> None:
    data_arguments(parser)
    output_option(parser, "the spec")
    parser.add_argument(
        "--pool",
        action="store_true",
        help="write a candidate pool for sfcompile select (a few hundred SFs per element) "
        "instead of a starter spec",
    )
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
    from ..analysis.pool import checked_text
    from ..analysis.starter import starter_spec
    from ..analysis.survey import survey
    from ..readers.formats import read_structures
    from ..writer import write_atomic

    with _progress(stderr, "init") as progress:
        measured = survey(read_structures(args.data, args.format), args.jobs,
                          args.max_neighbours, progress)  # fmt: skip
    source = os.path.basename(args.data)
    name = os.path.basename(args.output) if args.output else "<stdout>"
    made = _pool(args, stderr, measured, source, name) if args.pool else None
    spec = made or starter_spec(measured, source)
    checked = checked_text(spec.text, name)
    per_element: Dict[str, int] = {}
    for g in checked.generated:
        for combination in g.combinations:
            per_element[combination[0]] = per_element.get(combination[0], 0) + len(g.rows)
    if args.output:
        write_atomic(args.output, spec.text)
    else:
        stdout.write(spec.text)
    if not args.quiet:
        unit = {"unknown": "unit unknown"}.get(spec.unit, f"probably {spec.unit}")
        sets = f"{spec.radial_sets} radial and {spec.angular_sets} angular set(s)"
        lines = sum(per_element.values())
        what = f"{sets}, {lines} SFs"
        if made is not None:
            each = ", ".join(f"{e} {per_element.get(e, 0)}" for e in made.elements)
            what = (f"candidate pool: {sets}, {lines} SFs ({each}); {made.left_out} element "
                    "combination(s) left out of a set (an SF constant on the data)")  # fmt: skip
            if made.stuck:
                what += (f"; every SF of {', '.join(made.stuck)} constant on the data (kept: "
                         "add structures)")  # fmt: skip
        print(
            f"sfcompile init: {', '.join(spec.elements)}; cutoff {spec.cutoff:g} ({unit}); "
            + what
            + (f"; written to {args.output}" if args.output else ""),
            file=stderr,
        )
    return EXIT_OK


@contextlib.contextmanager
def _progress(stderr: TextIO, command: str) -> Iterator[Optional[ProgressLine]]:
    from .progress import progress_for

    progress = progress_for(stderr, command)
    try:
        yield progress
    finally:
        if progress is not None:
            progress.close()


def _pool(
    args: argparse.Namespace, stderr: TextIO, measured: Survey, source: str, name: str
) -> Pool:
    """The candidate pool, evaluated on the data (a second pass) to leave out the element
    combinations of each set on which one of its SFs is constant."""
    from ..analysis.pool import candidate_pool
    from ..readers.formats import read_structures

    with _progress(stderr, "init --pool") as progress:
        return candidate_pool(
            measured, source, read_structures(args.data, args.format),
            name=name, jobs=args.jobs, progress=progress, max_pairs=args.max_neighbours,
            max_triplets=args.max_triplets, scheduler=args.scheduler,
        )  # fmt: skip
