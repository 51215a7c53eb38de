"""``sfcompile select-structures SPEC --data FILE -n N -o SUBSET``: the N most diverse
structures by CUR or FPS on their per-structure SF means, copied unchanged, in file order."""

from __future__ import annotations

import argparse

from .options import (
    EXIT_ERROR,
    EXIT_OK,
    checked_spec,
    data_arguments,
    file_name,
    positive_int,
    selection_arguments,
    single_threaded_blas,
    spec_argument,
    spec_checks,
)

NAME = "select-structures"
HELP = "pick N diverse reference structures of a data set (CUR or FPS), copied unchanged"
DESCRIPTION = (
    "Summarise every structure by the mean SF vector of its atoms per central element (the "
    "spec's SFs), standardise, and pick N structures by CUR (default) or farthest-point "
    "sampling. The chosen structures are written unchanged, in file order (input.data and "
    "(extended) XYZ; a name ending in .gz is gzip-compressed)."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    spec_argument(parser)
    data_arguments(parser)
    parser.add_argument("-n", type=positive_int, required=True, metavar="N", help="structures")
    parser.add_argument(
        "-o", "--output", type=file_name, required=True, metavar="FILE",
        help="the chosen structures (written atomically)",
    )  # fmt: skip
    selection_arguments(parser)
    spec_checks(parser)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    single_threaded_blas()
    import dataclasses
    import os

    from ..analysis.stats import spec_plan
    from ..readers.formats import read_structures
    from ..selection.report import to_json
    from ..selection.structures import (
        copy_structures,
        copyable_as,
        format_structures_text,
        output_bytes,
        select_structures,
        structures_report,
    )
    from ..writer import write_files_atomic
    from .progress import progress_for

    checked = checked_spec(args, stderr, "nothing selected")
    if checked is None:
        return EXIT_ERROR
    plan = dataclasses.replace(
        spec_plan(checked), max_pairs=args.max_neighbours, max_triplets=args.max_triplets
    )
    name = os.path.basename(args.data)
    copyable_as(args.data, args.format)  # a format that cannot be copied: refused before any work
    progress = progress_for(stderr, NAME)
    try:
        structures = read_structures(args.data, args.format, known_elements=plan.elements)
        choice = select_structures(
            checked, plan, structures, args.n, method=args.method, jobs=args.jobs,
            progress=progress, max_memory=args.max_memory * 2**20, data_name=name,
            scheduler=args.scheduler, chunk_progress=None if progress is None else progress.chunks,
        )  # fmt: skip
    finally:
        if progress is not None:
            progress.close()
    text = copy_structures(args.data, args.format, choice.picks.indices)
    document = structures_report(choice, args.method, name, args.n)
    files = [(args.output, output_bytes(args.output, text))]
    if args.report:
        files.append((args.report, to_json(document).encode()))
    write_files_atomic(files)
    if not args.quiet:
        stderr.write(format_structures_text(document))
    return EXIT_OK
