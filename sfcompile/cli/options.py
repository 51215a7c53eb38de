"""What the commands share: exit codes, the spec argument and options, printing diagnostics."""

from __future__ import annotations

import argparse

from ..engine.limits import MAX_PAIRS, MAX_TRIPLETS

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Sequence, TextIO

    from ..errors import Diagnostic
    from ..generate.pipeline import Checked
    from ..selection.fit_run import FitSettings

EXIT_OK = 0
EXIT_DIFFERENCES = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT

QUIET_HELP = "do not print warnings (errors are always printed)"
#: the targets (sfcompile.spec.models.TARGETS, without importing pydantic at start-up)
TARGET_NAMES = ("n2p2", "runner", "aenet", "dscribe", "simple-nn", "table")


def target_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--target",
        choices=TARGET_NAMES,
        metavar="NAME",
        help=f"{what}: {', '.join(TARGET_NAMES)} (default: the spec's [output] target, n2p2)",
    )


def spec_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", metavar="SPEC", help="the TOML spec ('-' for standard input)")


def spec_checks(
    parser: argparse.ArgumentParser, *, strict: bool = False, quiet: bool = False
) -> None:
    """The options every command that reads a spec shares."""
    parser.add_argument(
        "--max-lines",
        type=positive_int,
        metavar="N",
        help="refuse specs producing more than N lines (default: [output] max_lines, 100000)",
    )
    if strict:
        parser.add_argument(
            "--strict", action="store_true", help="treat warnings as errors (exit 2, no output)"
        )
    if quiet:
        parser.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)


def output_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "-o", "--output", metavar="FILE", type=file_name, help=f"write {what} atomically"
    )


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def file_name(text: str) -> str:
    if not text:
        raise argparse.ArgumentTypeError("expected a file name, got an empty string")
    return text


def scheduler_name(text: str) -> str:
    if not text:
        raise argparse.ArgumentTypeError(
            "expected a scheduler address (tcp://HOST:PORT) or scheduler file, got an empty string"
        )
    return text


def count(items: Sequence[object], noun: str) -> str:
    return f"{len(items)} {noun}" + ("" if len(items) == 1 else "s")


def report(diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=stream)


def checked_spec(args: argparse.Namespace, stderr: TextIO, refused: str) -> Checked | None:
    """Load and check the spec of ``args``, printing its diagnostics; None if it has errors
    (then the closing line says ``refused``, e.g. "nothing computed")."""
    from ..generate.pipeline import check
    from ..spec.load import load_spec

    checked = check(load_spec(args.spec, max_lines=args.max_lines))
    quiet = getattr(args, "quiet", False) and not getattr(args, "strict", False)
    report(checked.errors if quiet else checked.diagnostics, stderr)
    if checked.errors:
        print(f"sfcompile: {count(checked.errors, 'error')}; {refused}", file=stderr)
        return None
    if checked.warnings and getattr(args, "strict", False):
        number = count(checked.warnings, "warning")
        print(f"sfcompile: {number} treated as errors (--strict); {refused}", file=stderr)
        return None
    return checked


def data_arguments(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """--data, --format, where to run (--jobs or --scheduler) and the budgets: what every
    command that reads a data set takes."""
    parser.add_argument("--data", required=required, metavar="FILE", help="the structures")
    parser.add_argument(
        "--format",
        default="input.data",
        metavar="FORMAT",
        help="input.data (n2p2/RuNNer, default; gzip too) or an ASE format name (needs ase)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=positive_int, default=1, metavar="N", help="processes")
    where.add_argument(
        "--scheduler",
        type=scheduler_name,
        metavar="ADDRESS",
        help="run on a Dask cluster: its scheduler's address (tcp://HOST:PORT) or scheduler "
        'file (needs pip install "sfcompile[dask]")',
    )
    budget_arguments(parser)


def budget_arguments(parser: argparse.ArgumentParser) -> None:
    """--max-neighbours and --max-triplets: what one structure may cost."""
    parser.add_argument(
        "--max-neighbours",
        type=positive_int,
        default=MAX_PAIRS,
        metavar="N",
        help=f"refuse a structure with more than about N neighbour pairs (default {MAX_PAIRS:,})",
    )
    parser.add_argument(
        "--max-triplets",
        type=positive_int,
        default=MAX_TRIPLETS,
        metavar="N",
        help=f"refuse a structure with more than N triplets for angular SFs (default "
        f"{MAX_TRIPLETS:,})",
    )


def single_threaded_blas() -> None:
    """One BLAS thread per process (effective before numpy loads). The data commands run in
    parallel over structures (--jobs); their small dense matrices gain nothing from BLAS
    threads, which spin and slow everything down when other processes share the cores."""
    import os

    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def selection_arguments(
    parser: argparse.ArgumentParser, methods: Sequence[str] = ("cur", "fps"), help: str = ""
) -> None:
    """--method, --report, --max-memory and -q: what select and select-structures share."""
    parser.add_argument(
        "--method", choices=methods, default=methods[0], help=help or f"default {methods[0]}"
    )
    parser.add_argument("--report", type=file_name, metavar="FILE", help="the report as JSON")
    parser.add_argument(
        "--max-memory",
        type=positive_int,
        default=2048,
        metavar="MIB",
        help="refuse a selection estimated to need more (default 2048 MiB)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no report on standard error")


def positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {value}")
    return value


def fit_arguments(parser: argparse.ArgumentParser) -> None:
    """The force fit's options (select, score) and --seed."""
    fit = parser.add_argument_group("the force fit")
    fit.add_argument("--degree", type=int, choices=(1, 2, 3), default=3,
                     help="powers of each SF in the model (default 3)")  # fmt: skip
    fit.add_argument("--validation", type=_share, default=0.1, metavar="SHARE",
                     help="share of structures held out for validation (default 0.1)")  # fmt: skip
    fit.add_argument("--energy-weight", type=positive_number, default=1.0, metavar="W",
                     help="weight of the energies against the forces (default 1: equal, each "
                     "relative to its variance)")  # fmt: skip
    fit.add_argument("--force-atoms", type=positive_int, metavar="N",
                     help="fit the forces of a sample of N atoms (default: as many as a few "
                     "seconds of fitting allow)")  # fmt: skip
    parser.add_argument("--seed", type=_seed, default=0, metavar="S",
                        help="seed of the validation split and the samples (0)")  # fmt: skip


def fit_settings(args: argparse.Namespace) -> FitSettings:
    from ..selection.fit_run import FitSettings

    return FitSettings(args.degree, args.validation, args.energy_weight, args.force_atoms)
