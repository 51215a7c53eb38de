"""``sfcompile explain SPEC``: counts, cutoffs and cost per central element."""

from __future__ import annotations

import argparse

from .options import EXIT_OK, spec_argument, spec_checks

NAME = "explain"
HELP = "summarise what a spec generates (counts, cutoffs, cost)"
DESCRIPTION = (
    "Summarise a spec: per central element the number of SFs by type and element combination, "
    "the cutoffs (the largest is what LAMMPS' pair_style hdnnp needs) and a relative "
    "evaluation-cost estimate."
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    spec_argument(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable JSON output")
    spec_checks(parser)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..generate.expand import generate
    from ..generate.explain import explain, format_text, to_json
    from ..spec.load import load_spec

    loaded = load_spec(args.spec, max_lines=args.max_lines)
    summary = explain(loaded, generate(loaded.spec))
    stdout.write(to_json(summary) + "\n" if args.json else format_text(summary))
    return EXIT_OK
