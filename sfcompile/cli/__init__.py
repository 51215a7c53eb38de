"""Command line: a thin parser, one module per command, and the one place where errors become
exit codes.

Exit codes: 0 success; 1 "check found differences"; 2 invalid spec, invalid usage or an output
that could not be written; 3 an internal error (a bug: please report it); 130 interrupted.

Each command module declares its arguments and a ``run(args, stdout, stderr) -> int`` that only
sequences the stages; the stages' modules are imported when the command runs, because the
start-up time of ``sfcompile SPEC`` is most of its run time.
"""

from __future__ import annotations

import contextlib
import os
import sys

from .options import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, report
from .parser import parse

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Iterator, Optional, Sequence, TextIO

__all__ = ["main", "main_entry"]


def main(
    argv: Optional[Sequence[str]] = None,
    stdout: Optional[TextIO] = None,
    stderr: Optional[TextIO] = None,
) -> int:
    """Run the command line; returns the exit code (never raises for a user's mistake)."""
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    parsed = parse(list(sys.argv[1:] if argv is None else argv), out, err)
    if isinstance(parsed, int):  # --help, --version, or a usage error (already printed)
        return parsed
    try:
        with _library_logs_off(getattr(parsed, "scheduler", None) is not None):
            return int(parsed.run(parsed, out, err))
    except BrokenPipeError:  # e.g. `sfcompile spec.toml | head`: the reader has gone
        if out is sys.__stdout__:
            _silence_stdout()  # so that the interpreter's final flush does not complain
        return EXIT_OK
    except KeyboardInterrupt:
        print("sfcompile: interrupted; nothing written", file=err)
        return EXIT_INTERRUPTED
    except Exception as exc:
        from ..errors import SfcompileError  # here: --version and --help do without it

        if isinstance(exc, SfcompileError):
            report(exc.diagnostics, err)
            return exc.exit_code
        if os.environ.get("SFCOMPILE_DEBUG"):
            raise
        print(
            f"sfcompile: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in sfcompile; please report it with the spec that triggers it "
            "(set SFCOMPILE_DEBUG=1 for a traceback).",
            file=err,
        )
        return EXIT_INTERNAL


@contextlib.contextmanager
def _library_logs_off(off: bool) -> Iterator[None]:
    """Dask's client logs, with tracebacks, what the command reports itself in one located
    line (a lost worker is recomputed, a lost scheduler ends the run): standard error is
    sfcompile's, so logging is off while a command runs on a cluster (sfcompile logs nothing)."""
    if not off:
        yield
        return
    import logging

    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
