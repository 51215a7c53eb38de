"""``sfcompile schema``: the JSON Schema of the spec format."""

from __future__ import annotations

import argparse

from .options import EXIT_OK

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import TextIO


NAME = "schema"
HELP = "print the JSON Schema of the spec format"
DESCRIPTION = "Print the JSON Schema of the spec format (for editors such as Taplo)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments."""


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..spec.schema import schema_text

    stdout.write(schema_text())
    return EXIT_OK
