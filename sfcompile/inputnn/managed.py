"""``update`` and ``check``: the managed block of an input.nn file, compiled from a spec.

The text side (markers, finding the block, splicing it in) is :mod:`.block`; this module reads
the file, compiles the spec as ``sfcompile compile`` does, writes the file atomically (only if
it changes) or compares it, and words the result.
"""

from __future__ import annotations

import difflib
import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import List, Literal, Optional, Tuple

from ..errors import Diagnostic, SpecError
from ..generate.pipeline import Checked, check, load, render_full_loaded, render_loaded
from ..spec.load import line_column
from ..writer import write_atomic
from .block import (
    HEADER_PREFIX,
    REPAIR,
    Action,
    Block,
    Line,
    ManagedFileError,
    PathLike,
    code_of,
    error,
    find_block,
    keywords_of,
    line_break,
    make_region,
    plural,
    sf_keyword,
    splice,
    split_lines,
)

__all__ = [
    "REPAIR", "Block", "CheckResult", "Line", "ManagedFileError", "UpdateResult", "check_file",
    "file_warnings", "find_block", "line_break", "make_region", "read_input", "sf_keyword",
    "splice", "split_lines", "unified_diff", "update_file",
]  # fmt: skip

Mode = Literal["managed", "whole-file"]


def read_input(path: PathLike) -> str:
    """The text of ``input.nn`` (UTF-8, line breaks untouched); ManagedFileError if unreadable."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise error(name, "cannot read the file: no such file; check the path") from None
    except IsADirectoryError:
        raise error(name, "is a directory; expected n2p2's input.nn") from None
    except OSError as exc:
        raise error(name, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = line_column(data, exc.start)
        message = (
            f"not UTF-8 text (byte 0x{data[exc.start]:02x}); sfcompile reads and writes "
            "input.nn as UTF-8: convert the file first (e.g. iconv -f latin1 -t utf-8)"
        )
        raise ManagedFileError([Diagnostic("error", message, name, line, column)]) from None


def file_warnings(text: str, source: str, block: Optional[Block]) -> List[Diagnostic]:
    """CRLF line breaks (n2p2 fails on them), SF lines outside the managed block."""
    found: List[Diagnostic] = []
    lines = split_lines(text)
    crlf = [x for x in lines if x.stop - x.end == 2]
    if crlf:
        found.append(Diagnostic("warning", (
            f"{plural(len(crlf), 'line')} end with CRLF; n2p2 reads the \\r as part of a "
            "line's last word (e.g. 'Element \"O\\r\" unknown'): convert the file to LF line "
            "endings (e.g. dos2unix); sfcompile keeps them outside the managed block"
        ), source, crlf[0].number, crlf[0].end - crlf[0].start + 1))  # fmt: skip
    if block is not None:
        inside = range(block.begin.number, block.end.number)
        outside = [x for x in lines if sf_keyword(x.text) and x.number not in inside]
        if outside:
            found.append(Diagnostic("warning", (
                f"{plural(len(outside), keywords_of(outside) + ' line')} outside {block.where()}; "
                "n2p2 reads every SF line of a file, so it gets SFs the spec does not know "
                "of: remove or comment out what is not in the spec"
            ), source, outside[0].number, 1))  # fmt: skip
    return found


def _compile(spec_path: PathLike, strict: bool, max_lines: Optional[int]) -> Checked:
    """Load, validate and lint the spec as ``sfcompile compile`` does; SpecError if refused."""
    checked = check(load(Path(spec_path), max_lines=max_lines))
    refused = checked.diagnostics if strict else tuple(checked.errors)
    if refused:
        raise SpecError(refused)
    return checked


def _region(checked: Checked) -> str:
    block = render_loaded(checked.loaded, checked.generated)
    return make_region(block, checked.loaded.source.file_name, checked.loaded.source.sha256)


@dataclass(frozen=True)
class UpdateResult:
    path: str
    spec: str  # the spec's file name
    action: Action
    first_line: int  # the managed block's begin marker, in the file as it is now
    last_line: int  # its end marker
    commented_out: int  # SF lines commented out (replace_existing)
    forced: bool  # force=True overwrote a hand-edited block or another spec's block
    warnings: Tuple[Diagnostic, ...]  # the spec's warnings, then the file's

    def summary(self) -> str:
        lines = f"lines {self.first_line}-{self.last_line}"
        if self.action == "unchanged":
            return (
                f"{self.path}: managed block ({lines}) up to date with {self.spec}; not rewritten"
            )
        text = f"{self.path}: managed block {self.action} ({lines}, from {self.spec})"
        if self.commented_out:
            text += f"; {plural(self.commented_out, 'symmetry-function line')} commented out"
        return text + ("; the previous block overwritten (--force)" if self.forced else "")


def update_file(
    spec_path: PathLike,
    input_path: PathLike,
    *,
    replace_existing: bool = False,
    force: bool = False,
    strict: bool = False,
    max_lines: Optional[int] = None,
) -> UpdateResult:
    """Compile the spec into the managed block of ``input_path`` (written atomically, only if
    it changes). Raises SpecError (spec refused), ManagedFileError or OutputError."""
    checked = _compile(spec_path, strict, max_lines)
    source = str(input_path)
    text = read_input(input_path)
    region = _region(checked)
    spliced = splice(text, region, source=source, replace_existing=replace_existing, force=force)
    if spliced.action != "unchanged":
        write_atomic(os.path.realpath(input_path), spliced.text)  # a symlink stays a symlink
    warnings = file_warnings(spliced.text, source, find_block(spliced.text, source))
    return UpdateResult(
        source, checked.loaded.source.file_name, spliced.action, *spliced.lines,
        spliced.commented_out, spliced.forced, (*checked.warnings, *warnings),
    )  # fmt: skip


@dataclass(frozen=True)
class CheckResult:
    path: str
    spec: str  # the spec as given
    mode: Mode  # "whole-file": a file written by 'sfcompile compile -o'
    equal: bool
    expected: str  # the whole file as the spec makes it
    actual: str
    diff: Tuple[str, ...]  # unified diff actual -> expected; every item ends with "\n"
    fix: str  # the command that makes the file equal
    warnings: Tuple[Diagnostic, ...]  # the spec's warnings, then the file's

    def summary(self) -> str:
        what = "managed block" if self.mode == "managed" else "file (a compile output)"
        if self.equal:
            return f"{self.path}: {what} is up to date with {self.spec}"
        return f"{self.path}: {what} differs from what {self.spec} compiles to; run '{self.fix}'"


def unified_diff(actual: str, expected: str, path: str, spec: str) -> Tuple[str, ...]:
    """``actual`` -> ``expected``, labelled ``PATH<TAB>(current)`` and ``(compiled from SPEC)``."""
    old = [actual[x.start : x.stop] for x in split_lines(actual)]
    new = [expected[x.start : x.stop] for x in split_lines(expected)]
    lines = difflib.unified_diff(old, new, path, path, "(current)", f"(compiled from {spec})")
    return tuple(x if x.endswith("\n") else x + "\n\\ No newline at end of file\n" for x in lines)


def _expected(checked: Checked, text: str, block: Optional[Block], source: str) -> Tuple[str, str]:
    """The whole file as the spec makes it, and the command that writes it."""
    spec, path = shlex.quote(checked.loaded.source.display_name), shlex.quote(source)
    if block is not None:
        expected = text[: block.begin.start] + _region(checked) + text[block.end.end :]
        return expected, f"sfcompile update {spec} {path}"
    if not text.startswith(HEADER_PREFIX):
        raise error(source, (
            "neither a managed block (no '# >>> sfcompile begin' line) nor a file written by "
            f"'sfcompile compile -o' (no first line '{HEADER_PREFIX}...'); run "
            f"'sfcompile update {spec} {path}' once to add the managed block"
        ))  # fmt: skip
    if any(code_of(x.text) and not sf_keyword(x.text) for x in split_lines(text)):  # --full
        full = render_full_loaded(checked.loaded, checked.generated)
        return full, f"sfcompile compile --full {spec} -o {path}"
    block_text = render_loaded(checked.loaded, checked.generated)
    return block_text, f"sfcompile compile {spec} -o {path}"


def check_file(
    spec_path: PathLike,
    input_path: PathLike,
    *,
    strict: bool = False,
    max_lines: Optional[int] = None,
) -> CheckResult:
    """Compare ``input_path`` with what the spec compiles to now: its managed block, or the
    whole file if it is a compile output. Raises SpecError / ManagedFileError (exit 2)."""
    checked = _compile(spec_path, strict, max_lines)
    source, spec = str(input_path), checked.loaded.source.display_name
    text = read_input(input_path)
    block = find_block(text, source)
    expected, fix = _expected(checked, text, block, source)
    notes = file_warnings(text, source, block)
    if block is not None and block.edited:
        notes.insert(0, Diagnostic("warning", (
            f"{block.where()} was edited by hand: its content does not match the checksum in "
            "the end marker; 'sfcompile update' refuses to overwrite it without --force"
        ), source, block.begin.number, 1))  # fmt: skip
    diff = () if expected == text else unified_diff(text, expected, source, spec)
    mode: Mode = "managed" if block is not None else "whole-file"
    return CheckResult(
        source, spec, mode, expected == text, expected, text, diff, fix,
        (*checked.warnings, *notes),
    )  # fmt: skip
