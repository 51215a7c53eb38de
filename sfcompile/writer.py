"""Stage 4: write the result. Files are replaced atomically or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Union

from .errors import Diagnostic, OutputError


def write_atomic(path: Union[str, Path], text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same directory and a rename.

    On any failure the previous file (if any) is untouched and the temporary file is removed.
    The new file keeps the old file's permission bits, or gets the usual ones for a new file.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        if target.is_dir():
            raise IsADirectoryError(f"{target} is a directory")
        mode = _mode_for(target)
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise _error(target, exc) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise _error(target, exc) from None
        raise


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _error(target: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    if isinstance(exc, IsADirectoryError):
        reason = "it is a directory; give a file name"
    elif isinstance(exc, FileNotFoundError) and not target.parent.is_dir():
        reason = f"directory '{target.parent}' does not exist"
    return OutputError([Diagnostic("error", f"cannot write the output: {reason}", str(target))])
