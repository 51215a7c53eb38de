"""``sfcompile [compile] SPEC``: the symmetry-function block (or a complete input.nn), or the
files of another target code (``--target``)."""

from __future__ import annotations

import argparse

from .options import (
    EXIT_ERROR,
    EXIT_OK,
    checked_spec,
    output_option,
    report,
    spec_argument,
    spec_checks,
    target_option,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import List, TextIO, Tuple

    from ..targets.common import Rendered


NAME = "compile"
HELP = "compile a spec (the default command)"
DESCRIPTION = (
    "Compile a spec into the symfunction_short block of n2p2's input.nn, or (--target) into "
    "what RuNNer, aenet, DScribe or SIMPLE-NN read, or a table of every SF."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    spec_argument(parser)
    output_option(
        parser,
        "FILE instead of standard output (aenet, simple-nn: a directory, or a pattern with "
        "{element}; table: FILE.csv for CSV)",
    )
    spec_checks(parser, strict=True, quiet=True)
    target_option(parser, "the code to compile for")
    parser.add_argument(
        "--full",
        action="store_true",
        help="write a complete input.nn (elements, cutoff_type, the [n2p2] keywords, SFs)",
    )


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..errors import SpecError
    from ..generate.pipeline import render_full_loaded
    from ..targets.registry import chosen, render
    from ..writer import write_atomic

    checked = checked_spec(args, stderr, "nothing written")
    if checked is None:
        return EXIT_ERROR
    target = chosen(checked.loaded, args.target)
    if args.full and target != "n2p2":
        print(f"sfcompile: error: --full writes n2p2's input.nn; not with target {target}; "
              "nothing written", file=stderr)  # fmt: skip
        return EXIT_ERROR
    if args.full:
        text = render_full_loaded(checked.loaded, checked.generated)
    else:
        csv = target == "table" and bool(args.output) and args.output.lower().endswith(".csv")
        try:
            rendered = render(checked.loaded, checked.generated, target, csv=csv)
        except SpecError as exc:
            report(exc.diagnostics, stderr)
            count = len(exc.diagnostics)
            print(f"sfcompile: {count} error{'s' if count != 1 else ''}; the {target} target "
                  "cannot take this spec; nothing written", file=stderr)  # fmt: skip
            return EXIT_ERROR
        if not rendered.single:
            return _write_files(rendered, args.output, target, stderr)
        text = rendered.files[0][1]
    if args.output:
        write_atomic(args.output, text)
    else:
        stdout.write(text)
        stdout.flush()
    return EXIT_OK


def _write_files(rendered: Rendered, output: str | None, target: str, stderr: TextIO) -> int:
    """One file per element: into the directory ``output``, or named by the pattern
    ``output`` (``{element}`` replaced; a shared file goes beside them)."""
    import os

    from ..writer import write_atomic

    if not output or ("{element}" not in output and not _is_directory(output)):
        print(f"sfcompile: error: the {target} target writes one file per element; give -o DIR "
              "(an existing directory, or a name ending in /) or -o PATTERN containing "
              "{element}; nothing written", file=stderr)  # fmt: skip
        return EXIT_ERROR
    places: List[Tuple[str, str]] = []
    for (name, text), element in zip(rendered.files, rendered.elements):
        if "{element}" in output:
            folder = os.path.dirname(output)
            path = output.replace("{element}", element) if element else os.path.join(folder, name)
        else:
            path = os.path.join(output, name)
        places.append((path, text))
    folders = {os.path.dirname(path) for path, _ in places if os.path.dirname(path)}
    for folder in sorted(folders):
        os.makedirs(folder, exist_ok=True)
    for path, text in places:
        write_atomic(path, text)
    return EXIT_OK


def _is_directory(output: str) -> bool:
    import os

    return output.endswith(("/", os.sep)) or os.path.isdir(output)
