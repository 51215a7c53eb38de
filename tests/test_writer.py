"""Atomic writes: text, bytes, several files at once; nothing half-written on failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sfcompile.errors import OutputError
from sfcompile.writer import write_atomic, write_atomic_bytes, write_files_atomic


def test_text_and_bytes(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.txt", "x\ny – ü\n")
    assert (tmp_path / "a.txt").read_bytes() == "x\ny – ü\n".encode()
    data = bytes(range(256)) * 3
    write_atomic_bytes(tmp_path / "b.png", data)
    assert (tmp_path / "b.png").read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.png"]


def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    write_atomic_bytes(target, b"new")
    assert target.read_bytes() == b"new" and (target.stat().st_mode & 0o777) == 0o600


def test_a_failing_file_leaves_every_target_untouched(tmp_path: Path) -> None:
    first = tmp_path / "one.svg"
    first.write_bytes(b"before")
    missing = tmp_path / "no-such-dir" / "two.svg"
    with pytest.raises(OutputError, match="does not exist"):
        write_files_atomic([(first, b"after"), (missing, b"x")])
    assert first.read_bytes() == b"before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.svg"]  # no temporary file


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="it is a directory"):
        write_atomic_bytes(tmp_path, b"x")
    assert list(tmp_path.iterdir()) == []


def test_several_files_are_all_written(tmp_path: Path) -> None:
    files = [(tmp_path / f"f{k}.png", bytes([k]) * 10) for k in range(3)]
    write_files_atomic(files)
    for path, data in files:
        assert path.read_bytes() == data
