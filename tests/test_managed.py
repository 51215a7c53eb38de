"""The managed block (sfcompile/managed.py): update and check of a hand-written input.nn.

Every test runs in its own temporary directory, so messages name plain ``input.nn`` and
``spec.toml``. Expected regions are assembled here from the compile output and hashlib, not
taken from the module under test.
"""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path
from typing import List

import pytest

import sfcompile
import sfcompile.writer
from sfcompile.errors import OutputError, SpecError
from sfcompile.inputnn.managed import (
    REPAIR,
    ManagedFileError,
    check_file,
    find_block,
    make_region,
    split_lines,
    update_file,
)
from tests.conftest import VALID

pytestmark = pytest.mark.usefixtures("in_tmp_path")

NOTE = "(managed block: edit the spec, not these lines)"
VALID_SHA = "f4954d8d5f292ad4e41b3a1a602f07fb20ae26870cabc048418770415ac9c0bf"
REGION_LINES = (
    37  # begin + 35 block lines (header 3, blank, overview 14, blank, 4 x (3 + blank)) + end
)
# r_lower 2.0 instead of 1.5: r grid 2, 4, 6 -> eta = 1/(2 r^2) = 0.125, 0.03125, 0.013889
CHANGED = VALID.replace("r_lower = 1.5", "r_lower = 2.0")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def spec(text: str = VALID, name: str = "spec.toml") -> Path:
    path = Path(name)
    path.write_text(text, encoding="utf-8")
    return path


def region(spec_path: Path) -> str:
    """The managed region as the README describes it, built without sfcompile.inputnn.managed."""
    block = sfcompile.compile_spec(spec_path)
    begin = f"# >>> sfcompile begin: spec {spec_path.name} sha256 {sha(spec_path.read_text())}"
    return f"{begin} {NOTE}\n{block}# <<< sfcompile end: block sha256 {sha(block)}"


def write(text: str, name: str = "input.nn") -> Path:
    path = Path(name)
    path.write_bytes(text.encode("utf-8"))
    return path


def read(path: Path = Path("input.nn")) -> str:
    return path.read_bytes().decode("utf-8")


def message(exc: pytest.ExceptionInfo[ManagedFileError]) -> str:
    return "\n".join(d.format() for d in exc.value.diagnostics)


def temp_files() -> List[str]:
    return sorted(p.name for p in Path(".").glob(".*.tmp"))


# --- the marker format ---------------------------------------------------------------------


def test_region_format_is_pinned() -> None:
    path = spec()
    block = sfcompile.compile_spec(path)
    text = make_region(block, "spec.toml", sha(VALID))
    lines = text.split("\n")
    assert sha(VALID) == VALID_SHA
    assert lines[0] == (
        f"# >>> sfcompile begin: spec spec.toml sha256 {VALID_SHA} (managed block: edit the "
        "spec, not these lines)"
    )
    assert "\n".join(lines[1:-1]) + "\n" == block  # the compile output, header included
    assert lines[-1] == f"# <<< sfcompile end: block sha256 {sha(block)}"
    assert len(lines) == REGION_LINES
    assert text == region(path)


@pytest.mark.parametrize("name", ["my water spec.toml", "x sha256 y.toml", "wässer.toml"])
def test_spec_names_with_spaces_and_lookalikes_read_back(name: str) -> None:
    text = make_region("symfunction_short H 2 H 1 0 6\n", name, "a" * 64)
    block = find_block(text)
    assert block is not None
    assert (block.spec_name, block.spec_sha256) == (name, "a" * 64)
    assert block.content == "symfunction_short H 2 H 1 0 6\n"
    assert not block.edited


def test_control_characters_in_the_spec_name_are_replaced() -> None:
    text = make_region("x\n", "a\rb\x85c.toml", "0" * 64)
    assert text.startswith("# >>> sfcompile begin: spec a?b?c.toml sha256 ")


def test_lines_break_at_newline_only() -> None:
    # n2p2 splits at \n only: \r\n counts as a break, U+2028, NEL and a lone \r do not
    lines = split_lines("a\r\nb\u2028c\x85d\re\nlast")
    assert [x.text for x in lines] == ["a", "b\u2028c\x85d\re", "last"]
    assert [(x.start, x.end, x.stop) for x in lines] == [(0, 1, 3), (3, 10, 11), (11, 15, 15)]


# --- byte preservation -----------------------------------------------------------------------

OUTSIDE = {
    "crlf": ("number_of_elements 2\r\nelements H O\r\n\r\n", "\r\nrandom_seed 1\r\n"),
    "tabs": ("elements\tH\tO\n\t# indented\tcomment \t\n", "\nglobal_nodes_short\t15 15\t\n"),
    "comments": ("# a\n! bang comment\ncutoff_type 1 # trailing\n", "\n# after\n"),
    "no-final-newline": ("elements H O\n", "\nrandom_seed 1"),
    "block-is-last": ("elements H O\n", ""),
    "unicode": ("# Wasser: H₂O, 1 Å, 水, 🙂\n# U+2028 \u2028 NEL \x85 here\n", "\n# ü ß\n"),
}


@pytest.mark.parametrize("case", OUTSIDE)
def test_update_keeps_every_byte_outside_the_block(case: str) -> None:
    before, after = OUTSIDE[case]
    old = region(spec(CHANGED))
    new = region(spec(VALID))
    path = write(before + old + after)
    original = path.read_bytes()
    result = update_file("spec.toml", path)
    data = path.read_bytes()
    assert data == (before + new + after).encode("utf-8")
    prefix, suffix = before.encode("utf-8"), after.encode("utf-8")
    assert data[: len(prefix)] == original[: len(prefix)]
    assert data[len(data) - len(suffix) :] == original[len(original) - len(suffix) :]
    first = before.count("\n") + 1
    assert (result.action, result.first_line, result.last_line) == (
        "replaced",
        first,
        first + REGION_LINES - 1,
    )
    assert b"\r" not in data[len(prefix) : len(data) - len(suffix)]  # \n inside the block


@pytest.mark.parametrize("case", OUTSIDE)
def test_first_use_appends_and_keeps_the_file_as_a_prefix(case: str) -> None:
    before, after = OUTSIDE[case]
    original = before + after.strip("\r\n")  # some files end without a line break
    write(original)
    update_file(spec(), "input.nn")
    eol = "\r\n" if case == "crlf" else "\n"
    ending = "" if original.endswith("\n") else eol
    assert read() == original + ending + eol + region(Path("spec.toml")) + eol


@pytest.mark.parametrize(
    ("before", "after", "first"),
    [
        ("", "", 1),  # empty file: just the block
        ("a\n", "a\n\n", 3),
        ("a", "a\n\n", 3),  # the missing final line break is added
        ("a\n\n", "a\n\n", 3),  # already a blank line: no second one
        ("a\r\nb\r\n", "a\r\nb\r\n\r\n", 4),  # CRLF throughout: new lines outside follow it
        ("a\r\nb\n", "a\r\nb\n\n", 4),  # mixed: \n
    ],
)
def test_first_use_append_layout(before: str, after: str, first: int) -> None:
    write(before)
    result = update_file(spec(), "input.nn")
    eol = "\r\n" if after.endswith("\r\n") else "\n"
    assert read() == after + region(Path("spec.toml")) + eol
    assert (result.action, result.first_line, result.last_line) == (
        "inserted",
        first,
        first + 36,
    )
    assert (
        result.summary()
        == f"input.nn: managed block inserted (lines {first}-{first + 36}, from spec.toml)"
    )


def test_crlf_file_gets_a_warning() -> None:
    write("number_of_elements 2\r\nelements H O\r\n")
    result = update_file(spec(), "input.nn")
    # after the update: the 2 lines, the blank separator and the end marker's line break
    assert [d.format() for d in result.warnings] == [
        "input.nn:1:21: warning: 4 lines end with CRLF; n2p2 reads the \\r as part of a line's "
        "last word (e.g. 'Element \"O\\r\" unknown'): convert the file to LF line endings (e.g. "
        "dos2unix); sfcompile keeps them outside the managed block"
    ]


# --- first use with symmetry-function lines already present ----------------------------------

EXISTING = """\
number_of_elements 2
elements H O
# old SFs
symfunction_short H 2 H 0.1 0.0 6.0
symfunction_short O 2 O 0.1 0.0 6.0
cutoff_type 1
  symfunction H 2 O 0.1 0.0 6.0 ! alias, indented
# symfunction_short H 2 O 9 9 9
symfunction_shorter H 2 O 9 9 9
"""


def test_existing_sf_lines_are_refused_with_their_count() -> None:
    path = write(EXISTING)
    with pytest.raises(ManagedFileError) as exc:
        update_file(spec(), path)
    assert message(exc) == (
        "input.nn:4:1: error: 3 symfunction_short/symfunction lines already present (first at "
        "line 4); pass --replace-existing to comment them out and insert the managed block "
        "there, or remove them"
    )
    assert exc.value.exit_code == 2
    assert read() == EXISTING


def test_one_existing_sf_line_in_a_compile_output() -> None:
    write("# Generated by sfcompile 0.0.9 from a spec\n\nsymfunction_short H 2 H 1 0 6\n")
    with pytest.raises(ManagedFileError) as exc:
        update_file(spec(), "input.nn")
    assert message(exc) == (
        "input.nn:3:1: error: 1 symfunction_short line already present (line 3); pass "
        "--replace-existing to comment them out and insert the managed block there, or remove "
        "them (this file is an output of 'sfcompile compile': rewrite it with 'sfcompile "
        "compile SPEC -o FILE' and compare it with 'sfcompile check SPEC FILE')"
    )


def test_replace_existing_comments_out_and_inserts_at_the_first() -> None:
    write(EXISTING)
    result = update_file(spec(), "input.nn", replace_existing=True)
    lines = read().split("\n")
    managed = region(Path("spec.toml")).split("\n")
    assert lines[:3] == ["number_of_elements 2", "elements H O", "# old SFs"]
    assert lines[3 : 3 + REGION_LINES] == managed  # lines 4-40
    assert lines[3 + REGION_LINES :] == [
        "# sfcompile update --replace-existing commented out the 3 "
        "symfunction_short/symfunction lines below; the managed block above replaces them",
        "# symfunction_short H 2 H 0.1 0.0 6.0",
        "# symfunction_short O 2 O 0.1 0.0 6.0",
        "cutoff_type 1",
        "#   symfunction H 2 O 0.1 0.0 6.0 ! alias, indented",
        "# symfunction_short H 2 O 9 9 9",
        "symfunction_shorter H 2 O 9 9 9",
        "",
    ]
    assert (result.action, result.first_line, result.last_line) == ("inserted", 4, 40)
    assert result.commented_out == 3
    assert result.warnings == ()
    assert result.summary() == (
        "input.nn: managed block inserted (lines 4-40, from spec.toml); "
        "3 symmetry-function lines commented out"
    )
    again = update_file("spec.toml", "input.nn", replace_existing=True)
    assert (again.action, again.commented_out) == ("unchanged", 0)
    assert check_file("spec.toml", "input.nn").equal


def test_replace_existing_in_a_crlf_file_keeps_crlf_outside() -> None:
    write("elements H O\r\nsymfunction_short H 2 H 1 0 6\r\n")
    update_file(spec(), "input.nn", replace_existing=True)
    note = (
        "# sfcompile update --replace-existing commented out the 1 symfunction_short lines "
        "below; the managed block above replaces them"
    )
    expected = f"elements H O\r\n{region(Path('spec.toml'))}\r\n{note}\r\n"
    assert read() == expected + "# symfunction_short H 2 H 1 0 6\r\n"


# --- damaged markers -------------------------------------------------------------------------

BEGIN = f"# >>> sfcompile begin: spec spec.toml sha256 {'0' * 64} {NOTE}"
END = "# <<< sfcompile end: block sha256 " + sha("x\n")


@pytest.mark.parametrize(
    ("lines", "line", "problem"),
    [
        ([BEGIN, "x"], 2, "managed block begin marker at line 2 has no end marker"),
        (["x", END], 3, "managed block end marker at line 3 has no begin marker"),
        (
            [END, "x", BEGIN],
            2,
            "managed block end marker at line 2 comes before its begin marker",
        ),
        (
            [BEGIN, "x", BEGIN, "x", END],
            4,
            "2 begin markers (lines 2, 4) and 1 end marker (line 6); a file holds one managed "
            "block",
        ),
        (
            [BEGIN, "x", END, "x", END],
            6,
            "1 begin marker (line 2) and 2 end markers (lines 4, 6); a file holds one managed "
            "block",
        ),
        (
            [BEGIN, BEGIN, "x", END, END],
            3,
            "begin marker at line 3 is nested in the block begun at line 2",
        ),
        (
            [BEGIN, "x", END, BEGIN, "x", END],
            5,
            "2 managed blocks (lines 2-4 and 5-7); a file holds one",
        ),
        (
            [BEGIN[:60], "x", END],
            2,
            "malformed begin marker, expected '# >>> sfcompile begin: spec NAME sha256 HEX "
            f"{NOTE}'",
        ),
        (
            [BEGIN, "x", END + " "],
            4,
            "malformed end marker, expected '# <<< sfcompile end: block sha256 HEX'",
        ),
        (
            [BEGIN, "x", "#<<< SFCOMPILE END"],
            4,
            "malformed end marker, expected '# <<< sfcompile end: block sha256 HEX'",
        ),
    ],
    ids=[
        "begin-without-end",
        "end-without-begin",
        "end-before-begin",
        "two-begins",
        "two-ends",
        "nested",
        "two-blocks",
        "malformed-begin",
        "malformed-end",
        "lookalike-end",
    ],
)
def test_damaged_markers_are_refused(lines: List[str], line: int, problem: str) -> None:
    text = "elements H O\n" + "\n".join(lines) + "\n"
    expected = f"input.nn:{line}:1: error: {problem}; {REPAIR}"
    with pytest.raises(ManagedFileError) as exc:
        find_block(text)
    assert message(exc) == expected
    path = write(text)
    with pytest.raises(ManagedFileError) as exc:
        update_file(spec(), path, force=True, replace_existing=True)
    assert message(exc) == expected
    assert read() == text
    with pytest.raises(ManagedFileError) as exc:  # check: exit 2
        check_file("spec.toml", path)
    assert (message(exc), exc.value.exit_code) == (expected, 2)


def test_repair_hint_is_pinned() -> None:
    assert REPAIR == (
        "sfcompile does not guess which lines the block holds: repair the markers, or delete "
        "the block (markers included) and run 'sfcompile update' again"
    )


# --- hand edits and another spec's block -----------------------------------------------------


def managed_file() -> str:
    write("elements H O\n")
    update_file(spec(), "input.nn")
    return read()


def test_hand_edit_is_refused_then_overwritten_with_force() -> None:
    good = managed_file()
    # line 3 is the begin marker; the first SF line is block line 20 (header 3, blank,
    # overview 14, blank), so file line 23
    edited = good.replace("H  2 H  2.222E-01", "H  2 H  2.000E-01", 1)
    assert edited.split("\n")[22].startswith("symfunction_short H  2 H  2.000E-01")
    write(edited)
    with pytest.raises(ManagedFileError) as exc:
        update_file("spec.toml", "input.nn")
    assert message(exc) == (
        "input.nn:3:1: error: the managed block (lines 3-39) was edited by hand: its content no "
        "longer matches the checksum in the end marker (first line that differs from the "
        "spec's block: 23); put the change into the spec, or pass --force to overwrite it"
    )
    assert read() == edited
    checked = check_file("spec.toml", "input.nn")
    assert not checked.equal
    assert checked.warnings[0].format() == (
        "input.nn:3:1: warning: the managed block (lines 3-39) was edited by hand: its content "
        "does not match the checksum in the end marker; 'sfcompile update' refuses to "
        "overwrite it without --force"
    )
    result = update_file("spec.toml", "input.nn", force=True)
    assert (result.action, result.forced) == ("replaced", True)
    assert result.summary().endswith("; the previous block overwritten (--force)")
    assert read() == good


def test_hand_edit_with_a_changed_spec_has_no_line_hint() -> None:
    good = managed_file()
    write(good.replace("# r_lower        = 1.5", "# r_lower = 1.5"))
    spec(CHANGED)
    with pytest.raises(ManagedFileError) as exc:
        update_file("spec.toml", "input.nn")
    assert "end marker; put the change into the spec" in message(exc)


def test_fixed_checksum_but_right_content_is_a_difference_for_check() -> None:
    good = managed_file()
    checksum = good.split("\n")[38].rsplit(" ", 1)[1]
    write(good.replace(checksum, "f" * 64))
    result = check_file("spec.toml", "input.nn")
    assert not result.equal
    assert [x for x in result.diff if x[0] in "+-" and x[:3] not in ("+++", "---")] == [
        f"-# <<< sfcompile end: block sha256 {'f' * 64}\n",
        f"+# <<< sfcompile end: block sha256 {checksum}\n",
    ]


def test_crlf_inside_the_block_is_not_a_hand_edit() -> None:
    good = managed_file()
    lines = good.split("\n")
    inner = "\r\n".join(lines[3:38])  # block lines, not the markers
    write("\n".join(lines[:3]) + "\n" + inner + "\r\n" + "\n".join(lines[38:]))
    result = update_file("spec.toml", "input.nn")
    assert (result.action, result.forced) == ("replaced", False)
    assert read() == good


def test_block_of_another_spec_is_refused() -> None:
    managed_file()
    spec(CHANGED, "other.toml")
    with pytest.raises(ManagedFileError) as exc:
        update_file("other.toml", "input.nn")
    assert message(exc) == (
        "input.nn:3:1: error: the managed block (lines 3-39) was written from spec 'spec.toml', "
        "not 'other.toml'; give the right spec, or pass --force to replace it with the block "
        "of this spec"
    )
    assert update_file("other.toml", "input.nn", force=True).forced


def test_renamed_spec_with_the_same_bytes_is_accepted() -> None:
    managed_file()
    spec(VALID, "renamed.toml")
    result = update_file("renamed.toml", "input.nn")
    assert (result.action, result.forced) == ("replaced", False)
    assert find_block(read()) is not None
    assert read().split("\n")[2].startswith("# >>> sfcompile begin: spec renamed.toml sha256 ")


# --- idempotence, atomicity, the spec's own errors -------------------------------------------


def test_second_update_is_unchanged_and_does_not_write(monkeypatch: pytest.MonkeyPatch) -> None:
    write("# my input.nn\r\nelements H O")
    first = update_file(spec(), "input.nn")
    data = Path("input.nn").read_bytes()

    def no_write(*args: object) -> None:
        raise AssertionError("the file was written again")

    monkeypatch.setattr("sfcompile.inputnn.managed.write_atomic", no_write)
    second = update_file("spec.toml", "input.nn")
    assert (first.action, second.action) == ("inserted", "unchanged")
    assert Path("input.nn").read_bytes() == data
    assert (second.first_line, second.last_line) == (first.first_line, first.last_line)
    assert second.summary() == (
        "input.nn: managed block (lines 4-40) up to date with spec.toml; not rewritten"
    )


def test_failed_write_leaves_the_old_file(monkeypatch: pytest.MonkeyPatch) -> None:
    old = managed_file()
    spec(CHANGED)

    def fail(*args: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr("sfcompile.writer.os.replace", fail)
    with pytest.raises(OutputError) as exc:
        update_file("spec.toml", "input.nn")
    assert exc.value.diagnostics[0].message == "cannot write the output: Input/output error"
    assert read() == old
    assert temp_files() == []


def test_invalid_spec_refuses_update() -> None:
    write("elements H O\n")
    spec(VALID.replace("cutoff = 6.0", "cutoff = -6.0"))
    with pytest.raises(SpecError) as exc:
        update_file("spec.toml", "input.nn")
    assert [d.format() for d in exc.value.diagnostics] == [
        "spec.toml:2:10: error: cutoff: expected a number > 0 and <= 1000.0, got -6.0"
    ]
    assert read() == "elements H O\n"


def test_lint_errors_refuse_update_and_check() -> None:
    write("elements H O\n")
    spec(VALID + VALID[VALID.index("[[sets]]") :])  # the same set twice: duplicates
    with pytest.raises(SpecError) as exc:
        update_file("spec.toml", "input.nn")
    assert exc.value.diagnostics
    assert all(d.severity == "error" for d in exc.value.diagnostics)
    assert "duplicate" in exc.value.diagnostics[0].message
    assert read() == "elements H O\n"
    with pytest.raises(SpecError):
        check_file("spec.toml", "input.nn")


def test_unreadable_input() -> None:
    spec()
    with pytest.raises(ManagedFileError) as exc:
        update_file("spec.toml", "missing.nn")
    assert message(exc) == "missing.nn: error: cannot read the file: no such file; check the path"
    Path("input.nn").write_bytes(b"elements H O\n# caf\xe9\n")
    with pytest.raises(ManagedFileError) as exc:
        check_file("spec.toml", "input.nn")
    assert message(exc) == (
        "input.nn:2:6: error: not UTF-8 text (byte 0xe9); sfcompile reads and writes input.nn "
        "as UTF-8: convert the file first (e.g. iconv -f latin1 -t utf-8)"
    )


def test_symlink_stays_a_symlink() -> None:
    Path("real").mkdir()
    write("elements H O\n", "real/input.nn")
    os.symlink("real/input.nn", "input.nn")
    update_file(spec(), "input.nn")
    assert Path("input.nn").is_symlink()
    assert read(Path("real/input.nn")).endswith(region(Path("spec.toml")) + "\n")


def test_sf_lines_outside_the_block_are_reported() -> None:
    good = managed_file()
    write(good + "symfunction_short H 2 H 1 0 6\n")
    result = check_file("spec.toml", "input.nn")
    assert result.equal  # the block itself is right
    assert [d.format() for d in result.warnings] == [
        "input.nn:40:1: warning: 1 symfunction_short line outside the managed block (lines "
        "3-39); n2p2 reads every SF line of a file, so it gets SFs the spec does not know of: "
        "remove or comment out what is not in the spec"
    ]


# --- check -----------------------------------------------------------------------------------


def test_check_equal_then_different_after_the_spec_changes() -> None:
    managed_file()
    result = check_file("spec.toml", "input.nn")
    assert (result.equal, result.mode, result.diff) == (True, "managed", ())
    assert result.summary() == "input.nn: managed block is up to date with spec.toml"
    spec(CHANGED)
    result = check_file("spec.toml", "input.nn")
    assert not result.equal
    assert result.summary() == (
        "input.nn: managed block differs from what spec.toml compiles to; run "
        "'sfcompile update spec.toml input.nn'"
    )
    update_file("spec.toml", "input.nn")
    assert read() == result.expected  # check's expected text is what update writes
    assert check_file("spec.toml", "input.nn").equal


def test_check_diff_shape() -> None:
    managed_file()
    spec(CHANGED)
    diff = check_file("spec.toml", "input.nn").diff
    assert diff[:2] == ("--- input.nn\t(current)\n", "+++ input.nn\t(compiled from spec.toml)\n")
    assert diff[2].startswith("@@ -1,")  # the begin marker is line 3: one hunk from line 1
    assert all(x.endswith("\n") for x in diff)
    removed = {x for x in diff if x.startswith("-") and not x.startswith("---")}
    added = {x for x in diff if x.startswith("+") and not x.startswith("+++")}
    for element in ("H  2 H", "H  2 O", "O  2 H", "O  2 O"):
        assert f"-symfunction_short {element}  2.222E-01 0.000E+00 6.000E+00\n" in removed
        assert f"+symfunction_short {element}  1.250E-01 0.000E+00 6.000E+00\n" in added
        assert f"-symfunction_short {element}  3.556E-02 0.000E+00 6.000E+00\n" in removed
        assert f"+symfunction_short {element}  3.125E-02 0.000E+00 6.000E+00\n" in added
        unchanged = f"symfunction_short {element}  1.389E-02 0.000E+00 6.000E+00\n"
        assert "-" + unchanged not in removed and "+" + unchanged not in added
    assert "-# r_lower        = 1.5\n" in removed and "+# r_lower        = 2.0\n" in added
    assert f"-# >>> sfcompile begin: spec spec.toml sha256 {VALID_SHA} {NOTE}\n" in removed
    assert f"+# spec sha256: {sha(CHANGED)}\n" in added


def test_diff_marks_a_missing_final_newline() -> None:
    write("elements H O\n\n" + region(spec(CHANGED)))  # the end marker ends the file
    old_end = read().rsplit("\n", 1)[1]
    spec()
    new_end = f"# <<< sfcompile end: block sha256 {sha(sfcompile.compile_spec(Path('spec.toml')))}"
    diff = check_file("spec.toml", "input.nn").diff
    assert diff[-2:] == (
        f"-{old_end}\n\\ No newline at end of file\n",
        f"+{new_end}\n\\ No newline at end of file\n",
    )


def test_check_a_file_written_by_compile() -> None:
    spec()
    write(sfcompile.compile_spec(Path("spec.toml")), "out.nn")
    result = check_file("spec.toml", "out.nn")
    assert (result.equal, result.mode) == (True, "whole-file")
    assert result.summary() == "out.nn: file (a compile output) is up to date with spec.toml"
    spec(CHANGED)
    result = check_file("spec.toml", "out.nn")
    assert not result.equal
    assert result.fix == "sfcompile compile spec.toml -o out.nn"
    assert "+# spec sha256: " + sha(CHANGED) + "\n" in result.diff


def test_check_a_complete_file_written_by_compile_full() -> None:
    from sfcompile.generate.pipeline import load, render_full_loaded

    network = '[cutoff_function]\ntype = "cos"\n\n[n2p2]\nglobal_hidden_layers_short = 2\n'
    network += 'global_nodes_short = [15, 15]\nglobal_activation_short = ["t", "t", "l"]\n'
    network += "random_seed = 1\n"
    path = spec(VALID.replace("[[sets]]", network + "\n[[sets]]"))
    write(render_full_loaded(load(path)), "full.nn")
    result = check_file("spec.toml", "full.nn")
    assert (result.equal, result.mode) == (True, "whole-file")
    spec(path.read_text().replace("random_seed = 1", "random_seed = 2"))
    result = check_file("spec.toml", "full.nn")
    assert not result.equal
    assert result.fix == "sfcompile compile --full spec.toml -o full.nn"
    assert "+random_seed 2\n" in result.diff


def test_check_refuses_a_file_that_is_neither() -> None:
    spec()
    write("elements H O\nsymfunction_short H 2 H 1 0 6\n")
    with pytest.raises(ManagedFileError) as exc:
        check_file("spec.toml", "input.nn")
    assert message(exc) == (
        "input.nn: error: neither a managed block (no '# >>> sfcompile begin' line) nor a file "
        "written by 'sfcompile compile -o' (no first line '# Generated by sfcompile ...'); run "
        "'sfcompile update spec.toml input.nn' once to add the managed block"
    )
    assert exc.value.exit_code == 2
