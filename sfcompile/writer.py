"""Stage 4: write the result. Files are replaced atomically or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import List, Sequence, Tuple, Union

from .errors import Diagnostic, OutputError

PathLike = Union[str, Path]


def write_atomic(path: PathLike, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same directory and a rename.

    On any failure the previous file (if any) is untouched and the temporary file is removed.
    The new file keeps the old file's permission bits, or gets the usual ones for a new file.
    Text is written as UTF-8 with ``\\n`` line ends on every platform.
    """
    write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: PathLike, data: bytes) -> None:
    """:func:`write_atomic` for bytes (images)."""
    write_files_atomic([(path, data)])


def write_files_atomic(files: Sequence[Tuple[PathLike, bytes]]) -> None:
    """Write several files: every one into its temporary file first, then the renames. A
    failure before the renames leaves every target untouched and no temporary file behind."""
    staged: List[Tuple[str, Path]] = []
    try:
        for path, data in files:
            target = Path(path)
            staged.append((_stage(target, data), target))
        for temp_name, target in staged:
            try:
                os.replace(temp_name, target)
            except OSError as exc:
                raise _error(target, exc) from None
    finally:
        for temp_name, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)  # only those not renamed are still there


def _stage(target: Path, data: bytes) -> str:
    """``data`` in a new temporary file beside ``target`` (with the target's mode)."""
    directory = target.parent if str(target.parent) else Path(".")
    try:
        if target.is_dir():
            raise IsADirectoryError(f"{target} is a directory")
        mode = _mode_for(target)
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise _error(target, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise _error(target, exc) from None
        raise
    return temp_name


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
